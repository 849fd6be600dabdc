#![warn(missing_docs)]
//! The scheduler of `@pikku/native`, without Node: cron expressions (5 or 6 fields) read in
//! IANA time zones, the next run after a moment, one timer loop per task on tokio, and the
//! bookkeeping that keeps one task's runs from overlapping and lets a stop wait for them.
//!
//! The napi binding hands each [`Run`] to JavaScript and calls [`Scheduler::finish`] when
//! JavaScript reports the run settled; nothing here knows about Node.

mod schedule;
mod scheduler;

pub use schedule::{Schedule, ScheduleError};
pub use scheduler::{
    ConfigError, Dispatch, Run, Scheduler, Skip, StartError, TaskSpec, TaskStatus,
};
