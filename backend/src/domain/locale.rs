//! The languages the product speaks.

use std::fmt;

/// A supported language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Default, async_graphql::Enum)]
pub enum Locale {
    /// English.
    #[default]
    En,
    /// German.
    De,
    /// Spanish.
    Es,
}

impl Locale {
    /// Every supported language.
    pub const ALL: [Locale; 3] = [Locale::En, Locale::De, Locale::Es];

    /// The language tag stored in the database, e.g. `de`.
    pub fn tag(self) -> &'static str {
        match self {
            Self::En => "en",
            Self::De => "de",
            Self::Es => "es",
        }
    }

    /// The language of a tag such as `de` or `de-AT`; `None` when we do not speak it.
    pub fn from_tag(tag: &str) -> Option<Self> {
        let primary = tag.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        Self::ALL.into_iter().find(|locale| locale.tag() == primary)
    }

    /// The best language for an `Accept-Language` header, by its q-values.
    pub fn negotiate(accept_language: &str) -> Option<Self> {
        let mut ranked: Vec<(f32, Locale)> = accept_language
            .split(',')
            .filter_map(|part| {
                let mut pieces = part.split(';');
                let locale = Self::from_tag(pieces.next()?)?;
                let quality =
                    pieces.find_map(|p| p.trim().strip_prefix("q=")).and_then(|q| q.parse::<f32>().ok()).unwrap_or(1.0);
                Some((quality, locale))
            })
            .collect();
        ranked.sort_by(|a, b| b.0.total_cmp(&a.0));
        ranked.first().map(|(_, locale)| *locale)
    }
}

impl fmt::Display for Locale {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.tag())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn negotiates_by_quality() {
        assert_eq!(Locale::negotiate("fr-FR, es;q=0.8, de;q=0.9"), Some(Locale::De));
        assert_eq!(Locale::negotiate("es-ES"), Some(Locale::Es));
        assert_eq!(Locale::negotiate("fr, it"), None);
    }
}
