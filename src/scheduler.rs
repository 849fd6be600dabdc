//! The scheduler's binding: hands the timer's runs and skips to a JavaScript callback through
//! a thread-safe function, and takes back the ends of runs. Parsing, timing and the overlap
//! rule are all in `pikku-scheduler`.

use std::sync::Arc;

use napi::bindgen_prelude::*;
use napi::threadsafe_function::{ThreadsafeFunction, ThreadsafeFunctionCallMode};
use napi_derive::napi;
use pikku_scheduler::{Dispatch, Run, Schedule, Scheduler, Skip, TaskSpec};

/// A run for JavaScript to start (`kind: 'run'`, then `schedulerFinish` when it settles), or a
/// tick skipped because the task's previous run was still going (`kind: 'skip'`).
#[napi(object)]
pub struct ScheduleEvent {
    #[napi(ts_type = "'run' | 'skip'")]
    pub kind: String,
    /// The task's index in the list given to `createScheduler`.
    pub task: u32,
    /// The run's id for `schedulerFinish` (runs only).
    pub run_id: Option<f64>,
    /// When the tick was due (or the run-now was asked), in milliseconds since the epoch.
    pub scheduled_at: f64,
}

/// A task's state for listings.
#[napi(object)]
pub struct ScheduledTaskStatus {
    pub name: String,
    pub schedule: String,
    /// The IANA time zone the schedule is read in.
    pub timezone: String,
    pub overlap: bool,
    /// When the timer next starts it (ms since the epoch); absent while not started.
    pub next_run_at: Option<f64>,
    /// Runs going now.
    pub running: u32,
    /// Runs started so far.
    pub runs: f64,
    /// Ticks skipped because a run was still going.
    pub skipped_ticks: f64,
}

/// The JS callback, called with the event itself (not Node's `(err, value)` convention).
type EventCallback = ThreadsafeFunction<ScheduleEvent, (), ScheduleEvent, Status, false>;

/// The timer's side of the callback. The timer loops own it; when `stop` has ended them it is
/// dropped, which releases the thread-safe function so that Node may exit.
struct JsDispatch(EventCallback);

impl Dispatch for JsDispatch {
    fn run(&self, run: Run) -> bool {
        self.0
            .call(run_event(&run), ThreadsafeFunctionCallMode::NonBlocking)
            == Status::Ok
    }

    fn skipped(&self, skip: Skip) {
        let event = ScheduleEvent {
            kind: "skip".into(),
            task: skip.task as u32,
            run_id: None,
            scheduled_at: skip.scheduled_at.as_millisecond() as f64,
        };
        // Ignored: when JavaScript is gone there is no one left to tell.
        let _ = self.0.call(event, ThreadsafeFunctionCallMode::NonBlocking);
    }
}

fn run_event(run: &Run) -> ScheduleEvent {
    ScheduleEvent {
        kind: "run".into(),
        task: run.task as u32,
        // Run ids count up from 1; f64 holds them exactly up to 2^53.
        run_id: Some(run.run_id as f64),
        scheduled_at: run.scheduled_at.as_millisecond() as f64,
    }
}

/// Parses the tasks (a JSON array of `{ name, schedule, timezone?, overlap? }`); throws with
/// every bad task, one per line.
#[napi(ts_return_type = "ExternalObject<'PikkuScheduler'>")]
pub fn create_scheduler(env: Env, tasks_json: String) -> Result<External<Scheduler>> {
    let specs: Vec<TaskSpec> = serde_json::from_str(&tasks_json).map_err(|err| {
        Error::from_reason(format!("PIKKU_ERR_SCHEDULE: invalid task list: {err}"))
    })?;
    let scheduler = Scheduler::new(specs).map_err(|err| Error::from_reason(err.to_string()))?;
    // A worker terminated (or Node exiting) without `stop()`: no one is left to run the
    // tasks, so the timers end with the environment instead of firing into it. One hook per
    // scheduler, however often it is started (halting one not running does nothing).
    let halted = Scheduler::clone(&scheduler);
    env.add_env_cleanup_hook((), move |()| halted.halt())?;
    Ok(External::new(scheduler))
}

/// Starts the timers on the addon's tokio runtime; `onEvent` gets every run and skip. The
/// callback keeps Node alive (as a `setInterval` does) until `schedulerStop` resolves.
#[napi]
pub fn scheduler_start(
    #[napi(ts_arg_type = "ExternalObject<'PikkuScheduler'>")] scheduler: &External<Scheduler>,
    #[napi(ts_arg_type = "(event: ScheduleEvent) => void")] on_event: EventCallback,
) -> Result<()> {
    let dispatch = Arc::new(JsDispatch(on_event));
    within_runtime_if_available(|| scheduler.start(dispatch))
        .map_err(|err| Error::from_reason(err.to_string()))
}

/// Stops the timers, then resolves once every running run has been finished.
#[napi(ts_return_type = "Promise<void>")]
pub fn scheduler_stop<'env>(
    env: &'env Env,
    #[napi(ts_arg_type = "ExternalObject<'PikkuScheduler'>")] scheduler: &External<Scheduler>,
) -> Result<PromiseRaw<'env, ()>> {
    let scheduler = Scheduler::clone(scheduler);
    env.spawn_future(async move {
        scheduler.stop().await;
        Ok(())
    })
}

/// Begins a run of `task` due now (run-now), under the overlap rule: `null` when the task's
/// previous run is still going and it does not allow overlap.
#[napi]
pub fn scheduler_begin(
    #[napi(ts_arg_type = "ExternalObject<'PikkuScheduler'>")] scheduler: &External<Scheduler>,
    task: u32,
) -> Option<ScheduleEvent> {
    scheduler.begin(task as usize).map(|run| run_event(&run))
}

/// Ends a run; false when it was not running.
#[napi]
pub fn scheduler_finish(
    #[napi(ts_arg_type = "ExternalObject<'PikkuScheduler'>")] scheduler: &External<Scheduler>,
    task: u32,
    run_id: f64,
) -> bool {
    scheduler.finish(task as usize, run_id as u64)
}

/// Every task with its next run time and counters, in the order given.
#[napi]
pub fn scheduler_list(
    #[napi(ts_arg_type = "ExternalObject<'PikkuScheduler'>")] scheduler: &External<Scheduler>,
) -> Vec<ScheduledTaskStatus> {
    scheduler
        .status()
        .into_iter()
        .map(|task| ScheduledTaskStatus {
            name: task.name,
            schedule: task.schedule,
            timezone: task.timezone,
            overlap: task.overlap,
            next_run_at: task.next_run_at.map(|at| at.as_millisecond() as f64),
            running: task.running as u32,
            runs: task.runs as f64,
            skipped_ticks: task.skipped_ticks as f64,
        })
        .collect()
}

/// The first moment after `after_ms` (milliseconds since the epoch) that `schedule`, read in
/// `timezone` (UTC when absent), matches, in milliseconds; `null` when it never does again.
/// The engine's cron rules (time zones, daylight saving) for a broker's own timer. Throws
/// `PIKKU_ERR_SCHEDULE` on a schedule it cannot read.
#[napi]
pub fn schedule_next(
    schedule: String,
    timezone: Option<String>,
    after_ms: f64,
) -> Result<Option<f64>> {
    let parsed = Schedule::parse(&schedule, timezone.as_deref())
        .map_err(|err| Error::from_reason(format!("PIKKU_ERR_SCHEDULE: {err}")))?;
    #[allow(clippy::cast_possible_truncation)] // ms since the epoch fit an i64 and an f64 exactly
    let next = parsed.next_after_millis(after_ms as i64);
    Ok(next.map(|ms| ms as f64))
}
