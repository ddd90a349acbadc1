//! The `caas` binary: the command line is the library's.

#[tokio::main]
async fn main() -> std::process::ExitCode {
    caas::cli::main().await
}
