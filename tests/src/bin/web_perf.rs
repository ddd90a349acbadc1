//! Measures the web app as a customer on a weak mobile connection gets it: the bytes of the first
//! route (raw, gzip, brotli), and the time until the dashboard shows the customer's cars in headless
//! Chromium throttled to 400 kbps / 400 ms RTT — cold (new browser profile: nothing cached, no
//! service worker) and warm (the same profile, opened again).
//!
//! `cargo run -p caas-tests --bin web-perf -- [RUNS] [--write FILE]` after `scripts/build-web`;
//! prints a Markdown report, and with `--write` puts it between the `web-perf` markers of FILE
//! (`scripts/measure-web` does both for docs/PERFORMANCE.md).

use std::path::Path;
use std::time::Duration;

use caas_tests::browser::{Browser, web_app_dir};
use caas_tests::{PASSWORD, TestOptions, spawn_app_with};
use serde_json::{Value, json};

/// Slow 3G as Chrome's DevTools define it: 400 ms round trip, 400 kbit/s each way.
const LATENCY_MS: u64 = 400;
const BYTES_PER_SECOND: u64 = 400_000 / 8;

/// The first route's files: the page and what it loads before the app can start.
fn first_route_files(dist: &Path) -> Vec<String> {
    let html = std::fs::read_to_string(dist.join("index.html")).expect("index.html");
    let mut files = vec!["index.html".to_owned()];
    // Attribute values may be quoted or not (the HTML is minified): any `/name.ext` token counts.
    let tokens = html.split(|c: char| c.is_whitespace() || "\"'=<>(),;".contains(c));
    for token in tokens.filter(|token| token.starts_with('/')) {
        // The second bundle's and the staff app's assets are under /more/ and /staff/: the file is
        // the last part of the path.
        let name = token.rsplit('/').next().unwrap_or_default();
        let wanted = [".js", ".wasm", ".css"].iter().any(|ext| name.ends_with(ext)) && dist.join(name).exists();
        if wanted && !files.iter().any(|file| file == name) {
            files.push(name.to_owned());
        }
    }
    files
}

fn size(path: &Path) -> u64 {
    std::fs::metadata(path).map(|meta| meta.len()).unwrap_or(0)
}

fn kb(bytes: u64) -> String {
    format!("{:.1}", bytes as f64 / 1024.0)
}

fn sizes_report(dist: &Path) -> (String, u64) {
    let mut report = String::from("| file | raw KiB | gzip KiB | brotli KiB |\n|---|---:|---:|---:|\n");
    let (mut raw, mut gzip, mut brotli) = (0, 0, 0);
    for name in first_route_files(dist) {
        let file = dist.join(&name);
        let (r, g, b) = (size(&file), size(&dist.join(format!("{name}.gz"))), size(&dist.join(format!("{name}.br"))));
        raw += r;
        gzip += g;
        brotli += b;
        let shown = name.split('-').next().map_or(name.clone(), |stem| {
            if name.contains('-') {
                format!("{stem}-….{}", name.rsplit('.').next().unwrap_or_default())
            } else {
                name.clone()
            }
        });
        report.push_str(&format!("| {shown} | {} | {} | {} |\n", kb(r), kb(g), kb(b)));
    }
    report.push_str(&format!("| **first route** | **{}** | **{}** | **{}** |\n", kb(raw), kb(gzip), kb(brotli)));
    (report, brotli)
}

/// Records, from the very start of the page, when the dashboard first lists a car.
const READY_PROBE: &str = "
    new MutationObserver((_, observer) => {
        if (document.querySelector('#vehicles li.vehicle')) {
            window.__dashboardReady = performance.now();
            observer.disconnect();
        }
    }).observe(document, { childList: true, subtree: true });";

async fn throttle(browser: &Browser) {
    browser.cdp("Network.enable", json!({})).await;
    let conditions = json!({
        "offline": false,
        "latency": LATENCY_MS,
        "downloadThroughput": BYTES_PER_SECOND,
        "uploadThroughput": BYTES_PER_SECOND,
    });
    browser.cdp("Network.emulateNetworkConditions", conditions).await;
}

/// Milliseconds from navigation start until the dashboard lists a car.
async fn time_to_dashboard(browser: &Browser) -> f64 {
    browser.goto("/").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        if let Value::Number(ms) = browser.js("return window.__dashboardReady || null;").await {
            return ms.as_f64().unwrap_or_default();
        }
        assert!(tokio::time::Instant::now() < deadline, "the dashboard never showed");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// When each request of the page started and ended (`WEB_PERF_TRACE=1`): where the time goes.
async fn print_timeline(browser: &Browser) {
    let entries = browser
        .js("return performance.getEntries().map(e => [e.name.split('/').pop().slice(0, 40), e.entryType, \
             Math.round(e.startTime), Math.round(e.responseStart || 0), Math.round(e.responseEnd || e.duration)]);")
        .await;
    for entry in entries.as_array().into_iter().flatten() {
        eprintln!("{entry}");
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) { (values[mid - 1] + values[mid]) / 2.0 } else { values[mid] }
}

fn list(values: &[f64]) -> String {
    values.iter().map(|ms| format!("{ms:.0}")).collect::<Vec<_>>().join(", ")
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let runs: usize = args.first().and_then(|n| n.parse().ok()).unwrap_or(5);
    let write_to = args.iter().position(|arg| arg == "--write").and_then(|at| args.get(at + 1)).cloned();
    let dist = web_app_dir();
    let (sizes, brotli) = sizes_report(&dist);
    let served = dist.clone();
    let app = spawn_app_with(TestOptions {
        configure: Box::new(move |config| config.static_dir = served),
        ..TestOptions::default()
    })
    .await;
    let session = app.login("customer@demo.caas", PASSWORD).await;
    let tokens = json!({
        "access": session.data()["login"]["accessToken"],
        "refresh": session.data()["login"]["refreshToken"],
    });
    // The session is in place before the app's first line runs, as after an earlier sign-in.
    let start = format!(
        "if (!localStorage.getItem('caas.session')) localStorage.setItem('caas.session', {});{READY_PROBE}",
        serde_json::to_string(&tokens.to_string()).expect("json")
    );

    let (mut cold, mut warm) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        let browser = Browser::open(&app.address).await;
        browser.cdp("Page.enable", json!({})).await;
        browser.cdp("Page.addScriptToEvaluateOnNewDocument", json!({ "source": start })).await;
        throttle(&browser).await;
        cold.push(time_to_dashboard(&browser).await);
        if std::env::var_os("WEB_PERF_TRACE").is_some() {
            print_timeline(&browser).await;
        }
        browser.wait_for_service_worker().await;
        // Let the service worker finish keeping the shell before the next visit.
        tokio::time::sleep(Duration::from_secs(2)).await;
        browser.goto("/queue").await;
        warm.push(time_to_dashboard(&browser).await);
        browser.close().await;
    }

    let budget_ms = (brotli as f64 / BYTES_PER_SECOND as f64) * 1000.0;
    let mut report = format!("### First route (customer app)\n\n{sizes}\n");
    report += &format!("At 400 kbit/s the brotli bytes alone take {budget_ms:.0} ms to arrive.\n\n");
    let more = dist.join("more");
    if more.join("index.html").exists() {
        let (_, more_brotli) = sizes_report(&more);
        report += &format!(
            "The second bundle (the rarer pages, loaded at their own addresses and kept by the service worker \
             once one of them was opened) is {} KiB brotli.\n\n",
            kb(more_brotli)
        );
    }
    let staff = dist.join("staff");
    if staff.join("index.html").exists() {
        let (_, staff_brotli) = sizes_report(&staff);
        report +=
            &format!("The staff app (`/staff/`, never loaded by customers) is {} KiB brotli.\n\n", kb(staff_brotli));
    }
    report += &format!("### Time to a usable dashboard (400 kbit/s, 400 ms RTT, headless Chromium, {runs} runs)\n\n");
    report += "| visit | median ms | runs (ms) |\n|---|---:|---|\n";
    report += &format!("| cold (new profile) | {:.0} | {} |\n", median(cold.clone()), list(&cold));
    report += &format!("| warm (same profile) | {:.0} | {} |\n", median(warm.clone()), list(&warm));
    print!("{report}");
    if let Some(path) = write_to {
        write_between_markers(&path, &report);
    }
}

/// Replaces what stands between `<!-- web-perf:start -->` and `<!-- web-perf:end -->` in `path`.
fn write_between_markers(path: &str, report: &str) {
    const START: &str = "<!-- web-perf:start -->";
    const END: &str = "<!-- web-perf:end -->";
    let text = std::fs::read_to_string(path).expect("the document to write into");
    let (Some(start), Some(end)) = (text.find(START), text.find(END)) else {
        panic!("{path} has no {START} … {END} markers");
    };
    let updated = format!("{}{START}\n{report}{}", &text[..start], &text[end..]);
    std::fs::write(path, updated).expect("write the document");
}
