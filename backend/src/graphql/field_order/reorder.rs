//! Putting the keys of an answer in the order of the selection set that asked for them.
//!
//! The rules are those of the specification's field collection: an object's keys come in the order
//! their response names (alias, or field name) first appear, with fragment spreads and inline
//! fragments expanded where they stand and fields dropped by `@skip` or `@include` left out; the
//! sub-selection of a key is every sub-selection of the fields answering to that name. Type conditions
//! are not looked at: the schema has no interfaces or unions, so every fragment that passed validation
//! applies to the object it is spread in.

use std::cell::OnceCell;
use std::collections::HashMap;

use async_graphql::parser::types::{Directive, FragmentDefinition, Selection, SelectionSet};
use async_graphql::{Name, Positioned, Value, Variables};
use indexmap::IndexMap;

/// The fragments of a document, by name.
pub type Fragments = HashMap<Name, Positioned<FragmentDefinition>>;

/// Puts the keys of every object in `data` in the order `selection_set` asks for them. Lists take
/// the selection of their elements; keys the selection does not name stay at the end as they were.
pub fn reorder(data: &mut Value, selection_set: &SelectionSet, fragments: &Fragments, variables: &Variables) {
    let query = Query { fragments, variables };
    let root = query.level(&[selection_set]);
    query.apply(data, &root);
}

/// The parts of the document that selections refer to.
struct Query<'a> {
    fragments: &'a Fragments,
    variables: &'a Variables,
}

/// The response keys of the objects at one place of the answer, in order.
#[derive(Default)]
struct Level<'a> {
    keys: IndexMap<&'a str, Key<'a>>,
}

/// One response key: the sub-selections of its fields, and the level they make, worked out the
/// first time an object needs it and shared by every element of a list.
#[derive(Default)]
struct Key<'a> {
    selections: Vec<&'a SelectionSet>,
    below: OnceCell<Level<'a>>,
}

impl Level<'_> {
    fn position(&self, key: &str) -> usize {
        self.keys.get_index_of(key).unwrap_or(usize::MAX)
    }
}

impl<'a> Query<'a> {
    fn level(&self, selections: &[&'a SelectionSet]) -> Level<'a> {
        let mut level = Level::default();
        // A fragment spread a second time adds no key and no sub-selection it has not added already;
        // skipping it also ends the cycles validation would have refused.
        let mut expanded = Vec::new();
        for selection_set in selections {
            self.collect(selection_set, &mut level, &mut expanded);
        }
        level
    }

    fn collect(&self, selection_set: &'a SelectionSet, level: &mut Level<'a>, expanded: &mut Vec<&'a str>) {
        for selection in &selection_set.items {
            if self.skipped(selection.node.directives()) {
                continue;
            }
            match &selection.node {
                Selection::Field(field) => {
                    let key = level.keys.entry(field.node.response_key().node.as_str()).or_default();
                    let below = &field.node.selection_set.node;
                    if !below.items.is_empty() {
                        key.selections.push(below);
                    }
                }
                Selection::FragmentSpread(spread) => {
                    let name = spread.node.fragment_name.node.as_str();
                    if expanded.contains(&name) {
                        continue;
                    }
                    expanded.push(name);
                    if let Some(fragment) = self.fragments.get(name) {
                        self.collect(&fragment.node.selection_set.node, level, expanded);
                    }
                }
                Selection::InlineFragment(inline) => {
                    self.collect(&inline.node.selection_set.node, level, expanded);
                }
            }
        }
    }

    /// Whether `@skip` or `@include` leave the selection out, decided as the engine does: a
    /// condition that is not a boolean counts as `false`.
    fn skipped(&self, directives: &[Positioned<Directive>]) -> bool {
        directives.iter().any(|directive| {
            let include = match directive.node.name.node.as_str() {
                "skip" => false,
                "include" => true,
                _ => return false,
            };
            let Some(condition) = directive.node.get_argument("if") else {
                return false;
            };
            // A literal or a variable: the copy is cheap.
            let condition = condition.node.clone().into_const_with(|name| self.variables.get(&name).cloned().ok_or(()));
            include != matches!(condition, Ok(Value::Boolean(true)))
        })
    }

    fn apply(&self, value: &mut Value, level: &Level<'a>) {
        match value {
            Value::List(items) => {
                for item in items {
                    self.apply(item, level);
                }
            }
            Value::Object(object) => {
                if !object.keys().map(|key| level.position(key)).is_sorted() {
                    // Stable, so keys the selection does not name keep their order at the end.
                    object.sort_by_cached_key(|key, _| level.position(key));
                }
                for (name, child) in object.iter_mut() {
                    // A key without a sub-selection is a leaf: a JSON scalar's object is data, not
                    // an answer to put in order.
                    if let Some(key) = level.keys.get(name.as_str())
                        && !key.selections.is_empty()
                    {
                        self.apply(child, key.below.get_or_init(|| self.level(&key.selections)));
                    }
                }
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;
    use async_graphql::{Value, Variables, value};

    use super::reorder;

    /// `data` put in the order of `query`'s only operation, as JSON text (whose order is the map's).
    fn ordered_with(query: &str, variables: Variables, mut data: Value) -> String {
        let document = parse_query(query).expect("the query parses");
        let (_, operation) = document.operations.iter().next().expect("an operation");
        reorder(&mut data, &operation.node.selection_set.node, &document.fragments, &variables);
        serde_json::to_string(&data).expect("serialises")
    }

    fn ordered(query: &str, data: Value) -> String {
        ordered_with(query, Variables::default(), data)
    }

    #[test]
    fn nested_objects_take_the_order_of_their_selections() {
        let data = value!({ "vehicle": { "model": { "code": "A", "name": "Aurora" }, "color": "red", "vin": "V1" } });
        assert_eq!(
            ordered("{ vehicle { vin model { name code } color } }", data),
            r#"{"vehicle":{"vin":"V1","model":{"name":"Aurora","code":"A"},"color":"red"}}"#
        );
    }

    #[test]
    fn aliases_are_the_keys() {
        let data = value!({ "second": { "color": "red" }, "first": { "vin": "V1" } });
        assert_eq!(
            ordered("{ first: vehicle { vin } second: vehicle { color } }", data),
            r#"{"first":{"vin":"V1"},"second":{"color":"red"}}"#
        );
    }

    #[test]
    fn fragments_and_inline_fragments_stand_where_they_are_spread() {
        let query = "{ vehicle { color ...Identity ... on Vehicle { plate ... { status } } mileageKm } }
            fragment Identity on Vehicle { vin model { name } }";
        let data = value!({ "vehicle": {
            "status": "SOLD", "mileageKm": 10, "plate": "B-1", "model": { "name": "Aurora" }, "vin": "V1", "color": "red"
        } });
        assert_eq!(
            ordered(query, data),
            r#"{"vehicle":{"color":"red","vin":"V1","model":{"name":"Aurora"},"plate":"B-1","status":"SOLD","mileageKm":10}}"#
        );
    }

    #[test]
    fn a_field_selected_twice_answers_to_all_its_selections_at_its_first_place() {
        let query = "{ vehicle { model { name } vin ...Model model { code manuals { url title } } } }
            fragment Model on Vehicle { model { id } }";
        let data = value!({ "vehicle": { "vin": "V1", "model": {
            "manuals": [{ "title": "T", "url": "U" }], "code": "A", "id": "1", "name": "Aurora"
        } } });
        assert_eq!(
            ordered(query, data),
            r#"{"vehicle":{"model":{"name":"Aurora","id":"1","code":"A","manuals":[{"url":"U","title":"T"}]},"vin":"V1"}}"#
        );
    }

    #[test]
    fn lists_and_lists_of_lists_order_each_element() {
        let data = value!({
            "grid": [[{ "y": 1, "x": 2 }, { "y": 3, "x": 4 }], [], [{ "y": 5, "x": 6 }]],
            "vehicles": [{ "color": "red", "vin": "V1" }, null, { "color": "blue", "vin": "V2" }]
        });
        assert_eq!(
            ordered("{ vehicles { vin color } grid { x y } }", data),
            r#"{"vehicles":[{"vin":"V1","color":"red"},null,{"vin":"V2","color":"blue"}],"grid":[[{"x":2,"y":1},{"x":4,"y":3}],[],[{"x":6,"y":5}]]}"#
        );
    }

    #[test]
    fn typename_is_a_key_like_any_other() {
        let data =
            value!({ "vehicle": { "color": "red", "__typename": "Vehicle", "vin": "V1" }, "__typename": "Query" });
        assert_eq!(
            ordered("{ __typename vehicle { vin __typename color } }", data),
            r#"{"__typename":"Query","vehicle":{"vin":"V1","__typename":"Vehicle","color":"red"}}"#
        );
    }

    #[test]
    fn skipped_fields_take_no_place() {
        let query =
            "query($hide: Boolean!) { vehicle { vin @skip(if: $hide) plate @include(if: false) color vin plate } }";
        let data = value!({ "vehicle": { "plate": "B-1", "vin": "V1", "color": "red" } });
        let variables = Variables::from_json(serde_json::json!({ "hide": true }));
        assert_eq!(ordered_with(query, variables, data), r#"{"vehicle":{"color":"red","vin":"V1","plate":"B-1"}}"#);
    }

    #[test]
    fn keys_the_selection_does_not_name_stay_at_the_end_in_their_order() {
        let data = value!({ "zeta": 1, "vin": "V1", "alpha": 2, "color": "red" });
        assert_eq!(ordered("{ color vin }", data), r#"{"color":"red","vin":"V1","zeta":1,"alpha":2}"#);
    }

    #[test]
    fn a_json_scalar_keeps_its_own_order() {
        let data = value!({ "order": { "configuration": { "z": 1, "a": { "y": 2, "b": 3 } }, "number": "O-1" } });
        assert_eq!(
            ordered("{ order { number configuration } }", data),
            r#"{"order":{"number":"O-1","configuration":{"z":1,"a":{"y":2,"b":3}}}}"#
        );
    }

    #[test]
    fn fragments_that_spread_each_other_end() {
        let query = "{ vehicle { ...A } } fragment A on Vehicle { vin ...B } fragment B on Vehicle { color ...A }";
        let data = value!({ "vehicle": { "color": "red", "vin": "V1" } });
        assert_eq!(ordered(query, data), r#"{"vehicle":{"vin":"V1","color":"red"}}"#);
    }

    #[test]
    fn no_data_is_left_alone() {
        assert_eq!(ordered("{ vehicle { vin } }", Value::Null), "null");
    }
}
