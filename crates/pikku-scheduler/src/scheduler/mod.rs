//! The timer loops and the run bookkeeping. A run is handed to a [`Dispatch`] and ends when
//! whoever ran it calls [`Scheduler::finish`]: the binding layer hands runs to JavaScript,
//! which reports back when the function settled.

use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use jiff::Timestamp;
use serde::Deserialize;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::schedule::Schedule;

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

/// Every problem of a task list, one line each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(pub Vec<String>);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0.join("\n"))
    }
}

impl std::error::Error for ConfigError {}

/// Why [`Scheduler::start`] refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StartError {
    /// The timer loops run already.
    AlreadyStarted,
    /// A `stop` is still waiting for running tasks.
    Stopping,
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::AlreadyStarted => {
                "PIKKU_ERR_SCHEDULER: the scheduler is already started; call stop() before starting it again"
            }
            Self::Stopping => {
                "PIKKU_ERR_SCHEDULER: the scheduler is still stopping (waiting for running tasks); await stop() before starting it again"
            }
        })
    }
}

impl std::error::Error for StartError {}

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

struct Inner {
    tasks: Vec<Task>,
    state: Mutex<State>,
    /// Runs going now, over all tasks: what a graceful stop waits on.
    active: watch::Sender<usize>,
}

struct Task {
    spec: TaskSpec,
    schedule: Schedule,
}

struct State {
    tasks: Vec<TaskState>,
    next_run_id: u64,
    phase: Phase,
}

#[derive(Default)]
struct TaskState {
    running: Vec<u64>,
    runs: u64,
    skipped_ticks: u64,
    next_run_at: Option<Timestamp>,
}

enum Phase {
    Idle,
    Started {
        stop: watch::Sender<bool>,
        loops: Vec<JoinHandle<()>>,
    },
    Stopping,
}

/// The longest single sleep: a wall-clock step (NTP, a suspended machine) is noticed within it.
const MAX_SLEEP: Duration = Duration::from_secs(60);

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

impl Inner {
    fn lock(&self) -> MutexGuard<'_, State> {
        // The state stays consistent between statements, so a panic elsewhere leaves it usable.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn try_begin(&self, task: usize) -> Option<u64> {
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

    fn finish(&self, task: usize, run_id: u64) -> bool {
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
    fn tick(&self, task: usize, scheduled_at: Timestamp, dispatch: &dyn Dispatch) {
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

    fn set_next_run(&self, task: usize, at: Option<Timestamp>) {
        self.lock().tasks[task].next_run_at = at;
    }
}

/// One task's timer: sleeps until the next matching moment, ticks, repeats until stopped.
async fn timer_loop(
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
