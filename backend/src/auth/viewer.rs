//! The caller of a request, and the guards that check roles and scopes on GraphQL fields.

use async_graphql::{Context, Guard};
use entity::Role;
use uuid::Uuid;

use crate::domain::Locale;
use crate::error::{ApiError, ApiResult};

/// A signed-in person.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UserViewer {
    /// The user's id.
    pub id: Uuid,
    /// The user's role.
    pub role: Role,
    /// The dealership a DEALER works for.
    pub dealership_id: Option<Uuid>,
    /// The workshop a WORKSHOP user works for.
    pub workshop_id: Option<Uuid>,
    /// The user's language.
    pub locale: Locale,
}

/// What a partner API key may read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, async_graphql::Enum)]
pub enum Scope {
    /// `vehicles:read`: vehicles the partner was granted.
    VehiclesRead,
    /// `catalog:read`: the feature catalog and its prices.
    CatalogRead,
    /// `expediente:read`: the history of vehicles the partner was granted.
    ExpedienteRead,
    /// `telemetry:read`: what the vehicles the partner was granted report, and their health alerts.
    TelemetryRead,
}

impl Scope {
    /// Every scope.
    pub const ALL: [Scope; 4] = [Scope::VehiclesRead, Scope::CatalogRead, Scope::ExpedienteRead, Scope::TelemetryRead];

    /// The scope's name as stored and documented, e.g. `vehicles:read`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::VehiclesRead => "vehicles:read",
            Self::CatalogRead => "catalog:read",
            Self::ExpedienteRead => "expediente:read",
            Self::TelemetryRead => "telemetry:read",
        }
    }

    /// The scope with this name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|scope| scope.as_str() == name)
    }
}

/// A partner app authenticated by an API key.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartnerViewer {
    /// The key used.
    pub key_id: Uuid,
    /// The partner owning the key.
    pub partner_id: Uuid,
    /// What the key may read.
    pub scopes: Vec<Scope>,
}

/// Whoever is calling.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub enum Viewer {
    /// No credentials.
    #[default]
    Anonymous,
    /// A signed-in user.
    User(UserViewer),
    /// A partner app.
    Partner(PartnerViewer),
}

/// Every user role.
pub const ANY_ROLE: &[Role] = &[Role::Customer, Role::Dealer, Role::Workshop, Role::Support, Role::Admin];
/// Platform staff who may see every tenant's data.
pub const PLATFORM_STAFF: &[Role] = &[Role::Support, Role::Admin];

impl Viewer {
    /// The signed-in user, or `UNAUTHENTICATED`/`FORBIDDEN` for anyone else.
    pub fn user(&self) -> ApiResult<&UserViewer> {
        match self {
            Self::User(user) => Ok(user),
            Self::Anonymous => Err(ApiError::Unauthenticated("sign in first".into())),
            Self::Partner(_) => Err(ApiError::Forbidden("this needs a signed-in user, not an API key".into())),
        }
    }

    /// The signed-in user if their role is one of `roles`.
    pub fn user_with_role(&self, roles: &[Role]) -> ApiResult<&UserViewer> {
        let user = self.user()?;
        if roles.contains(&user.role) {
            Ok(user)
        } else {
            Err(ApiError::Forbidden(format!("not allowed for the role {:?}", user.role)))
        }
    }

    /// Whether this is platform staff (SUPPORT or ADMIN).
    pub fn is_platform_staff(&self) -> bool {
        matches!(self, Self::User(user) if PLATFORM_STAFF.contains(&user.role))
    }

    /// The language to answer in, when the caller is a user.
    pub fn locale(&self) -> Option<Locale> {
        match self {
            Self::User(user) => Some(user.locale),
            _ => None,
        }
    }

    /// The viewer of a GraphQL request (anonymous when none was attached).
    pub fn of<'a>(ctx: &'a Context<'_>) -> &'a Viewer {
        static ANONYMOUS: Viewer = Viewer::Anonymous;
        ctx.data_opt::<Viewer>().unwrap_or(&ANONYMOUS)
    }
}

/// A field guard: users with one of `roles`, and partner keys holding `scope` if one is given.
pub struct Allow {
    roles: &'static [Role],
    scope: Option<Scope>,
}

impl Allow {
    /// Signed-in users with one of `roles`.
    pub const fn users(roles: &'static [Role]) -> Self {
        Self { roles, scope: None }
    }

    /// Any signed-in user.
    pub const fn any_user() -> Self {
        Self::users(ANY_ROLE)
    }

    /// Also partner keys holding `scope`.
    pub const fn or_partner(self, scope: Scope) -> Self {
        Self { scope: Some(scope), ..self }
    }

    fn check_viewer(&self, viewer: &Viewer) -> ApiResult<()> {
        match (viewer, self.scope) {
            (Viewer::Partner(partner), Some(scope)) if partner.scopes.contains(&scope) => Ok(()),
            (Viewer::Partner(_), Some(scope)) => {
                Err(ApiError::Forbidden(format!("this API key lacks the scope {}", scope.as_str())))
            }
            _ => viewer.user_with_role(self.roles).map(|_| ()),
        }
    }
}

impl Guard for Allow {
    async fn check(&self, ctx: &Context<'_>) -> async_graphql::Result<()> {
        self.check_viewer(Viewer::of(ctx)).map_err(ApiError::into_graphql)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(role: Role) -> Viewer {
        Viewer::User(UserViewer { id: Uuid::nil(), role, dealership_id: None, workshop_id: None, locale: Locale::En })
    }

    fn partner(scopes: Vec<Scope>) -> Viewer {
        Viewer::Partner(PartnerViewer { key_id: Uuid::nil(), partner_id: Uuid::nil(), scopes })
    }

    #[test]
    fn roles_are_checked() {
        let guard = Allow::users(&[Role::Dealer]);
        assert!(guard.check_viewer(&user(Role::Dealer)).is_ok());
        assert_eq!(guard.check_viewer(&user(Role::Customer)).map_err(|e| e.code()), Err("FORBIDDEN"));
        assert_eq!(guard.check_viewer(&Viewer::Anonymous).map_err(|e| e.code()), Err("UNAUTHENTICATED"));
    }

    #[test]
    fn partner_scopes_are_checked() {
        let guard = Allow::any_user().or_partner(Scope::CatalogRead);
        assert!(guard.check_viewer(&partner(vec![Scope::CatalogRead])).is_ok());
        assert_eq!(guard.check_viewer(&partner(vec![Scope::VehiclesRead])).map_err(|e| e.code()), Err("FORBIDDEN"));
        assert_eq!(
            Allow::any_user().check_viewer(&partner(Scope::ALL.to_vec())).map_err(|e| e.code()),
            Err("FORBIDDEN")
        );
    }

    #[test]
    fn scope_names_round_trip() {
        for scope in Scope::ALL {
            assert_eq!(Scope::parse(scope.as_str()), Some(scope));
        }
        assert_eq!(Scope::parse("admin"), None);
    }
}
