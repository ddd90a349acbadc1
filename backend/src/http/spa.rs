//! Serving the web app built by Trunk: its hashed assets as files, and its `index.html` for every
//! other path so that deep links work after a reload — for the customer app, the page of the bundle
//! that has the path's page (the first, small one, or the second with the rarer pages).
//!
//! Trunk starts the app with an inline module script; the page's Content-Security-Policy allows
//! exactly that script by its hash, and nothing else inline.

use std::path::Path;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderValue, Uri, header};
use axum::response::{Html, IntoResponse};
use axum::routing::get;
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use sha2::{Digest, Sha256};
use tower_http::services::ServeDir;

/// The `'sha256-…'` sources of the inline scripts of `html`.
fn inline_script_hashes(html: &str) -> Vec<String> {
    let mut hashes = Vec::new();
    let mut rest = html;
    while let Some(start) = rest.find("<script") {
        let after_tag = &rest[start..];
        let Some(open_end) = after_tag.find('>') else {
            break;
        };
        let (tag, body) = after_tag.split_at(open_end + 1);
        let Some(close) = body.find("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            hashes.push(format!("'sha256-{}'", STANDARD.encode(Sha256::digest(&body.as_bytes()[..close]))));
        }
        rest = &body[close..];
    }
    hashes
}

/// The policy for the app's page.
fn page_policy(html: &str) -> String {
    let scripts = inline_script_hashes(html).join(" ");
    format!(
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval' {scripts}; style-src 'self' 'unsafe-inline'; \
         img-src 'self' data: https:; connect-src 'self' ws: wss:; manifest-src 'self'; worker-src 'self'; \
         frame-ancestors 'none'"
    )
}

/// The router serving the web app built in `dir`: the customer app's first bundle at `/`, its
/// second bundle (`dir/more`, the rarer pages) at those pages' addresses with its files under
/// `/more/`, and, when it was built, the staff app in `dir/staff` at `/staff/`; `None` when the web
/// app has not been built.
pub fn router(dir: &Path) -> Option<Router> {
    let more_dir = dir.join("more");
    let customer = app_router(dir, Page::read(&more_dir))?;
    let mut router = Router::new();
    if let Some(staff) = app_router(&dir.join("staff"), None) {
        router = router
            .route("/staff", get(|| async { axum::response::Redirect::permanent("/staff/") }))
            .nest("/staff/", staff);
    }
    if let Some(more) = app_router(&more_dir, None) {
        router = router.nest("/more/", more);
    }
    Some(router.merge(customer))
}

/// Whether the customer app's first bundle shows the page at `path`: signing in, the dashboard, a
/// car's file and catalog (with checkout), an activation's progress, the orders, the
/// notifications and the offline queue. Every other address is the second bundle's: its rarer
/// pages, the staff pages (it sends staff on to `/staff/`) and unknown addresses. The frontend's
/// `pages/mod.rs` and the service worker's `FIRST` (`frontend/sw.js`) divide the pages the same way.
fn in_first_bundle(path: &str) -> bool {
    let segments: Vec<&str> = path.split('/').filter(|segment| !segment.is_empty()).collect();
    matches!(
        segments.as_slice(),
        [] | ["index.html"]
            | ["login"]
            | ["set-password"]
            | ["vehicles", _]
            | ["vehicles", _, "features"]
            | ["activations", _]
            | ["orders"]
            | ["orders", _]
            | ["notifications"]
            | ["queue"]
    )
}

/// An app's page, with the policy that allows its inline scripts.
#[derive(Clone)]
struct Page {
    html: Bytes,
    policy: HeaderValue,
}

impl Page {
    /// The `index.html` of the app built in `dir`, if it was built.
    fn read(dir: &Path) -> Option<Self> {
        let html = std::fs::read_to_string(dir.join("index.html")).ok()?;
        let policy = HeaderValue::from_str(&page_policy(&html)).ok()?;
        Some(Self { html: Bytes::from(html), policy })
    }

    fn response(&self) -> axum::response::Response {
        (
            [
                (header::CONTENT_SECURITY_POLICY, self.policy.clone()),
                (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
            ],
            Html(self.html.clone()),
        )
            .into_response()
    }
}

/// One single-page app: its page for every path that is not one of its files — or, for the paths
/// that are not its first bundle's, the page of its `second` bundle.
fn app_router(dir: &Path, second: Option<Page>) -> Option<Router> {
    let page = Page::read(dir)?;
    let index = {
        let page = page.clone();
        get(move || {
            let page = page.clone();
            async move { page.response() }
        })
    };
    let page_of_path = get(move |uri: Uri| {
        let page = match &second {
            Some(second) if !in_first_bundle(uri.path()) => second.clone(),
            _ => page.clone(),
        };
        async move { page.response() }
    });
    // Precompressed `.br`/`.gz` siblings (made at build time) are sent to clients that accept them.
    let assets = ServeDir::new(dir)
        .append_index_html_on_directories(false)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(page_of_path);
    Some(
        Router::new()
            .route("/", index.clone())
            .route("/index.html", index)
            .fallback_service(assets)
            .layer(axum::middleware::map_response(cache_policy)),
    )
}

/// Whether a path is a hashed asset, e.g. `/app-0123456789abcdef_bg.wasm`.
fn is_hashed(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or_default();
    let stem = name.split('.').next().unwrap_or_default();
    stem.split(['-', '_']).any(|part| part.len() >= 15 && part.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Trunk puts a content hash in most assets' names: those never change and are cached for a
/// year; the rest (the service worker, the manifest) are checked every time.
async fn cache_policy(uri: axum::http::Uri, mut response: axum::response::Response) -> axum::response::Response {
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        let policy = if is_hashed(uri.path()) { "public, max-age=31536000, immutable" } else { "no-cache" };
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    }
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn recognises_hashed_assets() {
        assert!(is_hashed("/caas-frontend-b832d1f0b2d5a6b9_bg.wasm"));
        assert!(is_hashed("/style-2c459e77220409d.css"));
        assert!(!is_hashed("/sw.js"));
        assert!(!is_hashed("/manifest.webmanifest"));
    }

    #[test]
    fn the_first_bundle_serves_what_a_customer_opens_first_and_the_second_the_rest() {
        let first =
            ["/", "/index.html", "/login", "/set-password", "/vehicles/WCAAUR1S3TB000001", "/vehicles/X/features/"];
        let first =
            first.into_iter().chain(["/activations/0193", "/orders", "/orders/0194", "/notifications", "/queue"]);
        for path in first {
            assert!(in_first_bundle(path), "{path}");
        }
        let second =
            ["/privacy", "/profile", "/bookings", "/vehicles/X/book", "/vehicles/X/health", "/repair-orders/0195"];
        let second =
            second.into_iter().chain(["/estimate", "/signin/oidc", "/dealer/sale", "/admin", "/nope", "/orders/1/2"]);
        for path in second {
            assert!(!in_first_bundle(path), "{path}");
        }
    }

    #[test]
    fn hashes_inline_scripts_only() {
        let html = r#"<script type="module">init();</script><script src="/app.js"></script>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        let expected = STANDARD.encode(Sha256::digest(b"init();"));
        assert_eq!(hashes[0], format!("'sha256-{expected}'"));
        assert!(page_policy(html).contains(&hashes[0]));
    }
}
