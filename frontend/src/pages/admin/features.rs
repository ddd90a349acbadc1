//! The catalog's features, retired ones too: each with its settings to edit, a retirement that asks
//! first, and its prices in the chosen region; and the form for a new feature.

use std::rc::Rc;

use web_sys::HtmlSelectElement;
use yew::prelude::*;

use super::feature_form::{FeatureForm, ModelList};
use super::prices::FeaturePrices;
use crate::api::ops::{AdminFeatures, Models, Regions, RetireFeature, admin_features, models, regions, retire_feature};
use crate::api::{Api, ApiError, QueryState, use_query, use_reload};
use crate::components::{Layout, done_note, empty, error_view, loading, stale_note};
use crate::i18n::{date, t, tf};
use crate::state::use_app;

/// The features page.
#[function_component(FeaturesPage)]
pub fn features_page() -> Html {
    let app = use_app();
    let locale = app.locale;
    let region = use_state(|| app.me.as_ref().map(|me| me.region.clone()).unwrap_or_else(|| "DE".into()));
    let (refresh, reload) = use_reload();
    let creating = use_state(|| false);
    let saved = use_state(|| None::<&'static str>);
    let on_region = {
        let region = region.clone();
        Callback::from(move |event: Event| region.set(event.target_unchecked_into::<HtmlSelectElement>().value()))
    };
    let regions = match use_query::<Regions>(regions::Variables, 0) {
        QueryState::Ready(loaded) => loaded.data.regions.clone(),
        _ => Vec::new(),
    };
    let models: ModelList = match use_query::<Models>(models::Variables, 0) {
        QueryState::Ready(loaded) => Rc::new(loaded.data.models.clone()),
        _ => Rc::default(),
    };
    // A saved form closes, says so and reloads the list.
    let done = {
        let (creating, saved, reload) = (creating.clone(), saved.clone(), reload.clone());
        Callback::from(move |note: &'static str| {
            creating.set(false);
            saved.set(Some(note));
            reload.emit(());
        })
    };
    let features = use_query::<AdminFeatures>(admin_features::Variables { region_code: (*region).clone() }, refresh);
    let content = match features {
        QueryState::Loading => html! { { loading(locale) } },
        QueryState::Failed(error) => html! { { error_view(locale, &error) } },
        QueryState::Ready(loaded) => {
            let features = &loaded.data.all_features;
            html! {
                <>
                    { stale_note(locale, loaded.stale) }
                    if features.is_empty() { { empty(locale, "admin.no_features") } }
                    <ul class="cards" id="features">
                        { for features.iter().map(|feature| html! {
                            <FeatureCard feature={feature.clone()} region={(*region).clone()} models={models.clone()}
                                reload={reload.clone()} done={done.clone()} />
                        }) }
                    </ul>
                </>
            }
        }
    };
    let open = {
        let (creating, saved) = (creating.clone(), saved.clone());
        Callback::from(move |_: MouseEvent| {
            saved.set(None);
            creating.set(true);
        })
    };
    let close = {
        let creating = creating.clone();
        Callback::from(move |()| creating.set(false))
    };
    html! {
        <Layout title="page.admin">
            <div class="filters">
                <label for="admin-region">{ t(locale, "profile.region") }</label>
                <select id="admin-region" onchange={on_region}>
                    { for regions.iter().map(|r| html! { <option value={r.code.clone()} selected={r.code == *region}>{ format!("{} ({})", r.name, r.currency) }</option> }) }
                </select>
            </div>
            { done_note(locale, &saved) }
            if *creating {
                <FeatureForm feature={None::<admin_features::AdminFeaturesAllFeatures>} models={models.clone()} done={done.clone()} cancel={close} />
            } else {
                <p class="actions"><button type="button" id="new-feature" onclick={open}>{ t(locale, "admin.new_feature") }</button></p>
            }
            { content }
        </Layout>
    }
}

/// Properties of [`FeatureCard`].
#[derive(Properties, PartialEq)]
struct CardProps {
    feature: admin_features::AdminFeaturesAllFeatures,
    region: AttrValue,
    models: ModelList,
    reload: Callback<()>,
    done: Callback<&'static str>,
}

/// A feature: what it is, whether it is new or retired, its form, its retirement and its prices.
#[function_component(FeatureCard)]
fn feature_card(props: &CardProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let editing = use_state(|| false);
    let retiring = use_state(|| false);
    let error = use_state(|| None::<ApiError>);
    let feature = &props.feature;
    let toggle = |flag: &UseStateHandle<bool>, on: bool| {
        let flag = flag.clone();
        Callback::from(move |_: MouseEvent| flag.set(on))
    };
    let retire = {
        let (api, error, retiring, done, code) =
            (api.clone(), error.clone(), retiring.clone(), props.done.clone(), feature.code.clone());
        Callback::from(move |_: MouseEvent| {
            let (api, error, retiring, done) = (api.clone(), error.clone(), retiring.clone(), done.clone());
            let variables = retire_feature::Variables { code: code.clone() };
            wasm_bindgen_futures::spawn_local(async move {
                match api.send::<RetireFeature>(variables).await {
                    Ok(()) => {
                        retiring.set(false);
                        done.emit("admin.feature_retired");
                    }
                    Err(err) => error.set(Some(err)),
                }
            });
        })
    };
    let saved = {
        let (editing, done) = (editing.clone(), props.done.clone());
        Callback::from(move |note: &'static str| {
            editing.set(false);
            done.emit(note);
        })
    };
    let close = {
        let editing = editing.clone();
        Callback::from(move |()| editing.set(false))
    };
    let models: Vec<&str> = feature.compatible_models.iter().map(|model| model.name.as_str()).collect();
    html! {
        <li class="card feature" data-code={feature.code.clone()}>
            <h2>
                { feature.name.clone() }
                if feature.is_new { { " " }<span class="badge new">{ t(locale, "catalog.new") }</span> }
                if feature.retired_at.is_some() { { " " }<span class="badge retired">{ t(locale, "admin.retired") }</span> }
            </h2>
            <p class="muted">
                { format!("{} · {} · {} {}", feature.code, feature.category, t(locale, "admin.min_firmware"), feature.min_firmware) }
                if feature.requires_maintenance { { " · " }{ t(locale, "admin.requires_maintenance") } }
            </p>
            <p class="muted">{ models.join(", ") }</p>
            if let Some(retired) = &feature.retired_at {
                <p class="muted">{ tf(locale, "admin.retired_on", &[("date", &date(locale, retired))]) }</p>
            }
            if !*editing && !*retiring {
                <p class="actions">
                    <button type="button" class="secondary edit" onclick={toggle(&editing, true)}
                        aria-label={format!("{} {}", t(locale, "admin.edit"), feature.name)}>{ t(locale, "admin.edit") }</button>
                    if feature.retired_at.is_none() {
                        <button type="button" class="secondary retire" onclick={toggle(&retiring, true)}
                            aria-label={format!("{} {}", t(locale, "admin.retire"), feature.name)}>{ t(locale, "admin.retire") }</button>
                    }
                </p>
            }
            if *retiring {
                <div class="confirm" role="group">
                    <p>{ tf(locale, "admin.retire_ask", &[("feature", &feature.name)]) }</p>
                    <div class="actions">
                        <button type="button" class="confirm-retire" onclick={retire}>{ t(locale, "admin.retire_confirm") }</button>
                        <button type="button" class="secondary" onclick={toggle(&retiring, false)}>{ t(locale, "admin.keep") }</button>
                    </div>
                </div>
            }
            if let Some(err) = &*error { { error_view(locale, err) } }
            if *editing {
                <FeatureForm feature={Some(feature.clone())} models={props.models.clone()} done={saved} cancel={close} />
            }
            <FeaturePrices code={feature.code.clone()} feature={feature.name.clone()} prices={feature.prices.clone()}
                region={props.region.clone()} reload={props.reload.clone()} />
        </li>
    }
}
