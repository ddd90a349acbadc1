//! The open tickets, newest first: what each is about (its failed activation, with its payments
//! and a retry), who deals with it and what was said, with the actions that settle it — assign it,
//! comment on it, close it.

use yew::prelude::*;

use super::{ActivationRow, ActivationView, Document, PaymentRow};
use crate::api::ops::{
    AssignTicket, CommentTicket, ResolveTicket, Role, SupportTickets, Users, assign_ticket, comment_ticket,
    resolve_ticket, support_tickets, users,
};
use crate::api::{Api, ApiError, QueryState, use_query, use_reload};
use crate::components::forms::{clear_field_error, text};
use crate::components::{done_note, empty, error_view, field_error, form_error, loading, name, stale_note};
use crate::i18n::{date_time, t};
use crate::state::use_app;

/// The support staff a ticket can be given to, by id and name.
type Staff = std::rc::Rc<Vec<(String, String)>>;

/// The open tickets.
#[function_component(Tickets)]
pub fn tickets() -> Html {
    let app = use_app();
    let locale = app.locale;
    let (refresh, reload) = use_reload();
    let closed = use_state(|| None::<&'static str>);
    let staff: Staff =
        match use_query::<Users>(users::Variables { search: String::new(), role: Some(Role::SUPPORT) }, 0) {
            QueryState::Ready(loaded) => {
                std::rc::Rc::new(loaded.data.users.iter().map(|u| (u.id.clone(), u.name.clone())).collect())
            }
            _ => std::rc::Rc::default(),
        };
    let on_closed = {
        let (closed, reload) = (closed.clone(), reload.clone());
        Callback::from(move |()| {
            closed.set(Some("support.resolved"));
            reload.emit(());
        })
    };
    let content = match use_query::<SupportTickets>(support_tickets::Variables, refresh) {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { error_view(locale, &error) } },
        QueryState::Ready(loaded) => {
            let tickets = &loaded.data.support_tickets.nodes;
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    if tickets.is_empty() { { empty(locale, "support.empty") } }
                    <ul class="cards" id="tickets">
                        { for tickets.iter().map(|ticket| html! {
                            <TicketCard ticket={ticket.clone()} staff={staff.clone()} reload={reload.clone()} closed={on_closed.clone()} />
                        }) }
                    </ul>
                </>
            }
        }
    };
    html! {
        <>
            { done_note(locale, &closed) }
            { content }
        </>
    }
}

/// Properties of [`TicketCard`].
#[derive(Properties, PartialEq)]
struct TicketProps {
    ticket: support_tickets::SupportTicketsSupportTicketsNodes,
    staff: Staff,
    reload: Callback<()>,
    closed: Callback<()>,
}

/// A ticket with its activation, assignee, comments and actions.
#[function_component(TicketCard)]
fn ticket_card(props: &TicketProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let ticket = &props.ticket;
    let error = use_state(|| None::<ApiError>);
    let note = use_state(|| None::<&'static str>);
    let (assignee, comment) = (use_node_ref(), use_node_ref());
    // Runs `send`, then says `done` and reloads the tickets.
    let finish = {
        let (error, note, reload) = (error.clone(), note.clone(), props.reload.clone());
        move |answer: Result<(), ApiError>, done: &'static str| match answer {
            Ok(()) => {
                error.set(None);
                note.set(Some(done));
                reload.emit(());
            }
            Err(err) => error.set(Some(err)),
        }
    };
    let assign = {
        let (api, assignee, finish, id) = (api.clone(), assignee.clone(), finish.clone(), ticket.id.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let chosen = text(&assignee);
            let variables =
                assign_ticket::Variables { ticket_id: id.clone(), assignee_id: (!chosen.is_empty()).then_some(chosen) };
            let (api, finish) = (api.clone(), finish.clone());
            wasm_bindgen_futures::spawn_local(async move {
                finish(api.send::<AssignTicket>(variables).await, "support.assigned");
            });
        })
    };
    let add_comment = {
        let (api, comment, finish, error, id) =
            (api.clone(), comment.clone(), finish.clone(), error.clone(), ticket.id.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let body = text(&comment);
            if body.is_empty() {
                return error.set(Some(ApiError::field("body", t(locale, "support.comment_rule"))));
            }
            let (api, finish, comment) = (api.clone(), finish.clone(), comment.clone());
            let variables = comment_ticket::Variables { ticket_id: id.clone(), body };
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api.send::<CommentTicket>(variables).await;
                if answer.is_ok()
                    && let Some(area) = comment.cast::<web_sys::HtmlTextAreaElement>()
                {
                    area.set_value("");
                }
                finish(answer, "support.commented");
            });
        })
    };
    let resolve = {
        let (api, error, closed, id) = (api.clone(), error.clone(), props.closed.clone(), ticket.id.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, error, closed) = (api.clone(), error.clone(), closed.clone());
            let variables = resolve_ticket::Variables { id: id.clone() };
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<ResolveTicket>(variables).await {
                    Ok(()) => closed.emit(()),
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let activation = ticket.activation.as_ref();
    let heading =
        activation.map_or_else(|| ticket.subject.clone(), |a| format!("{} · {}", a.feature.name, a.vehicle.vin));
    let current = ticket.assignee.as_ref().map(|a| a.id.clone()).unwrap_or_default();
    let id = |field: &str| format!("ticket-{}-{field}", ticket.id);
    html! {
        <li class="card ticket" data-ticket={ticket.id.clone()}>
            <h3>{ heading }</h3>
            <p class="muted">{ date_time(locale, &ticket.created_at) }</p>
            if let Some(owner) = activation.and_then(|a| a.vehicle.owner.as_ref()) {
                <p>{ owner.name.clone() }{ " · " }{ owner.email.clone() }</p>
            }
            if let Some(a) = activation { <ActivationView activation={rows_from!(a)} reload={props.reload.clone()} /> }
            <details class="technical">
                <summary>{ t(locale, "support.details") }</summary>
                <p>{ ticket.subject.clone() }</p>
                <p>{ ticket.details.clone() }</p>
            </details>
            <form class="assign" onsubmit={assign}>
                <label for={id("assignee")}>{ t(locale, "support.assignee") }</label>
                <select id={id("assignee")} ref={assignee}>
                    <option value="" selected={current.is_empty()}>{ t(locale, "support.nobody") }</option>
                    { for props.staff.iter().map(|(sid, sname)| html! { <option value={sid.clone()} selected={*sid == current}>{ sname.clone() }</option> }) }
                </select>
                <button type="submit" class="secondary">{ t(locale, "support.assign") }</button>
            </form>
            if !ticket.comments.is_empty() {
                <ol class="rows comments">
                    { for ticket.comments.iter().map(|c| html! {
                        <li><strong>{ c.author.name.clone() }</strong>{ " · " }<span class="muted">{ date_time(locale, &c.created_at) }</span><p>{ c.body.clone() }</p></li>
                    }) }
                </ol>
            }
            <form class="comment" oninput={clear_field_error(&error)} onsubmit={add_comment}>
                <label for={id("comment")}>{ t(locale, "support.comment") }</label>
                <textarea id={id("comment")} ref={comment} rows="2" maxlength="2000" />
                { field_error(locale, &error, "body") }
                <button type="submit" class="secondary">{ t(locale, "support.add_comment") }</button>
            </form>
            { form_error(locale, &error, &["body"]) }
            { done_note(locale, &note) }
            <p class="actions">
                <button type="button" class="secondary resolve" onclick={resolve}>{ t(locale, "support.resolve") }</button>
            </p>
        </li>
    }
}
