//! The assistant without a model, in process: the evaluation set (`bench/data/assistant_eval.json`)
//! asked of the seeded FAQ, a workshop's FAQ and a synthetic car's facts in each language. Reports
//! retrieval's hit@3 (the expected passage among the first three hits), how often it declines what
//! it must and answers what it can, and the latency of retrieval plus composition per question —
//! and of `askAssistant` over HTTP on each database, passages read from it and the turn written.

use std::fmt::Write as _;
use std::time::{Duration, Instant};

use caas::assistant::compose::compose;
use caas::assistant::evaluation::{HITS, Quality, Set, evaluate};
use caas::assistant::retrieval::retrieve;
use serde::Serialize;

/// Target share of answerable questions with their passage among the first three hits (issue 20).
pub const HIT_AT_3_TARGET: f64 = 0.9;
/// Target 95th percentile of an answer without a model, in milliseconds (issue 20).
pub const P95_TARGET_MS: f64 = 50.0;
/// What the suite measured.
#[derive(Debug, Serialize)]
pub struct AssistantResult {
    /// Per language, then all together.
    pub quality: Vec<Quality>,
    /// Questions answered per repetition of the set.
    pub questions: usize,
    /// Repetitions of the whole set timed.
    pub repetitions: usize,
    /// Retrieval and composition per question, in milliseconds.
    pub median_ms: f64,
    /// The same at the 95th percentile.
    pub p95_ms: f64,
    /// The slowest question.
    pub max_ms: f64,
    /// The questions whose expected passage was not among the first three, with what was found.
    pub misses: Vec<String>,
    /// `askAssistant` over HTTP without a model, per database.
    pub api: Vec<ApiLatency>,
}

/// `askAssistant` answered by the server without a model: one client asking the German questions of
/// the set one after the other, as Anna about her car (the passages are read from the database, the
/// conversation and the turn written to it).
#[derive(Debug, Serialize)]
pub struct ApiLatency {
    /// `SQLite` or `PostgreSQL`.
    pub database: String,
    /// Questions asked.
    pub questions: usize,
    /// Wall time per answer, in milliseconds.
    pub median_ms: f64,
    /// The same at the 95th percentile.
    pub p95_ms: f64,
    /// The slowest answer.
    pub max_ms: f64,
    /// Answers that were errors.
    pub failures: usize,
}

const ASK: &str = "mutation($q: String!, $vin: String) { askAssistant(question: $q, vin: $vin) { status mode } }";

/// Times `askAssistant` on `server` for the set's German questions, `repetitions` times over.
pub async fn over_api(server: &crate::child::Child, database: &str, repetitions: usize) -> anyhow::Result<ApiLatency> {
    let set = Set::load()?;
    let token = server.token("customer@demo.caas").await?;
    let cars = server.graphql(Some(&token), "{ myVehicles { nodes { vin } } }", serde_json::json!({})).await?;
    let vin = cars["myVehicles"]["nodes"][0]["vin"].as_str().unwrap_or_default().to_owned();
    let german: Vec<_> = set.questions.iter().filter(|question| question.language == "de").collect();
    let (mut times, mut failures) = (Vec::new(), 0);
    for _ in 0..repetitions.max(5) {
        for question in &german {
            let variables = serde_json::json!({ "q": question.question, "vin": vin });
            let started = Instant::now();
            let answer = server.graphql(Some(&token), ASK, variables).await;
            times.push(started.elapsed());
            failures += usize::from(answer.map_or(true, |data| data["askAssistant"]["status"] != "DONE"));
        }
    }
    times.sort();
    let at = |share: f64| millis(times[((times.len() - 1) as f64 * share).round() as usize]);
    Ok(ApiLatency {
        database: database.to_owned(),
        questions: times.len(),
        median_ms: at(0.5),
        p95_ms: at(0.95),
        max_ms: at(1.0),
        failures,
    })
}

/// Runs the evaluation, timing `repetitions` passes of the whole set (at least 5).
pub fn run(repetitions: usize) -> anyhow::Result<AssistantResult> {
    let set = Set::load()?;
    let evaluation = evaluate(&set).map_err(anyhow::Error::msg)?;
    let (quality, misses, asked) = (evaluation.quality, evaluation.misses, evaluation.knowledge);
    let repetitions = repetitions.max(5);
    let mut times = Vec::new();
    for _ in 0..repetitions {
        for (locale, passages) in &asked {
            for question in set.questions.iter().filter(|question| question.language == locale.tag()) {
                let started = Instant::now();
                let hits = retrieve(&question.question, *locale, passages, HITS);
                std::hint::black_box(compose(&question.question, *locale, &hits, true));
                times.push(started.elapsed());
            }
        }
    }
    times.sort();
    let at = |share: f64| millis(times[((times.len() - 1) as f64 * share).round() as usize]);
    Ok(AssistantResult {
        quality,
        questions: times.len() / repetitions,
        repetitions,
        median_ms: at(0.5),
        p95_ms: at(0.95),
        max_ms: at(1.0),
        misses,
        api: Vec::new(),
    })
}

fn millis(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

fn share(part: usize, whole: usize) -> f64 {
    if whole == 0 { 0.0 } else { part as f64 / whole as f64 }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**not met**" }
}

impl AssistantResult {
    /// The suite's tables in Markdown.
    pub fn markdown(&self) -> String {
        let mut out = String::new();
        let all = self.quality.last().cloned().unwrap_or_default();
        let _ = writeln!(
            out,
            "\n### The assistant without a model (`bench/data/assistant_eval.json`: {} answerable, {} unrelated and {} near questions)\n",
            all.answerable, all.unrelated, all.near
        );
        let _ = writeln!(
            out,
            "| language | passages | hit@1 | hit@3 | answerable answered | unrelated declined | near declined |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|");
        for q in &self.quality {
            let _ = writeln!(
                out,
                "| {} | {} | {:.1} % | {:.1} % ({}/{}) | {:.1} % | {:.1} % ({}/{}) | {}/{} |",
                q.language,
                q.passages,
                100.0 * share(q.hit_at_1, q.answerable),
                100.0 * share(q.hit_at_3, q.answerable),
                q.hit_at_3,
                q.answerable,
                100.0 * share(q.answered, q.answerable),
                100.0 * share(q.declined, q.unrelated),
                q.declined,
                q.unrelated,
                q.near_declined,
                q.near,
            );
        }
        let hit_at_3 = share(all.hit_at_3, all.answerable);
        let _ = writeln!(
            out,
            "\nTargets: hit@3 ≥ {:.0} % — {}; every unrelated question declined — {}.",
            HIT_AT_3_TARGET * 100.0,
            verdict(hit_at_3 >= HIT_AT_3_TARGET),
            verdict(all.declined == all.unrelated)
        );
        let _ = writeln!(
            out,
            "\n| retrieve + compose per question | questions × repetitions | median | p95 | max | target (p95) | verdict |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---|");
        let _ = writeln!(
            out,
            "| in process ({} build), index built per question | {} × {} | {:.3} ms | {:.3} ms | {:.3} ms | ≤ {:.0} ms | {} |",
            if cfg!(debug_assertions) { "debug" } else { "release" },
            self.questions,
            self.repetitions,
            self.median_ms,
            self.p95_ms,
            self.max_ms,
            P95_TARGET_MS,
            verdict(self.p95_ms <= P95_TARGET_MS)
        );
        for api in &self.api {
            let _ = writeln!(
                out,
                "| `askAssistant` over HTTP on {}, as Anna about her car, one client | {} questions ({} failed) | {:.3} ms | {:.3} ms | {:.3} ms | ≤ {:.0} ms | {} |",
                api.database,
                api.questions,
                api.failures,
                api.median_ms,
                api.p95_ms,
                api.max_ms,
                P95_TARGET_MS,
                verdict(api.p95_ms <= P95_TARGET_MS && api.failures == 0)
            );
        }
        if !self.misses.is_empty() {
            let _ = writeln!(out, "\nNot among the first three hits:\n");
            for miss in &self.misses {
                let _ = writeln!(out, "- {miss}");
            }
        }
        out
    }

    /// Writes the figures to `target/bench/assistant.json`.
    pub fn save(&self) -> anyhow::Result<()> {
        std::fs::create_dir_all("target/bench")?;
        std::fs::write("target/bench/assistant.json", serde_json::to_string_pretty(self)?)?;
        eprintln!("wrote target/bench/assistant.json");
        Ok(())
    }
}
