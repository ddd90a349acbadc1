//! Settlement: the gateway reports (by signed webhook, or when asked by the reconciler) whether a
//! captured payment settled. This flow sits above the domains it informs: it records the result
//! through `payments`, then tells `orders` or `activation` what the payment was for — it calls
//! down into them, and none of them calls up into it.

pub mod graphql;
pub mod reconciler;
pub mod transfers;
pub mod webhook;
