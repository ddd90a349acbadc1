//! What a model can be asked to do remotely: a car without a battery to charge, or whose climate
//! cannot be started from afar, refuses those commands before they are sent.

use entity::{Powertrain, VehicleCommandKind, vehicle_models};
use sea_orm::Iterable;

/// Why `model` cannot take `kind`, if it cannot.
pub fn refusal(model: &vehicle_models::Model, kind: VehicleCommandKind) -> Option<&'static str> {
    use VehicleCommandKind::{ChargeStart, ChargeStop, ClimateOff, ClimateOn};
    match kind {
        ChargeStart | ChargeStop if model.powertrain == Powertrain::Combustion => {
            Some("this model has no battery to charge")
        }
        ClimateOn | ClimateOff if !model.remote_climate => Some("this model's climate cannot be started remotely"),
        _ => None,
    }
}

/// The commands `model` takes.
pub fn capabilities(model: &vehicle_models::Model) -> Vec<VehicleCommandKind> {
    VehicleCommandKind::iter().filter(|kind| refusal(model, *kind).is_none()).collect()
}

#[cfg(test)]
mod tests {
    use uuid::Uuid;

    use super::*;

    fn model(powertrain: Powertrain, remote_climate: bool) -> vehicle_models::Model {
        vehicle_models::Model {
            id: Uuid::nil(),
            code: "M".into(),
            name: "M".into(),
            body_type: "SEDAN".into(),
            model_year: 2026,
            service_interval_months: 12,
            service_interval_km: 15_000,
            powertrain,
            remote_climate,
            electric_range_km: None,
            created_at: chrono::DateTime::UNIX_EPOCH,
        }
    }

    #[test]
    fn a_model_takes_what_it_has_the_parts_for() {
        use VehicleCommandKind::*;
        assert_eq!(capabilities(&model(Powertrain::Electric, true)).len(), 7);
        let combustion = capabilities(&model(Powertrain::Combustion, true));
        assert!(!combustion.contains(&ChargeStart) && !combustion.contains(&ChargeStop));
        assert!(combustion.contains(&ClimateOn) && combustion.contains(&Lock));
        let basic = capabilities(&model(Powertrain::PlugInHybrid, false));
        assert_eq!(basic, vec![Lock, Unlock, FlashLights, ChargeStart, ChargeStop]);
        assert!(refusal(&model(Powertrain::Electric, false), ClimateOn).is_some());
    }
}
