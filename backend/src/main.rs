//! The `caas` binary: the command line is the library's.

/// mimalloc instead of the system's allocator: a request and a live update allocate often, and
/// glibc's malloc and free took about a fifth of the server's CPU under load.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    caas::cli::main().await
}
