//! The access policy: who may see which row, at which level. Every resolver and service that
//! reaches personal data, a vehicle's history or money asks here, so each rule is written once.
//!
//! The rules, by role:
//! - a customer sees the vehicles they own now, their own purchases and payments (also of a car
//!   they sold), their orders and invoices; on a car they bought second-hand, the features that
//!   are live on it, never the previous owner's purchases or payments;
//! - a dealer sees the vehicles their dealership holds or sold, with their history, the orders of
//!   their dealership, the car payments of those orders and their invoices, never feature payments;
//! - a workshop sees any vehicle's technical data (a car can arrive at any workshop); while the car
//!   has a booking or an open repair order there (the customer's booking is their consent), also
//!   what the job needs: its owner, its maintenance and diagnostics — never its purchases, sales,
//!   payments or other sellers' invoices; its own bookings, repair orders and invoices;
//! - support and admins see everything;
//! - a partner sees the vehicles granted to it, with the scope the field guard checks, the current
//!   owner's history, no personal data and no money;
//! - only a car's owner controls it remotely (lock, climate, charging) and sees the commands they
//!   sent and the car's lock, climate and charging state; support and admins see them, and send
//!   none.

use entity::{
    ActivationStatus, BookingStatus, PaymentKind, RepairOrderStatus, Role, activations, bookings, invoices, orders,
    partner_vehicle_grants, payments, repair_orders, users, vehicle_commands, vehicles,
};
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use crate::app::App;
use crate::auth::{PartnerViewer, Scope, UserViewer, Viewer};
use crate::error::{ApiError, ApiResult};

/// How much of a vehicle a viewer asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Access {
    /// Its identity and technical data: VIN, model, firmware, status.
    Basic,
    /// Its history too (the expediente): orders, activations, maintenance, invoices.
    History,
    /// What the car reports of itself (mileage, battery, fault codes over time) and its health
    /// alerts: the owner's data — the dealership sees it only while the car is its stock.
    Telemetry,
}

/// Statuses in which a feature is bought and not over — on, or being switched on or off in the
/// car: the car's state, which a new owner inherits, as opposed to a past purchase.
pub const LIVE_STATUSES: [ActivationStatus; 4] =
    [ActivationStatus::Pending, ActivationStatus::Activating, ActivationStatus::Active, ActivationStatus::Deactivating];

/// Whether `viewer` may see the identities at the OpenID Connect provider linked to the account
/// `user_id`: its owner, support and admins.
pub fn linked_identities(viewer: &Viewer, user_id: Uuid) -> bool {
    match viewer {
        Viewer::User(user) => user.id == user_id || matches!(user.role, Role::Support | Role::Admin),
        _ => false,
    }
}

/// Checks that `viewer` may see `vehicle` at the given level.
pub async fn vehicle(app: &App, viewer: &Viewer, vehicle: &vehicles::Model, access: Access) -> ApiResult<()> {
    let allowed = match viewer {
        Viewer::Anonymous => return Err(ApiError::Unauthenticated("sign in first".into())),
        Viewer::User(user) => match user.role {
            Role::Customer => vehicle.owner_id == Some(user.id),
            Role::Dealer => {
                of_dealership(user, vehicle.dealership_id)
                    && (access != Access::Telemetry || vehicle.owner_id.is_none())
            }
            Role::Workshop => access == Access::Basic || works_on(app, user, vehicle.id).await?,
            Role::Support | Role::Admin => true,
        },
        Viewer::Partner(partner) => partner_may_read(app, partner, vehicle, access).await?,
    };
    if allowed { Ok(()) } else { Err(ApiError::Forbidden("this vehicle is outside your scope".into())) }
}

/// The scope a partner needs, on its key and in the owner's grant, to read a car's history or its
/// telemetry: the owner consented to that, not to more. Its basic record (model, firmware, status)
/// comes with any grant, to any key.
fn scope_for(access: Access) -> Option<Scope> {
    match access {
        Access::Basic => None,
        Access::History => Some(Scope::ExpedienteRead),
        Access::Telemetry => Some(Scope::TelemetryRead),
    }
}

/// Whether `viewer` may send remote commands to `vehicle`: its owner only. Unlocking a car is not
/// something staff, a dealer, a workshop or a partner does in the owner's name.
pub fn control_vehicle(viewer: &Viewer, vehicle: &vehicles::Model) -> ApiResult<()> {
    match viewer {
        Viewer::Anonymous => Err(ApiError::Unauthenticated("sign in first".into())),
        Viewer::User(user) if user.role == Role::Customer && vehicle.owner_id == Some(user.id) => Ok(()),
        _ => Err(ApiError::Forbidden("only the car's owner controls it remotely".into())),
    }
}

/// Whether `viewer` may see what a car last reported of its locks, climate and charging: its
/// owner, support and admins — whether a car stands unlocked is nobody else's business.
pub fn see_remote_state(viewer: &Viewer, vehicle: &vehicles::Model) -> bool {
    match viewer {
        Viewer::User(user) => match user.role {
            Role::Customer => vehicle.owner_id == Some(user.id),
            Role::Support | Role::Admin => true,
            Role::Dealer | Role::Workshop => false,
        },
        _ => false,
    }
}

/// Whether `viewer` may see a remote command: the owner who sent it (while the car is theirs),
/// support and admins.
pub fn see_vehicle_command(viewer: &Viewer, command: &vehicle_commands::Model, vehicle: &vehicles::Model) -> bool {
    let a_customers_own = match viewer {
        Viewer::User(user) if user.role == Role::Customer => command.requested_by == user.id,
        _ => true,
    };
    a_customers_own && see_remote_state(viewer, vehicle)
}

/// Whether the partner's key and the car's grant (its owner's consent) both allow `access`.
async fn partner_may_read(
    app: &App,
    partner: &PartnerViewer,
    vehicle: &vehicles::Model,
    access: Access,
) -> ApiResult<bool> {
    let needed = scope_for(access);
    let key_allows = match needed {
        Some(scope) => partner.scopes.contains(&scope),
        None => !partner.scopes.is_empty(),
    };
    if !key_allows {
        return Ok(false);
    }
    let grant = partner_vehicle_grants::Entity::find_by_id((partner.partner_id, vehicle.id)).one(&app.db).await?;
    Ok(grant.is_some_and(|grant| needed.is_none_or(|scope| grant_scopes(&grant).contains(&scope))))
}

/// The scopes a stored grant gives.
pub fn grant_scopes(grant: &partner_vehicle_grants::Model) -> Vec<Scope> {
    grant.scopes.split(',').filter_map(Scope::parse).collect()
}

/// Whether `viewer` may give partners access to `vehicle` or take it back: its owner, and nobody
/// else — consent is the owner's.
pub fn may_consent(viewer: &Viewer, vehicle: &vehicles::Model) -> bool {
    matches!(viewer, Viewer::User(user) if user.role == Role::Customer && vehicle.owner_id == Some(user.id))
}

fn of_dealership(user: &UserViewer, dealership_id: Option<uuid::Uuid>) -> bool {
    user.dealership_id.is_some() && user.dealership_id == dealership_id
}

/// Whether `viewer` may see who owns `vehicle` (personal data): the owner, the dealership that
/// holds or sold it, a workshop working on it, platform staff.
pub async fn vehicle_owner(app: &App, viewer: &Viewer, vehicle: &vehicles::Model) -> ApiResult<bool> {
    Ok(match viewer {
        Viewer::User(user) => match user.role {
            Role::Customer => vehicle.owner_id == Some(user.id),
            Role::Dealer => of_dealership(user, vehicle.dealership_id),
            Role::Support | Role::Admin => true,
            Role::Workshop => works_on(app, user, vehicle.id).await?,
        },
        _ => false,
    })
}

/// Bookings during which the workshop works on the car.
const BOOKED: [BookingStatus; 3] = [BookingStatus::Requested, BookingStatus::Confirmed, BookingStatus::CheckedIn];
/// Repair orders that are over.
const JOB_OVER: [RepairOrderStatus; 2] = [RepairOrderStatus::Closed, RepairOrderStatus::Cancelled];

/// Whether the workshop of `user` works on `vehicle_id` now: a booking of the car there that is not
/// over, or a repair order not closed. The customer's booking is their consent.
async fn works_on(app: &App, user: &UserViewer, vehicle_id: Uuid) -> ApiResult<bool> {
    let Some(workshop_id) = user.workshop_id else { return Ok(false) };
    let booked = bookings::Entity::find()
        .filter(bookings::Column::WorkshopId.eq(workshop_id))
        .filter(bookings::Column::VehicleId.eq(vehicle_id))
        .filter(bookings::Column::Status.is_in(BOOKED))
        .count(&app.db)
        .await?;
    if booked > 0 {
        return Ok(true);
    }
    let open = repair_orders::Entity::find()
        .filter(repair_orders::Column::WorkshopId.eq(workshop_id))
        .filter(repair_orders::Column::VehicleId.eq(vehicle_id))
        .filter(repair_orders::Column::Status.is_not_in(JOB_OVER))
        .count(&app.db)
        .await?;
    Ok(open > 0)
}

/// Whether `viewer` may see the diagnostic sessions of a vehicle whose history they may see: its
/// owner, a workshop working on it, platform staff — not the selling dealership, not partners.
pub fn diagnostics(viewer: &Viewer) -> bool {
    matches!(viewer, Viewer::User(user) if user.role != Role::Dealer)
}

/// Whether `viewer` may see `booking`: the customer it is for, its workshop's staff, platform staff.
pub fn booking(viewer: &Viewer, booking: &bookings::Model) -> bool {
    match viewer {
        Viewer::User(user) => match user.role {
            Role::Customer => booking.customer_id == Some(user.id),
            Role::Workshop => user.workshop_id == Some(booking.workshop_id),
            Role::Support | Role::Admin => true,
            Role::Dealer => false,
        },
        _ => false,
    }
}

/// Whether `viewer` may see `job` (a repair order, with its estimate and invoice): its customer,
/// its workshop's staff, platform staff.
pub fn repair_order(viewer: &Viewer, job: &repair_orders::Model) -> bool {
    match viewer {
        Viewer::User(user) => match user.role {
            Role::Customer => job.customer_id == Some(user.id),
            Role::Workshop => user.workshop_id == Some(job.workshop_id),
            Role::Support | Role::Admin => true,
            Role::Dealer => false,
        },
        _ => false,
    }
}

/// Checks that `viewer` may see `job`.
pub fn ensure_repair_order(viewer: &Viewer, job: &repair_orders::Model) -> ApiResult<()> {
    viewer.user()?;
    if repair_order(viewer, job) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("this repair order is outside your scope".into()))
    }
}

/// The staff member of workshop `workshop_id` acting on its bookings and repair orders.
pub fn workshop_staff(viewer: &Viewer, workshop_id: Uuid) -> ApiResult<&UserViewer> {
    let staff = viewer.user_with_role(&[Role::Workshop])?;
    if staff.workshop_id == Some(workshop_id) {
        Ok(staff)
    } else {
        Err(ApiError::Forbidden("this belongs to another workshop".into()))
    }
}

/// Who may set workshop `workshop_id` up (resources, hours, services, prices): its administrators
/// and platform admins.
pub async fn workshop_admin<'a>(app: &App, viewer: &'a Viewer, workshop_id: Uuid) -> ApiResult<&'a UserViewer> {
    let user = viewer.user_with_role(&[Role::Workshop, Role::Admin])?;
    if user.role == Role::Admin {
        return Ok(user);
    }
    let row = users::Entity::find_by_id(user.id).one(&app.db).await?;
    if user.workshop_id == Some(workshop_id) && row.is_some_and(|row| row.workshop_admin) {
        Ok(user)
    } else {
        Err(ApiError::Forbidden("only the workshop's administrators set it up".into()))
    }
}

/// Whether `viewer` may see `activation` of `vehicle`: the buyer always; others who may see the
/// vehicle's history only while it belongs to the current ownership (bought by the current owner,
/// or live in the car), so a resale never shows one owner's purchases to the next.
pub fn activation(viewer: &Viewer, activation: &activations::Model, vehicle: &vehicles::Model) -> bool {
    let current_ownership =
        LIVE_STATUSES.contains(&activation.status) || Some(activation.purchased_by) == vehicle.owner_id;
    match viewer {
        Viewer::Anonymous => false,
        Viewer::User(user) => match user.role {
            Role::Customer => {
                activation.purchased_by == user.id || (vehicle.owner_id == Some(user.id) && current_ownership)
            }
            Role::Dealer => of_dealership(user, vehicle.dealership_id) && current_ownership,
            Role::Workshop => false,
            Role::Support | Role::Admin => true,
        },
        // Partners reach activations only through vehicles granted to them.
        Viewer::Partner(_) => current_ownership,
    }
}

/// Checks that `viewer` may read `activation` on its own: the buyer may (also once the car is
/// sold); anyone else needs the vehicle's history and the activation's current ownership.
pub async fn ensure_activation(
    app: &App,
    viewer: &Viewer,
    activation: &activations::Model,
    vehicle: &vehicles::Model,
) -> ApiResult<()> {
    let buyer = matches!(viewer, Viewer::User(user) if user.id == activation.purchased_by);
    if !buyer {
        self::vehicle(app, viewer, vehicle, Access::History).await?;
    }
    if self::activation(viewer, activation, vehicle) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("this activation belongs to an earlier owner of the vehicle".into()))
    }
}

/// Whether `viewer` may see `payment` (money): the payer, platform staff, and the selling
/// dealership for the car payments of its orders (the caller has checked the order).
pub fn payment(viewer: &Viewer, payment: &payments::Model) -> bool {
    match viewer {
        Viewer::User(user) => match user.role {
            Role::Customer => payment.payer_id == user.id,
            Role::Dealer => matches!(payment.kind, PaymentKind::Reservation | PaymentKind::Final),
            Role::Support | Role::Admin => true,
            Role::Workshop => false,
        },
        _ => false,
    }
}

/// Whether `viewer` may see the invoice and credit notes of `payment`: whoever may see the
/// payment (the payer, platform staff, the selling dealership for a sale's payments).
pub fn payment_invoices(viewer: &Viewer, payment: &payments::Model) -> bool {
    self::payment(viewer, payment)
}

/// Whether `viewer` may see `order`: its customer, its dealership's staff, platform staff.
pub fn order(viewer: &Viewer, order: &orders::Model) -> bool {
    match viewer {
        Viewer::User(user) => match user.role {
            Role::Customer => order.customer_id == user.id,
            Role::Dealer => user.dealership_id == Some(order.dealership_id),
            Role::Support | Role::Admin => true,
            Role::Workshop => false,
        },
        _ => false,
    }
}

/// Checks that `viewer` may see `order`.
pub fn ensure_order(viewer: &Viewer, order: &orders::Model) -> ApiResult<()> {
    viewer.user()?;
    if self::order(viewer, order) {
        Ok(())
    } else {
        Err(ApiError::Forbidden("this order is outside your scope".into()))
    }
}

/// The dealer who may act on `order`: staff of its dealership only.
pub fn order_manager<'a>(viewer: &'a Viewer, order: &orders::Model) -> ApiResult<&'a UserViewer> {
    let dealer = viewer.user_with_role(&[Role::Dealer])?;
    if dealer.dealership_id == Some(order.dealership_id) {
        Ok(dealer)
    } else {
        Err(ApiError::Forbidden("this order belongs to another dealership".into()))
    }
}

/// Checks that `viewer` may see the invoices of sale `order`: those who see the sale — its buyer,
/// its dealership's staff (they sold the car), platform staff.
pub fn ensure_sale_invoices(viewer: &Viewer, order: &orders::Model) -> ApiResult<()> {
    ensure_order(viewer, order)
}

/// Whether `viewer` may see `invoice` on its own: the customer billed, the workshop that issued it,
/// and platform staff (a dealership sees the invoices of its sales through the sale,
/// [`ensure_sale_invoices`]).
pub fn invoice(viewer: &Viewer, invoice: &invoices::Model) -> bool {
    match viewer {
        Viewer::User(user) => match user.role {
            Role::Customer => invoice.customer_id == user.id,
            Role::Workshop => user.workshop_id.is_some() && user.workshop_id == invoice.workshop_id,
            Role::Support | Role::Admin => true,
            Role::Dealer => false,
        },
        _ => false,
    }
}

/// Whether `viewer` may edit the FAQ of `workshop_id` (`None`: the platform's): the workshop's own
/// staff edit theirs, admins every FAQ.
pub fn edit_faq(viewer: &Viewer, workshop_id: Option<Uuid>) -> bool {
    match viewer {
        Viewer::User(user) => {
            user.role == Role::Admin
                || (user.role == Role::Workshop && workshop_id.is_some() && user.workshop_id == workshop_id)
        }
        _ => false,
    }
}

/// Whether `viewer` may read the questions asked of `workshop_id`'s assistant (without who asked)
/// and what its model cost this month: its staff, support and admins.
pub fn assistant_questions(viewer: &Viewer, workshop_id: Uuid) -> bool {
    match viewer {
        Viewer::User(user) => {
            matches!(user.role, Role::Support | Role::Admin)
                || (user.role == Role::Workshop && user.workshop_id == Some(workshop_id))
        }
        _ => false,
    }
}

/// Whether `viewer` may read, continue or delete an assistant conversation: the person who had it —
/// nobody else, staff included (questions to a workshop reach its staff without who asked).
pub fn assistant_conversation(viewer: &Viewer, owner_id: Uuid) -> bool {
    matches!(viewer, Viewer::User(user) if user.id == owner_id)
}

/// Whether `viewer` may create, stop, resume and roll back fleet campaigns: admins.
pub fn run_campaigns(viewer: &Viewer) -> ApiResult<&UserViewer> {
    viewer.user_with_role(&[Role::Admin])
}

/// Whether `viewer` may watch fleet campaigns and their cars: support and admins.
pub fn watch_campaigns(viewer: &Viewer) -> ApiResult<&UserViewer> {
    viewer.user_with_role(&[Role::Support, Role::Admin])
}

/// Whether `viewer` may approve a campaign `created_by` made: another admin (four eyes).
pub fn approve_campaign(viewer: &Viewer, created_by: Uuid) -> ApiResult<&UserViewer> {
    let admin = run_campaigns(viewer)?;
    if admin.id == created_by {
        return Err(ApiError::Refused {
            reason: "FOUR_EYES",
            message: "a second admin approves a campaign, not the one who created it".into(),
        });
    }
    Ok(admin)
}
