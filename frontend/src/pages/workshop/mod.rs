//! The workshop's side of the staff app: the calendar of bays and lifts with the bookings and
//! check-in, the board of repair orders by status, the workshop's actions on a repair order
//! (steps, estimate, diagnostics) and its set-up.

mod board;
mod calendar;
mod check_in;
mod diagnosis;
mod job;
mod phone;
mod services;
mod setup;

pub use board::Board;
pub use calendar::Calendar;
pub use diagnosis::DiagnosisForm;
pub use job::{JobActions, LineForm, RemoveLine, lines_editable};
pub use setup::Setup;
