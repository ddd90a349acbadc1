//! The app's shared state: who is signed in, their language, whether the server is reachable, how
//! many purchases wait in the offline queue.

use std::rc::Rc;

use yew::prelude::*;

use crate::api::Api;
use crate::api::client::{Claims, body, parse};
use crate::api::ops::{ApiEnum, Me as MeQuery, me};
use crate::i18n::Locale;

/// The signed-in user as the app needs them.
#[derive(Clone, Debug, PartialEq)]
pub struct Me {
    /// Name.
    pub name: String,
    /// Region code.
    pub region: String,
    /// Currency of the region.
    pub currency: String,
    /// Whether a workshop user may set their workshop up.
    pub workshop_admin: bool,
}

/// Shared state.
#[derive(Clone, Debug, PartialEq)]
pub struct AppState {
    /// Whether a session exists.
    pub signed_in: bool,
    /// Role: CUSTOMER, DEALER, WORKSHOP, SUPPORT, ADMIN (empty while unknown).
    pub role: String,
    /// The user, once loaded.
    pub me: Option<Me>,
    /// The language shown.
    pub locale: Locale,
    /// Whether the last request reached the server.
    pub online: bool,
    /// Purchases waiting in the offline queue.
    pub queued: usize,
    /// How many times the server became reachable again after it was not.
    pub reconnections: u32,
}

/// Changes to the state.
pub enum Action {
    /// Signed in or out.
    Session(bool),
    /// The access token's role and language, known before the profile is loaded.
    Claims(Claims),
    /// The user was loaded.
    Me(Box<me::MeMe>),
    /// The language was chosen.
    #[cfg(feature = "more")]
    Locale(Locale),
    /// The server was (not) reached.
    Online(bool),
    /// The queue changed.
    Queued(usize),
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut next = (*self).clone();
        match action {
            Action::Session(signed_in) => {
                next.signed_in = signed_in;
                if !signed_in {
                    next.me = None;
                    next.role.clear();
                }
            }
            Action::Claims(claims) => {
                next.role = claims.role;
                if next.me.is_none() {
                    next.locale = Locale::parse(&claims.loc);
                }
            }
            Action::Me(me) => {
                next.locale = Locale::parse(me.locale.as_str());
                next.role = me.role.as_str().to_owned();
                next.me = Some(Me {
                    name: me.name,
                    region: me.region.code,
                    currency: me.region.currency,
                    workshop_admin: me.workshop_admin,
                });
            }
            #[cfg(feature = "more")]
            Action::Locale(locale) => next.locale = locale,
            Action::Online(online) => {
                if next.online == online {
                    return self;
                }
                next.online = online;
                if online {
                    next.reconnections += 1;
                }
            }
            Action::Queued(queued) => next.queued = queued,
        }
        Rc::new(next)
    }
}

/// The shared state handle.
pub type AppContext = UseReducerHandle<AppState>;

/// The shared state, from any component.
#[hook]
pub fn use_app() -> AppContext {
    use_context::<AppContext>().expect("the app state is provided")
}

/// Where the signed-in user's profile is kept for offline starts.
pub const ME_KEY: &str = "me";

/// Loads the signed-in user's profile into the state (and keeps it for offline starts).
pub async fn load_me(api: &Api, state: &AppContext) {
    let Ok(data) = api.execute(&body::<MeQuery>(me::Variables)).await else { return };
    if let Ok(me) = parse::<me::ResponseData>(&data) {
        Api::remember(ME_KEY, &data);
        state.dispatch(Action::Me(Box::new(me.me)));
    }
}
