//! One timer loop per task: sleep on the wall clock until the next matching moment, tick.

use std::sync::Arc;
use std::time::Duration;

use jiff::Timestamp;
use tokio::sync::watch;

use super::runs::Inner;
use super::Dispatch;

/// The longest single sleep: a wall-clock step (NTP, a suspended machine) is noticed within it.
const MAX_SLEEP: Duration = Duration::from_secs(60);

/// One task's timer: sleeps until the next matching moment, ticks, repeats until stopped.
pub(super) async fn timer_loop(
    inner: Arc<Inner>,
    task: usize,
    dispatch: Arc<dyn Dispatch>,
    mut stop: watch::Receiver<bool>,
) {
    let mut after = Timestamp::now();
    while let Some(next) = inner.tasks[task].schedule.next_after(after) {
        inner.set_next_run(task, Some(next));
        if !sleep_until(next, &mut stop).await || *stop.borrow() {
            break;
        }
        inner.tick(task, next, &*dispatch);
        // From the later of the two: ticks missed while the process was suspended are not
        // caught up in a burst.
        after = next.max(Timestamp::now());
    }
    inner.set_next_run(task, None);
}

/// Sleeps until the wall clock reaches `at`; false when stopped first.
async fn sleep_until(at: Timestamp, stop: &mut watch::Receiver<bool>) -> bool {
    loop {
        let left = match Duration::try_from(at.duration_since(Timestamp::now())) {
            Ok(left) if !left.is_zero() => left,
            // Zero, or negative (which std's Duration cannot hold): due.
            _ => return true,
        };
        tokio::select! {
            _ = tokio::time::sleep(left.min(MAX_SLEEP)) => {}
            _ = stop.changed() => return false,
        }
    }
}
