//! Deciding again when the record changed under a use case (optimistic concurrency).
//!
//! A use case loads a record, decides with the domain, and commits at the version it loaded; the
//! store refuses a stale commit with [`StoreError::Conflict`]. [`on_conflict`] then runs the
//! whole attempt again (load, decide, commit) after a short random wait, at most
//! [`MAX_ATTEMPTS`] times, and answers [`AppError::Busy`] (HTTP 409, "try again") when every
//! attempt conflicted. The wait doubles from [`FIRST_WAIT`] up to [`LONGEST_WAIT`] and is drawn
//! uniformly below that bound ("full jitter"), so that writers racing for one record spread out
//! instead of colliding again in step.

use std::future::Future;
use std::time::Duration;

use rand::Rng;

use crate::error::AppError;
use crate::store::StoreError;

/// Attempts before giving up with [`AppError::Busy`].
pub const MAX_ATTEMPTS: u32 = 8;
/// Upper bound of the first wait.
pub const FIRST_WAIT: Duration = Duration::from_millis(2);
/// Upper bound of any wait (the bounds go 2, 4, 8 … 64 ms: at most about 0.2 s in all).
pub const LONGEST_WAIT: Duration = Duration::from_millis(64);

/// Whether `e` means "the record changed since it was loaded": decide again.
pub fn is_conflict(e: &AppError) -> bool {
    matches!(e, AppError::Store(StoreError::Conflict))
}

/// Run `attempt` until it ends in anything but a conflict ([`is_conflict`]).
pub async fn on_conflict<T, F: Future<Output = Result<T, AppError>>>(
    attempt: impl FnMut() -> F,
) -> Result<T, AppError> {
    retrying(is_conflict, attempt).await
}

/// Run `attempt` until it ends in an error `retry` does not name, or succeeds; after
/// [`MAX_ATTEMPTS`] retryable failures, [`AppError::Busy`].
pub async fn retrying<T, F: Future<Output = Result<T, AppError>>>(
    retry: fn(&AppError) -> bool,
    mut attempt: impl FnMut() -> F,
) -> Result<T, AppError> {
    let mut bound = FIRST_WAIT;
    for _ in 1..MAX_ATTEMPTS {
        match attempt().await {
            Err(e) if retry(&e) => {
                tokio::time::sleep(jittered(bound)).await;
                bound = (bound * 2).min(LONGEST_WAIT);
            }
            other => return other,
        }
    }
    match attempt().await {
        Err(e) if retry(&e) => Err(AppError::Busy),
        other => other,
    }
}

/// A wait drawn uniformly from `[0, bound)`.
fn jittered(bound: Duration) -> Duration {
    let micros = u64::try_from(bound.as_micros()).unwrap_or(u64::MAX).max(1);
    Duration::from_micros(rand::thread_rng().gen_range(0..micros))
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicU32, Ordering};

    use super::*;

    #[tokio::test]
    async fn retries_conflicts_then_gives_up() {
        let calls = AtomicU32::new(0);
        let out: Result<(), AppError> = on_conflict(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(AppError::Store(StoreError::Conflict))
        })
        .await;
        assert!(matches!(out, Err(AppError::Busy)));
        assert_eq!(calls.load(Ordering::SeqCst), MAX_ATTEMPTS);
    }

    #[tokio::test]
    async fn stops_at_success_or_another_error() {
        let calls = AtomicU32::new(0);
        let out = on_conflict(|| async {
            if calls.fetch_add(1, Ordering::SeqCst) < 2 {
                Err(AppError::Store(StoreError::Conflict))
            } else {
                Ok(7)
            }
        })
        .await;
        assert_eq!(out.unwrap(), 7);
        assert_eq!(calls.load(Ordering::SeqCst), 3);
        let calls = AtomicU32::new(0);
        let out: Result<(), AppError> = on_conflict(|| async {
            calls.fetch_add(1, Ordering::SeqCst);
            Err(AppError::Invalid("no".into()))
        })
        .await;
        assert!(matches!(out, Err(AppError::Invalid(_))));
        assert_eq!(calls.load(Ordering::SeqCst), 1);
    }

    #[test]
    fn waits_stay_below_their_bound() {
        for _ in 0..1_000 {
            assert!(jittered(FIRST_WAIT) < FIRST_WAIT);
        }
        assert_eq!(jittered(Duration::ZERO), Duration::ZERO);
    }
}
