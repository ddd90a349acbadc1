//! Firmware versions: dotted numbers compared numerically (`2.10.0` is newer than `2.9.3`).

use std::cmp::Ordering;

fn parts(version: &str) -> Vec<u64> {
    version.trim().trim_start_matches('v').split('.').map(|part| part.trim().parse().unwrap_or(0)).collect()
}

/// Compares two versions part by part; missing parts count as zero.
pub fn compare(a: &str, b: &str) -> Ordering {
    let (a, b) = (parts(a), parts(b));
    let len = a.len().max(b.len());
    (0..len)
        .map(|i| a.get(i).copied().unwrap_or(0).cmp(&b.get(i).copied().unwrap_or(0)))
        .find(|order| order.is_ne())
        .unwrap_or(Ordering::Equal)
}

/// Whether `installed` is at least `minimum`.
pub fn satisfies(installed: &str, minimum: &str) -> bool {
    compare(installed, minimum).is_ge()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compares_numerically() {
        assert!(satisfies("2.10.0", "2.9.3"));
        assert!(satisfies("3.0", "3.0.0"));
        assert!(!satisfies("1.9.9", "2.0.0"));
        assert!(satisfies("v2.1", "2.1"));
    }
}
