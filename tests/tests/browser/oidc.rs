//! Signing in with the identity provider in the browser, on a phone: from a page that needs a
//! session, through the provider's page, back to that same page, signed in.

use caas_tests::browser::Browser;
use caas_tests::oidc::person;
use entity::{user_identities, users};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use serde_json::json;

use super::spawn_web_app;

#[tokio::test]
async fn a_person_signs_in_with_the_identity_provider_on_a_phone_and_lands_back_on_the_page() {
    let app = spawn_web_app().await;
    app.identity().add_user(person("oem-300", "marta@oem.example", true, "Marta Vidal"));
    let browser = Browser::open(&app.address).await;

    // Signed out, a page that needs a session shows the sign-in page, which offers the provider.
    browser.goto("/orders?tab=open").await;
    browser.find("#oidc-sign-in").await;
    assert_eq!(browser.js("return window.innerWidth;").await, json!(360), "a phone's screen");
    // Once the service worker serves the app, the redirects must still reach the server.
    browser.wait_for_service_worker().await;
    browser.wait_text("#oidc-sign-in", "OEM ID").await;
    let fits = "return document.documentElement.scrollWidth <= window.innerWidth;";
    assert_eq!(browser.js(fits).await, json!(true), "the sign-in page fits a 360 px screen");
    browser.screenshot("oidc-sign-in").await;
    browser.click("#oidc-sign-in").await;

    // The provider's page: Marta picks herself.
    let issuer = app.identity().issuer();
    browser.find("button[data-sub='oem-300']").await;
    let at_provider = browser.js("return location.origin;").await;
    assert_eq!(at_provider, json!(issuer), "the browser is at the provider");
    browser.screenshot("oidc-provider").await;
    browser.click("button[data-sub='oem-300']").await;

    // Back on the page she started from, signed in, and the ticket is gone from the address.
    browser
        .wait_js("the page she started from", "location.pathname === '/orders' && location.search === '?tab=open'")
        .await;
    browser.find("header nav").await;
    assert_eq!(browser.js("return location.hash;").await, json!(""), "no ticket left in the address");
    assert_eq!(browser.js(fits).await, json!(true), "the page fits a 360 px screen");
    browser.screenshot("oidc-signed-in").await;

    let marta = users::Entity::find()
        .filter(users::Column::Email.eq("marta@oem.example"))
        .one(&app.app.db)
        .await
        .expect("db")
        .expect("an account was made for her");
    let linked = user_identities::Entity::find()
        .filter(user_identities::Column::UserId.eq(marta.id))
        .one(&app.app.db)
        .await
        .expect("db")
        .expect("her identity is linked");
    assert_eq!(linked.issuer, issuer);
    let ours: Vec<String> =
        browser.severe_logs().await.into_iter().filter(|message| !message.contains(&issuer)).collect();
    assert!(ours.is_empty(), "{ours:?}");
    browser.close().await;
}
