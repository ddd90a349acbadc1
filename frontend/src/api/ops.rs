//! The typed GraphQL operations, generated from the `graphql/*.graphql` files and checked against
//! the server's `schema.graphql` at build time.

#![allow(missing_docs, non_camel_case_types, dead_code, clippy::all)]

use graphql_client::GraphQLQuery;
use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

/// An enum of the API: its value as the API spells it.
pub trait ApiEnum {
    /// e.g. `IN_PRODUCTION`.
    fn as_str(&self) -> &'static str;
}

// The API's enums, defined once and shared by every operation (generated per operation they would
// be repeated dozens of times in the app's download). A value this app does not know yet reads as
// `OTHER`.
macro_rules! api_enums {
    ($($name:ident { $($value:ident),* $(,)? }),* $(,)?) => {
        $(
            #[derive(Clone, Copy, Debug, PartialEq, Eq)]
            pub enum $name { $($value,)* OTHER }

            impl $name {
                /// The value named `text` (`OTHER` when there is none).
                pub fn from_name(text: &str) -> Self {
                    match text { $(stringify!($value) => Self::$value,)* _ => Self::OTHER }
                }
            }

            impl ApiEnum for $name {
                fn as_str(&self) -> &'static str {
                    match self { $(Self::$value => stringify!($value),)* Self::OTHER => "OTHER" }
                }
            }

            impl Serialize for $name {
                fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serializer.serialize_str(self.as_str())
                }
            }

            impl<'de> Deserialize<'de> for $name {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    Ok(Self::from_name(&String::deserialize(deserializer)?))
                }
            }
        )*
    };
}

api_enums! {
    ActivationPhase { ACTIVE, DEACTIVATING, ENDED, FAILED, QUEUED, RETRY_SCHEDULED, SENDING },
    ActivationStatus { ACTIVATING, ACTIVE, CANCELLED, DEACTIVATING, EXPIRED, FAILED, PENDING },
    AssistantAnswerMode { DECLINED, MODEL, RETRIEVAL },
    AssistantOffer { BOOK_SERVICE, CONTACT_WORKSHOP },
    AssistantSourceKind { CAR_DATA, FAQ },
    AssistantTurnStatus { ANSWERING, DONE },
    BookingStatus { CANCELLED, CHECKED_IN, COMPLETED, CONFIRMED, NO_SHOW, REQUESTED },
    DiagnosticType { OBD2, TEST_DRIVE, VISUAL },
    DurationKind { ANNUAL, FIXED_DAYS, MONTHLY, PERMANENT, TRIAL },
    ExportStatus { EXPIRED, PENDING, READY },
    HealthAlertKind { BATTERY_LOW, FAULT_CODE, SERVICE_DUE, SILENT },
    InvoiceKind { CREDIT_NOTE, INVOICE },
    Locale { DE, EN, ES },
    MaintenanceKind { BATTERY, BRAKES, INSPECTION, OIL_SERVICE, REPAIR, TYRES },
    MaintenanceState { DUE, OVERDUE, UP_TO_DATE },
    NotificationChannel { EMAIL, IN_APP, IN_CAR, PUSH, SMS },
    NotificationKind { ACTIVATION_RESULT, BILLING, HEALTH_ALERTS, OFFERS, ORDER_PROGRESS, REMINDERS, SECURITY },
    NotificationStatus { FAILED, PENDING, SENT },
    OrderStatus { ASSEMBLY, AWAITING_RESERVATION, CANCELLED, DELIVERED, IN_PRODUCTION, ORDERED, PAID, PAINTING, QUALITY_CHECK, READY, REGISTERED, SHIPPED },
    PaymentKind { FEATURE, FINAL, RESERVATION, SUBSCRIPTION_PERIOD },
    PaymentMethodKind { BANK_TRANSFER, CARD, CREDIT, SEPA_DEBIT },
    PaymentStatus { AUTHORIZED, CAPTURED, FAILED, PENDING, REFUNDED, SETTLED, VOIDED },
    Powertrain { COMBUSTION, ELECTRIC, PLUG_IN_HYBRID },
    RepairLineKind { LABOUR, PART },
    RepairLineStatus { APPROVED, DECLINED, PROPOSED },
    RepairOrderStatus { APPROVED, CANCELLED, CHECKED_IN, CLOSED, ESTIMATED, INSPECTED, INVOICED, IN_PROGRESS, READY },
    ResourceKind { BAY, LIFT, LOAN_CAR },
    Role { ADMIN, CUSTOMER, DEALER, SUPPORT, WORKSHOP },
    Scope { CATALOG_READ, EXPEDIENTE_READ, TELEMETRY_READ, VEHICLES_READ },
    TelemetryResolution { HOUR, RAW },
    TicketStatus { OPEN, RESOLVED },
    TimelineOf { USER, VEHICLE },
    UserActionKind { ACTION, PAGE },
    VehicleCommandKind { CHARGE_START, CHARGE_STOP, CLIMATE_OFF, CLIMATE_ON, FLASH_LIGHTS, LOCK, UNLOCK },
    VehicleCommandStatus { FAILED, QUEUED, SENDING, SUCCEEDED },
    VehicleStatus { ASSIGNED, DELIVERED, IN_STOCK, RESERVED },
    Weekday { FRIDAY, MONDAY, SATURDAY, SUNDAY, THURSDAY, TUESDAY, WEDNESDAY },
}

/// GraphQL `DateTime`: RFC 3339 text.
pub type DateTime = String;
/// GraphQL `NaiveDate`: `YYYY-MM-DD`.
pub type NaiveDate = String;
/// GraphQL `JSON`.
pub type JSON = serde_json::Value;

// One file per operation: each request sends only its own operation's text.
macro_rules! operations {
    ($($name:ident => $path:tt),* $(,)?) => {
        $(
            #[derive(GraphQLQuery)]
            #[graphql(
                schema_path = "../schema.graphql",
                query_path = $path,
                response_derives = "Clone, PartialEq",
                extern_enums("ActivationPhase", "ActivationStatus", "AssistantAnswerMode", "AssistantOffer", "AssistantSourceKind", "AssistantTurnStatus", "BookingStatus", "DiagnosticType", "DurationKind", "ExportStatus", "HealthAlertKind", "InvoiceKind", "Locale", "MaintenanceKind", "MaintenanceState", "NotificationChannel", "NotificationKind", "NotificationStatus", "OrderStatus", "PaymentKind", "PaymentMethodKind", "PaymentStatus", "Powertrain", "RepairLineKind", "RepairLineStatus", "RepairOrderStatus", "ResourceKind", "Role", "Scope", "TelemetryResolution", "TicketStatus", "TimelineOf", "UserActionKind", "VehicleCommandKind", "VehicleCommandStatus", "VehicleStatus", "Weekday")
            )]
            pub struct $name;
        )*
    };
}

// Answers are shared, not copied: `Clone` and `PartialEq` are there for the few parts handed to
// child components (impls never called cost nothing in the download).
operations!(
    Catalog => "graphql/catalog.graphql",
    AdminFeatures => "graphql/admin_features.graphql",
    Login => "graphql/login.graphql",
    RefreshSession => "graphql/refresh_session.graphql",
    SetPassword => "graphql/set_password.graphql",
    IdentityProvider => "graphql/identity_provider.graphql",
    CompleteOidcSignIn => "graphql/complete_oidc_sign_in.graphql",
    LinkOidcIdentity => "graphql/link_oidc_identity.graphql",
    SendOidcLinkEmail => "graphql/send_oidc_link_email.graphql",
    ConfirmOidcLink => "graphql/confirm_oidc_link.graphql",
    Logout => "graphql/logout.graphql",
    Me => "graphql/me.graphql",
    Dashboard => "graphql/dashboard.graphql",
    PurchaseFeature => "graphql/purchase_feature.graphql",
    StartTrial => "graphql/start_trial.graphql",
    CancelActivation => "graphql/cancel_activation.graphql",
    ActivationDetail => "graphql/activation_detail.graphql",
    Orders => "graphql/orders.graphql",
    OrderDetail => "graphql/order_detail.graphql",
    Expediente => "graphql/expediente.graphql",
    Notifications => "graphql/notifications.graphql",
    MarkAllRead => "graphql/mark_all_read.graphql",
    Regions => "graphql/regions.graphql",
    UpdateProfile => "graphql/update_profile.graphql",
    RegisterSale => "graphql/register_sale.graphql",
    RecordPayment => "graphql/record_payment.graphql",
    MarkDelivered => "graphql/mark_delivered.graphql",
    CancelOrder => "graphql/cancel_order.graphql",
    Models => "graphql/models.graphql",
    Stock => "graphql/stock.graphql",
    SupportTickets => "graphql/support_tickets.graphql",
    RetryActivation => "graphql/retry_activation.graphql",
    RefundPayment => "graphql/refund_payment.graphql",
    SetPrice => "graphql/set_price.graphql",
    ActivationProgress => "graphql/activation_progress.graphql",
    OrderProgress => "graphql/order_progress.graphql",
    NewNotifications => "graphql/new_notifications.graphql",
    ResolveTicket => "graphql/resolve_ticket.graphql",
    RequestPasswordReset => "graphql/request_password_reset.graphql",
    ChangePassword => "graphql/change_password.graphql",
    Workshops => "graphql/workshops.graphql",
    AvailableSlots => "graphql/available_slots.graphql",
    BookService => "graphql/book_service.graphql",
    MyBookings => "graphql/my_bookings.graphql",
    CancelBooking => "graphql/cancel_booking.graphql",
    RepairOrder => "graphql/repair_order.graphql",
    RepairOrderProgress => "graphql/repair_order_progress.graphql",
    DecideEstimate => "graphql/decide_estimate.graphql",
    EstimateByLink => "graphql/estimate_by_link.graphql",
    DecideEstimateByLink => "graphql/decide_estimate_by_link.graphql",
    VehicleHealth => "graphql/vehicle_health.graphql",
    VehicleTelemetry => "graphql/vehicle_telemetry.graphql",
    Privacy => "graphql/privacy.graphql",
    RequestDataExport => "graphql/request_data_export.graphql",
    RequestAccountErasure => "graphql/request_account_erasure.graphql",
    CancelAccountErasure => "graphql/cancel_account_erasure.graphql",
    Consents => "graphql/consents.graphql",
    GrantVehicleAccess => "graphql/grant_vehicle_access.graphql",
    RevokeVehicleAccess => "graphql/revoke_vehicle_access.graphql",
    RecordUserActions => "graphql/record_user_actions.graphql",
    CheckoutOptions => "graphql/checkout_options.graphql",
    MyCredit => "graphql/my_credit.graphql",
    RedeemVoucher => "graphql/redeem_voucher.graphql",
    SetUpSepaMandate => "graphql/set_up_sepa_mandate.graphql",
    SendVehicleCommand => "graphql/send_vehicle_command.graphql",
    VehicleCommandProgress => "graphql/vehicle_command_progress.graphql",
);

// The notification settings, a page of the second bundle.
#[cfg(feature = "more")]
operations!(
    RegisterPushDevice => "graphql/register_push_device.graphql",
    RemovePushDevice => "graphql/remove_push_device.graphql",
    NotificationPreferences => "graphql/notification_preferences.graphql",
    SetNotificationPreference => "graphql/set_notification_preference.graphql",
    SetQuietHours => "graphql/set_quiet_hours.graphql",
    SetSmsNumber => "graphql/set_sms_number.graphql",
);

// The assistant's chat panel and the help page (the platform FAQ), in the second bundle.
#[cfg(feature = "more")]
operations!(
    AskAssistant => "graphql/ask_assistant.graphql",
    AssistantAnswer => "graphql/assistant_answer.graphql",
    AssistantConversations => "graphql/assistant_conversations.graphql",
    DeleteAssistantConversation => "graphql/delete_assistant_conversation.graphql",
    FaqEntries => "graphql/faq_entries.graphql",
    WorkshopContacts => "graphql/workshop_contacts.graphql",
);

// The workshop's own operations, only in the staff app.
#[cfg(feature = "staff")]
operations!(
    MyWorkshop => "graphql/my_workshop.graphql",
    WorkshopBookings => "graphql/workshop_bookings.graphql",
    ConfirmBooking => "graphql/confirm_booking.graphql",
    MarkNoShow => "graphql/mark_no_show.graphql",
    CheckInVehicle => "graphql/check_in_vehicle.graphql",
    RepairOrders => "graphql/repair_orders.graphql",
    MoveRepairOrder => "graphql/move_repair_order.graphql",
    AddRepairOrderLine => "graphql/add_repair_order_line.graphql",
    RemoveRepairOrderLine => "graphql/remove_repair_order_line.graphql",
    RecordDiagnosticSession => "graphql/record_diagnostic_session.graphql",
    FaultCode => "graphql/fault_code.graphql",
    SetOpeningHours => "graphql/set_opening_hours.graphql",
    SetClosedDay => "graphql/set_closed_day.graphql",
    SaveWorkshopResource => "graphql/save_workshop_resource.graphql",
    SaveServiceType => "graphql/save_service_type.graphql",
    CreateFaqEntry => "graphql/create_faq_entry.graphql",
    UpdateFaqEntry => "graphql/update_faq_entry.graphql",
    DeleteFaqEntry => "graphql/delete_faq_entry.graphql",
    AssistantQuestions => "graphql/assistant_questions.graphql",
);

// Administration and support, only in the staff app.
#[cfg(feature = "staff")]
operations!(
    CreateFeature => "graphql/create_feature.graphql",
    UpdateFeature => "graphql/update_feature.graphql",
    RetireFeature => "graphql/retire_feature.graphql",
    RemovePrice => "graphql/remove_price.graphql",
    Users => "graphql/users.graphql",
    InviteStaff => "graphql/invite_staff.graphql",
    Dealerships => "graphql/dealerships.graphql",
    ChangeUserRole => "graphql/change_user_role.graphql",
    DisableUser => "graphql/disable_user.graphql",
    EnableUser => "graphql/enable_user.graphql",
    Partners => "graphql/partners.graphql",
    CreatePartner => "graphql/create_partner.graphql",
    CreateApiKey => "graphql/create_api_key.graphql",
    RevokeApiKey => "graphql/revoke_api_key.graphql",
    SupportSearch => "graphql/support_search.graphql",
    Timeline => "graphql/timeline.graphql",
    VehicleFeatures => "graphql/vehicle_features.graphql",
    SwitchFeature => "graphql/switch_feature.graphql",
    FailedDeliveries => "graphql/failed_deliveries.graphql",
    ResendEmail => "graphql/resend_email.graphql",
    AssignTicket => "graphql/assign_ticket.graphql",
    CommentTicket => "graphql/comment_ticket.graphql",
    Analytics => "graphql/analytics.graphql",
);
