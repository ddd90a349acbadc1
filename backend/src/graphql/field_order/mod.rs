//! The schema extension that makes every answer list its keys in the order of the query's
//! selection set, as the GraphQL specification requires. The engine resolves the fields of an
//! object concurrently and records each one as it finishes, so without this the same query can come
//! back with its keys in a different order every time.

mod reorder;

use std::sync::{Arc, OnceLock};

use async_graphql::extensions::{Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationDefinition};
use async_graphql::{Response, ServerResult, Variables};

use reorder::reorder;

use super::prepared::PreparedDocument;

/// Creates one [`FieldOrder`] per request, so each remembers its own query.
pub struct FieldOrderFactory;

impl ExtensionFactory for FieldOrderFactory {
    fn create(&self) -> Arc<dyn Extension> {
        Arc::new(FieldOrder::default())
    }
}

/// The per-request extension.
#[derive(Default)]
struct FieldOrder {
    state: Captured,
}

/// What a request's answer is put in order by, captured as the request is prepared and parsed.
#[derive(Default)]
struct Captured {
    /// The document as parsed (before the engine drops its skipped fields), and the variables of
    /// its `@skip` and `@include` conditions.
    query: OnceLock<(Arc<PreparedDocument>, Variables)>,
}

impl Captured {
    /// Puts `response` in the order of the operation called `operation_name`.
    fn order(&self, response: &mut Response, operation_name: Option<&str>) {
        let Some((prepared, variables)) = self.query.get() else {
            return;
        };
        let document = &prepared.document;
        if let Some(operation) = operation(document, operation_name) {
            reorder(&mut response.data, &operation.selection_set.node, &document.fragments, variables);
        }
    }
}

/// The operation that runs: the named one, or the only one.
fn operation<'a>(document: &'a ExecutableDocument, name: Option<&str>) -> Option<&'a OperationDefinition> {
    match (&document.operations, name) {
        (DocumentOperations::Single(operation), _) => Some(&operation.node),
        (DocumentOperations::Multiple(operations), Some(name)) => operations.get(name).map(|o| &o.node),
        (DocumentOperations::Multiple(operations), None) if operations.len() == 1 => {
            operations.values().next().map(|o| &o.node)
        }
        (DocumentOperations::Multiple(_), None) => None,
    }
}

#[async_trait::async_trait]
impl Extension for FieldOrder {
    async fn parse_query(
        &self,
        ctx: &ExtensionContext<'_>,
        query: &str,
        variables: &Variables,
        next: NextParseQuery<'_>,
    ) -> ServerResult<ExecutableDocument> {
        let document = next.run(ctx, query, variables).await?;
        // The engine consumes its document; the prepared one, shared, stays as it was parsed.
        if let Some(prepared) = ctx.data_opt::<Arc<PreparedDocument>>() {
            let _ = self.state.query.set((prepared.clone(), variables.clone()));
        }
        Ok(document)
    }

    /// Every answer passes through here: a query's, a mutation's, and each event of a subscription
    /// (the engine runs this hook for each one), so nothing else needs putting in order.
    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        self.state.order(&mut response, operation_name);
        response
    }
}
