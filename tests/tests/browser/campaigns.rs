//! Fleet campaigns in the staff app: the demo admin creates one for 40 new cars through the form
//! (a refused field shows its error next to it), cannot approve it herself, a second admin approves
//! it on its live view, and both watch it live — counts growing group by group — until it
//! completed; support watches it too, without the admins' buttons. Another campaign is stopped in
//! an emergency, resumed, cancelled and rolled back from its live view.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use caas::integrations::fleet::simulator::{FleetKnobs, Outcome};
use caas_tests::browser::{Browser, BrowserOptions, web_app_dir};
use caas_tests::{PASSWORD, TestApp, TestOptions, spawn_app_with};
use serde_json::{Value, json};

use super::pages::check_page;

const ADMIN: &str = "admin@demo.caas";
const SECOND_ADMIN: &str = "second.admin@demo.caas";
const SECOND_PASSWORD: &str = "a-long-second-password";
/// How long a campaign of 40 cars may take, from its approval to its completion.
const CAMPAIGN_PATIENCE: Duration = Duration::from_secs(90);

/// Whether nothing on the page is wider than the window.
const FITS: &str = "return document.documentElement.scrollWidth <= window.innerWidth;";

/// Records, from now on, every text of the live view's counts as the page shows it (a watcher in
/// the page, so that no state between two looks is missed).
const RECORD_COUNTS: &str = "
  window.counts = [];
  const record = () => {
    const counts = document.getElementById('campaign-counts');
    if (!counts) return;
    const seen = { text: counts.textContent, done: Number(counts.dataset.done), total: Number(counts.dataset.total) };
    const last = window.counts[window.counts.length - 1];
    if (!last || last.text !== seen.text) window.counts.push(seen);
  };
  record();
  new MutationObserver(record).observe(document.querySelector('main'), { childList: true, subtree: true, characterData: true, attributes: true });
  return true;";

/// A server with the demo data and the built web app whose campaign runner ticks by itself, and
/// whose access tokens outlive the clock the test moves on.
async fn spawn_web_app_with_campaigns() -> TestApp {
    let dist = web_app_dir();
    spawn_app_with(TestOptions {
        configure: Box::new(move |config| {
            config.static_dir = dist;
            config.campaign_tick_ms = 200;
            config.access_token_ttl_secs = 400 * 24 * 3600;
        }),
        ..TestOptions::default()
    })
    .await
}

/// The token of the set-password link in an e-mail.
fn link_token(body: &str) -> String {
    let start = body.find("token=").expect("a set-password link") + "token=".len();
    body[start..].split_whitespace().next().expect("token").to_owned()
}

/// A second admin, invited by the first, with a password.
async fn invite_second_admin(app: &TestApp) {
    let admin = app.token(ADMIN).await;
    let input =
        json!({ "input": { "email": SECOND_ADMIN, "name": "Ines Zweit", "role": "ADMIN", "regionCode": "DE" } });
    app.graphql_as(&admin, "mutation($input: InviteStaffInput!) { inviteStaff(input: $input) { id } }", input)
        .await
        .data();
    let mail = app.email(SECOND_ADMIN, "eingeladen").await;
    let set = "mutation($t: String!, $p: String!) { setPassword(token: $t, password: $p) { accessToken } }";
    app.graphql(set, json!({ "t": link_token(&mail.body), "p": SECOND_PASSWORD })).await.data();
}

/// Moves the server's clock on by a second every 100 ms until `running` is cleared: the rate's
/// allowance grows with the clock, which stands still in tests.
fn keep_the_clock_going(app: &TestApp, running: Arc<AtomicBool>) -> tokio::task::JoinHandle<()> {
    let clock = app.clock.clone();
    tokio::spawn(async move {
        while running.load(Ordering::SeqCst) {
            clock.advance(chrono::Duration::seconds(1));
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
}

/// Selects the option `value` of the select `css`.
async fn choose(browser: &Browser, css: &str, value: &str) {
    browser.click(&format!("{css} option[value='{value}']")).await;
}

/// Fills the new campaign's form: 30 days of heated seats for `vins`, a pilot group of 10 cars and
/// the rest, at `rate` cars a minute.
async fn fill_campaign_form(browser: &Browser, vins: &[String], rate: &str) {
    browser.fill("#campaign-name", "Heated seats for the winter").await;
    choose(browser, "#campaign-action", "ACTIVATE").await;
    choose(browser, "#campaign-feature", "HEATED_SEATS").await;
    browser.fill("#campaign-days", "30").await;
    browser.fill("#campaign-vins", &vins.join(" ")).await;
    browser.click("#add-group").await;
    browser.click("#add-group").await;
    browser.fill("#group-1-name", "pilot").await;
    choose(browser, "#group-1-way", "count").await;
    browser.fill("#group-1-amount", "10").await;
    browser.fill("#group-1-success", "90").await;
    browser.fill("#group-1-error", "50").await;
    browser.fill("#group-2-name", "everyone else").await;
    browser.fill("#group-2-amount", "100").await;
    browser.fill("#campaign-rate", rate).await;
}

/// The counts the live view showed since [`RECORD_COUNTS`]: (text, done, total).
async fn recorded_counts(browser: &Browser) -> Vec<(String, i64, i64)> {
    let counts = browser.js("return window.counts;").await;
    counts
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|c| {
            (
                c["text"].as_str().unwrap_or_default().to_owned(),
                c["done"].as_i64().unwrap_or(-1),
                c["total"].as_i64().unwrap_or(-1),
            )
        })
        .collect()
}

/// Waits until the live view shows the campaign completed with `total` cars done.
async fn wait_until_completed(browser: &Browser, total: usize) {
    let condition = format!(
        "return !!document.querySelector(\"#campaign-state-line [data-state='COMPLETED']\") && \
         document.getElementById('campaign-counts').dataset.done === '{total}';"
    );
    let deadline = tokio::time::Instant::now() + CAMPAIGN_PATIENCE;
    while browser.js(&condition).await != json!(true) {
        if tokio::time::Instant::now() > deadline {
            browser.screenshot("failed-campaign-completed").await;
            panic!("the campaign never showed as completed; page: {}", browser.body_text().await);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Asserts that the live view showed the campaign going: counts between none and all done.
fn assert_seen_going(who: &str, counts: &[(String, i64, i64)], total: i64) {
    let between: Vec<&(String, i64, i64)> = counts.iter().filter(|(_, done, _)| *done > 0 && *done < total).collect();
    assert!(!between.is_empty(), "{who} saw the counts change on the way: {counts:?}");
    assert!(counts.windows(2).all(|pair| pair[1].1 >= pair[0].1), "{who}: done only grew: {counts:?}");
    let last = counts.last().expect("counts shown");
    assert_eq!((last.1, last.2), (total, total), "{who}: {counts:?}");
}

#[tokio::test]
async fn an_admin_creates_a_campaign_a_second_approves_it_and_both_watch_it_complete_live() {
    let app = spawn_web_app_with_campaigns().await;
    invite_second_admin(&app).await;
    let mut vins = caas::seed::fleet::add_cars(&app.app.db, "customer@demo.caas", 40, 0).await.expect("cars");
    vins.sort();

    // The first admin opens the campaigns from the navigation and fills the form on her phone.
    let creator = Browser::open(&app.address).await;
    creator.sign_in(ADMIN, PASSWORD).await;
    creator.goto("/staff/").await;
    creator.click("header nav a[href='/staff/admin/campaigns']").await;
    creator.find("#campaigns, main .status.empty").await;
    creator.click("#new-campaign").await;
    creator.find("#campaign-feature option[value='HEATED_SEATS']").await;
    fill_campaign_form(&creator, &vins, "0").await;
    assert_eq!(creator.js(FITS).await, json!(true), "the form fits 360 px");
    creator.screenshot("campaign-form").await;

    // A rate of none is refused: the server names the field, and the page shows why next to it.
    creator.click("#create-campaign").await;
    let error = "[id='ratePerMinute-error']";
    creator.wait_text(error, "1 to 1,000,000").await;
    let next_to = "const input = document.getElementById('campaign-rate'); \
                   return input.nextElementSibling.id === 'ratePerMinute-error' && input.getAttribute('aria-describedby') === 'ratePerMinute-error';";
    assert_eq!(creator.js(next_to).await, json!(true), "the error is the rate's own");
    creator.screenshot("campaign-form-field-error").await;
    creator.fill("#campaign-rate", "60").await;
    assert!(!creator.has(error).await, "editing the form clears the error");
    creator.click("#create-campaign").await;

    // Created, it waits for a second admin: its creator may not approve it.
    creator.find("#campaign-state-line [data-state='AWAITING_APPROVAL']").await;
    let path = creator.js("return location.pathname;").await.as_str().expect("a path").to_owned();
    let id = path.strip_prefix("/staff/admin/campaigns/").expect("the live view's address").to_owned();
    creator.wait_text("#campaign-created-by", ADMIN).await;
    creator.click("#campaign-approve").await;
    creator.wait_text("#campaign-action-error", "second admin").await;
    creator.screenshot("campaign-four-eyes").await;
    assert_eq!(creator.js(RECORD_COUNTS).await, json!(true));

    // The second admin approves it on its live view; both watch it run.
    let approver =
        Browser::open_with(&app.address, BrowserOptions { width: 1024, height: 768, language: "de-DE".into() }).await;
    approver.sign_in(SECOND_ADMIN, SECOND_PASSWORD).await;
    approver.goto(&path).await;
    approver.find("#campaign-state-line [data-state='AWAITING_APPROVAL']").await;
    assert_eq!(approver.js(RECORD_COUNTS).await, json!(true));
    let running = Arc::new(AtomicBool::new(true));
    let clock = keep_the_clock_going(&app, running.clone());
    click_live(&approver, "#campaign-approve").await;
    approver.wait_text("#campaign-approved-by", SECOND_ADMIN).await;
    creator.wait_text("#campaign-approved-by", SECOND_ADMIN).await;
    creator.find("#campaign-state-line [data-state='RUNNING']").await;
    creator.screenshot("campaign-running").await;
    wait_until_completed(&creator, vins.len()).await;
    wait_until_completed(&approver, vins.len()).await;
    running.store(false, Ordering::SeqCst);
    clock.await.expect("the clock task");

    // Both saw it go, group by group, to every car done.
    let total = vins.len() as i64;
    assert_seen_going("the creator", &recorded_counts(&creator).await, total);
    assert_seen_going("the approver", &recorded_counts(&approver).await, total);
    let groups = "return [...document.querySelectorAll('#campaign-groups li')].map((li) => li.dataset.state);";
    assert_eq!(creator.js(groups).await, json!(["DONE", "DONE"]));
    creator.wait_text("#campaign-groups li[data-position='1'] .group-counts", "10 of 10 done").await;
    creator.wait_text("#campaign-groups li[data-position='2'] .group-counts", "30 of 30 done").await;
    assert!(creator.has("#campaign-no-reasons").await, "no failure, no car left out");
    assert_eq!(creator.js(FITS).await, json!(true), "the live view fits 360 px");
    creator.screenshot("campaign-completed").await;
    approver.screenshot("campaign-completed-approver").await;
    let on = app
        .graphql_as(
            &app.token(ADMIN).await,
            "query($id: ID!) { campaign(id: $id) { counts { succeeded } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(on.data()["campaign"]["counts"]["succeeded"], json!(40));
    check_page(&creator, "/staff/admin/campaigns", "campaigns-list").await;
    creator.wait_text("#campaigns", "Heated seats for the winter").await;
    for browser in [&creator, &approver] {
        assert!(browser.severe_logs().await.is_empty(), "{:?}", browser.severe_logs().await);
    }
    creator.close().await;
    approver.close().await;

    // Support watches the campaigns too, without the admins' buttons.
    let support = Browser::open(&app.address).await;
    support.sign_in("support@demo.caas", PASSWORD).await;
    support.goto("/staff/").await;
    support.click("header nav a[href='/staff/admin/campaigns']").await;
    support.wait_text("#campaigns", "Heated seats for the winter").await;
    assert!(!support.has("#new-campaign").await, "support does not create campaigns");
    support.click(&format!("#campaigns a[href='{path}']")).await;
    support.find("#campaign-state-line [data-state='COMPLETED']").await;
    assert!(!support.has("#campaign-actions").await, "support does not act on campaigns");
    check_page(&support, &path, "campaign-support").await;
    support.find("#campaign-counts[data-done='40']").await;
    let shown: Value = support.js("return document.querySelectorAll('#campaign-actions button').length;").await;
    assert_eq!(shown, json!(0));
    support.close().await;
}

/// Creates a campaign of 60 cars a minute for `vins` as the demo admin and approves it as the
/// second; its id.
async fn approved_campaign(app: &TestApp, vins: &[String]) -> String {
    let create = "mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }";
    let input = json!({ "input": {
        "name": "Heated seats, stopped and rolled back", "action": "ACTIVATE", "featureCode": "HEATED_SEATS",
        "target": { "vins": vins }, "ratePerMinute": 60,
    } });
    let created = app.graphql_as(&app.token(ADMIN).await, create, input).await;
    let id = created.data()["createCampaign"]["id"].as_str().expect("id").to_owned();
    let approver = app.token_for(SECOND_ADMIN, SECOND_PASSWORD).await;
    app.graphql_as(&approver, "mutation($id: ID!) { approveCampaign(id: $id) { id } }", json!({ "id": id }))
        .await
        .data();
    id
}

/// Clicks the element matching `css` on a live view, which the server's events may render anew
/// between finding it and clicking it: found again then.
async fn click_live(browser: &Browser, css: &str) {
    for _ in 0..5 {
        match browser.find(css).await.click().await {
            Ok(_) => return,
            Err(err) if err.to_string().contains("stale element") => continue,
            Err(err) => panic!("clicking {css}: {err}"),
        }
    }
    panic!("{css} kept being rendered anew");
}

/// Waits until the JavaScript expression `condition` holds, for as long as a campaign may take.
async fn wait_for(browser: &Browser, what: &str, condition: &str) {
    let deadline = tokio::time::Instant::now() + CAMPAIGN_PATIENCE;
    while browser.js(&format!("return !!({condition});")).await != json!(true) {
        if tokio::time::Instant::now() > deadline {
            browser.screenshot(&format!("failed-{}", what.replace(' ', "-"))).await;
            panic!("{what} never happened; page: {}", browser.body_text().await);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// A number the live view's counts carry, e.g. `done`.
fn counted(name: &str) -> String {
    format!("Number(document.getElementById('campaign-counts').dataset.{name})")
}

#[tokio::test]
async fn the_emergency_stop_says_what_it_withdrew_and_a_cancelled_campaign_is_rolled_back() {
    let app = spawn_web_app_with_campaigns().await;
    invite_second_admin(&app).await;
    let mut vins = caas::seed::fleet::add_cars(&app.app.db, "customer@demo.caas", 30, 0).await.expect("cars");
    vins.sort();
    // Two cars refuse the command, every time; each car takes a moment to confirm.
    let refusing = vins[..2].iter().map(|vin| (vin.clone(), vec![Outcome::Permanent; 10].into())).collect();
    let fleet = app.simulators.fleet.as_ref().expect("fleet simulator");
    fleet.set_knobs(FleetKnobs { script: refusing, latency_ms: 300, ..FleetKnobs::default() });
    let id = approved_campaign(&app, &vins).await;
    let path = format!("/staff/admin/campaigns/{id}");

    let admin = Browser::open(&app.address).await;
    admin.sign_in(ADMIN, PASSWORD).await;
    admin.goto(&path).await;
    admin.find("#campaign-pause").await;
    let running = Arc::new(AtomicBool::new(true));
    let clock = keep_the_clock_going(&app, running.clone());
    let going = format!("{} >= 5 && {} >= 2", counted("done"), counted("failed"));
    wait_for(&admin, "some cars done and the refusing ones failed", &going).await;

    // The emergency stop, with a reason: the page says what was withdrawn and what was in flight.
    admin.fill("#campaign-stop-reason", "wrong firmware range").await;
    click_live(&admin, "#campaign-pause").await;
    admin.find("#campaign-state-line [data-state='PAUSED']").await;
    admin.wait_text("#campaign-state-reason", "wrong firmware range").await;
    let said = admin.wait_text("#campaign-acted", "in flight").await;
    assert!(said.contains("withdrawn"), "{said}");
    wait_for(&admin, "the commands in flight reported", &format!("{} === 0", counted("running"))).await;
    let stopped_at = admin.js(&format!("return {};", counted("done"))).await;
    tokio::time::sleep(Duration::from_millis(1_500)).await; // rounds of the runner, the clock going on
    assert_eq!(admin.js(&format!("return {};", counted("done"))).await, stopped_at, "paused: no car starts");
    admin.wait_text("#campaign-reasons li[data-reason='CAR_REFUSED']", "Car refused: 2").await;
    assert_eq!(admin.js(FITS).await, json!(true), "the live view with its actions fits 360 px");
    admin.screenshot("campaign-paused").await;

    running.store(false, Ordering::SeqCst);
    clock.await.expect("the clock task");

    // Resumed, it goes on: three seconds of the clock let three cars start (the refused ones get
    // another turn). Then it is cancelled (asked first): it stops for good, the cars whose turn had
    // not come left out.
    click_live(&admin, "#campaign-resume").await;
    admin.find("#campaign-state-line [data-state='RUNNING']").await;
    app.clock.advance(chrono::Duration::seconds(3));
    let went_on = format!("{} > {stopped_at} && {} === 0", counted("done"), counted("running"));
    wait_for(&admin, "more cars done", &went_on).await;
    admin.click("#campaign-cancel").await;
    admin.wait_text("#campaign-confirm-text", "for good").await;
    admin.click("#campaign-confirm").await;
    admin.find("#campaign-state-line [data-state='CANCELLED']").await;
    wait_for(&admin, "the last commands reported", &format!("{} === 0", counted("running"))).await;
    admin.find("#campaign-reasons li[data-reason='STOPPED']").await;

    // Rolled back (asked first): what it switched on is switched off again.
    let done = admin.js(&format!("return {};", counted("done"))).await.as_i64().expect("done");
    click_live(&admin, "#campaign-roll-back").await;
    click_live(&admin, "#campaign-confirm").await;
    admin.wait_text("#campaign-acted", &format!("{done} cars are being switched off again")).await;
    admin.wait_text("dd[data-count='campaign.count_rolled_back']", &done.to_string()).await;
    admin.screenshot("campaign-rolled-back").await;
    let seen = app
        .graphql_as(
            &app.token(ADMIN).await,
            "query($id: ID!) { campaign(id: $id) { state counts { rolledBack } } }",
            json!({ "id": id }),
        )
        .await;
    assert_eq!(seen.data()["campaign"], json!({ "state": "CANCELLED", "counts": { "rolledBack": done } }));
    assert!(admin.severe_logs().await.is_empty(), "{:?}", admin.severe_logs().await);
    admin.close().await;
}
