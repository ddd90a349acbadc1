//! Reading the staff app's forms: a field's text, a checkbox, an error that names a field cleared
//! once the user edits the form, a value given in the address.

use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};
use yew::prelude::*;

use crate::api::ApiError;

/// The trimmed text of an input or text area, or the value of a select.
pub fn text(node: &NodeRef) -> String {
    if let Some(input) = node.cast::<HtmlInputElement>() {
        return input.value().trim().to_owned();
    }
    if let Some(area) = node.cast::<HtmlTextAreaElement>() {
        return area.value().trim().to_owned();
    }
    node.cast::<HtmlSelectElement>().map(|select| select.value()).unwrap_or_default()
}

/// Whether a checkbox is ticked.
pub fn checked(node: &NodeRef) -> bool {
    node.cast::<HtmlInputElement>().is_some_and(|input| input.checked())
}

/// Clears an error that names an input once the user edits the form.
pub fn clear_field_error(error: &UseStateHandle<Option<ApiError>>) -> Callback<InputEvent> {
    let error = error.clone();
    Callback::from(move |_: InputEvent| {
        if error.as_ref().is_some_and(|err| err.field_name().is_some()) {
            error.set(None);
        }
    })
}

/// The value of `name` in the address's query (`?name=value`), empty when absent.
pub fn query_param(name: &str) -> String {
    let search = web_sys::window().and_then(|window| window.location().search().ok()).unwrap_or_default();
    search
        .trim_start_matches('?')
        .split('&')
        .find_map(|pair| pair.strip_prefix(name).and_then(|rest| rest.strip_prefix('=')))
        .unwrap_or_default()
        .to_owned()
}
