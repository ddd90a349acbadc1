//! Real headless Chromium, driven over WebDriver (`chromedriver` started for each browser), with the
//! waits a person would do: until an element shows, until a text appears. Screenshots go to
//! `test-artifacts/` at the workspace root.

use std::path::PathBuf;
use std::process::Stdio;
use std::time::Duration;

use fantoccini::elements::Element;
use fantoccini::wd::WebDriverCompatibleCommand;
use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{Value, json};
use tokio::process::{Child, Command};

use crate::ports::free_port;

/// How long a page may take to show what a test waits for.
const PATIENCE: Duration = Duration::from_secs(20);

/// The workspace's root folder.
pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace").to_path_buf()
}

/// The built web app (`trunk build --release` writes it; `scripts/test` builds it first).
pub fn web_app_dir() -> PathBuf {
    let dir = workspace_root().join("dist");
    assert!(
        dir.join("index.html").exists(),
        "the web app is not built: run `trunk --config trunk.toml build --release` (scripts/test does)"
    );
    dir
}

/// Where screenshots are written.
pub fn artifacts_dir() -> PathBuf {
    let dir = workspace_root().join("test-artifacts");
    std::fs::create_dir_all(&dir).expect("artifacts folder");
    dir
}

/// A Chrome DevTools Protocol command, sent through chromedriver.
#[derive(Debug)]
struct Cdp {
    cmd: String,
    params: Value,
}

impl WebDriverCompatibleCommand for Cdp {
    fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
        base_url.join(&format!("session/{}/goog/cdp/execute", session_id.unwrap_or_default()))
    }

    fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
        (http::Method::POST, Some(json!({ "cmd": self.cmd, "params": self.params }).to_string()))
    }
}

/// How the browser window is set up.
#[derive(Clone, Debug)]
pub struct BrowserOptions {
    /// Window width in CSS pixels (360: a small phone).
    pub width: u32,
    /// Window height.
    pub height: u32,
    /// The browser's preferred language, e.g. `en-GB`.
    pub language: String,
}

impl Default for BrowserOptions {
    fn default() -> Self {
        Self { width: 360, height: 780, language: "en-GB".into() }
    }
}

/// A browser with a fresh profile, pointed at a server.
pub struct Browser {
    /// The WebDriver session.
    pub client: Client,
    /// `http://127.0.0.1:PORT` of the app.
    pub base: String,
    driver: Child,
    _profile: tempfile::TempDir,
}

impl Browser {
    /// Opens a browser on the app at `base` with a phone-sized window.
    pub async fn open(base: &str) -> Self {
        Self::open_with(base, BrowserOptions::default()).await
    }

    /// Opens a browser with `options`.
    pub async fn open_with(base: &str, options: BrowserOptions) -> Self {
        let port = free_port();
        let driver = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .kill_on_drop(true)
            .spawn()
            .expect("chromedriver is installed (apt-get install chromium chromium-driver)");
        let webdriver = format!("http://127.0.0.1:{port}");
        wait_until_listening(port).await;
        let profile = tempfile::tempdir().expect("profile folder");
        let mut capabilities = serde_json::Map::new();
        capabilities.insert("browserName".into(), json!("chrome"));
        capabilities.insert(
            "goog:chromeOptions".into(),
            json!({
                "binary": chromium_binary(),
                "args": [
                    "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                    "--disable-background-networking", "--disable-component-update", "--disable-sync",
                    "--disable-dev-shm-usage",
                    format!("--window-size={},{}", options.width, options.height),
                    format!("--lang={}", options.language),
                    format!("--user-data-dir={}", profile.path().display()),
                ],
                "prefs": { "intl.accept_languages": options.language },
            }),
        );
        capabilities.insert("goog:loggingPrefs".into(), json!({ "browser": "ALL" }));
        let client = ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new())
            .capabilities(capabilities)
            .connect(&webdriver)
            .await
            .expect("a Chromium session");
        let browser = Self { client, base: base.trim_end_matches('/').to_owned(), driver, _profile: profile };
        // A desktop window cannot be narrower than 500 px: emulate the phone's screen instead.
        let metrics = json!({ "width": options.width, "height": options.height, "deviceScaleFactor": 1, "mobile": options.width < 600 });
        browser.cdp("Emulation.setDeviceMetricsOverride", metrics).await;
        browser
    }

    /// Opens `path` of the app.
    pub async fn goto(&self, path: &str) {
        self.client.goto(&format!("{}{path}", self.base)).await.expect("navigation");
    }

    /// The element matching `css`, once it shows.
    pub async fn find(&self, css: &str) -> Element {
        match self.client.wait().at_most(PATIENCE).for_element(Locator::Css(css)).await {
            Ok(element) => element,
            Err(err) => {
                self.screenshot(&format!("failed-{}", sanitize(css))).await;
                panic!("{css} never showed: {err}; page: {}", self.body_text().await)
            }
        }
    }

    /// Whether an element matching `css` is on the page now.
    pub async fn has(&self, css: &str) -> bool {
        self.client.find(Locator::Css(css)).await.is_ok()
    }

    /// Waits until the text of `css` contains `needle`; returns the text.
    pub async fn wait_text(&self, css: &str, needle: &str) -> String {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let text = match self.client.find(Locator::Css(css)).await {
                Ok(element) => element.text().await.unwrap_or_default(),
                Err(_) => String::new(),
            };
            if text.contains(needle) {
                return text;
            }
            if tokio::time::Instant::now() > deadline {
                self.screenshot(&format!("failed-{}", sanitize(needle))).await;
                panic!("{css} never said {needle:?}; it says {text:?}; page: {}", self.body_text().await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// Waits until the JavaScript expression `condition` is true.
    pub async fn wait_js(&self, what: &str, condition: &str) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while self.js(&format!("return !!({condition});")).await != json!(true) {
            if tokio::time::Instant::now() > deadline {
                self.screenshot(&format!("failed-{}", sanitize(what))).await;
                panic!("{what} never happened; page: {}", self.body_text().await);
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    /// The text of the whole page.
    pub async fn body_text(&self) -> String {
        match self.client.find(Locator::Css("body")).await {
            Ok(body) => body.text().await.unwrap_or_default(),
            Err(_) => String::new(),
        }
    }

    /// Types `value` into the field matching `css`.
    pub async fn fill(&self, css: &str, value: &str) {
        let field = self.find(css).await;
        field.clear().await.ok();
        field.send_keys(value).await.expect("typing");
    }

    /// Clicks the element matching `css`.
    pub async fn click(&self, css: &str) {
        self.find(css).await.click().await.unwrap_or_else(|err| panic!("clicking {css}: {err}"));
    }

    /// Runs JavaScript in the page and returns its result.
    pub async fn js(&self, script: &str) -> Value {
        self.client.execute(script, Vec::new()).await.unwrap_or(Value::Null)
    }

    /// Sends a Chrome DevTools Protocol command.
    pub async fn cdp(&self, cmd: &str, params: Value) -> Value {
        self.client.issue_cmd(Cdp { cmd: cmd.into(), params }).await.expect("DevTools command")
    }

    /// Writes a screenshot to `test-artifacts/NAME.png`.
    pub async fn screenshot(&self, name: &str) {
        if let Ok(png) = self.client.screenshot().await {
            let _ = std::fs::write(artifacts_dir().join(format!("{name}.png")), png);
        }
    }

    /// Signs in through the form.
    pub async fn sign_in(&self, identifier: &str, password: &str) {
        self.goto("/login").await;
        self.fill("#identifier", identifier).await;
        self.fill("#password", password).await;
        self.click("form button[type=submit]").await;
        self.find("header nav").await;
    }

    /// Whether a service worker controls the page (the app shell works offline from then on).
    pub async fn wait_for_service_worker(&self) {
        self.wait_js(
            "the service worker controls the page",
            "navigator.serviceWorker && navigator.serviceWorker.controller",
        )
        .await;
    }

    /// Messages the page logged at level SEVERE (errors, panics).
    pub async fn severe_logs(&self) -> Vec<String> {
        #[derive(Debug)]
        struct Logs;
        impl WebDriverCompatibleCommand for Logs {
            fn endpoint(&self, base_url: &url::Url, session_id: Option<&str>) -> Result<url::Url, url::ParseError> {
                base_url.join(&format!("session/{}/se/log", session_id.unwrap_or_default()))
            }
            fn method_and_body(&self, _: &url::Url) -> (http::Method, Option<String>) {
                (http::Method::POST, Some(json!({ "type": "browser" }).to_string()))
            }
        }
        let logs = self.client.issue_cmd(Logs).await.unwrap_or(Value::Null);
        logs.as_array()
            .map(|entries| {
                entries
                    .iter()
                    .filter(|entry| entry["level"] == "SEVERE")
                    .filter_map(|entry| entry["message"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default()
    }

    /// Ends the session and the driver.
    pub async fn close(mut self) {
        let _ = self.client.clone().close().await;
        let _ = self.driver.kill().await;
    }
}

fn sanitize(text: &str) -> String {
    text.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '-' }).take(40).collect()
}

fn chromium_binary() -> &'static str {
    ["/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"]
        .into_iter()
        .find(|path| std::path::Path::new(path).exists())
        .unwrap_or("/usr/bin/chromium")
}

async fn wait_until_listening(port: u16) {
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("chromedriver did not start on port {port}");
}
