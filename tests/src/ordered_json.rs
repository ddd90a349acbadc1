//! JSON read with the order of its keys kept, which `serde_json::Value` (a sorted map here) loses.

use std::fmt;

use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};

/// A JSON value whose objects keep their keys in the order they were written.
#[derive(Debug, PartialEq)]
pub enum OrderedJson {
    /// An object: its entries as written.
    Object(Vec<(String, OrderedJson)>),
    /// An array.
    List(Vec<OrderedJson>),
    /// A string, number, boolean or null: the checks of key order have nothing to look at in it.
    Scalar,
}

impl OrderedJson {
    /// Parses `text`, panicking if it is not JSON.
    pub fn parse(text: &str) -> Self {
        serde_json::from_str(text).unwrap_or_else(|error| panic!("not JSON ({error}): {text}"))
    }

    /// The value under `key` of an object.
    pub fn get(&self, key: &str) -> Option<&OrderedJson> {
        match self {
            Self::Object(entries) => entries.iter().find(|(name, _)| name == key).map(|(_, value)| value),
            _ => None,
        }
    }

    /// The keys of an object, in order (none for anything else).
    pub fn keys(&self) -> Vec<&str> {
        match self {
            Self::Object(entries) => entries.iter().map(|(name, _)| name.as_str()).collect(),
            _ => Vec::new(),
        }
    }
}

impl<'de> Deserialize<'de> for OrderedJson {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(OrderedJsonVisitor)
    }
}

struct OrderedJsonVisitor;

impl<'de> Visitor<'de> for OrderedJsonVisitor {
    type Value = OrderedJson;

    fn expecting(&self, formatter: &mut fmt::Formatter) -> fmt::Result {
        formatter.write_str("any JSON value")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OrderedJson, A::Error> {
        let mut entries = Vec::new();
        while let Some(entry) = map.next_entry::<String, OrderedJson>()? {
            entries.push(entry);
        }
        Ok(OrderedJson::Object(entries))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<OrderedJson, A::Error> {
        let mut items = Vec::new();
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(OrderedJson::List(items))
    }

    fn visit_bool<E>(self, _: bool) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Scalar)
    }

    fn visit_i64<E>(self, _: i64) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Scalar)
    }

    fn visit_u64<E>(self, _: u64) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Scalar)
    }

    fn visit_f64<E>(self, _: f64) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Scalar)
    }

    fn visit_str<E>(self, _: &str) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Scalar)
    }

    fn visit_unit<E>(self) -> Result<OrderedJson, E> {
        Ok(OrderedJson::Scalar)
    }
}
