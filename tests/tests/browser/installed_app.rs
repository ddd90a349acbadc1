//! The customer app installed on a phone: installable as the browser judges it (manifest, icons,
//! a service worker that serves the app offline), the car's state and its remote controls on the
//! dashboard at 360 px and in landscape, a car that cannot be reached, the last known state
//! read-only without a connection, a push shown as a notification, the install offer at the right
//! moment, the notification settings, push on this device (with the browser's push service faked in
//! the page: headless Chromium has none to reach) and a renewed subscription registered again.

use caas::integrations::fleet::RemoteAction;
use caas_tests::browser::{Browser, BrowserOptions};
use caas_tests::link::{LinkState, NetworkLink};
use caas_tests::{PASSWORD, TestApp};
use fantoccini::wd::WebDriverCompatibleCommand;
use serde_json::{Value, json};

use super::spawn_web_app;

/// A small phone held upright.
fn phone() -> BrowserOptions {
    BrowserOptions { width: 360, height: 740, language: "de-DE".into() }
}

/// Whether nothing on the page is wider than the window.
const FITS: &str = "return document.documentElement.scrollWidth <= window.innerWidth;";

/// A DevTools command whose failure the test reads (the harness's `cdp` panics on one).
#[derive(Debug)]
struct TryCdp(&'static str, Value);

impl WebDriverCompatibleCommand for TryCdp {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.0, "params": self.1 }).to_string()))
    }
}

/// The width and height of a PNG, from its header; `None` when it is not a PNG.
fn png_size(bytes: &[u8]) -> Option<(u32, u32)> {
    let signature = b"\x89PNG\r\n\x1a\n";
    if bytes.len() < 24 || &bytes[..8] != signature || &bytes[12..16] != b"IHDR" {
        return None;
    }
    let number = |at: usize| u32::from_be_bytes([bytes[at], bytes[at + 1], bytes[at + 2], bytes[at + 3]]);
    Some((number(16), number(20)))
}

/// The car's charge and its model's range, as the API has them: what the dashboard should say.
async fn charge_and_range(app: &TestApp, token: &str, vin: &str) -> (i64, i64) {
    let query = "query($v: String!) { vehicle(vin: $v) { latestTelemetry { stateOfChargePercent } model { electricRangeKm } } }";
    let answer = app.graphql_as(token, query, json!({ "v": vin })).await;
    let vehicle = &answer.data()["vehicle"];
    let percent = vehicle["latestTelemetry"]["stateOfChargePercent"].as_f64().expect("a charge reported");
    let full = vehicle["model"]["electricRangeKm"].as_f64().expect("an electric range");
    (percent.round() as i64, (percent * full / 100.0).round() as i64)
}

#[tokio::test]
async fn the_app_is_installable_and_opens_offline_once_visited() {
    let app = spawn_web_app().await;
    let link = NetworkLink::to(&app.address).await;
    let browser = Browser::open_with(&link.address, phone()).await;
    browser.goto("/login").await;
    browser.find("#identifier").await;

    // The page links the manifest; it parses and has what an installed app needs.
    let href = browser.js("return document.querySelector('link[rel=manifest]').href;").await;
    let href = href.as_str().expect("a manifest link").to_owned();
    assert_eq!(href, format!("{}/manifest.webmanifest", link.address));
    let http = reqwest::Client::new();
    let manifest: Value = http.get(&href).send().await.expect("manifest").json().await.expect("manifest is JSON");
    for field in ["id", "name", "short_name", "start_url", "scope", "theme_color", "background_color"] {
        assert!(manifest[field].as_str().is_some_and(|v| !v.is_empty()), "{field} in {manifest}");
    }
    assert_eq!(manifest["display"], "standalone");
    let base = url::Url::parse(&href).expect("url");
    let scope = base.join(manifest["scope"].as_str().unwrap_or_default()).expect("scope");
    let start = base.join(manifest["start_url"].as_str().unwrap_or_default()).expect("start");
    assert!(start.as_str().starts_with(scope.as_str()), "{start} is within {scope}");
    // Real PNGs of the sizes they claim: 192 and 512, and a maskable one.
    let icons = manifest["icons"].as_array().expect("icons").clone();
    let mut sizes = Vec::new();
    for icon in icons.iter().filter(|icon| icon["type"] == "image/png") {
        let url = base.join(icon["src"].as_str().expect("src")).expect("icon url");
        let response = http.get(url.clone()).send().await.expect("icon");
        assert_eq!(response.status(), 200, "{url}");
        let (width, height) = png_size(&response.bytes().await.expect("bytes")).expect("a PNG");
        assert_eq!(icon["sizes"], format!("{width}x{height}"), "{url} is the size it claims");
        sizes.push((width, icon["purpose"].as_str().unwrap_or("any").to_owned()));
    }
    for wanted in [(192, "any"), (512, "any"), (512, "maskable")] {
        assert!(sizes.iter().any(|(size, purpose)| (*size, purpose.as_str()) == wanted), "{wanted:?} in {sizes:?}");
    }
    // The badge a notification shows in the status bar.
    let badge = http.get(format!("{}/icons/badge-96.png", link.address)).send().await.expect("badge");
    assert_eq!(png_size(&badge.bytes().await.expect("bytes")), Some((96, 96)));

    // A service worker controls the page, and serves it offline: it has a fetch handler.
    browser.wait_for_service_worker().await;
    let theme = browser.js("return document.querySelector('meta[name=theme-color]').content;").await;
    assert_eq!(theme, manifest["theme_color"]);

    // The browser's own judgement, through the DevTools protocol.
    let parsed = browser.cdp("Page.getAppManifest", json!({})).await;
    assert_eq!(parsed["errors"], json!([]), "the browser reads the manifest without errors: {parsed}");
    let installability = browser.cdp("Page.getInstallabilityErrors", json!({})).await;
    assert_eq!(installability["installabilityErrors"], json!([]), "{installability}");

    link.set(LinkState::Down);
    browser.goto("/login").await;
    browser.find("#identifier").await;
    assert!(browser.has("#password").await, "the sign-in page opened without a connection");
    browser.screenshot("installed-offline-sign-in").await;
    browser.close().await;
}

#[tokio::test]
async fn on_a_phone_the_dashboard_shows_the_cars_state_and_locks_and_unlocks_it() {
    let app = spawn_web_app().await;
    let fleet = app.simulators.fleet.clone().expect("the fleet simulator");
    let aurora = app.vins_of("customer@demo.caas").await[0].clone();
    let token = app.token("customer@demo.caas").await;
    let (percent, range) = charge_and_range(&app, &token, &aurora).await;

    let browser = Browser::open_with(&app.address, phone()).await;
    browser.sign_in("customer@demo.caas", PASSWORD).await;
    let car = format!("li.vehicle[data-vin='{aurora}']");
    // Anna reads German: the car as it last reported, parked and locked.
    browser.wait_text(&format!("{car} .lock-state"), "Verriegelt").await;
    let state = browser.wait_text(&format!("{car} .car-state"), "Akku").await;
    assert!(state.contains(&format!("Akku {percent} %")), "{state}");
    assert!(state.contains(&format!("ca. {range} km Reichweite")), "{state}");
    assert!(state.contains("Klimatisierung aus"), "{state}");
    browser.wait_text(&format!("{car} .reported"), "Letzte Meldung").await;
    for command in ["UNLOCK", "FLASH_LIGHTS", "CLIMATE_ON", "CHARGE_START"] {
        assert!(browser.has(&format!("{car} button[data-command='{command}']:not([disabled])")).await, "{command}");
    }
    assert_eq!(browser.js(FITS).await, json!(true), "nothing is wider than 360 px");
    assert_eq!(browser.js("return window.innerWidth;").await, json!(360));
    browser.screenshot("installed-dashboard-phone").await;

    // Unlocking goes to the car (the fleet's truth changes) and the page shows the new state.
    browser.click(&format!("{car} button[data-command='UNLOCK']")).await;
    browser.wait_text(&format!("{car} .command-status"), "Erledigt").await;
    browser.wait_text(&format!("{car} .lock-state"), "Entriegelt").await;
    assert_eq!(fleet.vehicle(&aurora).map(|car| car.locked), Some(false), "the car is unlocked");
    browser.screenshot("installed-dashboard-unlocked").await;

    browser.click(&format!("{car} button[data-command='LOCK']")).await;
    browser.wait_text(&format!("{car} .lock-state"), "Verriegelt").await;
    assert_eq!(fleet.vehicle(&aurora).map(|car| car.locked), Some(true), "the car is locked again");
    assert_eq!(fleet.remote_commands(&aurora), vec![RemoteAction::Unlock, RemoteAction::Lock], "each tap once");

    // The climate at a chosen temperature: the half degree reaches the car and comes back.
    browser.js(&format!("document.querySelector(\"{car} select.target\").value = '45'; return true;")).await;
    browser.click(&format!("{car} button[data-command='CLIMATE_ON']")).await;
    browser.wait_text(&format!("{car} .climate"), "Klimatisierung läuft · 22,5 °C").await;
    let climate = fleet.vehicle(&aurora).and_then(|car| car.climate).expect("the climate runs");
    assert_eq!(climate.target_celsius, 22.5);
    assert!(browser.has(&format!("{car} button[data-command='CLIMATE_OFF']")).await);

    // In landscape nothing overflows either.
    let landscape = json!({ "width": 740, "height": 360, "deviceScaleFactor": 1, "mobile": true });
    browser.cdp("Emulation.setDeviceMetricsOverride", landscape).await;
    browser.wait_js("the landscape window", "window.innerWidth === 740").await;
    assert_eq!(browser.js(FITS).await, json!(true), "nothing is wider than 740 px in landscape");
    browser.screenshot("installed-dashboard-landscape").await;
    assert!(browser.severe_logs().await.is_empty(), "{:?}", browser.severe_logs().await);
    browser.close().await;
}

#[tokio::test]
async fn a_car_that_cannot_be_reached_is_explained_and_tried_again_with_a_new_command() {
    let app = spawn_web_app().await;
    let fleet = app.simulators.fleet.clone().expect("the fleet simulator");
    let aurora = app.vins_of("customer@demo.caas").await[0].clone();
    let browser = Browser::open_with(&app.address, phone()).await;
    browser.sign_in("customer@demo.caas", PASSWORD).await;
    let car = format!("li.vehicle[data-vin='{aurora}']");
    browser.find(&format!("{car} button[data-command='FLASH_LIGHTS']")).await;

    // The car is off the network: the command fails with a reason the owner understands.
    fleet.take_offline(&aurora, std::time::Duration::from_secs(600));
    browser.click(&format!("{car} button[data-command='FLASH_LIGHTS']")).await;
    browser.wait_text(&format!("{car} .command-status.failed"), "Das Auto ist nicht erreichbar").await;
    browser
        .js(&format!(
            "document.querySelector(\"{car} .command-status\").scrollIntoView({{ block: 'center' }}); return true;"
        ))
        .await;
    browser.screenshot("installed-command-car-offline").await;

    // Back on the network, trying again sends a new command, which the car carries out.
    fleet.take_offline(&aurora, std::time::Duration::ZERO);
    browser.click(&format!("{car} button.retry")).await;
    browser.wait_text(&format!("{car} .command-status.succeeded"), "Erledigt").await;
    assert_eq!(fleet.remote_commands(&aurora), vec![RemoteAction::FlashLights]);
    browser.close().await;
}

#[tokio::test]
async fn without_a_connection_the_dashboard_shows_the_cars_last_state_read_only() {
    let app = spawn_web_app().await;
    let fleet = app.simulators.fleet.clone().expect("the fleet simulator");
    let link = NetworkLink::to(&app.address).await;
    let aurora = app.vins_of("customer@demo.caas").await[0].clone();
    let browser = Browser::open_with(&link.address, phone()).await;
    browser.sign_in("customer@demo.caas", PASSWORD).await;
    let car = format!("li.vehicle[data-vin='{aurora}']");
    browser.wait_text(&format!("{car} .lock-state"), "Verriegelt").await;
    browser.wait_for_service_worker().await;

    link.set(LinkState::Down);
    browser.goto("/").await;
    browser.wait_text(".stale", "gespeichert").await;
    browser.wait_text(&format!("{car} .lock-state"), "Verriegelt").await;
    browser.wait_text(&format!("{car} .reported"), "Letzte Meldung").await;
    let note = browser.wait_text(&format!("{car} .remote-offline"), "Verbindung").await;
    assert!(note.contains("nie später gesendet"), "commands are never queued: {note}");
    let enabled = format!("return document.querySelectorAll(\"{car} button[data-command]:not([disabled])\").length;");
    assert_eq!(browser.js(&enabled).await, json!(0), "every control is off");
    assert!(browser.has(&format!("{car} button[data-command='UNLOCK'][disabled]")).await);
    assert_eq!(browser.js(FITS).await, json!(true));
    browser.js(&format!("document.querySelector(\"{car} .remote\").scrollIntoView(); return true;")).await;
    browser.screenshot("installed-dashboard-offline").await;
    // A tap on a switched-off control sends nothing, now or later.
    browser.js(&format!("document.querySelector(\"{car} button[data-command='UNLOCK']\").click(); return true;")).await;
    link.set(LinkState::Up);
    browser.wait_js("the dashboard is fresh again", "!document.querySelector('.stale')").await;
    browser.find(&format!("{car} button[data-command='UNLOCK']:not([disabled])")).await;
    assert!(fleet.remote_commands(&aurora).is_empty(), "nothing was sent");
    browser.close().await;
}

#[tokio::test]
async fn a_push_is_shown_as_a_notification_with_the_apps_icons() {
    let app = spawn_web_app().await;
    let browser = Browser::open_with(&app.address, phone()).await;
    browser.sign_in("customer@demo.caas", PASSWORD).await;
    browser.find("#vehicles").await;
    browser.wait_for_service_worker().await;
    let origin = app.address.trim_end_matches('/').to_owned();
    browser.cdp("Browser.grantPermissions", json!({ "origin": origin, "permissions": ["notifications"] })).await;

    // The push service delivers the server's message to the worker (the first registration of a
    // new profile is number 0).
    let payload =
        json!({ "title": "Ihr Auto ist da", "body": "Abholung ab morgen", "url": "/orders", "tag": "order-1" });
    let push = json!({ "origin": origin, "registrationId": "0", "data": payload.to_string() });
    browser.cdp("ServiceWorker.enable", json!({})).await;
    let shown = "return navigator.serviceWorker.ready.then(r => r.getNotifications()).then(list => list.map(n => \
                 ({ title: n.title, body: n.body, tag: n.tag, icon: n.icon, badge: n.badge, url: n.data && n.data.url })));";
    // Chromium answers `deliverPushMessage` before it hands the message on and drops it silently
    // while the worker's registration is still being reported to DevTools, so a message that
    // shows nothing is delivered again; the tag makes a repeat replace, not add, a notification.
    let mut notifications = Value::Null;
    'delivery: for _ in 0..5 {
        browser
            .client
            .issue_cmd(TryCdp("ServiceWorker.deliverPushMessage", push.clone()))
            .await
            .expect("a push delivered");
        for _ in 0..20 {
            notifications = browser.js(shown).await;
            if notifications.as_array().is_some_and(|list| !list.is_empty()) {
                break 'delivery;
            }
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
    }
    assert_eq!(notifications.as_array().map(Vec::len), Some(1), "one notification: {notifications}");
    let first = &notifications[0];
    assert_eq!(first["title"], "Ihr Auto ist da", "{notifications}");
    assert_eq!(first["body"], "Abholung ab morgen");
    assert_eq!(first["tag"], "order-1");
    assert_eq!(first["url"], format!("{origin}/orders"));
    assert!(first["icon"].as_str().is_some_and(|icon| icon.ends_with("/icons/icon-192.png")), "{first}");
    assert!(first["badge"].as_str().is_some_and(|badge| badge.ends_with("/icons/badge-96.png")), "{first}");
    browser.close().await;
}

/// Makes the browser offer the install, as Chromium does once the app is installable: an event the
/// page keeps, whose prompt the test can see was shown.
const OFFER_INSTALL: &str = "const offer = new Event('beforeinstallprompt', { cancelable: true });
    offer.prompt = () => { window.installPrompted = true; return Promise.resolve(); };
    offer.userChoice = Promise.resolve({ outcome: 'dismissed' });
    window.dispatchEvent(offer); return true;";

#[tokio::test]
async fn the_install_offer_comes_after_the_cars_and_once_declined_stays_away() {
    let app = spawn_web_app().await;
    let browser = Browser::open_with(&app.address, phone()).await;
    browser.sign_in("customer@demo.caas", PASSWORD).await;
    browser.find("#vehicles li.vehicle").await;
    browser.js(OFFER_INSTALL).await;
    // Not on the first paint: the cars come first, the offer a moment later.
    assert!(!browser.has("#install-offer").await, "no offer with the first paint");
    browser.wait_text("#install-offer", "App installieren").await;
    assert_eq!(browser.js(FITS).await, json!(true));
    browser.js("document.querySelector('#install-offer').scrollIntoView(); return true;").await;
    browser.screenshot("installed-install-offer").await;

    // Installing shows the browser's prompt; declining it there is remembered.
    browser.click("#install-app").await;
    browser.wait_js("the browser's prompt was shown", "window.installPrompted === true").await;
    browser.wait_js("the offer is gone", "!document.querySelector('#install-offer')").await;
    browser.wait_js("the answer is remembered", "localStorage.getItem('caas.install-declined')").await;
    browser.goto("/").await;
    browser.find("#vehicles li.vehicle").await;
    browser.js(OFFER_INSTALL).await;
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    assert!(!browser.has("#install-offer").await, "a declined offer does not come back");

    // "Not now" is remembered too, in another profile.
    let other = Browser::open_with(&app.address, phone()).await;
    other.sign_in("customer@demo.caas", PASSWORD).await;
    other.find("#vehicles li.vehicle").await;
    other.js(OFFER_INSTALL).await;
    other.click("#install-later").await;
    other.wait_js("the offer is gone", "!document.querySelector('#install-offer')").await;
    assert!(other.js("return localStorage.getItem('caas.install-declined');").await.is_string());
    assert_eq!(other.js("return window.installPrompted === true;").await, json!(false), "no prompt for 'not now'");
    other.close().await;
    browser.close().await;
}

#[tokio::test]
async fn the_notification_settings_choose_channels_quiet_hours_and_the_phone_for_text_messages() {
    let app = spawn_web_app().await;
    let token = app.token("customer@demo.caas").await;
    let browser = Browser::open_with(&app.address, phone()).await;
    browser.sign_in("customer@demo.caas", PASSWORD).await;
    // From the notifications page, on to the settings (a page of the second bundle).
    browser.goto("/notifications").await;
    browser.click("a.settings-link").await;
    browser.find("#channels li.kind[data-kind='BILLING']").await;
    // Security notices always go by e-mail.
    assert!(browser.has("li.kind[data-kind='SECURITY'] input[data-channel='email'][disabled]").await);
    assert_eq!(browser.js(FITS).await, json!(true), "the settings fit 360 px");
    browser.screenshot("installed-settings").await;

    let preferences = "{ myNotificationPreferences { kinds { kind email push sms } quietHours { from until timeZone } phone smsOptIn } }";
    let billing = |answer: &Value| {
        let kinds = answer["myNotificationPreferences"]["kinds"].as_array().cloned().unwrap_or_default();
        kinds.into_iter().find(|kind| kind["kind"] == "BILLING").unwrap_or_default()
    };
    let before = billing(app.graphql_as(&token, preferences, json!({})).await.data());
    browser.click("li.kind[data-kind='BILLING'] input[data-channel='push']").await;
    browser.wait_text("#channels .status.done", "Gespeichert").await;
    let after = billing(app.graphql_as(&token, preferences, json!({})).await.data());
    assert_eq!(after["push"], json!(!before["push"].as_bool().unwrap_or_default()), "{before} → {after}");
    assert_eq!(after["email"], before["email"]);

    // A number that is not one is refused with the API's words, next to the field.
    let refusal = "mutation { setSmsNumber(input: { phone: \"12345\", optIn: true }) { phone } }";
    let refusal = app.graphql_as(&token, refusal, json!({})).await.expect_error("BAD_USER_INPUT");
    browser.fill("#phone", "12345").await;
    browser.click("#sms-opt-in").await;
    browser.click("#sms button[type=submit]").await;
    let shown = browser.find("#sms [role=alert]").await.text().await.expect("the refusal");
    assert_eq!(shown.to_lowercase(), refusal.trim().to_lowercase(), "the API's own words");
    browser.screenshot("installed-settings-bad-phone").await;
    browser.fill("#phone", "+34600123456").await;
    browser.click("#sms button[type=submit]").await;
    browser.wait_text("#sms .status.done", "Gespeichert").await;
    let now = app.graphql_as(&token, preferences, json!({})).await;
    assert_eq!(now.data()["myNotificationPreferences"]["phone"], "+34600123456");
    assert_eq!(now.data()["myNotificationPreferences"]["smsOptIn"], true);

    // Quiet hours from 22:00 to 07:00 in the browser's time zone.
    browser.click("#quiet-on").await;
    browser.click("#quiet-hours button[type=submit]").await;
    browser.wait_text("#quiet-hours .status.done", "Gespeichert").await;
    let now = app.graphql_as(&token, preferences, json!({})).await;
    let quiet = &now.data()["myNotificationPreferences"]["quietHours"];
    assert_eq!((quiet["from"].as_str(), quiet["until"].as_str()), (Some("22:00"), Some("07:00")), "{quiet}");
    let zone = browser.js("return Intl.DateTimeFormat().resolvedOptions().timeZone;").await;
    assert_eq!(quiet["timeZone"], zone);
    browser.close().await;
}

/// The browser's push service, faked in the page (headless Chromium has none to reach): a
/// subscription as `PushManager` gives one, with keys of the right lengths, and permission granted.
const FAKE_PUSH_SERVICE: &str = "
    const b64url = (n, fill) => btoa(String.fromCharCode(...new Uint8Array(n).fill(fill)))
        .replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
    const fake = Object.create(PushSubscription.prototype, {
        endpoint: { value: 'https://push.example.test/send/device-1' },
        toJSON: { value: () => ({ endpoint: 'https://push.example.test/send/device-1',
            keys: { p256dh: b64url(65, 4), auth: b64url(16, 7) } }) },
        unsubscribe: { value: () => { window.unsubscribed = true; return Promise.resolve(true); } },
    });
    Notification.requestPermission = () => Promise.resolve('granted');
    PushManager.prototype.getSubscription = () => Promise.resolve(window.subscribedWith ? fake : null);
    PushManager.prototype.subscribe = (options) => {
        window.subscribedWith = options;
        return Promise.resolve(fake);
    };
    return true;";

#[tokio::test]
async fn push_on_this_device_is_asked_for_registered_with_the_server_and_stopped_again() {
    let app = spawn_web_app().await;
    let token = app.token("customer@demo.caas").await;
    let server_key = app.graphql_as(&token, "{ pushPublicKey }", json!({})).await.data()["pushPublicKey"].clone();
    assert!(server_key.is_string(), "push is set up in the tests: {server_key}");
    let browser = Browser::open_with(&app.address, phone()).await;
    browser.sign_in("customer@demo.caas", PASSWORD).await;
    browser.goto("/profile/notifications").await;
    browser.find("#enable-push").await;
    browser.wait_for_service_worker().await;
    browser.js(FAKE_PUSH_SERVICE).await;

    browser.click("#enable-push").await;
    browser.wait_text("#push-state", "Dieses Gerät erhält Push-Benachrichtigungen").await;
    let options = browser.js("return window.subscribedWith && window.subscribedWith.userVisibleOnly;").await;
    assert_eq!(options, json!(true), "notifications are always shown");
    let key = browser.js("return window.subscribedWith.applicationServerKey;").await;
    assert_eq!(key, server_key, "subscribed with the server's key");
    // The server has the device, named by the browser and system.
    let devices = "{ myPushDevices { id label } }";
    let listed = app.graphql_as(&token, devices, json!({})).await.data()["myPushDevices"].clone();
    assert_eq!(listed.as_array().map(Vec::len), Some(1), "{listed}");
    assert_eq!(listed[0]["label"], "Chrome on Linux");
    let row = browser.wait_text("#push-devices li.device", "dieses Gerät").await;
    assert!(row.contains("Chrome on Linux"), "{row}");
    let kept = browser.js("return localStorage.getItem('caas.push');").await;
    let kept = kept.as_str().unwrap_or_default().to_owned();
    assert!(kept.starts_with(listed[0]["id"].as_str().unwrap_or("?")), "the registration is kept: {kept}");
    assert_eq!(browser.js(FITS).await, json!(true));
    browser.js("document.querySelector('#push').scrollIntoView(); return true;").await;
    browser.screenshot("installed-settings-push-on").await;

    // Removing this device stops push at the server and in the browser.
    browser.click("#push-devices li.device button.remove-device").await;
    browser.wait_text("#push .status.done", "keine Push-Benachrichtigungen mehr").await;
    let listed = app.graphql_as(&token, devices, json!({})).await.data()["myPushDevices"].clone();
    assert_eq!(listed, json!([]));
    assert_eq!(browser.js("return window.unsubscribed === true;").await, json!(true), "unsubscribed here");
    assert_eq!(browser.js("return localStorage.getItem('caas.push');").await, Value::Null);
    browser.find("#enable-push").await;
    browser.close().await;
}

#[tokio::test]
async fn a_subscription_the_push_service_renewed_is_registered_as_the_app_starts() {
    let app = spawn_web_app().await;
    let token = app.token("customer@demo.caas").await;
    let old = "mutation($input: RegisterPushDeviceInput!) { registerPushDevice(input: $input) { id } }";
    let input = json!({ "input": { "endpoint": "https://push.example.test/send/old", "label": "Chrome on Linux",
        "p256dh": "A".repeat(87), "auth": "A".repeat(22) } });
    let old_id = app.graphql_as(&token, old, input).await.data()["registerPushDevice"]["id"].clone();
    let browser = Browser::open_with(&app.address, phone()).await;
    browser.sign_in("customer@demo.caas", PASSWORD).await;
    browser.wait_for_service_worker().await;
    let origin = app.address.trim_end_matches('/').to_owned();
    browser.cdp("Browser.grantPermissions", json!({ "origin": origin, "permissions": ["notifications"] })).await;
    // This device was registered with the old subscription; the push service has renewed it since.
    let kept =
        format!("{}\nBKey\nhttps://push.example.test/send/old\nChrome on Linux", old_id.as_str().unwrap_or_default());
    browser.js(&format!("localStorage.setItem('caas.push', {}); return true;", json!(kept))).await;
    browser.goto("/").await;
    browser.js(&format!("window.subscribedWith = {{}}; {}", FAKE_PUSH_SERVICE.trim())).await;

    let devices = "{ myPushDevices { id label } }";
    let listed = app
        .eventually("the renewed subscription is registered and the old one removed", || async {
            let listed = app.graphql_as(&token, devices, json!({})).await.data()["myPushDevices"].clone();
            (listed.as_array().map(Vec::len) == Some(1) && listed[0]["id"] != old_id).then_some(listed)
        })
        .await;
    assert_eq!(listed[0]["label"], "Chrome on Linux", "{listed}");
    let kept = browser.js("return localStorage.getItem('caas.push');").await;
    let lines: Vec<String> = kept.as_str().unwrap_or_default().lines().map(str::to_owned).collect();
    assert_eq!(lines.first().map(String::as_str), listed[0]["id"].as_str(), "{kept}");
    assert_eq!(lines.get(2).map(String::as_str), Some("https://push.example.test/send/device-1"), "{kept}");
    browser.close().await;
}
