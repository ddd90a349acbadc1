//! The schema extension that makes every answer list its keys in the order of the query's
//! selection set, as the GraphQL specification requires. The engine resolves the fields of an
//! object concurrently and records each one as it finishes, so without this the same query can come
//! back with its keys in a different order every time.

mod reorder;

use std::sync::{Arc, OnceLock};

use async_graphql::extensions::{
    Extension, ExtensionContext, ExtensionFactory, NextExecute, NextParseQuery, NextPrepareRequest, NextSubscribe,
};
use async_graphql::parser::types::{DocumentOperations, ExecutableDocument, OperationDefinition, OperationType};
use async_graphql::{Request, Response, ServerResult, Variables};
use futures::stream::{BoxStream, StreamExt};

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
    /// Shared with the stream of a subscription, which outlives the hooks' borrows of `self`.
    state: Arc<Captured>,
}

/// What a request's answer is put in order by, captured as the request is prepared and parsed.
#[derive(Default)]
struct Captured {
    /// The operation the client named. Only subscriptions need it: the `execute` hook is given it.
    operation_name: OnceLock<Option<String>>,
    /// The document as parsed (before the engine drops its skipped fields), and the variables of
    /// its `@skip` and `@include` conditions.
    query: OnceLock<(Arc<PreparedDocument>, Variables)>,
}

impl Captured {
    /// Puts `response` in the order of the operation called `operation_name`, when it is of a kind
    /// accepted by `applies`.
    fn order(&self, response: &mut Response, operation_name: Option<&str>, applies: fn(OperationType) -> bool) {
        let Some((prepared, variables)) = self.query.get() else {
            return;
        };
        let document = &prepared.document;
        if let Some(operation) = operation(document, operation_name)
            && applies(operation.ty)
        {
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
    async fn prepare_request(
        &self,
        ctx: &ExtensionContext<'_>,
        request: Request,
        next: NextPrepareRequest<'_>,
    ) -> ServerResult<Request> {
        // After the rest of the chain, which may still change the request.
        let request = next.run(ctx, request).await?;
        let _ = self.state.operation_name.set(request.operation_name.clone());
        Ok(request)
    }

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

    async fn execute(
        &self,
        ctx: &ExtensionContext<'_>,
        operation_name: Option<&str>,
        next: NextExecute<'_>,
    ) -> Response {
        let mut response = next.run(ctx, operation_name).await;
        self.state.order(&mut response, operation_name, |_| true);
        response
    }

    /// Each event of a subscription is an answer of its own, resolved as concurrently as a query.
    /// A query or mutation sent over the WebSocket passes through `execute` as well, so only
    /// subscriptions are put in order here.
    fn subscribe<'s>(
        &self,
        ctx: &ExtensionContext<'_>,
        stream: BoxStream<'s, Response>,
        next: NextSubscribe<'_>,
    ) -> BoxStream<'s, Response> {
        let state = self.state.clone();
        next.run(ctx, stream)
            .map(move |mut response| {
                let operation_name = state.operation_name.get().and_then(Option::as_deref);
                state.order(&mut response, operation_name, |kind| kind == OperationType::Subscription);
                response
            })
            .boxed()
    }
}
