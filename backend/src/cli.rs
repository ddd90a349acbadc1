//! The `caas` command line: serve, migrate, seed, export the schema.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use clap::{Parser, Subcommand};
use migration::{Migrator, MigratorTrait};
use tokio_util::sync::CancellationToken;

use crate::app::App;
use crate::config::Config;
use crate::integrations::Integrations;
use crate::integrations::factory::simulator::{FactorySimulator, FactorySimulatorConfig};
use crate::integrations::fleet::simulator::FleetSimulator;
use crate::integrations::mail::catcher::MailCatcher;
use crate::integrations::payments::simulator::{PaymentSimulator, PaymentSimulatorConfig};
use crate::integrations::registration::simulator::RegistrationSimulator;
use crate::platform::clock::SystemClock;
use crate::platform::db;
use crate::platform::events::BroadcastEventBus;
use crate::platform::metrics::Metrics;
use crate::server::Server;
use crate::{logging, schema, seed};

/// CaaS: the Car-as-a-Service platform server.
#[derive(Debug, Parser)]
#[command(name = "caas", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    config: Config,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server (the default): migrates, seeds the demo into an empty development database.
    Serve,
    /// Apply pending migrations, or roll back.
    Migrate {
        /// Roll back this many migrations instead.
        #[arg(long)]
        down: Option<u32>,
    },
    /// Load the demo data (regions, dealerships, vehicles, features, demo users) and print the demo
    /// partner API key.
    Seed,
    /// Run one simulator of an external system on its own, until Ctrl-C.
    Simulate {
        #[command(subcommand)]
        system: SimulatedSystem,
    },
    /// Write the GraphQL schema (SDL) to a file.
    ExportSchema {
        /// Where to write it.
        #[arg(default_value = "schema.graphql")]
        path: PathBuf,
        /// Only check that the file is up to date; fail if it is not.
        #[arg(long)]
        check: bool,
    },
}

#[derive(Debug, Subcommand)]
enum SimulatedSystem {
    /// The factory: takes orders, builds cars, sends signed status webhooks.
    Factory {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:9101")]
        bind: SocketAddr,
        /// Where to send the status webhooks.
        #[arg(long, default_value = "http://127.0.0.1:8080/webhooks/factory")]
        webhook_url: String,
    },
    /// The payment gateway (Stripe's API subset), sending Stripe-signed webhooks.
    Payments {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:9102")]
        bind: SocketAddr,
        /// Where to send the webhooks.
        #[arg(long, default_value = "http://127.0.0.1:8080/webhooks/payments")]
        webhook_url: String,
    },
    /// The vehicles' IoT API: a fleet with failure and latency knobs.
    Fleet {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:9104")]
        bind: SocketAddr,
    },
    /// The vehicle registration authority.
    Registration {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:9103")]
        bind: SocketAddr,
    },
    /// A mail catcher: an SMTP server keeping every message, with an HTTP view.
    Mail {
        /// SMTP address.
        #[arg(long, default_value = "127.0.0.1:2525")]
        smtp: SocketAddr,
        /// Address of the HTTP view (`GET /messages`).
        #[arg(long, default_value = "127.0.0.1:8025")]
        http: SocketAddr,
    },
}

/// Runs one simulator until Ctrl-C; secrets and timings come from the same settings as the server's.
async fn simulate(config: &Config, system: SimulatedSystem) -> anyhow::Result<()> {
    let stop = CancellationToken::new();
    let seconds = |value: f64| Duration::from_secs_f64(value.clamp(0.0, 86_400.0));
    match system {
        SimulatedSystem::Factory { bind, webhook_url } => {
            let factory = FactorySimulator::new(FactorySimulatorConfig {
                webhook_url,
                secret: config.factory_secret.clone(),
                stage_interval: seconds(config.factory_stage_seconds),
            });
            println!("factory simulator on http://{}", factory.start(bind, stop.clone()).await?);
        }
        SimulatedSystem::Payments { bind, webhook_url } => {
            let gateway = PaymentSimulator::new(PaymentSimulatorConfig {
                api_key: config.stripe_secret_key.clone(),
                webhook_url,
                webhook_secret: config.stripe_webhook_secret.clone(),
                settle_delay: seconds(config.payment_settle_seconds),
            });
            println!("payment simulator on http://{}", gateway.start(bind, stop.clone()).await?);
        }
        SimulatedSystem::Fleet { bind } => {
            let fleet = FleetSimulator::new();
            println!("fleet simulator on http://{}", fleet.start(bind, stop.clone()).await?);
        }
        SimulatedSystem::Registration { bind } => {
            let authority = RegistrationSimulator::new();
            println!("registration simulator on http://{}", authority.start(bind, stop.clone()).await?);
        }
        SimulatedSystem::Mail { smtp, http } => {
            let (smtp, http) = MailCatcher::new().start(smtp, http, stop.clone()).await?;
            println!("mail catcher: SMTP on {smtp}, messages at http://{http}/messages");
        }
    }
    tokio::signal::ctrl_c().await?;
    stop.cancel();
    Ok(())
}

/// The `caas` command: parses the command line, runs it, and says how it ended.
pub async fn main() -> std::process::ExitCode {
    match run(Cli::parse()).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// Runs the command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    let config = cli.config;
    logging::init(&config.log_filter, config.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let server = Server::builder(config).build().await?;
            tracing::info!(address = %server.local_addr(), "serving GraphQL at /graphql");
            server.run_until_signalled().await
        }
        Command::Migrate { down } => {
            let db = db::connect(&config.database_url, 2, &Metrics::new()).await?;
            match down {
                Some(steps) => Migrator::down(&db, Some(steps)).await?,
                None => Migrator::up(&db, None).await?,
            }
            println!("migrations applied");
            Ok(())
        }
        Command::Seed => {
            config.validate()?;
            anyhow::ensure!(!config.is_production(), "the demo data is not for production");
            let db = db::connect(&config.database_url, 4, &Metrics::new()).await?;
            db::migrate(&db).await?;
            anyhow::ensure!(seed::is_empty(&db).await?, "the database already holds data; seed an empty one");
            let app = App::new(
                config,
                db,
                Arc::new(SystemClock),
                Arc::new(BroadcastEventBus::new(16)),
                Metrics::new(),
                Integrations::offline(),
            );
            let summary = seed::seed_demo(&app).await?;
            println!("{summary}");
            Ok(())
        }
        Command::Simulate { system } => simulate(&config, system).await,
        Command::ExportSchema { path, check } => {
            let sdl = schema::sdl();
            if check {
                let current = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
                anyhow::ensure!(current == sdl, "{} is stale: run `caas export-schema`", path.display());
            } else {
                std::fs::write(&path, sdl).with_context(|| format!("writing {}", path.display()))?;
                println!("wrote {}", path.display());
            }
            Ok(())
        }
    }
}
