//! Parsing and next-run computation: field counts, time zones, daylight saving time, and the
//! messages of bad expressions.

use jiff::Timestamp;
use pikku_scheduler::{Schedule, ScheduleError, Scheduler, TaskSpec};

fn utc(text: &str) -> Timestamp {
    text.parse().unwrap()
}

fn next(expression: &str, zone: Option<&str>, after: &str) -> String {
    Schedule::parse(expression, zone)
        .unwrap()
        .next_after(utc(after))
        .unwrap()
        .to_string()
}

fn task(name: &str, schedule: &str, timezone: Option<&str>) -> TaskSpec {
    TaskSpec {
        name: name.into(),
        schedule: schedule.into(),
        timezone: timezone.map(Into::into),
        overlap: false,
    }
}

fn config_error(specs: Vec<TaskSpec>) -> String {
    match Scheduler::new(specs) {
        Ok(_) => panic!("the tasks were accepted"),
        Err(err) => err.to_string(),
    }
}

#[test]
fn five_fields_run_on_minutes() {
    assert_eq!(
        next("*/15 * * * *", None, "2025-01-01T10:07:30Z"),
        "2025-01-01T10:15:00Z"
    );
    assert_eq!(
        next("0 9 * * MON", None, "2025-01-01T00:00:00Z"),
        "2025-01-06T09:00:00Z"
    );
}

#[test]
fn six_fields_put_seconds_first() {
    assert_eq!(
        next("* * * * * *", None, "2025-01-01T10:07:30Z"),
        "2025-01-01T10:07:31Z"
    );
    assert_eq!(
        next("*/20 * * * * *", None, "2025-01-01T10:07:41Z"),
        "2025-01-01T10:08:00Z"
    );
    assert_eq!(
        next("30 0 12 * * *", None, "2025-01-01T10:00:00Z"),
        "2025-01-01T12:00:30Z"
    );
}

#[test]
fn the_next_run_is_strictly_after_the_given_moment() {
    assert_eq!(
        next("0 * * * *", None, "2025-01-01T10:00:00Z"),
        "2025-01-01T11:00:00Z"
    );
}

#[test]
fn nicknames_are_accepted() {
    assert_eq!(
        next("@hourly", None, "2025-01-01T10:07:00Z"),
        "2025-01-01T11:00:00Z"
    );
}

#[test]
fn a_time_zone_moves_the_wall_clock_time() {
    // 09:00 in Helsinki: UTC+2 in winter, UTC+3 in summer.
    assert_eq!(
        next("0 9 * * *", Some("Europe/Helsinki"), "2025-01-15T12:00:00Z"),
        "2025-01-16T07:00:00Z"
    );
    assert_eq!(
        next("0 9 * * *", Some("Europe/Helsinki"), "2025-07-15T12:00:00Z"),
        "2025-07-16T06:00:00Z"
    );
    assert_eq!(
        next("0 9 * * *", Some("UTC"), "2025-07-15T12:00:00Z"),
        "2025-07-16T09:00:00Z"
    );
}

#[test]
fn a_fixed_time_in_the_spring_forward_gap_runs_right_after_it() {
    // New York, 9 March 2025: 02:00 EST jumps to 03:00 EDT, so 02:30 does not exist that day.
    let schedule = Schedule::parse("30 2 * * *", Some("America/New_York")).unwrap();
    let gap_day = schedule.next_after(utc("2025-03-09T05:00:00Z")).unwrap();
    assert_eq!(gap_day, utc("2025-03-09T07:00:00Z")); // 03:00 EDT
    let day_after = schedule.next_after(gap_day).unwrap();
    assert_eq!(day_after, utc("2025-03-10T06:30:00Z")); // 02:30 EDT
}

#[test]
fn a_fixed_time_in_the_fall_back_overlap_runs_once() {
    // New York, 2 November 2025: 02:00 EDT falls back to 01:00 EST, so 01:30 happens twice.
    let schedule = Schedule::parse("30 1 * * *", Some("America/New_York")).unwrap();
    let first = schedule.next_after(utc("2025-11-02T04:00:00Z")).unwrap();
    assert_eq!(first, utc("2025-11-02T05:30:00Z")); // 01:30 EDT
    let then = schedule.next_after(first).unwrap();
    assert_eq!(then, utc("2025-11-03T06:30:00Z")); // not 06:30 UTC on the 2nd (01:30 EST)
}

#[test]
fn an_interval_keeps_real_time_through_the_fall_back_overlap() {
    // Every 30 minutes through the repeated hour: 05:30, 06:00 (01:00 EST), 06:30 UTC.
    let schedule = Schedule::parse("*/30 * * * *", Some("America/New_York")).unwrap();
    let mut at = utc("2025-11-02T05:15:00Z");
    let mut runs = Vec::new();
    for _ in 0..3 {
        at = schedule.next_after(at).unwrap();
        runs.push(at.to_string());
    }
    assert_eq!(
        runs,
        [
            "2025-11-02T05:30:00Z",
            "2025-11-02T06:00:00Z",
            "2025-11-02T06:30:00Z"
        ]
    );
}

#[test]
fn leap_days_are_found_years_ahead() {
    let leap = Schedule::parse("0 0 29 2 *", None).unwrap();
    assert_eq!(
        leap.next_after(utc("2025-03-01T00:00:00Z")),
        Some(utc("2028-02-29T00:00:00Z"))
    );
}

#[test]
fn a_wrong_number_of_fields_says_what_is_accepted() {
    for (expression, found) in [("* * * *", 4), ("0 0 0 1 1 * 2030", 7), ("", 0)] {
        let err = Schedule::parse(expression, None).unwrap_err();
        assert_eq!(
            err,
            ScheduleError::FieldCount {
                expression: expression.into(),
                found
            }
        );
        let message = err.to_string();
        assert!(message.contains(&format!("has {found} field")), "{message}");
        assert!(
            message.contains("5 fields") && message.contains("6 with seconds first"),
            "{message}"
        );
    }
}

#[test]
fn a_bad_field_is_named_with_what_it_accepts() {
    for (expression, field) in [
        ("61 * * * *", "the minute (0-59) field `61` is invalid: "),
        ("* 25 * * *", "the hour (0-23) field `25` is invalid: "),
        (
            "* * * * FUNDAY",
            "the day-of-week (0-7, SUN-SAT, #, L) field `FUNDAY` is invalid: ",
        ),
        (
            "*/0 * * * * *",
            "the second (0-59) field `*/0` is invalid: ",
        ),
        (
            "0 0 1 13 *",
            "the month (1-12, JAN-DEC) field `13` is invalid: ",
        ),
    ] {
        let err = Schedule::parse(expression, None).unwrap_err();
        assert!(
            matches!(err, ScheduleError::Invalid { .. }),
            "{expression}: {err:?}"
        );
        let prefix = format!("schedule `{expression}` is not a valid cron expression: {field}");
        assert!(err.to_string().starts_with(&prefix), "{err}");
    }
}

#[test]
fn a_date_that_never_comes_is_refused() {
    let err = Schedule::parse("0 0 30 2 *", None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "schedule `0 0 30 2 *` matches no future time (a date that does not exist, such as 30 February?)"
    );
}

#[test]
fn an_unknown_time_zone_is_refused() {
    let err = Schedule::parse("* * * * *", Some("Mars/Olympus_Mons")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "time zone `Mars/Olympus_Mons` is not an IANA time zone name; use one such as `Europe/Helsinki`, `America/New_York` or `UTC`"
    );
}

#[test]
fn start_up_errors_name_every_bad_task() {
    let message = config_error(vec![
        task("ok", "* * * * *", None),
        task("nightly-report", "0 0 * *", None),
        task("cleanup", "* * * * *", Some("Europe/Helsinky")),
        task("ok", "* * * * * *", None),
        task("", "* * * * *", None),
    ]);
    let lines: Vec<&str> = message.lines().collect();
    assert_eq!(lines.len(), 4, "{message}");
    assert!(lines[0].starts_with(
        "PIKKU_ERR_SCHEDULE: scheduled task `nightly-report`: schedule `0 0 * *` has 4 fields;"
    ));
    assert!(lines[1].starts_with(
        "PIKKU_ERR_SCHEDULE: scheduled task `cleanup`: time zone `Europe/Helsinky` is not an IANA time zone name"
    ));
    assert_eq!(
        lines[2],
        "PIKKU_ERR_SCHEDULE: scheduled task `ok` is registered twice; give every task a unique `name`"
    );
    assert!(lines[3].contains("scheduled task #5 (schedule `* * * * *`) has no name"));
}

#[test]
fn task_specs_read_from_json() {
    let specs: Vec<TaskSpec> = serde_json::from_str(
        r#"[{"name":"a","schedule":"* * * * *","timezone":"Europe/Helsinki","overlap":true},{"name":"b","schedule":"@daily"}]"#,
    )
    .unwrap();
    assert!(specs[0].overlap && !specs[1].overlap);
    let status = Scheduler::new(specs).unwrap().status();
    assert_eq!(status[0].timezone, "Europe/Helsinki");
    assert_eq!(status[1].timezone, "UTC");
    assert_eq!(status[1].next_run_at, None); // not started
}

#[test]
fn time_zone_names_are_found_without_regard_to_case() {
    let specs = vec![task("a", "* * * * *", Some("europe/helsinki"))];
    assert_eq!(
        Scheduler::new(specs).unwrap().status()[0].timezone,
        "Europe/Helsinki"
    );
}
