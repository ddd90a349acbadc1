//! The split of the texts between the bundles: the first bundle carries only `TEXTS`, so every text
//! its sources show (by key, or by a family of keys they build at run time, such as `value.{…}`)
//! must be there, in every language; and `TEXTS` holds nothing the first bundle never shows.

use std::path::{Path, PathBuf};

use super::{Locale, more_texts::MORE_TEXTS, texts::TEXTS};

/// Whether a module declaration's attribute leaves it out of the first bundle.
fn leaves_out(attribute: &str) -> bool {
    let attribute = attribute.trim();
    attribute == "#[cfg(test)]"
        || attribute.starts_with("#[cfg(") && attribute.contains("feature") && !attribute.contains("not(")
}

/// The source files compiled into the first bundle: the module tree from `main.rs`, without the
/// modules declared under a `feature` (`more`, `staff`) or for tests only.
fn first_bundle_sources() -> Vec<PathBuf> {
    let src = Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src"));
    let mut files = Vec::new();
    let mut todo = vec![src.join("main.rs")];
    while let Some(file) = todo.pop() {
        let source = std::fs::read_to_string(&file).expect("source");
        let stem = file.file_stem().and_then(|stem| stem.to_str()).unwrap_or_default();
        let folder = if ["main", "mod"].contains(&stem) { file.with_file_name("") } else { file.with_extension("") };
        let mut attribute = "";
        for line in source.lines() {
            let declaration = line.trim().trim_start_matches("pub(crate) ").trim_start_matches("pub ");
            if let Some(name) = declaration.strip_prefix("mod ").and_then(|rest| rest.strip_suffix(';')) {
                if !leaves_out(attribute) {
                    let flat = folder.join(format!("{name}.rs"));
                    todo.push(if flat.exists() { flat } else { folder.join(name).join("mod.rs") });
                }
            }
            if !line.trim().is_empty() {
                attribute = line;
            }
        }
        files.push(file);
    }
    files
}

/// The keys of texts (`area.name`, `area.name.detail`) written in `source`, and the families of
/// keys it builds at run time (`format!("value.{…}")` gives `value.`).
fn keys_and_families(source: &str) -> (Vec<String>, Vec<String>) {
    let word = |part: &str| !part.is_empty() && part.chars().all(|c| c == '_' || c.is_ascii_alphanumeric());
    let mut keys = Vec::new();
    for literal in source.split('"').skip(1).step_by(2) {
        let parts: Vec<&str> = literal.split('.').collect();
        let area = parts[0];
        if parts.len() >= 2
            && area.chars().all(|c| c == '_' || c.is_ascii_lowercase())
            && !["", "caas", "sw"].contains(&area)
            && parts[1..].iter().all(|part| word(part))
        {
            keys.push(literal.to_owned());
        }
    }
    let families = source
        .split("format!(\"")
        .skip(1)
        .filter_map(|rest| rest.split_once(".{").map(|(family, _)| family))
        .filter(|family| word(family) && family.chars().all(|c| c == '_' || c.is_ascii_lowercase()))
        .map(|family| format!("{family}."))
        .collect();
    (keys, families)
}

/// Every key and family of keys the first bundle's sources show (their tests left aside).
fn first_bundle_keys() -> (Vec<String>, Vec<String>) {
    let (mut keys, mut families) = (Vec::new(), Vec::new());
    for file in first_bundle_sources() {
        if file.ends_with("texts.rs") {
            continue;
        }
        let source = std::fs::read_to_string(&file).expect("source");
        let code = source.split("\n#[cfg(test)]\nmod tests").next().unwrap_or_default();
        let (more_keys, more_families) = keys_and_families(code);
        keys.extend(more_keys);
        families.extend(more_families);
    }
    for list in [&mut keys, &mut families] {
        list.sort();
        list.dedup();
    }
    (keys, families)
}

fn in_first_table(key: &str) -> Option<&'static [&'static str; 3]> {
    TEXTS.binary_search_by(|(entry, _)| entry.cmp(&key)).ok().map(|at| &TEXTS[at].1)
}

#[test]
fn the_module_tree_of_the_first_bundle_is_found() {
    let files = first_bundle_sources();
    let has = |name: &str| files.iter().any(|file| file.ends_with(name));
    assert!(has("pages/dashboard.rs") && has("pages/catalog.rs") && has("components/layout.rs"), "{files:?}");
    assert!(!has("pages/health.rs") && !has("pages/privacy.rs") && !has("pages/dealer.rs"), "{files:?}");
    assert!(!has("i18n/more_texts.rs") && !has("i18n/calendar.rs"));
}

#[test]
fn the_first_bundle_has_every_text_it_shows_in_every_language() {
    let (keys, families) = first_bundle_keys();
    assert!(keys.len() > 100 && families.contains(&"value.".to_owned()), "{} keys, {families:?}", keys.len());
    for key in keys {
        let texts =
            in_first_table(&key).unwrap_or_else(|| panic!("{key} is shown by the first bundle: add it to TEXTS"));
        for locale in Locale::ALL {
            assert!(!texts[locale as usize].is_empty(), "{key} has no {} text", locale.name());
        }
    }
    for (key, _) in MORE_TEXTS {
        let family = families.iter().find(|family| key.starts_with(family.as_str()));
        assert!(family.is_none(), "{key} is of a family the first bundle shows ({family:?}): move it to TEXTS");
    }
}

#[test]
fn the_first_bundle_carries_no_text_it_never_shows() {
    let (keys, families) = first_bundle_keys();
    for (key, _) in TEXTS {
        let base = key.strip_suffix(".one").unwrap_or(key);
        let shown =
            keys.iter().any(|shown| shown == base) || families.iter().any(|family| key.starts_with(family.as_str()));
        assert!(shown, "{key} is shown only by the second bundle or the staff app: move it to MORE_TEXTS");
    }
}
