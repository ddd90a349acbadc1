use caas_tests::PASSWORD;
use caas_tests::browser::Browser;

use super::spawn_web_app;

#[tokio::test]
async fn a_customer_sees_her_card_changes_her_password_and_can_ask_for_a_new_one() {
    let app = spawn_web_app().await;
    let browser = Browser::open(&app.address).await;
    // After five wrong passwords an account is locked for the window, and the page says how long.
    for _ in 0..5 {
        app.login("support@demo.caas", "a-wrong-password").await.expect_error("UNAUTHENTICATED");
    }
    browser.goto("/login").await;
    browser.fill("#identifier", "support@demo.caas").await;
    browser.fill("#password", PASSWORD).await;
    browser.click("form button[type=submit]").await;
    browser.wait_text("form [role=alert]", "Too many attempts. Try again in 15 min.").await;
    browser.screenshot("sign-in-locked").await;

    browser.sign_in("customer@demo.caas", PASSWORD).await;
    browser.wait_text("main h1", "Meine Fahrzeuge").await;

    // The profile shows the card her purchases are charged to, never its number.
    browser.goto("/profile").await;
    browser.wait_text("#payment-card", "VISA •••• 4242").await;
    browser.screenshot("customer-profile-card").await;

    // A wrong current password is refused; the right one changes it.
    browser.fill("#current-password", "not-her-password").await;
    browser.fill("#changed-password", "a-new-fjord-password").await;
    browser.click("#password-change button[type=submit]").await;
    browser.find("#password-change [role=alert]").await;
    browser.fill("#current-password", PASSWORD).await;
    browser.click("#password-change button[type=submit]").await;
    browser.wait_text("#password-change [role=status]", "Passwort geändert").await;
    app.login("customer@demo.caas", PASSWORD).await.expect_error("UNAUTHENTICATED");
    app.login("customer@demo.caas", "a-new-fjord-password").await.data();
    browser.close().await;

    // Signed out, she asks for a link; the answer does not tell whether the address has an account.
    let visitor = Browser::open(&app.address).await;
    visitor.goto("/login").await;
    visitor.click("#forgotten-password summary").await;
    visitor.fill("#reset-email", "customer@demo.caas").await;
    visitor.click("#forgotten-password button[type=submit]").await;
    visitor.wait_text("#forgotten-password [role=status]", "a link to choose a new password").await;
    let mail = app.email("customer@demo.caas", "zurück").await;
    assert!(mail.body.contains("/set-password?token="), "{}", mail.body);
    assert!(visitor.severe_logs().await.is_empty(), "{:?}", visitor.severe_logs().await);
    visitor.close().await;
}
