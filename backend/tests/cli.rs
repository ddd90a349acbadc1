//! The `caas` binary as a user runs it: `serve` with the embedded defaults, `seed`,
//! `export-schema --check`, and a clean stop on SIGTERM.

use std::net::TcpListener;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const BINARY: &str = env!("CARGO_BIN_EXE_caas");

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").expect("bind").local_addr().expect("addr").port()
}

/// The binary with a clean environment of `CAAS_*` settings, in `dir`.
fn caas(dir: &std::path::Path) -> Command {
    let mut command = Command::new(BINARY);
    command.current_dir(dir).env_remove("DATABASE_URL").env("CAAS_LOG", "warn");
    for (key, _) in std::env::vars() {
        if key.starts_with("CAAS_") {
            command.env_remove(key);
        }
    }
    command
}

struct Running(Child);

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

async fn wait_until_up(base: &str) {
    let deadline = Instant::now() + Duration::from_secs(60);
    while reqwest::get(format!("{base}/healthz")).await.is_err() {
        assert!(Instant::now() < deadline, "the server did not come up within 60 s");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

#[tokio::test]
async fn serve_starts_with_demo_data_and_graphiql_and_stops_on_sigterm() {
    let dir = tempfile::tempdir().expect("dir");
    let port = free_port();
    let base = format!("http://127.0.0.1:{port}");
    let child = caas(dir.path())
        .env("CAAS_LISTEN", format!("127.0.0.1:{port}"))
        .arg("serve")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start caas");
    let mut server = Running(child);
    wait_until_up(&base).await;

    // The embedded default database is a SQLite file in the working directory.
    assert!(dir.path().join("caas.db").exists());
    let client = reqwest::Client::new();
    let page = client.get(format!("{base}/graphql")).header("accept", "text/html").send().await.expect("graphiql");
    assert_eq!(page.status(), 200);
    assert!(page.text().await.expect("html").to_lowercase().contains("graphiql"));
    let login = client
        .post(format!("{base}/graphql"))
        .json(&serde_json::json!({ "query": "mutation { login(identifier: \"customer@demo.caas\", password: \"caas-demo\") { user { name } } }" }))
        .send()
        .await
        .expect("login")
        .json::<serde_json::Value>()
        .await
        .expect("json");
    assert_eq!(login["data"]["login"]["user"]["name"], "Anna Becker", "{login}");

    let pid = server.0.id().to_string();
    assert!(Command::new("kill").args(["-TERM", &pid]).status().expect("kill").success());
    let deadline = Instant::now() + Duration::from_secs(30);
    let status = loop {
        if let Some(status) = server.0.try_wait().expect("wait") {
            break status;
        }
        assert!(Instant::now() < deadline, "no exit within 30 s of SIGTERM");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert!(status.success(), "exit status after SIGTERM: {status}");
}

#[test]
fn seed_prints_the_partner_key_once() {
    let dir = tempfile::tempdir().expect("dir");
    let first = caas(dir.path()).arg("seed").output().expect("seed");
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let stdout = String::from_utf8_lossy(&first.stdout);
    assert!(stdout.contains("caas_demopartner_"), "{stdout}");
    assert!(stdout.contains("customer2@demo.caas"), "{stdout}");
    let again = caas(dir.path()).arg("seed").output().expect("seed again");
    assert!(!again.status.success(), "seeding twice must refuse");
}

#[test]
fn production_refuses_to_start_with_the_demo_secret() {
    let dir = tempfile::tempdir().expect("dir");
    let out = caas(dir.path())
        .env("CAAS_ENV", "production")
        .env("CAAS_SEED_DEMO", "false")
        .arg("serve")
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("CAAS_JWT_SECRET"));
}

#[test]
fn the_committed_schema_is_current() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let out = Command::new(BINARY).current_dir(root).args(["export-schema", "--check"]).output().expect("run");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test]
async fn simulators_run_on_their_own() {
    let dir = tempfile::tempdir().expect("dir");
    let factory_port = free_port();
    let registration_port = free_port();
    let _factory = Running(
        caas(dir.path())
            .args(["simulate", "factory", "--bind", &format!("127.0.0.1:{factory_port}")])
            .stdout(Stdio::null())
            .spawn()
            .expect("factory"),
    );
    let _registration = Running(
        caas(dir.path())
            .args(["simulate", "registration", "--bind", &format!("127.0.0.1:{registration_port}")])
            .stdout(Stdio::null())
            .spawn()
            .expect("registration"),
    );
    let client = reqwest::Client::new();
    let factory = format!("http://127.0.0.1:{factory_port}");
    let deadline = Instant::now() + Duration::from_secs(30);
    while client.get(format!("{factory}/control")).send().await.is_err() {
        assert!(Instant::now() < deadline, "the factory simulator did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let order = serde_json::json!({ "orderRef": "0193f8a0-0000-7000-8000-000000000001", "orderNumber": "ORD-1", "modelCode": "AURORA", "configuration": {} });
    let placed = client.post(format!("{factory}/orders")).json(&order).send().await.expect("order");
    assert_eq!(placed.status(), 201);
    let confirmation: serde_json::Value = placed.json().await.expect("json");
    assert_eq!(confirmation["vin"].as_str().map(str::len), Some(17));

    let registration = format!("http://127.0.0.1:{registration_port}");
    while client.get(format!("{registration}/control")).send().await.is_err() {
        assert!(Instant::now() < deadline, "the registration simulator did not start");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let request = serde_json::json!({ "vin": confirmation["vin"], "country": "ES", "holderName": "Ana", "holderEmail": "ana@example.com" });
    let registered: serde_json::Value = client
        .post(format!("{registration}/registrations"))
        .json(&request)
        .send()
        .await
        .expect("register")
        .json()
        .await
        .expect("json");
    assert_eq!(registered["plate"].as_str().map(str::len), Some(8), "{registered}");
}
