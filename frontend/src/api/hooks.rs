//! `use_query`: what a page shows — the last cached answer at once (marked stale), the fresh one
//! when it arrives, and a typed error when there is neither. The fetching and caching work on the
//! answer's text and exist once; only the final parse is per operation.

use std::cell::Cell;
use std::rc::Rc;

use graphql_client::GraphQLQuery;
use serde::de::DeserializeOwned;
use yew::prelude::*;

use super::client::{Api, ApiError, body, parse, parse_answer};
use super::json::Answer;

/// Data and whether it came from the offline cache.
pub struct Loaded<T> {
    /// The data.
    pub data: Rc<T>,
    /// Shown from the cache because the server could not be reached.
    pub stale: bool,
}

impl<T> Clone for Loaded<T> {
    fn clone(&self) -> Self {
        Self { data: self.data.clone(), stale: self.stale }
    }
}

/// The state of a query.
pub enum QueryState<T> {
    /// Nothing to show yet.
    Loading,
    /// Something to show.
    Ready(Loaded<T>),
    /// Nothing to show, and why.
    Failed(ApiError),
}

impl<T> Clone for QueryState<T> {
    fn clone(&self) -> Self {
        match self {
            Self::Loading => Self::Loading,
            Self::Ready(loaded) => Self::Ready(loaded.clone()),
            Self::Failed(error) => Self::Failed(error.clone()),
        }
    }
}

impl<T> PartialEq for QueryState<T> {
    /// The same state when it holds the very same answer (answers are shared, not copied).
    fn eq(&self, other: &Self) -> bool {
        match (self, other) {
            (Self::Loading, Self::Loading) => true,
            (Self::Ready(a), Self::Ready(b)) => Rc::ptr_eq(&a.data, &b.data) && a.stale == b.stale,
            (Self::Failed(a), Self::Failed(b)) => a == b,
            _ => false,
        }
    }
}

/// The requests of one query, numbered: answers can arrive out of order (one sent before a reload
/// may finish after it), and only the answer of the latest request may be shown or cached.
#[derive(Clone, Default)]
struct Requests(Rc<Cell<u64>>);

/// One request of a query.
struct Request {
    requests: Requests,
    number: u64,
}

impl Requests {
    /// A new request, which makes every earlier one out of date.
    fn start(&self) -> Request {
        let number = self.0.get() + 1;
        self.0.set(number);
        Request { requests: self.clone(), number }
    }
}

impl Request {
    /// Whether no request of the query was started after this one.
    fn is_latest(&self) -> bool {
        self.requests.0.get() == self.number
    }
}

/// How many times the server became reachable again: every query on screen is asked again then,
/// so a page saved earlier refreshes by itself when the connection returns.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Reconnections(pub u32);

/// The answer of a request body, as text.
#[hook]
fn use_raw_query(body: String, refresh: u32) -> QueryState<Rc<str>> {
    let api = use_context::<Api>().expect("the API client is provided");
    let reconnections = use_context::<Reconnections>().unwrap_or_default();
    let state = use_state(|| QueryState::Loading);
    let requests = use_memo((), |()| Requests::default());
    {
        let state = state.clone();
        let requests = (*requests).clone();
        use_effect_with((body, refresh, reconnections), move |(body, _, _)| {
            let request = requests.start();
            let key = body.clone();
            // The last answer is shown at once while the fresh one is on its way.
            let cached: Option<Rc<str>> = Api::cached(&key).map(Rc::from);
            if let Some(cached) = &cached {
                state.set(QueryState::Ready(Loaded { data: Rc::new(cached.clone()), stale: false }));
            }
            let body = body.clone();
            wasm_bindgen_futures::spawn_local(async move {
                let answer = api.execute(&body).await;
                if !request.is_latest() {
                    return;
                }
                match answer {
                    Ok(data) => {
                        Api::remember(&key, &data);
                        state.set(QueryState::Ready(Loaded { data: Rc::new(Rc::from(data)), stale: false }));
                    }
                    // Offline with something cached: keep showing it, marked as saved earlier.
                    Err(ApiError::Offline) if cached.is_some() => {
                        state.set(QueryState::Ready(Loaded { data: Rc::new(cached.unwrap_or_default()), stale: true }));
                    }
                    Err(error) => state.set(QueryState::Failed(error)),
                }
            });
        });
    }
    (*state).clone()
}

/// The answer of `Q` with `variables`, refetched when `variables` or `refresh` change.
#[hook]
pub fn use_query<Q>(variables: Q::Variables, refresh: u32) -> QueryState<Q::ResponseData>
where
    Q: GraphQLQuery + 'static,
    Q::ResponseData: DeserializeOwned + 'static,
{
    let raw = use_raw_query(body::<Q>(variables), refresh);
    use_parsed(raw, parse::<Q::ResponseData>)
}

/// [`use_query`] read as the shared answer type `T` (see `api::workshop`).
#[hook]
pub fn use_query_as<Q, T>(variables: Q::Variables, refresh: u32) -> QueryState<T>
where
    Q: GraphQLQuery + 'static,
    T: Answer + 'static,
{
    let raw = use_raw_query(body::<Q>(variables), refresh);
    use_parsed(raw, parse_answer::<T>)
}

/// The answer's text read with `read`, once per answer.
#[hook]
fn use_parsed<T: 'static>(raw: QueryState<Rc<str>>, read: fn(&str) -> Result<T, ApiError>) -> QueryState<T> {
    let parsed = use_memo(raw, |raw| match raw {
        QueryState::Loading => QueryState::Loading,
        QueryState::Failed(error) => QueryState::Failed(error.clone()),
        QueryState::Ready(loaded) => match read(&loaded.data) {
            Ok(data) => QueryState::Ready(Loaded { data: Rc::new(data), stale: loaded.stale }),
            Err(error) => QueryState::Failed(error),
        },
    });
    (*parsed).clone()
}

/// A reload signal for [`use_query`]: the counter to pass as `refresh`, and a callback that bumps
/// it from anywhere (a button, a live event) — every call reloads, however many come at once.
#[hook]
pub fn use_reload() -> (u32, Callback<()>) {
    let state = use_state(|| 0_u32);
    let counter = use_mut_ref(|| 0_u32);
    let setter = state.setter();
    let reload = use_callback((), move |_: (), _| {
        *counter.borrow_mut() += 1;
        setter.set(*counter.borrow());
    });
    (*state, reload)
}

#[cfg(test)]
mod tests {
    use super::Requests;

    #[test]
    fn only_the_latest_request_of_a_query_is_shown() {
        let requests = Requests::default();
        let first = requests.start();
        assert!(first.is_latest());
        let reload = requests.start();
        // The first answer arriving after the reload was sent is out of date, whenever it arrives.
        assert!(!first.is_latest());
        assert!(reload.is_latest());
    }
}
