use caas_tests::PASSWORD;
use caas_tests::browser::Browser;

use super::spawn_web_app;

#[tokio::test]
async fn a_dealer_registers_a_sale_and_follows_manufacturing_live_to_the_handover() {
    let app = spawn_web_app().await;
    let browser = Browser::open(&app.address).await;
    // The staff app's own sign-in asks for an e-mail: staff have no car to sign in with.
    browser.goto("/staff/login").await;
    let label = browser.wait_text("label[for=identifier]", "E-mail").await;
    assert!(!label.contains("VIN"), "{label}");
    assert_eq!(browser.js("return document.getElementById('identifier').type;").await, serde_json::json!("email"));
    browser.screenshot("staff-sign-in").await;
    browser.sign_in("dealer@demo.caas", PASSWORD).await;

    // Staff work in the staff app; the dealership's orders are its home page, in German.
    browser.wait_text("main h1", "Bestellungen").await;
    browser.find("#orders li").await;
    browser.wait_js("the staff app is open", "location.pathname.startsWith('/staff/')").await;
    browser.screenshot("dealer-orders").await;

    // A new customer buys an Aurora from the factory.
    browser.click("a[href='/staff/dealer/sale']").await;
    browser.find("#model option").await;
    browser.fill("#customer-name", "Max Mustermann").await;
    browser.fill("#customer-email", "max.mustermann@example.com").await;
    browser.fill("#color", "Fjordblau").await;
    browser.fill("#price", "45.990,00").await;
    browser.screenshot("dealer-new-sale").await;
    browser.click("#sale-form button[type=submit]").await;
    browser.wait_text("#order-status", "Anzahlung ausstehend").await;
    let header = browser.find("main section.card h2").await.text().await.expect("order header");
    assert!(header.contains("Aurora"), "{header}");
    assert!(browser.body_text().await.contains("45.990,00 €"), "the net price in euros");

    // The new customer is invited by e-mail to set a password.
    let welcome = app.email("max.mustermann@example.com", "").await;
    assert!(welcome.body.contains("/set-password?token="), "{}", welcome.body);

    // The reservation is paid: the factory builds the car, and each stage shows up as it happens.
    browser.fill("#amount", "5000").await;
    browser.fill("#card-token", "pm_card_visa").await;
    browser.click("#pay-reservation").await;
    for stage in ["Im Werk bestellt", "In Produktion", "Lackierung", "Montage", "Qualitätsprüfung", "Versandt"] {
        browser.wait_text("#timeline", stage).await;
    }
    browser.wait_text("#order-status", "Beim Händler").await;
    browser.screenshot("dealer-order-ready").await;

    // Final payment: the gross with Germany's 19 % VAT, minus the reservation, is due and is what
    // the amount field offers. Then registration by the authority, handover.
    browser.wait_text("#order-amounts", "54.728,10 €").await;
    browser.wait_text("#order-due", "49.728,10 €").await;
    browser.fill("#card-token", "pm_card_visa").await;
    browser.click("#pay-final").await;
    browser.wait_text("#order-status", "Zugelassen").await;
    browser.click("#deliver").await;
    browser.wait_text("#order-status", "Übergeben").await;
    browser.wait_text("#order-car", "das Fahrzeug: übergeben").await;
    browser.screenshot("dealer-order-delivered").await;
    assert!(browser.severe_logs().await.is_empty(), "{:?}", browser.severe_logs().await);
    browser.close().await;

    // The buyer sets a password from the e-mail's link and finds the car and its order.
    let link = welcome.body.split_whitespace().find(|word| word.contains("/set-password?token=")).expect("link");
    let path = &link[link.find("/set-password").expect("path")..];
    let buyer = Browser::open(&app.address).await;
    buyer.goto(path).await;
    buyer.fill("#new-password", "fjordblau-2026").await;
    buyer.screenshot("buyer-set-password").await;
    buyer.click("form button[type=submit]").await;
    buyer.wait_text("#vehicles", "Aurora").await;
    buyer.click("header nav a[href='/orders']").await;
    buyer.click("#orders a").await;
    buyer.wait_text("#order-status", "Übergeben").await;
    buyer.wait_text("#timeline", "Qualitätsprüfung").await;
    buyer.screenshot("buyer-order").await;
    buyer.close().await;
}
