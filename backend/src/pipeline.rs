//! The schema with what every GraphQL operation passes through around it
//! ([`graphql::operation`](crate::graphql::operation)): HTTP and WebSocket requests are executed
//! here, never by the schema alone.

use std::panic::AssertUnwindSafe;
use std::sync::Arc;

use async_graphql::{BatchRequest, BatchResponse, Request, Response};
use futures::FutureExt;
use futures::stream::{self, BoxStream, StreamExt};

use crate::app::AppState;
use crate::graphql::operation::{self, Ordering};
use crate::graphql::prepared::DocumentCache;
use crate::schema::CaasSchema;

/// Executes operations against the schema: admitted, run, put in order and finished.
#[derive(Clone)]
pub struct GraphqlPipeline {
    schema: CaasSchema,
    app: AppState,
    /// Documents are prepared once for every operation of this instance.
    documents: Arc<DocumentCache>,
}

impl GraphqlPipeline {
    /// Serves `schema` for `app`.
    pub fn new(app: AppState, schema: CaasSchema) -> Self {
        let documents = Arc::new(DocumentCache::counting(app.metrics.persisted_queries.clone()));
        Self { schema, app, documents }
    }

    /// The answer to one query or mutation; a resolver that panics answers `INTERNAL`.
    pub async fn execute(&self, request: Request) -> Response {
        let locale = operation::locale_of_request(&request);
        let response = match AssertUnwindSafe(self.run(request)).catch_unwind().await {
            Ok(response) => response,
            Err(panic) => {
                let detail = crate::logging::panic_message(panic.as_ref());
                tracing::error!(panic = %detail, "a resolver panicked");
                Response::from_errors(vec![operation::internal_error()])
            }
        };
        operation::finish(&self.app.metrics, response, locale)
    }

    /// The answers to a batch, one operation after the other.
    pub async fn execute_batch(&self, batch: BatchRequest) -> BatchResponse {
        match batch {
            BatchRequest::Single(request) => BatchResponse::Single(self.execute(request).await),
            BatchRequest::Batch(requests) => {
                let mut responses = Vec::with_capacity(requests.len());
                for request in requests {
                    responses.push(self.execute(request).await);
                }
                BatchResponse::Batch(responses)
            }
        }
    }

    /// The answers to a subscription as its events come (or the one answer to a query or mutation
    /// sent over a WebSocket).
    pub fn execute_stream(&self, request: Request) -> BoxStream<'static, Response> {
        let locale = operation::locale_of_request(&request);
        let pipeline = self.clone();
        let responses = stream::once(async move {
            let admitted = match operation::admit(&pipeline.app, &pipeline.documents, request).await {
                Ok(admitted) => admitted,
                Err(refused) => return stream::iter([Response::from_errors(vec![refused])]).boxed(),
            };
            let ordering = Ordering::of(&admitted);
            let mut counted = false;
            let metrics = pipeline.app.metrics.clone();
            pipeline
                .schema
                .execute_stream(admitted.request)
                .map(move |mut response| {
                    if !counted {
                        ordering.count(&metrics, &response);
                        counted = true;
                    }
                    ordering.apply(&mut response);
                    response
                })
                .boxed()
        })
        .flatten();
        let metrics = self.app.metrics.clone();
        responses.map(move |response| operation::finish(&metrics, response, locale)).boxed()
    }

    async fn run(&self, request: Request) -> Response {
        let admitted = match operation::admit(&self.app, &self.documents, request).await {
            Ok(admitted) => admitted,
            Err(refused) => return Response::from_errors(vec![refused]),
        };
        let ordering = Ordering::of(&admitted);
        let mut response = self.schema.execute(admitted.request).await;
        ordering.count(&self.app.metrics, &response);
        ordering.apply(&mut response);
        response
    }
}
