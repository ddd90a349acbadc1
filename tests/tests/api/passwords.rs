//! Passwords: reset links by e-mail (through the real SMTP mail catcher), their expiry and
//! throttling, changing a password while signed in, and staff resending set-password links.

use caas::integrations::mail::catcher::CaughtMail;
use caas_tests::{PASSWORD, TestApp, spawn_app};
use chrono::Duration;
use serde_json::{Value, json};

use crate::purchase::{REGISTER_SALE, link_token, sale_for};

const REQUEST_RESET: &str = "mutation($e: String!) { requestPasswordReset(email: $e) }";
const RESET: &str = "mutation($t: String!, $p: String!) { resetPassword(token: $t, newPassword: $p) { accessToken refreshToken user { email } } }";
const SET: &str = "mutation($t: String!, $p: String!) { setPassword(token: $t, password: $p) { accessToken } }";
const CHANGE: &str = "mutation($c: String!, $n: String!) { changePassword(currentPassword: $c, newPassword: $n) { accessToken refreshToken } }";
const REFRESH: &str = "mutation($r: String!) { refreshToken(refreshToken: $r) { accessToken refreshToken } }";
const RESEND_BY_EMAIL: &str = "mutation($e: String) { resendPasswordLink(email: $e) }";
const RESEND_BY_ID: &str = "mutation($id: ID) { resendPasswordLink(customerId: $id) }";
const BUYER: &str = "query($id: ID!) { order(id: $id) { customer { id } } }";

/// The e-mails to `recipient` whose subject contains `subject`, once there are `count` of them.
async fn mails(app: &TestApp, recipient: &str, subject: &str, count: usize) -> Vec<CaughtMail> {
    let catcher = app.simulators.mail.as_ref().expect("the mail catcher runs in tests");
    app.eventually(&format!("{count} e-mails to {recipient} about {subject:?}"), || async {
        let found: Vec<CaughtMail> = catcher
            .messages()
            .into_iter()
            .filter(|mail| {
                mail.to.iter().any(|to| to.eq_ignore_ascii_case(recipient)) && mail.subject.contains(subject)
            })
            .collect();
        (found.len() >= count).then_some(found)
    })
    .await
}

/// How many notifications `template` has queued for anyone.
async fn queued(app: &TestApp, template: &str) -> u64 {
    use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
    entity::notifications::Entity::find()
        .filter(entity::notifications::Column::Template.eq(template))
        .count(&app.app.db)
        .await
        .expect("count")
}

async fn request_reset(app: &TestApp, email: &str) -> Value {
    let answer = app.graphql(REQUEST_RESET, json!({ "e": email })).await;
    answer.data()["requestPasswordReset"].clone()
}

async fn reset(app: &TestApp, token: &str, password: &str) -> caas_tests::GqlResponse {
    app.graphql(RESET, json!({ "t": token, "p": password })).await
}

fn refresh_token_of(login: &caas_tests::GqlResponse) -> String {
    login.data()["login"]["refreshToken"].as_str().expect("refresh token").to_owned()
}

#[tokio::test]
async fn a_reset_link_arrives_by_email_works_once_and_ends_other_sessions() {
    let app = spawn_app().await;
    let elsewhere = refresh_token_of(&app.login("customer@demo.caas", PASSWORD).await);

    assert_eq!(request_reset(&app, "Customer@Demo.caas").await, true);
    // Anna reads German: the link comes in her language.
    let mail = app.email("customer@demo.caas", "zurück").await;
    assert!(mail.body.contains("Hallo Anna"), "{}", mail.body);
    assert!(mail.body.contains("/set-password?token="), "{}", mail.body);
    let token = link_token(&mail.body);

    // A weak password is refused as setPassword refuses it, and the link still works afterwards.
    reset(&app, &token, "short").await.expect_error("BAD_USER_INPUT");
    let signed_in = reset(&app, &token, "anna-new-password").await;
    assert_eq!(signed_in.data()["resetPassword"]["user"]["email"], "customer@demo.caas");
    reset(&app, &token, "another-password").await.expect_error("UNAUTHENTICATED");

    // The session opened before the reset is over; the old password no longer signs in.
    app.graphql(REFRESH, json!({ "r": elsewhere })).await.expect_error("UNAUTHENTICATED");
    app.login("customer@demo.caas", PASSWORD).await.expect_error("UNAUTHENTICATED");
    app.login("customer@demo.caas", "anna-new-password").await.data();
    let fresh = signed_in.data()["resetPassword"]["refreshToken"].as_str().expect("refresh").to_owned();
    app.graphql(REFRESH, json!({ "r": fresh })).await.data();
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_answer_and_no_email() {
    let app = spawn_app().await;
    let before = queued(&app, "account.password_reset").await;
    let unknown = app.graphql(REQUEST_RESET, json!({ "e": "nobody@example.com" })).await;
    assert_eq!(queued(&app, "account.password_reset").await, before, "nothing queued for an unknown address");
    let known = app.graphql(REQUEST_RESET, json!({ "e": "customer2@demo.caas" })).await;
    assert_eq!(unknown.body, known.body, "both answers are the same");
    assert_eq!(queued(&app, "account.password_reset").await, before + 1);

    // The known one is delivered; nothing went to the unknown address.
    app.email("customer2@demo.caas", "Restablezca").await;
    let catcher = app.simulators.mail.as_ref().expect("mail catcher");
    assert!(catcher.messages().iter().all(|mail| !mail.to.iter().any(|to| to == "nobody@example.com")));
    app.graphql(REQUEST_RESET, json!({ "e": "not-an-address" })).await.expect_error("BAD_USER_INPUT");
}

#[tokio::test]
async fn repeated_requests_send_one_email_and_a_new_link_retires_the_old() {
    let app = spawn_app().await;
    assert_eq!(request_reset(&app, "customer2@demo.caas").await, true);
    let first = link_token(&mails(&app, "customer2@demo.caas", "Restablezca", 1).await[0].body);
    assert_eq!(request_reset(&app, "customer2@demo.caas").await, true);
    assert_eq!(queued(&app, "account.password_reset").await, 1, "a second request soon after sends nothing");

    // After the quiet interval, a request sends a new link; the first one stops working.
    app.clock.advance(Duration::minutes(6));
    assert_eq!(request_reset(&app, "customer2@demo.caas").await, true);
    let sent = mails(&app, "customer2@demo.caas", "Restablezca", 2).await;
    let second = link_token(&sent[1].body);
    assert_ne!(first, second);
    reset(&app, &first, "lucia-new-password").await.expect_error("UNAUTHENTICATED");
    reset(&app, &second, "lucia-new-password").await.data();
}

#[tokio::test]
async fn an_expired_reset_link_is_refused() {
    let app = spawn_app().await;
    request_reset(&app, "customer@demo.caas").await;
    let token = link_token(&app.email("customer@demo.caas", "zurück").await.body);
    app.clock.advance(Duration::minutes(61));
    let refused = reset(&app, &token, "anna-new-password").await.expect_error("UNAUTHENTICATED");
    assert!(refused.contains("not valid"), "{refused}");
    app.login("customer@demo.caas", PASSWORD).await.data();
}

#[tokio::test]
async fn changing_the_password_needs_the_current_one_and_ends_other_sessions() {
    let app = spawn_app().await;
    let here = app.login("customer@demo.caas", PASSWORD).await;
    let token = here.data()["login"]["accessToken"].as_str().expect("token").to_owned();
    let elsewhere = refresh_token_of(&app.login("customer@demo.caas", PASSWORD).await);

    let wrong = app.graphql_as(&token, CHANGE, json!({ "c": "not-my-password", "n": "anna-new-password" })).await;
    wrong.expect_error("BAD_USER_INPUT");
    assert_eq!(wrong.errors()[0]["extensions"]["field"], "currentPassword");
    let weak = app.graphql_as(&token, CHANGE, json!({ "c": PASSWORD, "n": "short" })).await;
    assert_eq!(weak.errors()[0]["extensions"]["field"], "password");
    app.graphql(CHANGE, json!({ "c": PASSWORD, "n": "anna-new-password" })).await.expect_error("UNAUTHENTICATED");

    let changed = app.graphql_as(&token, CHANGE, json!({ "c": PASSWORD, "n": "anna-new-password" })).await;
    let renewed = changed.data()["changePassword"]["refreshToken"].as_str().expect("refresh").to_owned();
    app.graphql(REFRESH, json!({ "r": elsewhere })).await.expect_error("UNAUTHENTICATED");
    app.graphql(REFRESH, json!({ "r": refresh_token_of(&here) })).await.expect_error("UNAUTHENTICATED");
    app.graphql(REFRESH, json!({ "r": renewed })).await.data();
    app.login("customer@demo.caas", PASSWORD).await.expect_error("UNAUTHENTICATED");
    app.login("customer@demo.caas", "anna-new-password").await.data();
}

#[tokio::test]
async fn wrong_current_passwords_count_as_failed_sign_ins() {
    let app = spawn_app().await;
    let token = app.token("customer2@demo.caas").await;
    for _ in 0..5 {
        let guess = app.graphql_as(&token, CHANGE, json!({ "c": "a-guess-123", "n": "lucia-new-password" })).await;
        guess.expect_error("BAD_USER_INPUT");
    }
    // Locked: even the right password is not tried, and signing in is locked too.
    let locked = app.graphql_as(&token, CHANGE, json!({ "c": PASSWORD, "n": "lucia-new-password" })).await;
    locked.expect_error("RATE_LIMITED");
    app.login("customer2@demo.caas", PASSWORD).await.expect_error("RATE_LIMITED");
}

#[tokio::test]
async fn staff_resend_set_password_links_within_their_scope() {
    let app = spawn_app().await;
    let dealer = app.token("dealer@demo.caas").await;
    let sale = sale_for("paula.neu@example.com", "Paula Neu", ("modelCode", "AURORA"));
    let sale = app.graphql_as(&dealer, REGISTER_SALE, sale).await;
    let order_id = sale.data()["registerSale"]["id"].as_str().expect("order").to_owned();
    let buyer = app.graphql_as(&dealer, BUYER, json!({ "id": order_id })).await;
    let paula_id = buyer.data()["order"]["customer"]["id"].as_str().expect("customer id").to_owned();
    let welcome = link_token(&app.email("paula.neu@example.com", "Passwort fest").await.body);

    // Her dealership sends a new link: the welcome link stops working.
    let resent = app.graphql_as(&dealer, RESEND_BY_EMAIL, json!({ "e": "paula.neu@example.com" })).await;
    assert!(resent.data()["resendPasswordLink"].is_string(), "answers the expiry");
    let by_dealer = link_token(&mails(&app, "paula.neu@example.com", "neuer Link", 1).await[0].body);
    app.graphql(SET, json!({ "t": welcome, "p": "paula-password" })).await.expect_error("UNAUTHENTICATED");

    // Another dealership may not, whether the address is known or not; nor may customers.
    let madrid = app.token("dealer2@demo.caas").await;
    let foreign = app.graphql_as(&madrid, RESEND_BY_EMAIL, json!({ "e": "paula.neu@example.com" })).await;
    let unknown = app.graphql_as(&madrid, RESEND_BY_EMAIL, json!({ "e": "nobody@example.com" })).await;
    assert_eq!(foreign.expect_error("FORBIDDEN"), unknown.expect_error("FORBIDDEN"));
    let anna = app.token("customer@demo.caas").await;
    app.graphql_as(&anna, RESEND_BY_ID, json!({ "id": paula_id })).await.expect_error("FORBIDDEN");

    // Support may, for any customer; the dealer's link stops working, the new one sets the password.
    let support = app.token("support@demo.caas").await;
    app.graphql_as(&support, RESEND_BY_ID, json!({ "id": paula_id })).await.data();
    let by_support = link_token(&mails(&app, "paula.neu@example.com", "neuer Link", 2).await[1].body);
    app.graphql(SET, json!({ "t": by_dealer, "p": "paula-password" })).await.expect_error("UNAUTHENTICATED");
    app.graphql(SET, json!({ "t": by_support, "p": "paula-password" })).await.data();
    app.login("paula.neu@example.com", "paula-password").await.data();

    // Once she has a password there is nothing to resend.
    let done = app.graphql_as(&support, RESEND_BY_ID, json!({ "id": paula_id })).await;
    done.expect_error("CONFLICT");
    assert_eq!(done.errors()[0]["extensions"]["reason"], "PASSWORD_SET");
    app.graphql_as(&dealer, RESEND_BY_EMAIL, json!({ "e": "paula.neu@example.com" })).await.expect_error("CONFLICT");
    app.graphql_as(&support, RESEND_BY_EMAIL, json!({ "e": "dealer@demo.caas" })).await.expect_error("FORBIDDEN");
    app.graphql_as(&support, RESEND_BY_EMAIL, json!({ "e": "nobody@example.com" })).await.expect_error("NOT_FOUND");
    app.graphql_as(&support, "mutation { resendPasswordLink }", json!({})).await.expect_error("BAD_USER_INPUT");
}
