//! `GET /documents/invoices/{id}.pdf`: an invoice or credit note as a PDF, for whoever holds a
//! link the API signed (`Invoice.pdfUrl`), so a browser opens or saves it without the token.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use uuid::Uuid;

use super::HttpState;
use super::errors::json_error;
use crate::billing::documents;
use crate::domain::Locale;
use crate::error::{ApiError, code};

/// The parts of a signed link.
#[derive(Debug, Deserialize)]
pub struct LinkParts {
    lang: String,
    expires: i64,
    signature: String,
    /// Present: save the file instead of showing it.
    download: Option<String>,
}

/// The invoice of a signed link, as a PDF.
pub async fn invoice_pdf(
    State(state): State<HttpState>,
    Path(file): Path<String>,
    link: Result<Query<LinkParts>, QueryRejection>,
) -> Response {
    let Ok(Query(link)) = link else {
        return json_error(StatusCode::FORBIDDEN, code::FORBIDDEN, "this link is not valid");
    };
    let (Some(id), Some(locale)) =
        (file.strip_suffix(".pdf").and_then(|id| id.parse::<Uuid>().ok()), Locale::from_tag(&link.lang))
    else {
        return json_error(StatusCode::NOT_FOUND, code::NOT_FOUND, "no such document");
    };
    let app = &state.app;
    let document = match documents::check_link(app, id, locale, link.expires, &link.signature) {
        Ok(()) => documents::invoice_pdf(app, id, locale).await,
        Err(refused) => Err(refused),
    };
    match document {
        Ok(document) => {
            let disposition = if link.download.is_some() { "attachment" } else { "inline" };
            let headers = [
                (header::CONTENT_TYPE, "application/pdf".to_owned()),
                (header::CONTENT_DISPOSITION, format!("{disposition}; filename=\"{}\"", document.file_name)),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
            ];
            (headers, document.bytes).into_response()
        }
        Err(ApiError::Forbidden(message)) => json_error(StatusCode::FORBIDDEN, code::FORBIDDEN, &message),
        Err(ApiError::NotFound(what)) => {
            json_error(StatusCode::NOT_FOUND, code::NOT_FOUND, &format!("{what} not found"))
        }
        Err(err) => {
            let status = if err.code() == code::UNAVAILABLE {
                StatusCode::SERVICE_UNAVAILABLE
            } else {
                StatusCode::INTERNAL_SERVER_ERROR
            };
            if status == StatusCode::INTERNAL_SERVER_ERROR {
                tracing::error!(error = ?err, "an invoice could not be rendered");
            }
            json_error(status, err.code(), &err.message())
        }
    }
}

/// `GET /documents/exports/{id}.json`: a data export's JSON document, for the person it is about
/// only (signed in with the API's `Authorization` header), while its link lasts. Anyone else, and
/// an expired export, get 404.
pub async fn data_export(
    State(state): State<HttpState>,
    Path(file): Path<String>,
    headers: axum::http::HeaderMap,
) -> Response {
    let Some(id) = file.strip_suffix(".json").and_then(|id| id.parse::<Uuid>().ok()) else {
        return json_error(StatusCode::NOT_FOUND, code::NOT_FOUND, "no such document");
    };
    let app = &state.app;
    let viewer = match super::graphql::credentials_from_headers(&headers) {
        Ok(credentials) => crate::sessions::service::authenticate(app, &credentials).await,
        Err(err) => Err(err),
    };
    let viewer = match viewer {
        Ok(viewer) => viewer,
        Err(err) => {
            let err = ApiError::from(err);
            return json_error(StatusCode::UNAUTHORIZED, err.code(), &err.message());
        }
    };
    match crate::privacy::export::download(app, &viewer, id).await {
        Ok(document) => {
            let headers = [
                (header::CONTENT_TYPE, "application/json".to_owned()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"caas-data-export-{id}.json\"")),
                (header::CACHE_CONTROL, "private, no-store".to_owned()),
            ];
            (headers, document).into_response()
        }
        Err(ApiError::Unauthenticated(message)) => {
            json_error(StatusCode::UNAUTHORIZED, code::UNAUTHENTICATED, &message)
        }
        Err(ApiError::NotFound(what)) => {
            json_error(StatusCode::NOT_FOUND, code::NOT_FOUND, &format!("{what} not found"))
        }
        Err(err @ ApiError::Conflict(_)) => json_error(StatusCode::CONFLICT, err.code(), &err.message()),
        Err(err) => {
            tracing::error!(error = ?err, "a data export could not be served");
            json_error(StatusCode::INTERNAL_SERVER_ERROR, err.code(), &err.message())
        }
    }
}
