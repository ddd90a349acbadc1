//! The allow-list mode (`CAAS_OPERATION_ALLOW_LIST`): signed-in and anonymous callers may run only
//! the web app's own operations, embedded at build time from `frontend/graphql/`. Partner apps
//! write their own queries and stay bound by their key's scopes instead.

use std::collections::HashSet;
use std::sync::LazyLock;

/// The documents of `frontend/graphql/*.graphql`, as the web app sends them.
const WEB_APP_DOCUMENTS: &[&str] = include!(concat!(env!("OUT_DIR"), "/web_app_operations.rs"));

/// The web app's connectivity probe (`frontend/src/app.rs`).
const PROBE: &str = "{__typename}";

static ALLOWED: LazyLock<HashSet<String>> =
    LazyLock::new(|| WEB_APP_DOCUMENTS.iter().chain([&PROBE]).map(|document| normalized(document)).collect());

/// The document's tokens one space apart (commas are whitespace in GraphQL), so that a
/// reformatted copy of an allowed operation is still the same operation.
fn normalized(document: &str) -> String {
    let mut spaced = String::with_capacity(document.len() * 2);
    for c in document.chars() {
        match c {
            ',' => spaced.push(' '),
            '{' | '}' | '(' | ')' | '[' | ']' | ':' | '!' | '$' | '=' | '@' | '|' | '&' => {
                spaced.extend([' ', c, ' ']);
            }
            _ => spaced.push(c),
        }
    }
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `document` is one of the web app's own operations.
pub fn is_web_app_operation(document: &str) -> bool {
    ALLOWED.contains(&normalized(document))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_web_app_operations_are_allowed_and_nothing_else() {
        assert!(WEB_APP_DOCUMENTS.len() > 20, "the frontend's operations are embedded");
        for document in WEB_APP_DOCUMENTS {
            assert!(is_web_app_operation(document));
        }
        assert!(is_web_app_operation("{ __typename }"));
        let login = WEB_APP_DOCUMENTS.iter().find(|d| d.contains("login(")).expect("the login operation");
        assert!(is_web_app_operation(&login.replace('\n', "\n\n  ")), "reformatted, it is the same operation");
        assert!(!is_web_app_operation(&login.replace("accessToken", "accessToken refreshToken")));
        assert!(!is_web_app_operation("{ __schema { types { name } } }"));
        assert!(!is_web_app_operation(""));
    }
}
