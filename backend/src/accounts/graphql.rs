//! GraphQL types of accounts and organisations, and the `me` query.

use async_graphql::{ComplexObject, Context, ID, Object, SimpleObject};
use chrono::{DateTime, Utc};
use entity::{Role, dealerships, regions, users, workshops};

use super::passwords::{self, CustomerRef};
use crate::auth::Allow;
use crate::auth::viewer::PLATFORM_STAFF;
use crate::domain::{Email, Locale};
use crate::error::{ApiError, ApiResult};
use crate::graphql::context::{app, load_by_id, load_existing, locale, viewer};
use crate::notifications::graphql::Notification;

// The accounts domain's field of a type that a lower domain defines (GraphQL's `extend type`).
#[ComplexObject]
impl Notification {
    /// The recipient (for support looking at deliveries).
    async fn recipient(&self, ctx: &Context<'_>) -> ApiResult<User> {
        load_existing::<users::Entity>(ctx, self.row().user_id, "user").await.map(User)
    }
}

/// A person with an account.
pub struct User(pub users::Model);

#[Object]
impl User {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// E-mail address, also the sign-in name.
    async fn email(&self) -> &str {
        &self.0.email
    }

    /// Full name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// What the user may do.
    async fn role(&self) -> Role {
        self.0.role
    }

    /// The user's language.
    async fn locale(&self) -> Locale {
        Locale::from_tag(&self.0.locale).unwrap_or_default()
    }

    /// The region the user lives in (currency, VAT).
    async fn region(&self, ctx: &Context<'_>) -> ApiResult<Region> {
        load_existing::<regions::Entity>(ctx, self.0.region_id, "region").await.map(Region)
    }

    /// The dealership a DEALER works for.
    async fn dealership(&self, ctx: &Context<'_>) -> ApiResult<Option<Dealership>> {
        let Some(id) = self.0.dealership_id else {
            return Ok(None);
        };
        Ok(load_by_id::<dealerships::Entity>(ctx, id).await?.map(Dealership))
    }

    /// Whether a WORKSHOP user may set their workshop up (resources, hours, services, prices).
    async fn workshop_admin(&self) -> bool {
        self.0.workshop_admin
    }

    /// The workshop a WORKSHOP user works for.
    async fn workshop(&self, ctx: &Context<'_>) -> ApiResult<Option<Workshop>> {
        let Some(id) = self.0.workshop_id else {
            return Ok(None);
        };
        Ok(load_by_id::<workshops::Entity>(ctx, id).await?.map(Workshop::from))
    }

    /// When an administrator disabled the account (platform staff).
    #[graphql(guard = "Allow::users(PLATFORM_STAFF)")]
    async fn disabled_at(&self) -> Option<DateTime<Utc>> {
        self.0.disabled_at
    }

    /// The identities at the identity provider (OpenID Connect) linked to the account, oldest
    /// first: for the account's owner, support and admins.
    async fn identities(&self, ctx: &Context<'_>) -> ApiResult<Vec<super::identity_graphql::LinkedIdentity>> {
        if !crate::policy::linked_identities(viewer(ctx), self.0.id) {
            return Err(ApiError::Forbidden("only the account's owner and support see its linked identities".into()));
        }
        let linked = super::identities::identities_of(app(ctx), self.0.id).await?;
        Ok(linked.into_iter().map(super::identity_graphql::LinkedIdentity).collect())
    }

    /// Whether the account has a password to sign in with (its owner; platform staff: an
    /// invitation still open).
    #[graphql(guard = "Allow::any_user()")]
    async fn password_set(&self, ctx: &Context<'_>) -> ApiResult<bool> {
        if !crate::policy::linked_identities(viewer(ctx), self.0.id) {
            return Err(ApiError::Forbidden("only the account's owner and support see how it signs in".into()));
        }
        Ok(self.0.password_hash.is_some())
    }

    /// Whether the person has set a password (platform staff: an invitation still open).
    #[graphql(guard = "Allow::users(PLATFORM_STAFF)")]
    async fn has_password(&self) -> bool {
        self.0.password_hash.is_some()
    }
}

/// A VAT rate from the date it applies.
pub struct VatRate(entity::region_vat_rates::Model);

#[Object]
impl VatRate {
    /// Basis points: 1900 is 19 %.
    async fn rate_basis_points(&self) -> i32 {
        self.0.rate_bp
    }

    /// From when it applies.
    async fn applies_from(&self) -> DateTime<Utc> {
        self.0.applies_from
    }
}

/// A region to create or edit.
#[derive(async_graphql::InputObject)]
pub struct RegionInput {
    /// Two letters, e.g. `FR`.
    pub code: String,
    /// Its name.
    pub name: String,
    /// ISO 4217, e.g. `EUR`.
    pub currency: String,
    /// The language of new accounts there.
    pub default_locale: Locale,
    /// The VAT rate of a new region, in basis points; an existing region's rate changes with
    /// `scheduleVatRate`.
    pub vat_rate_basis_points: Option<i32>,
    /// The payment methods offered there (the checkout shows only these); a new region offers
    /// cards when not given, an existing one keeps its own.
    pub payment_methods: Option<Vec<entity::PaymentMethodKind>>,
}

/// A country the platform sells in.
pub struct Region(pub regions::Model);

#[Object]
impl Region {
    /// ISO 3166 country code, e.g. `DE`.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// Country name, in the reader's language (`Deutschland`, `Alemania`).
    async fn name(&self, ctx: &Context<'_>) -> String {
        let id = format!("region-{}", self.0.code);
        crate::i18n::find(locale(ctx), &id, &serde_json::json!({})).unwrap_or_else(|| self.0.name.clone())
    }

    /// ISO 4217 currency of prices, e.g. `EUR`.
    async fn currency(&self) -> &str {
        &self.0.currency
    }

    /// Its VAT rates by the date they apply from, scheduled ones too (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn vat_rates(&self, ctx: &Context<'_>) -> ApiResult<Vec<VatRate>> {
        Ok(super::regions::vat_rates_of(app(ctx), self.0.id).await?.into_iter().map(VatRate).collect())
    }

    /// VAT rate in basis points: 1900 is 19 %.
    async fn vat_rate_basis_points(&self) -> i32 {
        self.0.vat_rate_bp
    }

    /// The payment methods offered here; the checkout shows only these.
    async fn payment_methods(&self) -> Vec<entity::PaymentMethodKind> {
        super::payment_methods::offered(&self.0)
    }

    /// The language used when a user has not chosen one.
    async fn default_locale(&self) -> Locale {
        Locale::from_tag(&self.0.default_locale).unwrap_or_default()
    }
}

/// A dealership.
pub struct Dealership(pub dealerships::Model);

#[Object]
impl Dealership {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Trading name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// City.
    async fn city(&self) -> &str {
        &self.0.city
    }

    /// The region it sells in.
    async fn region(&self, ctx: &Context<'_>) -> ApiResult<Region> {
        load_existing::<regions::Entity>(ctx, self.0.region_id, "region").await.map(Region)
    }
}

// Its own fields are those of `WorkshopFields`; the workshops domain adds its set-up (hours,
// services, resources) as GraphQL's `extend type` does, so that accounts never imports it.
/// A workshop: where cars are booked in, diagnosed, repaired and serviced.
#[derive(SimpleObject)]
#[graphql(complex)]
pub struct Workshop {
    #[graphql(flatten)]
    fields: WorkshopFields,
}

impl Workshop {
    /// The workshop's row.
    pub fn row(&self) -> &workshops::Model {
        &self.fields.0
    }
}

impl From<workshops::Model> for Workshop {
    fn from(row: workshops::Model) -> Self {
        Self { fields: WorkshopFields(row) }
    }
}

/// The fields of [`Workshop`] that accounts know.
pub struct WorkshopFields(workshops::Model);

#[Object]
impl WorkshopFields {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Trading name.
    async fn name(&self) -> &str {
        &self.0.name
    }

    /// City.
    async fn city(&self) -> &str {
        &self.0.city
    }

    /// Street address.
    async fn address(&self) -> &str {
        &self.0.address
    }

    /// Telephone number.
    async fn phone(&self) -> &str {
        &self.0.phone
    }

    /// Short code: the prefix of its invoice numbers.
    async fn code(&self) -> &str {
        &self.0.code
    }

    /// The IANA time zone of its opening hours, e.g. `Europe/Berlin`.
    async fn time_zone(&self) -> &str {
        &self.0.time_zone
    }

    /// Bookings start on this grid, in minutes.
    async fn slot_minutes(&self) -> i32 {
        self.0.slot_minutes
    }

    /// The region it works in (its prices and VAT).
    async fn region(&self, ctx: &Context<'_>) -> ApiResult<Region> {
        load_existing::<regions::Entity>(ctx, self.0.region_id, "region").await.map(Region)
    }
}

/// Changes to accounts: your profile, and set-password links for customers.
#[derive(Default)]
pub struct AccountsMutation;

#[Object]
impl AccountsMutation {
    /// Changes your language and (customers) your region; every answer from the next request on
    /// is written in the new language, with the same session.
    #[graphql(guard = "Allow::any_user()")]
    async fn update_profile(
        &self,
        ctx: &Context<'_>,
        locale: Option<Locale>,
        region_code: Option<String>,
    ) -> ApiResult<User> {
        super::service::update_profile(app(ctx), viewer(ctx), locale, region_code).await.map(User)
    }

    /// E-mails a customer who has not set a password yet a new set-password link, by id or by
    /// e-mail (give one); earlier links stop working (DEALER for customers of your dealership's
    /// sales, SUPPORT for any customer). Answers when the new link expires.
    /// Creates a region or edits its name, currency and language (ADMIN).
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn save_region(&self, ctx: &Context<'_>, input: RegionInput) -> ApiResult<Region> {
        let draft = super::regions::RegionDraft {
            code: input.code,
            name: input.name,
            currency: input.currency,
            default_locale: input.default_locale,
            vat_rate_bp: input.vat_rate_basis_points,
            payment_methods: input.payment_methods,
        };
        super::regions::save(app(ctx), viewer(ctx), draft).await.map(Region)
    }

    /// Schedules a region's VAT rate from a date (ADMIN): prices and charges use it from then on;
    /// invoices issued before keep their rate.
    #[graphql(guard = "Allow::users(&[Role::Admin])")]
    async fn schedule_vat_rate(
        &self,
        ctx: &Context<'_>,
        region_code: String,
        rate_basis_points: i32,
        applies_from: DateTime<Utc>,
    ) -> ApiResult<VatRate> {
        super::regions::schedule_vat_rate(app(ctx), viewer(ctx), &region_code, rate_basis_points, applies_from)
            .await
            .map(VatRate)
    }

    #[graphql(guard = "Allow::users(&[Role::Dealer, Role::Support])")]
    async fn resend_password_link(
        &self,
        ctx: &Context<'_>,
        customer_id: Option<ID>,
        email: Option<String>,
    ) -> ApiResult<DateTime<Utc>> {
        passwords::resend_link(app(ctx), viewer(ctx), customer_ref(customer_id, email)?).await
    }
}

/// The customer meant by exactly one of an id and an e-mail address.
fn customer_ref(customer_id: Option<ID>, email: Option<String>) -> ApiResult<CustomerRef> {
    match (customer_id, email) {
        (Some(id), None) => {
            id.parse().map(CustomerRef::Id).map_err(|_| ApiError::bad_input("customerId", "not a user id"))
        }
        (None, Some(email)) => {
            Email::parse(&email).map(CustomerRef::Email).map_err(|err| ApiError::bad_input("email", err.to_string()))
        }
        _ => Err(ApiError::bad_input("customerId", "give either a customer id or an e-mail address")),
    }
}

/// Queries about the signed-in user.
#[derive(Default)]
pub struct AccountsQuery;

#[Object]
impl AccountsQuery {
    /// The regions the platform sells in.
    async fn regions(&self, ctx: &Context<'_>) -> ApiResult<Vec<Region>> {
        Ok(super::service::regions(app(ctx)).await?.into_iter().map(Region).collect())
    }

    /// The signed-in user.
    #[graphql(guard = "Allow::any_user()")]
    async fn me(&self, ctx: &Context<'_>) -> ApiResult<User> {
        let me = viewer(ctx).user()?;
        load_by_id::<users::Entity>(ctx, me.id)
            .await?
            .filter(|user| user.erased_at.is_none())
            .map(User)
            .ok_or_else(|| ApiError::Unauthenticated("this account no longer exists".into()))
    }
}
