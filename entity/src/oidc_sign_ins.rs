//! `oidc_sign_ins`: A sign-in through the OpenID Connect provider, from the redirect to the session.

use sea_orm::entity::prelude::*;

/// A sign-in through the OpenID Connect provider: its `state`, `nonce` and PKCE verifier until the
/// provider answers, then the verified claims behind a one-time ticket (and, for an existing
/// account, a one-time e-mail link that proves it). Secrets handed out are kept as fingerprints.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "oidc_sign_ins")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    #[sea_orm(unique)]
    pub state_hash: String,
    pub nonce: String,
    pub pkce_verifier: String,
    /// The web app's path to return to (same site only).
    pub return_to: String,
    pub created_at: DateTimeUtc,
    /// When the `state` stops being accepted.
    pub expires_at: DateTimeUtc,
    pub state_used_at: Option<DateTimeUtc>,
    pub issuer: Option<String>,
    pub subject: Option<String>,
    pub email: Option<String>,
    pub email_verified: bool,
    pub name: Option<String>,
    pub locale: Option<String>,
    #[sea_orm(unique)]
    pub ticket_hash: Option<String>,
    pub ticket_expires_at: Option<DateTimeUtc>,
    pub ticket_used_at: Option<DateTimeUtc>,
    /// The existing account with the identity's e-mail address, linked only after proof.
    pub link_user_id: Option<Uuid>,
    #[sea_orm(unique)]
    pub link_hash: Option<String>,
    pub link_expires_at: Option<DateTimeUtc>,
    pub link_used_at: Option<DateTimeUtc>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
