//! Regions, organisations (dealerships, workshops, partners), users and their credentials.

use sea_orm_migration::prelude::*;
use sea_orm_migration::schema::*;

use crate::helpers::{at, at_null, create, drop, fk, index, status, table, unique};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let regions = table("regions")
            .col(string_len_uniq("code", 2))
            .col(string_len("name", 80))
            .col(string_len("currency", 3))
            .col(integer("vat_rate_bp"))
            .col(string_len("default_locale", 5))
            .col(at("created_at"))
            .take();
        let dealerships = table("dealerships")
            .col(string_len("name", 120))
            .col(uuid("region_id"))
            .col(string_len("city", 80))
            .col(at("created_at"))
            .foreign_key(&mut fk("dealerships", "region_id", "regions", false))
            .take();
        let workshops = table("workshops")
            .col(string_len("name", 120))
            .col(uuid("region_id"))
            .col(string_len("city", 80))
            .col(at("created_at"))
            .foreign_key(&mut fk("workshops", "region_id", "regions", false))
            .take();
        let partners = table("partners").col(string_len("name", 120)).col(at("created_at")).take();
        let users = table("users")
            .col(string_len_uniq("email", 254))
            .col(string_len_null("password_hash", 200))
            .col(string_len("name", 120))
            .col(status("role"))
            .col(string_len("locale", 5))
            .col(uuid("region_id"))
            .col(uuid_null("dealership_id"))
            .col(uuid_null("workshop_id"))
            .col(string_len_null("phone", 32))
            .col(at("created_at"))
            .col(at_null("erased_at"))
            .foreign_key(&mut fk("users", "region_id", "regions", false))
            .foreign_key(&mut fk("users", "dealership_id", "dealerships", false))
            .foreign_key(&mut fk("users", "workshop_id", "workshops", false))
            .take();
        let refresh_tokens = table("refresh_tokens")
            .col(uuid("user_id"))
            .col(uuid("family_id"))
            .col(string_len_uniq("token_hash", 64))
            .col(at("expires_at"))
            .col(at("created_at"))
            .col(at_null("used_at"))
            .col(at_null("revoked_at"))
            .foreign_key(&mut fk("refresh_tokens", "user_id", "users", true))
            .take();
        let password_tokens = table("password_tokens")
            .col(uuid("user_id"))
            .col(string_len_uniq("token_hash", 64))
            .col(at("expires_at"))
            .col(at("created_at"))
            .col(at_null("used_at"))
            .foreign_key(&mut fk("password_tokens", "user_id", "users", true))
            .take();
        let api_keys = table("api_keys")
            .col(uuid("partner_id"))
            .col(string_len("name", 120))
            .col(string_len_uniq("prefix", 16))
            .col(string_len("key_hash", 64))
            .col(string_len("scopes", 200))
            .col(at("created_at"))
            .col(at_null("last_used_at"))
            .col(at_null("revoked_at"))
            .foreign_key(&mut fk("api_keys", "partner_id", "partners", true))
            .take();
        let login_failures = table("login_failures")
            .col(string_len("identifier", 254))
            .col(string_len("client_ip", 45))
            .col(at("failed_at"))
            .take();
        create(
            manager,
            vec![
                regions,
                dealerships,
                workshops,
                partners,
                users,
                refresh_tokens,
                password_tokens,
                api_keys,
                login_failures,
            ],
            vec![
                index("users", &["dealership_id"]),
                index("users", &["workshop_id"]),
                index("refresh_tokens", &["family_id"]),
                index("refresh_tokens", &["user_id"]),
                index("password_tokens", &["user_id"]),
                index("api_keys", &["partner_id"]),
                index("login_failures", &["identifier", "failed_at"]),
                index("login_failures", &["client_ip", "failed_at"]),
                unique("dealerships", &["name"]),
                unique("workshops", &["name"]),
            ],
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        drop(
            manager,
            &[
                "login_failures",
                "api_keys",
                "password_tokens",
                "refresh_tokens",
                "users",
                "partners",
                "workshops",
                "dealerships",
                "regions",
            ],
        )
        .await
    }
}
