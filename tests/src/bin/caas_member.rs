//! The `caas` command, built beside the tests so a cluster test can start members as processes.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    caas::cli::main().await
}
