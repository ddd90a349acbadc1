//! Forward, keyset pagination shared by every list (Relay cursors are opaque keys).

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use sea_orm::{ColumnTrait, EntityTrait, Order, QueryFilter, QueryOrder, QuerySelect, Select};

use crate::error::{ApiError, ApiResult};

/// The default page size.
pub const DEFAULT_PAGE_SIZE: u64 = 20;
/// The largest page size a client may ask for.
pub const MAX_PAGE_SIZE: u64 = 100;

/// What page a client asked for.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PageArgs {
    /// The key of the last item already seen.
    pub after: Option<String>,
    /// How many items to return.
    pub first: u64,
}

impl PageArgs {
    /// Validates GraphQL's `after`/`first`.
    pub fn parse(after: Option<String>, first: Option<i32>) -> ApiResult<Self> {
        let first = match first {
            None => DEFAULT_PAGE_SIZE,
            Some(n) if (0..=MAX_PAGE_SIZE as i32).contains(&n) => n as u64,
            Some(_) => {
                return Err(ApiError::bad_input("first", format!("first must be between 0 and {MAX_PAGE_SIZE}")));
            }
        };
        let after = after.map(|cursor| decode_cursor(&cursor)).transpose()?;
        Ok(Self { after, first })
    }

    /// The cursor key as a UUID, for lists keyed by id.
    pub fn after_uuid(&self) -> ApiResult<Option<uuid::Uuid>> {
        self.after
            .as_deref()
            .map(|key| key.parse().map_err(|_| ApiError::bad_input("after", "the cursor is not one this API gave out")))
            .transpose()
    }

    /// Every item, for callers that want a whole (bounded) list.
    pub fn all() -> Self {
        Self { after: None, first: u64::MAX }
    }
}

/// One page of items, each with its key.
#[derive(Clone, Debug)]
pub struct Page<T> {
    /// The items with their keys, in order.
    pub items: Vec<(String, T)>,
    /// Whether items come before this page.
    pub has_previous: bool,
    /// Whether more items follow.
    pub has_next: bool,
}

impl<T> Page<T> {
    /// Builds a page from up to `first + 1` fetched items (the extra one only tells there is more).
    pub fn from_fetched(mut items: Vec<T>, args: &PageArgs, key: impl Fn(&T) -> String) -> Self {
        let has_next = items.len() as u64 > args.first;
        items.truncate(usize::try_from(args.first).unwrap_or(usize::MAX));
        Self {
            items: items.into_iter().map(|item| (key(&item), item)).collect(),
            has_previous: args.after.is_some(),
            has_next,
        }
    }

    /// Pages an in-memory list that is already in key order.
    pub fn slice(items: Vec<T>, args: &PageArgs, key: impl Fn(&T) -> String) -> Self {
        let start = match &args.after {
            Some(after) => items.iter().position(|item| &key(item) == after).map_or(items.len(), |i| i + 1),
            None => 0,
        };
        let rest: Vec<T> = items
            .into_iter()
            .skip(start)
            .take(usize::try_from(args.first.saturating_add(1)).unwrap_or(usize::MAX))
            .collect();
        Self::from_fetched(rest, args, key)
    }

    /// The same page with each item converted.
    pub fn map<U>(self, f: impl Fn(T) -> U) -> Page<U> {
        Page {
            items: self.items.into_iter().map(|(key, item)| (key, f(item))).collect(),
            has_previous: self.has_previous,
            has_next: self.has_next,
        }
    }
}

/// Restricts `select` to the page after `after` (a key of the unique `column`), ordered by it.
pub fn keyset<E, C, V>(select: Select<E>, column: C, order: Order, after: Option<V>, args: &PageArgs) -> Select<E>
where
    E: EntityTrait,
    C: ColumnTrait,
    V: Into<sea_orm::Value>,
{
    let select = match (after, &order) {
        (Some(after), Order::Desc) => select.filter(column.lt(after)),
        (Some(after), _) => select.filter(column.gt(after)),
        (None, _) => select,
    };
    select.order_by(column, order).limit(args.first.saturating_add(1))
}

/// The opaque cursor of a key.
pub fn encode_cursor(key: &str) -> String {
    URL_SAFE_NO_PAD.encode(key)
}

fn decode_cursor(cursor: &str) -> ApiResult<String> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .ok_or_else(|| ApiError::bad_input("after", "the cursor is not one this API gave out"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validates_arguments() {
        assert_eq!(PageArgs::parse(None, None).expect("defaults").first, DEFAULT_PAGE_SIZE);
        assert!(PageArgs::parse(None, Some(-1)).is_err());
        assert!(PageArgs::parse(None, Some(101)).is_err());
        assert!(PageArgs::parse(Some("%%%".into()), None).is_err());
        let args = PageArgs::parse(Some(encode_cursor("WCA")), Some(5)).expect("valid");
        assert_eq!(args.after.as_deref(), Some("WCA"));
    }

    #[test]
    fn slices_in_memory_lists() {
        let items: Vec<u32> = (1..=5).collect();
        let first = Page::slice(items.clone(), &PageArgs { after: None, first: 2 }, u32::to_string);
        assert_eq!(first.items.iter().map(|(_, i)| *i).collect::<Vec<_>>(), vec![1, 2]);
        assert!(first.has_next && !first.has_previous);
        let last = Page::slice(items, &PageArgs { after: Some("3".into()), first: 10 }, u32::to_string);
        assert_eq!(last.items.iter().map(|(_, i)| *i).collect::<Vec<_>>(), vec![4, 5]);
        assert!(!last.has_next && last.has_previous);
    }
}
