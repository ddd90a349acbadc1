//! `/unsubscribe`: the one-click unsubscribe link of marketing e-mails. `GET` shows a page asking
//! to confirm (link scanners and previews fetch links; they must not unsubscribe anyone); `POST`
//! — the page's button, or the mail client's own under RFC 8058 — switches offers off.

use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Response};
use entity::users;
use sea_orm::EntityTrait;
use serde::Deserialize;
use uuid::Uuid;

use super::HttpState;
use crate::app::App;
use crate::domain::Locale;
use crate::i18n;
use crate::notifications::unsubscribe;

/// The link's query.
#[derive(Deserialize)]
pub struct Link {
    user: Option<Uuid>,
    sig: Option<String>,
}

/// The verified recipient of `link` and their language.
async fn recipient(app: &App, link: &Link) -> Option<(Uuid, Locale)> {
    let (user_id, signature) = (link.user?, link.sig.as_deref()?);
    if !unsubscribe::verify(app, user_id, signature) {
        return None;
    }
    let user = users::Entity::find_by_id(user_id).one(&app.db).await.ok()??;
    Some((user.id, Locale::from_tag(&user.locale).unwrap_or_default()))
}

fn page(locale: Locale, status: StatusCode, body: &str) -> Response {
    let title = i18n::text(locale, "unsubscribe-page-title", &serde_json::Value::Null);
    let html = format!(
        "<!doctype html><html lang=\"{lang}\"><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width\"><title>{title}</title><h1>{title}</h1>{body}</html>",
        lang = locale.tag(),
    );
    (status, Html(html)).into_response()
}

fn text(locale: Locale, id: &str) -> String {
    i18n::text(locale, id, &serde_json::Value::Null)
}

fn invalid() -> Response {
    let locale = Locale::default();
    page(locale, StatusCode::NOT_FOUND, &format!("<p>{}</p>", text(locale, "unsubscribe-page-invalid")))
}

/// `GET /unsubscribe?user=…&sig=…`: asks to confirm.
pub async fn ask(State(state): State<HttpState>, Query(link): Query<Link>) -> Response {
    let Some((_, locale)) = recipient(&state.app, &link).await else {
        return invalid();
    };
    // The form posts to this very address (its query carries the signed link).
    let body = format!(
        "<p>{}</p><form method=\"post\"><button type=\"submit\">{}</button></form>",
        text(locale, "unsubscribe-page-ask"),
        text(locale, "unsubscribe-page-button"),
    );
    page(locale, StatusCode::OK, &body)
}

/// `POST /unsubscribe?user=…&sig=…`: switches offers off.
pub async fn confirm(State(state): State<HttpState>, Query(link): Query<Link>) -> Response {
    let Some((user_id, locale)) = recipient(&state.app, &link).await else {
        return invalid();
    };
    if unsubscribe::unsubscribe(&state.app, user_id).await.is_err() {
        return invalid();
    }
    page(locale, StatusCode::OK, &format!("<p>{}</p>", text(locale, "unsubscribe-page-done")))
}
