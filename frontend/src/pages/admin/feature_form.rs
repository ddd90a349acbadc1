//! The form of a feature, new or to edit: its code and category, its name, description and demo
//! text in English, German and Spanish, the models it fits, the oldest firmware that has it, what
//! the OTA command sends (a JSON object), whether it needs maintenance up to date, and from when
//! the catalog shows it as new.

use std::rc::Rc;

use yew::prelude::*;

use crate::api::ops::{
    CreateFeature, Locale as ApiLocale, UpdateFeature, admin_features, create_feature, models, update_feature,
};
use crate::api::{Api, ApiError};
use crate::components::forms::{checked, clear_field_error, text};
use crate::components::{field_error, form_error};
use crate::i18n::{Locale, t, wall_day};
use crate::state::use_app;

/// The models a feature can fit, as the form lists them.
pub type ModelList = Rc<Vec<models::ModelsModels>>;

/// The inputs the server can name in an error.
const FIELDS: [&str; 7] = ["code", "category", "texts", "modelCodes", "minFirmware", "otaParameters", "demoMediaUrl"];

/// The texts of one language.
#[derive(Clone, Default, PartialEq)]
struct TextFields {
    name: NodeRef,
    description: NodeRef,
    demo: NodeRef,
}

/// The form's inputs.
#[derive(Clone, Default, PartialEq)]
struct Fields {
    code: NodeRef,
    category: NodeRef,
    texts: [TextFields; 3],
    min_firmware: NodeRef,
    new_since: NodeRef,
    demo_media: NodeRef,
    ota: NodeRef,
    maintenance: NodeRef,
}

/// What the form holds, checked as far as the app can.
struct Draft {
    code: String,
    category: String,
    texts: Vec<(ApiLocale, String, String, String)>,
    model_codes: Vec<String>,
    min_firmware: String,
    new_since: Option<String>,
    demo_media_url: Option<String>,
    ota_parameters: serde_json::Value,
    requires_maintenance: bool,
}

/// The API's name of a language.
fn api_locale(locale: Locale) -> ApiLocale {
    match locale {
        Locale::En => ApiLocale::EN,
        Locale::De => ApiLocale::DE,
        Locale::Es => ApiLocale::ES,
    }
}

/// Puts `value` in the input or text area `node`.
fn put(node: &NodeRef, value: &str) {
    if let Some(input) = node.cast::<web_sys::HtmlInputElement>() {
        input.set_value(value);
    } else if let Some(area) = node.cast::<web_sys::HtmlTextAreaElement>() {
        area.set_value(value);
    }
}

impl Fields {
    /// The fields as `feature` has them (a new feature: new from today, no OTA parameters).
    fn fill(&self, feature: Option<&admin_features::AdminFeaturesAllFeatures>) {
        let Some(f) = feature else {
            put(&self.new_since, &today());
            put(&self.ota, "{}");
            return;
        };
        put(&self.category, &f.category);
        for (locale, fields) in Locale::ALL.iter().zip(&self.texts) {
            if let Some(text) = f.texts.iter().find(|text| text.locale == api_locale(*locale)) {
                put(&fields.name, &text.name);
                put(&fields.description, &text.description);
                put(&fields.demo, &text.demo_text);
            }
        }
        put(&self.min_firmware, &f.min_firmware);
        put(&self.new_since, &f.new_since.as_deref().map(wall_day).unwrap_or_default());
        put(&self.demo_media, f.demo_media_url.as_deref().unwrap_or_default());
        put(&self.ota, &f.ota_parameters.to_string());
        if let Some(maintenance) = self.maintenance.cast::<web_sys::HtmlInputElement>() {
            maintenance.set_checked(f.requires_maintenance);
        }
    }

    fn draft(&self, locale: Locale, models: &[String]) -> Result<Draft, ApiError> {
        let ota = text(&self.ota);
        let ota_parameters = match serde_json::from_str::<serde_json::Value>(if ota.is_empty() { "{}" } else { &ota }) {
            Ok(value) if value.is_object() => value,
            _ => return Err(ApiError::field("otaParameters", t(locale, "admin.ota_rule"))),
        };
        if models.is_empty() {
            return Err(ApiError::field("modelCodes", t(locale, "admin.models_rule")));
        }
        let optional = |node: &NodeRef| Some(text(node)).filter(|value| !value.is_empty());
        let texts = Locale::ALL
            .iter()
            .zip(&self.texts)
            .map(|(l, fields)| (api_locale(*l), text(&fields.name), text(&fields.description), text(&fields.demo)))
            .collect();
        Ok(Draft {
            code: text(&self.code).to_ascii_uppercase(),
            category: text(&self.category).to_ascii_uppercase(),
            texts,
            model_codes: models.to_vec(),
            min_firmware: text(&self.min_firmware),
            new_since: optional(&self.new_since).map(|day| format!("{day}T00:00:00Z")),
            demo_media_url: optional(&self.demo_media),
            ota_parameters,
            requires_maintenance: checked(&self.maintenance),
        })
    }
}

/// The `FeatureInput` of operation `$op` (each operation has its own generated type).
macro_rules! feature_input {
    ($op:ident, $draft:expr) => {{
        let d = $draft;
        $op::FeatureInput {
            category: d.category,
            demo_media_url: d.demo_media_url,
            min_firmware: d.min_firmware,
            model_codes: d.model_codes,
            new_since: d.new_since,
            ota_parameters: d.ota_parameters,
            requires_maintenance: d.requires_maintenance,
            texts: d
                .texts
                .into_iter()
                .map(|(locale, name, description, demo_text)| $op::FeatureTextInput {
                    locale,
                    name,
                    description,
                    demo_text,
                })
                .collect(),
        }
    }};
}

/// Creates or replaces the feature.
async fn save(api: &Api, editing: bool, draft: Draft) -> Result<(), ApiError> {
    let code = draft.code.clone();
    if editing {
        let input = feature_input!(update_feature, draft);
        api.send::<UpdateFeature>(update_feature::Variables { code, input }).await
    } else {
        let input = feature_input!(create_feature, draft);
        api.send::<CreateFeature>(create_feature::Variables { code, input }).await
    }
}

/// Properties of [`FeatureForm`].
#[derive(Properties, PartialEq)]
pub struct FormProps {
    /// The feature to edit; a new one without.
    pub feature: Option<admin_features::AdminFeaturesAllFeatures>,
    /// The models it can fit.
    pub models: ModelList,
    /// Told once it is saved, with the text that says so.
    pub done: Callback<&'static str>,
    /// Told when the form is closed without saving.
    pub cancel: Callback<()>,
}

/// Today, `YYYY-MM-DD` (UTC): a new feature is new from the day it is made.
fn today() -> String {
    String::from(js_sys::Date::new_0().to_iso_string()).chars().take(10).collect()
}

/// The feature form.
#[function_component(FeatureForm)]
pub fn feature_form(props: &FormProps) -> Html {
    let app = use_app();
    let api = use_context::<Api>().expect("api");
    let locale = app.locale;
    let fields = use_state(Fields::default);
    let error = use_state(|| None::<ApiError>);
    let busy = use_state(|| false);
    let feature = props.feature.as_ref();
    let chosen = use_state(|| {
        feature.map(|f| f.compatible_models.iter().map(|m| m.code.clone()).collect::<Vec<_>>()).unwrap_or_default()
    });
    let prefix = feature.map_or_else(|| "new".to_owned(), |f| f.code.to_ascii_lowercase());
    let id = |name: &str| format!("{prefix}-{name}");
    let onsubmit = {
        let (fields, chosen, error, busy, done) =
            (fields.clone(), chosen.clone(), error.clone(), busy.clone(), props.done.clone());
        let editing = feature.map(|f| f.code.clone());
        Callback::from(move |event: SubmitEvent| {
            event.prevent_default();
            let mut draft = match fields.draft(locale, &chosen) {
                Ok(draft) => draft,
                Err(err) => return error.set(Some(err)),
            };
            if let Some(code) = &editing {
                draft.code = code.clone();
            }
            let (api, error, busy, done, editing) =
                (api.clone(), error.clone(), busy.clone(), done.clone(), editing.is_some());
            busy.set(true);
            wasm_bindgen_futures::spawn_local(async move {
                match save(&api, editing, draft).await {
                    Ok(()) => done.emit(if editing { "admin.feature_saved" } else { "admin.feature_created" }),
                    Err(err) => error.set(Some(err)),
                }
                busy.set(false);
            });
        })
    };
    let cancel = {
        let cancel = props.cancel.clone();
        Callback::from(move |_: MouseEvent| cancel.emit(()))
    };
    {
        // The fields start with the feature's values, set once: bound to `value`, every render
        // (a model ticked, an error shown) would put back what the admin typed over.
        let (fields, feature) = (fields.clone(), props.feature.clone());
        use_effect_with((), move |()| fields.fill(feature.as_ref()));
    }
    let clear = clear_field_error(&error);
    let title =
        feature.map_or_else(|| t(locale, "admin.new_feature"), |f| format!("{} {}", t(locale, "admin.edit"), f.name));
    html! {
        <form class="card feature-form" id={id("form")} oninput={clear} {onsubmit}>
            <h2>{ title }</h2>
            if let Some(f) = feature {
                <p class="muted">{ f.code.clone() }</p>
            } else {
                <label for={id("code")}>{ t(locale, "admin.code") }</label>
                <input id={id("code")} ref={fields.code.clone()} required=true autocomplete="off" maxlength="40" />
                { field_error(locale, &error, "code") }
            }
            <label for={id("category")}>{ t(locale, "admin.category") }</label>
            <input id={id("category")} ref={fields.category.clone()} required=true autocomplete="off" maxlength="40"
                />
            { field_error(locale, &error, "category") }
            { for Locale::ALL.iter().zip(fields.texts.iter()).map(|(l, refs)| {
                let tid = |name: &str| id(&format!("{}-{name}", l.tag()));
                html! {
                    <fieldset lang={l.tag()}>
                        <legend>{ l.name() }</legend>
                        <label for={tid("name")}>{ t(locale, "admin.name") }</label>
                        <input id={tid("name")} ref={refs.name.clone()} required=true maxlength="80"
                            />
                        <label for={tid("description")}>{ t(locale, "admin.description") }</label>
                        <textarea id={tid("description")} ref={refs.description.clone()} required=true rows="3"
                            />
                        <label for={tid("demo")}>{ t(locale, "admin.demo_text") }</label>
                        <textarea id={tid("demo")} ref={refs.demo.clone()} rows="2"
                            />
                    </fieldset>
                }
            }) }
            { field_error(locale, &error, "texts") }
            <fieldset>
                <legend>{ t(locale, "admin.models") }</legend>
                { for props.models.iter().map(|model| {
                    let on = chosen.contains(&model.code);
                    let toggle = {
                        let (chosen, code) = (chosen.clone(), model.code.clone());
                        Callback::from(move |_: Event| {
                            let mut codes = (*chosen).clone();
                            if codes.contains(&code) { codes.retain(|c| *c != code) } else { codes.push(code.clone()) }
                            chosen.set(codes);
                        })
                    };
                    html! {
                        <label class="choice">
                            <input type="checkbox" name="model" value={model.code.clone()} checked={on} onchange={toggle} />
                            { format!("{} ({})", model.name, model.model_year) }
                        </label>
                    }
                }) }
            </fieldset>
            { field_error(locale, &error, "modelCodes") }
            <label for={id("firmware")}>{ t(locale, "admin.min_firmware") }</label>
            <input id={id("firmware")} ref={fields.min_firmware.clone()} required=true placeholder="2.1.0" autocomplete="off"
                />
            { field_error(locale, &error, "minFirmware") }
            <label for={id("new-since")}>{ t(locale, "admin.new_since") }</label>
            <input id={id("new-since")} type="date" ref={fields.new_since.clone()} />
            <label for={id("media")}>{ t(locale, "admin.demo_media") }</label>
            <input id={id("media")} type="url" ref={fields.demo_media.clone()} placeholder="https://"
                />
            { field_error(locale, &error, "demoMediaUrl") }
            <label for={id("ota")}>{ t(locale, "admin.ota_parameters") }</label>
            <textarea id={id("ota")} class="code" ref={fields.ota.clone()} rows="3" spellcheck="false" />
            { field_error(locale, &error, "otaParameters") }
            <label class="choice">
                <input type="checkbox" id={id("maintenance")} ref={fields.maintenance.clone()}
                    />
                { t(locale, "admin.requires_maintenance_label") }
            </label>
            { form_error(locale, &error, &FIELDS) }
            <div class="actions">
                <button type="submit" class="save-feature" disabled={*busy}>{ t(locale, "admin.save_feature") }</button>
                <button type="button" class="secondary" onclick={cancel}>{ t(locale, "admin.cancel") }</button>
            </div>
        </form>
    }
}
