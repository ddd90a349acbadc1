//! The server under test, in a process of its own: the load generator never shares its runtime.

use std::process::Stdio;
use std::time::{Duration, Instant};

use anyhow::{Context as _, bail};
use sea_orm::{ConnectionTrait, Database};
use tokio::io::{AsyncBufReadExt, BufReader};
use tokio::process::{Child as Process, Command};

use crate::Databases;

/// A database the suite runs against, created empty for the run.
pub struct BenchDatabase {
    /// `SQLite` or `PostgreSQL`.
    pub label: String,
    /// Its URL.
    pub url: String,
    /// Keeps a SQLite file's directory for the run.
    _dir: Option<tempfile::TempDir>,
}

/// The databases to benchmark: a fresh SQLite file, and a fresh PostgreSQL database when asked for
/// and reachable.
pub async fn databases(wanted: Databases) -> anyhow::Result<Vec<BenchDatabase>> {
    let mut databases = Vec::new();
    if wanted != Databases::Postgres {
        let dir = tempfile::tempdir()?;
        let url = format!("sqlite://{}?mode=rwc", dir.path().join("bench.db").display());
        databases.push(BenchDatabase { label: "SQLite".into(), url, _dir: Some(dir) });
    }
    if wanted != Databases::Sqlite {
        let admin = std::env::var("BENCH_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into());
        match Database::connect(&admin).await {
            Ok(db) => {
                db.execute_unprepared("DROP DATABASE IF EXISTS caas_bench WITH (FORCE)").await?;
                db.execute_unprepared("CREATE DATABASE caas_bench").await?;
                let (base, _) = admin.rsplit_once('/').context("a database URL ends in /NAME")?;
                databases.push(BenchDatabase {
                    label: "PostgreSQL".into(),
                    url: format!("{base}/caas_bench"),
                    _dir: None,
                });
            }
            Err(error) if wanted == Databases::Both => eprintln!("PostgreSQL is not reachable ({error}): SQLite only"),
            Err(error) => return Err(error).context("connecting to PostgreSQL"),
        }
    }
    Ok(databases)
}

/// The server process.
pub struct Child {
    process: Process,
    /// `http://127.0.0.1:PORT`.
    pub address: String,
    /// From spawning the process until `/readyz` answered 200.
    pub ready_after: Duration,
    /// A client for the suite's own calls.
    pub client: reqwest::Client,
}

impl Child {
    /// Starts `caas-bench server` on `database_url` (migrated, seeded with the demo when empty)
    /// with `env` set, and waits until it is ready.
    pub async fn start(database_url: &str, env: &[(&str, &str)]) -> anyhow::Result<Self> {
        let started = Instant::now();
        let mut command = Command::new(std::env::current_exe()?);
        command
            .args(["server", "--database-url", database_url])
            .envs(env.iter().copied())
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .kill_on_drop(true);
        let mut process = command.spawn().context("starting the server process")?;
        let stdout = process.stdout.take().context("the server's stdout")?;
        let mut lines = BufReader::new(stdout).lines();
        let address = loop {
            match lines.next_line().await? {
                Some(line) => {
                    if let Some(address) = line.strip_prefix("LISTENING ") {
                        break address.to_owned();
                    }
                }
                None => bail!("the server process ended before listening"),
            }
        };
        // The server's log (BENCH_SERVER_LOG sets its filter) goes on to the suite's standard error.
        tokio::spawn(async move {
            while let Ok(Some(line)) = lines.next_line().await {
                eprintln!("server: {line}");
            }
        });
        let client = reqwest::Client::builder().timeout(Duration::from_secs(60)).build()?;
        loop {
            let ready = client.get(format!("{address}/readyz")).send().await;
            if ready.is_ok_and(|response| response.status().is_success()) {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        Ok(Self { process, address, ready_after: started.elapsed(), client })
    }

    /// The process id.
    pub fn pid(&self) -> u32 {
        self.process.id().unwrap_or_default()
    }

    /// Resident memory, KiB.
    pub fn rss_kib(&self) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.pid())).unwrap_or_default();
        status
            .lines()
            .find_map(|line| line.strip_prefix("VmRSS:"))
            .and_then(|value| value.split_whitespace().next()?.parse().ok())
            .unwrap_or_default()
    }

    /// CPU time used so far (user + system), seconds.
    pub fn cpu_seconds(&self) -> f64 {
        let stat = std::fs::read_to_string(format!("/proc/{}/stat", self.pid())).unwrap_or_default();
        // Fields after the command name (which may hold spaces) start after the last ')'.
        let fields: Vec<&str> =
            stat.rsplit_once(')').map(|(_, rest)| rest.split_whitespace().collect()).unwrap_or_default();
        let ticks: f64 = [11, 12].iter().filter_map(|&i| fields.get(i)?.parse::<f64>().ok()).sum();
        ticks / 100.0
    }

    /// The value of a counter or gauge of `/metrics`.
    pub async fn metric(&self, name: &str) -> anyhow::Result<f64> {
        let text = self.client.get(format!("{}/metrics", self.address)).send().await?.text().await?;
        text.lines()
            .find_map(|line| line.strip_prefix(name)?.strip_prefix(' ')?.trim().parse().ok())
            .with_context(|| format!("metric {name}"))
    }

    /// Runs a GraphQL operation (as `token`'s holder) and returns the answer's `data`.
    pub async fn graphql(
        &self,
        token: Option<&str>,
        query: &str,
        variables: serde_json::Value,
    ) -> anyhow::Result<serde_json::Value> {
        let mut request = self.client.post(format!("{}/graphql", self.address));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        let answer: serde_json::Value =
            request.json(&serde_json::json!({ "query": query, "variables": variables })).send().await?.json().await?;
        if let Some(errors) = answer.get("errors") {
            bail!("GraphQL errors: {errors}");
        }
        Ok(answer["data"].clone())
    }

    /// Signs in and returns the access token.
    pub async fn token(&self, email: &str) -> anyhow::Result<String> {
        const LOGIN: &str =
            "mutation($i: String!, $p: String!) { login(identifier: $i, password: $p) { accessToken } }";
        let data = self.graphql(None, LOGIN, serde_json::json!({ "i": email, "p": "caas-demo" })).await?;
        data["login"]["accessToken"].as_str().map(str::to_owned).context("an access token")
    }

    /// Stops the server: closing its standard input is its signal to shut down gracefully.
    pub async fn stop(mut self) {
        drop(self.process.stdin.take());
        if tokio::time::timeout(Duration::from_secs(30), self.process.wait()).await.is_err() {
            let _ = self.process.kill().await;
        }
    }
}
