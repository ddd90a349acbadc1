//! The SMS provider's delivery receipts: a text message handed over is marked delivered when the
//! handset got it, or failed with the provider's reason (where support sees it).

use entity::{NotificationChannel, NotificationStatus, notifications};
use sea_orm::sea_query::Expr;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};

use crate::app::App;
use crate::integrations::sms::{DeliveryReceipt, ReceiptStatus};

/// Records `receipt` (verified) on the message it names; answers whether there was one. A receipt
/// repeated, or arriving after a later one, changes nothing more.
pub async fn record(app: &App, receipt: &DeliveryReceipt) -> Result<bool, DbErr> {
    let of_message = || {
        notifications::Entity::update_many()
            .filter(notifications::Column::Id.eq(receipt.reference))
            .filter(notifications::Column::ProviderRef.eq(receipt.provider_id.as_str()))
            .filter(notifications::Column::Channel.eq(NotificationChannel::Sms))
            .filter(notifications::Column::Status.eq(NotificationStatus::Sent))
            .filter(notifications::Column::DeliveredAt.is_null())
    };
    let updated = match receipt.status {
        ReceiptStatus::Delivered => {
            of_message().col_expr(notifications::Column::DeliveredAt, Expr::value(receipt.at)).exec(&app.db).await?
        }
        ReceiptStatus::Undelivered | ReceiptStatus::Failed => {
            let code = receipt.error_code.as_deref().unwrap_or("unknown");
            let error = format!("not delivered to the handset ({code})");
            tracing::warn!(notification = %receipt.reference, code, "text message not delivered");
            of_message()
                .col_expr(notifications::Column::Status, Expr::value(NotificationStatus::Failed))
                .col_expr(notifications::Column::LastError, Expr::value(error.chars().take(300).collect::<String>()))
                .exec(&app.db)
                .await?
        }
    };
    Ok(updated.rows_affected > 0)
}
