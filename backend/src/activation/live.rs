//! Live progress for many watchers: when an activation moves on, its state is read once and shared
//! by every subscription watching it, instead of once per subscription.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use entity::{ActivationStatus, PaymentStatus, activations};
use futures::FutureExt;
use futures::future::{BoxFuture, Shared};
use uuid::Uuid;

use super::queries;
use crate::app::App;
use crate::platform::events::ActivationPhase;

/// An activation's state as its live progress shows it.
#[derive(Clone, Debug)]
pub struct ProgressState {
    /// The activation.
    pub activation: activations::Model,
    /// Its latest charge's status.
    pub charge: Option<PaymentStatus>,
}

impl ProgressState {
    /// The step its status shows, for a subscriber's first answer (the current state).
    pub fn phase(&self) -> ActivationPhase {
        match self.activation.status {
            ActivationStatus::Pending => ActivationPhase::Queued,
            ActivationStatus::Activating => ActivationPhase::Sending,
            ActivationStatus::Active => ActivationPhase::Active,
            ActivationStatus::Failed => ActivationPhase::Failed,
            ActivationStatus::Deactivating => ActivationPhase::Deactivating,
            ActivationStatus::Expired | ActivationStatus::Cancelled => ActivationPhase::Ended,
        }
    }
}

type SharedRead = Shared<BoxFuture<'static, Option<Arc<ProgressState>>>>;

/// Reads of activations' state, shared while they are fresh.
#[derive(Default)]
pub struct ProgressReads {
    reads: Mutex<HashMap<Uuid, (Instant, SharedRead)>>,
}

/// Reads older than this are dropped when the map grows.
const KEEP: Duration = Duration::from_secs(5);
/// The size from which old reads are dropped (whenever the map reaches a power of two).
const PURGE_AT: usize = 1024;

impl ProgressReads {
    /// The state of `activation_id` as read no earlier than `published` (when the event it shows
    /// was published): a read that started since then is shared, else a new one starts. Events are
    /// published after their transaction commits, so such a read always sees the change.
    pub async fn read(&self, app: &Arc<App>, activation_id: Uuid, published: Instant) -> Option<Arc<ProgressState>> {
        let read = {
            let mut reads = self.reads.lock().unwrap_or_else(PoisonError::into_inner);
            match reads.get(&activation_id) {
                Some((started, read)) if *started >= published => read.clone(),
                _ => {
                    let app = app.clone();
                    let read = async move { load(&app, activation_id).await.map(Arc::new) }.boxed().shared();
                    if reads.len() >= PURGE_AT && reads.len().is_power_of_two() {
                        // Now and then, not at every read: the map is walked whole.
                        let now = Instant::now();
                        reads.retain(|_, (started, _)| now.duration_since(*started) < KEEP);
                    }
                    reads.insert(activation_id, (Instant::now(), read.clone()));
                    read
                }
            }
        };
        read.await
    }
}

async fn load(app: &App, activation_id: Uuid) -> Option<ProgressState> {
    let (activation, charge) = queries::with_latest_charge(app, activation_id).await.ok()??;
    Some(ProgressState { activation, charge })
}
