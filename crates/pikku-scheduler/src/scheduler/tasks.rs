//! A task as wired, the runs and skipped ticks its timer produces, where they are handed, and
//! its status for listings.

use jiff::Timestamp;
use serde::Deserialize;

// Only named in doc links.
#[cfg(doc)]
use super::Scheduler;

/// One task as wired by the user.
#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TaskSpec {
    /// Unique among the scheduler's tasks; names the task in errors and logs.
    pub name: String,
    /// A cron expression: 5 fields, or 6 with seconds first.
    pub schedule: String,
    /// An IANA time zone name; UTC when absent.
    #[serde(default)]
    pub timezone: Option<String>,
    /// Whether a tick may start a run while the previous one is still going.
    #[serde(default)]
    pub overlap: bool,
}

/// A run handed to the [`Dispatch`]: the task's index and the moment it was due.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    /// The task's index in the specs given to [`Scheduler::new`].
    pub task: usize,
    /// Identifies the run in [`Scheduler::finish`].
    pub run_id: u64,
    /// When the tick was due (or the run-now was asked).
    pub scheduled_at: Timestamp,
}

/// A tick that started no run because the task's previous run was still going.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Skip {
    /// The task's index in the specs given to [`Scheduler::new`].
    pub task: usize,
    /// When the skipped tick was due.
    pub scheduled_at: Timestamp,
}

/// Where the timer loops hand their runs.
pub trait Dispatch: Send + Sync + 'static {
    /// Starts `run`; the runner calls [`Scheduler::finish`] when it ends. Returns false when
    /// the run could not be handed over (the receiver is gone); the run then ends at once.
    fn run(&self, run: Run) -> bool;
    /// Reports a tick skipped under the overlap rule.
    fn skipped(&self, skip: Skip);
}

/// A task's state, for listings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskStatus {
    /// The task's name.
    pub name: String,
    /// Its cron expression, as given.
    pub schedule: String,
    /// The IANA name the schedule is read in.
    pub timezone: String,
    /// Whether its runs may overlap.
    pub overlap: bool,
    /// When the timer will next start it; `None` while the scheduler is not started.
    pub next_run_at: Option<Timestamp>,
    /// Runs going now.
    pub running: usize,
    /// Runs started so far (by the timer and by [`Scheduler::begin`]).
    pub runs: u64,
    /// Ticks skipped because a run was still going.
    pub skipped_ticks: u64,
}
