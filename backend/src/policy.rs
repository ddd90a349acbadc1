//! The access policy: who may see which row, at which level. Every resolver and service that
//! reaches personal data, a vehicle's history or money asks here, so each rule is written once.
//!
//! The rules, by role:
//! - a customer sees the vehicles they own now, their own purchases and payments (also of a car
//!   they sold), their orders and invoices; on a car they bought second-hand, the features that
//!   are live on it, never the previous owner's purchases or payments;
//! - a dealer sees the vehicles their dealership holds or sold, with their history, the orders of
//!   their dealership, the car payments of those orders and their invoices, never feature payments;
//! - a workshop sees any vehicle's technical data (a car can arrive at any workshop), no history,
//!   no personal data, no money;
//! - support and admins see everything;
//! - a partner sees the vehicles granted to it, with the scope the field guard checks, the current
//!   owner's history, no personal data and no money.

use entity::{
    ActivationStatus, PaymentKind, Role, activations, invoices, orders, partner_vehicle_grants, payments, vehicles,
};
use sea_orm::EntityTrait;

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
}

/// Statuses in which a feature is bought and not over — on, or being switched on or off in the
/// car: the car's state, which a new owner inherits, as opposed to a past purchase.
pub const LIVE_STATUSES: [ActivationStatus; 4] =
    [ActivationStatus::Pending, ActivationStatus::Activating, ActivationStatus::Active, ActivationStatus::Deactivating];

/// Checks that `viewer` may see `vehicle` at the given level.
pub async fn vehicle(app: &App, viewer: &Viewer, vehicle: &vehicles::Model, access: Access) -> ApiResult<()> {
    let allowed = match viewer {
        Viewer::Anonymous => return Err(ApiError::Unauthenticated("sign in first".into())),
        Viewer::User(user) => match user.role {
            Role::Customer => vehicle.owner_id == Some(user.id),
            Role::Dealer => of_dealership(user, vehicle.dealership_id),
            Role::Workshop => access == Access::Basic,
            Role::Support | Role::Admin => true,
        },
        Viewer::Partner(partner) => partner_scope_covers(partner, access) && is_granted(app, partner, vehicle).await?,
    };
    if allowed { Ok(()) } else { Err(ApiError::Forbidden("this vehicle is outside your scope".into())) }
}

/// A partner's key reads a granted vehicle's data with any scope, its history only with
/// `expediente:read` (the owner consented to that, not to more).
fn partner_scope_covers(partner: &PartnerViewer, access: Access) -> bool {
    match access {
        Access::Basic => !partner.scopes.is_empty(),
        Access::History => partner.scopes.contains(&Scope::ExpedienteRead),
    }
}

async fn is_granted(app: &App, partner: &PartnerViewer, vehicle: &vehicles::Model) -> ApiResult<bool> {
    Ok(partner_vehicle_grants::Entity::find_by_id((partner.partner_id, vehicle.id)).one(&app.db).await?.is_some())
}

fn of_dealership(user: &UserViewer, dealership_id: Option<uuid::Uuid>) -> bool {
    user.dealership_id.is_some() && user.dealership_id == dealership_id
}

/// Whether `viewer` may see who owns `vehicle` (personal data): the owner, the dealership that
/// holds or sold it, platform staff.
pub fn vehicle_owner(viewer: &Viewer, vehicle: &vehicles::Model) -> bool {
    match viewer {
        Viewer::User(user) => match user.role {
            Role::Customer => vehicle.owner_id == Some(user.id),
            Role::Dealer => of_dealership(user, vehicle.dealership_id),
            Role::Support | Role::Admin => true,
            Role::Workshop => false,
        },
        _ => false,
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

/// Whether `viewer` may see `invoice` on its own: the customer billed and platform staff (a
/// dealership sees the invoices of its sales through the sale, [`ensure_sale_invoices`]).
pub fn invoice(viewer: &Viewer, invoice: &invoices::Model) -> bool {
    match viewer {
        Viewer::User(user) => match user.role {
            Role::Customer => invoice.customer_id == user.id,
            Role::Support | Role::Admin => true,
            Role::Dealer | Role::Workshop => false,
        },
        _ => false,
    }
}
