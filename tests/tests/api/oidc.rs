//! Signing in with the identity provider (OpenID Connect) end to end, against its simulator:
//! a new customer, linking an existing account only with proof, forged ID tokens, key rotation,
//! replayed codes and states, where the browser comes back to, unlinking and a first password.

use caas::integrations::identity::simulator::{Forgery, IdentityKnobs};
use caas::privacy::housekeeping;
use caas_tests::oidc::person;
use caas_tests::{TestApp, spawn_app};
use chrono::Duration;
use entity::{audit_events, oidc_sign_ins, user_identities, users};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use serde_json::json;

const ME: &str = "{ me { email passwordSet identities { id issuer email } } }";

async fn accounts_with_email(app: &TestApp, email: &str) -> u64 {
    users::Entity::find().filter(users::Column::Email.eq(email)).count(&app.app.db).await.expect("count")
}

async fn audited(app: &TestApp, action: &str) -> u64 {
    audit_events::Entity::find()
        .filter(audit_events::Column::Action.eq(action))
        .count(&app.app.db)
        .await
        .expect("count")
}

#[tokio::test]
async fn a_new_person_signs_in_and_gets_a_customer_account() {
    let app = spawn_app().await;
    let provider = app.identity();
    provider.add_user(person("oem-100", "nuria@oem.example", true, "Nuria Gómez"));

    let offered = app.graphql("{ identityProvider { name startUrl } }", json!({})).await;
    assert_eq!(offered.data()["identityProvider"], json!({ "name": "OEM ID", "startUrl": "/auth/oidc/start" }));

    // The browser goes to the provider with PKCE, state and nonce.
    let authorize = app.oidc_start(Some("/catalog")).await;
    assert!(authorize.starts_with(&provider.issuer()), "{authorize}");
    for part in ["code_challenge=", "code_challenge_method=S256", "state=", "nonce=", "scope=openid"] {
        assert!(authorize.contains(part), "{part} missing in {authorize}");
    }

    let back = app.oidc_sign_in("oem-100", Some("/catalog")).await;
    assert_eq!(back["returnTo"], "/catalog");
    let finished = app.complete_oidc(&back["ticket"]).await;
    let session = &finished.data()["completeOidcSignIn"]["session"];
    assert_eq!(session["user"]["email"], "nuria@oem.example");
    assert_eq!(session["user"]["name"], "Nuria Gómez");
    assert_eq!(session["user"]["role"], "CUSTOMER");
    assert_eq!(session["user"]["locale"], "ES");
    let token = session["accessToken"].as_str().expect("token");
    let me = app.graphql_as(token, ME, json!({})).await;
    assert_eq!(me.data()["me"]["identities"][0]["issuer"], provider.issuer());
    assert_eq!(me.data()["me"]["passwordSet"], false);
    assert_eq!(audited(&app, "account.created").await, 1);

    // The ticket works once; the next sign-in finds the linked account and makes no other.
    app.complete_oidc(&back["ticket"]).await.expect_error("CONFLICT");
    let again = app.oidc_sign_in("nuria@oem.example", None).await;
    assert_eq!(again["returnTo"], "/");
    let second = app.complete_oidc(&again["ticket"]).await;
    assert_eq!(second.data()["completeOidcSignIn"]["session"]["user"]["email"], "nuria@oem.example");
    assert_eq!(accounts_with_email(&app, "nuria@oem.example").await, 1);
}

#[tokio::test]
async fn an_existing_customer_is_linked_only_after_signing_in_with_the_password() {
    let app = spawn_app().await;
    app.identity().add_user(person("oem-anna", "customer@demo.caas", true, "Anna Schmidt"));

    let back = app.oidc_sign_in("oem-anna", Some("/vehicles")).await;
    let answer = app.complete_oidc(&back["ticket"]).await;
    let outcome = &answer.data()["completeOidcSignIn"];
    assert_eq!(outcome["linkRequired"], true);
    assert_eq!(outcome["session"], json!(null), "never signed in without proof");
    assert_eq!(outcome["email"], "customer@demo.caas");
    assert_eq!(user_identities::Entity::find().count(&app.app.db).await.expect("count"), 0);

    // Another customer cannot take the identity with their own password.
    let lucia = app.token("customer2@demo.caas").await;
    let link = "mutation($t: String!) { linkOidcIdentity(ticket: $t) { email identities { issuer } } }";
    let stolen = app.graphql_as(&lucia, link, json!({ "t": back["ticket"] })).await;
    stolen.expect_error("CONFLICT");
    assert_eq!(stolen.errors()[0]["extensions"]["reason"], "OIDC_OTHER_ACCOUNT");

    // Anna proves the account with her password in the same flow.
    let anna = app.token("customer@demo.caas").await;
    let linked = app.graphql_as(&anna, link, json!({ "t": back["ticket"] })).await;
    assert_eq!(linked.data()["linkOidcIdentity"]["identities"][0]["issuer"], app.identity().issuer());
    assert_eq!(audited(&app, "account.identity_linked").await, 1);

    // From now on the provider signs her in.
    let next = app.oidc_sign_in("oem-anna", None).await;
    let signed_in = app.complete_oidc(&next["ticket"]).await;
    assert_eq!(signed_in.data()["completeOidcSignIn"]["session"]["user"]["email"], "customer@demo.caas");
    assert_eq!(accounts_with_email(&app, "customer@demo.caas").await, 1);
}

#[tokio::test]
async fn an_existing_customer_is_linked_by_a_one_time_email_link_in_their_language() {
    let app = spawn_app().await;
    app.identity().add_user(person("oem-anna", "customer@demo.caas", true, "Anna Schmidt"));
    let back = app.oidc_sign_in("oem-anna", None).await;
    assert_eq!(app.complete_oidc(&back["ticket"]).await.data()["completeOidcSignIn"]["linkRequired"], true);

    let send = "mutation($t: String!) { sendOidcLinkEmail(ticket: $t) }";
    app.graphql(send, json!({ "t": back["ticket"] })).await.data();
    // Anna reads German.
    let mail = app.email("customer@demo.caas", "verknüpfen").await;
    assert!(mail.body.contains("Hallo Anna"), "{}", mail.body);
    let word = mail.body.split_whitespace().find(|word| word.contains("/signin/oidc?confirm=")).expect("a link");
    let token = word.split("confirm=").nth(1).expect("token").trim().to_owned();

    let confirm = "mutation($t: String!) { confirmOidcLink(token: $t) { accessToken user { email } } }";
    let confirmed = app.graphql(confirm, json!({ "t": token })).await;
    assert_eq!(confirmed.data()["confirmOidcLink"]["user"]["email"], "customer@demo.caas");
    // The link works once, and the ticket is used up with it.
    app.graphql(confirm, json!({ "t": token })).await.expect_error("UNAUTHENTICATED");
    app.complete_oidc(&back["ticket"]).await.expect_error("CONFLICT");

    let next = app.oidc_sign_in("oem-anna", None).await;
    let signed_in = app.complete_oidc(&next["ticket"]).await;
    assert_eq!(signed_in.data()["completeOidcSignIn"]["session"]["user"]["email"], "customer@demo.caas");
}

#[tokio::test]
async fn an_unverified_email_is_never_linked_nor_given_an_account() {
    let app = spawn_app().await;
    app.identity().add_user(person("oem-fake-anna", "customer@demo.caas", false, "Not Anna"));
    app.identity().add_user(person("oem-unverified", "someone@oem.example", false, "Some One"));

    for (sub, email) in [("oem-fake-anna", "customer@demo.caas"), ("oem-unverified", "someone@oem.example")] {
        let back = app.oidc_sign_in(sub, None).await;
        let refused = app.complete_oidc(&back["ticket"]).await;
        let message = refused.expect_error("CONFLICT");
        assert_eq!(refused.errors()[0]["extensions"]["reason"], "OIDC_EMAIL_NOT_VERIFIED");
        assert!(message.contains("not verified"), "{message}");
        // No link can be asked for either.
        let send = app
            .graphql("mutation($t: String!) { sendOidcLinkEmail(ticket: $t) }", json!({ "t": back["ticket"] }))
            .await;
        send.expect_error("CONFLICT");
        // Nor linked by signing in to the account with that address.
        let anna = app.token("customer@demo.caas").await;
        let link = "mutation($t: String!) { linkOidcIdentity(ticket: $t) { email } }";
        let linked = app.graphql_as(&anna, link, json!({ "t": back["ticket"] })).await;
        linked.expect_error("CONFLICT");
        assert_eq!(linked.errors()[0]["extensions"]["reason"], "OIDC_NOTHING_TO_LINK");
        assert!(accounts_with_email(&app, email).await <= 1);
    }
    assert_eq!(accounts_with_email(&app, "someone@oem.example").await, 0);
    assert_eq!(user_identities::Entity::find().count(&app.app.db).await.expect("count"), 0);

    // In German, too.
    let back = app.oidc_sign_in("oem-unverified", None).await;
    let query = "mutation($t: String!) { completeOidcSignIn(ticket: $t) { linkRequired } }";
    let german = app.request(query, json!({ "t": back["ticket"] }), &[("accept-language", "de")]).await;
    let message = german.expect_error("CONFLICT");
    assert!(message.contains("nicht bestätigt"), "{message}");
}

#[tokio::test]
async fn forged_id_tokens_are_each_refused_with_their_own_error() {
    let app = spawn_app().await;
    for (forgery, error) in [
        (Forgery::WrongSignature, "token_signature"),
        (Forgery::WrongAudience, "token_audience"),
        (Forgery::WrongNonce, "token_nonce"),
        (Forgery::Expired, "token_expired"),
    ] {
        app.identity().set_knobs(IdentityKnobs { forge_next: Some(forgery), ..IdentityKnobs::default() });
        let back = app.oidc_sign_in("oem-demo-1", Some("/orders")).await;
        assert_eq!(back.get("error").map(String::as_str), Some(error), "{forgery:?}: {back:?}");
        assert_eq!(back["returnTo"], "/orders");
        assert!(!back.contains_key("ticket"));
    }
    assert_eq!(audited(&app, "auth.oidc_refused").await, 4);
    // The provider's honest token still works.
    let back = app.oidc_sign_in("oem-demo-1", None).await;
    assert!(back.contains_key("ticket"), "{back:?}");
}

#[tokio::test]
async fn rotated_keys_are_read_again_and_a_retired_key_is_refused() {
    let app = spawn_app().await;
    let provider = app.identity();
    let first = app.oidc_sign_in("oem-demo-1", None).await;
    assert!(first.contains_key("ticket"), "{first:?}");
    let reads = provider.key_reads();

    // A new key: the cached set lacks it, so the server reads the keys once more.
    provider.rotate_keys();
    let rotated = app.oidc_sign_in("oem-demo-1", None).await;
    assert!(rotated.contains_key("ticket"), "{rotated:?}");
    assert_eq!(provider.key_reads(), reads + 1);
    // Known keys are not read again.
    assert!(app.oidc_sign_in("oem-demo-1", None).await.contains_key("ticket"));
    assert_eq!(provider.key_reads(), reads + 1);

    // The old key retired: once the cached keys are old enough to be read again, a token it
    // signed is refused.
    provider.retire_previous_key();
    app.clock.advance(Duration::minutes(6));
    provider.set_knobs(IdentityKnobs { forge_next: Some(Forgery::RetiredKey), ..IdentityKnobs::default() });
    let refused = app.oidc_sign_in("oem-demo-1", None).await;
    assert_eq!(refused.get("error").map(String::as_str), Some("token_signature"), "{refused:?}");
    assert!(provider.key_reads() >= reads + 2);
    // The current key still signs people in.
    assert!(app.oidc_sign_in("oem-demo-1", None).await.contains_key("ticket"));
}

fn query_value(url: &str, name: &str) -> String {
    let url = url::Url::parse(url).expect("url");
    url.query_pairs().find(|(key, _)| key == name).map(|(_, value)| value.into_owned()).expect(name)
}

fn last_refusal(app: &TestApp) -> String {
    app.identity().token_refusals().last().cloned().expect("the provider refused a code")
}

#[tokio::test]
async fn a_replayed_or_expired_code_and_a_replayed_or_expired_state_are_refused() {
    let app = spawn_app().await;
    let flow = app.oidc_approve("oem-demo-1", None).await;
    let callback = flow.callback_url.expect("callback");
    assert!(app.oidc_callback(&callback).await.contains_key("ticket"));

    // The same answer again: its state is used up.
    assert_eq!(app.oidc_callback(&callback).await["error"], "state");
    // The used code with a fresh state: the provider refuses it.
    let code =
        url::Url::parse(&callback).expect("url").query_pairs().find(|(k, _)| k == "code").expect("code").1.into_owned();
    let fresh = app.oidc_approve("oem-demo-1", None).await.callback_url.expect("callback");
    let mut replay = url::Url::parse(&fresh).expect("url");
    let state = replay.query_pairs().find(|(k, _)| k == "state").expect("state").1.into_owned();
    replay.query_pairs_mut().clear().append_pair("code", &code).append_pair("state", &state);
    assert_eq!(app.oidc_callback(replay.as_str()).await["error"], "code");
    assert_eq!(last_refusal(&app), "the code was used already");

    // An unused code smuggled into another sign-in: its PKCE verifier does not fit.
    let stolen = app.oidc_approve("oem-demo-1", None).await.callback_url.expect("callback");
    let stolen_code = query_value(&stolen, "code");
    let victim = app.oidc_approve("oem-demo-1", None).await.callback_url.expect("callback");
    let mut injected = url::Url::parse(&victim).expect("url");
    let victim_state = query_value(&victim, "state");
    injected.query_pairs_mut().clear().append_pair("code", &stolen_code).append_pair("state", &victim_state);
    assert_eq!(app.oidc_callback(injected.as_str()).await["error"], "code");
    assert_eq!(last_refusal(&app), "PKCE verification failed");

    // A code redeemed after the provider's minute.
    let slow = app.oidc_approve("oem-demo-1", None).await.callback_url.expect("callback");
    app.clock.advance(Duration::seconds(61));
    assert_eq!(app.oidc_callback(&slow).await["error"], "code");
    assert_eq!(last_refusal(&app), "the code has expired");
    assert_eq!(app.identity().token_refusals().len(), 3, "{:?}", app.identity().token_refusals());

    // A state older than ten minutes.
    let late = app.oidc_approve("oem-demo-1", None).await.callback_url.expect("callback");
    app.clock.advance(Duration::minutes(11));
    assert_eq!(app.oidc_callback(&late).await["error"], "state");
    // No state at all, or a made-up one.
    let base = format!("{}/auth/oidc/callback", app.address);
    assert_eq!(app.oidc_callback(&format!("{base}?code=x")).await["error"], "state");
    assert_eq!(app.oidc_callback(&format!("{base}?code=x&state=made-up")).await["error"], "state");
}

#[tokio::test]
async fn a_refusal_at_the_provider_comes_back_as_a_clear_error() {
    let app = spawn_app().await;
    app.identity().set_knobs(IdentityKnobs { refuse_next: true, ..IdentityKnobs::default() });
    let back = app.oidc_sign_in("oem-demo-1", Some("/bookings")).await;
    assert_eq!(back["error"], "refused");
    assert_eq!(back["returnTo"], "/bookings");
}

#[tokio::test]
async fn the_return_path_is_kept_and_an_off_site_one_refused() {
    let app = spawn_app().await;
    let back = app.oidc_sign_in("oem-demo-1", Some("/vehicles/WVW?tab=features")).await;
    assert_eq!(back["returnTo"], "/vehicles/WVW?tab=features");
    for evil in ["//evil.example/x", "https://evil.example/", "/\\evil.example", "evil"] {
        let answer = app.oidc_start(Some(evil)).await;
        assert_eq!(caas_tests::oidc::fragment(&answer)["error"], "return_to", "{evil}");
    }
}

#[tokio::test]
async fn a_customer_unlinks_only_with_a_password_and_an_oidc_customer_can_add_one() {
    let app = spawn_app().await;
    app.identity().add_user(person("oem-200", "pablo@oem.example", true, "Pablo Ruiz"));
    let back = app.oidc_sign_in("oem-200", None).await;
    let finished = app.complete_oidc(&back["ticket"]).await;
    let token = finished.data()["completeOidcSignIn"]["session"]["accessToken"].as_str().expect("token").to_owned();
    let me = app.graphql_as(&token, ME, json!({})).await;
    let identity = me.data()["me"]["identities"][0]["id"].as_str().expect("id").to_owned();

    // Without a password, unlinking would lock Pablo out.
    let unlink = "mutation($id: ID!) { unlinkIdentity(id: $id) { identities { id } } }";
    let refused = app.graphql_as(&token, unlink, json!({ "id": identity })).await;
    refused.expect_error("CONFLICT");
    assert_eq!(refused.errors()[0]["extensions"]["reason"], "OIDC_LAST_SIGN_IN");

    // He adds a password and signs in with it.
    let add = "mutation($p: String!) { addPassword(password: $p) { accessToken user { email } } }";
    app.graphql_as(&token, add, json!({ "p": "short" })).await.expect_error("BAD_USER_INPUT");
    let added = app.graphql_as(&token, add, json!({ "p": "pablo-password-1" })).await;
    let token = added.data()["addPassword"]["accessToken"].as_str().expect("token").to_owned();
    app.graphql_as(&token, add, json!({ "p": "another-password" })).await.expect_error("CONFLICT");
    let login = app.login("pablo@oem.example", "pablo-password-1").await;
    assert_eq!(login.data()["login"]["user"]["email"], "pablo@oem.example");

    // Another customer cannot unlink his identity.
    let lucia = app.token("customer2@demo.caas").await;
    app.graphql_as(&lucia, unlink, json!({ "id": identity })).await.expect_error("NOT_FOUND");

    let unlinked = app.graphql_as(&token, unlink, json!({ "id": identity })).await;
    assert_eq!(unlinked.data()["unlinkIdentity"]["identities"], json!([]));
    assert_eq!(audited(&app, "account.identity_unlinked").await, 1);
    // The next sign-in with the provider finds his account by e-mail and asks for proof again.
    let back = app.oidc_sign_in("oem-200", None).await;
    assert_eq!(app.complete_oidc(&back["ticket"]).await.data()["completeOidcSignIn"]["linkRequired"], true);
    assert_eq!(accounts_with_email(&app, "pablo@oem.example").await, 1);
}

#[tokio::test]
async fn bad_tickets_and_tokens_are_clear_errors_never_a_500() {
    let app = spawn_app().await;
    let complete = app.complete_oidc("not-a-ticket").await;
    complete.expect_error("CONFLICT");
    assert_eq!(complete.errors()[0]["extensions"]["reason"], "OIDC_TICKET_INVALID");
    app.graphql("mutation { confirmOidcLink(token: \"nope\") { accessToken } }", json!({}))
        .await
        .expect_error("UNAUTHENTICATED");
    app.graphql("mutation { sendOidcLinkEmail(ticket: \"nope\") }", json!({})).await.expect_error("CONFLICT");
    app.graphql("mutation { linkOidcIdentity(ticket: \"nope\") { email } }", json!({}))
        .await
        .expect_error("UNAUTHENTICATED");
    let token = app.token("customer@demo.caas").await;
    app.graphql_as(&token, "mutation { unlinkIdentity(id: \"x\") { email } }", json!({}))
        .await
        .expect_error("BAD_USER_INPUT");
}

#[tokio::test]
async fn lapsed_sign_ins_are_deleted_with_the_claims_they_kept() {
    let app = spawn_app().await;
    app.identity().add_user(person("oem-anna", "customer@demo.caas", true, "Anna Schmidt"));
    let count = || async { oidc_sign_ins::Entity::find().count(&app.app.db).await.expect("count") };
    // One sign-in answered and never finished, one waiting for its e-mailed link.
    assert!(app.oidc_sign_in("oem-demo-1", None).await.contains_key("ticket"));
    let back = app.oidc_sign_in("oem-anna", None).await;
    assert_eq!(app.complete_oidc(&back["ticket"]).await.data()["completeOidcSignIn"]["linkRequired"], true);
    app.graphql("mutation($t: String!) { sendOidcLinkEmail(ticket: $t) }", json!({ "t": back["ticket"] })).await.data();
    assert_eq!(count().await, 2);

    // The rows left are counted, not what this tick reports: the server's own data-rights task
    // also runs when the real clock crosses its period and may purge first.
    housekeeping::tick(&app.app).await.expect("tick");
    assert_eq!(count().await, 2, "both still usable");
    app.clock.advance(Duration::minutes(11));
    housekeeping::tick(&app.app).await.expect("tick");
    assert_eq!(count().await, 1, "the ticket lapsed, the e-mailed link still works");
    app.clock.advance(Duration::minutes(i64::from(app.app.config.password_reset_ttl_minutes)));
    housekeeping::tick(&app.app).await.expect("tick");
    assert_eq!(count().await, 0, "the link lapsed");
}
