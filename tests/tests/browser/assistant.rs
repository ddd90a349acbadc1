//! The assistant in both apps: Anna asks about her Aurora's fault code in the chat panel of its
//! page and watches the answer stream in from the language model (its simulator, slowed down per
//! word) with its sources as links to the help page and to the car; München's staff see what their
//! customers asked, the unanswered questions first and without who asked, and add, change and
//! delete an FAQ entry that answers one of them; the administrator finds the platform's FAQ.

use std::time::Duration;

use caas_tests::browser::{Browser, BrowserOptions, web_app_dir};
use caas_tests::workshops::MUNICH;
use caas_tests::{PASSWORD, TestApp, TestOptions, spawn_app_with};
use serde_json::{Value, json};

use super::pages::check_page;
use super::spawn_web_app;

const ANNA: &str = "customer@demo.caas";
const ASK: &str = "mutation($q: String!, $w: ID) {
  askAssistant(question: $q, workshopId: $w) { mode sources { kind faqEntryId } }
}";
/// What Anna asks in the panel.
const FAULT_QUESTION: &str = "Mein Auto zeigt den Fehlercode P0301 an. Was bedeutet das und was soll ich tun?";
/// A question no FAQ answers (until München writes an entry for it).
const FOOTBALL: &str = "Wer gewinnt morgen das Fußballspiel in München?";

/// Whether nothing on the page is wider than the window.
const FITS: &str = "return document.documentElement.scrollWidth <= window.innerWidth;";

/// A small phone held upright, in German.
fn phone() -> BrowserOptions {
    BrowserOptions { width: 360, height: 740, language: "de-DE".into() }
}

/// A server with the demo data, the built web app and the language model's simulator.
async fn spawn_web_app_with_model() -> TestApp {
    let dist = web_app_dir();
    spawn_app_with(TestOptions {
        configure: Box::new(move |config| {
            config.static_dir = dist;
            config.llm_simulator = true;
        }),
        ..TestOptions::default()
    })
    .await
}

/// The id of the first workshop of the region `region`: the one the panel asks.
async fn first_workshop(app: &TestApp, token: &str, region: &str) -> (String, String) {
    let query = "query($r: String) { workshops(regionCode: $r) { id name } }";
    let answer = app.graphql_as(token, query, json!({ "r": region })).await;
    let first = &answer.data()["workshops"][0];
    (first["id"].as_str().expect("id").to_owned(), first["name"].as_str().expect("name").to_owned())
}

/// The `href` attribute of the element matching `css`, as written in the page.
async fn href(browser: &Browser, css: &str) -> String {
    browser.find(css).await;
    let script = format!("return document.querySelector({css:?}).getAttribute('href');");
    browser.js(&script).await.as_str().unwrap_or_default().to_owned()
}

/// Records, from now on, every text and `aria-busy` the last answer of the panel shows, as the
/// page shows them (a watcher in the page, so that no state between two looks is missed).
const RECORD_ANSWERS: &str = "
  window.answers = [];
  const log = document.getElementById('assistant-turns');
  new MutationObserver(() => {
    const answer = log.querySelector('li.turn:last-child .answer');
    if (!answer) return;
    const text = [...answer.querySelectorAll('p:not(.writing)')].map((p) => p.textContent).join('\\n');
    const busy = answer.getAttribute('aria-busy');
    const last = window.answers[window.answers.length - 1];
    if (!last || last.text !== text || last.busy !== busy) window.answers.push({ text, busy });
  }).observe(log, { childList: true, subtree: true, characterData: true, attributes: true });
  return true;";

#[tokio::test]
async fn anna_asks_about_her_cars_fault_code_and_the_answer_streams_in_with_its_sources_as_links() {
    let app = spawn_web_app_with_model().await;
    let llm = app.simulators.llm.clone().expect("the model's simulator");
    // A word every 120 ms: the answer takes seconds to write, as a real model's does.
    llm.set_token_delay(Duration::from_millis(120));
    let aurora = app.vins_of(ANNA).await[0].clone();
    caas_tests::telemetry::open_fault_alert(&app, &aurora, "P0301").await;
    let anna = app.token(ANNA).await;
    let (munich, name) = first_workshop(&app, &anna, "DE").await;
    assert_eq!(name, MUNICH);

    let browser = Browser::open_with(&app.address, phone()).await;
    browser.sign_in(ANNA, PASSWORD).await;
    browser.goto(&format!("/vehicles/{aurora}")).await;
    // The car's page in the first bundle carries only the way to the panel: its own address.
    browser.wait_text("#assistant", "Fehlercode").await;
    assert_eq!(href(&browser, "a#assistant-open").await, format!("/vehicles/{aurora}/assistant"));
    browser.click("a#assistant-open").await;

    // The second bundle shows the page with the panel open, the question field focused.
    browser.wait_js("the question field has the focus", "document.activeElement.id === 'assistant-question'").await;
    let label = browser.find("label[for='assistant-question']").await.text().await.expect("label");
    assert_eq!(label, "Ihre Frage");
    assert!(browser.has("#assistant-turns[role='log'][aria-live='polite']").await, "the answers are announced");
    browser.wait_js("the panel is ready to ask", "!document.querySelector('#assistant-ask').disabled").await;
    browser.js(RECORD_ANSWERS).await;
    browser.fill("#assistant-question", FAULT_QUESTION).await;
    browser.click("#assistant-ask").await;
    browser.wait_text("li.turn .asked", FAULT_QUESTION).await;
    browser.screenshot("assistant-answering").await;
    browser.find("li.turn[data-answering='false']").await;

    // The answer grew word by word while the panel said it was still being written…
    let answers = browser.js("return window.answers;").await;
    let answers: Vec<(String, String)> = answers
        .as_array()
        .expect("recorded answers")
        .iter()
        .map(|a| (a["text"].as_str().unwrap_or_default().to_owned(), a["busy"].as_str().unwrap_or_default().to_owned()))
        .collect();
    let (last, busy) = answers.last().cloned().expect("an answer");
    assert_eq!(busy, "false", "{answers:?}");
    let partial: Vec<&str> = answers
        .iter()
        .filter(|(text, busy)| busy == "true" && !text.trim().is_empty())
        .map(|(t, _)| t.as_str())
        .collect();
    assert!(partial.len() >= 3, "shown piece by piece: {answers:?}");
    assert!(partial.windows(2).all(|pair| pair[1].len() > pair[0].len()), "it only grew: {partial:?}");
    assert!(partial[0].len() < last.len(), "the first piece is not the whole answer: {answers:?}");
    for piece in &partial {
        assert!(last.starts_with(piece.trim_end()), "{piece:?} is the start of the answer {last:?}");
    }
    // …and is the model's answer about the car's code, its citations numbered as its sources.
    assert!(last.contains("P0301"), "{last}");
    assert!(browser.has("li.turn[data-mode='MODEL'] .answer sup.cite").await, "{last}");
    browser.wait_text("li.turn .by-model", "KI-Modell").await;

    // Its sources are links: the FAQ entry on the help page (with the workshop's FAQ), the fact on
    // the car's page; and booking a service is offered for this car.
    let faq_link = "li.turn ol.sources li[data-kind='FAQ'] a.source";
    let faq_href = href(&browser, faq_link).await;
    let entry = faq_href.strip_prefix(&format!("/help?workshop={munich}#faq-")).expect("a help link").to_owned();
    let car_link = "li.turn ol.sources li[data-kind='CAR_DATA'] a.source";
    assert_eq!(href(&browser, car_link).await, format!("/vehicles/{aurora}"));
    assert_eq!(href(&browser, "li.turn a.book-service").await, format!("/vehicles/{aurora}/book"));
    assert_eq!(browser.js(FITS).await, json!(true), "the panel fits 360 px");
    browser.js("document.querySelector('li.turn').scrollIntoView({ block: 'start' }); return true;").await;
    browser.screenshot("assistant-answered").await;

    // The FAQ source leads to its entry, marked and scrolled into view.
    let title = browser.find(faq_link).await.text().await.expect("title");
    browser.click(faq_link).await;
    let named = format!("li.faq.named#faq-{entry}");
    let shown = browser.wait_text(&named, &title).await;
    assert!(shown.starts_with(&title), "{shown}");
    let in_view = format!(
        "const r = document.querySelector({named:?}).getBoundingClientRect(); return r.top < innerHeight && r.bottom > 0;"
    );
    assert_eq!(browser.js(&in_view).await, json!(true), "the entry is on screen");
    browser.screenshot("assistant-help-entry").await;

    // Back on the car's page the conversation is still there; the car's data leads to the car.
    browser.client.back().await.expect("back");
    browser.wait_text("li.turn .asked", FAULT_QUESTION).await;
    browser.click(car_link).await;
    browser.wait_js("the car's page", &format!("location.pathname === '/vehicles/{aurora}'")).await;
    browser.find("#maintenance-status").await;

    // Each new page loads, fits the phone and labels its controls.
    check_page(&browser, &format!("/vehicles/{aurora}/assistant"), "assistant-panel-page").await;
    browser.wait_text("li.turn .asked", FAULT_QUESTION).await;
    check_page(&browser, &format!("/help?workshop={munich}"), "assistant-help").await;
    browser.wait_text(".faq-section[data-workshop] h2", "Von Ihrer Werkstatt").await;

    // The question went to München: its staff see it (the answer came from the model).
    let staff = app.token("workshop@demo.caas").await;
    let asked = "query($w: ID!) { assistantQuestions(workshopId: $w) { question answered mode } }";
    let asked = app.graphql_as(&staff, asked, json!({ "w": munich })).await.data()["assistantQuestions"].clone();
    assert_eq!(asked, json!([{ "question": FAULT_QUESTION, "answered": true, "mode": "MODEL" }]));
    assert!(browser.severe_logs().await.is_empty(), "{:?}", browser.severe_logs().await);
    browser.close().await;
}

/// The rows of the questions asked, as the page lists them: (answered, text).
async fn listed_questions(browser: &Browser) -> Vec<(String, String)> {
    let script = "return [...document.querySelectorAll('#asked-questions li')].map((li) => \
                  [li.dataset.answered, li.querySelector('.asked-question').textContent]);";
    let rows = browser.js(script).await;
    let rows = rows.as_array().cloned().unwrap_or_default();
    rows.iter()
        .map(|row| (row[0].as_str().unwrap_or_default().to_owned(), row[1].as_str().unwrap_or_default().to_owned()))
        .collect()
}

/// Asks as `token` with München's FAQ; the answer's mode and sources.
async fn ask(app: &TestApp, token: &str, question: &str, workshop: &str) -> Value {
    app.graphql_as(token, ASK, json!({ "q": question, "w": workshop })).await.data()["askAssistant"].clone()
}

#[tokio::test]
async fn munich_sees_what_its_customers_asked_unanswered_first_and_answers_it_with_a_new_faq_entry() {
    let app = spawn_web_app().await;
    let anna = app.token(ANNA).await;
    let (munich, _) = first_workshop(&app, &anna, "DE").await;
    // Two questions: first one nothing answers (with her e-mail address in it), then one the FAQ
    // answers — listed latest first, it would come first.
    let unanswered = format!("{FOOTBALL} Antwort bitte an anna.becker@example.com");
    assert_eq!(ask(&app, &anna, &unanswered, &munich).await["mode"], "DECLINED");
    let answered = "Wie lange dauert die Freischaltung einer Funktion?";
    assert_eq!(ask(&app, &anna, answered, &munich).await["mode"], "RETRIEVAL");

    let browser = Browser::open_with(&app.address, phone()).await;
    browser.sign_in("workshop@demo.caas", PASSWORD).await;
    browser.goto("/staff/").await;
    browser.click("header nav a[href='/staff/workshop/assistant']").await;
    browser.wait_text("#asked-questions", "Fußballspiel").await;
    let rows = listed_questions(&browser).await;
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].0, "false", "the unanswered one first: {rows:?}");
    assert!(rows[0].1.starts_with(FOOTBALL), "{rows:?}");
    assert!(!rows[0].1.contains("anna.becker@example.com"), "without who asked: {rows:?}");
    assert_eq!(rows[1], ("true".to_owned(), answered.to_owned()));
    browser.wait_text("#asked-questions li.unanswered", "Nicht beantwortet").await;
    assert_eq!(browser.js(FITS).await, json!(true), "the page fits 360 px");
    browser.screenshot("assistant-staff-questions").await;

    // An entry that answers it. Too many tags: the server says which input is wrong, and the page
    // shows it next to that input, in German.
    browser.find("#faq-entries, #faq-editor .status.empty").await;
    let question = "Wer gewinnt morgen das Fußballspiel?";
    browser.fill("#new-faq-question", question).await;
    browser.fill("#new-faq-answer", "Das wissen wir leider nicht. Ihr Auto ist bis zum Anpfiff fertig.").await;
    let many: Vec<String> = (1..=13).map(|n| format!("tag{n}")).collect();
    browser.fill("#new-faq-tags", &many.join(", ")).await;
    browser.click("#new-faq button.save-entry").await;
    browser.wait_text("#tags-error", "Höchstens 12 Schlagwörter").await;
    let next_to = "const input = document.querySelector('#new-faq-tags'); \
                   return input.nextElementSibling.id === 'tags-error' && input.getAttribute('aria-describedby') === 'tags-error';";
    assert_eq!(browser.js(next_to).await, json!(true), "the error is the tags' own");
    browser.screenshot("assistant-staff-field-error").await;
    browser.fill("#new-faq-tags", "Fußball, Spiel").await;
    assert!(!browser.has("#tags-error").await, "editing the form clears the error");
    browser.click("#new-faq button.save-entry").await;
    browser.wait_text("#faq-editor .status.done", "Eintrag hinzugefügt").await;
    let row = browser.wait_text("#faq-entries", question).await;
    assert!(row.contains("fußball, spiel"), "its tags: {row}");
    let script = format!(
        "return [...document.querySelectorAll('#faq-entries li.faq-entry')].find((li) => li.textContent.includes({question:?})).dataset.id;"
    );
    let entry = browser.js(&script).await.as_str().expect("the entry's id").to_owned();
    browser.screenshot("assistant-staff-entry-added").await;

    // The FAQ is by language: the Spanish one does not have it.
    browser.click("#faq-language option[value='es']").await;
    browser.wait_js("the Spanish FAQ", &format!("!document.querySelector('#faq-editor').textContent.includes({question:?}) && !document.querySelector('#faq-editor [role=status]')")).await;
    browser.click("#faq-language option[value='de']").await;
    browser.wait_text("#faq-entries", question).await;

    // Anna's question is answered from it now.
    let now = ask(&app, &anna, FOOTBALL, &munich).await;
    assert_eq!(now["mode"], "RETRIEVAL", "{now}");
    assert_eq!(now["sources"][0], json!({ "kind": "FAQ", "faqEntryId": entry }), "{now}");

    // Changed, then deleted after a confirmation.
    let card = format!("li.faq-entry[data-id='{entry}']");
    browser.click(&format!("{card} button.edit-entry")).await;
    browser.fill(&format!("#faq-{entry}-answer"), "Das weiß niemand.").await;
    browser.click(&format!("{card} button.save-entry")).await;
    browser.wait_text("#faq-editor .status.done", "Eintrag gespeichert").await;
    browser.wait_text(&card, "Das weiß niemand.").await;
    browser.click(&format!("{card} button.delete-entry")).await;
    browser.wait_text(&format!("{card} .confirm"), question).await;
    browser.click(&format!("{card} button.confirm-delete")).await;
    browser.wait_text("#faq-editor .status.done", "Eintrag gelöscht").await;
    assert!(!browser.has(&card).await, "the entry is gone");
    let staff = app.token("workshop@demo.caas").await;
    let entries = "query($w: ID) { faqEntries(workshopId: $w) { id } }";
    let entries = app.graphql_as(&staff, entries, json!({ "w": munich })).await.data()["faqEntries"].clone();
    assert!(!entries.to_string().contains(&entry), "deleted on the server: {entries}");
    check_page(&browser, "/staff/workshop/assistant", "assistant-staff-page").await;
    assert!(browser.severe_logs().await.is_empty(), "{:?}", browser.severe_logs().await);
    browser.close().await;

    // The administrator keeps the platform's FAQ on the same page, without a workshop's questions.
    let admin = Browser::open_with(&app.address, phone()).await;
    admin.sign_in("admin@demo.caas", PASSWORD).await;
    admin.goto("/staff/").await;
    admin.click("header nav a[href='/staff/admin/assistant']").await;
    admin.find("#faq-entries li.faq-entry").await;
    assert!(!admin.has("#asked-questions").await);
    let admin_token = app.token("admin@demo.caas").await;
    // In the administrator's own language.
    let me = app.graphql_as(&admin_token, "{ me { locale } }", json!({})).await;
    let language = me.data()["me"]["locale"].as_str().expect("a language").to_ascii_lowercase();
    let first = "query($l: String) { faqEntries(language: $l) { question } }";
    let first =
        app.graphql_as(&admin_token, first, json!({ "l": language })).await.data()["faqEntries"][0]["question"].clone();
    admin.wait_text("#faq-entries", first.as_str().expect("a platform entry")).await;
    admin.screenshot("assistant-admin-platform-faq").await;
    admin.close().await;
}
