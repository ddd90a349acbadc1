//! Working off a backlog in rounds: a worker woken once, or by its poll, takes rounds of at most a
//! full batch until a round finds fewer, instead of one round per wake-up (which left a backlog to
//! drain at one batch per poll once the wake-ups stopped).

use std::future::Future;

/// Runs `round` (answering how many items it took) until it takes fewer than `full`; answers the
/// total. Each round must move what it took out of the next round's way (claimed, done or
/// postponed), so that the rounds end.
pub async fn until_short<F, Fut, E>(full: usize, mut round: F) -> Result<usize, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<usize, E>>,
{
    let mut taken = 0;
    loop {
        let this_round = round().await?;
        taken += this_round;
        if this_round < full {
            return Ok(taken);
        }
    }
}
