//! Accounts: a search by name or e-mail and role; staff invited by e-mail (with their region and,
//! for dealers and workshop staff, where they work); a role changed; an account disabled (its
//! sessions end at once) or enabled again, each after a confirmation.

use std::rc::Rc;

use yew::prelude::*;

use crate::api::client::body;
use crate::api::ops::{
    ChangeUserRole, Dealerships, DisableUser, EnableUser, InviteStaff, Locale as ApiLocale, Regions, Role, Users,
    Workshops, change_user_role, dealerships, disable_user, enable_user, invite_staff, regions, users, workshops,
};
use crate::api::{Api, ApiError, QueryState, use_query, use_reload};
use crate::components::forms::{checked, clear_field_error, text};
use crate::components::{Layout, done_note, empty, error_view, field_error, form_error, loading, name, stale_note};
use crate::i18n::{Locale, date, t, tf, value};
use crate::state::use_app;

/// The roles staff can have.
const STAFF_ROLES: [&str; 4] = ["SUPPORT", "ADMIN", "DEALER", "WORKSHOP"];
/// The inputs of the invitation the server can name in an error.
const INVITE_FIELDS: [&str; 5] = ["name", "email", "role", "dealershipId", "workshopId"];

/// Where staff can work: the dealerships and workshops, by id and name.
#[derive(Default, PartialEq)]
struct Places {
    dealerships: Vec<(String, String)>,
    workshops: Vec<(String, String)>,
}

/// The inputs of a role with its place of work.
#[derive(Clone, Default, PartialEq)]
struct PlacementFields {
    dealership: NodeRef,
    workshop: NodeRef,
    workshop_admin: NodeRef,
}

impl PlacementFields {
    /// The place of work of `role` as the API takes it (the operation's own generated type).
    fn read(&self, role: &str) -> (Option<String>, Option<String>, bool) {
        let chosen = |node: &NodeRef| Some(text(node)).filter(|id| !id.is_empty());
        match role {
            "DEALER" => (chosen(&self.dealership), None, false),
            "WORKSHOP" => (None, chosen(&self.workshop), checked(&self.workshop_admin)),
            _ => (None, None, false),
        }
    }
}

/// The role's choice, and where a dealer or a workshop user works.
fn role_fields(
    locale: Locale,
    prefix: &str,
    role: &UseStateHandle<String>,
    refs: &PlacementFields,
    places: &Places,
) -> Html {
    let id = |name: &str| format!("{prefix}-{name}");
    let on_role = {
        let role = role.clone();
        Callback::from(move |event: Event| {
            role.set(event.target_unchecked_into::<web_sys::HtmlSelectElement>().value());
        })
    };
    let options = |list: &[(String, String)]| -> Html {
        list.iter()
            .enumerate()
            .map(|(i, (id, name))| html! { <option value={id.clone()} selected={i == 0}>{ name.clone() }</option> })
            .collect()
    };
    html! {
        <>
            <label for={id("role")}>{ t(locale, "users.role") }</label>
            <select id={id("role")} onchange={on_role}>
                { for STAFF_ROLES.iter().map(|r| html! { <option value={*r} selected={**role == *r}>{ value(locale, r) }</option> }) }
            </select>
            if **role == "DEALER" {
                <label for={id("dealership")}>{ t(locale, "users.dealership") }</label>
                <select id={id("dealership")} ref={refs.dealership.clone()}>{ options(&places.dealerships) }</select>
            }
            if **role == "WORKSHOP" {
                <label for={id("workshop")}>{ t(locale, "users.workshop") }</label>
                <select id={id("workshop")} ref={refs.workshop.clone()}>{ options(&places.workshops) }</select>
                <label class="choice">
                    <input type="checkbox" ref={refs.workshop_admin.clone()} />
                    { t(locale, "users.workshop_admin") }
                </label>
            }
        </>
    }
}

/// The users page.
#[function_component(UsersPage)]
pub fn users_page() -> Html {
    let app = use_app();
    let locale = app.locale;
    let typed = use_node_ref();
    let role_filter = use_node_ref();
    let search = use_state(|| (String::new(), None::<Role>));
    let (refresh, reload) = use_reload();
    let onsubmit = {
        let (typed, role_filter, search) = (typed.clone(), role_filter.clone(), search.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let role = text(&role_filter);
            search.set((text(&typed), (!role.is_empty()).then(|| Role::from_name(&role))));
        })
    };
    let dealers = use_query::<Dealerships>(dealerships::Variables, 0);
    let workshops = use_query::<Workshops>(workshops::Variables { region: None }, 0);
    let places = {
        let mut places = Places::default();
        if let QueryState::Ready(loaded) = &dealers {
            places.dealerships =
                loaded.data.dealerships.iter().map(|d| (d.id.clone(), format!("{} · {}", d.name, d.city))).collect();
        }
        if let QueryState::Ready(loaded) = &workshops {
            places.workshops =
                loaded.data.workshops.iter().map(|w| (w.id.clone(), format!("{} · {}", w.name, w.city))).collect();
        }
        Rc::new(places)
    };
    let variables = users::Variables { search: search.0.clone(), role: search.1 };
    let list = match use_query::<Users>(variables, refresh) {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { error_view(locale, &error) } },
        QueryState::Ready(loaded) => html! {
            <>
                { stale_note(locale, loaded.stale) }
                if loaded.data.users.is_empty() { { empty(locale, "users.none") } }
                <ul class="cards" id="users">
                    { for loaded.data.users.iter().map(|user| html! {
                        <UserCard user={user.clone()} places={places.clone()} reload={reload.clone()} />
                    }) }
                </ul>
            </>
        },
    };
    html! {
        <Layout title="page.users">
            <InviteForm places={places.clone()} reload={reload.clone()} />
            <form class="card" id="users-search" role="search" {onsubmit}>
                <label for="users-text">{ t(locale, "users.search") }</label>
                <input id="users-text" type="search" ref={typed} autocomplete="off" />
                <label for="users-role">{ t(locale, "users.role") }</label>
                <select id="users-role" ref={role_filter}>
                    <option value="" selected=true>{ t(locale, "users.any_role") }</option>
                    { for STAFF_ROLES.iter().chain(&["CUSTOMER"]).map(|r| html! { <option value={*r}>{ value(locale, r) }</option> }) }
                </select>
                <button type="submit">{ t(locale, "users.find") }</button>
            </form>
            { list }
        </Layout>
    }
}

/// Properties of [`InviteForm`].
#[derive(Properties, PartialEq)]
struct InviteProps {
    places: Rc<Places>,
    reload: Callback<()>,
}

/// Inviting a staff member.
#[function_component(InviteForm)]
fn invite_form(props: &InviteProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let (name_ref, email, region, language) = (use_node_ref(), use_node_ref(), use_node_ref(), use_node_ref());
    let placement = use_state(PlacementFields::default);
    let role = use_state(|| "SUPPORT".to_owned());
    let error = use_state(|| None::<ApiError>);
    let invited = use_state(|| None::<String>);
    let regions = match use_query::<Regions>(regions::Variables, 0) {
        QueryState::Ready(loaded) => loaded.data.regions.clone(),
        _ => Vec::new(),
    };
    let my_region = app.me.as_ref().map(|me| me.region.clone()).unwrap_or_default();
    let onsubmit = {
        let (api, error, invited, reload) = (api.clone(), error.clone(), invited.clone(), props.reload.clone());
        let (name_ref, email, region, language, placement, role) =
            (name_ref.clone(), email.clone(), region.clone(), language.clone(), placement.clone(), role.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let (dealership_id, workshop_id, workshop_admin) = placement.read(&role);
            let language = text(&language);
            let input = invite_staff::InviteStaffInput {
                email: text(&email),
                name: text(&name_ref),
                role: Role::from_name(&role),
                region_code: text(&region),
                locale: (!language.is_empty()).then(|| ApiLocale::from_name(&language.to_ascii_uppercase())),
                placement: invite_staff::PlacementInput { dealership_id, workshop_id, workshop_admin },
            };
            let (api, error, invited, reload) = (api.clone(), error.clone(), invited.clone(), reload.clone());
            let address = input.email.clone();
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<InviteStaff>(invite_staff::Variables { input }).await {
                    Ok(()) => {
                        error.set(None);
                        invited.set(Some(address));
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let clear = clear_field_error(&error);
    html! {
        <details class="card" id="invite">
            <summary>{ t(locale, "users.invite") }</summary>
            <form id="invite-form" oninput={clear} {onsubmit}>
                <label for="invite-name">{ t(locale, "sale.name") }</label>
                <input id="invite-name" ref={name_ref} required=true autocomplete="off" />
                { field_error(locale, &error, "name") }
                <label for="invite-email">{ t(locale, "login.email") }</label>
                <input id="invite-email" type="email" ref={email} required=true autocomplete="off" />
                { field_error(locale, &error, "email") }
                <label for="invite-region">{ t(locale, "profile.region") }</label>
                <select id="invite-region" ref={region}>
                    { for regions.iter().map(|r| html! { <option value={r.code.clone()} selected={r.code == my_region}>{ r.name.clone() }</option> }) }
                </select>
                <label for="invite-language">{ t(locale, "profile.language") }</label>
                <select id="invite-language" ref={language}>
                    <option value="" selected=true>{ t(locale, "users.region_language") }</option>
                    { for Locale::ALL.iter().map(|l| html! { <option value={l.tag()}>{ l.name() }</option> }) }
                </select>
                { role_fields(locale, "invite", &role, &placement, &props.places) }
                { field_error(locale, &error, "dealershipId") }
                { field_error(locale, &error, "workshopId") }
                { form_error(locale, &error, &INVITE_FIELDS) }
                if let Some(address) = &*invited {
                    <p class="status done" role="status">{ tf(locale, "users.invited", &[("email", address)]) }</p>
                }
                <button type="submit">{ t(locale, "users.send_invitation") }</button>
            </form>
        </details>
    }
}

/// Properties of [`UserCard`].
#[derive(Properties, PartialEq)]
struct UserProps {
    user: users::UsersUsers,
    places: Rc<Places>,
    reload: Callback<()>,
}

/// What is being asked of an account.
#[derive(Clone, Copy, PartialEq)]
enum Asking {
    Nothing,
    Role,
    Disable,
}

/// An account with its state and actions.
#[function_component(UserCard)]
fn user_card(props: &UserProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let user = &props.user;
    let asking = use_state(|| Asking::Nothing);
    let error = use_state(|| None::<ApiError>);
    let note = use_state(|| None::<&'static str>);
    let role = use_state(|| name(&user.role));
    let placement = use_state(PlacementFields::default);
    let ask = |what: Asking| {
        let (asking, error, note) = (asking.clone(), error.clone(), note.clone());
        Callback::from(move |_: MouseEvent| {
            error.set(None);
            note.set(None);
            asking.set(what);
        })
    };
    // Sends the request a click makes (`request` builds its body when clicked), then says `done`
    // and reloads the list, or shows why not.
    let act = |request: Rc<dyn Fn() -> String>, done: &'static str| {
        let (api, asking, error, note, reload) =
            (api.clone(), asking.clone(), error.clone(), note.clone(), props.reload.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, asking, error, note, reload) =
                (api.clone(), asking.clone(), error.clone(), note.clone(), reload.clone());
            let body = request();
            wasm_bindgen_futures::spawn_local(async move {
                match api.execute(&body).await {
                    Ok(_) => {
                        asking.set(Asking::Nothing);
                        note.set(Some(done));
                        reload.emit(());
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let id = user.id.clone();
    let disable = {
        let id = id.clone();
        act(
            Rc::new(move || body::<DisableUser>(disable_user::Variables { user_id: id.clone() })),
            "users.disabled_done",
        )
    };
    let enable = {
        let id = id.clone();
        act(Rc::new(move || body::<EnableUser>(enable_user::Variables { user_id: id.clone() })), "users.enabled_done")
    };
    let change_role = {
        let (role, placement) = (role.clone(), placement.clone());
        let request = move || {
            let (dealership_id, workshop_id, workshop_admin) = placement.read(&role);
            body::<ChangeUserRole>(change_user_role::Variables {
                user_id: id.clone(),
                role: Role::from_name(&role),
                placement: change_user_role::PlacementInput { dealership_id, workshop_id, workshop_admin },
            })
        };
        act(Rc::new(request), "users.role_changed")
    };
    let role_name = name(&user.role);
    let place = user
        .dealership
        .as_ref()
        .map(|d| d.name.clone())
        .or_else(|| user.workshop.as_ref().map(|w| w.name.clone()))
        .map(|place| format!(" · {place}"))
        .unwrap_or_default();
    let staff = role_name != "CUSTOMER";
    let prefix = format!("user-{}", user.id);
    html! {
        <li class="card user" data-email={user.email.clone()}>
            <h2>{ user.name.clone() }</h2>
            <p>{ user.email.clone() }</p>
            <p class="muted">{ format!("{} · {}{place}", value(locale, &role_name), user.region.code) }
                if user.workshop_admin { { " · " }{ t(locale, "users.workshop_admin") } }</p>
            if let Some(disabled) = &user.disabled_at {
                <p class="warning user-state">{ tf(locale, "users.disabled_on", &[("date", &date(locale, disabled))]) }</p>
            } else if !user.has_password {
                <p class="muted user-state">{ t(locale, "users.invitation_open") }</p>
            }
            if staff && *asking == Asking::Nothing {
                <p class="actions">
                    <button type="button" class="secondary change-role" onclick={ask(Asking::Role)}
                        aria-label={format!("{} {}", t(locale, "users.change_role"), user.name)}>{ t(locale, "users.change_role") }</button>
                    if user.disabled_at.is_some() {
                        <button type="button" class="secondary enable" onclick={enable}
                            aria-label={format!("{} {}", t(locale, "users.enable"), user.name)}>{ t(locale, "users.enable") }</button>
                    } else {
                        <button type="button" class="secondary disable" onclick={ask(Asking::Disable)}
                            aria-label={format!("{} {}", t(locale, "users.disable"), user.name)}>{ t(locale, "users.disable") }</button>
                    }
                </p>
            }
            if *asking == Asking::Role {
                <div class="confirm" role="group">
                    { role_fields(locale, &prefix, &role, &placement, &props.places) }
                    <div class="actions">
                        <button type="button" class="confirm-role" onclick={change_role}>{ t(locale, "users.save_role") }</button>
                        <button type="button" class="secondary" onclick={ask(Asking::Nothing)}>{ t(locale, "admin.cancel") }</button>
                    </div>
                </div>
            }
            if *asking == Asking::Disable {
                <div class="confirm" role="group">
                    <p>{ tf(locale, "users.disable_ask", &[("name", &user.name)]) }</p>
                    <div class="actions">
                        <button type="button" class="confirm-disable" onclick={disable}>{ t(locale, "users.disable_confirm") }</button>
                        <button type="button" class="secondary" onclick={ask(Asking::Nothing)}>{ t(locale, "admin.keep") }</button>
                    </div>
                </div>
            }
            if let Some(err) = &*error { { error_view(locale, err) } }
            { done_note(locale, &note) }
        </li>
    }
}
