//! The timer loops and the run bookkeeping. A run is handed to a [`Dispatch`] and ends when
//! whoever ran it calls [`Scheduler::finish`]: the binding layer hands runs to JavaScript,
//! which reports back when the function settled.

mod errors;
mod runs;
mod tasks;
mod timer;

use std::sync::{Arc, Mutex};

use jiff::Timestamp;
use tokio::sync::watch;

use crate::schedule::Schedule;
pub use errors::{ConfigError, StartError};
use runs::{Inner, Phase, State, Task, TaskState};
pub use tasks::{Dispatch, Run, Skip, TaskSpec, TaskStatus};
use timer::timer_loop;

/// Tasks, their timer loops and their running runs. Clones share one scheduler.
///
/// ```no_run
/// # use std::sync::Arc;
/// # use pikku_scheduler::{Dispatch, Run, Scheduler, Skip, TaskSpec};
/// struct Print(Scheduler);
/// impl Dispatch for Print {
///     fn run(&self, run: Run) -> bool {
///         println!("run {run:?}");
///         self.0.finish(run.task, run.run_id);
///         true
///     }
///     fn skipped(&self, _: Skip) {}
/// }
/// # async fn demo() {
/// let spec = TaskSpec { name: "tick".into(), schedule: "* * * * * *".into(), timezone: None, overlap: false };
/// let scheduler = Scheduler::new(vec![spec]).unwrap();
/// scheduler.start(Arc::new(Print(scheduler.clone()))).unwrap();
/// tokio::time::sleep(std::time::Duration::from_secs(3)).await;
/// scheduler.stop().await;
/// # }
/// ```
#[derive(Clone)]
pub struct Scheduler {
    inner: Arc<Inner>,
}

impl Scheduler {
    /// Parses every task; the error names each task with a bad schedule or time zone, and
    /// each name used twice.
    pub fn new(specs: Vec<TaskSpec>) -> Result<Self, ConfigError> {
        let mut problems = Vec::new();
        let mut tasks = Vec::with_capacity(specs.len());
        for (index, spec) in specs.iter().enumerate() {
            if spec.name.trim().is_empty() {
                problems.push(format!(
                    "PIKKU_ERR_SCHEDULE: scheduled task #{} (schedule `{}`) has no name; give every task a unique `name`",
                    index + 1,
                    spec.schedule
                ));
            } else if specs[..index].iter().any(|s| s.name == spec.name) {
                problems.push(format!(
                    "PIKKU_ERR_SCHEDULE: scheduled task `{}` is registered twice; give every task a unique `name`",
                    spec.name
                ));
            }
            match Schedule::parse(&spec.schedule, spec.timezone.as_deref()) {
                Ok(schedule) => tasks.push(Task {
                    spec: spec.clone(),
                    schedule,
                }),
                Err(err) => problems.push(format!(
                    "PIKKU_ERR_SCHEDULE: scheduled task `{}`: {err}",
                    spec.name
                )),
            }
        }
        if !problems.is_empty() {
            return Err(ConfigError(problems));
        }
        let state = State {
            tasks: tasks.iter().map(|_| TaskState::default()).collect(),
            next_run_id: 1,
            phase: Phase::Idle,
        };
        Ok(Self {
            inner: Arc::new(Inner {
                tasks,
                state: Mutex::new(state),
                active: watch::Sender::new(0),
            }),
        })
    }

    /// Starts one timer loop per task on the current tokio runtime (call it inside one).
    /// The loops hold `dispatch` until [`stop`](Self::stop) ends them.
    pub fn start(&self, dispatch: Arc<dyn Dispatch>) -> Result<(), StartError> {
        let mut state = self.inner.lock();
        match state.phase {
            Phase::Started { .. } => return Err(StartError::AlreadyStarted),
            Phase::Stopping => return Err(StartError::Stopping),
            Phase::Idle => {}
        }
        // Known before `start` returns, so that a `list()` right after it shows every next run.
        let now = Timestamp::now();
        for (task, status) in state.tasks.iter_mut().enumerate() {
            status.next_run_at = self.inner.tasks[task].schedule.next_after(now);
        }
        let (stop, stopped) = watch::channel(false);
        let loops = (0..self.inner.tasks.len())
            .map(|task| {
                tokio::spawn(timer_loop(
                    Arc::clone(&self.inner),
                    task,
                    Arc::clone(&dispatch),
                    stopped.clone(),
                ))
            })
            .collect();
        state.phase = Phase::Started { stop, loops };
        Ok(())
    }

    /// Whether the timer loops run.
    pub fn is_started(&self) -> bool {
        matches!(self.inner.lock().phase, Phase::Started { .. })
    }

    /// Ends the timer loops (no tick starts a run after this call), then waits until every
    /// running run has finished. When it resolves the loops have dropped their dispatch.
    pub async fn stop(&self) {
        let phase = std::mem::replace(&mut self.inner.lock().phase, Phase::Stopping);
        if let Phase::Started { stop, loops } = phase {
            // Ignored: a send fails only when every loop has already ended.
            let _ = stop.send(true);
            for handle in loops {
                // A loop that panicked has ended too, which is all a stop needs.
                let _ = handle.await;
            }
        }
        let mut active = self.inner.active.subscribe();
        // Ignored: `wait_for` fails only when the sender is gone, and `self` holds it.
        let _ = active.wait_for(|running| *running == 0).await;
        let mut state = self.inner.lock();
        if matches!(state.phase, Phase::Stopping) {
            state.phase = Phase::Idle;
        }
    }

    /// Stops the timers at once, without waiting for runs in progress: for when the
    /// environment that would run and finish them is gone (a worker terminated). The loops
    /// let go of the dispatch as they end.
    pub fn halt(&self) {
        let phase = std::mem::replace(&mut self.inner.lock().phase, Phase::Idle);
        if let Phase::Started { stop, loops } = phase {
            let _ = stop.send(true);
            for handle in loops {
                handle.abort();
            }
        }
    }

    /// Begins a run due now, outside the timer (run-now), under the same overlap rule: `None`
    /// when the task is unknown, or its previous run is still going and it does not allow
    /// overlap.
    pub fn begin(&self, task: usize) -> Option<Run> {
        let run_id = self.inner.try_begin(task)?;
        Some(Run {
            task,
            run_id,
            scheduled_at: Timestamp::now(),
        })
    }

    /// Ends a run. Returns false when the run is unknown or has already ended.
    pub fn finish(&self, task: usize, run_id: u64) -> bool {
        self.inner.finish(task, run_id)
    }

    /// Every task with its next run time and counters, in registration order.
    pub fn status(&self) -> Vec<TaskStatus> {
        let state = self.inner.lock();
        self.inner
            .tasks
            .iter()
            .zip(&state.tasks)
            .map(|(task, s)| TaskStatus {
                name: task.spec.name.clone(),
                schedule: task.spec.schedule.clone(),
                timezone: task.schedule.zone_name().to_owned(),
                overlap: task.spec.overlap,
                next_run_at: s.next_run_at,
                running: s.running.len(),
                runs: s.runs,
                skipped_ticks: s.skipped_ticks,
            })
            .collect()
    }
}
