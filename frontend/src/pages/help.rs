//! Help: the FAQ in the customer's language, which the assistant answers from — the platform's, and
//! the workshop's own when the address names one (`?workshop=<id>`). An answer's FAQ source links
//! here (`#faq-<id>`): that entry is marked and scrolled to.

use yew::prelude::*;

use crate::api::assistant::Faq;
use crate::api::ops::{FaqEntries, faq_entries};
use crate::api::{QueryState, use_query_as};
use crate::components::{Layout, empty, error_view, loading, stale_note};
use crate::i18n::t;
use crate::state::use_app;

/// The entry the address names (`#faq-<id>`), if any.
fn named_entry() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    hash.strip_prefix("#faq-").filter(|id| !id.is_empty()).map(str::to_owned)
}

/// The workshop the address names (`?workshop=<id>`), if any.
fn named_workshop() -> Option<String> {
    let search = web_sys::window()?.location().search().ok()?;
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix("workshop="))
        .filter(|id| !id.is_empty())
        .map(str::to_owned)
}

/// The help page.
#[function_component(HelpPage)]
pub fn help_page() -> Html {
    let locale = use_app().locale;
    let workshop = named_workshop();
    html! {
        <Layout title="page.help">
            <p class="muted">{ t(locale, "help.intro") }</p>
            if let Some(workshop) = workshop {
                <FaqList workshop={Some(AttrValue::from(workshop))} heading="help.workshop" />
                <FaqList workshop={None::<AttrValue>} heading="help.platform" />
            } else {
                <FaqList workshop={None::<AttrValue>} />
            }
        </Layout>
    }
}

/// Properties of [`FaqList`].
#[derive(Properties, PartialEq)]
struct ListProps {
    /// The workshop whose FAQ it is; `None`: the platform's.
    workshop: Option<AttrValue>,
    /// Its heading's text, when the page has more than one list.
    #[prop_or_default]
    heading: Option<&'static str>,
}

/// One FAQ, each entry with its anchor.
#[function_component(FaqList)]
fn faq_list(props: &ListProps) -> Html {
    let locale = use_app().locale;
    let variables = faq_entries::Variables {
        workshop_id: props.workshop.as_ref().map(|id| id.to_string()),
        language: Some(locale.tag().to_owned()),
    };
    let state = use_query_as::<FaqEntries, Faq>(variables, 0);
    let named = named_entry();
    let has_named = matches!(&state, QueryState::Ready(loaded)
        if loaded.data.0.iter().any(|entry| named.as_deref() == Some(entry.id.as_str())));
    {
        // The browser looked for the entry before the list had come: show it now.
        let named = named.clone();
        use_effect_with(has_named, move |has_named| {
            let element = named
                .filter(|_| *has_named)
                .and_then(|id| web_sys::window()?.document()?.get_element_by_id(&format!("faq-{id}")));
            if let Some(element) = element {
                element.scroll_into_view();
            }
        });
    }
    let content = match state {
        QueryState::Loading => loading(locale),
        QueryState::Failed(error) => error_view(locale, &error),
        QueryState::Ready(loaded) if loaded.data.0.is_empty() => empty(locale, "help.none"),
        QueryState::Ready(loaded) => html! {
            <>
                { stale_note(locale, loaded.stale) }
                <ul class="cards faq-list">
                    { for loaded.data.0.iter().map(|entry| {
                        let named = named.as_deref() == Some(entry.id.as_str());
                        html! {
                            <li class={classes!("card", "faq", named.then_some("named"))} id={format!("faq-{}", entry.id)}
                                aria-current={named.then_some("true")}>
                                if props.heading.is_some() { <h3>{ entry.question.clone() }</h3> } else { <h2>{ entry.question.clone() }</h2> }
                                { for entry.answer.split('\n').filter(|line| !line.trim().is_empty()).map(|line| html! { <p>{ line.to_owned() }</p> }) }
                            </li>
                        }
                    }) }
                </ul>
            </>
        },
    };
    html! {
        <section class="faq-section" data-workshop={props.workshop.clone()}>
            if let Some(heading) = props.heading { <h2>{ t(locale, heading) }</h2> }
            { content }
        </section>
    }
}
