//! The timer loops and the run bookkeeping, with a seconds-level schedule on a real clock
//! (each test takes a few seconds at most).

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use jiff::{SignedDuration, Timestamp};
use pikku_scheduler::{Dispatch, Run, Scheduler, Skip, StartError, TaskSpec};

fn every_second(overlap: bool) -> Scheduler {
    Scheduler::new(vec![TaskSpec {
        name: "tick".into(),
        schedule: "* * * * * *".into(),
        timezone: None,
        overlap,
    }])
    .unwrap()
}

/// Runs each run for `run_for` on the runtime, then finishes it; records what it saw.
struct Recorder {
    scheduler: Scheduler,
    run_for: Duration,
    accept: bool,
    runs: Mutex<Vec<Run>>,
    skips: Mutex<Vec<Skip>>,
    finished: AtomicUsize,
    running: AtomicUsize,
    most_at_once: AtomicUsize,
}

impl Recorder {
    fn new(scheduler: &Scheduler, run_for: Duration) -> Arc<Self> {
        Arc::new(Self {
            scheduler: scheduler.clone(),
            run_for,
            accept: true,
            runs: Mutex::default(),
            skips: Mutex::default(),
            finished: AtomicUsize::new(0),
            running: AtomicUsize::new(0),
            most_at_once: AtomicUsize::new(0),
        })
    }

    /// The dispatch that records into this recorder.
    fn dispatch(self: &Arc<Self>) -> Arc<dyn Dispatch> {
        Arc::new(Handle(Arc::clone(self)))
    }

    fn runs(&self) -> Vec<Run> {
        self.runs.lock().unwrap().clone()
    }
}

/// The dispatch side of a [`Recorder`]: a separate value so that the test can watch when the
/// scheduler drops it.
struct Handle(Arc<Recorder>);

impl Dispatch for Handle {
    fn run(&self, run: Run) -> bool {
        let recorder = Arc::clone(&self.0);
        if !recorder.accept {
            return false;
        }
        recorder.runs.lock().unwrap().push(run);
        let now = recorder.running.fetch_add(1, Ordering::SeqCst) + 1;
        recorder.most_at_once.fetch_max(now, Ordering::SeqCst);
        tokio::spawn(async move {
            tokio::time::sleep(recorder.run_for).await;
            recorder.running.fetch_sub(1, Ordering::SeqCst);
            recorder.finished.fetch_add(1, Ordering::SeqCst);
            assert!(recorder.scheduler.finish(run.task, run.run_id));
        });
        true
    }

    fn skipped(&self, skip: Skip) {
        self.0.skips.lock().unwrap().push(skip);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_seconds_schedule_runs_every_second_until_stopped() {
    let scheduler = every_second(false);
    let recorder = Recorder::new(&scheduler, Duration::from_millis(10));
    let dispatch = recorder.dispatch();
    scheduler.start(Arc::clone(&dispatch)).unwrap();
    assert!(scheduler.is_started());
    tokio::time::sleep(Duration::from_millis(50)).await;
    let next = scheduler.status()[0]
        .next_run_at
        .expect("a next run while started");
    assert!(next > Timestamp::now() && next <= Timestamp::now() + SignedDuration::from_secs(1));

    tokio::time::sleep(Duration::from_millis(2500)).await;
    scheduler.stop().await;
    let runs = recorder.runs();
    assert!(runs.len() >= 2, "{runs:?}");
    for pair in runs.windows(2) {
        assert_eq!(
            pair[1].scheduled_at.duration_since(pair[0].scheduled_at),
            SignedDuration::from_secs(1)
        );
    }
    assert!(runs.iter().all(|r| r.scheduled_at.subsec_nanosecond() == 0));
    assert_eq!(recorder.finished.load(Ordering::SeqCst), runs.len());

    let status = &scheduler.status()[0];
    assert_eq!(status.next_run_at, None);
    assert_eq!(
        (status.running, status.runs as usize, status.skipped_ticks),
        (0, runs.len(), 0)
    );
    // The loops let go of the dispatch: in the addon, that releases the JS callback.
    assert_eq!(Arc::strong_count(&dispatch), 1);
    // No tick after the stop.
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(recorder.runs().len(), runs.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn halt_stops_the_timers_at_once_and_lets_go_of_the_dispatch() {
    let scheduler = every_second(false);
    // Runs that never finish: halt does not wait for them.
    let recorder = Recorder::new(&scheduler, Duration::from_secs(3600));
    let dispatch = recorder.dispatch();
    scheduler.start(Arc::clone(&dispatch)).unwrap();
    tokio::time::sleep(Duration::from_millis(1200)).await;
    let before = recorder.runs().len();
    assert!(before >= 1);
    let halted = Instant::now();
    scheduler.halt();
    assert!(halted.elapsed() < Duration::from_millis(50));
    assert!(!scheduler.is_started());
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        Arc::strong_count(&dispatch),
        1,
        "the loops let go of the dispatch"
    );
    tokio::time::sleep(Duration::from_millis(1100)).await;
    assert_eq!(recorder.runs().len(), before, "no tick after halt");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_slower_than_the_period_skips_ticks_and_never_overlaps() {
    let scheduler = every_second(false);
    let recorder = Recorder::new(&scheduler, Duration::from_millis(1600));
    scheduler.start(recorder.dispatch()).unwrap();
    tokio::time::sleep(Duration::from_millis(3200)).await;
    scheduler.stop().await;

    assert_eq!(recorder.most_at_once.load(Ordering::SeqCst), 1);
    let skips = recorder.skips.lock().unwrap().clone();
    assert!(!skips.is_empty());
    let runs = recorder.runs();
    // A skipped tick is one that no run took.
    assert!(skips
        .iter()
        .all(|s| runs.iter().all(|r| r.scheduled_at != s.scheduled_at)));
    assert_eq!(scheduler.status()[0].skipped_ticks as usize, skips.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn overlap_allows_concurrent_runs() {
    let scheduler = every_second(true);
    let recorder = Recorder::new(&scheduler, Duration::from_millis(1600));
    scheduler.start(recorder.dispatch()).unwrap();
    tokio::time::sleep(Duration::from_millis(3200)).await;
    scheduler.stop().await;
    assert_eq!(recorder.most_at_once.load(Ordering::SeqCst), 2);
    assert!(recorder.skips.lock().unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stop_waits_for_the_running_run() {
    let scheduler = every_second(false);
    let recorder = Recorder::new(&scheduler, Duration::from_millis(800));
    scheduler.start(recorder.dispatch()).unwrap();
    while recorder.running.load(Ordering::SeqCst) == 0 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let stopping = Instant::now();
    let stop = tokio::spawn({
        let scheduler = scheduler.clone();
        async move { scheduler.stop().await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert_eq!(
        scheduler.start(recorder.dispatch()),
        Err(StartError::Stopping)
    );
    stop.await.unwrap();
    assert!(stopping.elapsed() >= Duration::from_millis(600));
    assert_eq!(recorder.running.load(Ordering::SeqCst), 0);
    assert_eq!(
        recorder.finished.load(Ordering::SeqCst),
        recorder.runs().len()
    );
    // Stopped: it may start again.
    scheduler.start(recorder.dispatch()).unwrap();
    scheduler.stop().await;
}

#[tokio::test]
async fn starting_twice_is_refused() {
    let scheduler = every_second(false);
    let recorder = Recorder::new(&scheduler, Duration::ZERO);
    scheduler.start(recorder.dispatch()).unwrap();
    let err = scheduler.start(recorder.dispatch()).unwrap_err();
    assert_eq!(err, StartError::AlreadyStarted);
    assert!(err
        .to_string()
        .contains("call stop() before starting it again"));
    scheduler.stop().await;
}

#[tokio::test]
async fn a_manual_run_follows_the_overlap_rule_and_stop_waits_for_it() {
    let scheduler = every_second(false);
    let first = scheduler.begin(0).expect("an idle task runs");
    assert!(scheduler.begin(0).is_none(), "no overlap by default");
    assert!(scheduler.begin(7).is_none(), "unknown task");
    assert_eq!(scheduler.status()[0].running, 1);

    let stop = tokio::spawn({
        let scheduler = scheduler.clone();
        async move { scheduler.stop().await }
    });
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(!stop.is_finished());
    assert!(scheduler.finish(0, first.run_id));
    assert!(!scheduler.finish(0, first.run_id), "a run ends once");
    stop.await.unwrap();

    let overlapping = every_second(true);
    let a = overlapping.begin(0).unwrap();
    let b = overlapping.begin(0).unwrap();
    assert_ne!(a.run_id, b.run_id);
    assert_eq!(overlapping.status()[0].running, 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_run_that_cannot_be_handed_over_ends_at_once() {
    let scheduler = every_second(false);
    let mut recorder = Recorder::new(&scheduler, Duration::ZERO);
    Arc::get_mut(&mut recorder).unwrap().accept = false;
    scheduler.start(recorder.dispatch()).unwrap();
    tokio::time::sleep(Duration::from_millis(2200)).await;
    let status = scheduler.status()[0].clone();
    assert!(status.runs >= 2);
    // Not left "running": the later ticks were not skipped.
    assert_eq!((status.running, status.skipped_ticks), (0, 0));
    scheduler.stop().await;
}

#[tokio::test]
async fn the_next_run_is_known_as_soon_as_start_returns() {
    let scheduler = every_second(false);
    assert_eq!(scheduler.status()[0].next_run_at, None);
    let recorder = Recorder::new(&scheduler, Duration::ZERO);
    scheduler.start(recorder.dispatch()).unwrap();
    // The timer loop has not been polled yet on this single-threaded runtime.
    let next = scheduler.status()[0]
        .next_run_at
        .expect("a next run right after start");
    assert!(next > Timestamp::now() - SignedDuration::from_secs(1));
    scheduler.stop().await;
}
