//! Validated domain values: a value of these types is known to be well-formed.

pub mod email;
pub mod locale;
pub mod maintenance;
pub mod money;
pub mod vin;

pub use email::Email;
pub use locale::Locale;
pub use money::Money;
pub use vin::Vin;
