//! Serving the built web apps: the customer app's first bundle at `/` and its second bundle at the
//! rarer pages' addresses, the staff app at `/staff/`, deep links, cache headers and precompressed
//! files.

use caas_tests::{TestOptions, spawn_app_with};

/// A built web app as Trunk lays it out, in miniature.
fn fake_build() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("dist");
    let root = dir.path();
    std::fs::create_dir_all(root.join("staff")).expect("staff");
    std::fs::create_dir_all(root.join("more")).expect("more");
    let page = |app: &str| {
        format!("<html><head><script type=\"module\">start('{app}');</script></head><body>{app}</body></html>")
    };
    std::fs::write(root.join("index.html"), page("customer")).expect("index");
    std::fs::write(root.join("staff/index.html"), page("staff")).expect("staff index");
    std::fs::write(root.join("more/index.html"), page("more")).expect("more index");
    std::fs::write(root.join("more/app-00112233445566778_bg.wasm"), [0, 97, 115, 109]).expect("more wasm");
    std::fs::write(root.join("app-0123456789abcdef.js"), "console.log('plain')").expect("js");
    std::fs::write(root.join("app-0123456789abcdef.js.br"), "BROTLI").expect("js.br");
    std::fs::write(root.join("sw.js"), "self.addEventListener('fetch', () => {})").expect("sw");
    std::fs::write(root.join("staff/app-fedcba9876543210_bg.wasm"), [0, 97, 115, 109]).expect("wasm");
    dir
}

#[tokio::test]
async fn the_apps_and_bundles_are_served_with_deep_links_cache_rules_and_precompressed_files() {
    let dist = fake_build();
    let path = dist.path().to_path_buf();
    let app =
        spawn_app_with(TestOptions { seed_demo: false, configure: Box::new(move |config| config.static_dir = path) })
            .await;
    let get = |path: &str, accept: &str| {
        app.client.get(format!("{}{path}", app.address)).header("accept-encoding", accept).send()
    };

    for deep_link in ["/", "/orders/42", "/vehicles/WCAAUR1S3TB000001/features", "/login", "/queue"] {
        let page = get(deep_link, "").await.expect("page");
        assert_eq!(page.status(), 200, "{deep_link}");
        assert_eq!(page.headers()["cache-control"], "no-cache");
        let policy = page.headers()["content-security-policy"].to_str().expect("csp").to_owned();
        assert!(policy.contains("'sha256-"), "the inline start script is allowed by its hash: {policy}");
        assert!(page.text().await.expect("body").contains("<body>customer"), "{deep_link}");
    }
    // The rarer pages (and unknown addresses) come with the second bundle, at the same addresses.
    for deep_link in
        ["/privacy", "/vehicles/WCAAUR1S3TB000001/health", "/repair-orders/7", "/signin/oidc", "/nope", "/more/"]
    {
        let page = get(deep_link, "").await.expect("page");
        assert_eq!(page.status(), 200, "{deep_link}");
        let policy = page.headers()["content-security-policy"].to_str().expect("csp").to_owned();
        assert!(policy.contains("'sha256-"), "the second bundle's start script is allowed: {policy}");
        assert!(page.text().await.expect("body").contains("<body>more"), "{deep_link}");
    }
    let wasm = get("/more/app-00112233445566778_bg.wasm", "").await.expect("wasm");
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(wasm.headers()["cache-control"], "public, max-age=31536000, immutable");
    for deep_link in ["/staff/", "/staff/dealer/sale", "/staff/orders/42"] {
        let page = get(deep_link, "").await.expect("page");
        assert_eq!(page.status(), 200, "{deep_link}");
        assert!(page.text().await.expect("body").contains("<body>staff"), "{deep_link}");
    }

    let script = get("/app-0123456789abcdef.js", "br, gzip").await.expect("script");
    assert_eq!(script.headers()["content-encoding"], "br");
    assert_eq!(script.headers()["cache-control"], "public, max-age=31536000, immutable");
    assert_eq!(script.text().await.expect("body"), "BROTLI");
    let plain = get("/app-0123456789abcdef.js", "identity").await.expect("script");
    assert_eq!(plain.text().await.expect("body"), "console.log('plain')");
    let wasm = get("/staff/app-fedcba9876543210_bg.wasm", "").await.expect("wasm");
    assert_eq!(wasm.headers()["content-type"], "application/wasm");
    assert_eq!(wasm.headers()["cache-control"], "public, max-age=31536000, immutable");
    let worker = get("/sw.js", "").await.expect("service worker");
    assert_eq!(worker.headers()["cache-control"], "no-cache", "a new service worker is picked up at once");

    let api = app.graphql("{ __typename }", serde_json::json!({})).await;
    assert_eq!(api.data()["__typename"], "Query", "the API is not shadowed by the apps");
}
