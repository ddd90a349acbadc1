//! The report: Markdown tables, and every figure as JSON in `target/bench/results.json`.

use std::fmt::Write as _;
use std::path::Path;

use serde::Serialize;

use crate::attack::{ATTACKERS, AttackResult, HEALTH_TARGET_MS, PROBES_PER_SECOND};
use crate::footprint::Footprint;
use crate::instructions::InstructionCount;
use crate::ota::OtaResult;
use crate::read_path::ReadResult;
use crate::sql_count::SqlCount;
use crate::subscriptions::SubscriptionResult;

/// Everything the suite measured.
#[derive(Default, Serialize)]
pub struct Results {
    /// The read path.
    pub read_path: Vec<ReadResult>,
    /// Statements per query as lists grow.
    pub sql_count: Vec<SqlCount>,
    /// Memory and start.
    pub footprint: Vec<Footprint>,
    /// Live subscriptions.
    pub subscriptions: Vec<SubscriptionResult>,
    /// Live subscriptions across the instances of a cluster (NATS), one instance first.
    pub cluster: Vec<SubscriptionResult>,
    /// The OTA engine.
    pub ota: Vec<OtaResult>,
    /// Instructions per canonical operation.
    pub instructions: Vec<InstructionCount>,
    /// `/healthz` under attack.
    pub attacks: Vec<AttackResult>,
    /// Telemetry ingestion over MQTT and the chart query.
    pub telemetry: Vec<crate::telemetry::TelemetryResult>,
    /// Size of the release `caas` binary.
    pub binary_bytes: Option<u64>,
    /// The commit measured (`measured_commit`).
    pub commit: String,
    /// The instruction counts of an earlier run (`--baseline`), shown beside this run's.
    #[serde(skip)]
    pub instructions_before: Option<Baseline>,
}

/// The instruction counts of an earlier run, read from its `results.json`.
#[derive(Debug, Default)]
pub struct Baseline {
    /// The commit that run measured.
    pub commit: String,
    /// Instructions per operation, by the operation's name.
    pub counts: Vec<(String, u64)>,
}

impl Baseline {
    /// Reads the `results.json` an earlier run wrote.
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let results: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
        let commit = results["commit"].as_str().unwrap_or("an unknown commit").to_owned();
        let counts = results["instructions"]
            .as_array()
            .map(|counts| {
                counts
                    .iter()
                    .filter_map(|count| {
                        Some((count["operation"].as_str()?.to_owned(), count["instructions"].as_u64()?))
                    })
                    .collect()
            })
            .unwrap_or_default();
        Ok(Self { commit, counts })
    }

    fn of(&self, operation: &str) -> Option<u64> {
        self.counts.iter().find(|(name, _)| name == operation).map(|(_, count)| *count)
    }
}

fn verdict(met: bool) -> &'static str {
    if met { "met" } else { "**not met**" }
}

/// The commit the measured code is at, and whether the work tree had changes besides.
pub fn measured_commit() -> String {
    let git = |args: &[&str]| {
        std::process::Command::new("git")
            .args(args)
            .output()
            .ok()
            .filter(|output| output.status.success())
            .map(|output| String::from_utf8_lossy(&output.stdout).trim().to_owned())
    };
    match (git(&["rev-parse", "--short", "HEAD"]), git(&["status", "--porcelain", "--untracked-files=no"])) {
        (Some(commit), Some(changes)) if changes.is_empty() => format!("commit `{commit}`"),
        (Some(commit), Some(_)) => format!("commit `{commit}` with uncommitted changes"),
        _ => "an unknown commit".to_owned(),
    }
}

/// The report in Markdown.
pub fn markdown(results: &Results) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "Measured at {}.\n", results.commit);
    if !results.read_path.is_empty() {
        read_path_table(&mut out, results);
    }
    if !results.sql_count.is_empty() {
        sql_table(&mut out, results);
    }
    if !results.subscriptions.is_empty() {
        subscriptions_table(&mut out, results);
    }
    if !results.cluster.is_empty() {
        cluster_table(&mut out, results);
    }
    if !results.ota.is_empty() {
        ota_tables(&mut out, results);
    }
    if !results.instructions.is_empty() {
        instructions_table(&mut out, results);
    }
    if !results.footprint.is_empty() {
        footprint_table(&mut out, results);
    }
    if !results.attacks.is_empty() {
        attack_table(&mut out, results);
    }
    if !results.telemetry.is_empty() {
        telemetry_table(&mut out, results);
    }
    if let Some(bytes) = results.binary_bytes {
        let _ = writeln!(out, "\nRelease binary `caas`: {:.1} MiB.", bytes as f64 / (1024.0 * 1024.0));
    }
    out
}

fn read_path_table(out: &mut String, results: &Results) {
    let _ = writeln!(
        out,
        "### Read path (requests/s, median of the runs; latency at 50 % and 80 % of the GraphQL maximum)\n"
    );
    let _ = writeln!(
        out,
        "| database | query | statements | GraphQL | baseline | ratio | target | server CPU per request | p50 / p99 at 50 % | p50 / p99 at 80 % | failures |"
    );
    let _ = writeln!(out, "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|");
    for r in &results.read_path {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {:.0} | {:.0} ({}) | {:.2}× | ≥ {}× {} | {} | {:.1} / {:.1} ms | {:.1} / {:.1} ms | {} |",
            r.database,
            r.query,
            r.statements,
            crate::load::median(&r.graphql_rps),
            crate::load::median(&r.baseline_rps),
            r.baseline,
            r.ratio,
            r.target,
            verdict(r.ratio >= r.target),
            cpu_cell(r),
            r.at_50.0,
            r.at_50.1,
            r.at_80.0,
            r.at_80.1,
            r.failures,
        );
    }
}

/// The median server CPU per request, with its target's verdict where it has one.
fn cpu_cell(r: &ReadResult) -> String {
    let cpu_ms = crate::load::median(&r.cpu_per_request_us) / 1000.0;
    match r.cpu_target_us {
        Some(target) => format!("{cpu_ms:.2} ms (≤ {:.1} ms {})", target / 1000.0, verdict(cpu_ms * 1000.0 <= target)),
        None => format!("{cpu_ms:.2} ms"),
    }
}

fn sql_table(out: &mut String, results: &Results) {
    let _ = writeln!(out, "\n### SQL statements per query as the lists grow\n");
    let _ = writeln!(out, "| database | cars | items (cars + activations) | statements |");
    let _ = writeln!(out, "|---|---:|---:|---:|");
    for c in &results.sql_count {
        let _ = writeln!(out, "| {} | {} | {} | {} |", c.database, c.vehicles, c.items, c.statements);
    }
}

fn cluster_table(out: &mut String, results: &Results) {
    let _ = writeln!(
        out,
        "\n### Subscriptions across instances (PostgreSQL and NATS; subscription `n` on instance `n mod k`, each instance producing the events of its own block of activations, so that with two most events cross from one to the other)\n"
    );
    let _ = writeln!(
        out,
        "| instances | subscriptions | events received / due | p50 | p99 | delivered per second | ratio to one instance | server CPU (all instances) |"
    );
    let _ = writeln!(out, "|---:|---:|---:|---:|---:|---:|---:|---:|");
    let per_second = |s: &SubscriptionResult| s.received as f64 / f64::from(s.seconds.max(1));
    let one = results.cluster.iter().find(|s| s.instances == 1).map(per_second);
    for s in &results.cluster {
        let ratio = one.filter(|one| *one > 0.0).map_or("–".to_owned(), |one| format!("{:.2}", per_second(s) / one));
        let _ = writeln!(
            out,
            "| {} | {} | {} / {} | {:.1} ms | {:.1} ms | {:.0} | {ratio} | {:.2} cores |",
            s.instances,
            s.subscriptions,
            s.received,
            s.expected,
            s.p50_ms,
            s.p99_ms,
            per_second(s),
            s.cpu_cores,
        );
    }
}

fn subscriptions_table(out: &mut String, results: &Results) {
    {
        let _ = writeln!(
            out,
            "\n### Subscriptions (`activationProgress`, each of its own activation; one event per subscription per second, spread over the second)\n"
        );
        let _ = writeln!(
            out,
            "| database | subscriptions | events received / due | p50 | p99 (target ≤ 250 ms) | server memory each (target ≤ 40 KB) | server CPU | per delivery (target ≤ 30 µs) | time to open all |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
        for s in &results.subscriptions {
            let _ = writeln!(
                out,
                "| {} | {} | {} / {} | {:.1} ms | {:.1} ms {} | {:.1} KiB {} | {:.2} cores | {:.0} µs {} | {:.1} s |",
                s.database,
                s.subscriptions,
                s.received,
                s.expected,
                s.p50_ms,
                s.p99_ms,
                verdict(s.p99_ms <= 250.0 && s.received == s.expected),
                s.kib_per_subscription,
                verdict(s.kib_per_subscription * 1024.0 <= 40_000.0),
                s.cpu_cores,
                s.cpu_per_delivery_us,
                verdict(s.cpu_per_delivery_us <= 30.0),
                s.connect_seconds,
            );
        }
    }
}

fn ota_tables(out: &mut String, results: &Results) {
    use crate::load::median;
    let _ = writeln!(
        out,
        "\n### OTA engine (activations/s end to end: purchase → authorisation → command to the fleet → ACTIVE → capture → invoice → notices sent)\n"
    );
    let _ = writeln!(
        out,
        "| database | workers | claim batch | activations per run | no-op jobs/s (ceiling; target ≥ 10,000) | end to end/s, to the last notice (target ≥ 1,700 on PostgreSQL) | to the last job's end/s | ratio to ceiling | purchases/s | server CPU per activation | SQL statements per activation |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for o in &results.ota {
        let (noop, e2e) = (median(&o.noop_per_second), median(&o.activations_per_second));
        let on_postgres = o.database == "PostgreSQL";
        let target = if on_postgres { format!(" {}", verdict(e2e >= 1_700.0)) } else { String::new() };
        let ceiling = if on_postgres { format!(" {}", verdict(noop >= 10_000.0)) } else { String::new() };
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {noop:.0}{ceiling} | {e2e:.0}{target} | {:.0} | {:.2}× | {:.0} | {:.2} ms | {:.1} |",
            o.database,
            o.workers,
            o.claim_batch,
            o.per_run,
            median(&o.engine_per_second),
            e2e / noop,
            median(&o.purchases_per_second),
            o.cpu_ms_per_activation,
            o.statements_per_activation,
        );
    }
    if results.ota.iter().any(|o| o.campaign.is_some()) {
        let _ = writeln!(out, "\n### OTA campaign with transient failures\n");
        let _ = writeln!(
            out,
            "| database | cars | transient failures | time to the last notice | ideal | ratio (target ≤ 1.2×) | purchases/s | after the last purchase | ACTIVE / FAILED | invariants broken |"
        );
        let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        for o in &results.ota {
            let Some(c) = &o.campaign else { continue };
            let ratio = c.seconds / c.ideal_seconds;
            let _ = writeln!(
                out,
                "| {} | {} | {:.0} % | {:.1} s | {:.1} s | {ratio:.2}× {} | {:.0} | {:.1} s | {} / {} | {} {} |",
                o.database,
                c.cars,
                c.transient_failure_rate * 100.0,
                c.seconds,
                c.ideal_seconds,
                verdict(ratio <= 1.2),
                c.purchases_per_second,
                c.tail_seconds,
                c.check.active,
                c.check.failed,
                c.check.violations,
                verdict(c.check.violations == 0),
            );
        }
    }
}

fn instructions_table(out: &mut String, results: &Results) {
    let _ = writeln!(out, "\n### Instructions per operation (callgrind, SQLite in process, whole HTTP stack)\n");
    let Some(before) = &results.instructions_before else {
        let _ = writeln!(out, "| operation | instructions | iterations |");
        let _ = writeln!(out, "|---|---:|---:|");
        for count in &results.instructions {
            let _ =
                writeln!(out, "| {:?} | {} | {} |", count.operation, thousands(count.instructions), count.iterations);
        }
        return;
    };
    let _ = writeln!(out, "| operation | before ({}) | now | change | iterations |", before.commit);
    let _ = writeln!(out, "|---|---:|---:|---:|---:|");
    for count in &results.instructions {
        let name = format!("{:?}", count.operation);
        let (was, change) = match before.of(&name) {
            Some(was) => {
                let change = (count.instructions as f64 / was as f64 - 1.0) * 100.0;
                // A rise of more than 5 % has to be explained (the rule): it stands out.
                let change = if change > 5.0 { format!("**{change:+.1} %**") } else { format!("{change:+.1} %") };
                (thousands(was), change)
            }
            None => ("—".to_owned(), "new".to_owned()),
        };
        let now = thousands(count.instructions);
        let _ = writeln!(out, "| {name} | {was} | {now} | {change} | {} |", count.iterations);
    }
}

/// `1234567` as `1,234,567`.
fn thousands(value: u64) -> String {
    let digits = value.to_string();
    let mut out = String::new();
    for (i, digit) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(digit);
    }
    out
}

fn footprint_table(out: &mut String, results: &Results) {
    let _ = writeln!(out, "\n### Memory and start\n");
    let _ = writeln!(
        out,
        "| database | first start (migrate + seed) | restart (median) | RSS idle | RSS peak under load | server CPU under load |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---:|");
    for f in &results.footprint {
        let _ = writeln!(
            out,
            "| {} | {:.0} ms | {:.0} ms | {:.1} MiB | {:.1} MiB | {:.2} cores |",
            f.database, f.first_start_ms, f.restart_ms, f.idle_rss_mib, f.loaded_rss_mib, f.loaded_cpu_cores
        );
    }
}

fn attack_table(out: &mut String, results: &Results) {
    let _ = writeln!(
        out,
        "### `/healthz` under attack ({PROBES_PER_SECOND} probes/s; medians of the runs; attacks from {ATTACKERS} connections back to back, no rate limit)\n"
    );
    let _ = writeln!(
        out,
        "| database | attack | body | every answer holds | answered/s | unexpected | answer p50 / p99 | `/healthz` p50 / p99 / max | target p99 < {HEALTH_TARGET_MS} ms | probes failed |"
    );
    let _ = writeln!(out, "|---|---|---:|---|---:|---:|---:|---:|---|---:|");
    for r in &results.attacks {
        let (p50, p99, max) = r.health_ms;
        let (body, expected, answered, answers) = if r.answered_rps.is_empty() {
            ("—".to_owned(), "—".to_owned(), "—".to_owned(), "—".to_owned())
        } else {
            (
                format!("{} B", thousands(r.body_bytes as u64)),
                format!("`{}`", r.expected.replace('"', "")),
                format!("{:.0}", crate::load::median(&r.answered_rps)),
                format!("{:.1} / {:.1} ms", r.answer_ms.0, r.answer_ms.1),
            )
        };
        let _ = writeln!(
            out,
            "| {} | {} | {body} | {expected} | {answered} | {} | {answers} | {p50:.1} / {p99:.1} / {max:.1} ms | {} | {} |",
            r.database,
            r.attack,
            r.unexpected,
            verdict(p99 < HEALTH_TARGET_MS),
            r.health_failures,
        );
    }
}

/// Writes `target/bench/results.json`, and the Markdown between the `section` markers of `document`.
pub fn save(results: &Results, markdown: &str, document: Option<&Path>, section: &str) -> anyhow::Result<()> {
    std::fs::create_dir_all("target/bench")?;
    std::fs::write("target/bench/results.json", serde_json::to_string_pretty(results)?)?;
    eprintln!("wrote target/bench/results.json");
    if let Some(path) = document {
        let (start_marker, end_marker) = (format!("<!-- {section}:start -->"), format!("<!-- {section}:end -->"));
        let text = std::fs::read_to_string(path)?;
        let (Some(start), Some(end)) = (text.find(&start_marker), text.find(&end_marker)) else {
            anyhow::bail!("{} has no {start_marker} … {end_marker} markers", path.display());
        };
        std::fs::write(path, format!("{}{start_marker}\n{markdown}{}", &text[..start], &text[end..]))?;
        eprintln!("wrote {}", path.display());
    }
    Ok(())
}

fn telemetry_table(out: &mut String, results: &Results) {
    use crate::telemetry::{CHART_TARGET_MS, TARGET_PER_SECOND};
    let _ = writeln!(
        out,
        "\n### Telemetry over MQTT (signed readings, QoS 1, from the first publish to the last stored; median of the runs)\n"
    );
    let _ = writeln!(
        out,
        "| database | cars | readings | stored (counted / rows) | readings/s | runs | target | verdict |"
    );
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---|---:|---|");
    for run in &results.telemetry {
        let runs: Vec<String> = run.runs.iter().map(|rate| format!("{rate:.0}")).collect();
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} / {} | {:.0} | {} | ≥ {:.0} | {} |",
            run.database,
            run.cars,
            run.published,
            run.stored,
            run.rows,
            run.per_second,
            runs.join(", "),
            TARGET_PER_SECOND,
            verdict(run.per_second >= TARGET_PER_SECOND && run.stored == run.published && run.rows == run.published),
        );
    }
    let _ =
        writeln!(out, "\n### A 30-day hourly chart (`Vehicle.telemetry`, resolution HOUR, 200 requests in a row)\n");
    let _ = writeln!(out, "| database | points | median ms | p99 ms | target (median) | verdict |");
    let _ = writeln!(out, "|---|---:|---:|---:|---:|---|");
    for run in &results.telemetry {
        let _ = writeln!(
            out,
            "| {} | {} | {:.1} | {:.1} | ≤ {:.0} | {} |",
            run.database,
            run.chart_points,
            run.chart_ms.0,
            run.chart_ms.1,
            CHART_TARGET_MS,
            verdict(run.chart_ms.0 <= CHART_TARGET_MS),
        );
    }
}
