//! Platform staff administration (ADMIN): inviting staff by e-mail with a set-password link,
//! changing a user's role and scope, disabling and re-enabling accounts, listing users.
//!
//! Disabling ends the account's sessions at once: its refresh tokens are revoked, this instance
//! forgets the sessions it cached, and a `SessionsEnded` event tells every other instance to do the
//! same and to close the user's WebSockets.

use entity::{NotificationChannel, Role, dealerships, regions, users, workshops};
use sea_orm::{ActiveModelTrait, ColumnTrait, Condition, EntityTrait, QueryFilter, QueryOrder, QuerySelect, Set};
use serde_json::json;
use uuid::Uuid;

use super::links::{self, LinkPurpose};
use super::service::check_name;
use crate::app::App;
use crate::audit::{self, Subject};
use crate::auth::Viewer;
use crate::domain::{Email, Locale};
use crate::error::{ApiError, ApiResult, OnConstraint};
use crate::notifications::service::notify;
use crate::platform::db::{begin_write, contains, search_needle};
use crate::platform::events::DomainEvent;
use crate::platform::outbox::Outbox;
use crate::sessions::refresh;

/// Where a staff member works: the dealership of a DEALER, the workshop of a WORKSHOP user.
#[derive(Clone, Debug, Default)]
pub struct Placement {
    /// The dealership, for DEALER.
    pub dealership_id: Option<Uuid>,
    /// The workshop, for WORKSHOP.
    pub workshop_id: Option<Uuid>,
    /// Whether a WORKSHOP user sets the workshop up.
    pub workshop_admin: bool,
}

/// A staff member to invite.
pub struct Invitation {
    /// Their e-mail address.
    pub email: String,
    /// Their name.
    pub name: String,
    /// DEALER, WORKSHOP, SUPPORT or ADMIN.
    pub role: Role,
    /// Where they work.
    pub placement: Placement,
    /// The region they work in (its code).
    pub region_code: String,
    /// Their language; the region's when not given.
    pub locale: Option<Locale>,
}

/// Checks that `placement` fits `role` and names existing places; what is stored.
async fn checked_placement(app: &App, role: Role, placement: Placement) -> ApiResult<Placement> {
    match role {
        Role::Customer => Err(ApiError::bad_input("role", "customers are not invited; they get an account at a sale")),
        Role::Dealer => {
            let id =
                placement.dealership_id.ok_or(ApiError::bad_input("dealershipId", "a dealer needs a dealership"))?;
            dealerships::Entity::find_by_id(id).one(&app.db).await?.ok_or(ApiError::NotFound("dealership"))?;
            Ok(Placement { dealership_id: Some(id), workshop_id: None, workshop_admin: false })
        }
        Role::Workshop => {
            let id =
                placement.workshop_id.ok_or(ApiError::bad_input("workshopId", "a workshop user needs a workshop"))?;
            workshops::Entity::find_by_id(id).one(&app.db).await?.ok_or(ApiError::NotFound("workshop"))?;
            Ok(Placement { dealership_id: None, workshop_id: Some(id), workshop_admin: placement.workshop_admin })
        }
        Role::Support | Role::Admin => Ok(Placement::default()),
    }
}

/// Invites a staff member: an account without a password, and an e-mail with a one-time link to
/// set one. Audited.
pub async fn invite(app: &App, viewer: &Viewer, invitation: Invitation) -> ApiResult<users::Model> {
    let email = Email::parse(&invitation.email).map_err(|err| ApiError::bad_input("email", err.to_string()))?;
    let name = check_name(&invitation.name)?;
    let placement = checked_placement(app, invitation.role, invitation.placement).await?;
    let region = regions::Entity::find()
        .filter(regions::Column::Code.eq(invitation.region_code.trim().to_uppercase()))
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("region"))?;
    let locale = invitation.locale.map_or_else(|| region.default_locale.clone(), |locale| locale.tag().to_owned());
    let txn = begin_write(&app.db).await?;
    let taken = users::Entity::find().filter(users::Column::Email.eq(email.as_str())).one(&txn).await?;
    if taken.is_some() {
        return Err(ApiError::Conflict("an account with this e-mail exists already".into()));
    }
    let user = users::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set(email.as_str().to_owned()),
        password_hash: Set(None),
        name: Set(name),
        role: Set(invitation.role),
        locale: Set(locale),
        region_id: Set(region.id),
        dealership_id: Set(placement.dealership_id),
        workshop_id: Set(placement.workshop_id),
        workshop_admin: Set(placement.workshop_admin),
        phone: Set(None),
        created_at: Set(app.clock.now()),
        erased_at: Set(None),
        disabled_at: Set(None),
    }
    .insert(&txn)
    .await
    .on_unique_violation("an account with this e-mail was just created")?;
    let mut outbox = Outbox::new();
    let link = links::issue(app, &txn, &user, LinkPurpose::SetPassword).await?;
    let mut payload = link.payload();
    payload["name"] = user.name.clone().into();
    payload["role"] = format!("{:?}", user.role).to_uppercase().into();
    notify(app, &txn, &mut outbox, user.id, "account.invitation", payload, &[NotificationChannel::Email]).await?;
    let details = json!({ "role": user.role, "email": user.email });
    audit::record(app, &txn, viewer, "user.invite", Subject { kind: "user", id: &user.id.to_string() }, details)
        .await?;
    outbox.commit(txn, app.events.as_ref()).await?;
    Ok(user)
}

async fn existing(app: &App, user_id: Uuid) -> ApiResult<users::Model> {
    users::Entity::find_by_id(user_id)
        .filter(users::Column::ErasedAt.is_null())
        .one(&app.db)
        .await?
        .ok_or(ApiError::NotFound("user"))
}

/// An admin does not lock themselves out.
fn not_oneself(viewer: &Viewer, user_id: Uuid) -> ApiResult<()> {
    match viewer {
        Viewer::User(me) if me.id == user_id => {
            Err(ApiError::Conflict("you cannot change your own role or disable yourself".into()))
        }
        _ => Ok(()),
    }
}

/// Gives a staff member another role and place of work; their next request acts with it. Audited.
pub async fn change_role(
    app: &App,
    viewer: &Viewer,
    user_id: Uuid,
    role: Role,
    placement: Placement,
) -> ApiResult<users::Model> {
    not_oneself(viewer, user_id)?;
    let user = existing(app, user_id).await?;
    if user.role == Role::Customer {
        return Err(ApiError::Conflict("a customer's role is not changed; invite staff with their own e-mail".into()));
    }
    let placement = checked_placement(app, role, placement).await?;
    let before = user.role;
    let mut changed: users::ActiveModel = user.into();
    changed.role = Set(role);
    changed.dealership_id = Set(placement.dealership_id);
    changed.workshop_id = Set(placement.workshop_id);
    changed.workshop_admin = Set(placement.workshop_admin);
    let txn = begin_write(&app.db).await?;
    let updated = changed.update(&txn).await?;
    let details = json!({ "from": before, "to": role });
    audit::record(app, &txn, viewer, "user.role", Subject { kind: "user", id: &user_id.to_string() }, details).await?;
    end_sessions_on_commit(app, txn, user_id).await?;
    Ok(updated)
}

/// Disables (`true`) or re-enables (`false`) an account. A disabled account cannot sign in and
/// its sessions end at once. Audited.
pub async fn set_disabled(app: &App, viewer: &Viewer, user_id: Uuid, disabled: bool) -> ApiResult<users::Model> {
    not_oneself(viewer, user_id)?;
    let user = existing(app, user_id).await?;
    let now = app.clock.now();
    let mut changed: users::ActiveModel = user.into();
    changed.disabled_at = Set(disabled.then_some(now));
    let txn = begin_write(&app.db).await?;
    let updated = changed.update(&txn).await?;
    if disabled {
        refresh::revoke_all_of_user(&txn, user_id, now).await?;
    }
    let action = if disabled { "user.disable" } else { "user.enable" };
    audit::record(app, &txn, viewer, action, Subject { kind: "user", id: &user_id.to_string() }, json!({})).await?;
    end_sessions_on_commit(app, txn, user_id).await?;
    Ok(updated)
}

/// Commits, then makes every instance describe the user anew on their next request and recheck
/// their open WebSockets (which close when the account was disabled).
async fn end_sessions_on_commit(app: &App, txn: sea_orm::DatabaseTransaction, user_id: Uuid) -> ApiResult<()> {
    let mut outbox = Outbox::new();
    outbox.push(DomainEvent::SessionsEnded { user_id });
    outbox.commit(txn, app.events.as_ref()).await?;
    app.sessions.forget_user(user_id);
    Ok(())
}

/// Users, by name: whose name or e-mail contains `text` (all when empty), of `role` when given;
/// 200 at most.
pub async fn users(app: &App, text: &str, role: Option<Role>) -> ApiResult<Vec<users::Model>> {
    let mut query = users::Entity::find().filter(users::Column::ErasedAt.is_null());
    let needle = search_needle(text);
    // A pattern thousands of characters long is refused by SQLite ("pattern too complex") and finds
    // nobody anyway.
    if needle.chars().count() > 100 {
        return Err(ApiError::bad_input("search", "search for at most 100 characters"));
    }
    if !needle.is_empty() {
        query = query.filter(
            Condition::any().add(contains(users::Column::Email, &needle)).add(contains(users::Column::Name, &needle)),
        );
    }
    if let Some(role) = role {
        query = query.filter(users::Column::Role.eq(role));
    }
    Ok(query.order_by_asc(users::Column::Name).limit(200).all(&app.db).await?)
}

/// Every dealership, by name.
pub async fn dealerships(app: &App) -> ApiResult<Vec<dealerships::Model>> {
    Ok(dealerships::Entity::find().order_by_asc(dealerships::Column::Name).all(&app.db).await?)
}
