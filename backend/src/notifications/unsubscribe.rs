//! One-click unsubscribe from marketing e-mails (RFC 8058): every offer e-mail carries a signed
//! link naming its recipient; following it (or the mail client's button) switches offers off by
//! e-mail, without signing in.

use entity::NotificationKind;
use uuid::Uuid;

use super::kinds::Channels;
use super::preferences;
use crate::app::App;
use crate::domain::Locale;
use crate::error::{ApiError, ApiResult};
use crate::i18n;

/// The signed message of `user_id`'s unsubscribe link (its purpose first, so no other link's
/// signature fits).
fn message(user_id: Uuid) -> String {
    format!("unsubscribe|offers|{user_id}")
}

/// The unsubscribe address of `user_id`.
pub fn link(app: &App, user_id: Uuid) -> String {
    let signature = app.link_signer.sign(&message(user_id));
    format!("{}/unsubscribe?user={user_id}&sig={signature}", app.config.public_base())
}

/// The line under a marketing e-mail with its unsubscribe link.
pub fn footer(locale: Locale, link: &str) -> String {
    i18n::text(locale, "email-unsubscribe-footer", &serde_json::json!({ "link": link }))
}

/// Whether `signature` is that of `user_id`'s unsubscribe link.
pub fn verify(app: &App, user_id: Uuid, signature: &str) -> bool {
    app.link_signer.verify(&message(user_id), signature)
}

/// Switches offers off on every channel for `user_id` (whose link was verified).
pub async fn unsubscribe(app: &App, user_id: Uuid) -> ApiResult<()> {
    let stored = preferences::store(&app.db, user_id, NotificationKind::Offers, Channels::NONE, app.clock.now()).await;
    stored.map_err(|err| {
        // A link of an account erased since has no user to keep preferences for.
        tracing::info!(error = %err, "unsubscribe not recorded");
        ApiError::NotFound("user")
    })
}
