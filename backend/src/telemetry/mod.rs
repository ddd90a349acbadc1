//! Vehicle telemetry and health: readings arrive over MQTT or HTTP, are checked, stored once and
//! down-sampled; the health rules open and close alerts; GraphQL shows the latest values, series,
//! alerts and live updates.

pub mod alerts;
pub mod graphql;
pub mod housekeeping;
pub mod ingest;
pub mod reading;
pub mod store;
