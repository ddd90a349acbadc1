//! Rate limits charged per operation, not per HTTP request: every root field (each alias on its
//! own) of a document costs one unit, so a batch, 300 aliases or 1,000 subscriptions on one socket
//! cost what they ask for. Charged to the client's address, and to the signed-in user or the API
//! key; the sign-in and password operations also to a stricter bucket of their own. Held in the
//! database ([`rate_limit`](crate::platform::rate_limit)) so that the limits hold across instances.

use std::collections::HashSet;

use async_graphql::parser::types::{ExecutableDocument, Selection, SelectionSet};

use crate::app::App;
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::platform::rate_limit::{self, Limit};

/// The operations a password guesser or a mail bomber uses: the strictest limit.
const SIGN_IN_FIELDS: &[&str] = &[
    "login",
    "refreshToken",
    "requestPasswordReset",
    "resetPassword",
    "setPassword",
    "changePassword",
    "addPassword",
    "completeOidcSignIn",
    "sendOidcLinkEmail",
    "confirmOidcLink",
];

/// What a document costs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct OperationCost {
    /// Root fields of all its operations, aliases counted one by one.
    pub units: u32,
    /// Those of them that sign in or handle a password.
    pub sign_in_units: u32,
}

/// The cost of `document`; fragments at the root are followed (each once per path, so a cycle,
/// refused later by validation, cannot loop here).
pub fn cost_of(document: &ExecutableDocument) -> OperationCost {
    let mut cost = OperationCost::default();
    for (_, operation) in document.operations.iter() {
        count_root(document, &operation.node.selection_set.node, &mut HashSet::new(), &mut cost);
    }
    cost
}

fn count_root<'d>(
    document: &'d ExecutableDocument,
    selections: &'d SelectionSet,
    entered: &mut HashSet<&'d str>,
    cost: &mut OperationCost,
) {
    for selection in &selections.items {
        match &selection.node {
            Selection::Field(field) => {
                cost.units = cost.units.saturating_add(1);
                if SIGN_IN_FIELDS.contains(&field.node.name.node.as_str()) {
                    cost.sign_in_units = cost.sign_in_units.saturating_add(1);
                }
            }
            Selection::InlineFragment(fragment) => {
                count_root(document, &fragment.node.selection_set.node, entered, cost);
            }
            Selection::FragmentSpread(spread) => {
                let name = spread.node.fragment_name.node.as_str();
                if let Some(fragment) = document.fragments.get(&spread.node.fragment_name.node)
                    && entered.insert(name)
                {
                    count_root(document, &fragment.node.selection_set.node, entered, cost);
                    entered.remove(name);
                }
            }
        }
    }
}

/// Charges `cost` to `viewer` calling from `client_ip`; refused with `RATE_LIMITED` and the
/// seconds to wait when a limit is reached. A limit of 0 is off.
pub async fn charge(app: &App, viewer: &Viewer, client_ip: &str, cost: OperationCost) -> ApiResult<()> {
    let config = &app.config;
    let mut buckets = vec![
        (
            format!("sign-in:{client_ip}"),
            cost.sign_in_units,
            config.rate_limit_sign_in,
            "sign-in attempts from this address",
        ),
        (format!("ip:{client_ip}"), cost.units, config.rate_limit_per_ip, "requests from this address"),
    ];
    match viewer {
        Viewer::User(user) => {
            buckets.push((
                format!("user:{}", user.id),
                cost.units,
                config.rate_limit_per_user,
                "requests of this user",
            ));
        }
        Viewer::Partner(partner) => {
            let limit = config.partner_requests_per_minute;
            buckets.push((format!("key:{}", partner.key_id), cost.units, limit, "requests of this API key"));
        }
        Viewer::Anonymous => {}
    }
    let now = app.clock.now();
    for (bucket, units, per_minute, what) in buckets {
        if units == 0 || per_minute == 0 {
            continue;
        }
        if let Err(over) = rate_limit::charge(&app.db, &bucket, units, Limit { per_minute }, now).await? {
            return Err(ApiError::RateLimited {
                message: format!("too many {what}: at most {per_minute} operations a minute"),
                retry_after_seconds: over.retry_after_seconds,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use async_graphql::parser::parse_query;

    use super::*;

    fn cost(query: &str) -> OperationCost {
        cost_of(&parse_query(query).expect("a document"))
    }

    #[test]
    fn every_alias_and_root_fragment_field_counts() {
        assert_eq!(cost("{ me { id } catalog(vin: \"X\") { id } }").units, 2);
        assert_eq!(cost("{ a: __typename b: __typename c: __typename }").units, 3);
        let fragments = "{ ...F ... on Query { __typename } } fragment F on Query { x: __typename y: __typename }";
        assert_eq!(cost(fragments).units, 3);
    }

    #[test]
    fn sign_in_fields_are_counted_apart() {
        let guesses = "mutation { a: login(identifier: \"x\", password: \"1\") { accessToken } \
                       b: login(identifier: \"x\", password: \"2\") { accessToken } }";
        assert_eq!(cost(guesses), OperationCost { units: 2, sign_in_units: 2 });
    }

    #[test]
    fn a_fragment_cycle_does_not_loop() {
        let cycle = "{ ...A } fragment A on Query { __typename ...B } fragment B on Query { ...A }";
        assert_eq!(cost(cycle).units, 1);
    }
}
