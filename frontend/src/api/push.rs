//! Web Push on this device: the browser's subscription, asked for with the server's public key
//! and registered with the API under a name for the device ("Chrome on Android").
//!
//! When the push service renews a subscription, the service worker subscribes again
//! (`pushsubscriptionchange`) but has no session to tell the API; the page's inline script
//! (`index.html`) registers the new one — as the app starts, and whenever the worker says so — from
//! the registration kept here: four lines in local storage, the device's id, the server key, the
//! endpoint and the device's name. (In the first bundle that would cost kilobytes of code for a
//! rare event; the script is a few hundred bytes.)

use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{PushManager, PushSubscription};

use super::client::{Api, ApiError, body_of};
use super::json::{field, text};
use super::ops::register_push_device;
use super::storage;

/// Where this device's registration is kept (the inline script of `index.html` reads it too).
const KEY: &str = "caas.push";

/// This device's registration.
#[derive(Clone, Debug, PartialEq)]
pub struct Registered {
    /// The device's id at the API.
    pub id: String,
    /// The server's public key (base64url) the subscription was made with.
    pub server_key: String,
    /// The push service's endpoint.
    pub endpoint: String,
    /// The device's name.
    pub label: String,
}

impl Registered {
    /// The registration kept as text: one value a line (none of them has a line break).
    fn parse(text: &str) -> Option<Self> {
        let mut lines = text.lines().map(str::to_owned);
        let (id, server_key, endpoint) = (lines.next()?, lines.next()?, lines.next()?);
        Some(Self { id, server_key, endpoint, label: lines.next().unwrap_or_default() })
    }

    fn text(&self) -> String {
        [self.id.as_str(), &self.server_key, &self.endpoint, &self.label].join("\n")
    }
}

/// Why push could not be switched on here.
#[derive(Clone, Debug, PartialEq)]
pub enum PushFailure {
    /// The browser has no Web Push (or no service worker).
    Unsupported,
    /// The user did not allow notifications.
    Denied,
    /// The browser's push service would not subscribe.
    NotSubscribed,
    /// The API refused or could not be reached.
    Api(ApiError),
}

/// Whether this browser can receive Web Push.
pub fn supported() -> bool {
    let Some(window) = web_sys::window() else { return false };
    let has = |name: &str| js_sys::Reflect::has(&window, &name.into()).unwrap_or(false);
    has("PushManager") && has("Notification") && has("ServiceWorkerRegistration")
}

/// This device's registration, if push was switched on here.
pub fn registered() -> Option<Registered> {
    Registered::parse(&storage::text(KEY)?)
}

async fn push_manager() -> Option<PushManager> {
    let container = web_sys::window()?.navigator().service_worker();
    let registration = JsFuture::from(container.ready().ok()?).await.ok()?;
    registration.unchecked_into::<web_sys::ServiceWorkerRegistration>().push_manager().ok()
}

/// The browser's subscription on this device, if there is one.
async fn current() -> Option<PushSubscription> {
    let subscription = JsFuture::from(push_manager().await?.get_subscription().ok()?).await.ok()?;
    subscription.dyn_into().ok()
}

/// A new subscription with the server's public key (base64url).
async fn subscribe(server_key: &str) -> Option<PushSubscription> {
    let options = web_sys::PushSubscriptionOptionsInit::new();
    options.set_user_visible_only(true);
    options.set_application_server_key(&wasm_bindgen::JsValue::from_str(server_key));
    let promise = push_manager().await?.subscribe_with_options(&options).ok()?;
    JsFuture::from(promise).await.ok()?.dyn_into().ok()
}

/// Registers `subscription` with the API and remembers it as this device's.
async fn register(api: &Api, subscription: &PushSubscription, server_key: &str) -> Result<Registered, ApiError> {
    // The subscription's `toJSON()` has its endpoint and keys (base64url) as the API takes them.
    let json = js_sys::JSON::stringify(subscription).map(String::from).unwrap_or_default();
    let json = js_sys::JSON::parse(&json).unwrap_or_default();
    let keys = field(&json, "keys");
    let label = label_of(&user_agent());
    let input = js_sys::Object::new();
    for (name, value) in [
        ("endpoint", field(&json, "endpoint")),
        ("p256dh", field(&keys, "p256dh")),
        ("auth", field(&keys, "auth")),
        ("label", label.as_str().into()),
    ] {
        let _ = js_sys::Reflect::set(&input, &name.into(), &value);
    }
    let variables = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&variables, &"input".into(), &input);
    let body = body_of(register_push_device::QUERY, register_push_device::OPERATION_NAME, &variables);
    let answer = js_sys::JSON::parse(&api.execute(&body).await?).unwrap_or_default();
    let id = text(&field(&answer, "registerPushDevice"), "id");
    let registered = Registered { id, server_key: server_key.to_owned(), endpoint: subscription.endpoint(), label };
    storage::set_text(KEY, &registered.text());
    Ok(registered)
}

/// Asks for permission, subscribes with the server's key and registers this device.
pub async fn enable(api: &Api, server_key: &str) -> Result<Registered, PushFailure> {
    if !supported() {
        return Err(PushFailure::Unsupported);
    }
    let asked = web_sys::Notification::request_permission().map_err(|_| PushFailure::Unsupported)?;
    let answer = JsFuture::from(asked).await.ok().and_then(|answer| answer.as_string()).unwrap_or_default();
    if answer != "granted" {
        return Err(PushFailure::Denied);
    }
    let subscription = match current().await {
        Some(subscription) => subscription,
        None => subscribe(server_key).await.ok_or(PushFailure::NotSubscribed)?,
    };
    register(api, &subscription, server_key).await.map_err(PushFailure::Api)
}

/// Stops push here: the browser's subscription ends and the registration is forgotten (the
/// device's removal at the API is the caller's).
pub async fn disable_here() {
    if let Some(subscription) = current().await
        && let Ok(promise) = subscription.unsubscribe()
    {
        let _ = JsFuture::from(promise).await;
    }
    storage::delete(KEY);
}

fn user_agent() -> String {
    web_sys::window().and_then(|window| window.navigator().user_agent().ok()).unwrap_or_default()
}

/// A name for the device from its browser's user agent, e.g. "Chrome on Android".
pub fn label_of(agent: &str) -> String {
    let browser = [
        ("Edg", "Edge"),
        ("OPR/", "Opera"),
        ("SamsungBrowser", "Samsung Internet"),
        ("Firefox/", "Firefox"),
        ("FxiOS", "Firefox"),
        ("CriOS", "Chrome"),
        ("Chrome/", "Chrome"),
        ("Safari/", "Safari"),
    ]
    .into_iter()
    .find(|(mark, _)| agent.contains(mark))
    .map_or("Browser", |(_, name)| name);
    let system = [
        ("Android", "Android"),
        ("iPhone", "iPhone"),
        ("iPad", "iPad"),
        ("CrOS", "ChromeOS"),
        ("Windows", "Windows"),
        ("Mac OS X", "macOS"),
        ("Linux", "Linux"),
    ]
    .into_iter()
    .find(|(mark, _)| agent.contains(mark))
    .map(|(_, name)| name);
    match system {
        Some(system) => format!("{browser} on {system}"),
        None => browser.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::{Registered, label_of};

    #[test]
    fn a_device_is_named_by_its_browser_and_system() {
        let android = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Mobile Safari/537.36";
        assert_eq!(label_of(android), "Chrome on Android");
        let iphone = "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1";
        assert_eq!(label_of(iphone), "Safari on iPhone");
        let firefox = "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0";
        assert_eq!(label_of(firefox), "Firefox on Windows");
        let edge = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0";
        assert_eq!(label_of(edge), "Edge on Windows");
        let mac = "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Safari/605.1.15";
        assert_eq!(label_of(mac), "Safari on macOS");
        assert_eq!(label_of("curl/8"), "Browser");
    }

    #[test]
    fn the_registration_is_kept_one_value_a_line_as_the_page_script_reads_it() {
        let kept = Registered {
            id: "0193".into(),
            server_key: "BKey".into(),
            endpoint: "https://push.example/abc".into(),
            label: "Chrome on Android".into(),
        };
        assert_eq!(kept.text(), "0193\nBKey\nhttps://push.example/abc\nChrome on Android");
        assert_eq!(Registered::parse(&kept.text()), Some(kept));
        let without_label = Registered::parse("1\nk\ne").expect("three lines are enough");
        assert_eq!(without_label.label, "");
        assert_eq!(Registered::parse("1\nk"), None);
    }
}
