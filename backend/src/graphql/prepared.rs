//! Documents prepared once and kept: the web app and partner apps send the same few documents over
//! and over, so each is parsed, bounded and analysed the first time and taken from here after.
//! The cache also serves automatic persisted queries (`extensions.persistedQuery`, Apollo's
//! protocol, version 1): a client that sent a document with its SHA-256 may send the hash alone,
//! which saves the document's bytes on a slow uplink.

use std::num::NonZeroUsize;
use std::sync::{Arc, Mutex, PoisonError};

use async_graphql::parser::types::ExecutableDocument;
use async_graphql::parser::{Positioned, types::OperationType};
use async_graphql::{Request, ServerError, Value};
use lru::LruCache;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use sha2::{Digest, Sha256};

use super::admission::{self, OperationCost};
use super::{allow_list, document_size};
use crate::error::code;
use crate::platform::metrics::PersistedLabels;

/// Documents kept by their text, and as many again by their hash.
const KEPT: usize = 512;

/// How a request used the persisted-query protocol.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Persisted {
    /// It sent its document as usual.
    Absent,
    /// It sent its document with the hash, which is kept for the next requests.
    WithText,
    /// It sent the hash alone, of a document kept here.
    HashOnly,
}

/// A document as every request that sends it needs it.
#[derive(Debug)]
pub struct PreparedDocument {
    /// The document as parsed (the engine drops skipped fields from its own copy).
    pub document: ExecutableDocument,
    /// `(operation type, root field)` pairs, for the metrics and the introspection switch.
    pub root_fields: Vec<(&'static str, String)>,
    /// What it costs against the rate limits.
    pub cost: OperationCost,
    /// One of the web app's own operations (the allow-list mode).
    pub web_app_operation: bool,
}

/// The documents prepared lately, shared by every request of this instance.
pub struct DocumentCache {
    by_text: Mutex<LruCache<Arc<str>, Arc<PreparedDocument>>>,
    /// The texts sent with their hash, for requests that send the hash alone.
    by_hash: Mutex<LruCache<String, Arc<str>>>,
    /// Persisted-query requests by outcome (`caas_persisted_queries_total`).
    persisted: Family<PersistedLabels, Counter>,
}

impl Default for DocumentCache {
    fn default() -> Self {
        Self::counting(Family::default())
    }
}

impl DocumentCache {
    /// An empty cache counting persisted-query requests in `persisted`.
    pub fn counting(persisted: Family<PersistedLabels, Counter>) -> Self {
        let kept = NonZeroUsize::new(KEPT).unwrap_or(NonZeroUsize::MIN);
        Self { by_text: Mutex::new(LruCache::new(kept)), by_hash: Mutex::new(LruCache::new(kept)), persisted }
    }

    fn count(&self, outcome: &str) {
        self.persisted.get_or_create(&PersistedLabels { outcome: outcome.to_owned() }).inc();
    }

    /// Puts the document of a persisted-query request back in place: the text stored for its
    /// hash, when only the hash came; the text is checked against its hash and remembered when
    /// both came. Requests without the extension pass as they are.
    pub fn resolve_persisted(&self, request: &mut Request) -> Result<Persisted, ServerError> {
        let Some(persisted) = request.extensions.remove("persistedQuery") else { return Ok(Persisted::Absent) };
        let hash = persisted_hash(&persisted)?;
        if request.query.is_empty() {
            let text = self.by_hash.lock().unwrap_or_else(PoisonError::into_inner).get(&hash).cloned();
            let Some(text) = text else {
                self.count("not_found");
                return Err(refusal("PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND"));
            };
            request.query = text.to_string();
            self.count("hash_only");
            Ok(Persisted::HashOnly)
        } else {
            if hex::encode(Sha256::digest(request.query.as_bytes())) != hash {
                return Err(refusal(
                    "the persisted query's hash is not the SHA-256 of its text",
                    "PERSISTED_QUERY_MISMATCH",
                ));
            }
            self.by_hash.lock().unwrap_or_else(PoisonError::into_inner).put(hash, Arc::from(request.query.as_str()));
            self.count("with_text");
            Ok(Persisted::WithText)
        }
    }

    /// The prepared form of `query`: kept from an earlier request, or parsed and checked now (a
    /// document refused by its size or syntax is not kept).
    pub fn prepare(&self, query: &str) -> Result<Arc<PreparedDocument>, ServerError> {
        if let Some(prepared) = self.by_text.lock().unwrap_or_else(PoisonError::into_inner).get(query) {
            return Ok(prepared.clone());
        }
        let document = async_graphql::parser::parse_query(query).map_err(ServerError::from)?;
        document_size::check(&document).map_err(|too_large| refusal(&too_large.to_string(), "QUERY_TOO_LARGE"))?;
        let prepared = Arc::new(PreparedDocument {
            root_fields: root_fields(&document),
            cost: admission::cost_of(&document),
            web_app_operation: allow_list::is_web_app_operation(query),
            document,
        });
        self.by_text.lock().unwrap_or_else(PoisonError::into_inner).put(Arc::from(query), prepared.clone());
        Ok(prepared)
    }
}

/// The lower-case hex SHA-256 of `extensions.persistedQuery` (version 1).
fn persisted_hash(persisted: &Value) -> Result<String, ServerError> {
    let Value::Object(fields) = persisted else {
        return Err(refusal("persistedQuery must be an object with version and sha256Hash", "PERSISTED_QUERY_INVALID"));
    };
    let version = matches!(fields.get("version"), Some(Value::Number(n)) if n.as_i64() == Some(1));
    match fields.get("sha256Hash") {
        Some(Value::String(hash)) if version && hash.len() == 64 && hash.bytes().all(|b| b.is_ascii_hexdigit()) => {
            Ok(hash.to_ascii_lowercase())
        }
        _ => Err(refusal("persistedQuery must be an object with version and sha256Hash", "PERSISTED_QUERY_INVALID")),
    }
}

/// A `BAD_USER_INPUT` error with its `reason`, for a document refused before it runs.
pub(super) fn refusal(message: &str, reason: &str) -> ServerError {
    let mut error = ServerError::new(message, None);
    let extensions = error.extensions.get_or_insert_with(Default::default);
    extensions.set("code", code::BAD_USER_INPUT);
    extensions.set("reason", reason);
    error
}

fn kind_name(kind: OperationType) -> &'static str {
    match kind {
        OperationType::Query => "query",
        OperationType::Mutation => "mutation",
        OperationType::Subscription => "subscription",
    }
}

fn root_fields(document: &ExecutableDocument) -> Vec<(&'static str, String)> {
    use async_graphql::parser::types::Selection;
    document
        .operations
        .iter()
        .flat_map(|(_, operation): (_, &Positioned<_>)| {
            let kind = kind_name(operation.node.ty);
            operation.node.selection_set.node.items.iter().filter_map(move |selection| match &selection.node {
                Selection::Field(field) => Some((kind, field.node.name.node.to_string())),
                _ => None,
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUERY: &str = "{ __typename }";

    fn hash_of(text: &str) -> String {
        hex::encode(Sha256::digest(text.as_bytes()))
    }

    fn persisted(query: &str, hash: &str) -> Request {
        let mut request = Request::new(query);
        let extension = serde_json::json!({ "version": 1, "sha256Hash": hash });
        request.extensions.insert("persistedQuery".into(), Value::from_json(extension).expect("a value"));
        request
    }

    fn reason(error: &ServerError) -> Option<String> {
        match error.extensions.as_ref()?.get("reason")? {
            Value::String(reason) => Some(reason.clone()),
            _ => None,
        }
    }

    #[test]
    fn a_document_is_prepared_once_and_shared() {
        let cache = DocumentCache::default();
        let first = cache.prepare("query Cars { myVehicles { nodes { vin } } }").expect("prepared");
        let again = cache.prepare("query Cars { myVehicles { nodes { vin } } }").expect("prepared");
        assert!(Arc::ptr_eq(&first, &again));
        assert_eq!(first.root_fields, vec![("query", "myVehicles".to_owned())]);
        assert_eq!(first.cost.units, 1);
    }

    #[test]
    fn a_refused_document_is_refused_every_time_and_not_kept() {
        let cache = DocumentCache::default();
        assert!(cache.prepare("{ unclosed").is_err());
        let aliases: String = (0..101).map(|n| format!("a{n}: __typename ")).collect();
        let query = format!("{{ {aliases} }}");
        for _ in 0..2 {
            let error = cache.prepare(&query).expect_err("too many aliases");
            assert_eq!(reason(&error).as_deref(), Some("QUERY_TOO_LARGE"));
        }
        assert_eq!(cache.by_text.lock().expect("lock").len(), 0);
    }

    #[test]
    fn a_hash_alone_is_answered_once_its_text_was_sent_with_it() {
        let cache = DocumentCache::default();
        let hash = hash_of(QUERY);
        let error = cache.resolve_persisted(&mut persisted("", &hash)).expect_err("unknown hash");
        assert_eq!(reason(&error).as_deref(), Some("PERSISTED_QUERY_NOT_FOUND"));
        assert_eq!(error.message, "PersistedQueryNotFound");
        let mut with_text = persisted(QUERY, &hash.to_uppercase());
        assert_eq!(cache.resolve_persisted(&mut with_text).expect("text and hash agree"), Persisted::WithText);
        assert_eq!(with_text.query, QUERY);
        let mut hash_only = persisted("", &hash);
        assert_eq!(cache.resolve_persisted(&mut hash_only).expect("known hash"), Persisted::HashOnly);
        assert_eq!(hash_only.query, QUERY);
        assert!(hash_only.extensions.is_empty());
    }

    #[test]
    fn a_text_that_does_not_match_its_hash_is_refused_and_not_stored() {
        let cache = DocumentCache::default();
        let wrong = hash_of("{ somethingElse }");
        let error = cache.resolve_persisted(&mut persisted(QUERY, &wrong)).expect_err("mismatch");
        assert_eq!(reason(&error).as_deref(), Some("PERSISTED_QUERY_MISMATCH"));
        let error = cache.resolve_persisted(&mut persisted("", &wrong)).expect_err("never stored");
        assert_eq!(reason(&error).as_deref(), Some("PERSISTED_QUERY_NOT_FOUND"));
    }

    #[test]
    fn a_malformed_extension_is_refused() {
        let cache = DocumentCache::default();
        for hash in ["", "abc", &"z".repeat(64)] {
            let error = cache.resolve_persisted(&mut persisted("", hash)).expect_err("malformed");
            assert_eq!(reason(&error).as_deref(), Some("PERSISTED_QUERY_INVALID"));
        }
        let mut old_version = Request::new("");
        let extension = serde_json::json!({ "version": 2, "sha256Hash": hash_of(QUERY) });
        old_version.extensions.insert("persistedQuery".into(), Value::from_json(extension).expect("a value"));
        let error = cache.resolve_persisted(&mut old_version).expect_err("version 2");
        assert_eq!(reason(&error).as_deref(), Some("PERSISTED_QUERY_INVALID"));
    }

    #[test]
    fn requests_without_the_extension_pass_unchanged() {
        let cache = DocumentCache::default();
        let mut request = Request::new(QUERY);
        assert_eq!(cache.resolve_persisted(&mut request).expect("no extension"), Persisted::Absent);
        assert_eq!(request.query, QUERY);
    }
}
