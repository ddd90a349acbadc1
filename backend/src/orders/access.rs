//! Who may see and who may act on an order.

use entity::{Role, orders};

use crate::auth::{UserViewer, Viewer};
use crate::error::{ApiError, ApiResult};

/// Checks that `viewer` may see `order`: its customer, its dealership's staff, platform staff.
pub fn ensure_can_view(viewer: &Viewer, order: &orders::Model) -> ApiResult<()> {
    let user = viewer.user()?;
    let allowed = match user.role {
        Role::Customer => order.customer_id == user.id,
        Role::Dealer => user.dealership_id == Some(order.dealership_id),
        Role::Support | Role::Admin => true,
        Role::Workshop => false,
    };
    if allowed { Ok(()) } else { Err(ApiError::Forbidden("this order is outside your scope".into())) }
}

/// The dealer who may act on `order`: staff of its dealership only.
pub fn ensure_can_manage<'a>(viewer: &'a Viewer, order: &orders::Model) -> ApiResult<&'a UserViewer> {
    let dealer = viewer.user_with_role(&[Role::Dealer])?;
    if dealer.dealership_id == Some(order.dealership_id) {
        Ok(dealer)
    } else {
        Err(ApiError::Forbidden("this order belongs to another dealership".into()))
    }
}
