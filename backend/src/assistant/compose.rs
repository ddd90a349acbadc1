//! The answer without a model: the best passage quoted word for word, and a second one when it says
//! something more — the FAQ entry after a fact about the car (what the fact means), or the
//! runner-up when it is nearly as good — each quote followed by its citation marker `[n]`; a fault
//! code or maintenance adds the offer to book. When nothing is relevant: an honest "I can't answer
//! that" with the offers to book or to contact the workshop. Nothing is paraphrased, so nothing can
//! be invented.

use std::collections::HashSet;

use crate::assistant::retrieval::{Hit, Passage, Source};
use crate::domain::locale::Locale;

/// What the answer offers to do next.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Offer {
    /// Book a service or a diagnosis at a workshop.
    BookService,
    /// Ask the workshop directly.
    ContactWorkshop,
}

/// The composed answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Composed {
    /// The answer shown to the person.
    pub text: String,
    /// The sources it quotes, in order: `[1]` is the first.
    pub cited: Vec<Source>,
    /// What it offers to do next.
    pub offers: Vec<Offer>,
    /// False when it declined ("I can't answer that"), offering booking and contact instead.
    pub answered: bool,
}

/// An FAQ entry after an FAQ entry is quoted too when it scores at least this share of the best.
const CLOSE_SCORE: f32 = 0.75;
/// …and when at least this share of its words is not in the first quote.
const NEW_WORDS: f32 = 0.4;
/// Quotes longer than this many characters end after their last whole sentence within it.
const MAX_QUOTE_CHARS: usize = 600;

/// The answer without a model, from the hits (best first), in `locale`. `has_car` says whether the
/// asker's car was part of the knowledge (it changes how a refusal is worded).
pub fn compose(question: &str, locale: Locale, hits: &[Hit<'_>], has_car: bool) -> Composed {
    let texts = Texts::of(locale);
    let Some(best) = hits.first() else {
        let text = if has_car { texts.decline_with_car } else { texts.decline_without_car };
        return Composed {
            text: text.to_owned(),
            cited: Vec::new(),
            offers: vec![Offer::BookService, Offer::ContactWorkshop],
            answered: false,
        };
    };
    let mut quoted = vec![best.passage];
    if let Some(second) = second_quote(hits).filter(|second| says_more(best.passage, second.passage)) {
        quoted.push(second.passage);
    }
    let mut paragraphs: Vec<String> = quoted
        .iter()
        .enumerate()
        .map(|(position, passage)| {
            let lead = match (&passage.source, position) {
                (Source::Car { .. }, _) => texts.from_your_car,
                (Source::Faq { .. }, 0) => "",
                (Source::Faq { .. }, _) => texts.also,
            };
            format!("{lead}«{}» [{}]", quote(&passage.text), position + 1)
        })
        .collect();
    let mut offers = Vec::new();
    if is_workshop_matter(best.passage) || mentions_fault_code(question) {
        offers.push(Offer::BookService);
        paragraphs.push(texts.offer_booking.to_owned());
    }
    Composed {
        text: paragraphs.join("\n\n"),
        cited: quoted.iter().map(|passage| passage.source.clone()).collect(),
        offers,
        answered: true,
    }
}

/// The passage worth quoting after the best one: after a fact about the car, the FAQ entry found
/// for the question (what the fact means and what to do about it); otherwise the runner-up when
/// it scores close to the best.
fn second_quote<'a, 'p>(hits: &'a [Hit<'p>]) -> Option<&'a Hit<'p>> {
    let (best, rest) = hits.split_first()?;
    match best.passage.source {
        Source::Car { .. } => rest.iter().find(|hit| matches!(hit.passage.source, Source::Faq { .. })),
        Source::Faq { .. } => rest.first().filter(|second| second.score >= best.score * CLOSE_SCORE),
    }
}

/// Whether the second passage says something the first does not.
fn says_more(first: &Passage, second: &Passage) -> bool {
    if second.source == first.source {
        return false;
    }
    let known = words(&first.text);
    let theirs = words(&second.text);
    let new = theirs.iter().filter(|word| !known.contains(*word)).count();
    !theirs.is_empty() && new as f32 / theirs.len() as f32 >= NEW_WORDS
}

fn words(text: &str) -> HashSet<String> {
    text.split(|c: char| !c.is_alphanumeric()).filter(|word| !word.is_empty()).map(str::to_lowercase).collect()
}

/// The passage's text, cut after its last whole sentence when it is long.
fn quote(text: &str) -> String {
    let text = text.trim();
    if text.chars().count() <= MAX_QUOTE_CHARS {
        return text.to_owned();
    }
    let head: String = text.chars().take(MAX_QUOTE_CHARS + 1).collect();
    // A sentence ends at a full stop, question or exclamation mark followed by a space, so that
    // "15.000 km" or "4.2.1" are not cut.
    let sentence_end = head
        .char_indices()
        .zip(head.chars().skip(1))
        .filter(|((_, end), next)| matches!(end, '.' | '!' | '?') && next.is_whitespace())
        .map(|((at, _), _)| at)
        .last();
    match sentence_end {
        Some(end) => head[..=end].to_owned(),
        None => format!("{}…", head.chars().take(MAX_QUOTE_CHARS).collect::<String>().trim_end()),
    }
}

/// Tags (in any of our languages) that mark an FAQ entry as something a workshop deals with.
const WORKSHOP_TAGS: [&str; 18] = [
    "fault code",
    "fehlercode",
    "código de avería",
    "warning light",
    "warnleuchte",
    "testigo",
    "maintenance",
    "wartung",
    "mantenimiento",
    "brakes",
    "bremsen",
    "frenos",
    "winter tyres",
    "winterreifen",
    "neumáticos de invierno",
    "booking",
    "buchung",
    "reserva",
];

/// A fault code, a warning, maintenance, brakes, tyres or a booking: what a workshop deals with.
fn is_workshop_matter(passage: &Passage) -> bool {
    match &passage.source {
        Source::Car { topic } => {
            let topic = topic.to_lowercase();
            ["fault-code", "maintenance", "service-due", "battery-low"].iter().any(|prefix| topic.starts_with(prefix))
        }
        Source::Faq { .. } => {
            passage.tags.iter().any(|tag| WORKSHOP_TAGS.contains(&tag.to_lowercase().as_str()))
                || mentions_fault_code(&passage.title)
        }
    }
}

/// Whether the text names an OBD fault code such as P0301 (a letter P, B, C or U and four digits).
fn mentions_fault_code(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphanumeric()).any(|word| {
        let bytes = word.as_bytes();
        bytes.len() == 5
            && matches!(bytes[0].to_ascii_uppercase(), b'P' | b'B' | b'C' | b'U')
            && bytes[1..].iter().all(u8::is_ascii_digit)
    })
}

/// The answer's fixed wording in one language.
struct Texts {
    from_your_car: &'static str,
    also: &'static str,
    offer_booking: &'static str,
    decline_with_car: &'static str,
    decline_without_car: &'static str,
}

impl Texts {
    fn of(locale: Locale) -> &'static Texts {
        match locale {
            Locale::En => &EN,
            Locale::De => &DE,
            Locale::Es => &ES,
        }
    }
}

static EN: Texts = Texts {
    from_your_car: "From your car's data: ",
    also: "Also: ",
    offer_booking: "If you like, you can book a workshop appointment for this right here.",
    decline_with_car: "I'm sorry, I can't answer that from what I know — neither our FAQ nor your car's data \
        covers it, and I'd rather not guess. You can book a workshop appointment or contact the workshop \
        directly; they will be glad to help.",
    decline_without_car: "I'm sorry, I can't answer that from what I know — our FAQ doesn't cover it, and I'd \
        rather not guess. If your question is about your car, choose the car so that I can look at its data. \
        You can also book a workshop appointment or contact the workshop directly.",
};

static DE: Texts = Texts {
    from_your_car: "Aus den Daten Ihres Autos: ",
    also: "Außerdem: ",
    offer_booking: "Wenn Sie möchten, können Sie dafür gleich hier einen Werkstatttermin buchen.",
    decline_with_car: "Das kann ich Ihnen leider nicht beantworten: Weder unsere FAQ noch die Daten Ihres Autos \
        geben darüber Auskunft, und ich möchte nicht raten. Sie können einen Werkstatttermin buchen oder sich \
        direkt an die Werkstatt wenden – dort hilft man Ihnen gern weiter.",
    decline_without_car: "Das kann ich Ihnen leider nicht beantworten: Unsere FAQ gibt darüber keine Auskunft, \
        und ich möchte nicht raten. Wenn es um Ihr Auto geht, wählen Sie es bitte aus, damit ich in seinen Daten \
        nachsehen kann. Sie können auch einen Werkstatttermin buchen oder sich direkt an die Werkstatt wenden.",
};

static ES: Texts = Texts {
    from_your_car: "Según los datos de su coche: ",
    also: "Además: ",
    offer_booking: "Si lo desea, puede reservar aquí mismo una cita en el taller para ello.",
    decline_with_car: "Lo siento, no puedo responder a eso con lo que sé: ni nuestras preguntas frecuentes ni \
        los datos de su coche lo recogen, y prefiero no adivinar. Puede reservar una cita en el taller o \
        contactar directamente con el taller; le atenderán con gusto.",
    decline_without_car: "Lo siento, no puedo responder a eso con lo que sé: nuestras preguntas frecuentes no \
        lo recogen, y prefiero no adivinar. Si su pregunta es sobre su coche, elíjalo para que pueda consultar \
        sus datos. También puede reservar una cita en el taller o contactar directamente con el taller.",
};

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(source: Source, title: &str, text: &str, tags: &[&str]) -> Passage {
        Passage {
            source,
            title: title.into(),
            text: text.into(),
            tags: tags.iter().map(|tag| (*tag).to_owned()).collect(),
        }
    }

    fn faq(text: &str, tags: &[&str]) -> Passage {
        passage(Source::Faq { id: uuid::Uuid::new_v4() }, "A question", text, tags)
    }

    fn car(topic: &str, text: &str) -> Passage {
        passage(Source::Car { topic: topic.into() }, topic, text, &[])
    }

    #[test]
    fn quotes_the_best_passages_in_order_with_their_markers() {
        let first = car("fault-code P0301", "Your car reported P0301 on 3 March.");
        let second = faq("Misfires come from worn spark plugs or ignition coils.", &["fault code", "P0301"]);
        let hits = [Hit { passage: &first, score: 5.0 }, Hit { passage: &second, score: 4.5 }];
        let answer = compose("What is P0301?", Locale::En, &hits, true);
        assert!(answer.answered);
        assert_eq!(answer.cited, vec![first.source.clone(), second.source.clone()]);
        let car_quote = answer.text.find("From your car's data: «Your car reported P0301 on 3 March.» [1]");
        let faq_quote = answer.text.find("«Misfires come from worn spark plugs or ignition coils.» [2]");
        assert!(matches!((car_quote, faq_quote), (Some(a), Some(b)) if a < b), "{}", answer.text);
        assert_eq!(answer.offers, vec![Offer::BookService]);
    }

    #[test]
    fn a_fact_about_the_car_is_followed_by_the_faq_entry_found_with_it() {
        let fact = car("fault-code P0301", "Ihr Auto hat P0301 gemeldet.");
        let other_fact = car("maintenance", "Wartung fällig.");
        let advice = faq("Zündaussetzer: Fahren Sie schonend und lassen Sie eine Diagnose machen.", &["Fehlercode"]);
        let hits = [
            Hit { passage: &fact, score: 11.0 },
            Hit { passage: &other_fact, score: 6.0 },
            Hit { passage: &advice, score: 3.0 },
        ];
        let answer = compose("Mein Auto hat P0301 gemeldet, ist das schlimm?", Locale::De, &hits, true);
        assert_eq!(answer.cited, vec![fact.source.clone(), advice.source.clone()]);
        assert!(
            answer.text.starts_with("Aus den Daten Ihres Autos: «Ihr Auto hat P0301 gemeldet.» [1]"),
            "{}",
            answer.text
        );
        assert!(answer.text.contains("Außerdem: «Zündaussetzer: Fahren Sie schonend"), "{}", answer.text);
        assert_eq!(answer.offers, vec![Offer::BookService]);
    }

    #[test]
    fn a_distant_or_repeating_second_passage_is_left_out() {
        let first = faq("A trial lasts 7 days and costs nothing.", &["trial"]);
        let far = faq("Subscriptions renew every month.", &["subscription"]);
        let same = faq("A trial lasts 7 days and costs nothing at all.", &["trial"]);
        for (second, score) in [(&far, 2.0), (&same, 4.9)] {
            let hits = [Hit { passage: &first, score: 5.0 }, Hit { passage: second, score }];
            let answer = compose("How long is a trial?", Locale::En, &hits, false);
            assert_eq!(answer.cited, vec![first.source.clone()]);
            assert_eq!(answer.text, "«A trial lasts 7 days and costs nothing.» [1]");
            assert!(answer.offers.is_empty(), "no booking offer for a question about trials");
        }
    }

    #[test]
    fn declines_honestly_with_both_offers_in_each_language() {
        let declined: Vec<Composed> =
            Locale::ALL.into_iter().map(|locale| compose("Wetter?", locale, &[], true)).collect();
        let openings = ["I'm sorry, I can't answer that", "Das kann ich Ihnen leider nicht", "Lo siento, no puedo"];
        for (answer, opening) in declined.iter().zip(openings) {
            assert!(!answer.answered);
            assert!(answer.cited.is_empty());
            assert_eq!(answer.offers, vec![Offer::BookService, Offer::ContactWorkshop]);
            assert!(answer.text.starts_with(opening), "{}", answer.text);
        }
        let without_car = compose("Weather?", Locale::En, &[], false);
        assert!(without_car.text.contains("choose the car"), "{}", without_car.text);
    }

    #[test]
    fn car_facts_are_introduced_in_each_language() {
        let fact = car("maintenance", "Service due by 15 April.");
        let hits = [Hit { passage: &fact, score: 3.0 }];
        let leads = ["From your car's data: «", "Aus den Daten Ihres Autos: «", "Según los datos de su coche: «"];
        let offers = ["book a workshop appointment", "Werkstatttermin buchen", "reservar aquí mismo una cita"];
        for ((locale, lead), offer) in Locale::ALL.into_iter().zip(leads).zip(offers) {
            let answer = compose("service?", locale, &hits, true);
            assert!(answer.text.starts_with(lead), "{}", answer.text);
            assert!(answer.text.contains(offer), "{}", answer.text);
            assert_eq!(answer.offers, vec![Offer::BookService], "maintenance leads to a booking");
        }
    }

    #[test]
    fn long_passages_are_quoted_to_their_last_whole_sentence() {
        let text = format!("{} Last.", "A sentence about 15.000 km that goes on. ".repeat(20));
        let quoted = quote(&text);
        assert!(quoted.chars().count() <= MAX_QUOTE_CHARS && quoted.ends_with("goes on."), "{quoted}");
        assert_eq!(quote("Short. Text."), "Short. Text.");
    }

    #[test]
    fn every_seeded_entry_on_fault_codes_or_maintenance_offers_to_book() {
        let workshop_matters = [
            "warning-lights",
            "misfire",
            "catalyst",
            "o2-sensor",
            "evap",
            "battery-voltage",
            "maintenance-intervals",
            "maintenance-features",
            "service-due",
            "booking",
            "winter-tyres",
            "brakes",
        ];
        for seed in crate::assistant::faq_seed::platform_faq() {
            let entry = faq(seed.answer, seed.tags);
            let locale = Locale::from_tag(seed.language).unwrap();
            let answer = compose(seed.question, locale, &[Hit { passage: &entry, score: 1.0 }], false);
            let offers_booking = answer.offers.contains(&Offer::BookService);
            assert_eq!(offers_booking, workshop_matters.contains(&seed.key), "{} {}", seed.language, seed.key);
        }
    }

    #[test]
    fn fault_codes_are_recognised_in_questions() {
        assert!(mentions_fault_code("was heißt p0420?"));
        assert!(mentions_fault_code("Codes P0300–P0306"));
        assert!(!mentions_fault_code("P04 or P04200 or 2024"));
    }
}
