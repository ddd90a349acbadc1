//! The enumerations stored by name in string columns (portable between SQLite and PostgreSQL).

use sea_orm::entity::prelude::*;
use serde::{Deserialize, Serialize};

/// What a signed-in user is allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Role {
    /// Owns vehicles and buys features for them.
    Customer,
    /// Staff of one dealership.
    Dealer,
    /// Staff of one workshop.
    Workshop,
    /// Platform support: failed activations, refunds.
    Support,
    /// Platform administration: catalog, prices, users.
    Admin,
}

/// Where a vehicle stands between stock and its owner.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VehicleStatus {
    /// At a dealership, not sold.
    InStock,
    /// Sold, waiting for final payment and registration.
    Reserved,
    /// Registered to its owner.
    Assigned,
    /// Handed over to its owner.
    Delivered,
}

/// The lifecycle of a sale, including the factory's manufacturing stages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OrderStatus {
    /// Registered; the reservation payment is due.
    AwaitingReservation,
    /// Ordered from the factory.
    Ordered,
    /// Production has started.
    InProduction,
    /// In the paint shop.
    Painting,
    /// Being assembled.
    Assembly,
    /// In quality control.
    QualityCheck,
    /// On its way to the dealership.
    Shipped,
    /// At the dealership; the final payment is due.
    Ready,
    /// Paid in full.
    Paid,
    /// Registered with the authorities.
    Registered,
    /// Handed over to the customer.
    Delivered,
    /// Cancelled.
    Cancelled,
}

/// How long a feature is bought for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DurationKind {
    /// For the life of the vehicle.
    Permanent,
    /// Renews monthly, billed at month end for the days used.
    Monthly,
    /// Renews yearly, paid up front.
    Annual,
    /// A fixed number of days.
    FixedDays,
    /// A free trial of a number of days, once per vehicle and feature.
    Trial,
}

/// The state of a feature on a vehicle.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ActivationStatus {
    /// Bought; waiting for the OTA engine.
    Pending,
    /// The OTA command is being delivered.
    Activating,
    /// On in the vehicle.
    Active,
    /// The OTA command to switch it off is being delivered.
    Deactivating,
    /// Ended at the end of its duration.
    Expired,
    /// Cancelled by the customer.
    Cancelled,
    /// Could not be switched on; nothing was charged.
    Failed,
}

/// A command sent to a vehicle over the air.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OtaCommand {
    /// Switch the feature on.
    Activate,
    /// Switch the feature off.
    Deactivate,
}

/// The state of a durable OTA job.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum OtaJobStatus {
    /// Waiting for a worker or its next attempt.
    Queued,
    /// Claimed by a worker.
    Running,
    /// Delivered and confirmed by the vehicle.
    Succeeded,
    /// Given up after the last attempt.
    Failed,
}

/// What a payment is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentKind {
    /// The reservation deposit of a sale.
    Reservation,
    /// The final payment of a sale.
    Final,
    /// A feature purchase.
    Feature,
    /// A period of a subscription, billed in arrears.
    SubscriptionPeriod,
}

/// How a payment is paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentMethodKind {
    /// A payment card (a saved card or a one-off token).
    Card,
    /// SEPA Direct Debit under the customer's mandate: taken at once, settles days later, can be returned.
    SepaDebit,
    /// A bank transfer with the payment's unique reference, reported by the gateway when it arrives.
    BankTransfer,
    /// The customer's credit (from prepaid vouchers).
    Credit,
}

/// A movement of a customer's credit.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CreditKind {
    /// A prepaid voucher redeemed.
    Voucher,
    /// A payment taken from the credit.
    Payment,
    /// A payment from credit given back (the activation failed).
    Release,
}

/// What became of a bank transfer the gateway reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TransferStatus {
    /// Counted towards the payment of its reference.
    Matched,
    /// Waiting for support: unknown reference, more than owed, another currency, or too late.
    Held,
    /// Support dealt with it (refunded or applied by hand).
    Resolved,
}

/// The state of a payment at the gateway.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum PaymentStatus {
    /// Created, not yet authorised.
    Pending,
    /// Authorised, not captured.
    Authorized,
    /// Captured; settlement pending.
    Captured,
    /// Settled.
    Settled,
    /// Declined or failed to settle.
    Failed,
    /// Authorisation released; never charged.
    Voided,
    /// Refunded after capture.
    Refunded,
}

/// An invoice or a credit note.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum InvoiceKind {
    /// A normal invoice.
    Invoice,
    /// A credit note cancelling (part of) an invoice.
    CreditNote,
}

/// The state of a support ticket.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum TicketStatus {
    /// Waiting for support.
    Open,
    /// Dealt with.
    Resolved,
}

/// The kind of maintenance work.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum MaintenanceKind {
    /// Periodic inspection.
    Inspection,
    /// Oil and filter service.
    OilService,
    /// Brake service.
    Brakes,
    /// Tyre change or repair.
    Tyres,
    /// Battery check or replacement.
    Battery,
    /// Any other repair.
    Repair,
}

/// The state of a workshop booking.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum BookingStatus {
    /// Asked for by the customer; the slot is held until the workshop confirms.
    Requested,
    /// Confirmed by the workshop.
    Confirmed,
    /// The car arrived: a repair order was opened for it.
    CheckedIn,
    /// Done.
    Completed,
    /// Cancelled by the customer or the workshop.
    Cancelled,
    /// The car did not come.
    NoShow,
}

/// How a diagnostic session was run.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DiagnosticType {
    /// Read from the OBD-II port.
    #[cfg_attr(feature = "graphql", graphql(name = "OBD2"))]
    Obd2,
    /// Visual inspection.
    Visual,
    /// Test drive.
    TestDrive,
}

/// The state of a diagnostic session.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum DiagnosticStatus {
    /// Opened by the car's own report (a fault code over telemetry) for the workshop where the
    /// car is booked, to start from when it arrives.
    Draft,
    /// In progress.
    Open,
    /// Finished.
    Closed,
}

/// Where a notification is delivered.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NotificationChannel {
    /// E-mail.
    Email,
    /// Push notification to the phone.
    Push,
    /// Text message.
    Sms,
    /// Message on the vehicle's display.
    InCar,
    /// In the web app.
    InApp,
}

/// Delivery state of a notification.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NotificationStatus {
    /// Waiting to be sent.
    Pending,
    /// Delivered to the channel.
    Sent,
    /// Could not be delivered after retries.
    Failed,
}

/// A kind of notice, each with its own channels in a user's preferences.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum NotificationKind {
    /// Your order's progress, from the factory to delivery.
    OrderProgress,
    /// How a feature's activation went.
    ActivationResult,
    /// Payments, bills and refunds.
    Billing,
    /// Reminders of bookings and maintenance.
    Reminders,
    /// Warnings from the car's health.
    HealthAlerts,
    /// Offers and news (marketing: off unless you switch it on).
    Offers,
    /// Sign-in, password and account notices: always by e-mail.
    Security,
}

/// What a workshop's booking can hold.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ResourceKind {
    /// A work bay.
    Bay,
    /// A lift.
    Lift,
    /// A car lent to the customer while theirs is in the workshop.
    LoanCar,
}

/// Where a repair order (job card) stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RepairOrderStatus {
    /// The car is at the workshop, its odometer and the customer's complaint recorded.
    CheckedIn,
    /// Looked at: findings and diagnostics recorded.
    Inspected,
    /// An estimate waits for the customer's approval (first, or again when the work would cost more).
    Estimated,
    /// The customer approved the estimate.
    Approved,
    /// The work is being done.
    InProgress,
    /// Done; the car can be collected.
    Ready,
    /// The invoice is issued.
    Invoiced,
    /// Collected and paid; the job is over.
    Closed,
    /// Called off before it was invoiced.
    Cancelled,
}

/// What a repair order line charges for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RepairLineKind {
    /// Hours of work at an hourly rate.
    Labour,
    /// Parts or material, by the piece.
    Part,
}

/// Whether the customer has agreed to a repair order line.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum RepairLineStatus {
    /// Added since the last approval; waits for it (or is within the tolerance).
    Proposed,
    /// Approved by the customer (or within the tolerance of the approved estimate).
    Approved,
    /// Declined by the customer: not done, not charged.
    Declined,
}

/// What a vehicle health alert is about.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum HealthAlertKind {
    /// The car reports a diagnostic trouble code.
    FaultCode,
    /// The traction battery is low.
    BatteryLow,
    /// The mileage reached the next service's.
    ServiceDue,
    /// The car has not reported for longer than allowed.
    Silent,
}

/// Where a data export stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum ExportStatus {
    /// Requested; the document is being put together.
    Pending,
    /// The document can be downloaded until it expires.
    Ready,
    /// The link lapsed and the document was deleted.
    Expired,
}

/// What drives a vehicle model.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum Powertrain {
    /// A battery only: charged from the grid.
    Electric,
    /// An engine and a battery charged from the grid.
    PlugInHybrid,
    /// An engine only: nothing to charge.
    Combustion,
}

/// What a remote command asks of the car.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VehicleCommandKind {
    /// Lock the doors.
    Lock,
    /// Unlock the doors.
    Unlock,
    /// Flash the lights (to find the car).
    FlashLights,
    /// Start the climate at a target temperature for a while (preconditioning).
    ClimateOn,
    /// Stop the climate.
    ClimateOff,
    /// Start charging (electric and plug-in hybrid models, plugged in).
    ChargeStart,
    /// Stop charging.
    ChargeStop,
}

/// Where a remote command stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum VehicleCommandStatus {
    /// Stored; about to be sent.
    Queued,
    /// On its way to the car.
    Sending,
    /// The car did it.
    Succeeded,
    /// The car could not be reached or refused it.
    Failed,
}

/// Where an assistant's answer stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AssistantTurnStatus {
    /// The model is still writing it (follow it with `assistantAnswer`).
    Answering,
    /// Final.
    Done,
}

/// How an assistant's answer was made.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum AssistantAnswerMode {
    /// Quoted from the best passages found (no model).
    Retrieval,
    /// Written by the language model from the passages found.
    Model,
    /// Nothing relevant was found: the assistant said so and offered help instead.
    Declined,
}

/// What a fleet campaign does to each car.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CampaignAction {
    /// Switch the feature on free of charge, for some days or for good.
    Activate,
    /// Switch the feature off.
    Deactivate,
    /// Offer the paid feature to the owner with a notice and a one-tap purchase.
    Offer,
}

/// Where a fleet campaign stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CampaignState {
    /// Created; a second admin must approve it.
    AwaitingApproval,
    /// Approved; starts at its start time.
    Scheduled,
    /// Cars are taking their turns.
    Running,
    /// Stopped by an admin or by a group's error threshold; resumable.
    Paused,
    /// Every car had its turn.
    Completed,
    /// Stopped for good by an admin.
    Cancelled,
    /// Stopped for good by its abort criteria.
    Aborted,
}

/// Where a campaign's group stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CampaignGroupState {
    /// Its turn has not come.
    Waiting,
    /// Its cars are taking their turns.
    Running,
    /// Every car of it had its turn.
    Done,
}

/// Where a car of a campaign stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum, Serialize, Deserialize)]
#[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(32))", rename_all = "SCREAMING_SNAKE_CASE")]
#[serde(rename_all = "SCREAMING_SNAKE_CASE")]
pub enum CampaignCarState {
    /// Its turn has not come (or comes again: a car not reached, within the window).
    Waiting,
    /// Its owner was asked and has not answered.
    Asked,
    /// Its owner agreed; it goes at its turn.
    Agreed,
    /// The command is on its way (an OTA job), or the offer was sent.
    Running,
    /// Done as the campaign asked.
    Succeeded,
    /// It already was as the campaign asks: counted as done, not changed.
    AlreadyDone,
    /// The car or the engine failed it.
    Failed,
    /// Not done within the campaign's in-progress timeout.
    TimedOut,
    /// Left out: a gate (firmware, maintenance), an owner's no or silence, the window closed.
    Skipped,
    /// Its command was withdrawn before it went out (the campaign was stopped).
    Withdrawn,
    /// What the campaign switched on was switched off again (a rollback).
    RolledBack,
}
