//! The assistant's chat panel: a question, the conversation's turns, each answer streaming in as
//! it is written (`assistantAnswer`), its sources as links (an FAQ entry on the help page, a fact
//! on the car's page), what it offers (booking a service, calling the workshop) and its notice.
//! Opened, it shows the latest conversation about the same car, which the next question continues.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;
use yew_router::prelude::*;

use super::frame;
use crate::api::assistant::{Chunk, Contact, Contacts, Conversation, Conversations, Source, Turn};
use crate::api::ops::{
    AskAssistant, AssistantAnswer, AssistantConversations, DeleteAssistantConversation, WorkshopContacts,
    ask_assistant, assistant_answer, assistant_conversations, delete_assistant_conversation, workshop_contacts,
};
use crate::api::ws::{self, Subscription};
use crate::api::{Api, ApiError, QueryState, use_query_as};
use crate::components::{field_error, form_error};
use crate::i18n::{Locale, t, tf};
use crate::route::Route;
use crate::state::use_app;

/// The longest question the panel sends.
const MAX_QUESTION_CHARS: &str = "500";

/// Properties of [`ChatPanel`].
#[derive(Properties, PartialEq)]
pub struct ChatProps {
    /// The car the questions are about (on its page).
    pub vin: Option<AttrValue>,
    /// The customer's cars (VIN, name), for booking a service from the dashboard.
    pub cars: Vec<(AttrValue, AttrValue)>,
    /// Open from the start.
    pub open: bool,
}

/// The conversation shown.
#[derive(Clone, Debug, Default, PartialEq)]
struct Chat {
    /// The conversation the next question continues.
    conversation: Option<String>,
    /// Its turns, in order.
    turns: Vec<Turn>,
}

enum Action {
    /// An earlier conversation, shown unless a question was asked meanwhile.
    Resume(Conversation),
    /// A question was asked.
    Asked(Turn),
    /// The answer of a turn so far.
    Progress { turn: String, answer: String },
    /// A turn is complete.
    Finished(Turn),
    /// The conversation was deleted.
    Forget,
}

impl Reducible for Chat {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Resume(conversation) if next.turns.is_empty() => {
                next.conversation = Some(conversation.id);
                next.turns = conversation.turns;
            }
            Action::Resume(_) => return self,
            Action::Asked(turn) => {
                next.conversation = Some(turn.conversation_id.clone());
                next.turns.push(turn);
            }
            Action::Progress { turn, answer } => {
                // A piece that arrives after the end, or repeats less than is shown, changes nothing.
                match next.turns.iter_mut().find(|t| t.id == turn && t.answering && answer.len() >= t.answer.len()) {
                    Some(shown) => shown.answer = answer,
                    None => return self,
                }
            }
            Action::Finished(turn) => match next.turns.iter_mut().find(|t| t.id == turn.id) {
                Some(shown) => *shown = turn,
                None => return self,
            },
            Action::Forget => next = Chat::default(),
        }
        Rc::new(next)
    }
}

/// The subscriptions of the answers being written, by turn: dropping one ends it.
type Following = Rc<RefCell<HashMap<String, Subscription>>>;

/// Follows the answer of the turn `id` as it is written, until it is complete.
fn follow(api: &Api, id: &str, chat: &UseReducerHandle<Chat>, following: &Following) {
    let on_event = {
        let (api, chat, following, id) = (api.clone(), chat.clone(), following.clone(), id.to_owned());
        Callback::from(move |event: Option<Chunk>| match event {
            Some(Chunk { done: true, turn: Some(turn), .. }) => {
                following.borrow_mut().remove(&turn.id);
                chat.dispatch(Action::Finished(turn));
            }
            Some(Chunk { done: false, turn_id, answer, .. }) => {
                chat.dispatch(Action::Progress { turn: turn_id, answer })
            }
            // Back after a break (pieces may have been missed, the last among them), or an end
            // without its turn: the stored conversation has the answer.
            Some(Chunk { done: true, turn: None, .. }) | None => catch_up(&api, &id, &chat, &following),
        })
    };
    let variables = assistant_answer::Variables { turn_id: id.to_owned() };
    let subscription = ws::subscribe_as::<AssistantAnswer, Chunk>(api, variables, on_event);
    following.borrow_mut().insert(id.to_owned(), subscription);
}

/// Shows the turn `id` as stored, once it is complete.
fn catch_up(api: &Api, id: &str, chat: &UseReducerHandle<Chat>, following: &Following) {
    let (api, chat, following, id) = (api.clone(), chat.clone(), following.clone(), id.to_owned());
    wasm_bindgen_futures::spawn_local(async move {
        let Ok(all) = api.call_as::<AssistantConversations, Conversations>(assistant_conversations::Variables).await
        else {
            return;
        };
        let stored = all.0.into_iter().flat_map(|c| c.turns).find(|turn| turn.id == id && !turn.answering);
        if let Some(turn) = stored {
            following.borrow_mut().remove(&id);
            chat.dispatch(Action::Finished(turn));
        }
    });
}

/// The chat panel: the way to open it, or the conversation.
#[function_component(ChatPanel)]
pub fn chat_panel(props: &ChatProps) -> Html {
    let locale = use_app().locale;
    let open = use_state(|| props.open);
    if *open {
        return html! { <Conversing vin={props.vin.clone()} cars={props.cars.clone()} /> };
    }
    let onclick = Callback::from(move |_: MouseEvent| open.set(true));
    let button = html! { <button type="button" id="assistant-open" {onclick}>{ t(locale, "assistant.open") }</button> };
    frame(locale, props.vin.is_some(), button)
}

/// Properties of [`Conversing`].
#[derive(Properties, PartialEq)]
struct ConversingProps {
    vin: Option<AttrValue>,
    cars: Vec<(AttrValue, AttrValue)>,
}

/// The open panel: the conversation and the question field. The questions go to the workshop of
/// the customer's region (the first, as the booking page proposes), whose own FAQ answers too and
/// whose contact is offered.
#[function_component(Conversing)]
fn conversing(props: &ConversingProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let navigator = use_navigator();
    let locale = app.locale;
    let chat = use_reducer(Chat::default);
    let asking = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let question = use_node_ref();
    let following: Following = use_mut_ref(HashMap::new);
    let region = app.me.as_ref().map(|me| me.region.clone());
    let workshops = use_query_as::<WorkshopContacts, Contacts>(workshop_contacts::Variables { region }, 0);
    let workshop = match &workshops {
        QueryState::Ready(loaded) => loaded.data.0.first().cloned(),
        _ => None,
    };
    {
        // Opened: the question field takes the focus, and the latest conversation about this car
        // shows, to be continued. The answers still being written stop streaming with the panel.
        let (api, chat, following, error, question) =
            (api.clone(), chat.clone(), following.clone(), error.clone(), question.clone());
        let vin = props.vin.clone();
        use_effect_with((), move |_| {
            if let Some(input) = question.cast::<HtmlInputElement>() {
                let _ = input.focus();
            }
            let resumed = following.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api.call_as::<AssistantConversations, Conversations>(assistant_conversations::Variables).await {
                    Ok(all) => {
                        if let Some(conversation) = all.latest_about(vin.as_deref()) {
                            let answering: Vec<String> =
                                conversation.turns.iter().filter(|t| t.answering).map(|t| t.id.clone()).collect();
                            chat.dispatch(Action::Resume(conversation));
                            for id in answering {
                                follow(&api, &id, &chat, &resumed);
                            }
                        }
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
            move || following.borrow_mut().clear()
        });
    }
    let onsubmit = {
        let (api, chat, following, asking, error, question) =
            (api.clone(), chat.clone(), following.clone(), asking.clone(), error.clone(), question.clone());
        let vin = props.vin.as_ref().map(|vin| vin.to_string());
        let workshop_id = workshop.as_ref().map(|workshop| workshop.id.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let Some(input) = question.cast::<HtmlInputElement>() else { return };
            let text = input.value().trim().to_owned();
            if text.is_empty() || *asking {
                return;
            }
            asking.set(true);
            error.set(None);
            let variables = ask_assistant::Variables {
                question: text,
                vin: vin.clone(),
                workshop_id: workshop_id.clone(),
                conversation_id: chat.conversation.clone(),
            };
            let (api, chat, following, asking, error) =
                (api.clone(), chat.clone(), following.clone(), asking.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.call_as::<AskAssistant, Turn>(variables).await {
                    Ok(turn) => {
                        input.set_value("");
                        let id = turn.answering.then(|| turn.id.clone());
                        chat.dispatch(Action::Asked(turn));
                        if let Some(id) = id {
                            follow(&api, &id, &chat, &following);
                        }
                    }
                    Err(err) => error.set(Some(err)),
                }
                asking.set(false);
            });
        })
    };
    let delete = {
        let (api, chat, following, error) = (api.clone(), chat.clone(), following.clone(), error.clone());
        Callback::from(move |_: MouseEvent| {
            let Some(id) = chat.conversation.clone() else { return };
            let (api, chat, following, error) = (api.clone(), chat.clone(), following.clone(), error.clone());
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<DeleteAssistantConversation>(delete_assistant_conversation::Variables { id }).await {
                    Ok(()) => {
                        following.borrow_mut().clear();
                        chat.dispatch(Action::Forget);
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let clear_error = {
        let error = error.clone();
        Callback::from(move |_: InputEvent| {
            if error.is_some() {
                error.set(None);
            }
        })
    };
    // The car's facts are on its page: open it at the top.
    let to_car = Callback::from(move |vin: String| {
        if let Some(navigator) = &navigator {
            navigator.push(&Route::Vehicle { vin });
        }
        if let Some(window) = web_sys::window() {
            window.scroll_to_with_x_and_y(0.0, 0.0);
        }
    });
    let context = TurnContext {
        locale,
        vin: props.vin.as_deref(),
        cars: &props.cars,
        workshop: workshop.as_ref(),
        to_car: &to_car,
    };
    // The workshop is known (or cannot be) before the first question goes.
    let ready = !matches!(workshops, QueryState::Loading) && app.online;
    let invalid = (*error).as_ref().is_some_and(|err| err.field_name() == Some("question"));
    let content = html! {
        <>
            <ol class="turns" id="assistant-turns" role="log" aria-live="polite" aria-label={t(locale, "assistant.conversation")}>
                { for chat.turns.iter().map(|turn| turn_view(&context, turn)) }
            </ol>
            <form id="assistant-form" {onsubmit} oninput={clear_error}>
                <label for="assistant-question">{ t(locale, "assistant.question") }</label>
                <div class="ask">
                    <input id="assistant-question" ref={question} required=true maxlength={MAX_QUESTION_CHARS} autocomplete="off"
                        enterkeyhint="send" aria-invalid={invalid.to_string()} aria-describedby={invalid.then_some("question-error")} />
                    <button type="submit" id="assistant-ask" disabled={*asking || !ready}>{ t(locale, "assistant.ask") }</button>
                </div>
                { field_error(locale, &error, "question") }
                { form_error(locale, &error, &["question"]) }
            </form>
            if chat.conversation.is_some() {
                <button type="button" class="link" id="assistant-delete" onclick={delete}>{ t(locale, "assistant.delete") }</button>
            }
        </>
    };
    frame(locale, props.vin.is_some(), content)
}

/// What a turn's view needs from the panel.
struct TurnContext<'a> {
    locale: Locale,
    vin: Option<&'a str>,
    cars: &'a [(AttrValue, AttrValue)],
    workshop: Option<&'a Contact>,
    to_car: &'a Callback<String>,
}

/// A question and its answer, with its notice and, once it is complete, its sources and offers.
fn turn_view(context: &TurnContext<'_>, turn: &Turn) -> Html {
    let locale = context.locale;
    // While the model writes, the sources it will cite are not known yet.
    let complete = !turn.answering;
    html! {
        <li class="turn" data-turn={turn.id.clone()} data-mode={turn.mode.clone()} data-answering={turn.answering.to_string()}>
            <p class="asked"><span class="who">{ t(locale, "assistant.you") }</span>{ turn.question.clone() }</p>
            <div class="answer" aria-busy={turn.answering.to_string()}>
                <span class="who">{ t(locale, "assistant.title") }</span>
                { answer_view(&turn.answer, complete.then_some(turn.sources.len())) }
                if turn.answering { <p class="muted writing">{ t(locale, "assistant.answering") }</p> }
            </div>
            if complete && turn.mode == "MODEL" { <p class="muted by-model">{ t(locale, "assistant.by_model") }</p> }
            if let Some(notice) = &turn.notice { <p class="notice" role="note">{ notice.clone() }</p> }
            if complete && !turn.sources.is_empty() {
                <p class="sources-title">{ t(locale, "assistant.sources") }</p>
                <ol class="sources">{ for turn.sources.iter().map(|source| source_view(context, source)) }</ol>
            }
            if complete && !turn.offers.is_empty() {
                <div class="actions offers">{ for turn.offers.iter().map(|offer| offer_view(context, offer)) }</div>
            }
        </li>
    }
}

/// The numbers of the model's citation markers (`[S3]`) in `answer`, ascending and each once: the
/// sources of its answer are the ones it cited, in that order, so the n-th of them is source n.
fn markers(answer: &str) -> Vec<u32> {
    let mut numbers: Vec<u32> = answer
        .split("[S")
        .skip(1)
        .filter_map(|rest| rest.split_once(']').and_then(|(digits, _)| digits.parse().ok()))
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
}

/// An answer's text by paragraph, the model's citation markers as the numbers of the sources they
/// cite (a marker beyond the `sources` cited, once they are known, is left out).
fn answer_view(answer: &str, sources: Option<usize>) -> Html {
    let numbers = markers(answer);
    html! {
        { for answer.split('\n').filter(|line| !line.trim().is_empty()).map(|line| html! { <p>{ cited(line, &numbers, sources) }</p> }) }
    }
}

/// A line of an answer with each marker `[S<k>]` as a superscript `[n]`, n being the place of k
/// among the answer's marker `numbers`.
fn cited(line: &str, numbers: &[u32], sources: Option<usize>) -> Html {
    let mut parts = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("[S") {
        let after = &rest[at + 2..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        let number = after[..digits].parse::<u32>().ok().filter(|_| after[digits..].starts_with(']'));
        let Some(number) = number else {
            parts.push(html! { { rest[..at + 2].to_owned() } });
            rest = after;
            continue;
        };
        parts.push(html! { { rest[..at].to_owned() } });
        let place = numbers.iter().position(|n| *n == number).map_or(0, |index| index + 1);
        if sources.is_none_or(|count| place <= count) {
            parts.push(html! { <sup class="cite">{ format!("[{place}]") }</sup> });
        }
        rest = &after[digits + 1..];
    }
    parts.push(html! { { rest.to_owned() } });
    html! { { for parts } }
}

/// A source as a link to where it is shown: an FAQ entry on the help page, a fact on the car's page.
fn source_view(context: &TurnContext<'_>, source: &Source) -> Html {
    let link = match (source.kind.as_str(), &source.faq_entry_id, context.vin) {
        ("FAQ", Some(id), _) => {
            let query = context.workshop.map(|workshop| format!("?workshop={}", workshop.id)).unwrap_or_default();
            html! { <a class="source" href={format!("/help{query}#faq-{id}")}>{ source.title.clone() }</a> }
        }
        ("CAR_DATA", _, Some(vin)) => {
            let (to_car, to) = (context.to_car.clone(), vin.to_owned());
            let onclick = Callback::from(move |event: MouseEvent| {
                event.prevent_default();
                to_car.emit(to.clone());
            });
            let href = Route::Vehicle { vin: vin.to_owned() }.to_path();
            html! { <a class="source" {href} {onclick}>{ source.title.clone() }</a> }
        }
        _ => html! { <span class="source">{ source.title.clone() }</span> },
    };
    html! {
        <li data-kind={source.kind.clone()}>
            { link }
            if !source.quote.is_empty() { <q>{ source.quote.clone() }</q> }
        </li>
    }
}

/// What the assistant offers: booking a service for the car (each car, on the dashboard), or
/// calling the workshop.
fn offer_view(context: &TurnContext<'_>, offer: &str) -> Html {
    let locale = context.locale;
    match (offer, context.vin, context.workshop) {
        ("BOOK_SERVICE", Some(vin), _) => html! {
            <Link<Route> to={Route::BookService { vin: vin.to_owned() }} classes="button book-service">{ t(locale, "assistant.book") }</Link<Route>>
        },
        ("BOOK_SERVICE", None, _) => html! {
            { for context.cars.iter().map(|(vin, name)| html! {
                <Link<Route> to={Route::BookService { vin: vin.to_string() }} classes="button book-service">
                    { tf(locale, "assistant.book_car", &[("car", name)]) }
                </Link<Route>>
            }) }
        },
        ("CONTACT_WORKSHOP", _, Some(workshop)) => html! {
            <p class="contact-workshop">
                <a class="button secondary" href={format!("tel:{}", workshop.phone.replace(' ', ""))}>
                    { tf(locale, "assistant.call", &[("workshop", &workshop.name), ("phone", &workshop.phone)]) }
                </a>
                <br /><span class="muted">{ format!("{}, {}", workshop.address, workshop.city) }</span>
            </p>
        },
        _ => html! {},
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn turn(id: &str, answer: &str, answering: bool) -> Turn {
        Turn {
            id: id.into(),
            conversation_id: "c1".into(),
            question: "Was bedeutet P0301?".into(),
            answer: answer.into(),
            answering,
            mode: if answering { "MODEL" } else { "RETRIEVAL" }.into(),
            notice: None,
            sources: Vec::new(),
            offers: Vec::new(),
        }
    }

    fn reduce(chat: Chat, action: Action) -> Chat {
        (*Rc::new(chat).reduce(action)).clone()
    }

    #[test]
    fn an_answer_grows_until_it_is_final_and_late_pieces_change_nothing() {
        let chat = reduce(Chat::default(), Action::Asked(turn("t1", "", true)));
        assert_eq!(chat.conversation.as_deref(), Some("c1"), "the next question continues it");
        let chat = reduce(chat, Action::Progress { turn: "t1".into(), answer: "Zylinder 1 ".into() });
        let chat = reduce(chat, Action::Progress { turn: "t1".into(), answer: "Zylinder 1 hat ".into() });
        assert_eq!(chat.turns[0].answer, "Zylinder 1 hat ");
        // A repeated earlier piece does not shorten what is shown.
        let chat = reduce(chat, Action::Progress { turn: "t1".into(), answer: "Zylinder 1 ".into() });
        assert_eq!(chat.turns[0].answer, "Zylinder 1 hat ");
        let chat = reduce(chat, Action::Finished(turn("t1", "Zylinder 1 hat Fehlzündungen. [S1]", false)));
        assert!(!chat.turns[0].answering);
        let chat =
            reduce(chat, Action::Progress { turn: "t1".into(), answer: "Zylinder 1 hat Fehlzündungen. [S1] x".into() });
        assert_eq!(chat.turns[0].answer, "Zylinder 1 hat Fehlzündungen. [S1]", "the final answer stays");
    }

    #[test]
    fn the_models_markers_are_numbered_as_the_sources_it_cited() {
        assert_eq!(markers("Erstens [S3]. Zweitens [S1] und [S3]. Kaputt [S] [Sx] [S2"), vec![1, 3]);
        assert!(markers("Aus den FAQ: «…» [1]").is_empty(), "the retrieval answer's own numbers stay as written");
    }

    #[test]
    fn an_earlier_conversation_never_replaces_a_question_just_asked() {
        let asked = reduce(Chat::default(), Action::Asked(turn("t2", "Antwort", false)));
        let earlier = Conversation {
            id: "c0".into(),
            vin: None,
            started_at: "2026-12-01T10:00:00Z".into(),
            turns: vec![turn("t0", "alt", false)],
        };
        let chat = reduce(asked, Action::Resume(earlier.clone()));
        assert_eq!(chat.turns.len(), 1);
        assert_eq!(chat.turns[0].id, "t2");
        let resumed = reduce(Chat::default(), Action::Resume(earlier));
        assert_eq!((resumed.conversation.as_deref(), resumed.turns.len()), (Some("c0"), 1));
        assert_eq!(reduce(resumed, Action::Forget), Chat::default());
    }
}
