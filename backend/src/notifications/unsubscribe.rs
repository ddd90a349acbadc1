//! One-click unsubscribe from marketing e-mails (RFC 8058): every offer e-mail carries a signed
//! link naming its recipient; following it (or the mail client's button) switches offers off by
//! e-mail, without signing in.

use entity::NotificationKind;
use uuid::Uuid;

use super::kinds::Channels;
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
    use entity::notification_preferences as prefs;
    use sea_orm::sea_query::OnConflict;
    use sea_orm::{EntityTrait, Set};
    let row = prefs::ActiveModel {
        user_id: Set(user_id),
        kind: Set(NotificationKind::Offers),
        email: Set(Channels::NONE.email),
        push: Set(Channels::NONE.push),
        sms: Set(Channels::NONE.sms),
        updated_at: Set(app.clock.now()),
    };
    let on_conflict = OnConflict::columns([prefs::Column::UserId, prefs::Column::Kind])
        .update_columns([prefs::Column::Email, prefs::Column::Push, prefs::Column::Sms, prefs::Column::UpdatedAt])
        .to_owned();
    prefs::Entity::insert(row).on_conflict(on_conflict).exec_without_returning(&app.db).await.map_err(|err| {
        // A link of an account erased since has no user to keep preferences for.
        tracing::info!(error = %err, "unsubscribe not recorded");
        ApiError::NotFound("user")
    })?;
    Ok(())
}
