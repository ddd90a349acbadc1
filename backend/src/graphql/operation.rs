//! What every operation passes through before and after the engine runs it: the document is
//! prepared (a persisted query's hash replaced by its text, parsed, its expanded size bounded) and
//! checked against the allow-list and the introspection switch, its operations are charged to the
//! caller's rate limits before the engine validates it, and its answer is put in the order of the
//! query with every error given a stable `extensions.code` in the reader's language and counted for
//! `/metrics`.
//!
//! These are plain steps around the engine, not schema extensions: with any extension installed
//! the engine wraps every field it resolves (and every element of every list) in the extension
//! chain, which cost more than all of this together.

use std::any::TypeId;
use std::sync::Arc;

use async_graphql::parser::types::{DocumentOperations, OperationDefinition};
use async_graphql::{Request, Response, ServerError, Variables};

use super::admission;
use super::context::{ClientIp, RequestLocale};
use super::field_order::reorder;
use super::prepared::{DocumentCache, PreparedDocument, refusal};
use crate::app::App;
use crate::auth::Viewer;
use crate::domain::Locale;
use crate::error::code;
use crate::i18n;
use crate::platform::metrics::{Metrics, OperationLabels};

/// A request ready for the engine, with the document it runs.
pub struct Admitted {
    /// The request, its document already parsed.
    pub request: Request,
    /// Its document as prepared: the answer is put in its order.
    pub prepared: Arc<PreparedDocument>,
}

/// Prepares `request`'s document (once per instance for the same text), refuses what the
/// allow-list or the introspection switch does not let through, and charges its operations to the
/// caller's rate limits.
pub async fn admit(app: &App, documents: &DocumentCache, mut request: Request) -> Result<Admitted, ServerError> {
    documents.resolve_persisted(&mut request)?;
    let prepared = documents.prepare(&request.query)?;
    let viewer = data_of::<Viewer>(&request).unwrap_or(&Viewer::Anonymous);
    refuse_unlisted(app, viewer, &prepared)?;
    refuse_introspection(app, &prepared)?;
    let client_ip = data_of::<ClientIp>(&request).map_or("unknown", |ip| ip.0.as_str());
    admission::charge(app, viewer, client_ip, prepared.cost)
        .await
        .map_err(|err| err.into_graphql().into_server_error(Default::default()))?;
    request.set_parsed_query(prepared.document.clone());
    Ok(Admitted { request, prepared })
}

/// What an answer is put in order by: the operation's document as parsed (the engine drops the
/// skipped fields of its own copy), its name and the variables of its `@skip` and `@include`.
pub struct Ordering {
    prepared: Arc<PreparedDocument>,
    operation_name: Option<String>,
    variables: Variables,
}

impl Ordering {
    /// The order of the operation `admitted` runs.
    pub fn of(admitted: &Admitted) -> Self {
        let request = &admitted.request;
        Self {
            prepared: admitted.prepared.clone(),
            operation_name: request.operation_name.clone(),
            variables: request.variables.clone(),
        }
    }

    /// Puts `response` in the order of the query, as the specification requires: the engine
    /// resolves an object's fields concurrently and lists them as they finish.
    pub fn apply(&self, response: &mut Response) {
        let document = &self.prepared.document;
        if let Some(operation) = operation(document, self.operation_name.as_deref()) {
            reorder(&mut response.data, &operation.selection_set.node, &document.fragments, &self.variables);
        }
    }

    /// Counts the operations once the engine ran them (it refuses an invalid document with errors
    /// and no data; an error it met while running has a path).
    pub fn count(&self, metrics: &Metrics, response: &Response) {
        let refused = response.data == async_graphql::Value::Null
            && !response.errors.is_empty()
            && response.errors.iter().all(|error| error.path.is_empty());
        if refused {
            return;
        }
        for (kind, field) in &self.prepared.root_fields {
            let labels = OperationLabels { kind: (*kind).to_owned(), field: field.clone() };
            metrics.graphql_operations.get_or_create(&labels).inc();
        }
    }
}

/// Gives every error of `response` its code and the reader's language, and counts it.
pub fn finish(metrics: &Metrics, mut response: Response, locale: Locale) -> Response {
    for error in &mut response.errors {
        classify(error);
        i18n::errors::localize(locale, error);
        if let Some(async_graphql::Value::String(code)) = error.extensions.as_ref().and_then(|e| e.get("code")) {
            metrics.count_error(code);
        }
    }
    response
}

/// The language errors are written in: the signed-in user's, else the request's.
pub fn locale_of_request(request: &Request) -> Locale {
    let user = data_of::<Viewer>(request).and_then(Viewer::locale);
    user.or_else(|| data_of::<RequestLocale>(request).map(|requested| requested.0)).unwrap_or_default()
}

/// The answer to an operation whose resolver panicked.
pub fn internal_error() -> ServerError {
    let mut error = ServerError::new("internal error", None);
    error.extensions.get_or_insert_with(Default::default).set("code", code::INTERNAL);
    error
}

fn data_of<T: Send + Sync + 'static>(request: &Request) -> Option<&T> {
    request.data.get(&TypeId::of::<T>()).and_then(|data| data.downcast_ref::<T>())
}

/// The operation that runs: the named one, or the only one.
fn operation<'a>(
    document: &'a async_graphql::parser::types::ExecutableDocument,
    name: Option<&str>,
) -> Option<&'a OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => Some(&operation.node),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name).map(|o| &o.node),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|o| &o.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
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

/// In the allow-list mode, refuses a document that is not one of the web app's own operations,
/// unless a partner app sends it.
fn refuse_unlisted(app: &App, viewer: &Viewer, prepared: &PreparedDocument) -> Result<(), ServerError> {
    let partner = matches!(viewer, Viewer::Partner(_));
    if !app.config.operation_allow_list || partner || prepared.web_app_operation {
        return Ok(());
    }
    Err(refusal("only the web app's own operations are accepted here", "OPERATION_NOT_ALLOWED"))
}

/// With introspection off the engine would answer `null`; say why instead.
fn refuse_introspection(app: &App, prepared: &PreparedDocument) -> Result<(), ServerError> {
    let asks = prepared.root_fields.iter().any(|(_, field)| field == "__schema" || field == "__type");
    if !asks || app.config.introspection_enabled() {
        return Ok(());
    }
    Err(refusal("introspection is disabled; the schema is published as schema.graphql", "INTROSPECTION_DISABLED"))
}
