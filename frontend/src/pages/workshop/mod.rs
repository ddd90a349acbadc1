//! The workshop's side of the staff app: the calendar of bays and lifts with the bookings and
//! check-in, the board of repair orders by status, the workshop's actions on a repair order
//! (steps, estimate, diagnostics), its set-up, and the assistant's FAQ with the questions asked
//! (the platform's FAQ for administrators).

mod assistant;
mod board;
mod calendar;
mod check_in;
mod diagnosis;
mod job;
mod phone;
mod services;
mod setup;

pub use assistant::FaqPage;
pub use board::Board;
pub use calendar::Calendar;
pub use diagnosis::DiagnosisForm;
pub use job::{JobActions, LineForm, RemoveLine, lines_editable};
pub use setup::Setup;
