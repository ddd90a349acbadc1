//! Embeds the web app's own GraphQL operations (`frontend/graphql/*.graphql`) for the allow-list
//! mode (`CAAS_OPERATION_ALLOW_LIST`): the server then runs those documents, and no other, for
//! anyone signed in or anonymous.

use std::path::Path;
use std::{env, fs};

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../frontend/graphql");
    println!("cargo::rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = fs::read_dir(&dir)
        .expect("frontend/graphql is beside the backend")
        .map(|entry| entry.expect("a readable directory").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "graphql"))
        .collect();
    files.sort();
    let documents: Vec<String> = files
        .iter()
        .map(|path| format!("include_str!({:?}),\n", path.canonicalize().expect("a readable file").display()))
        .collect();
    let source = format!("&[\n{}]\n", documents.concat());
    let out = Path::new(&env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("web_app_operations.rs");
    fs::write(out, source).expect("OUT_DIR is writable");
}
