//! Signing in with an OpenID Connect provider: the provider identities linked to accounts (one
//! account per issuer and subject), and the sign-ins under way — their `state`, `nonce` and PKCE
//! verifier until the provider answers, then the verified claims behind a one-time ticket and an
//! optional one-time e-mail link that proves the account before it is linked.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, at_null, create, drop, fk, index, table, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

fn user_identities() -> TableCreateStatement {
    table("user_identities")
        .col(uuid("user_id"))
        .col(string_len("issuer", 300))
        .col(string_len("subject", 255))
        .col(string_len_null("email", 320))
        .col(at("created_at"))
        .col(at_null("last_used_at"))
        .foreign_key(&mut fk("user_identities", "user_id", "users", true))
        .take()
}

fn oidc_sign_ins() -> TableCreateStatement {
    table("oidc_sign_ins")
        // Fingerprints (SHA-256, hex) of the secrets handed out: `state`, the ticket, the e-mail link.
        .col(string_len("state_hash", 64))
        .col(string_len("nonce", 128))
        .col(string_len("pkce_verifier", 128))
        .col(string_len("return_to", 500))
        .col(at("created_at"))
        .col(at("expires_at"))
        .col(at_null("state_used_at"))
        // The verified ID token's claims, once the provider has answered.
        .col(string_len_null("issuer", 300))
        .col(string_len_null("subject", 255))
        .col(string_len_null("email", 320))
        .col(boolean("email_verified").default(false).take())
        .col(string_len_null("name", 200))
        .col(string_len_null("locale", 16))
        .col(string_len_null("ticket_hash", 64))
        .col(at_null("ticket_expires_at"))
        .col(at_null("ticket_used_at"))
        // The existing account whose e-mail the identity has, to be linked after proof.
        .col(uuid_null("link_user_id"))
        .col(string_len_null("link_hash", 64))
        .col(at_null("link_expires_at"))
        .col(at_null("link_used_at"))
        .foreign_key(&mut fk("oidc_sign_ins", "link_user_id", "users", true))
        .take()
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        create(
            manager,
            vec![user_identities(), oidc_sign_ins()],
            vec![
                unique("user_identities", &["issuer", "subject"]),
                index("user_identities", &["user_id"]),
                unique("oidc_sign_ins", &["state_hash"]),
                unique("oidc_sign_ins", &["ticket_hash"]),
                unique("oidc_sign_ins", &["link_hash"]),
                index("oidc_sign_ins", &["expires_at"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(manager, &["oidc_sign_ins", "user_identities"]).await
    }
}
