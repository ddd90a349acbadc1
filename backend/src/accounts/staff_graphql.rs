//! Staff administration over GraphQL (ADMIN): invite, change role, disable, enable, list users.

use async_graphql::{Context, ID, InputObject, Object};
use entity::Role;

use super::graphql::{Dealership, User};
use super::staff::{self, Invitation, Placement};
use crate::auth::Allow;
use crate::auth::viewer::PLATFORM_STAFF;
use crate::domain::Locale;
use crate::error::ApiResult;
use crate::graphql::context::{app, parse_id, viewer};

/// Where a staff member works.
#[derive(InputObject, Default)]
pub struct PlacementInput {
    /// The dealership of a DEALER.
    pub dealership_id: Option<ID>,
    /// The workshop of a WORKSHOP user.
    pub workshop_id: Option<ID>,
    /// Whether a WORKSHOP user sets the workshop up.
    #[graphql(default)]
    pub workshop_admin: bool,
}

impl PlacementInput {
    fn parse(self) -> ApiResult<Placement> {
        Ok(Placement {
            dealership_id: self.dealership_id.map(|id| parse_id(&id, "dealershipId")).transpose()?,
            workshop_id: self.workshop_id.map(|id| parse_id(&id, "workshopId")).transpose()?,
            workshop_admin: self.workshop_admin,
        })
    }
}

/// A staff member to invite.
#[derive(InputObject)]
pub struct InviteStaffInput {
    /// Their e-mail address; the invitation with a set-password link goes there.
    pub email: String,
    /// Their name.
    pub name: String,
    /// DEALER, WORKSHOP, SUPPORT or ADMIN.
    pub role: Role,
    /// The code of the region they work in, e.g. `DE`.
    pub region_code: String,
    /// Their language; the region's when not given.
    pub locale: Option<Locale>,
    /// Where they work (dealers and workshop users).
    #[graphql(default)]
    pub placement: PlacementInput,
}

/// Mutations of staff accounts.
#[derive(Default)]
pub struct StaffMutation;

#[Object]
impl StaffMutation {
    /// Invites a staff member by e-mail with a one-time link to set their password (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn invite_staff(&self, ctx: &Context<'_>, input: InviteStaffInput) -> ApiResult<User> {
        let invitation = Invitation {
            email: input.email,
            name: input.name,
            role: input.role,
            placement: input.placement.parse()?,
            region_code: input.region_code,
            locale: input.locale,
        };
        staff::invite(app(ctx), viewer(ctx), invitation).await.map(User)
    }

    /// Gives a staff member another role and place of work, from their next request on (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn change_user_role(
        &self,
        ctx: &Context<'_>,
        user_id: ID,
        role: Role,
        #[graphql(default)] placement: PlacementInput,
    ) -> ApiResult<User> {
        let user_id = parse_id(&user_id, "userId")?;
        staff::change_role(app(ctx), viewer(ctx), user_id, role, placement.parse()?).await.map(User)
    }

    /// Disables an account (ADMIN): it cannot sign in, and its sessions and live connections end at
    /// once.
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn disable_user(&self, ctx: &Context<'_>, user_id: ID) -> ApiResult<User> {
        let user_id = parse_id(&user_id, "userId")?;
        staff::set_disabled(app(ctx), viewer(ctx), user_id, true).await.map(User)
    }

    /// Re-enables a disabled account (ADMIN); its owner signs in again.
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn enable_user(&self, ctx: &Context<'_>, user_id: ID) -> ApiResult<User> {
        let user_id = parse_id(&user_id, "userId")?;
        staff::set_disabled(app(ctx), viewer(ctx), user_id, false).await.map(User)
    }
}

/// Queries of accounts for platform staff.
#[derive(Default)]
pub struct StaffQuery;

#[Object]
impl StaffQuery {
    /// Users whose name or e-mail contains `search` (at most 100 characters; all when empty), of
    /// `role` when given, by name; 200 at most (SUPPORT, ADMIN).
    #[graphql(guard = "Allow::users(PLATFORM_STAFF)")]
    async fn users(
        &self,
        ctx: &Context<'_>,
        #[graphql(default)] search: String,
        role: Option<Role>,
    ) -> ApiResult<Vec<User>> {
        Ok(staff::users(app(ctx), &search, role).await?.into_iter().map(User).collect())
    }

    /// Every dealership, by name, to place a dealer in (SUPPORT, ADMIN).
    #[graphql(guard = "Allow::users(PLATFORM_STAFF)")]
    async fn dealerships(&self, ctx: &Context<'_>) -> ApiResult<Vec<Dealership>> {
        Ok(staff::dealerships(app(ctx)).await?.into_iter().map(Dealership).collect())
    }
}
