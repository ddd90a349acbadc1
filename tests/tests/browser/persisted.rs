//! The web app sends a document once per page life and its hash after that (automatic persisted
//! queries), and its pages read the same as ever.

use caas_tests::PASSWORD;
use caas_tests::browser::Browser;

use super::spawn_web_app;

#[tokio::test]
async fn the_app_sends_each_document_once_and_its_hash_after_that() {
    let app = spawn_web_app().await;
    let vin = app.vins_of("customer@demo.caas").await[0].clone();
    let counted = |outcome: &'static str| {
        let app = &app;
        async move { app.metric_labelled("caas_persisted_queries_total", &format!("outcome=\"{outcome}\"")).await }
    };
    let browser = Browser::open(&app.address).await;
    browser.sign_in("customer@demo.caas", PASSWORD).await;
    browser.wait_text("#vehicles", &vin).await;
    // The dashboard, its catalog, and the dashboard again: its documents go as hashes now.
    let with_text = counted("with_text").await;
    assert!(with_text >= 1.0, "the first requests carry their document and its hash");
    assert_eq!(counted("hash_only").await, 0.0, "nothing was sent twice yet");
    browser.click(&format!("li.vehicle[data-vin='{vin}'] a.button")).await;
    browser.find("#catalog li.feature").await;
    browser.click("header nav a[href='/']").await;
    browser.wait_text("#vehicles", &vin).await;
    // The page may show the saved answer before the server's comes: wait for the request itself.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    while counted("hash_only").await < 1.0 {
        assert!(std::time::Instant::now() < deadline, "the dashboard never asked again by its hash alone");
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(counted("not_found").await, 0.0, "the server knew every hash it was sent");
    browser.close().await;
}
