//! Serving the web app built by Trunk: its hashed assets as files, and its `index.html` for every
//! other path so that deep links work after a reload.
//!
//! Trunk starts the app with an inline module script; the page's Content-Security-Policy allows
//! exactly that script by its hash, and nothing else inline.

use std::path::Path;

use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderValue, header};
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

/// The router serving the web app built in `dir` at `/` and, when it was built, the staff app in
/// `dir/staff` at `/staff/`; `None` when the web app has not been built.
pub fn router(dir: &Path) -> Option<Router> {
    let customer = app_router(dir)?;
    Some(match app_router(&dir.join("staff")) {
        Some(staff) => Router::new()
            .route("/staff", get(|| async { axum::response::Redirect::permanent("/staff/") }))
            .nest("/staff/", staff)
            .merge(customer),
        None => customer,
    })
}

/// One single-page app: its page for every path that is not one of its files.
fn app_router(dir: &Path) -> Option<Router> {
    let html = std::fs::read_to_string(dir.join("index.html")).ok()?;
    let policy = HeaderValue::from_str(&page_policy(&html)).ok()?;
    let page = Bytes::from(html);
    let index = get(move || {
        let page = page.clone();
        let policy = policy.clone();
        async move {
            (
                [
                    (header::CONTENT_SECURITY_POLICY, policy),
                    (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
                ],
                Html(page),
            )
                .into_response()
        }
    });
    // Precompressed `.br`/`.gz` siblings (made at build time) are sent to clients that accept them.
    let assets = ServeDir::new(dir)
        .append_index_html_on_directories(false)
        .precompressed_br()
        .precompressed_gzip()
        .fallback(index.clone());
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
    fn hashes_inline_scripts_only() {
        let html = r#"<script type="module">init();</script><script src="/app.js"></script>"#;
        let hashes = inline_script_hashes(html);
        assert_eq!(hashes.len(), 1);
        let expected = STANDARD.encode(Sha256::digest(b"init();"));
        assert_eq!(hashes[0], format!("'sha256-{expected}'"));
        assert!(page_policy(html).contains(&hashes[0]));
    }
}
