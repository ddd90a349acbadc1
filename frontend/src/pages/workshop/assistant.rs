//! The assistant's knowledge and what it was asked: the workshop's own FAQ (its staff) or the
//! platform's (administrators), by language — added, changed and deleted here — and, for a
//! workshop, the questions its customers asked, without who asked, the unanswered ones first.

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use crate::api::ops::{
    AssistantQuestions, CreateFaqEntry, DeleteFaqEntry, FaqEntries, MyWorkshop, UpdateFaqEntry, assistant_questions,
    create_faq_entry, delete_faq_entry, faq_entries, my_workshop, update_faq_entry,
};
use crate::api::{Api, ApiError, QueryState, use_query, use_reload};
use crate::components::forms::{clear_field_error, text};
use crate::components::{Layout, done_note, empty, error_view, field_error, form_error, loading, stale_note};
use crate::i18n::{Locale, date, date_time, t, tf};
use crate::state::use_app;

type Entry = faq_entries::FaqEntriesFaqEntries;

/// The inputs the server can name in an error.
const FIELDS: [&str; 4] = ["question", "answer", "tags", "language"];

/// Properties of [`FaqPage`].
#[derive(Properties, PartialEq)]
pub struct FaqProps {
    /// The platform's FAQ (administrators) rather than the staff member's workshop's.
    pub platform: bool,
}

/// The assistant's page of the staff app.
#[function_component(FaqPage)]
pub fn faq_page(props: &FaqProps) -> Html {
    let locale = use_app().locale;
    if props.platform {
        return html! { <Layout title="page.assistant_platform"><FaqEditor workshop={None::<String>} /></Layout> };
    }
    let content = match use_query::<MyWorkshop>(my_workshop::Variables, 0) {
        QueryState::Loading => loading(locale),
        QueryState::Failed(error) => error_view(locale, &error),
        QueryState::Ready(loaded) => match &loaded.data.me.workshop {
            Some(workshop) => html! {
                <>
                    <p class="muted">{ format!("{} · {}", workshop.name, workshop.city) }</p>
                    <AskedQuestions workshop={workshop.id.clone()} />
                    <FaqEditor workshop={Some(workshop.id.clone())} />
                </>
            },
            None => empty(locale, "status.not_found"),
        },
    };
    html! { <Layout title="page.assistant_workshop">{ content }</Layout> }
}

/// Properties of [`FaqEditor`].
#[derive(Properties, PartialEq)]
struct EditorProps {
    /// The workshop whose FAQ it is; `None`: the platform's.
    workshop: Option<String>,
}

/// The FAQ in the language chosen: its entries, each to change or delete, and a new one.
#[function_component(FaqEditor)]
fn faq_editor(props: &EditorProps) -> Html {
    let app = use_app();
    let locale = app.locale;
    let language = use_state(|| locale.tag().to_owned());
    let (refresh, reload) = use_reload();
    let done = use_state(|| None::<&'static str>);
    let on_language = {
        let (language, done) = (language.clone(), done.clone());
        Callback::from(move |event: Event| {
            done.set(None);
            language.set(event.target_unchecked_into::<HtmlSelectElement>().value());
        })
    };
    let changed = {
        let (done, reload) = (done.clone(), reload.clone());
        Callback::from(move |what: &'static str| {
            done.set(Some(what));
            reload.emit(());
        })
    };
    let variables = faq_entries::Variables { workshop_id: props.workshop.clone(), language: Some((*language).clone()) };
    let list = match use_query::<FaqEntries>(variables, refresh) {
        QueryState::Loading => loading(locale),
        QueryState::Failed(error) => error_view(locale, &error),
        QueryState::Ready(loaded) => html! {
            <>
                { stale_note(locale, loaded.stale) }
                if loaded.data.faq_entries.is_empty() { { empty(locale, "faq.none") } }
                <ul class="rows" id="faq-entries">
                    { for loaded.data.faq_entries.iter().map(|entry| html! {
                        <EntryRow key={entry.id.clone()} entry={entry.clone()} changed={changed.clone()} />
                    }) }
                </ul>
            </>
        },
    };
    html! {
        <section class="card" id="faq-editor" aria-labelledby="faq-title">
            <h2 id="faq-title">{ t(locale, "faq.entries") }</h2>
            <label for="faq-language">{ t(locale, "faq.language") }</label>
            <select id="faq-language" onchange={on_language}>
                { for Locale::ALL.iter().map(|l| html! { <option value={l.tag()} selected={l.tag() == *language}>{ l.name() }</option> }) }
            </select>
            { done_note(locale, &done) }
            { list }
            <EntryForm key={(*language).clone()} workshop={props.workshop.clone()} language={(*language).clone()}
                entry={None::<Entry>} changed={changed.clone()} />
        </section>
    }
}

/// Properties of [`EntryRow`].
#[derive(Properties, PartialEq)]
struct RowProps {
    entry: Entry,
    /// Says what changed (its text's key) and reloads the list.
    changed: Callback<&'static str>,
}

/// An entry, with the way to change it and to delete it (asked first).
#[function_component(EntryRow)]
fn entry_row(props: &RowProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let entry = &props.entry;
    let editing = use_state(|| false);
    let asking = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let set = |state: &UseStateHandle<bool>, value: bool| {
        let state = state.clone();
        Callback::from(move |_: MouseEvent| state.set(value))
    };
    let delete = {
        let (api, error, changed, id) = (api.clone(), error.clone(), props.changed.clone(), entry.id.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, error, changed, id) = (api.clone(), error.clone(), changed.clone(), id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<DeleteFaqEntry>(delete_faq_entry::Variables { id }).await {
                    Ok(()) => changed.emit("faq.deleted"),
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let saved = {
        let (editing, changed) = (editing.clone(), props.changed.clone());
        Callback::from(move |what: &'static str| {
            editing.set(false);
            changed.emit(what);
        })
    };
    if *editing {
        return html! {
            <li class="faq-entry editing" data-id={entry.id.clone()}>
                <EntryForm workshop={entry.workshop_id.clone()} language={entry.language.clone()} entry={Some(entry.clone())} changed={saved} />
                <button type="button" class="secondary" onclick={set(&editing, false)}>{ t(locale, "admin.cancel") }</button>
            </li>
        };
    }
    html! {
        <li class="faq-entry" data-id={entry.id.clone()}>
            <h3>{ entry.question.clone() }</h3>
            { for entry.answer.split('\n').filter(|line| !line.trim().is_empty()).map(|line| html! { <p>{ line.to_owned() }</p> }) }
            if !entry.tags.is_empty() { <p class="muted tags">{ entry.tags.join(", ") }</p> }
            <p class="muted">{ tf(locale, "faq.updated_on", &[("date", &date(locale, &entry.updated_at))]) }</p>
            if *asking {
                <div class="confirm" role="group" aria-live="polite">
                    <p>{ tf(locale, "faq.delete_ask", &[("question", &entry.question)]) }</p>
                    <div class="actions">
                        <button type="button" class="confirm-delete" onclick={delete}>{ t(locale, "faq.delete_confirm") }</button>
                        <button type="button" class="secondary" onclick={set(&asking, false)}>{ t(locale, "admin.keep") }</button>
                    </div>
                </div>
            } else {
                <div class="actions">
                    <button type="button" class="secondary edit-entry" onclick={set(&editing, true)}
                        aria-label={format!("{} {}", t(locale, "faq.edit"), entry.question)}>{ t(locale, "faq.edit") }</button>
                    <button type="button" class="secondary delete-entry" onclick={set(&asking, true)}
                        aria-label={format!("{} {}", t(locale, "faq.delete"), entry.question)}>{ t(locale, "faq.delete") }</button>
                </div>
            }
            if let Some(err) = &*error { { error_view(locale, err) } }
        </li>
    }
}

/// Properties of [`EntryForm`].
#[derive(Properties, PartialEq)]
struct FormProps {
    /// The workshop whose FAQ it is; `None`: the platform's.
    workshop: Option<String>,
    /// `en`, `de` or `es`: the language of a new entry.
    language: String,
    /// The entry to change; `None` adds one.
    entry: Option<Entry>,
    /// Says what changed (its text's key).
    changed: Callback<&'static str>,
}

/// Tags typed as a list: separated by commas, trimmed, the empty ones left out.
fn tags_of(typed: &str) -> Vec<String> {
    typed.split(',').map(str::trim).filter(|tag| !tag.is_empty()).map(str::to_owned).collect()
}

/// An entry's question, answer and tags, to add or to change.
#[function_component(EntryForm)]
fn entry_form(props: &FormProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let (question, answer, tags) = (use_node_ref(), use_node_ref(), use_node_ref());
    // What was typed, kept while the form re-renders (an input shows the value it is rendered
    // with): a refused entry stays as typed to be corrected.
    let typed = use_state(|| [None::<String>, None, None]);
    let error = use_state(|| None::<ApiError>);
    let entry = props.entry.as_ref();
    let prefix = entry.map_or_else(|| "new-faq".to_owned(), |entry| format!("faq-{}", entry.id));
    let onsubmit = {
        let (api, error, changed, kept) = (api.clone(), error.clone(), props.changed.clone(), typed.clone());
        let (question, answer, tags) = (question.clone(), answer.clone(), tags.clone());
        let (workshop, language, id) = (props.workshop.clone(), props.language.clone(), entry.map(|e| e.id.clone()));
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (typed_question, typed_answer, typed_tags) = (text(&question), text(&answer), tags_of(&text(&tags)));
            let (api, error, changed, kept) = (api.clone(), error.clone(), changed.clone(), kept.clone());
            let (workshop, language, id) = (workshop.clone(), language.clone(), id.clone());
            wasm_bindgen_futures::spawn_local(async move {
                let result = match id {
                    Some(id) => {
                        let variables = update_faq_entry::Variables {
                            id,
                            question: typed_question,
                            answer: typed_answer,
                            tags: typed_tags,
                        };
                        api.send::<UpdateFaqEntry>(variables).await.map(|()| "faq.saved")
                    }
                    None => {
                        let variables = create_faq_entry::Variables {
                            workshop_id: workshop,
                            language,
                            question: typed_question,
                            answer: typed_answer,
                            tags: typed_tags,
                        };
                        api.send::<CreateFaqEntry>(variables).await.map(|()| "faq.added")
                    }
                };
                match result {
                    Ok(what) => {
                        error.set(None);
                        kept.set([None, None, None]);
                        changed.emit(what);
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let keep = |at: usize| {
        let typed = typed.clone();
        Callback::from(move |event: InputEvent| {
            let mut now = (*typed).clone();
            // An input or a text area: both have a `value`.
            let value = event.target().and_then(|field| js_sys::Reflect::get(&field, &"value".into()).ok());
            now[at] = value.and_then(|value| value.as_string());
            typed.set(now);
        })
    };
    let shown = |at: usize, saved: Option<String>| typed[at].clone().or(saved).unwrap_or_default();
    let described =
        |field: &str| (*error).as_ref().filter(|err| err.field_name() == Some(field)).map(|_| format!("{field}-error"));
    html! {
        <form class="faq-form" id={prefix.clone()} {onsubmit} oninput={clear_field_error(&error)}>
            if entry.is_none() { <h3>{ t(locale, "faq.new") }</h3> }
            <label for={format!("{prefix}-question")}>{ t(locale, "faq.question") }</label>
            <input id={format!("{prefix}-question")} ref={question} required=true minlength="3" maxlength="300" autocomplete="off"
                value={shown(0, entry.map(|e| e.question.clone()))} oninput={keep(0)} aria-describedby={described("question")} />
            { rule_error(locale, &error, "question") }
            <label for={format!("{prefix}-answer")}>{ t(locale, "faq.answer") }</label>
            <textarea id={format!("{prefix}-answer")} ref={answer} required=true rows="5" maxlength="4000"
                value={shown(1, entry.map(|e| e.answer.clone()))} oninput={keep(1)} aria-describedby={described("answer")} />
            { rule_error(locale, &error, "answer") }
            <label for={format!("{prefix}-tags")}>{ t(locale, "faq.tags") }</label>
            <input id={format!("{prefix}-tags")} ref={tags} autocomplete="off"
                value={shown(2, entry.map(|e| e.tags.join(", ")))} oninput={keep(2)} aria-describedby={described("tags")} />
            { rule_error(locale, &error, "tags") }
            { field_error(locale, &error, "language") }
            { form_error(locale, &error, &FIELDS) }
            <button type="submit" class="save-entry">{ t(locale, if entry.is_some() { "admin.save" } else { "admin.add" }) }</button>
        </form>
    }
}

/// The error of the input `field` next to it, with the rule it breaks in the reader's language
/// (the server names the input and checks the rule).
fn rule_error(locale: Locale, error: &Option<ApiError>, field: &str) -> Html {
    match error {
        Some(error) if error.field_name() == Some(field) => html! {
            <p class="field-error" id={format!("{field}-error")} role="alert">{ t(locale, &format!("faq.rule_{field}")) }</p>
        },
        _ => html! {},
    }
}

/// Properties of [`AskedQuestions`].
#[derive(Properties, PartialEq)]
struct QuestionsProps {
    workshop: String,
}

/// What the workshop's customers asked the assistant, the ones it could not answer first.
#[function_component(AskedQuestions)]
fn asked_questions(props: &QuestionsProps) -> Html {
    let locale = use_app().locale;
    let variables = assistant_questions::Variables { workshop_id: props.workshop.clone() };
    let content = match use_query::<AssistantQuestions>(variables, 0) {
        QueryState::Loading => loading(locale),
        QueryState::Failed(error) => error_view(locale, &error),
        QueryState::Ready(loaded) if loaded.data.assistant_questions.is_empty() => empty(locale, "faq.no_questions"),
        QueryState::Ready(loaded) => {
            let mut asked: Vec<_> = loaded.data.assistant_questions.iter().collect();
            // The server lists them so; kept here too, since it is what the page is for.
            asked.sort_by_key(|question| question.answered);
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    <ul class="rows" id="asked-questions">
                        { for asked.into_iter().map(|asked| html! {
                            <li class={classes!("asked", (!asked.answered).then_some("unanswered"))} data-answered={asked.answered.to_string()}>
                                <p class="asked-question">{ asked.question.clone() }</p>
                                <p class="muted">
                                    if asked.answered {
                                        <span class="asked-state">{ t(locale, "faq.answered") }</span>
                                    } else {
                                        <span class="asked-state warning">{ t(locale, "faq.unanswered") }</span>
                                    }
                                    { format!(" · {} · {}", asked.language, date_time(locale, &asked.asked_at)) }
                                </p>
                            </li>
                        }) }
                    </ul>
                </>
            }
        }
    };
    html! {
        <section class="card" id="questions" aria-labelledby="questions-title">
            <h2 id="questions-title">{ t(locale, "faq.questions") }</h2>
            <p class="muted">{ t(locale, "faq.questions_intro") }</p>
            { content }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::tags_of;

    #[test]
    fn tags_are_typed_separated_by_commas() {
        assert_eq!(tags_of(" Öl, Service ,,Wartung "), vec!["Öl", "Service", "Wartung"]);
        assert!(tags_of(" , ").is_empty());
    }
}
