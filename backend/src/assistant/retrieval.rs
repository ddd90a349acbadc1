//! Finding the passages that answer a question: the question and the passages are cut into words,
//! stemmed and stripped of stop words for the asker's language (`bm25`'s tokenizer: Snowball
//! stemmers, NLTK stop words, accents folded), ranked with BM25, and kept only when they are
//! relevant enough (see `MIN_COVERAGE`), so that a question the knowledge does not cover finds
//! nothing rather than the least bad passage.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, LazyLock, Mutex, PoisonError};

use bm25::{DefaultTokenizer, Embedder, EmbedderBuilder, Language, Scorer, TokenEmbedder, Tokenizer};

use crate::domain::locale::Locale;

/// Where a passage comes from: what an answer cites.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Source {
    /// An FAQ entry (platform-wide or a workshop's).
    Faq {
        /// The entry's id.
        id: uuid::Uuid,
    },
    /// A fact about the asker's car, e.g. "fault-code P0301", "maintenance", "features".
    Car {
        /// What the fact is about.
        topic: String,
    },
}

/// A piece of knowledge the assistant may answer from.
#[derive(Clone, Debug)]
pub struct Passage {
    /// Where it comes from.
    pub source: Source,
    /// FAQ: its question; car facts: a short heading ("Fault code P0301").
    pub title: String,
    /// FAQ: its answer; car facts: the generated sentence(s).
    pub text: String,
    /// FAQ tags (also searched); empty for car facts.
    pub tags: Vec<String>,
}

/// A passage found for a question, with its BM25 score.
#[derive(Clone, Copy, Debug)]
pub struct Hit<'a> {
    /// The passage.
    pub passage: &'a Passage,
    /// Its BM25 score for the question (higher is better; comparable within one question only).
    pub score: f32,
}

/// The share of a question's weight that a passage must contain to be relevant. A question's weight
/// is the sum of its distinct terms' inverse document frequencies, BM25's own measure of how much a
/// term tells: a word no passage uses ("Tesla", "lasagne") weighs the most, a word most passages use
/// ("car") little. Chosen on the evaluation set (`bench/data/assistant_eval.json`): a passage on the
/// topic of one of its unrelated questions covers at most 0.29 of it ("How much does a new Tesla
/// cost?" finds "new" or "cost", never "Tesla"), while the passages that answer its other questions cover
/// 0.39 or more but for a few paraphrases in words the entry does not use; 0.35 keeps a margin from
/// the unrelated ones. Besides, an FAQ entry must share a term of its question or tags
/// with the question (`Index::topic_terms`): a word its answer mentions in passing is not enough.
pub const MIN_COVERAGE: f32 = 0.35;

/// The best `limit` passages for `question` in `locale`, best first, only those relevant enough.
pub fn retrieve<'a>(question: &str, locale: Locale, passages: &'a [Passage], limit: usize) -> Vec<Hit<'a>> {
    Index::new(locale, passages).search(question, limit)
}

/// Passages ready to be searched in one language; build it once to ask several questions of the
/// same passages (`retrieve` builds one per question).
pub struct Index<'a> {
    analyzer: &'static Analyzer,
    passages: &'a [Passage],
    embedder: Embedder<u32, Pretokenized>,
    scorer: Scorer<usize>,
    /// Per passage, its distinct terms.
    terms: Vec<HashSet<u32>>,
    /// Per passage, the terms that say what it is about: an FAQ entry's question and tags (its
    /// answer may mention anything in passing), all of a car fact's few words.
    topic_terms: Vec<HashSet<u32>>,
    /// Per term, in how many passages it occurs.
    passages_with: HashMap<u32, usize>,
}

/// A passage sharing a term with the question, before the relevance cut.
#[derive(Clone, Copy, Debug)]
struct Candidate {
    position: usize,
    score: f32,
    /// The share of the question's weight found in the passage.
    coverage: f32,
    /// Whether the question names the passage's topic (`Index::topic_terms`).
    on_topic: bool,
    /// Whether both name the same fault code.
    same_fault_code: bool,
}

impl Candidate {
    /// Relevant enough to answer from. A fault code is what a question naming one is about, so a
    /// passage on that code is relevant however the rest of the question is worded.
    fn is_relevant(&self) -> bool {
        self.same_fault_code || (self.on_topic && self.coverage >= MIN_COVERAGE)
    }
}

impl<'a> Index<'a> {
    /// Indexes each passage's title, tags and text in `locale`.
    pub fn new(locale: Locale, passages: &'a [Passage]) -> Self {
        let analyzer = Analyzer::of(locale);
        let documents: Vec<Document> = passages.iter().map(|passage| analyzer.document(passage)).collect();
        let words: usize = documents.iter().map(|document| document.length).sum();
        let average_length = if passages.is_empty() { 1.0 } else { (words as f32 / passages.len() as f32).max(1.0) };
        let embedder = EmbedderBuilder::<u32, Pretokenized>::with_avgdl(average_length).build();
        let mut scorer = Scorer::new();
        let (mut terms, mut topic_terms) = (Vec::with_capacity(passages.len()), Vec::with_capacity(passages.len()));
        let mut passages_with: HashMap<u32, usize> = HashMap::new();
        for (position, document) in documents.iter().enumerate() {
            let embedding = embedder.embed(&document.terms);
            let distinct: HashSet<u32> = embedding.indices().copied().collect();
            for term in &distinct {
                *passages_with.entry(*term).or_default() += 1;
            }
            terms.push(distinct);
            topic_terms.push(document.topic.iter().map(|term| <u32 as TokenEmbedder>::embed(term)).collect());
            scorer.upsert(&position, embedding);
        }
        Self { analyzer, passages, embedder, scorer, terms, topic_terms, passages_with }
    }

    /// The best `limit` passages for `question`, best first, only those relevant enough: covering
    /// `MIN_COVERAGE` of the question's weight, and on its topic.
    pub fn search(&self, question: &str, limit: usize) -> Vec<Hit<'a>> {
        let mut found: Vec<Candidate> = self.candidates(question).into_iter().filter(Candidate::is_relevant).collect();
        // Ties keep the passages' order, so an answer never depends on hashing.
        found.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.position.cmp(&b.position)));
        found.truncate(limit);
        found.into_iter().map(|found| Hit { passage: &self.passages[found.position], score: found.score }).collect()
    }

    fn candidates(&self, question: &str) -> Vec<Candidate> {
        let terms = self.analyzer.terms(question);
        let query = self.embedder.embed(&terms.join(" "));
        let asked: HashSet<u32> = query.indices().copied().collect();
        let fault_codes: HashSet<u32> =
            terms.iter().filter(|term| is_fault_code(term)).map(|term| <u32 as TokenEmbedder>::embed(term)).collect();
        let weight: f32 = asked.iter().map(|term| self.idf(term)).sum();
        if asked.is_empty() || weight <= 0.0 {
            return Vec::new();
        }
        self.scorer
            .matches(&query)
            .into_iter()
            .map(|scored| {
                let covered: f32 = asked.intersection(&self.terms[scored.id]).map(|term| self.idf(term)).sum();
                Candidate {
                    position: scored.id,
                    score: scored.score,
                    coverage: covered / weight,
                    on_topic: !asked.is_disjoint(&self.topic_terms[scored.id]),
                    same_fault_code: !fault_codes.is_disjoint(&self.terms[scored.id]),
                }
            })
            .collect()
    }

    /// BM25's inverse document frequency (the formula `bm25::Scorer` uses), so that the coverage
    /// weighs terms as the ranking does.
    fn idf(&self, term: &u32) -> f32 {
        let total = self.terms.len() as f32;
        let with = self.passages_with.get(term).copied().unwrap_or(0) as f32;
        (1.0 + (total - with + 0.5) / (with + 0.5)).ln()
    }
}

/// Whether a term is an OBD fault code such as `p0301` (terms are in lower case).
fn is_fault_code(term: &str) -> bool {
    let bytes = term.as_bytes();
    bytes.len() == 5 && matches!(bytes[0], b'p' | b'b' | b'c' | b'u') && bytes[1..].iter().all(u8::is_ascii_digit)
}

/// A passage's terms.
struct Document {
    /// Title (twice: it is the question the passage answers, or a car fact's heading), tags, text,
    /// separated by spaces as `Pretokenized` reads them.
    terms: String,
    length: usize,
    /// What the passage is about (`Index::topic_terms`).
    topic: Vec<String>,
}

/// Cuts text into the terms BM25 compares, for one language.
struct Analyzer {
    tokenizer: DefaultTokenizer,
    /// Stemmed words that say nothing about a question's topic beyond the stop-word lists
    /// ("please", "tell me", "what does … mean").
    filler: HashSet<String>,
    /// The terms of passages' texts cut before: every question searches the same FAQ entries, and
    /// stemming them is most of the work of building an index.
    analysed: Mutex<HashMap<String, Arc<[String]>>>,
}

/// Texts whose terms `Analyzer::analysed` keeps per language (a few MB at most); it starts afresh
/// when full.
const ANALYSED_TEXTS: usize = 4096;

static ANALYZERS: LazyLock<[Analyzer; 3]> =
    LazyLock::new(|| [Analyzer::new(Locale::En), Analyzer::new(Locale::De), Analyzer::new(Locale::Es)]);

const FILLER_EN: &str = "please hello hi thanks thank much many get got want wanted need know tell like would \
    could also anything something thing way possible mean means meaning can't cannot i'm i'd what's who's how's \
    where's that's there's ok okay today tomorrow yesterday morning evening tonight currently";
const FILLER_DE: &str = "bitte hallo danke wann gibt geht mal möchte möchten gern gerne wissen sagen eigentlich \
    genau bedeutet heißt heisst brauche etwas irgendwie okay beim vom zum zur leider trotzdem heute morgen \
    morgens gestern abends gerade jetzt";
const FILLER_ES: &str = "hola gracias favor puedo puede pueden podría quiero querría saber decir necesito tengo \
    hay hago hacer debo significa quiere algo alguna sale salió salen mientras después hoy mañana ayer ahora \
    mismo";

impl Analyzer {
    fn new(locale: Locale) -> Self {
        let (language, filler) = match locale {
            Locale::En => (Language::English, FILLER_EN),
            Locale::De => (Language::German, FILLER_DE),
            Locale::Es => (Language::Spanish, FILLER_ES),
        };
        let tokenizer = DefaultTokenizer::new(language);
        let filler = tokenizer.tokenize(filler).into_iter().collect();
        Self { tokenizer, filler, analysed: Mutex::default() }
    }

    fn of(locale: Locale) -> &'static Self {
        let index = match locale {
            Locale::En => 0,
            Locale::De => 1,
            Locale::Es => 2,
        };
        &ANALYZERS[index]
    }

    /// The text's terms: lower case, accents folded, stop and filler words dropped, stemmed.
    fn terms(&self, text: &str) -> Vec<String> {
        // The tokenizer's accent folding drops line breaks and tabs, gluing the words around them.
        let spaced: String;
        let text = if text.chars().any(|c| c.is_whitespace() && c != ' ') {
            spaced = text.replace(|c: char| c.is_whitespace(), " ");
            &spaced
        } else {
            text
        };
        let mut terms = self.tokenizer.tokenize(text);
        terms.retain(|term| !self.filler.contains(term));
        terms
    }

    /// The terms of a passage's text, from `analysed` when it was cut before.
    fn passage_terms(&self, text: &str) -> Arc<[String]> {
        let cached = self.analysed.lock().unwrap_or_else(PoisonError::into_inner).get(text).cloned();
        if let Some(terms) = cached {
            return terms;
        }
        let terms: Arc<[String]> = self.terms(text).into();
        let mut analysed = self.analysed.lock().unwrap_or_else(PoisonError::into_inner);
        if analysed.len() >= ANALYSED_TEXTS {
            analysed.clear();
        }
        analysed.insert(text.to_owned(), terms.clone());
        terms
    }

    fn document(&self, passage: &Passage) -> Document {
        let title = self.passage_terms(&passage.title);
        let tags = self.passage_terms(&passage.tags.join(" "));
        let text = self.passage_terms(&passage.text);
        let topic = match passage.source {
            Source::Faq { .. } => [&title[..], &tags].concat(),
            Source::Car { .. } => [&title[..], &text].concat(),
        };
        let terms = [&title[..], &title, &tags, &text].concat();
        Document { length: terms.len(), terms: terms.join(" "), topic }
    }
}

/// Hands `bm25`'s embedder the terms `Analyzer` made, so each text is analysed once.
#[derive(Default)]
struct Pretokenized;

impl Tokenizer for Pretokenized {
    fn tokenize(&self, input_text: &str) -> Vec<String> {
        input_text.split(' ').filter(|term| !term.is_empty()).map(str::to_owned).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn faq(title: &str, text: &str, tags: &[&str]) -> Passage {
        Passage {
            source: Source::Faq { id: uuid::Uuid::new_v4() },
            title: title.into(),
            text: text.into(),
            tags: tags.iter().map(|tag| (*tag).to_owned()).collect(),
        }
    }

    fn terms(locale: Locale, text: &str) -> Vec<String> {
        Analyzer::of(locale).terms(text)
    }

    #[test]
    fn inflected_forms_share_a_stem_in_each_language() {
        assert_eq!(terms(Locale::De, "Bremsen"), terms(Locale::De, "Bremse"));
        assert_eq!(terms(Locale::Es, "neumáticos"), terms(Locale::Es, "neumático"));
        assert_eq!(terms(Locale::En, "charging"), terms(Locale::En, "charge"));
        assert!(terms(Locale::En, "what does it mean please").is_empty(), "stop and filler words go");
        assert_eq!(terms(Locale::De, "Rückerstattung\nGeld"), vec!["ruckerstatt", "geld"], "lines stay apart");
    }

    #[test]
    fn fault_codes_are_single_terms_matched_in_any_case() {
        assert_eq!(terms(Locale::En, "P0301"), vec!["p0301"]);
        assert_eq!(terms(Locale::De, "Codes P0300–P0306."), vec!["cod", "p0300", "p0306"]);
        let passages = [
            faq("Misfire", "The engine misfires.", &["P0300", "P0301"]),
            faq("Catalyst", "The catalytic converter is weak.", &["P0420"]),
        ];
        let hits = retrieve("what does p0420 mean", Locale::En, &passages, 3);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].passage.title, "Catalyst");
        let worded = retrieve(
            "My dashboard lit up yesterday and the garage said P0301, is that serious?",
            Locale::En,
            &passages,
            3,
        );
        assert_eq!(worded.first().map(|hit| hit.passage.title.as_str()), Some("Misfire"), "the code decides");
    }

    #[test]
    fn the_best_passage_comes_first_and_the_limit_holds() {
        let passages = [
            faq("Winter tyres", "Fit winter tyres below 7 °C.", &["tyres", "snow"]),
            faq("Brakes", "Squeaking brakes need a check.", &["brakes"]),
            faq("Tyre pressure", "Check the tyres' pressure monthly.", &["tyres"]),
        ];
        let hits = retrieve("When do I need winter tyres for the snow?", Locale::En, &passages, 1);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].passage.title, "Winter tyres");
        let both = retrieve("tyres", Locale::En, &passages, 5);
        assert_eq!(both.len(), 2);
        assert!(both[0].score >= both[1].score);
    }

    #[test]
    fn an_unrelated_question_finds_nothing() {
        let passages = [
            faq("How much does a monthly subscription cost?", "The price is in the catalogue.", &["price"]),
            faq("When is the workshop open?", "Monday to Friday 8–18.", &["hours"]),
        ];
        assert!(retrieve("Who won the football match yesterday?", Locale::En, &passages, 3).is_empty());
        assert!(retrieve("How much does a new Tesla cost in Norway?", Locale::En, &passages, 3).is_empty());
        assert!(retrieve("", Locale::En, &passages, 3).is_empty());
        assert!(retrieve("winter", Locale::En, &[], 3).is_empty());
    }

    #[test]
    fn passages_are_searched_in_the_askers_language() {
        let passages = [
            faq("Wann sollte ich Winterreifen aufziehen?", "Unter 7 °C.", &["Reifen", "Winterreifen"]),
            faq("Meine Bremsen quietschen", "Lassen Sie die Bremsbeläge prüfen.", &["Bremsen"]),
        ];
        let hits = retrieve("Was ist mit der Bremse?", Locale::De, &passages, 3);
        assert_eq!(hits.first().map(|hit| hit.passage.title.as_str()), Some("Meine Bremsen quietschen"));
    }
}
