//! A short memory of which sessions are live, so that checking every request's token against the
//! database (does the user still exist, was the session ended?) costs a query only every few
//! seconds per session. Ending a session on this instance forgets it at once; other instances
//! learn within [`SessionCache::TTL_SECONDS`].

use std::collections::HashMap;
use std::sync::Mutex;

use chrono::{DateTime, Duration, Utc};
use uuid::Uuid;

use super::UserViewer;

/// What was found for a session, and when.
#[derive(Clone, Debug)]
struct Entry {
    user: Option<UserViewer>,
    checked_at: DateTime<Utc>,
}

/// Live sessions by id: the user as the database describes them, or `None` for an ended session.
#[derive(Debug, Default)]
pub struct SessionCache {
    entries: Mutex<HashMap<Uuid, Entry>>,
}

/// More sessions than this are not remembered; the map starts over (a query per session again).
const MAX_ENTRIES: usize = 100_000;

impl SessionCache {
    /// How long an answer is trusted, in seconds.
    pub const TTL_SECONDS: i64 = 10;

    /// The remembered answer for `session_id`, if it is recent: `Some(None)` means ended.
    pub fn get(&self, session_id: Uuid, now: DateTime<Utc>) -> Option<Option<UserViewer>> {
        let entries = self.entries.lock().ok()?;
        let entry = entries.get(&session_id)?;
        (now - entry.checked_at < Duration::seconds(Self::TTL_SECONDS)).then(|| entry.user.clone())
    }

    /// Remembers what the database said about `session_id` at `now`.
    pub fn put(&self, session_id: Uuid, user: Option<UserViewer>, now: DateTime<Utc>) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= MAX_ENTRIES {
                entries.clear();
            }
            entries.insert(session_id, Entry { user, checked_at: now });
        }
    }

    /// Forgets every session of `user_id` (signed out, password changed, erased, disabled).
    pub fn forget_user(&self, user_id: Uuid) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.retain(|_, entry| entry.user.as_ref().is_none_or(|user| user.id != user_id));
        }
    }

    /// Forgets `session_id`.
    pub fn forget_session(&self, session_id: Uuid) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.remove(&session_id);
        }
    }
}

#[cfg(test)]
mod tests {
    use entity::Role;

    use super::*;
    use crate::domain::Locale;

    fn user() -> UserViewer {
        UserViewer {
            id: Uuid::now_v7(),
            role: Role::Customer,
            dealership_id: None,
            workshop_id: None,
            locale: Locale::En,
        }
    }

    #[test]
    fn answers_are_trusted_for_a_few_seconds_and_can_be_forgotten() {
        let cache = SessionCache::default();
        let (session, now) = (Uuid::now_v7(), Utc::now());
        let someone = user();
        assert_eq!(cache.get(session, now), None);
        cache.put(session, Some(someone.clone()), now);
        assert_eq!(cache.get(session, now + Duration::seconds(9)), Some(Some(someone.clone())));
        assert_eq!(cache.get(session, now + Duration::seconds(10)), None);
        cache.forget_user(someone.id);
        assert_eq!(cache.get(session, now), None);
        cache.put(session, None, now);
        assert_eq!(cache.get(session, now), Some(None));
        cache.forget_session(session);
        assert_eq!(cache.get(session, now), None);
    }
}
