//! Saved payment cards. A customer saves a card once: the client gets a payment method from the
//! gateway (Stripe Elements in the browser, a test card with the simulator), the server makes the
//! customer's gateway record if it has none and confirms a setup of that method for later charges
//! without the customer present. Purchases and subscription periods are charged to the saved card,
//! with its customer, as the gateway requires. Saving another card replaces it.

use entity::{Role, payment_cards, users};
use sea_orm::sea_query::OnConflict;
use sea_orm::{ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set};
use serde_json::json;
use uuid::Uuid;

use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::error::{ApiError, ApiResult};
use crate::idempotency;
use crate::integrations::payments::GatewayError;

/// The saved card of `user_id`, if a card was saved.
pub async fn saved_card(db: &impl ConnectionTrait, user_id: Uuid) -> Result<Option<payment_cards::Model>, DbErr> {
    let card = payment_cards::Entity::find().filter(payment_cards::Column::UserId.eq(user_id)).one(db).await?;
    Ok(card.filter(|card| card.payment_method_ref.is_some()))
}

/// The gateway customer to charge `payment_method` with: the payer's, when it is their saved card.
pub async fn customer_for(
    db: &impl ConnectionTrait,
    payer_id: Uuid,
    payment_method: Option<&str>,
) -> Result<Option<String>, DbErr> {
    let card = saved_card(db, payer_id).await?;
    Ok(card.filter(|card| card.payment_method_ref.as_deref() == payment_method).map(|card| card.customer_ref))
}

/// Saves `payment_method` as the customer's card (replacing the one saved before), once per key.
pub async fn save_card(
    app: &App,
    viewer: &Viewer,
    payment_method: &str,
    idempotency_key: &str,
) -> ApiResult<payment_cards::Model> {
    let customer = viewer.user_with_role(&[Role::Customer])?;
    let key = idempotency::parse_key(idempotency_key)?;
    let token = payment_method.trim();
    if token.is_empty() || token.len() > 128 {
        return Err(ApiError::bad_input("paymentMethod", "a payment method from the gateway is required"));
    }
    let user = users::Entity::find_by_id(customer.id).one(&app.db).await?.ok_or(ApiError::NotFound("customer"))?;
    let card = save_for(app, &user, token, &key).await?;
    let subject = Subject { kind: "payment_card", id: &card.id.to_string() };
    audit::record(app, &app.db, viewer, "payment_card.save", subject, json!({ "last4": card.last4 })).await?;
    Ok(card)
}

/// Saves `token` as `user`'s card at the gateway under `key` and records it.
pub async fn save_for(app: &App, user: &users::Model, token: &str, key: &str) -> ApiResult<payment_cards::Model> {
    let record = gateway_customer(app, user).await?;
    let saved = app
        .integrations
        .payments
        .save_method(&record.customer_ref, token, &format!("setup-{}-{key}", user.id))
        .await
        .map_err(|err| match err {
            GatewayError::Declined(reason) => ApiError::Refused { reason: "CARD_DECLINED", message: reason },
            GatewayError::Invalid(_) => {
                ApiError::bad_input("paymentMethod", "the payment gateway did not accept this payment method")
            }
            GatewayError::Unavailable(message) => ApiError::Unavailable(message),
        })?;
    let mut card: payment_cards::ActiveModel = record.into();
    card.payment_method_ref = Set(Some(saved.payment_method_ref));
    card.method_kind = Set(entity::PaymentMethodKind::Card);
    card.mandate_reference = Set(None);
    card.mandate_accepted_at = Set(None);
    card.brand = Set(Some(saved.card.brand.chars().take(32).collect()));
    card.last4 = Set(Some(saved.card.last4.chars().take(4).collect()));
    card.exp_month = Set(Some(saved.card.exp_month));
    card.exp_year = Set(Some(saved.card.exp_year));
    card.updated_at = Set(app.clock.now());
    Ok(card.update(&app.db).await?)
}

/// The user's gateway customer record, made on first use (the gateway sees one key per user, so a
/// race or a retry makes one customer).
pub(super) async fn gateway_customer(app: &App, user: &users::Model) -> ApiResult<payment_cards::Model> {
    if let Some(record) =
        payment_cards::Entity::find().filter(payment_cards::Column::UserId.eq(user.id)).one(&app.db).await?
    {
        return Ok(record);
    }
    let customer_ref = app
        .integrations
        .payments
        .create_customer(&user.email, &user.name, &format!("customer-{}", user.id))
        .await
        .map_err(|err| match err {
            GatewayError::Unavailable(message) => ApiError::Unavailable(message),
            other => ApiError::Conflict(other.to_string()),
        })?;
    let now = app.clock.now();
    let record = payment_cards::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        customer_ref: Set(customer_ref),
        payment_method_ref: Set(None),
        brand: Set(None),
        last4: Set(None),
        exp_month: Set(None),
        exp_year: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        method_kind: Set(entity::PaymentMethodKind::Card),
        mandate_reference: Set(None),
        mandate_accepted_at: Set(None),
    };
    payment_cards::Entity::insert(record)
        .on_conflict(OnConflict::column(payment_cards::Column::UserId).do_nothing().to_owned())
        .exec_without_returning(&app.db)
        .await?;
    payment_cards::Entity::find()
        .filter(payment_cards::Column::UserId.eq(user.id))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("payment card"))
}
