//! Saving a text the app holds (a CSV table, a data export) as a file on the user's device: a
//! Blob, an object URL and a temporary `<a download>` clicked once.

use wasm_bindgen::{JsCast, JsValue};

/// Saves `text` as the file `name` of type `mime` (e.g. `text/csv`); whether the browser took it.
pub fn save_file(name: &str, mime: &str, text: &str) -> bool {
    save(name, mime, text).is_some()
}

fn save(name: &str, mime: &str, text: &str) -> Option<()> {
    let options = web_sys::BlobPropertyBag::new();
    options.set_type(mime);
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    let url = web_sys::Url::create_object_url_with_blob(&blob).ok()?;
    let document = web_sys::window()?.document()?;
    let link: web_sys::HtmlAnchorElement = document.create_element("a").ok()?.dyn_into().ok()?;
    link.set_href(&url);
    link.set_download(name);
    let body = document.body()?;
    body.append_child(&link).ok()?;
    link.click();
    link.remove();
    // The download has started; the URL is let go of once the browser has read it.
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = web_sys::Url::revoke_object_url(&url);
    })
    .forget();
    Some(())
}
