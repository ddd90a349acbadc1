//! The expediente: a vehicle's whole history, for those who may see it.

use entity::vehicles;

use crate::app::App;
use crate::auth::Viewer;
use crate::error::ApiResult;
use crate::fleet::service::vehicle_for;
use crate::policy::Access;

/// The vehicle whose expediente `viewer` asks for, if its history is within their scope.
pub async fn expediente(app: &App, viewer: &Viewer, vin: &str) -> ApiResult<vehicles::Model> {
    vehicle_for(app, viewer, vin, Access::History).await
}
