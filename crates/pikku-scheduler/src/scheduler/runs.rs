//! The shared state behind a scheduler: each task's running runs and counters, the phase of
//! the timer loops, and the count a graceful stop waits on.

use std::sync::{Mutex, MutexGuard, PoisonError};

use jiff::Timestamp;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use super::{Dispatch, Run, Skip, TaskSpec};
use crate::schedule::Schedule;

pub(super) struct Inner {
    pub(super) tasks: Vec<Task>,
    pub(super) state: Mutex<State>,
    /// Runs going now, over all tasks: what a graceful stop waits on.
    pub(super) active: watch::Sender<usize>,
}

pub(super) struct Task {
    pub(super) spec: TaskSpec,
    pub(super) schedule: Schedule,
}

pub(super) struct State {
    pub(super) tasks: Vec<TaskState>,
    pub(super) next_run_id: u64,
    pub(super) phase: Phase,
}

#[derive(Default)]
pub(super) struct TaskState {
    pub(super) running: Vec<u64>,
    pub(super) runs: u64,
    pub(super) skipped_ticks: u64,
    pub(super) next_run_at: Option<Timestamp>,
}

pub(super) enum Phase {
    Idle,
    Started {
        stop: watch::Sender<bool>,
        loops: Vec<JoinHandle<()>>,
    },
    Stopping,
}

impl Inner {
    pub(super) fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent between statements, so a panic elsewhere leaves it usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(super) fn try_begin(&self, task: usize) -> Option<u64> {
        let overlap = self.tasks.get(task)?.spec.overlap;
        let mut state = self.lock();
        if !overlap && !state.tasks[task].running.is_empty() {
            return None;
        }
        let run_id = state.next_run_id;
        state.next_run_id += 1;
        let entry = &mut state.tasks[task];
        entry.running.push(run_id);
        entry.runs += 1;
        self.active.send_modify(|n| *n += 1);
        Some(run_id)
    }

    pub(super) fn finish(&self, task: usize, run_id: u64) -> bool {
        let mut state = self.lock();
        let Some(entry) = state.tasks.get_mut(task) else {
            return false;
        };
        let Some(at) = entry.running.iter().position(|id| *id == run_id) else {
            return false;
        };
        entry.running.swap_remove(at);
        self.active.send_modify(|n| *n -= 1);
        true
    }

    /// A due tick: a run, or a skip when the previous run is still going.
    pub(super) fn tick(&self, task: usize, scheduled_at: Timestamp, dispatch: &dyn Dispatch) {
        match self.try_begin(task) {
            Some(run_id) => {
                let run = Run {
                    task,
                    run_id,
                    scheduled_at,
                };
                if !dispatch.run(run) {
                    self.finish(task, run_id);
                }
            }
            None => {
                self.lock().tasks[task].skipped_ticks += 1;
                dispatch.skipped(Skip { task, scheduled_at });
            }
        }
    }

    pub(super) fn set_next_run(&self, task: usize, at: Option<Timestamp>) {
        self.lock().tasks[task].next_run_at = at;
    }
}
