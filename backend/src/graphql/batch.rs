//! Batching without a timer. The resolvers of a list's items run as futures joined in one task,
//! and each polls its way to its lookup in the same pass. A lookup adds its keys to the open batch
//! of its key type and yields until a pass of the task adds nothing more to that batch; only then
//! does the first of them come back, close the batch and run it, for every key gathered, while the
//! others wait for its answer. So a level of a query costs one statement per relation however long
//! its lists are, and however long resolving them takes — a timed window (async-graphql's
//! `DataLoader::delay`) splits a level into several batches when resolving it outlasts the window.
//!
//! The loader is shared by every request of the instance: lookups of concurrent requests that
//! meet in an open batch share its statement. Nothing is cached between batches.

use std::any::{Any, TypeId};
use std::collections::{HashMap, HashSet};
use std::hash::Hash;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use async_graphql::dataloader::Loader;
use tokio::sync::OnceCell;

/// Keys per statement at most (SQLite's bound on parameters is far above it).
const MOST_KEYS: usize = 1_000;

/// Batches the lookups of `T` ([`Loader`] implementations) made in one pass.
pub struct BatchLoader<T> {
    loader: T,
    /// The open batch of each key type: `Arc<Batch<K, …>>` by `TypeId::of::<K>()`.
    open: Mutex<HashMap<TypeId, Box<dyn Any + Send + Sync>>>,
}

/// Passes a lookup waits at most for its batch to stop growing.
const MOST_PASSES: usize = 10;

/// Keys gathered for one statement, and its answer once run.
struct Batch<K, V, E> {
    keys: Mutex<HashSet<K>>,
    /// Lookups that joined it, to see whether a pass added any.
    joined: AtomicUsize,
    /// Set once it runs: no more keys come in.
    closed: AtomicBool,
    answer: OnceCell<Result<Arc<HashMap<K, V>>, E>>,
}

impl<K, V, E> Default for Batch<K, V, E> {
    fn default() -> Self {
        Self {
            keys: Mutex::new(HashSet::new()),
            joined: AtomicUsize::new(0),
            closed: AtomicBool::new(false),
            answer: OnceCell::new(),
        }
    }
}

impl<K, V, E> Batch<K, V, E> {
    /// Yields until a whole pass of the task added no lookup to the batch (or it closed), so the
    /// other lookups of a level join before any of them runs it. One pass is not always enough: a
    /// task that used up Tokio's budget, or an item held back by an earlier await, reaches the rest
    /// of a level a pass later. The count is compared between this lookup's turns two passes apart:
    /// Tokio wakes what yielded in the reverse order of a pass, so the last of one pass is the first
    /// of the next, and only two turns apart is a whole pass sure to lie between them.
    async fn settle(&self) {
        let mut seen: [Option<usize>; 2] = [None, None];
        for _ in 0..MOST_PASSES {
            tokio::task::yield_now().await;
            let now = self.joined.load(Ordering::Acquire);
            if seen[0] == Some(now) || self.closed.load(Ordering::Acquire) {
                return;
            }
            seen = [seen[1], Some(now)];
        }
    }
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl<T> BatchLoader<T> {
    /// Batches `loader`'s lookups.
    pub fn new(loader: T) -> Self {
        Self { loader, open: Mutex::new(HashMap::new()) }
    }

    /// The value of `key`, looked up with every other key of its type asked for in this pass.
    pub async fn load_one<K>(&self, key: K) -> Result<Option<T::Value>, T::Error>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        T: Loader<K>,
        T::Error: Sync,
    {
        let mut found = self.load_many([key.clone()]).await?;
        Ok(found.remove(&key))
    }

    /// The values of `keys` (those found), looked up with every other key of their type asked for
    /// in this pass.
    pub async fn load_many<K>(&self, keys: impl IntoIterator<Item = K>) -> Result<HashMap<K, T::Value>, T::Error>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        T: Loader<K>,
        T::Error: Sync,
    {
        let keys: Vec<K> = keys.into_iter().collect();
        if keys.is_empty() {
            return Ok(HashMap::new());
        }
        let batch = self.join(&keys);
        batch.settle().await;
        let answer = batch.answer.get_or_init(|| self.run(&batch)).await;
        match answer {
            Ok(values) => Ok(keys.into_iter().filter_map(|key| values.get(&key).map(|v| (key, v.clone()))).collect()),
            Err(err) => Err(err.clone()),
        }
    }

    /// Adds `keys` to the open batch of their type (a new one when none is open).
    fn join<K>(&self, keys: &[K]) -> Arc<Batch<K, T::Value, T::Error>>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        T: Loader<K>,
        T::Error: Sync,
    {
        let mut open = lock(&self.open);
        let slot = open
            .entry(TypeId::of::<K>())
            .or_insert_with(|| Box::new(Arc::new(Batch::<K, T::Value, T::Error>::default())));
        let batch =
            slot.downcast_ref::<Arc<Batch<K, T::Value, T::Error>>>().expect("batches are kept by their key type");
        lock(&batch.keys).extend(keys.iter().cloned());
        batch.joined.fetch_add(1, Ordering::AcqRel);
        batch.clone()
    }

    /// Closes `batch` to new keys and runs it. If the future running it is dropped (its request
    /// was cancelled), the next waiter runs it again, with the same keys.
    async fn run<K>(&self, batch: &Arc<Batch<K, T::Value, T::Error>>) -> Result<Arc<HashMap<K, T::Value>>, T::Error>
    where
        K: Send + Sync + Hash + Eq + Clone + 'static,
        T: Loader<K>,
        T::Error: Sync,
    {
        {
            let mut open = lock(&self.open);
            let current =
                open.get(&TypeId::of::<K>()).and_then(|slot| slot.downcast_ref::<Arc<Batch<K, T::Value, T::Error>>>());
            if current.is_some_and(|current| Arc::ptr_eq(current, batch)) {
                open.remove(&TypeId::of::<K>());
            }
        }
        batch.closed.store(true, Ordering::Release);
        let keys: Vec<K> = lock(&batch.keys).iter().cloned().collect();
        let mut values = HashMap::with_capacity(keys.len());
        for chunk in keys.chunks(MOST_KEYS) {
            values.extend(self.loader.load(chunk).await?);
        }
        Ok(Arc::new(values))
    }
}

#[cfg(test)]
mod tests {
    use futures::future::join_all;

    use super::*;

    /// Doubles its keys and records every batch it was asked for.
    #[derive(Default)]
    struct Doubler {
        batches: Mutex<Vec<Vec<u32>>>,
        slow: bool,
    }

    impl Loader<u32> for Doubler {
        type Value = u64;
        type Error = Arc<String>;

        async fn load(&self, keys: &[u32]) -> Result<HashMap<u32, u64>, Self::Error> {
            let mut sorted = keys.to_vec();
            sorted.sort_unstable();
            lock(&self.batches).push(sorted);
            if self.slow {
                tokio::time::sleep(std::time::Duration::from_millis(20)).await;
            }
            if keys.contains(&13) {
                return Err(Arc::new("thirteen".into()));
            }
            Ok(keys.iter().map(|&k| (k, u64::from(k) * 2)).collect())
        }
    }

    /// Burns CPU, as resolving a big list does, so that a timed window would close mid-level.
    fn busy(iterations: u64) -> u64 {
        (0..iterations).fold(0u64, |acc, n| acc.wrapping_mul(31).wrapping_add(n ^ acc))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn one_level_of_a_list_is_one_batch_however_slowly_its_items_resolve() {
        let loader = BatchLoader::new(Doubler::default());
        let spent = AtomicUsize::new(0);
        let items = (0..2_000u32).map(|n| {
            let (loader, spent) = (&loader, &spent);
            async move {
                // Each item works before its lookup: 2,000 of them take far longer than 1 ms.
                spent.fetch_add(busy(20_000) as usize & 1, Ordering::Relaxed);
                loader.load_one(100 + n % 1_500).await
            }
        });
        let values = join_all(items).await;
        assert_eq!(values[7].as_ref().expect("loaded"), &Some(214));
        assert_eq!(values[1_507].as_ref().expect("loaded"), &Some(214));
        let batches = lock(&loader.loader.batches).clone();
        // 1,500 distinct keys, one batch, sent as two statements of at most 1,000 keys.
        assert_eq!(batches.iter().map(Vec::len).collect::<Vec<_>>(), vec![1_000, 500]);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn the_next_level_is_a_batch_of_its_own_however_long_the_list() {
        // A thousand items, waiting for a statement that takes a while: more waiters than Tokio's
        // budget of operations per poll of a task.
        let loader = BatchLoader::new(Doubler { slow: true, ..Doubler::default() });
        let items = (1..=1_000u32).map(|n| {
            let loader = &loader;
            async move {
                let first = loader.load_one(n + 100).await.expect("loaded").expect("found");
                // The second level asks for keys derived from the first level's answers.
                loader.load_one(u32::try_from(first).expect("small") + 100).await.expect("loaded")
            }
        });
        let values = join_all(items).await;
        assert_eq!(values[0], Some(2 * (2 * 101 + 100)));
        let batches = lock(&loader.loader.batches).clone();
        assert_eq!(batches.len(), 2, "{} batches for two levels", batches.len());
        assert_eq!(batches[0], (101..=1_100).collect::<Vec<u32>>());
        assert_eq!(batches[1], (1..=1_000).map(|n| 2 * (n + 100) + 100).collect::<Vec<u32>>());
    }

    #[tokio::test]
    async fn lookups_reached_a_few_passes_late_still_join_the_batch() {
        let loader = BatchLoader::new(Doubler::default());
        let items = (0..300u32).map(|n| {
            let loader = &loader;
            async move {
                // A third of the items reach their lookup one pass late, a third two passes late,
                // as items do that a task's exhausted budget or an earlier await held back.
                for _ in 0..n % 3 {
                    tokio::task::yield_now().await;
                }
                loader.load_one(n + 100).await
            }
        });
        let values = join_all(items).await;
        assert_eq!(values[299].as_ref().expect("loaded"), &Some(798));
        assert_eq!(
            lock(&loader.loader.batches).iter().map(Vec::len).collect::<Vec<_>>(),
            vec![300],
            "one batch for the level"
        );
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_lookup_after_a_batch_closed_starts_the_next_one() {
        let loader = Arc::new(BatchLoader::new(Doubler { slow: true, ..Doubler::default() }));
        let first = tokio::spawn({
            let loader = loader.clone();
            async move { loader.load_many([1u32, 2]).await }
        });
        // Once the first batch is running (closed), a new lookup does not join it.
        for _ in 0..200 {
            if !lock(&loader.loader.batches).is_empty() {
                break;
            }
            tokio::time::sleep(std::time::Duration::from_millis(1)).await;
        }
        let second = loader.load_one(3u32).await.expect("loaded");
        assert_eq!(second, Some(6));
        let first = first.await.expect("joined").expect("loaded");
        assert_eq!(first.len(), 2);
        assert_eq!(lock(&loader.loader.batches).clone(), vec![vec![1, 2], vec![3]]);
    }

    #[tokio::test]
    async fn a_failed_batch_fails_every_lookup_in_it_and_not_the_next() {
        let loader = BatchLoader::new(Doubler::default());
        let (a, b) = tokio::join!(loader.load_one(13u32), loader.load_one(4u32));
        assert_eq!(a.expect_err("failed").as_str(), "thirteen");
        assert_eq!(b.expect_err("same batch").as_str(), "thirteen");
        assert_eq!(loader.load_one(4u32).await.expect("a batch of its own"), Some(8));
        assert!(loader.load_many(Vec::<u32>::new()).await.expect("nothing").is_empty());
    }
}
