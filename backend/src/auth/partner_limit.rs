//! Per-key request limits for partner apps, so that one integration cannot starve the others.

use std::num::NonZeroU32;

use governor::clock::{Clock as _, DefaultClock};
use governor::{DefaultKeyedRateLimiter, Quota};
use uuid::Uuid;

/// Allows each API key a number of requests per minute (with that many as a burst).
pub struct PartnerRateLimiter {
    limiter: DefaultKeyedRateLimiter<Uuid>,
    clock: DefaultClock,
}

impl PartnerRateLimiter {
    /// A limiter of `per_minute` requests per key; `None` (no limit) when it is 0.
    pub fn new(per_minute: u32) -> Option<Self> {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute)?);
        Some(Self { limiter: DefaultKeyedRateLimiter::keyed(quota), clock: DefaultClock::default() })
    }

    /// Counts a request of `key_id`; when over the limit, the seconds until the next is allowed.
    pub fn check(&self, key_id: Uuid) -> Result<(), u64> {
        self.limiter.check_key(&key_id).map_err(|not_until| {
            let wait = not_until.wait_time_from(self.clock.now());
            wait.as_secs() + u64::from(wait.subsec_nanos() > 0)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_each_key_separately() {
        let limiter = PartnerRateLimiter::new(2).expect("limiter");
        let (a, b) = (Uuid::now_v7(), Uuid::now_v7());
        assert!(limiter.check(a).is_ok());
        assert!(limiter.check(a).is_ok());
        let retry_after = limiter.check(a).expect_err("third request within the minute");
        assert!((1..=30).contains(&retry_after), "{retry_after}");
        assert!(limiter.check(b).is_ok());
        assert!(PartnerRateLimiter::new(0).is_none());
    }
}
