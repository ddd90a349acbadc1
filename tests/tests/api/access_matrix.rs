//! The access matrix, generated from the schema: every field reachable from the roots of `Query`
//! (to a depth of 7, so at least 4 below every root) is read by every role, and what each role got
//! is compared with the table kept below. A field of the schema without a row fails the test, so
//! a new field must be thought through for every role before it ships.
//!
//! The fixture is one car, Anna's Aurora: it was bought earlier by a former owner (whose purchase
//! and payment are in its history), is owned by Anna, sold by the Berlin dealership, granted to
//! the demo partner, and booked in at the Madrid workshop, where it has a repair order with a
//! diagnostic session and an estimate waiting for Anna; Anna's account is linked to an identity at
//! the identity provider. Arguments point at it (its VIN, its order, Anna's activation of it, its
//! booking and repair order, the estimate's e-mailed link).
//!
//! What is observed for a field, on a path whose parent the role may read:
//! - `y` (allowed): a value came back without an error;
//! - `e` (empty): no error but no value either (null, an empty list);
//! - `-` (denied): FORBIDDEN or UNAUTHENTICATED;
//! - `.` (not reached): every parent was denied or empty (the types of mutation and subscription
//!   answers are never reached from `Query`; their rows say who their root field serves).
//!
//! A row expects `y` or `-` per role; a `-` that came back with a value is a leak, a `y` that was
//! refused is a broken feature. Empty and not reached agree with either.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use caas_tests::{PASSWORD, TestApp, spawn_app};
use chrono::Utc;
use entity::{ActivationStatus, DurationKind, PaymentKind, PaymentStatus, activations, payments, users, vehicles};
use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
use serde_json::{Value, json};
use uuid::Uuid;

const MAX_DEPTH: usize = 7;

/// The viewers, in the order of the table's columns.
pub(crate) const ROLES: [&str; 14] = [
    "owner",        // o: Anna, who owns the car
    "customer",     // c: Lucía, another customer
    "former",       // f: the car's former owner
    "dealer",       // d: the Berlin dealership that sold it
    "other_dealer", // e: the Madrid dealership
    "workshop",     // w: the München workshop, which has no job on the car
    "workshop_job", // j: the Madrid workshop, where Anna booked the car in
    "support",      // s
    "admin",        // a
    "partner_veh",  // 1: a partner key with vehicles:read
    "partner_cat",  // 2: catalog:read
    "partner_exp",  // 3: expediente:read
    "partner_all",  // 4: every scope
    "anonymous",    // n
];

/// Expected access per field: one character per role above (`y` allowed, `-` denied).
/// Columns: owner, customer, former, dealer, other_dealer, workshop, workshop_job, support, admin,
/// partner_veh, partner_cat, partner_exp, partner_all, anonymous.
#[rustfmt::skip]
const TABLE: &[(&str, &str)] = &[
    ("AbortCriteria.failureKinds", "-------yy-----"),
    ("AbortCriteria.failurePercent", "-------yy-----"),
    ("AbortCriteria.minExecuted", "-------yy-----"),
    ("AccountErasure.cancelledAt", "yyyyyyyyy-----"),
    ("AccountErasure.dueAt", "yyyyyyyyy-----"),
    ("AccountErasure.requestedAt", "yyyyyyyyy-----"),
    ("Activation.cancelAtPeriodEnd", "yy-yy--yy-yyy-"),
    ("Activation.createdAt", "yy-yy--yy-yyy-"),
    ("Activation.durationDays", "yy-yy--yy-yyy-"),
    ("Activation.durationKind", "yy-yy--yy-yyy-"),
    ("Activation.endReason", "yy-yy--yy-yyy-"),
    ("Activation.endsAt", "yy-yy--yy-yyy-"),
    ("Activation.expiringSoon", "yy-yy--yy-yyy-"),
    ("Activation.failureCode", "yy-yy--yy-yyy-"),
    ("Activation.failureMessage", "yy-yy--yy-yyy-"),
    ("Activation.failureReason", "yy-yy--yy-yyy-"),
    ("Activation.feature", "yy-yy--yy-yyy-"),
    ("Activation.id", "yy-yy--yy-yyy-"),
    ("Activation.payments", "yy-----yy-----"),
    ("Activation.startsAt", "yy-yy--yy-yyy-"),
    ("Activation.status", "yy-yy--yy-yyy-"),
    ("Activation.unpaid", "yy-yy--yy-yyy-"),
    ("Activation.vehicle", "yy-yy--yy-yyy-"),
    ("ActivationConnection.edges", "y--y---yy--yy-"),
    ("ActivationConnection.nodes", "y--y---yy--yy-"),
    ("ActivationConnection.pageInfo", "y--y--yyy--yy-"),
    ("ActivationEdge.cursor", "y--y---yy--yy-"),
    ("ActivationEdge.node", "y--y---yy--yy-"),
    ("ActivationProgress.activation", "y--y---yy-----"),
    ("ActivationProgress.attempt", "y--y---yy-----"),
    ("ActivationProgress.charge", "y--y---yy-----"),
    ("ActivationProgress.phase", "y--y---yy-----"),
    ("Amounts.gross", "yyyyyyyyyyyyyy"),
    ("Amounts.net", "yyyyyyyyyyyyyy"),
    ("Amounts.vat", "yyyyyyyyyyyyyy"),
    ("AnalyticsMonth.activationsFailed", "--------y-----"),
    ("AnalyticsMonth.activationsSucceeded", "--------y-----"),
    ("AnalyticsMonth.catalogViews", "--------y-----"),
    ("AnalyticsMonth.churnBasisPoints", "--------y-----"),
    ("AnalyticsMonth.conversionBasisPoints", "--------y-----"),
    ("AnalyticsMonth.failureReasons", "--------y-----"),
    ("AnalyticsMonth.month", "--------y-----"),
    ("AnalyticsMonth.monthlyRecurringRevenue", "--------y-----"),
    ("AnalyticsMonth.purchases", "--------y-----"),
    ("AnalyticsMonth.regionCode", "--------y-----"),
    ("AnalyticsMonth.revenueGross", "--------y-----"),
    ("AnalyticsMonth.revenueNet", "--------y-----"),
    ("AnalyticsMonth.revenueVat", "--------y-----"),
    ("AnalyticsMonth.subscriptionsAtStart", "--------y-----"),
    ("AnalyticsMonth.subscriptionsEnded", "--------y-----"),
    ("AnalyticsMonth.trialsConverted", "--------y-----"),
    ("AnalyticsMonth.trialsStarted", "--------y-----"),
    ("AnalyticsReport.dealershipSales", "--------y-----"),
    ("AnalyticsReport.dealershipSalesCsv", "--------y-----"),
    ("AnalyticsReport.months", "--------y-----"),
    ("AnalyticsReport.monthsCsv", "--------y-----"),
    ("AnalyticsReport.workshopJobs", "--------y-----"),
    ("AnalyticsReport.workshopJobsCsv", "--------y-----"),
    ("ApiKey.createdAt", "--------y-----"),
    ("ApiKey.id", "--------y-----"),
    ("ApiKey.lastUsedAt", "--------y-----"),
    ("ApiKey.name", "--------y-----"),
    ("ApiKey.prefix", "--------y-----"),
    ("ApiKey.revokedAt", "--------y-----"),
    ("ApiKey.scopes", "--------y-----"),
    ("AskedQuestion.answered", "------yyy-----"),
    ("AskedQuestion.askedAt", "------yyy-----"),
    ("AskedQuestion.language", "------yyy-----"),
    ("AskedQuestion.mode", "------yyy-----"),
    ("AskedQuestion.question", "------yyy-----"),
    ("AssistantAnswerChunk.answer", "yyyyyyyyy-----"),
    ("AssistantAnswerChunk.delta", "yyyyyyyyy-----"),
    ("AssistantAnswerChunk.done", "yyyyyyyyy-----"),
    ("AssistantAnswerChunk.turn", "yyyyyyyyy-----"),
    ("AssistantAnswerChunk.turnId", "yyyyyyyyy-----"),
    ("AssistantBudget.capMinor", "------yyy-----"),
    ("AssistantBudget.completionTokens", "------yyy-----"),
    ("AssistantBudget.month", "------yyy-----"),
    ("AssistantBudget.ownCap", "------yyy-----"),
    ("AssistantBudget.promptTokens", "------yyy-----"),
    ("AssistantBudget.spentMinor", "------yyy-----"),
    ("AssistantBudget.usedUp", "------yyy-----"),
    ("AssistantConversation.id", "yyyyyyyyy-----"),
    ("AssistantConversation.startedAt", "yyyyyyyyy-----"),
    ("AssistantConversation.turns", "yyyyyyyyy-----"),
    ("AssistantConversation.vin", "yyyyyyyyy-----"),
    ("AssistantConversation.workshopId", "yyyyyyyyy-----"),
    ("AssistantSource.faqEntryId", "yyyyyyyyy-----"),
    ("AssistantSource.kind", "yyyyyyyyy-----"),
    ("AssistantSource.quote", "yyyyyyyyy-----"),
    ("AssistantSource.title", "yyyyyyyyy-----"),
    ("AssistantTurn.answer", "yyyyyyyyy-----"),
    ("AssistantTurn.askedAt", "yyyyyyyyy-----"),
    ("AssistantTurn.conversationId", "yyyyyyyyy-----"),
    ("AssistantTurn.id", "yyyyyyyyy-----"),
    ("AssistantTurn.mode", "yyyyyyyyy-----"),
    ("AssistantTurn.notice", "yyyyyyyyy-----"),
    ("AssistantTurn.offers", "yyyyyyyyy-----"),
    ("AssistantTurn.question", "yyyyyyyyy-----"),
    ("AssistantTurn.sources", "yyyyyyyyy-----"),
    ("AssistantTurn.status", "yyyyyyyyy-----"),
    ("AuditEntry.action", "-------yy-----"),
    ("AuditEntry.actor", "-------yy-----"),
    ("AuditEntry.details", "-------yy-----"),
    ("AuditEntry.occurredAt", "-------yy-----"),
    ("AuditEntry.subjectId", "-------yy-----"),
    ("AuditEntry.subjectType", "-------yy-----"),
    ("AuthPayload.accessToken", "yyyyyyyyy----y"),
    ("AuthPayload.expiresIn", "yyyyyyyyy----y"),
    ("AuthPayload.refreshToken", "yyyyyyyyy----y"),
    ("AuthPayload.user", "yyyyyyyyy----y"),
    ("BankTransfer.amount", ".......yy....."),
    ("BankTransfer.heldReason", ".......yy....."),
    ("BankTransfer.id", ".......yy....."),
    ("BankTransfer.paymentId", ".......ee....."),
    ("BankTransfer.receivedAt", ".......yy....."),
    ("BankTransfer.reference", ".......yy....."),
    ("BankTransfer.sender", ".......yy....."),
    ("BankTransfer.status", ".......yy....."),
    ("Booking.cancelReason", "y----yyyy-----"),
    ("Booking.contactEmail", "y----yyyy-----"),
    ("Booking.contactName", "y----yyyy-----"),
    ("Booking.contactPhone", "y----yyyy-----"),
    ("Booking.createdAt", "y----yyyy-----"),
    ("Booking.customer", "y----yyyy-----"),
    ("Booking.endsAt", "y----yyyy-----"),
    ("Booking.id", "y----yyyy-----"),
    ("Booking.loanCar", "y----yyyy-----"),
    ("Booking.notes", "y----yyyy-----"),
    ("Booking.repairOrder", "y----yyyy-----"),
    ("Booking.resources", "-----yy-------"),
    ("Booking.serviceType", "y----yyyy-----"),
    ("Booking.startsAt", "y----yyyy-----"),
    ("Booking.status", "y----yyyy-----"),
    ("Booking.vehicle", "y----yyyy-----"),
    ("Booking.workshop", "y----yyyy-----"),
    ("Campaign.abort", "-------yy-----"),
    ("Campaign.action", "-------yy-----"),
    ("Campaign.answerHours", "-------yy-----"),
    ("Campaign.approvedBy", "-------yy-----"),
    ("Campaign.askOwners", "-------yy-----"),
    ("Campaign.counts", "-------yy-----"),
    ("Campaign.createdAt", "-------yy-----"),
    ("Campaign.createdBy", "-------yy-----"),
    ("Campaign.currentRatePerMinute", "-------yy-----"),
    ("Campaign.days", "-------yy-----"),
    ("Campaign.endsAt", "-------yy-----"),
    ("Campaign.estimatedEndAt", "-------yy-----"),
    ("Campaign.featureCode", "-------yy-----"),
    ("Campaign.finishedAt", "-------yy-----"),
    ("Campaign.groups", "-------yy-----"),
    ("Campaign.id", "-------yy-----"),
    ("Campaign.maxRatePerMinute", "-------yy-----"),
    ("Campaign.name", "-------yy-----"),
    ("Campaign.rampEvery", "-------yy-----"),
    ("Campaign.rampFactorPercent", "-------yy-----"),
    ("Campaign.ratePerMinute", "-------yy-----"),
    ("Campaign.reasons", "-------yy-----"),
    ("Campaign.retryMinutes", "-------yy-----"),
    ("Campaign.startedAt", "-------yy-----"),
    ("Campaign.startsAt", "-------yy-----"),
    ("Campaign.state", "-------yy-----"),
    ("Campaign.stateReason", "-------yy-----"),
    ("Campaign.target", "-------yy-----"),
    ("Campaign.timeoutSeconds", "-------yy-----"),
    ("CampaignCounts.agreed", "-------yy-----"),
    ("CampaignCounts.alreadyDone", "-------yy-----"),
    ("CampaignCounts.asked", "-------yy-----"),
    ("CampaignCounts.failed", "-------yy-----"),
    ("CampaignCounts.rolledBack", "-------yy-----"),
    ("CampaignCounts.running", "-------yy-----"),
    ("CampaignCounts.skipped", "-------yy-----"),
    ("CampaignCounts.succeeded", "-------yy-----"),
    ("CampaignCounts.timedOut", "-------yy-----"),
    ("CampaignCounts.total", "-------yy-----"),
    ("CampaignCounts.waiting", "-------yy-----"),
    ("CampaignCounts.withdrawn", "-------yy-----"),
    ("CampaignGroup.counts", "-------yy-----"),
    ("CampaignGroup.errorThresholdPercent", "-------yy-----"),
    ("CampaignGroup.finishedAt", "-------yy-----"),
    ("CampaignGroup.name", "-------yy-----"),
    ("CampaignGroup.position", "-------yy-----"),
    ("CampaignGroup.size", "-------yy-----"),
    ("CampaignGroup.startedAt", "-------yy-----"),
    ("CampaignGroup.state", "-------yy-----"),
    ("CampaignGroup.successThresholdPercent", "-------yy-----"),
    ("CampaignReason.cars", "-------yy-----"),
    ("CampaignReason.reason", "-------yy-----"),
    ("CampaignRollback.campaign", "--------y-----"),
    ("CampaignRollback.switchedOff", "--------y-----"),
    ("CampaignStop.campaign", "--------y-----"),
    ("CampaignStop.inFlight", "--------y-----"),
    ("CampaignStop.withdrawn", "--------y-----"),
    ("CampaignTarget.firmwareFrom", "-------yy-----"),
    ("CampaignTarget.firmwareTo", "-------yy-----"),
    ("CampaignTarget.hasFeature", "-------yy-----"),
    ("CampaignTarget.models", "-------yy-----"),
    ("CampaignTarget.regions", "-------yy-----"),
    ("CampaignTarget.vins", "-------yy-----"),
    ("CatalogEntry.currentActivation", "y--y---yy-y-y-"),
    ("CatalogEntry.feature", "y--y-yyyy-y-y-"),
    ("CatalogEntry.offers", "y--y-yyyy-y-y-"),
    ("CatalogEntry.purchasable", "y--y-yyyy-y-y-"),
    ("CatalogEntry.trialAvailable", "y--y-yyyy-y-y-"),
    ("CatalogEntry.unavailableCode", "y--y-yyyy-y-y-"),
    ("CatalogEntry.unavailableReason", "y--y-yyyy-y-y-"),
    ("CatalogEntryConnection.edges", "y--y-yyyy-y-y-"),
    ("CatalogEntryConnection.nodes", "y--y-yyyy-y-y-"),
    ("CatalogEntryConnection.pageInfo", "y--y-yyyy-y-y-"),
    ("CatalogEntryEdge.cursor", "y--y-yyyy-y-y-"),
    ("CatalogEntryEdge.node", "y--y-yyyy-y-y-"),
    ("CheckoutOptions.credit", "y............."),
    ("CheckoutOptions.methods", "y............."),
    ("CheckoutOptions.savedMethod", "y............."),
    ("ClosedDay.day", "yyyyyyyyy--yy-"),
    ("ClosedDay.reason", "yyyyyyyyy--yy-"),
    ("CreatedApiKey.apiKey", "--------y-----"),
    ("CreatedApiKey.secret", "--------y-----"),
    ("CreatedVoucherBatch.batch", ".............."),
    ("CreatedVoucherBatch.codes", ".............."),
    ("CreditAccount.balances", "yee..........."),
    ("CreditAccount.entries", "yee..........."),
    ("CreditEntry.amount", "y............."),
    ("CreditEntry.createdAt", "y............."),
    ("CreditEntry.kind", "y............."),
    ("DataExport.downloadPath", "yyyyyyyyy-----"),
    ("DataExport.expiresAt", "yyyyyyyyy-----"),
    ("DataExport.finishedAt", "yyyyyyyyy-----"),
    ("DataExport.id", "yyyyyyyyy-----"),
    ("DataExport.requestedAt", "yyyyyyyyy-----"),
    ("DataExport.status", "yyyyyyyyy-----"),
    ("Dealership.city", "yy-yyyyyyyyyy-"),
    ("Dealership.id", "yy-yyyyyyyyyy-"),
    ("Dealership.name", "yy-yyyyyyyyyy-"),
    ("Dealership.region", "yy-yyyyyyyyyy-"),
    ("DealershipMonth.dealership", "--------y-----"),
    ("DealershipMonth.month", "--------y-----"),
    ("DealershipMonth.net", "--------y-----"),
    ("DealershipMonth.orders", "--------y-----"),
    ("DealershipMonth.regionCode", "--------y-----"),
    ("DiagnosticSession.costEstimate", "y-----yyy-----"),
    ("DiagnosticSession.createdAt", "y-----yyy-----"),
    ("DiagnosticSession.faultCodes", "y-----yyy-----"),
    ("DiagnosticSession.id", "y-----yyy-----"),
    ("DiagnosticSession.sessionType", "y-----yyy-----"),
    ("DiagnosticSession.status", "y-----yyy-----"),
    ("DiagnosticSession.symptoms", "y-----yyy-----"),
    ("DiagnosticSession.technicianNotes", "y-----yyy-----"),
    ("DiagnosticSession.workshop", "y-----yyy-----"),
    ("EstimateByLink.approved", "yyyyyyyyyyyyyy"),
    ("EstimateByLink.car", "yyyyyyyyyyyyyy"),
    ("EstimateByLink.estimate", "yyyyyyyyyyyyyy"),
    ("EstimateByLink.expiresAt", "yyyyyyyyyyyyyy"),
    ("EstimateByLink.lines", "yyyyyyyyyyyyyy"),
    ("EstimateByLink.number", "yyyyyyyyyyyyyy"),
    ("EstimateByLink.overApprovedPercent", "yyyyyyyyyyyyyy"),
    ("EstimateByLink.reapproval", "yyyyyyyyyyyyyy"),
    ("EstimateByLink.workshopName", "yyyyyyyyyyyyyy"),
    ("Expediente.activations", "y--y--yyy--yy-"),
    ("Expediente.diagnostics", "y-----yyy-----"),
    ("Expediente.invoices", "y--y--yyy--yy-"),
    ("Expediente.maintenance", "y--y--yyy--yy-"),
    ("Expediente.manuals", "y--y--yyy--yy-"),
    ("Expediente.orders", "y--y--yyy--yy-"),
    ("Expediente.owner", "y--y--yyy-----"),
    ("Expediente.repairOrders", "y-----yyy-----"),
    ("Expediente.vehicle", "y--y--yyy--yy-"),
    ("FaqEntry.answer", "yyyyyyyyy-----"),
    ("FaqEntry.id", "yyyyyyyyy-----"),
    ("FaqEntry.language", "yyyyyyyyy-----"),
    ("FaqEntry.question", "yyyyyyyyy-----"),
    ("FaqEntry.tags", "yyyyyyyyy-----"),
    ("FaqEntry.updatedAt", "yyyyyyyyy-----"),
    ("FaqEntry.workshopId", "yyyyyyyyy-----"),
    ("FaultCode.code", "yyyyyyyyy-----"),
    ("FaultCode.description", "yyyyyyyyy-----"),
    ("FaultCode.origin", "yyyyyyyyy-----"),
    ("FaultCode.subsystem", "yyyyyyyyy-----"),
    ("FaultCode.system", "yyyyyyyyy-----"),
    ("Feature.category", "yyyyyyyyy-yyy-"),
    ("Feature.code", "yyyyyyyyy-yyy-"),
    ("Feature.compatibleModels", "yyyyyyyyy-yyy-"),
    ("Feature.demoMediaUrl", "yyyyyyyyy-yyy-"),
    ("Feature.demoText", "yyyyyyyyy-yyy-"),
    ("Feature.description", "yyyyyyyyy-yyy-"),
    ("Feature.isNew", "yyyyyyyyy-yyy-"),
    ("Feature.minFirmware", "yyyyyyyyy-yyy-"),
    ("Feature.name", "yyyyyyyyy-yyy-"),
    ("Feature.newSince", "yyyyyyyyy-yyy-"),
    ("Feature.otaParameters", "--------y-----"),
    ("Feature.prices", "yyyyyyyyy-yyy-"),
    ("Feature.requiresMaintenance", "yyyyyyyyy-yyy-"),
    ("Feature.retiredAt", "--------y-----"),
    ("Feature.texts", "--------y-----"),
    ("FeatureConnection.edges", "yyyyyyyyy-y-y-"),
    ("FeatureConnection.nodes", "yyyyyyyyy-y-y-"),
    ("FeatureConnection.pageInfo", "yyyyyyyyy-y-y-"),
    ("FeatureEdge.cursor", "yyyyyyyyy-y-y-"),
    ("FeatureEdge.node", "yyyyyyyyy-y-y-"),
    ("FeatureText.demoText", "--------y-----"),
    ("FeatureText.description", "--------y-----"),
    ("FeatureText.locale", "--------y-----"),
    ("FeatureText.name", "--------y-----"),
    ("FreeSlot.endsAt", "yyyyyyyyy-----"),
    ("FreeSlot.freeLoanCars", "yyyyyyyyy-----"),
    ("FreeSlot.freeResources", "yyyyyyyyy-----"),
    ("FreeSlot.startsAt", "yyyyyyyyy-----"),
    ("HealthAlert.closedAt", "yy----yyy---y-"),
    ("HealthAlert.description", "yy----yyy---y-"),
    ("HealthAlert.faultCode", "yy----yyy---y-"),
    ("HealthAlert.id", "yy----yyy---y-"),
    ("HealthAlert.kind", "yy----yyy---y-"),
    ("HealthAlert.open", "yy----yyy---y-"),
    ("HealthAlert.openedAt", "yy----yyy---y-"),
    ("HealthAlert.suggestsWorkshop", "yy----yyy---y-"),
    ("HealthAlert.value", "yy----yyy---y-"),
    ("IdentityProviderInfo.name", "yyyyyyyyyyyyyy"),
    ("IdentityProviderInfo.startUrl", "yyyyyyyyyyyyyy"),
    ("Invoice.gross", "yy-----yy-----"),
    ("Invoice.id", "yy-----yy-----"),
    ("Invoice.issuedAt", "yy-----yy-----"),
    ("Invoice.kind", "yy-----yy-----"),
    ("Invoice.lines", "yy-----yy-----"),
    ("Invoice.net", "yy-----yy-----"),
    ("Invoice.number", "yy-----yy-----"),
    ("Invoice.pdfUrl", "yy-----yy-----"),
    ("Invoice.vat", "yy-----yy-----"),
    ("InvoiceConnection.edges", "yyyy---yy--yy-"),
    ("InvoiceConnection.nodes", "yyyy---yy--yy-"),
    ("InvoiceConnection.pageInfo", "yyyy--yyy--yy-"),
    ("InvoiceEdge.cursor", "yy-----yy-----"),
    ("InvoiceEdge.node", "yy-----yy-----"),
    ("InvoiceLine.description", "yy-----yy-----"),
    ("InvoiceLine.gross", "yy-----yy-----"),
    ("InvoiceLine.net", "yy-----yy-----"),
    ("InvoiceLine.quantity", "yy-----yy-----"),
    ("InvoiceLine.unitNet", "yy-----yy-----"),
    ("InvoiceLine.vat", "yy-----yy-----"),
    ("InvoiceLine.vatRateBasisPoints", "yy-----yy-----"),
    ("LinkedIdentity.email", "yyy-y--yy-----"),
    ("LinkedIdentity.id", "yyy-y--yy-----"),
    ("LinkedIdentity.issuer", "yyy-y--yy-----"),
    ("LinkedIdentity.lastUsedAt", "yyy-y--yy-----"),
    ("LinkedIdentity.linkedAt", "yyy-y--yy-----"),
    ("MaintenanceRecord.id", "y--y--yyy--yy-"),
    ("MaintenanceRecord.kind", "y--y--yyy--yy-"),
    ("MaintenanceRecord.mileageKm", "y--y--yyy--yy-"),
    ("MaintenanceRecord.nextDueAt", "y--y--yyy--yy-"),
    ("MaintenanceRecord.nextDueKm", "y--y--yyy--yy-"),
    ("MaintenanceRecord.notes", "y--y--yyy--yy-"),
    ("MaintenanceRecord.performedAt", "y--y--yyy--yy-"),
    ("MaintenanceRecord.workshop", "y--y--yyy--yy-"),
    ("MaintenanceRecordConnection.edges", "y--y--yyy--yy-"),
    ("MaintenanceRecordConnection.nodes", "y--y--yyy--yy-"),
    ("MaintenanceRecordConnection.pageInfo", "y--y--yyy--yy-"),
    ("MaintenanceRecordEdge.cursor", "y--y--yyy--yy-"),
    ("MaintenanceRecordEdge.node", "y--y--yyy--yy-"),
    ("MaintenanceStatus.nextDueAt", "yy-yyyyyyyyyy-"),
    ("MaintenanceStatus.nextDueKm", "yy-yyyyyyyyyy-"),
    ("MaintenanceStatus.state", "yy-yyyyyyyyyy-"),
    ("Manual.locale", "yyyyyyyyyyyyy-"),
    ("Manual.title", "yyyyyyyyyyyyy-"),
    ("Manual.url", "yyyyyyyyyyyyy-"),
    ("ManufacturingEvent.occurredAt", "yy-yy--yy-----"),
    ("ManufacturingEvent.receivedAt", "yy-yy--yy-----"),
    ("ManufacturingEvent.stage", "yy-yy--yy-----"),
    ("Money.amount", "yyyyyyyyyyyyyy"),
    ("Money.amountMinor", "yyyyyyyyyyyyyy"),
    ("Money.currency", "yyyyyyyyyyyyyy"),
    ("Notification.attempts", "yy----y-------"),
    ("Notification.body", "yy----y-------"),
    ("Notification.channel", "yy----y-------"),
    ("Notification.createdAt", "yy----y-------"),
    ("Notification.deliveredAt", "yy----y-------"),
    ("Notification.id", "yy----y-------"),
    ("Notification.lastError", "yy------------"),
    ("Notification.payload", "yy----y-------"),
    ("Notification.read", "yy----y-------"),
    ("Notification.recipient", "yy----y-------"),
    ("Notification.sentAt", "yy----y-------"),
    ("Notification.status", "yy----y-------"),
    ("Notification.template", "yy----y-------"),
    ("Notification.title", "yy----y-------"),
    ("NotificationConnection.edges", "yyyyyyyyy-----"),
    ("NotificationConnection.nodes", "yyyyyyyyy-----"),
    ("NotificationConnection.pageInfo", "yyyyyyyyy-----"),
    ("NotificationEdge.cursor", "yy----y-------"),
    ("NotificationEdge.node", "yy----y-------"),
    ("NotificationPreference.email", "yyyyyyyyy-----"),
    ("NotificationPreference.emailRequired", "yyyyyyyyy-----"),
    ("NotificationPreference.kind", "yyyyyyyyy-----"),
    ("NotificationPreference.push", "yyyyyyyyy-----"),
    ("NotificationPreference.sms", "yyyyyyyyy-----"),
    ("NotificationPreferences.kinds", "yyyyyyyyy-----"),
    ("NotificationPreferences.phone", "yyyyyyyyy-----"),
    ("NotificationPreferences.quietHours", "yyyyyyyyy-----"),
    ("NotificationPreferences.smsOptIn", "yyyyyyyyy-----"),
    ("Offer.durationDays", "yyyyyyyyy-yyy-"),
    ("Offer.durationKind", "yyyyyyyyy-yyy-"),
    ("Offer.gross", "yyyyyyyyy-yyy-"),
    ("Offer.net", "yyyyyyyyy-yyy-"),
    ("Offer.vat", "yyyyyyyyy-yyy-"),
    ("Offer.vatRateBasisPoints", "yyyyyyyyy-yyy-"),
    ("OidcSignIn.email", "yyyyyyyyy----y"),
    ("OidcSignIn.linkRequired", "yyyyyyyyy----y"),
    ("OidcSignIn.session", "yyyyyyyyy----y"),
    ("OpeningHours.closes", "yyyyyyyyy--yy-"),
    ("OpeningHours.opens", "yyyyyyyyy--yy-"),
    ("OpeningHours.weekday", "yyyyyyyyy--yy-"),
    ("Order.cancelReason", "yy-yy--yy-----"),
    ("Order.configuration", "yy-yy--yy-----"),
    ("Order.createdAt", "yy-yy--yy-----"),
    ("Order.customer", "yy-yy--yy-----"),
    ("Order.dealership", "yy-yy--yy-----"),
    ("Order.due", "yy-yy--yy-----"),
    ("Order.factoryOrderRef", "yy-yy--yy-----"),
    ("Order.gross", "yy-yy--yy-----"),
    ("Order.id", "yy-yy--yy-----"),
    ("Order.invoices", "yy-yy--yy-----"),
    ("Order.lastError", "yy-yy--yy-----"),
    ("Order.model", "yy-yy--yy-----"),
    ("Order.number", "yy-yy--yy-----"),
    ("Order.paid", "yy-yy--yy-----"),
    ("Order.payments", "yy-yy--yy-----"),
    ("Order.price", "yy-yy--yy-----"),
    ("Order.status", "yy-yy--yy-----"),
    ("Order.stockSale", "yy-yy--yy-----"),
    ("Order.timeline", "yy-yy--yy-----"),
    ("Order.updatedAt", "yy-yy--yy-----"),
    ("Order.vat", "yy-yy--yy-----"),
    ("Order.vehicle", "yy-yy--yy-----"),
    ("OrderConnection.edges", "yyyyy--yy--yy-"),
    ("OrderConnection.nodes", "yyyyy--yy--yy-"),
    ("OrderConnection.pageInfo", "yyyyy-yyy--yy-"),
    ("OrderEdge.cursor", "yy-yy--yy-----"),
    ("OrderEdge.node", "yy-yy--yy-----"),
    ("OrderProgress.occurredAt", "y--y---yy-----"),
    ("OrderProgress.order", "y--y---yy-----"),
    ("OrderProgress.stage", "y--y---yy-----"),
    ("PageInfo.endCursor", "yyyyyyyyy-yyy-"),
    ("PageInfo.hasNextPage", "yyyyyyyyy-yyy-"),
    ("PageInfo.hasPreviousPage", "yyyyyyyyy-yyy-"),
    ("PageInfo.startCursor", "yyyyyyyyy-yyy-"),
    ("Partner.apiKeys", "--------y-----"),
    ("Partner.createdAt", "--------y-----"),
    ("Partner.grantedVehicles", "--------y-----"),
    ("Partner.id", "--------y-----"),
    ("Partner.name", "--------y-----"),
    ("PartnerName.id", "yyy----yy-----"),
    ("PartnerName.name", "yyy----yy-----"),
    ("Payment.amount", "yy-yy--yy-----"),
    ("Payment.amountReceived", "yy.yy..yy....."),
    ("Payment.createdAt", "yy-yy--yy-----"),
    ("Payment.failureCode", "yy-yy--yy-----"),
    ("Payment.failureMessage", "yy-yy--yy-----"),
    ("Payment.failureReason", "yy-yy--yy-----"),
    ("Payment.id", "yy-yy--yy-----"),
    ("Payment.invoices", "yy-yy--yy-----"),
    ("Payment.kind", "yy-yy--yy-----"),
    ("Payment.method", "yy.yy..yy....."),
    ("Payment.settledAt", "yy-yy--yy-----"),
    ("Payment.status", "yy-yy--yy-----"),
    ("Payment.transferInstructions", "ye.ee..yy....."),
    ("PaymentCard.brand", "yyy-----------"),
    ("PaymentCard.expMonth", "yyy-----------"),
    ("PaymentCard.expYear", "yyy-----------"),
    ("PaymentCard.kind", "yy............"),
    ("PaymentCard.last4", "yyy-----------"),
    ("PaymentCard.mandateReference", "ee............"),
    ("PaymentCard.savedAt", "yyy-----------"),
    ("PushDevice.createdAt", "yyyyyyyyy-----"),
    ("PushDevice.id", "yyyyyyyyy-----"),
    ("PushDevice.label", "yyyyyyyyy-----"),
    ("PushDevice.lastPushedAt", "yyyyyyyyy-----"),
    ("Query.activation", "y--y---yy-----"),
    ("Query.activations", "y--y--yyy--yy-"),
    ("Query.allFeatures", "--------y-----"),
    ("Query.analytics", "--------y-----"),
    ("Query.assistantBudget", "------yyy-----"),
    ("Query.assistantQuestions", "------yyy-----"),
    ("Query.availableSlots", "yyyyyyyyy-----"),
    ("Query.bankTransfers", "-------yy-----"),
    ("Query.booking", "y-----yyy-----"),
    ("Query.campaign", "-------yy-----"),
    ("Query.campaigns", "-------yy-----"),
    ("Query.catalog", "y--y-yyyy-y-y-"),
    ("Query.checkoutOptions", "y-------------"),
    ("Query.consentPartners", "yyy----yy-----"),
    ("Query.consentScopes", "yyy----yy-----"),
    ("Query.dealerships", "-------yy-----"),
    ("Query.estimateByLink", "yyyyyyyyyyyyyy"),
    ("Query.expediente", "y--y--yyy--yy-"),
    ("Query.faqEntries", "yyyyyyyyy-----"),
    ("Query.faultCode", "yyyyyyyyy-----"),
    ("Query.features", "yyyyyyyyy-y-y-"),
    ("Query.grantedVehicles", "---------y--y-"),
    ("Query.identityProvider", "yyyyyyyyyyyyyy"),
    ("Query.invoices", "yyy----yy-----"),
    ("Query.me", "yyyyyyyyy-----"),
    ("Query.models", "yyyyyyyyy-y-y-"),
    ("Query.myAccountErasure", "yyyyyyyyy-----"),
    ("Query.myAssistantConversations", "yyyyyyyyy-----"),
    ("Query.myBookings", "yyy-----------"),
    ("Query.myCredit", "yyy-----------"),
    ("Query.myDataExports", "yyyyyyyyy-----"),
    ("Query.myNotificationPreferences", "yyyyyyyyy-----"),
    ("Query.myPaymentCard", "yyy-----------"),
    ("Query.myPushDevices", "yyyyyyyyy-----"),
    ("Query.myVehicles", "yyyyyyyyy-----"),
    ("Query.notificationDeliveries", "-------yy-----"),
    ("Query.notifications", "yyyyyyyyy-----"),
    ("Query.order", "y--y---yy-----"),
    ("Query.orders", "yyyyy--yy-----"),
    ("Query.partners", "--------y-----"),
    ("Query.pushPublicKey", "yyyyyyyyyyyyyy"),
    ("Query.regions", "yyyyyyyyyyyyyy"),
    ("Query.repairOrder", "y-----yyy-----"),
    ("Query.repairOrders", "yyy--yyyy-----"),
    ("Query.searchVehicles", "-------yy-----"),
    ("Query.sepaMandateText", "yyy-----------"),
    ("Query.stock", "---yy---------"),
    ("Query.supportSearch", "-------yy-----"),
    ("Query.supportTickets", "-------yy-----"),
    ("Query.timeline", "-------yy-----"),
    ("Query.users", "-------yy-----"),
    ("Query.vehicle", "y--y-yyyyy--y-"),
    ("Query.vehicleCommand", "y------yy-----"),
    ("Query.voucherBatches", "--------y-----"),
    ("Query.workshop", "yyyyyyyyy-----"),
    ("Query.workshopBookings", "-----yy-------"),
    ("Query.workshops", "yyyyyyyyy-----"),
    ("QuietHours.from", "yyyyyyyyy-----"),
    ("QuietHours.timeZone", "yyyyyyyyy-----"),
    ("QuietHours.until", "yyyyyyyyy-----"),
    ("ReasonCount.code", "--------y-----"),
    ("ReasonCount.count", "--------y-----"),
    ("RecordPaymentPayload.order", "---y----------"),
    ("RecordPaymentPayload.payment", "---y----------"),
    ("Region.code", "yyyyyyyyyyyyyy"),
    ("Region.currency", "yyyyyyyyyyyyyy"),
    ("Region.defaultLocale", "yyyyyyyyyyyyyy"),
    ("Region.name", "yyyyyyyyyyyyyy"),
    ("Region.paymentMethods", "yyyyyyyyyyyyyy"),
    ("Region.vatRateBasisPoints", "yyyyyyyyyyyyyy"),
    ("Region.vatRates", "--------y-----"),
    ("RepairOrder.approvalPending", "y----yyyy-----"),
    ("RepairOrder.approved", "y----yyyy-----"),
    ("RepairOrder.booking", "y----yyyy-----"),
    ("RepairOrder.complaint", "y----yyyy-----"),
    ("RepairOrder.createdAt", "y----yyyy-----"),
    ("RepairOrder.customer", "y----yyyy-----"),
    ("RepairOrder.diagnostics", "y----yyyy-----"),
    ("RepairOrder.estimate", "y----yyyy-----"),
    ("RepairOrder.id", "y----yyyy-----"),
    ("RepairOrder.invoice", "y----yyyy-----"),
    ("RepairOrder.lines", "y----yyyy-----"),
    ("RepairOrder.maintenanceRecord", "y----yyyy-----"),
    ("RepairOrder.number", "y----yyyy-----"),
    ("RepairOrder.odometerKm", "y----yyyy-----"),
    ("RepairOrder.overApprovedPercent", "y----yyyy-----"),
    ("RepairOrder.reapproval", "y----yyyy-----"),
    ("RepairOrder.serviceKind", "y----yyyy-----"),
    ("RepairOrder.status", "y----yyyy-----"),
    ("RepairOrder.timeline", "y----yyyy-----"),
    ("RepairOrder.updatedAt", "y----yyyy-----"),
    ("RepairOrder.vehicle", "y----yyyy-----"),
    ("RepairOrder.workshop", "y----yyyy-----"),
    ("RepairOrderEvent.note", "y----yyyy-----"),
    ("RepairOrderEvent.occurredAt", "y----yyyy-----"),
    ("RepairOrderEvent.status", "y----yyyy-----"),
    ("RepairOrderEvent.summary", "y----yyyy-----"),
    ("RepairOrderLine.description", "yyyyyyyyyyyyyy"),
    ("RepairOrderLine.id", "yyyyyyyyyyyyyy"),
    ("RepairOrderLine.kind", "yyyyyyyyyyyyyy"),
    ("RepairOrderLine.net", "yyyyyyyyyyyyyy"),
    ("RepairOrderLine.quantity", "yyyyyyyyyyyyyy"),
    ("RepairOrderLine.status", "yyyyyyyyyyyyyy"),
    ("RepairOrderLine.unitNet", "yyyyyyyyyyyyyy"),
    ("RepairOrderProgress.note", "y-----yyy-----"),
    ("RepairOrderProgress.occurredAt", "y-----yyy-----"),
    ("RepairOrderProgress.repairOrder", "y-----yyy-----"),
    ("RepairOrderProgress.status", "y-----yyy-----"),
    ("RepairOrderProgress.summary", "y-----yyy-----"),
    ("ScopeDescription.description", "yyy----yy-----"),
    ("ScopeDescription.scope", "yyy----yy-----"),
    ("ServicePrice.gross", "yyyyyyyyy--yy-"),
    ("ServicePrice.net", "yyyyyyyyy--yy-"),
    ("ServicePrice.region", "yyyyyyyyy--yy-"),
    ("ServicePrice.vat", "yyyyyyyyy--yy-"),
    ("ServiceType.active", "yyyyyyyyy--yy-"),
    ("ServiceType.durationMinutes", "yyyyyyyyy--yy-"),
    ("ServiceType.id", "yyyyyyyyy--yy-"),
    ("ServiceType.maintenanceKind", "yyyyyyyyy--yy-"),
    ("ServiceType.name", "yyyyyyyyy--yy-"),
    ("ServiceType.price", "yyyyyyyyy--yy-"),
    ("ServiceType.prices", "yyyyyyyyy--yy-"),
    ("ServiceType.resourceKind", "yyyyyyyyy--yy-"),
    ("SupportSearchResult.orders", "-------yy-----"),
    ("SupportSearchResult.payments", "-------yy-----"),
    ("SupportSearchResult.users", "-------yy-----"),
    ("SupportSearchResult.vehicles", "-------yy-----"),
    ("SupportTicket.activation", "-------yy-----"),
    ("SupportTicket.assignee", "-------yy-----"),
    ("SupportTicket.comments", "-------yy-----"),
    ("SupportTicket.createdAt", "-------yy-----"),
    ("SupportTicket.details", "-------yy-----"),
    ("SupportTicket.id", "-------yy-----"),
    ("SupportTicket.resolvedAt", "-------yy-----"),
    ("SupportTicket.status", "-------yy-----"),
    ("SupportTicket.subject", "-------yy-----"),
    ("SupportTicketConnection.edges", "-------yy-----"),
    ("SupportTicketConnection.nodes", "-------yy-----"),
    ("SupportTicketConnection.pageInfo", "-------yy-----"),
    ("SupportTicketEdge.cursor", "--------------"),
    ("SupportTicketEdge.node", "--------------"),
    ("TelemetryPoint.at", "yy----yyy---y-"),
    ("TelemetryPoint.max", "yy----yyy---y-"),
    ("TelemetryPoint.min", "yy----yyy---y-"),
    ("TelemetryPoint.samples", "yy----yyy---y-"),
    ("TelemetryPoint.value", "yy----yyy---y-"),
    ("TelemetrySnapshot.faultCodes", "yy----yyy---y-"),
    ("TelemetrySnapshot.fuelLevelPercent", "yy----yyy---y-"),
    ("TelemetrySnapshot.lowVoltageBatteryVolts", "yy----yyy---y-"),
    ("TelemetrySnapshot.odometerKm", "yy----yyy---y-"),
    ("TelemetrySnapshot.recordedAt", "yy----yyy---y-"),
    ("TelemetrySnapshot.speedKmh", "yy----yyy---y-"),
    ("TelemetrySnapshot.stateOfChargePercent", "yy----yyy---y-"),
    ("TelemetryUpdate.alert", "yy----yyy---y-"),
    ("TelemetryUpdate.reading", "yy----yyy---y-"),
    ("TelemetryUpdate.vin", "yy----yyy---y-"),
    ("TicketComment.author", "-------yy-----"),
    ("TicketComment.body", "-------yy-----"),
    ("TicketComment.createdAt", "-------yy-----"),
    ("TransferInstructions.accountName", "y......yy....."),
    ("TransferInstructions.amountDue", "y......yy....."),
    ("TransferInstructions.bic", "y......yy....."),
    ("TransferInstructions.iban", "y......yy....."),
    ("TransferInstructions.reference", "y......yy....."),
    ("User.dealership", "yyyyyyyyy-----"),
    ("User.disabledAt", "-------yy-----"),
    ("User.email", "yyyyyyyyy-----"),
    ("User.hasPassword", "-------yy-----"),
    ("User.id", "yyyyyyyyy-----"),
    ("User.identities", "yyy-y--yy-----"),
    ("User.locale", "yyyyyyyyy-----"),
    ("User.name", "yyyyyyyyy-----"),
    ("User.passwordSet", "yyy-y--yy-----"),
    ("User.region", "yyyyyyyyy-----"),
    ("User.role", "yyyyyyyyy-----"),
    ("User.workshop", "yyyyyyyyy-----"),
    ("User.workshopAdmin", "yyyyyyyyy-----"),
    ("VatRate.appliesFrom", "--------y-----"),
    ("VatRate.rateBasisPoints", "--------y-----"),
    ("Vehicle.activations", "yy-yy--yy--yy-"),
    ("Vehicle.color", "yy-yyyyyyyyyy-"),
    ("Vehicle.consents", "yy-----yy-----"),
    ("Vehicle.dealership", "yy-yyyyyyyyyy-"),
    ("Vehicle.firmwareVersion", "yy-yyyyyyyyyy-"),
    ("Vehicle.healthAlerts", "yy----yyy---y-"),
    ("Vehicle.latestTelemetry", "yy----yyy---y-"),
    ("Vehicle.maintenanceStatus", "yy-yyyyyyyyyy-"),
    ("Vehicle.mileageKm", "yy-yyyyyyyyyy-"),
    ("Vehicle.model", "yy-yyyyyyyyyy-"),
    ("Vehicle.owner", "yy-yyyyyy-----"),
    ("Vehicle.plate", "yy-yyyyyyyyyy-"),
    ("Vehicle.region", "yy-yyyyyyyyyy-"),
    ("Vehicle.remoteState", "yy-----yy-----"),
    ("Vehicle.status", "yy-yyyyyyyyyy-"),
    ("Vehicle.telemetry", "yy----yyy---y-"),
    ("Vehicle.vin", "yy-yyyyyyyyyy-"),
    ("VehicleCommand.completedAt", "y------yy-----"),
    ("VehicleCommand.createdAt", "y------yy-----"),
    ("VehicleCommand.durationMinutes", "y------yy-----"),
    ("VehicleCommand.failureCode", "y------yy-----"),
    ("VehicleCommand.failureMessage", "y------yy-----"),
    ("VehicleCommand.id", "y------yy-----"),
    ("VehicleCommand.kind", "y------yy-----"),
    ("VehicleCommand.retryable", "y------yy-----"),
    ("VehicleCommand.status", "y------yy-----"),
    ("VehicleCommand.targetCelsius", "y------yy-----"),
    ("VehicleConnection.edges", "yyyyyyyyy-----"),
    ("VehicleConnection.nodes", "yyyyyyyyy-----"),
    ("VehicleConnection.pageInfo", "yyyyyyyyy-----"),
    ("VehicleConsent.byOwner", "yy-----yy-----"),
    ("VehicleConsent.grantedAt", "yy-----yy-----"),
    ("VehicleConsent.partner", "yy-----yy-----"),
    ("VehicleConsent.scopes", "yy-----yy-----"),
    ("VehicleEdge.cursor", "yy-----yy-----"),
    ("VehicleEdge.node", "yy-----yy-----"),
    ("VehicleModel.bodyType", "yyyyyyyyyyyyy-"),
    ("VehicleModel.code", "yyyyyyyyyyyyy-"),
    ("VehicleModel.electricRangeKm", "yyyyyyyyyyyyy-"),
    ("VehicleModel.id", "yyyyyyyyyyyyy-"),
    ("VehicleModel.manuals", "yyyyyyyyyyyyy-"),
    ("VehicleModel.modelYear", "yyyyyyyyyyyyy-"),
    ("VehicleModel.name", "yyyyyyyyyyyyy-"),
    ("VehicleModel.powertrain", "yyyyyyyyyyyyy-"),
    ("VehicleModel.remoteCommands", "yyyyyyyyyyyyy-"),
    ("VehicleRemoteState.charging", "yy-----yy-----"),
    ("VehicleRemoteState.climateOn", "yy-----yy-----"),
    ("VehicleRemoteState.climateTargetCelsius", "yy-----yy-----"),
    ("VehicleRemoteState.climateUntil", "yy-----yy-----"),
    ("VehicleRemoteState.locked", "yy-----yy-----"),
    ("VehicleRemoteState.online", "yy-----yy-----"),
    ("VehicleRemoteState.reportedAt", "yy-----yy-----"),
    ("VoucherBatch.createdAt", "........y....."),
    ("VoucherBatch.expiresAt", "........y....."),
    ("VoucherBatch.id", "........y....."),
    ("VoucherBatch.label", "........y....."),
    ("VoucherBatch.quantity", "........y....."),
    ("VoucherBatch.redeemed", "........y....."),
    ("VoucherBatch.value", "........y....."),
    ("VoucherRedemption.amount", ".............."),
    ("VoucherRedemption.balance", ".............."),
    ("VoucherRedemption.newlyRedeemed", ".............."),
    ("Workshop.address", "yyyyyyyyy--yy-"),
    ("Workshop.city", "yyyyyyyyy--yy-"),
    ("Workshop.closedDays", "yyyyyyyyy--yy-"),
    ("Workshop.code", "yyyyyyyyy--yy-"),
    ("Workshop.id", "yyyyyyyyy--yy-"),
    ("Workshop.name", "yyyyyyyyy--yy-"),
    ("Workshop.openingHours", "yyyyyyyyy--yy-"),
    ("Workshop.phone", "yyyyyyyyy--yy-"),
    ("Workshop.region", "yyyyyyyyy--yy-"),
    ("Workshop.resources", "-----yyyy-----"),
    ("Workshop.serviceTypes", "yyyyyyyyy--yy-"),
    ("Workshop.slotMinutes", "yyyyyyyyy--yy-"),
    ("Workshop.timeZone", "yyyyyyyyy--yy-"),
    ("WorkshopMonth.jobsClosed", "--------y-----"),
    ("WorkshopMonth.month", "--------y-----"),
    ("WorkshopMonth.net", "--------y-----"),
    ("WorkshopMonth.regionCode", "--------y-----"),
    ("WorkshopMonth.workshop", "--------y-----"),
    ("WorkshopResource.active", "-----yyyy-----"),
    ("WorkshopResource.id", "-----yyyy-----"),
    ("WorkshopResource.kind", "-----yyyy-----"),
    ("WorkshopResource.name", "-----yyyy-----"),
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Seen {
    Allowed,
    Empty,
    Denied,
}

/// One field of the schema: its parent type, its name, and the type it returns (unwrapped).
#[derive(Clone, Debug)]
struct Field {
    name: String,
    returns: String,
    is_object: bool,
    required_args: Vec<String>,
}

struct Schema {
    objects: BTreeMap<String, Vec<Field>>,
}

impl Schema {
    async fn read(app: &TestApp) -> Self {
        let query = "{ __schema { types { name kind fields { name args { name defaultValue type { kind ofType { kind } } } \
            type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } } } } } }";
        let response = app.graphql(query, json!({})).await;
        let mut objects = BTreeMap::new();
        for ty in response.data()["__schema"]["types"].as_array().expect("types") {
            let name = ty["name"].as_str().expect("name");
            if ty["kind"] != "OBJECT" || name.starts_with("__") || name == "Mutation" || name == "Subscription" {
                continue;
            }
            let fields = ty["fields"]
                .as_array()
                .expect("fields")
                .iter()
                .map(|field| {
                    let (kind, returns) = unwrap_type(&field["type"]);
                    let required_args = field["args"]
                        .as_array()
                        .expect("args")
                        .iter()
                        .filter(|arg| arg["type"]["kind"] == "NON_NULL" && arg["defaultValue"].is_null())
                        .map(|arg| arg["name"].as_str().expect("arg").to_owned())
                        .collect();
                    Field {
                        name: field["name"].as_str().expect("field").to_owned(),
                        returns,
                        is_object: kind == "OBJECT",
                        required_args,
                    }
                })
                .collect();
            objects.insert(name.to_owned(), fields);
        }
        Self { objects }
    }

    fn every_field(&self) -> BTreeSet<String> {
        self.objects
            .iter()
            .filter(|(name, _)| name.as_str() != "Query")
            .flat_map(|(ty, fields)| fields.iter().map(move |field| format!("{ty}.{}", field.name)))
            .chain(self.objects["Query"].iter().map(|field| format!("Query.{}", field.name)))
            .collect()
    }
}

fn unwrap_type(ty: &Value) -> (String, String) {
    let mut ty = ty;
    while ty["name"].is_null() {
        ty = &ty["ofType"];
    }
    (ty["kind"].as_str().unwrap_or_default().to_owned(), ty["name"].as_str().unwrap_or_default().to_owned())
}

/// The values the fixture gives to required arguments, by `Type.field.argument`.
pub(crate) struct Fixture {
    vin: String,
    order_id: String,
    activation_id: String,
    command_id: String,
    campaign_id: String,
    job: WorkshopJob,
}

/// The Aurora's job at the Madrid workshop.
struct WorkshopJob {
    workshop_id: String,
    service_id: String,
    booking_id: String,
    repair_order_id: String,
    link_token: String,
}

impl Fixture {
    fn argument(&self, at: &str) -> Option<String> {
        let value = match at {
            "Query.vehicle.vin"
            | "Query.expediente.vin"
            | "Query.catalog.vin"
            | "Query.activations.vin"
            | "Query.checkoutOptions.vin" => json!(self.vin).to_string(),
            "Query.order.id" => json!(self.order_id).to_string(),
            "Query.activation.id" => json!(self.activation_id).to_string(),
            "Query.vehicleCommand.id" => json!(self.command_id).to_string(),
            "Query.campaign.id" => json!(self.campaign_id).to_string(),
            "Query.notificationDeliveries.status" => "FAILED".to_owned(),
            "Query.searchVehicles.text" => json!(self.vin).to_string(),
            "Feature.prices.regionCode" => "\"DE\"".to_owned(),
            "Query.workshop.id"
            | "Query.availableSlots.workshopId"
            | "Query.assistantQuestions.workshopId"
            | "Query.assistantBudget.workshopId" => json!(self.job.workshop_id).to_string(),
            "Query.availableSlots.serviceTypeId" => json!(self.job.service_id).to_string(),
            "Query.availableSlots.from" => json!(self.day(1)).to_string(),
            "Query.availableSlots.to" => json!(self.day(10)).to_string(),
            "Query.workshopBookings.from" => json!(format!("{}T00:00:00Z", self.day(0))).to_string(),
            "Query.workshopBookings.to" => json!(format!("{}T00:00:00Z", self.day(20))).to_string(),
            "Query.booking.id" => json!(self.job.booking_id).to_string(),
            "Query.repairOrder.id" => json!(self.job.repair_order_id).to_string(),
            "Query.estimateByLink.token" => json!(self.job.link_token).to_string(),
            "Query.faultCode.code" => "\"P0301\"".to_owned(),
            "Vehicle.telemetry.signal" => "TRAVELED_DISTANCE".to_owned(),
            "Query.analytics.from" => json!(self.day(-40)).to_string(),
            "Query.analytics.to" => json!(self.day(0)).to_string(),
            "Query.supportSearch.text" => json!(self.vin).to_string(),
            "Query.timeline.of" => "VEHICLE".to_owned(),
            "Query.timeline.key" => json!(self.vin).to_string(),
            "Vehicle.telemetry.from" => json!(format!("{}T00:00:00Z", self.day(-7))).to_string(),
            "Vehicle.telemetry.to" => json!(format!("{}T00:00:00Z", self.day(1))).to_string(),
            _ => return None,
        };
        Some(value)
    }

    /// The date `days` from today, e.g. `2026-12-07`.
    fn day(&self, days: i64) -> String {
        (Utc::now().date_naive() + chrono::Duration::days(days)).to_string()
    }

    fn call(&self, ty: &str, field: &Field) -> String {
        if field.required_args.is_empty() {
            return field.name.clone();
        }
        let args: Vec<String> = field
            .required_args
            .iter()
            .map(|arg| {
                let at = format!("{ty}.{}.{arg}", field.name);
                let value = self.argument(&at).unwrap_or_else(|| panic!("no fixture value for the argument {at}"));
                format!("{arg}: {value}")
            })
            .collect();
        format!("{}({})", field.name, args.join(", "))
    }
}

/// A path from the root: the calls made, and the type it ends at.
#[derive(Clone)]
struct Path {
    calls: Vec<(String, String)>, // (response key, call)
    ends_at: String,
}

impl Path {
    fn query(&self, last: &str) -> String {
        let mut text = last.to_owned();
        for (_, call) in self.calls.iter().rev() {
            text = format!("{call} {{ {text} }}");
        }
        format!("{{ {text} }}")
    }
}

/// What a response says of the field at the end of `keys`.
fn observe(response: &Value, keys: &[String]) -> Seen {
    if let Some(errors) = response["errors"].as_array().filter(|errors| !errors.is_empty()) {
        let code = errors[0]["extensions"]["code"].as_str().unwrap_or_default();
        assert!(
            ["FORBIDDEN", "UNAUTHENTICATED", "NOT_FOUND"].contains(&code),
            "an error other than a refusal: {response:#}"
        );
        return Seen::Denied;
    }
    let mut values = vec![&response["data"]];
    for key in keys {
        values = values
            .into_iter()
            .flat_map(|value| match value {
                Value::Array(items) => items.iter().map(|item| &item[key.as_str()]).collect::<Vec<_>>(),
                other => vec![&other[key.as_str()]],
            })
            .collect();
    }
    let present = values.iter().any(|value| match value {
        Value::Null => false,
        Value::Array(items) => !items.is_empty(),
        _ => true,
    });
    if present { Seen::Allowed } else { Seen::Empty }
}

/// Which roots of `Query` a walk starts from: those aimed at the fixture's car (by an argument),
/// or those answering with the viewer's own data (`me`, `myVehicles`, `notifications`…).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Roots {
    Fixture,
    Own,
}

/// Walks the schema breadth-first as a viewer from `roots`, answering what it saw of every
/// `Type.field`.
async fn explore(
    app: &TestApp,
    schema: &Schema,
    fixture: &Fixture,
    headers: &[(&str, &str)],
    roots: Roots,
) -> HashMap<String, Seen> {
    let mut seen: HashMap<String, Seen> = HashMap::new();
    let mut frontier = vec![Path { calls: Vec::new(), ends_at: "Query".to_owned() }];
    for _ in 0..MAX_DEPTH {
        let mut probes = Vec::new();
        for path in &frontier {
            for field in &schema.objects[&path.ends_at] {
                if path.calls.is_empty() && (field.required_args.is_empty() == (roots == Roots::Fixture)) {
                    continue;
                }
                let key = format!("{}.{}", path.ends_at, field.name);
                if seen.contains_key(&key) && !field.is_object {
                    continue;
                }
                let call = fixture.call(&path.ends_at, field);
                let last = if field.is_object { format!("{call} {{ __typename }}") } else { call.clone() };
                probes.push((path.clone(), field.clone(), key, call, path.query(&last)));
            }
        }
        if probes.is_empty() {
            break;
        }
        let mut next = Vec::new();
        for chunk in probes.chunks(100) {
            let batch: Vec<Value> = chunk.iter().map(|probe| json!({ "query": probe.4 })).collect();
            let answers = batch_request(app, &batch, headers).await;
            for ((path, field, key, call, _), answer) in chunk.iter().zip(answers) {
                let mut keys: Vec<String> = path.calls.iter().map(|(key, _)| key.clone()).collect();
                keys.push(field.name.clone());
                let observed = observe(&answer, &keys);
                let entry = seen.entry(key.clone()).or_insert(observed);
                if observed == Seen::Allowed {
                    *entry = Seen::Allowed;
                }
                // Only what this role could read is explored further, each type once per depth.
                if field.is_object && observed == Seen::Allowed {
                    let mut calls = path.calls.clone();
                    calls.push((field.name.clone(), call.clone()));
                    next.push(Path { calls, ends_at: field.returns.clone() });
                }
            }
        }
        let mut expanded = BTreeSet::new();
        next.retain(|path| expanded.insert(path.ends_at.clone()));
        frontier = next;
    }
    seen
}

async fn batch_request(app: &TestApp, batch: &[Value], headers: &[(&str, &str)]) -> Vec<Value> {
    let mut request = app.client.post(format!("{}/graphql", app.address)).json(&batch);
    for (name, value) in headers {
        request = request.header(*name, *value);
    }
    let response = request.send().await.expect("request");
    assert_eq!(response.status().as_u16(), 200, "a batch was refused");
    let answers: Vec<Value> = response.json().await.expect("json");
    assert_eq!(answers.len(), batch.len());
    answers
}

/// A customer who owned the Aurora before Anna, with a purchase and its payment in its history.
/// What the former owner left in the Aurora's history: an ended purchase and a permanent feature
/// that stayed with the car, each paid by them.
struct FormerOwner {
    token: String,
    ended: Uuid,
    inherited: Uuid,
}

async fn former_owner(app: &TestApp, aurora: &vehicles::Model) -> FormerOwner {
    let db = &app.app.db;
    let anna = users::Entity::find()
        .filter(users::Column::Email.eq("customer@demo.caas"))
        .one(db)
        .await
        .expect("db")
        .expect("anna");
    let former = users::ActiveModel {
        id: Set(Uuid::now_v7()),
        email: Set("former.owner@demo.caas".into()),
        name: Set("Jonas Vormbesitzer".into()),
        created_at: Set(Utc::now()),
        ..users::ActiveModel::from(anna)
    }
    .insert(db)
    .await
    .expect("former owner");
    let ended = paid_purchase(app, aurora, &former, "PREMIUM_AUDIO", ActivationStatus::Cancelled).await;
    let inherited = paid_purchase(app, aurora, &former, "DRIVE_RECORDER", ActivationStatus::Active).await;
    let token = app.token_for("former.owner@demo.caas", PASSWORD).await;
    FormerOwner { token, ended, inherited }
}

/// A purchase of `code` by `buyer` on the car, a year ago, with its settled payment.
async fn paid_purchase(
    app: &TestApp,
    car: &vehicles::Model,
    buyer: &users::Model,
    code: &str,
    status: ActivationStatus,
) -> Uuid {
    let db = &app.app.db;
    let feature = entity::features::Entity::find().filter(entity::features::Column::Code.eq(code)).one(db).await;
    let feature = feature.expect("db").expect("feature");
    let now = Utc::now();
    let year_ago = now - chrono::Duration::days(400);
    let ended = status != ActivationStatus::Active;
    let bought = activations::ActiveModel {
        id: Set(Uuid::now_v7()),
        vehicle_id: Set(car.id),
        feature_id: Set(feature.id),
        price_id: Set(None),
        duration_kind: Set(if ended { DurationKind::Annual } else { DurationKind::Permanent }),
        duration_days: Set(0),
        status: Set(status),
        purchased_by: Set(buyer.id),
        starts_at: Set(Some(year_ago)),
        ends_at: Set(ended.then(|| now - chrono::Duration::days(35))),
        cancel_at_period_end: Set(false),
        failure_reason: Set(None),
        failure_code: Set(None),
        created_at: Set(year_ago),
        updated_at: Set(year_ago),
        billed_until: Set(None),
        unpaid_since: Set(None),
        end_reason: Set(ended.then(|| "OWNER_CHANGED".to_owned())),
    }
    .insert(db)
    .await
    .expect("purchase");
    payments::ActiveModel {
        id: Set(Uuid::now_v7()),
        kind: Set(PaymentKind::Feature),
        status: Set(PaymentStatus::Settled),
        amount_minor: Set(9_900),
        currency: Set("EUR".into()),
        payer_id: Set(buyer.id),
        order_id: Set(None),
        activation_id: Set(Some(bought.id)),
        provider_ref: Set(Some(format!("pi_former_{}", bought.id.simple()))),
        idempotency_key: Set(format!("activation:{}", bought.id)),
        failure_reason: Set(None),
        failure_code: Set(None),
        created_at: Set(year_ago),
        updated_at: Set(year_ago),
        captured_at: Set(Some(year_ago)),
        settled_at: Set(Some(year_ago)),
        payment_method: Set(None),
        method: Set(entity::PaymentMethodKind::Card),
        transfer_reference: Set(None),
        received_minor: Set(0),
    }
    .insert(db)
    .await
    .expect("payment");
    bought.id
}

/// A fleet campaign for the car, created by the admin and waiting for a second admin's approval.
async fn a_campaign_for(app: &TestApp, vin: &str) -> String {
    let admin = app.token("admin@demo.caas").await;
    let input = json!({ "input": {
        "name": "Goodwill month", "action": "ACTIVATE", "featureCode": "HEATED_SEATS", "days": 30,
        "target": { "vins": [vin] }, "ratePerMinute": 60,
        "groups": [{ "name": "pilot", "carCount": 1, "successThresholdPercent": 90, "errorThresholdPercent": 10 }],
    } });
    let created = app
        .graphql_as(&admin, "mutation($input: CreateCampaignInput!) { createCampaign(input: $input) { id } }", input)
        .await;
    created.data()["createCampaign"]["id"].as_str().expect("campaign id").to_owned()
}

/// The fixture's car: Anna's Aurora, by VIN and as stored.
async fn annas_aurora(app: &TestApp) -> (String, vehicles::Model) {
    let vin = app.vins_of("customer@demo.caas").await.remove(0);
    let aurora = vehicles::Entity::find()
        .filter(vehicles::Column::Vin.eq(&vin))
        .one(&app.app.db)
        .await
        .expect("db")
        .expect("aurora");
    (vin, aurora)
}

pub(crate) async fn fixture(app: &TestApp) -> (Fixture, Vec<(&'static str, Vec<(&'static str, String)>)>) {
    let (vin, aurora) = annas_aurora(app).await;
    let order = entity::orders::Entity::find()
        .filter(entity::orders::Column::VehicleId.eq(aurora.id))
        .one(&app.app.db)
        .await
        .expect("db")
        .expect("the Aurora's order");
    let activation = activations::Entity::find()
        .filter(activations::Column::VehicleId.eq(aurora.id))
        .filter(activations::Column::Status.eq(ActivationStatus::Active))
        .filter(activations::Column::DurationKind.eq(DurationKind::Permanent))
        .one(&app.app.db)
        .await
        .expect("db")
        .expect("a permanent feature of the Aurora");
    let former = former_owner(app, &aurora).await.token;
    link_identity(app, "customer@demo.caas").await;
    let bearer = |token: String| vec![("authorization", format!("Bearer {token}"))];
    let key = |secret: String| vec![("x-api-key", secret)];
    let viewers = vec![
        ("owner", bearer(app.token("customer@demo.caas").await)),
        ("customer", bearer(app.token("customer2@demo.caas").await)),
        ("former", bearer(former)),
        ("dealer", bearer(app.token("dealer@demo.caas").await)),
        ("other_dealer", bearer(app.token("dealer2@demo.caas").await)),
        ("workshop", bearer(app.token("workshop@demo.caas").await)),
        ("workshop_job", bearer(app.token("workshop2@demo.caas").await)),
        ("support", bearer(app.token("support@demo.caas").await)),
        ("admin", bearer(app.token("admin@demo.caas").await)),
        ("partner_veh", key(app.create_partner_key("[VEHICLES_READ]").await)),
        ("partner_cat", key(app.create_partner_key("[CATALOG_READ]").await)),
        ("partner_exp", key(app.create_partner_key("[EXPEDIENTE_READ]").await)),
        (
            "partner_all",
            key(app.create_partner_key("[VEHICLES_READ, CATALOG_READ, EXPEDIENTE_READ, TELEMETRY_READ]").await),
        ),
        ("anonymous", Vec::new()),
    ];
    let job = aurora_at_madrid(app, &vin).await;
    // The car reports a fault: it has a health alert (and the Madrid job a diagnostic draft).
    let at = chrono::Utc::now() + chrono::Duration::seconds(1);
    let reported = caas_tests::telemetry::send(app, &vin, 1, at, json!({ "Vehicle.OBD.DTCList": ["P0301"] })).await;
    assert_eq!(reported.0, 202, "{reported:?}");
    money_without_a_card(app, &vin).await;
    let command_id = locked_remotely(app, &vin).await;
    on_her_phone(app).await;
    asked_the_assistant(app, &vin, &job.workshop_id).await;
    let campaign_id = a_campaign_for(app, &vin).await;
    let fixture = Fixture {
        vin,
        order_id: order.id.to_string(),
        activation_id: activation.id.to_string(),
        command_id,
        campaign_id,
        job,
    };
    (fixture, viewers)
}

/// Anna asked the assistant about the Aurora with the Madrid workshop's FAQ: a conversation, and a
/// question the workshop sees.
async fn asked_the_assistant(app: &TestApp, vin: &str, workshop_id: &str) {
    let anna = app.token("customer@demo.caas").await;
    let ask = "mutation($vin: String!, $w: ID!) {
      askAssistant(question: \"Was bedeutet der Fehlercode P0301?\", vin: $vin, workshopId: $w) { id }
    }";
    app.graphql_as(&anna, ask, json!({ "vin": vin, "w": workshop_id })).await.data();
}

/// Anna receives notices on her phone: a push device, a phone opted in to text messages, quiet hours.
async fn on_her_phone(app: &TestApp) {
    let anna = app.token("customer@demo.caas").await;
    let key = app.graphql_as(&anna, "{ pushPublicKey }", json!({})).await.data()["pushPublicKey"].clone();
    let push = app.simulators.push.as_ref().expect("the push service simulator");
    let subscription = push.subscribe(key.as_str().expect("a key"));
    let register = "mutation($input: RegisterPushDeviceInput!) { registerPushDevice(input: $input) { id } }";
    let device = json!({ "input": {
        "endpoint": subscription.endpoint, "p256dh": subscription.p256dh, "auth": subscription.auth, "label": "Phone",
    } });
    app.graphql_as(&anna, register, device).await.data();
    let phone = "mutation { setSmsNumber(input: { phone: \"+4915112345678\", optIn: true }) { smsOptIn } }";
    app.graphql_as(&anna, phone, json!({})).await.data();
    let quiet = "mutation { setQuietHours(input: { from: \"22:00\", until: \"07:00\", timeZone: \"Europe/Berlin\" }) { smsOptIn } }";
    app.graphql_as(&anna, quiet, json!({})).await.data();
}

/// Anna locked the Aurora from her phone: a remote command, and the car's last reported state.
async fn locked_remotely(app: &TestApp, vin: &str) -> String {
    let anna = app.token("customer@demo.caas").await;
    let lock = "mutation($vin: String!) { sendVehicleCommand(input: { vin: $vin, kind: LOCK, idempotencyKey: \"matrix\" }) { id } }";
    let sent = app.graphql_as(&anna, lock, json!({ "vin": vin })).await;
    let id = sent.data()["sendVehicleCommand"]["id"].as_str().expect("id").to_owned();
    let status = "query($id: ID!) { vehicleCommand(id: $id) { status } }";
    app.eventually("the lock to reach the car", || async {
        let now = app.graphql_as(&anna, status, json!({ "id": id })).await;
        (now.data()["vehicleCommand"]["status"] == "SUCCEEDED").then_some(())
    })
    .await;
    id
}

/// Links an identity at the identity provider to the account of `email`.
async fn link_identity(app: &TestApp, email: &str) {
    let user = users::Entity::find()
        .filter(users::Column::Email.eq(email))
        .one(&app.app.db)
        .await
        .expect("db")
        .expect("the account");
    entity::user_identities::ActiveModel {
        id: Set(Uuid::now_v7()),
        user_id: Set(user.id),
        issuer: Set(app.identity().issuer()),
        subject: Set(format!("oem-{}", user.id.simple())),
        email: Set(Some(user.email.clone())),
        created_at: Set(Utc::now()),
        last_used_at: Set(None),
    }
    .insert(&app.app.db)
    .await
    .expect("an identity");
}

/// Anna redeemed a voucher (credit), bought a feature for the Aurora by bank transfer (it waits
/// with its instructions), and a transfer nobody's reference names is held for support.
async fn money_without_a_card(app: &TestApp, vin: &str) {
    let admin = app.token("admin@demo.caas").await;
    let batch = "mutation { createVoucherBatch(input: { regionCode: \"DE\", valueMinor: 1000, quantity: 1, expiresAt: \"2099-01-01T00:00:00Z\", label: \"Matrix\" }) { codes } }";
    let made = app.graphql_as(&admin, batch, json!({})).await;
    let code = made.data()["createVoucherBatch"]["codes"][0].as_str().expect("code").to_owned();
    let anna = app.token("customer@demo.caas").await;
    let redeem =
        "mutation($code: String!) { redeemVoucher(code: $code, idempotencyKey: \"matrix\") { newlyRedeemed } }";
    app.graphql_as(&anna, redeem, json!({ "code": code })).await.data();
    let buy = "mutation($vin: String!) { purchaseFeature(input: { vin: $vin, featureCode: \"LANE_KEEPING\", duration: { kind: PERMANENT }, idempotencyKey: \"matrix-transfer\", method: BANK_TRANSFER }) { id } }";
    app.graphql_as(&anna, buy, json!({ "vin": vin })).await.data();
    let gateway = app.simulators.payments.as_ref().expect("gateway");
    let stray = caas::integrations::payments::simulator::IncomingTransfer {
        reference: "RF18 5390 0754 7034".into(),
        amount: 500,
        currency: "EUR".into(),
        sender: Some("Someone".into()),
    };
    assert!(gateway.transfer_arrives(&stray).await);
}

/// Anna books the Aurora in at the Madrid workshop; it is checked in, diagnosed, and its estimate
/// sent to her: a booking, a repair order with lines, a diagnostic session and a live link.
async fn aurora_at_madrid(app: &TestApp, vin: &str) -> WorkshopJob {
    use caas_tests::workshops::{self, MADRID, add_line, book, free_slots, move_job};
    let (anna, staff) = (app.token("customer@demo.caas").await, app.token("workshop2@demo.caas").await);
    let workshop = workshops::workshop(app, &anna, MADRID).await;
    let workshop_id = workshop["id"].as_str().expect("id").to_owned();
    let service_id = workshops::service_id(&workshop, Some("INSPECTION"));
    let slot = free_slots(app, &anna, &workshop_id, &service_id, 10).await.remove(0);
    let booked =
        book(app, &anna, (&workshop_id, &service_id), vin, slot["startsAt"].as_str().expect("start"), json!({})).await;
    let booking_id = booked.data()["bookService"]["id"].as_str().expect("id").to_owned();
    let check_in = "mutation($b: ID!) { checkInVehicle(input: { bookingId: $b, odometerKm: 12500 }) { id } }";
    let checked_in = app.graphql_as(&staff, check_in, json!({ "b": booking_id })).await;
    let repair_order_id = checked_in.data()["checkInVehicle"]["id"].as_str().expect("id").to_owned();
    let diagnose = "mutation($id: ID!) { recordDiagnosticSession(repairOrderId: $id, input: { sessionType: OBD2, faultCodes: [\"P0420\"] }) { id } }";
    app.graphql_as(&staff, diagnose, json!({ "id": repair_order_id })).await.data();
    move_job(app, &staff, &repair_order_id, "INSPECTED").await;
    let line = json!({ "kind": "LABOUR", "description": "Catalizador", "quantity": 2, "unitNetMinor": 9000 });
    add_line(app, &staff, &repair_order_id, line).await;
    move_job(app, &staff, &repair_order_id, "ESTIMATED").await;
    let mail = app.email("customer@demo.caas", "Ihr Kostenvoranschlag von Taller Madrid Norte").await;
    let link = mail.body.split_whitespace().find(|word| word.contains("/estimate?token=")).expect("link");
    let link_token = link.split("token=").nth(1).expect("token").to_owned();
    WorkshopJob { workshop_id, service_id, booking_id, repair_order_id, link_token }
}

#[tokio::test]
async fn every_field_of_the_schema_is_read_only_by_the_roles_its_row_allows() {
    let app = spawn_app().await;
    let schema = Schema::read(&app).await;
    let (fixture, viewers) = fixture(&app).await;
    assert_eq!(viewers.iter().map(|(role, _)| *role).collect::<Vec<_>>(), ROLES);
    let mut observed: BTreeMap<String, String> = BTreeMap::new();
    let fields = schema.every_field();
    for (index, (_, headers)) in viewers.iter().enumerate() {
        let headers: Vec<(&str, &str)> = headers.iter().map(|(name, value)| (*name, value.as_str())).collect();
        // What the viewer reads of the fixture's car decides; a field that no walk from there
        // reached is judged by what the viewer reads of its own.
        let mut seen = explore(&app, &schema, &fixture, &headers, Roots::Own).await;
        seen.extend(explore(&app, &schema, &fixture, &headers, Roots::Fixture).await);
        for field in &fields {
            let mark = match seen.get(field) {
                Some(Seen::Allowed) => 'y',
                Some(Seen::Empty) => 'e',
                Some(Seen::Denied) => '-',
                None => '.',
            };
            observed
                .entry(field.clone())
                .or_insert_with(|| " ".repeat(ROLES.len()))
                .replace_range(index..=index, &mark.to_string());
        }
    }
    if std::env::var("ACCESS_MATRIX_PRINT").is_ok() {
        for (field, marks) in &observed {
            println!("    (\"{field}\", \"{marks}\"),");
        }
    }
    let table: HashMap<&str, &str> = TABLE.iter().copied().collect();
    let mut problems = Vec::new();
    for (field, marks) in &observed {
        let Some(expected) = table.get(field.as_str()) else {
            problems.push(format!("{field} has no row in the access matrix (observed {marks})"));
            continue;
        };
        for ((role, want), got) in ROLES.iter().zip(expected.chars()).zip(marks.chars()) {
            match (want, got) {
                ('-', 'y') => problems.push(format!("{field}: {role} read it but must not")),
                ('y', '-') => problems.push(format!("{field}: {role} was refused but may read it")),
                _ => {}
            }
        }
    }
    for field in table.keys() {
        if !observed.contains_key(*field) {
            problems.push(format!("{field} is in the table but not in the schema"));
        }
    }
    assert!(problems.is_empty(), "{} problems:\n{}", problems.len(), problems.join("\n"));
}

#[tokio::test]
async fn a_new_owner_sees_the_cars_live_features_but_not_the_former_owners_purchases_or_payments() {
    let app = spawn_app().await;
    let (vin, aurora) = annas_aurora(&app).await;
    let former = former_owner(&app, &aurora).await;
    let (ended, inherited) = (former.ended.to_string(), former.inherited.to_string());
    let anna = app.token("customer@demo.caas").await;
    let query = "query($vin: String!) { \
        vehicle(vin: $vin) { activations { id payments { id } } } \
        expediente(vin: $vin) { activations { edges { node { id payments { id } } } } } \
        activations(vin: $vin) { edges { node { id } } } }";
    let answer = app.graphql_as(&anna, query, json!({ "vin": vin })).await;
    let data = answer.data();
    let lists = [
        data["vehicle"]["activations"].as_array().expect("list").clone(),
        data["expediente"]["activations"]["edges"]
            .as_array()
            .expect("edges")
            .iter()
            .map(|e| e["node"].clone())
            .collect(),
        data["activations"]["edges"].as_array().expect("edges").iter().map(|e| e["node"].clone()).collect(),
    ];
    for list in &lists {
        let ids: Vec<&str> = list.iter().map(|activation| activation["id"].as_str().expect("id")).collect();
        assert!(!ids.contains(&ended.as_str()), "the former owner's purchase is shown to the new owner: {ids:?}");
        assert!(ids.contains(&inherited.as_str()), "the feature that stayed with the car is missing: {ids:?}");
    }
    // The feature is hers to use, its payment is not hers to see.
    let inherited_payments =
        lists[0].iter().find(|activation| activation["id"] == inherited.as_str()).expect("inherited");
    assert_eq!(inherited_payments["payments"], json!([]));
    app.graphql_as(&anna, "query($id: ID!) { activation(id: $id) { id } }", json!({ "id": ended }))
        .await
        .expect_error("FORBIDDEN");
    // The former owner keeps nothing of the car: not its data, not its history.
    for root in ["vehicle(vin: $vin) { vin }", "expediente(vin: $vin) { vehicle { vin } }"] {
        let query = format!("query($vin: String!) {{ {root} }}");
        app.graphql_as(&former.token, &query, json!({ "vin": vin })).await.expect_error("FORBIDDEN");
    }
}
