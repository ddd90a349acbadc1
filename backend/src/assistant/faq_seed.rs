//! The FAQ the platform ships with, in English, German and Spanish, and the entries a workshop's own
//! FAQ starts with. The texts live in `faq/*.rs` as plain data; an entry's `key` names its topic in
//! every language, so tests and the evaluation set (`bench/data/assistant_eval.json`) can refer to
//! it before the entries have database ids.

/// One FAQ entry as seeded.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SeedFaq {
    /// The topic, shared by the entry's translations (e.g. `trial`).
    pub key: &'static str,
    /// The language tag: `en`, `de` or `es`.
    pub language: &'static str,
    /// The question, as a customer might ask it.
    pub question: &'static str,
    /// The answer.
    pub answer: &'static str,
    /// Words a customer might use for the topic; searched with the question and the answer.
    pub tags: &'static [&'static str],
}

include!("faq/en.rs");
include!("faq/de.rs");
include!("faq/es.rs");
include!("faq/workshop.rs");

/// The platform FAQ in every language.
pub fn platform_faq() -> Vec<SeedFaq> {
    [EN, DE, ES].concat()
}

/// The entries a new workshop's FAQ starts with (opening hours, services, prices, loan car,
/// appointments) in every language, written as the workshop speaking.
pub fn workshop_faq() -> Vec<SeedFaq> {
    WORKSHOP.to_vec()
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeSet, HashSet};

    use super::*;
    use crate::domain::locale::Locale;

    fn keys(entries: &[SeedFaq], language: &str) -> BTreeSet<&'static str> {
        entries.iter().filter(|entry| entry.language == language).map(|entry| entry.key).collect()
    }

    #[test]
    fn every_language_has_the_same_topics_and_at_least_25_of_them() {
        for faq in [platform_faq(), workshop_faq()] {
            let english = keys(&faq, "en");
            for locale in Locale::ALL {
                assert_eq!(keys(&faq, locale.tag()), english, "{locale}");
            }
        }
        assert!(keys(&platform_faq(), "en").len() >= 25);
    }

    #[test]
    fn keys_are_unique_per_language_and_no_text_is_empty() {
        let mut seen = HashSet::new();
        for entry in platform_faq().into_iter().chain(workshop_faq()) {
            assert!(seen.insert((entry.language, entry.key)), "{} {} twice", entry.language, entry.key);
            assert!(Locale::from_tag(entry.language).is_some(), "{}", entry.language);
            assert!(!entry.question.trim().is_empty() && !entry.answer.trim().is_empty(), "{}", entry.key);
            assert!(!entry.tags.is_empty() && entry.tags.iter().all(|tag| !tag.trim().is_empty()), "{}", entry.key);
        }
    }
}
