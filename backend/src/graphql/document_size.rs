//! The size of a document with its fragments expanded, bounded before validation: fragments that
//! each spread the next one twice double the work of every validation rule per level, so a 1 KB
//! document could keep a core busy for minutes. Each fragment's expanded size is counted once
//! (memoised), so the check itself is linear in the document's length.

use std::collections::HashMap;

use async_graphql::Name;
use async_graphql::parser::types::{ExecutableDocument, FragmentDefinition, Selection, SelectionSet};

/// Fragment definitions a document may hold.
pub const MAX_FRAGMENTS: usize = 100;
/// Fragment spreads a document may hold, counted as written.
pub const MAX_SPREADS: usize = 1_000;
/// Selections (fields and fragments) of a document once every spread is expanded.
pub const MAX_EXPANDED_SELECTIONS: u64 = 10_000;
/// Aliased fields a document may hold, counted as written: aliases are how one request asks for
/// the same expensive thing many times (graphql-cop's "alias overloading" sends 101).
pub const MAX_ALIASES: usize = 100;
/// Times the same field may be asked for in one selection set (graphql-cop's "field duplication"
/// sends 500; GraphQL merges them, but every copy is validated).
pub const MAX_SAME_FIELD: usize = 20;

/// Why a document is refused before validation.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum DocumentTooLarge {
    /// Too many fragment definitions.
    #[error("the document defines {0} fragments; at most {MAX_FRAGMENTS} are allowed")]
    Fragments(usize),
    /// Too many spreads as written.
    #[error("the document spreads fragments {0} times; at most {MAX_SPREADS} are allowed")]
    Spreads(usize),
    /// Too many aliases.
    #[error("the document has {0} aliased fields; at most {MAX_ALIASES} are allowed")]
    Aliases(usize),
    /// The same field too often in one selection set.
    #[error("a selection set asks for `{0}` more than {MAX_SAME_FIELD} times")]
    RepeatedField(String),
    /// Too large once its fragments are expanded.
    #[error("the document has more than {MAX_EXPANDED_SELECTIONS} selections once its fragments are expanded")]
    Expanded,
}

/// Refuses a document over the limits above.
pub fn check(document: &ExecutableDocument) -> Result<(), DocumentTooLarge> {
    if document.fragments.len() > MAX_FRAGMENTS {
        return Err(DocumentTooLarge::Fragments(document.fragments.len()));
    }
    let mut sizes =
        Sizes { fragments: &document.fragments, known: HashMap::new(), spreads: 0, aliases: 0, repeated: None };
    let mut total: u64 = 0;
    for (_, operation) in document.operations.iter() {
        total = total.saturating_add(sizes.of_set(&operation.node.selection_set.node));
    }
    // Fragments no operation uses are validated too; those it uses are counted already.
    for name in document.fragments.keys() {
        if !sizes.known.contains_key(name.as_str()) {
            total = total.saturating_add(sizes.of_fragment(name));
        }
    }
    if sizes.spreads > MAX_SPREADS {
        return Err(DocumentTooLarge::Spreads(sizes.spreads));
    }
    if sizes.aliases > MAX_ALIASES {
        return Err(DocumentTooLarge::Aliases(sizes.aliases));
    }
    if let Some(field) = sizes.repeated {
        return Err(DocumentTooLarge::RepeatedField(field));
    }
    if total > MAX_EXPANDED_SELECTIONS {
        return Err(DocumentTooLarge::Expanded);
    }
    Ok(())
}

struct Sizes<'d> {
    fragments: &'d HashMap<Name, async_graphql::Positioned<FragmentDefinition>>,
    /// Expanded size per fragment; `None` while it is being counted (a cycle, which validation
    /// reports, counts as nothing here).
    known: HashMap<&'d str, Option<u64>>,
    spreads: usize,
    /// Aliased fields as written.
    aliases: usize,
    /// A field asked for more than [`MAX_SAME_FIELD`] times in one selection set.
    repeated: Option<String>,
}

impl<'d> Sizes<'d> {
    fn of_set(&mut self, set: &'d SelectionSet) -> u64 {
        let mut asked: HashMap<&str, usize> = HashMap::new();
        for selection in &set.items {
            if let Selection::Field(field) = &selection.node {
                let field = &field.node;
                self.aliases += usize::from(field.alias.is_some());
                let key = field.alias.as_ref().unwrap_or(&field.name).node.as_str();
                let times = asked.entry(key).or_default();
                *times += 1;
                if *times > MAX_SAME_FIELD && self.repeated.is_none() {
                    self.repeated = Some(key.to_owned());
                }
            }
        }
        set.items.iter().fold(0_u64, |sum, selection| sum.saturating_add(self.of_selection(&selection.node)))
    }

    fn of_selection(&mut self, selection: &'d Selection) -> u64 {
        match selection {
            Selection::Field(field) => 1_u64.saturating_add(self.of_set(&field.node.selection_set.node)),
            Selection::InlineFragment(inline) => 1_u64.saturating_add(self.of_set(&inline.node.selection_set.node)),
            Selection::FragmentSpread(spread) => {
                self.spreads += 1;
                1_u64.saturating_add(self.of_fragment(&spread.node.fragment_name.node))
            }
        }
    }

    fn of_fragment(&mut self, name: &'d str) -> u64 {
        if let Some(known) = self.known.get(name) {
            return known.unwrap_or(0);
        }
        let Some(fragment) = self.fragments.get(name) else { return 0 };
        self.known.insert(name, None);
        let size = self.of_set(&fragment.node.selection_set.node);
        self.known.insert(name, Some(size));
        size
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    /// `{ ...H0 }` where each fragment spreads the next one twice: 2^levels selections expanded.
    fn doubling(levels: usize) -> String {
        let mut query = String::from("{ ...H0 }");
        for level in 0..levels {
            query.push_str(&format!(" fragment H{level} on Query {{ ...H{next} ...H{next} }}", next = level + 1));
        }
        query.push_str(&format!(" fragment H{levels} on Query {{ __typename }}"));
        query
    }

    fn checked(query: &str) -> Result<(), DocumentTooLarge> {
        check(&parse_query(query).expect("parses"))
    }

    #[test]
    fn fragments_that_double_per_level_are_refused_before_validation() {
        assert_eq!(checked(&doubling(5)), Ok(()));
        assert_eq!(checked(&doubling(30)), Err(DocumentTooLarge::Expanded));
        // Even at a depth whose expansion overflows 64 bits, counting stays linear.
        assert_eq!(checked(&doubling(90)), Err(DocumentTooLarge::Expanded));
    }

    #[test]
    fn ordinary_documents_pass() {
        let query = "query($vin: String!) { vehicle(vin: $vin) { ...Car model { name } } } \
                     fragment Car on Vehicle { vin plate activations { id status feature { code } } }";
        assert_eq!(checked(query), Ok(()));
    }

    #[test]
    fn too_many_fragments_or_spreads_are_refused() {
        let mut many = String::from("{ __typename }");
        for i in 0..=MAX_FRAGMENTS {
            many.push_str(&format!(" fragment F{i} on Query {{ __typename }}"));
        }
        assert_eq!(checked(&many), Err(DocumentTooLarge::Fragments(MAX_FRAGMENTS + 1)));
        let spreads = format!("{{ {} }} fragment F on Query {{ __typename }}", "...F ".repeat(MAX_SPREADS + 1));
        assert_eq!(checked(&spreads), Err(DocumentTooLarge::Spreads(MAX_SPREADS + 1)));
    }

    #[test]
    fn a_used_fragment_counts_once() {
        // 6,000 selections: within the limit once, over it if counted again as an unused fragment.
        let selections = "... on Query { __typename } ".repeat(3_000);
        assert_eq!(checked(&format!("{{ ...F }} fragment F on Query {{ {selections} }}")), Ok(()));
    }

    #[test]
    fn alias_overloading_and_field_duplication_are_refused() {
        let aliases: String = (0..=MAX_ALIASES).map(|i| format!("a{i}: __typename ")).collect();
        assert_eq!(checked(&format!("{{ {aliases} }}")), Err(DocumentTooLarge::Aliases(MAX_ALIASES + 1)));
        let duplicated = "__typename ".repeat(MAX_SAME_FIELD + 1);
        assert_eq!(checked(&format!("{{ {duplicated} }}")), Err(DocumentTooLarge::RepeatedField("__typename".into())));
        let allowed = "__typename ".repeat(MAX_SAME_FIELD);
        assert_eq!(checked(&format!("{{ {allowed} }}")), Ok(()));
    }

    #[test]
    fn a_fragment_cycle_is_left_to_validation() {
        assert_eq!(checked("{ ...A } fragment A on Query { ...B } fragment B on Query { ...A }"), Ok(()));
    }
}
