//! Customer accounts created at a sale, and the profile a user changes.

use entity::{Role, users};
use sea_orm::{
    ActiveModelTrait, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter, QuerySelect, QueryTrait, Set,
};
use uuid::Uuid;

use crate::app::App;
use crate::domain::{Email, Locale};
use crate::error::{ApiError, ApiResult, OnConstraint};
use crate::platform::db::contains;

/// A customer as a dealer enters them at a sale.
#[derive(Clone, Debug)]
pub struct NewCustomer {
    /// E-mail address (their sign-in name).
    pub email: Email,
    /// Full name.
    pub name: String,
    /// Language for messages; the region's when not given.
    pub locale: Option<Locale>,
    /// Phone number.
    pub phone: Option<String>,
}

/// Validates a person's name.
pub fn check_name(name: &str) -> ApiResult<String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 120 {
        return Err(ApiError::bad_input("name", "a name has 1 to 120 characters"));
    }
    Ok(name.to_owned())
}

/// The customer with this e-mail, or a new account without a password in `region_id`. The bool
/// tells whether it was created.
pub async fn find_or_create_customer(
    app: &App,
    db: &impl ConnectionTrait,
    customer: &NewCustomer,
    region_id: Uuid,
    default_locale: &str,
) -> ApiResult<(users::Model, bool)> {
    let existing = users::Entity::find().filter(users::Column::Email.eq(customer.email.as_str())).one(db).await?;
    if existing.is_none() && crate::privacy::erasure::was_erased(db, customer.email.as_str()).await? {
        return Err(ApiError::Refused {
            reason: "ERASED_EMAIL",
            message: "this e-mail belonged to an erased account; the person must confirm a new account in person"
                .into(),
        });
    }
    if let Some(user) = existing {
        if user.role != Role::Customer || user.erased_at.is_some() {
            return Err(ApiError::Conflict("this e-mail belongs to an account that cannot buy a vehicle".into()));
        }
        return Ok((user, false));
    }
    let user = users::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(customer.email.as_str().to_owned()),
        password_hash: Set(None),
        name: Set(check_name(&customer.name)?),
        role: Set(Role::Customer),
        locale: Set(customer.locale.map_or_else(|| default_locale.to_owned(), |l| l.tag().to_owned())),
        region_id: Set(region_id),
        dealership_id: Set(None),
        workshop_id: Set(None),
        workshop_admin: Set(false),
        phone: Set(customer.phone.clone().filter(|p| !p.trim().is_empty())),
        created_at: Set(app.clock.now()),
        erased_at: Set(None),
        disabled_at: Set(None),
    }
    .insert(db)
    .await
    .on_unique_violation("an account with this e-mail was just created; try again")?;
    Ok((user, true))
}

/// Changes the signed-in user's language and, for customers, region (prices follow the region).
pub async fn update_profile(
    app: &App,
    viewer: &crate::auth::Viewer,
    locale: Option<Locale>,
    region_code: Option<String>,
) -> ApiResult<users::Model> {
    let me = viewer.user()?;
    let user = users::Entity::find_by_id(me.id).one(&app.db).await?.ok_or(ApiError::NotFound("user"))?;
    let mut changed: users::ActiveModel = user.into();
    if let Some(locale) = locale {
        changed.locale = Set(locale.tag().to_owned());
    }
    if let Some(code) = region_code {
        let region = entity::regions::Entity::find()
            .filter(entity::regions::Column::Code.eq(code.trim().to_uppercase()))
            .one(&app.db)
            .await?
            .ok_or(ApiError::NotFound("region"))?;
        changed.region_id = Set(region.id);
    }
    let updated = changed.update(&app.db).await?;
    // The next request describes the user anew, so every text follows the new language at once
    // (the token's own claim is not what the server reads).
    app.sessions.forget_user(updated.id);
    Ok(updated)
}

/// Every region, for choosing one.
pub async fn regions(app: &App) -> ApiResult<Vec<entity::regions::Model>> {
    use sea_orm::QueryOrder;
    Ok(entity::regions::Entity::find().order_by_asc(entity::regions::Column::Code).all(&app.db).await?)
}

/// The ids of the users whose name or e-mail contains `needle` (a [`search_needle`]), for a
/// search of what belongs to them.
///
/// [`search_needle`]: crate::platform::db::search_needle
pub fn users_matching(needle: &str) -> sea_orm::sea_query::SelectStatement {
    users::Entity::find()
        .select_only()
        .column(users::Column::Id)
        .filter(Condition::any().add(contains(users::Column::Email, needle)).add(contains(users::Column::Name, needle)))
        .into_query()
}
