//! The schema extension every operation passes through: it gives each error a stable
//! `extensions.code`, turns a panicking resolver into an `INTERNAL` error, bounds a document's
//! expanded size, charges its operations to the caller's rate limits before it is validated, and
//! counts operations and errors for `/metrics`; it writes every error's message in the reader's
//! language.

use std::any::TypeId;
use std::panic::AssertUnwindSafe;
use std::sync::{Arc, Mutex};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextParseQuery, NextPrepareRequest, NextRequest, NextSubscribe,
    NextValidation,
};
use async_graphql::parser::types::ExecutableDocument;
use async_graphql::{Request, Response, ServerError, ServerResult, ValidationResult, Variables};
use futures::FutureExt;
use futures::stream::{BoxStream, StreamExt};

use super::admission;
use super::context::{ClientIp, RequestLocale};
use super::prepared::{DocumentCache, PreparedDocument};
use crate::app::AppState;
use crate::auth::Viewer;
use crate::domain::Locale;
use crate::error::code;
use crate::i18n;
use crate::platform::metrics::{Metrics, OperationLabels};

/// Creates one [`ErrorCodes`] per operation.
pub struct ErrorCodesFactory {
    metrics: Metrics,
    documents: Arc<DocumentCache>,
}

impl ErrorCodesFactory {
    /// Reports to `metrics`; documents are prepared once for every operation of this instance.
    pub fn new(metrics: Metrics) -> Self {
        let documents = Arc::new(DocumentCache::counting(metrics.persisted_queries.clone()));
        Self { metrics, documents }
    }
}

impl ExtensionFactory for ErrorCodesFactory {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(ErrorCodes::new(self.metrics.clone(), self.documents.clone()))
    }
}

/// The per-operation extension state.
struct ErrorCodes {
    metrics: Metrics,
    documents: Arc<DocumentCache>,
    /// The operation's document: its root fields are counted once validation passed, its cost is
    /// charged to the caller's rate limits before validation.
    prepared: Mutex<Option<Arc<PreparedDocument>>>,
    /// The reader's language, read from the request before it is prepared (the request hook's
    /// own context does not hold the request's data).
    locale: Mutex<Option<Locale>>,
}

/// Gives a code to errors raised by the GraphQL engine itself (syntax, validation, limits, argument
/// coercion): they are all the client's to fix.
fn classify(error: &mut ServerError) {
    let extensions = error.extensions.get_or_insert_with(Default::default);
    if extensions.get("code").is_some() {
        return;
    }
    extensions.set("code", code::BAD_USER_INPUT);
    let reason = if error.message.contains("nested too deep") {
        Some("QUERY_TOO_DEEP")
    } else if error.message.contains("too complex") {
        Some("QUERY_TOO_COMPLEX")
    } else {
        None
    };
    if let Some(reason) = reason {
        extensions.set("reason", reason);
    }
}

/// The language errors are written in: the signed-in user's, else the request's.
fn reader_locale(ctx: &ExtensionContext<'_>) -> Locale {
    let user = ctx.data_opt::<Viewer>().and_then(Viewer::locale);
    user.or_else(|| ctx.data_opt::<RequestLocale>().map(|requested| requested.0)).unwrap_or_default()
}

/// The same, from a request's own data (the request hook's context comes before it is attached).
fn locale_of_request(request: &Request) -> Locale {
    let get = |id: TypeId| request.data.get(&id);
    let user = get(TypeId::of::<Viewer>()).and_then(|data| data.downcast_ref::<Viewer>()).and_then(Viewer::locale);
    let requested = get(TypeId::of::<RequestLocale>()).and_then(|data| data.downcast_ref::<RequestLocale>());
    user.or_else(|| requested.map(|requested| requested.0)).unwrap_or_default()
}

fn internal_error() -> ServerError {
    let mut error = ServerError::new("internal error", None);
    error.extensions.get_or_insert_with(Default::default).set("code", code::INTERNAL);
    error
}

/// In the allow-list mode, refuses a document that is not one of the web app's own operations,
/// unless a partner app sends it.
fn refuse_unlisted(ctx: &ExtensionContext<'_>, prepared: &PreparedDocument) -> ServerResult<()> {
    let listing = ctx.data_opt::<AppState>().is_some_and(|app| app.config.operation_allow_list);
    let partner = matches!(ctx.data_opt::<Viewer>(), Some(Viewer::Partner(_)));
    if !listing || partner || prepared.web_app_operation {
        return Ok(());
    }
    let mut error = ServerError::new("only the web app's own operations are accepted here", None);
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", code::BAD_USER_INPUT);
    extensions.set("reason", "OPERATION_NOT_ALLOWED");
    Err(error)
}

impl ErrorCodes {
    fn new(metrics: Metrics, documents: Arc<DocumentCache>) -> Self {
        Self { metrics, documents, prepared: Mutex::new(None), locale: Mutex::new(None) }
    }

    fn prepared(&self) -> Option<Arc<PreparedDocument>> {
        self.prepared.lock().ok().and_then(|prepared| prepared.clone())
    }

    /// Charges the document to the caller's rate limits.
    async fn charge(&self, ctx: &ExtensionContext<'_>) -> Result<(), ServerError> {
        let Some(app) = ctx.data_opt::<AppState>() else { return Ok(()) };
        let viewer = ctx.data_opt::<Viewer>().unwrap_or(&Viewer::Anonymous);
        let client_ip = ctx.data_opt::<ClientIp>().map_or("unknown", |ip| ip.0.as_str());
        let cost = self.prepared().map(|prepared| prepared.cost).unwrap_or_default();
        admission::charge(app, viewer, client_ip, cost)
            .await
            .map_err(|err| err.into_graphql().into_server_error(Default::default()))
    }

    fn finish(&self, response: Response, locale: Locale) -> Response {
        finish(&self.metrics, response, locale)
    }
}

/// Gives every error of `response` its code and the reader's language, and counts it.
fn finish(metrics: &Metrics, mut response: Response, locale: Locale) -> Response {
    for error in &mut response.errors {
        classify(error);
        i18n::errors::localize(locale, error);
        if let Some(async_graphql::Value::String(code)) = error.extensions.as_ref().and_then(|e| e.get("code")) {
            metrics.count_error(code);
        }
    }
    response
}

#[async_trait::async_trait]
impl Extension for ErrorCodes {
    async fn request(&self, ctx: &ExtensionContext<'_>, next: NextRequest<'_>) -> Response {
        let response = match AssertUnwindSafe(next.run(ctx)).catch_unwind().await {
            Ok(response) => response,
            Err(panic) => {
                let detail = panic
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| panic.downcast_ref::<String>().cloned())
                    .unwrap_or_default();
                tracing::error!(panic = %detail, "a resolver panicked");
                Response::from_errors(vec![internal_error()])
            }
        };
        let remembered = self.locale.lock().ok().and_then(|locale| *locale);
        self.finish(response, remembered.unwrap_or_else(|| reader_locale(ctx)))
    }

    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        let metrics = self.metrics.clone();
        let locale = reader_locale(ctx);
        next.run(ctx, stream).map(move |response| finish(&metrics, response, locale)).boxed()
    }

    /// Takes the document prepared (parsed, its expanded size bounded, its root fields and cost
    /// counted) by an earlier request with the same text, or prepares it here, once: the engine's
    /// own checks after parsing (recursive depth, directives) already expand every fragment spread.
    /// A persisted query's hash is replaced by its text first.
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        mut request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        if let Ok(mut locale) = self.locale.lock() {
            *locale = Some(locale_of_request(&request));
        }
        self.documents.resolve_persisted(&mut request)?;
        let mut request = next.run(ctx, request).await?;
        let prepared = self.documents.prepare(&request.query)?;
        request.set_parsed_query(prepared.document.clone());
        // For the field-order extension, which keeps the document as parsed.
        request.data.insert(prepared.clone());
        if let Ok(mut slot) = self.prepared.lock() {
            *slot = Some(prepared);
        }
        Ok(request)
    }

    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let prepared = self.prepared().ok_or_else(internal_error)?;
        refuse_unlisted(ctx, &prepared)?;
        let document = next.run(ctx, query, variables).await?;
        let introspection_off = ctx.data_opt::<AppState>().is_some_and(|app| !app.config.introspection_enabled());
        if introspection_off && prepared.root_fields.iter().any(|(_, field)| field == "__schema" || field == "__type") {
            // The engine would answer `null`; say why instead.
            let mut error =
                ServerError::new("introspection is disabled; the schema is published as schema.graphql", None);
            let extensions = error.extensions.get_or_insert_with(Default::default);
            extensions.set("code", code::BAD_USER_INPUT);
            extensions.set("reason", "INTROSPECTION_DISABLED");
            return Err(error);
        }
        Ok(document)
    }

    async fn validation(
        &self,
        ctx: &ExtensionContext<'_>,
        next: NextValidation<'_>,
    ) -> Result<ValidationResult, Vec<ServerError>> {
        self.charge(ctx).await.map_err(|refused| vec![refused])?;
        let result = next.run(ctx).await;
        if result.is_ok()
            && let Some(prepared) = self.prepared()
        {
            for (kind, field) in prepared.root_fields.iter() {
                let labels = OperationLabels { kind: (*kind).to_owned(), field: field.clone() };
                self.metrics.graphql_operations.get_or_create(&labels).inc();
            }
        }
        result
    }
}
