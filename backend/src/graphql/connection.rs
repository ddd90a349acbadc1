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

/// What a root field that looks one thing up costs beyond its selection: it runs SQL (or calls out),
/// so a thousand aliases of it are a thousand queries.
pub const LOOKUP_COST: usize = 25;

/// What a root field answering a page costs: its own query, and its selection once per item the
/// page can hold (`first`, else the default page size).
pub fn page_cost(first: Option<i32>, child_complexity: usize) -> usize {
    let items = first.map_or(crate::pagination::DEFAULT_PAGE_SIZE, |first| u64::try_from(first).unwrap_or(0));
    let items = usize::try_from(items.min(crate::pagination::MAX_PAGE_SIZE)).unwrap_or(0);
    LOOKUP_COST.saturating_add(items.max(1).saturating_mul(child_complexity))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_costs_its_query_and_its_selection_per_item() {
        assert_eq!(page_cost(None, 3), LOOKUP_COST + 20 * 3);
        assert_eq!(page_cost(Some(5), 3), LOOKUP_COST + 5 * 3);
        assert_eq!(page_cost(Some(10_000), 3), LOOKUP_COST + 100 * 3);
        assert_eq!(page_cost(Some(-4), 3), LOOKUP_COST + 3);
    }
}
