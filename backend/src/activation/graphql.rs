//! GraphQL of activations: buying, trying and cancelling features, their live progress, and
//! support's tickets, retries and refunds.

use std::sync::Arc;
use std::time::Instant;

use async_graphql::connection::Connection;
use async_graphql::{ComplexObject, Context, ID, InputObject, Object, Subscription};
use chrono::{DateTime, Utc};
use entity::{
    ActivationStatus, DurationKind, PaymentMethodKind, PaymentStatus, Role, TicketStatus, activations, features,
    support_tickets, vehicles,
};
use futures::stream::{Stream, StreamExt};

use super::end_reason::EndReason;
use super::live::{ProgressReads, ProgressState};
use super::{billing, by_hand, purchase, queries, support};
use crate::accounts::graphql::User;
use crate::app::AppState;
use crate::auth::viewer::PLATFORM_STAFF;
use crate::auth::{Allow, Scope, Viewer};
use crate::catalog::graphql::{CatalogEntryValue, Feature};
use crate::domain::Money;
use crate::error::{ApiError, ApiResult};
use crate::fleet::graphql::Vehicle;
use crate::graphql::connection::connection;
use crate::graphql::context::{app, load_children, load_existing, locale, parse_id, viewer};
use crate::graphql::loaders::{ActivationsOfVehicle, PaymentsOfActivation};
use crate::i18n::failures::FailureCode;
use crate::pagination::PageArgs;
use crate::payments::graphql::{Payment, PaymentCard};
use crate::platform::events::{ActivationPhase, ActivationState, DomainEvent, Topic, changes_after};
use crate::policy::{self, Access};

// The activation domain's fields of types that lower domains define (GraphQL's `extend type`).

/// The features of `vehicle`, newest first: those of its current ownership (a resale never shows
/// one owner's purchases to the next); history, so not for workshops. `Vehicle.activations`.
pub async fn activations_of(ctx: &Context<'_>, vehicle: &vehicles::Model) -> ApiResult<Vec<Activation>> {
    let viewer = viewer(ctx);
    policy::vehicle(app(ctx), viewer, vehicle, Access::History).await?;
    let rows = load_children(ctx, ActivationsOfVehicle(vehicle.id)).await?;
    Ok(rows.into_iter().filter(|activation| policy::activation(viewer, activation, vehicle)).map(Activation).collect())
}

#[ComplexObject]
impl CatalogEntryValue {
    /// The activation currently on, being switched on, or being switched off; only for those who
    /// may see the vehicle's activations.
    async fn current_activation(&self, ctx: &Context<'_>) -> ApiResult<Option<Activation>> {
        let Some(current) = &self.entry().current else { return Ok(None) };
        let vehicle = load_existing::<vehicles::Entity>(ctx, current.vehicle_id, "vehicle").await?;
        Ok(policy::activation(viewer(ctx), current, &vehicle).then(|| Activation(current.clone())))
    }
}

/// A feature bought for a vehicle, for a duration.
pub struct Activation(pub activations::Model);

impl Activation {
    /// What its failure is told as, when it failed.
    fn failure(&self) -> Option<FailureCode> {
        Some(FailureCode::of_activation(self.0.failure_code.as_deref(), self.0.failure_reason.as_deref()?))
    }
}

#[Object]
impl Activation {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// The feature.
    async fn feature(&self, ctx: &Context<'_>) -> ApiResult<Feature> {
        load_existing::<features::Entity>(ctx, self.0.feature_id, "feature").await.map(Feature::from)
    }

    /// The vehicle, for those who may see it (not a buyer who has sold it since).
    async fn vehicle(&self, ctx: &Context<'_>) -> ApiResult<Vehicle> {
        let vehicle = load_existing::<vehicles::Entity>(ctx, self.0.vehicle_id, "vehicle").await?;
        policy::vehicle(app(ctx), viewer(ctx), &vehicle, Access::Basic).await?;
        Ok(Vehicle::from(vehicle))
    }

    /// How long it was bought for.
    async fn duration_kind(&self) -> DurationKind {
        self.0.duration_kind
    }

    /// Days of a FIXED_DAYS or TRIAL duration; 0 otherwise.
    async fn duration_days(&self) -> i32 {
        self.0.duration_days
    }

    /// Current state.
    async fn status(&self) -> ActivationStatus {
        self.0.status
    }

    /// When it became active.
    async fn starts_at(&self) -> Option<DateTime<Utc>> {
        self.0.starts_at
    }

    /// When it ends (or the current period ends, for subscriptions).
    async fn ends_at(&self) -> Option<DateTime<Utc>> {
        self.0.ends_at
    }

    /// Whether it ends within the next seven days.
    async fn expiring_soon(&self, ctx: &Context<'_>) -> bool {
        let now = app(ctx).clock.now();
        self.0.status == ActivationStatus::Active
            && self.0.ends_at.is_some_and(|ends| ends > now && ends <= now + chrono::Duration::days(7))
            && (self.0.cancel_at_period_end
                || matches!(self.0.duration_kind, DurationKind::Trial | DurationKind::FixedDays))
    }

    /// Whether a cancelled subscription ends at the end of the current period.
    async fn cancel_at_period_end(&self) -> bool {
        self.0.cancel_at_period_end
    }

    /// Why it failed, when it did: the technical detail (the car's or the gateway's words), for
    /// support. People read `failureMessage`.
    async fn failure_reason(&self) -> Option<&str> {
        self.0.failure_reason.as_deref()
    }

    /// Why it failed, when it did, in the reader's language (e.g. "The car did not accept the
    /// change").
    async fn failure_message(&self, ctx: &Context<'_>) -> Option<String> {
        Some(self.failure()?.sentence(locale(ctx)))
    }

    /// Why it failed, when it did, as a code (`CAR_REFUSED`, `CARD_DECLINED`, …).
    async fn failure_code(&self) -> Option<FailureCode> {
        self.failure()
    }

    /// Why it ended: `EXPIRED`, `CANCELLED`, `PAYMENT_FAILED` or `OWNER_CHANGED`.
    async fn end_reason(&self) -> Option<EndReason> {
        self.0.end_reason.as_deref().and_then(EndReason::parse)
    }

    /// Whether a payment of it is overdue (it will be switched off after the grace period).
    async fn unpaid(&self) -> bool {
        self.0.unpaid_since.is_some()
    }

    /// Its charges: the up-front one, renewals and monthly bills; money, so only the payer's own
    /// (and all for platform staff).
    async fn payments(&self, ctx: &Context<'_>) -> ApiResult<Vec<Payment>> {
        let viewer = viewer(ctx);
        let rows = load_children(ctx, PaymentsOfActivation(self.0.id)).await?;
        Ok(rows.into_iter().filter(|payment| policy::payment(viewer, payment)).map(Payment).collect())
    }

    /// When it was bought.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// How long a feature is bought for.
#[derive(InputObject)]
pub struct DurationInput {
    /// The duration model.
    pub kind: DurationKind,
    /// Days, for FIXED_DAYS; the offered number when left out.
    pub days: Option<i32>,
}

/// A feature purchase.
#[derive(InputObject)]
pub struct PurchaseFeatureInput {
    /// The vehicle.
    pub vin: String,
    /// The feature's code, e.g. `HEATED_SEATS`.
    pub feature_code: String,
    /// How long.
    pub duration: DurationInput,
    /// Your key for this purchase: sending it again returns the same activation, never a second one.
    pub idempotency_key: String,
    /// A one-off payment method from the gateway; your saved card when not given (subscriptions
    /// always use the saved card).
    pub payment_method: Option<String>,
    /// How to pay, among the methods of the region (`checkoutOptions`); when not given: your credit
    /// if it covers the price, else your saved card or SEPA mandate.
    pub method: Option<PaymentMethodKind>,
    /// A prepaid voucher code to redeem first (once, whatever happens to the purchase); the
    /// purchase is then paid from your credit.
    pub voucher_code: Option<String>,
}

/// How a purchase for a vehicle can be paid.
#[derive(async_graphql::SimpleObject)]
pub struct CheckoutOptions {
    /// The methods the vehicle's region offers; the checkout shows only these.
    pub methods: Vec<PaymentMethodKind>,
    /// Your credit in the region's currency (used before the card when it covers the price).
    pub credit: Money,
    /// Your saved card or SEPA mandate, if any.
    pub saved_method: Option<PaymentCard>,
}

/// A support ticket.
pub struct SupportTicket(pub support_tickets::Model);

#[Object]
impl SupportTicket {
    /// Stable id.
    async fn id(&self) -> ID {
        ID(self.0.id.to_string())
    }

    /// Open or resolved.
    async fn status(&self) -> TicketStatus {
        self.0.status
    }

    /// What it is about.
    async fn subject(&self) -> &str {
        &self.0.subject
    }

    /// The details (e.g. the vehicle's last error).
    async fn details(&self) -> &str {
        &self.0.details
    }

    /// The activation concerned.
    async fn activation(&self, ctx: &Context<'_>) -> ApiResult<Option<Activation>> {
        let Some(id) = self.0.activation_id else { return Ok(None) };
        Ok(Some(Activation(load_existing::<activations::Entity>(ctx, id, "activation").await?)))
    }

    /// When it was opened.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }

    /// When it was resolved.
    async fn resolved_at(&self) -> Option<DateTime<Utc>> {
        self.0.resolved_at
    }

    /// The support member dealing with it.
    async fn assignee(&self, ctx: &Context<'_>) -> ApiResult<Option<User>> {
        let Some(id) = self.0.assigned_to else { return Ok(None) };
        Ok(Some(User(load_existing::<entity::users::Entity>(ctx, id, "user").await?)))
    }

    /// Its comments, oldest first.
    async fn comments(&self, ctx: &Context<'_>) -> ApiResult<Vec<TicketComment>> {
        Ok(by_hand::comments_of(app(ctx), self.0.id).await?.into_iter().map(TicketComment).collect())
    }
}

/// A note on a support ticket.
pub struct TicketComment(entity::ticket_comments::Model);

#[Object]
impl TicketComment {
    /// Who wrote it.
    async fn author(&self, ctx: &Context<'_>) -> ApiResult<User> {
        load_existing::<entity::users::Entity>(ctx, self.0.author_id, "user").await.map(User)
    }

    /// What they wrote.
    async fn body(&self) -> &str {
        &self.0.body
    }

    /// When.
    async fn created_at(&self) -> DateTime<Utc> {
        self.0.created_at
    }
}

/// Activation queries.
#[derive(Default)]
pub struct ActivationQuery;

#[Object]
impl ActivationQuery {
    /// How a purchase for the vehicle with `vin` can be paid: the region's methods, your credit and
    /// your saved method (the vehicle's owner).
    #[graphql(guard = "Allow::users(&[entity::Role::Customer])")]
    async fn checkout_options(&self, ctx: &Context<'_>, vin: String) -> ApiResult<CheckoutOptions> {
        let (methods, credit, saved) = purchase::checkout_options(app(ctx), viewer(ctx), &vin).await?;
        Ok(CheckoutOptions { methods, credit, saved_method: saved.map(PaymentCard) })
    }

    /// The features bought for the vehicle with `vin`, newest first.
    #[graphql(
        guard = "Allow::any_user().or_partner(Scope::ExpedienteRead)",
        complexity = "crate::graphql::connection::page_cost(first, child_complexity)"
    )]
    async fn activations(
        &self,
        ctx: &Context<'_>,
        vin: String,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<Connection<String, Activation>> {
        let args = PageArgs::parse(after, first)?;
        Ok(connection(queries::of_vehicle(app(ctx), viewer(ctx), &vin, &args).await?, Activation))
    }

    /// One activation.
    #[graphql(guard = "Allow::any_user()", complexity = "crate::graphql::connection::LOOKUP_COST + child_complexity")]
    async fn activation(&self, ctx: &Context<'_>, id: ID) -> ApiResult<Activation> {
        queries::activation(app(ctx), viewer(ctx), parse_id(&id, "id")?).await.map(Activation)
    }

    /// Support tickets, newest first (SUPPORT, ADMIN).
    #[graphql(
        guard = "Allow::users(PLATFORM_STAFF)",
        complexity = "crate::graphql::connection::page_cost(first, child_complexity)"
    )]
    async fn support_tickets(
        &self,
        ctx: &Context<'_>,
        status: Option<TicketStatus>,
        after: Option<String>,
        first: Option<i32>,
    ) -> ApiResult<Connection<String, SupportTicket>> {
        let args = PageArgs::parse(after, first)?;
        Ok(connection(support::tickets(app(ctx), viewer(ctx), status, &args).await?, SupportTicket))
    }
}

/// Activation mutations.
#[derive(Default)]
pub struct ActivationMutation;

#[Object]
impl ActivationMutation {
    /// Buys a feature for your vehicle. The charge is authorised now and captured only once the car
    /// confirms; follow it with `activationProgress`.
    #[graphql(guard = "Allow::users(&[Role::Customer])")]
    async fn purchase_feature(&self, ctx: &Context<'_>, input: PurchaseFeatureInput) -> ApiResult<Activation> {
        let request = purchase::PurchaseInput {
            vin: input.vin,
            feature_code: input.feature_code,
            kind: input.duration.kind,
            days: input.duration.days,
            idempotency_key: input.idempotency_key,
            payment_method: input.payment_method,
            method: input.method,
            voucher_code: input.voucher_code,
        };
        purchase::purchase(app(ctx), viewer(ctx), request).await.map(Activation)
    }

    /// Starts the free trial of a feature (once per vehicle and feature).
    #[graphql(guard = "Allow::users(&[Role::Customer])")]
    async fn start_trial(
        &self,
        ctx: &Context<'_>,
        vin: String,
        feature_code: String,
        idempotency_key: Option<String>,
    ) -> ApiResult<Activation> {
        let key = idempotency_key.unwrap_or_else(|| format!("trial-{}-{}", vin.trim(), feature_code.trim()));
        let request = purchase::PurchaseInput {
            vin,
            feature_code,
            kind: DurationKind::Trial,
            days: None,
            idempotency_key: key,
            payment_method: None,
            method: None,
            voucher_code: None,
        };
        purchase::purchase(app(ctx), viewer(ctx), request).await.map(Activation)
    }

    /// Cancels one of your features: subscriptions and fixed durations end at the end of the period,
    /// a trial at once; permanent features cannot be cancelled.
    #[graphql(guard = "Allow::users(&[Role::Customer])")]
    async fn cancel_activation(&self, ctx: &Context<'_>, activation_id: ID) -> ApiResult<Activation> {
        billing::cancel(app(ctx), viewer(ctx), parse_id(&activation_id, "activationId")?).await.map(Activation)
    }

    /// Tries a failed activation again with a new authorisation (SUPPORT, ADMIN).
    #[graphql(guard = "Allow::users(PLATFORM_STAFF)")]
    async fn retry_activation(&self, ctx: &Context<'_>, activation_id: ID) -> ApiResult<Activation> {
        support::retry_activation(app(ctx), viewer(ctx), parse_id(&activation_id, "activationId")?)
            .await
            .map(Activation)
    }

    /// Sends the switch-off again for an activation whose deactivation got stuck (the car would
    /// not confirm it); its tickets are resolved (SUPPORT, ADMIN).
    #[graphql(guard = "Allow::users(PLATFORM_STAFF)")]
    async fn retry_deactivation(&self, ctx: &Context<'_>, activation_id: ID) -> ApiResult<Activation> {
        support::retry_deactivation(app(ctx), viewer(ctx), parse_id(&activation_id, "activationId")?)
            .await
            .map(Activation)
    }

    /// Refunds a payment, fully or `amountMinor` of it, with a credit note, once per
    /// `idempotencyKey`; the customer is told why (`reason`). A full refund of a live feature's
    /// charge switches the feature off (SUPPORT, ADMIN).
    #[graphql(guard = "Allow::users(PLATFORM_STAFF)")]
    async fn refund_payment(
        &self,
        ctx: &Context<'_>,
        payment_id: ID,
        amount_minor: Option<i64>,
        idempotency_key: String,
        reason: String,
    ) -> ApiResult<Payment> {
        let request = support::RefundRequest {
            payment_id: parse_id(&payment_id, "paymentId")?,
            amount_minor,
            idempotency_key,
            reason,
        };
        support::refund_payment(app(ctx), viewer(ctx), request).await.map(Payment)
    }

    /// Switches a feature on (`on: true`, free and permanent) or off in a car by hand, saying why;
    /// audited, never charged (SUPPORT, ADMIN).
    #[graphql(guard = "Allow::users(PLATFORM_STAFF)")]
    async fn switch_feature(
        &self,
        ctx: &Context<'_>,
        vin: String,
        feature_code: String,
        on: bool,
        reason: String,
    ) -> ApiResult<Activation> {
        by_hand::switch(app(ctx), viewer(ctx), &vin, &feature_code, on, &reason).await.map(Activation)
    }

    /// Gives a ticket to a support member, or to nobody without `assigneeId` (SUPPORT, ADMIN).
    #[graphql(guard = "Allow::users(PLATFORM_STAFF)")]
    async fn assign_ticket(
        &self,
        ctx: &Context<'_>,
        ticket_id: ID,
        assignee_id: Option<ID>,
    ) -> ApiResult<SupportTicket> {
        let assignee = assignee_id.map(|id| parse_id(&id, "assigneeId")).transpose()?;
        by_hand::assign_ticket(app(ctx), viewer(ctx), parse_id(&ticket_id, "ticketId")?, assignee)
            .await
            .map(SupportTicket)
    }

    /// Adds a comment to an open ticket (SUPPORT, ADMIN).
    #[graphql(guard = "Allow::users(PLATFORM_STAFF)")]
    async fn comment_ticket(&self, ctx: &Context<'_>, ticket_id: ID, body: String) -> ApiResult<TicketComment> {
        by_hand::comment_ticket(app(ctx), viewer(ctx), parse_id(&ticket_id, "ticketId")?, &body)
            .await
            .map(TicketComment)
    }

    /// Closes a ticket that needs nothing more (SUPPORT, ADMIN).
    #[graphql(guard = "Allow::users(PLATFORM_STAFF)")]
    async fn resolve_ticket(&self, ctx: &Context<'_>, ticket_id: ID) -> ApiResult<SupportTicket> {
        support::resolve_ticket(app(ctx), viewer(ctx), parse_id(&ticket_id, "ticketId")?).await.map(SupportTicket)
    }
}

/// A step of an activation, as it happens.
pub struct ActivationProgress {
    phase: ActivationPhase,
    attempt: i32,
    activation: activations::Model,
    charge: Option<PaymentStatus>,
}

impl ActivationProgress {
    fn of(phase: ActivationPhase, attempt: i32, state: &ProgressState) -> Self {
        Self { phase, attempt, activation: state.activation.clone(), charge: state.charge }
    }
}

#[Object]
impl ActivationProgress {
    /// The step: QUEUED, SENDING, RETRY_SCHEDULED, ACTIVE, FAILED, DEACTIVATING or ENDED.
    async fn phase(&self) -> ActivationPhase {
        self.phase
    }

    /// The delivery attempt (1 for the first).
    async fn attempt(&self) -> i32 {
        self.attempt
    }

    /// What happens to the charge: AUTHORIZED while it is pending, CAPTURED once the car confirmed,
    /// VOIDED or REFUNDED when it failed; none for trials and monthly subscriptions.
    async fn charge(&self) -> Option<PaymentStatus> {
        self.charge
    }

    /// The activation now.
    async fn activation(&self) -> Activation {
        Activation(self.activation.clone())
    }
}

/// Live activation progress.
#[derive(Default)]
pub struct ActivationSubscription;

#[Subscription]
impl ActivationSubscription {
    /// The steps of an activation as they happen (its vehicle's owner and platform staff): first
    /// its current state, then each step after it, so a subscriber that (re)connects late never
    /// shows a stale one.
    #[graphql(guard = "Allow::any_user()")]
    async fn activation_progress(
        &self,
        ctx: &Context<'_>,
        activation_id: ID,
    ) -> Result<impl Stream<Item = ActivationProgress> + use<>, ApiError> {
        let id = parse_id(&activation_id, "activationId")?;
        let app: AppState = ctx.data_unchecked::<AppState>().clone();
        let reads = ctx.data_unchecked::<Arc<ProgressReads>>().clone();
        queries::activation(&app, Viewer::of(ctx), id).await?;
        // Subscribed before the current state is read: no step between the two is missed.
        let events = app.events.subscribe_topic(Topic::Activation(id));
        let read_from = Instant::now();
        let current = reads.read(&app, id, read_from).await.ok_or(ApiError::NotFound("activation"))?;
        // The attempt is read for the first answer only: each event carries its own.
        let attempt = queries::latest_attempts(&app, id).await?;
        let first = ActivationProgress::of(current.phase(), attempt, &current);
        let step_of = |event: &DomainEvent| match event {
            DomainEvent::ActivationProgressed { phase, attempt, .. } => Some((*phase, *attempt)),
            _ => None,
        };
        let changes = changes_after(events, read_from, (first.phase, first.attempt), step_of);
        let changes = changes.filter_map(move |(published, event)| {
            let (app, reads) = (app.clone(), reads.clone());
            async move {
                let DomainEvent::ActivationProgressed { phase, attempt, state, .. } = event else { return None };
                if let Some(state) = state {
                    // The event carries the state its change committed: nothing to read.
                    let ActivationState { activation, charge } = *state;
                    return Some(ActivationProgress { phase, attempt, activation, charge });
                }
                // Read once for every subscription watching this activation.
                let state = reads.read(&app, id, published).await?;
                Some(ActivationProgress::of(phase, attempt, &state))
            }
        });
        Ok(futures::stream::once(async move { first }).chain(changes))
    }
}
