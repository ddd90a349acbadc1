//! Who may see which part of an expediente.

use entity::{Role, invoices, orders, vehicles};

use crate::app::App;
use crate::auth::Viewer;
use crate::error::ApiResult;
use crate::fleet::service::{Access, vehicle_for};

/// The vehicle whose expediente `viewer` asks for, if its history is within their scope.
pub async fn expediente(app: &App, viewer: &Viewer, vin: &str) -> ApiResult<vehicles::Model> {
    vehicle_for(app, viewer, vin, Access::History).await
}

/// Whether `viewer` may see `order`: its customer, its dealership, platform staff.
pub fn order_visible(viewer: &Viewer, order: &orders::Model) -> bool {
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

/// Whether `viewer` may see `invoice`: the customer billed and platform staff.
pub fn invoice_visible(viewer: &Viewer, invoice: &invoices::Model) -> bool {
    match viewer {
        Viewer::User(user) => match user.role {
            Role::Customer => invoice.customer_id == user.id,
            Role::Support | Role::Admin => true,
            Role::Dealer | Role::Workshop => false,
        },
        _ => false,
    }
}
