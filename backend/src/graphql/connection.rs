//! Relay connections from pages.

use async_graphql::OutputType;
use async_graphql::connection::{Connection, Edge};

use crate::error::ApiResult;
use crate::pagination::{Page, PageArgs, encode_cursor};

/// The Relay connection of a page, each item turned into its GraphQL node.
pub fn connection<T, N: OutputType>(page: Page<T>, node: impl Fn(T) -> N) -> Connection<String, N> {
    let mut connection = Connection::new(page.has_previous, page.has_next);
    connection.edges.extend(page.items.into_iter().map(|(key, item)| Edge::new(encode_cursor(&key), node(item))));
    connection
}

/// The Relay connection of a page of `rows` (already in order, each with a unique `key`), for the
/// `after`/`first` a client sent.
pub fn sliced<T, N: OutputType>(
    rows: Vec<T>,
    after: Option<String>,
    first: Option<i32>,
    key: impl Fn(&T) -> String,
    node: impl Fn(T) -> N,
) -> ApiResult<Connection<String, N>> {
    let args = PageArgs::parse(after, first)?;
    Ok(connection(Page::slice(rows, &args, key), node))
}
