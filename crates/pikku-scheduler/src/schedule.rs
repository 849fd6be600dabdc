//! Cron expressions read in a time zone: parsing, and the next run after a moment.

use std::fmt;

use croner::parser::{CronParser, Seconds, Year};
use croner::Cron;
use jiff::tz::TimeZone;
use jiff::Timestamp;

/// A cron expression (5 fields, or 6 with seconds first) read in an IANA time zone.
///
/// ```
/// use pikku_scheduler::Schedule;
///
/// let daily = Schedule::parse("0 9 * * *", Some("Europe/Helsinki")).unwrap();
/// let now = jiff::Timestamp::now();
/// assert!(daily.next_after(now).unwrap() > now);
/// ```
#[derive(Debug, Clone)]
pub struct Schedule {
    cron: Cron,
    zone: TimeZone,
    zone_name: String,
}

/// Why a schedule cannot be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleError {
    /// Not 5 or 6 fields.
    FieldCount {
        /// The schedule as given.
        expression: String,
        /// How many fields it has.
        found: usize,
    },
    /// A field the cron parser refused.
    Invalid {
        /// The schedule as given.
        expression: String,
        /// What is wrong, and in which field.
        reason: String,
    },
    /// Not an IANA time zone name.
    UnknownTimeZone(String),
    /// Valid, but matching no future moment (`0 0 30 2 *`).
    NeverRuns {
        /// The schedule as given.
        expression: String,
    },
}

impl fmt::Display for ScheduleError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::FieldCount { expression, found } => write!(
                f,
                "schedule `{expression}` has {found} field{}; a schedule has 5 fields (minute hour day-of-month month day-of-week, as `*/5 * * * *`) or 6 with seconds first (`*/10 * * * * *`)",
                if *found == 1 { "" } else { "s" }
            ),
            Self::Invalid { expression, reason } => {
                write!(f, "schedule `{expression}` is not a valid cron expression: {reason}")
            }
            Self::UnknownTimeZone(zone) => write!(
                f,
                "time zone `{zone}` is not an IANA time zone name; use one such as `Europe/Helsinki`, `America/New_York` or `UTC`"
            ),
            Self::NeverRuns { expression } => write!(
                f,
                "schedule `{expression}` matches no future time (a date that does not exist, such as 30 February?)"
            ),
        }
    }
}

impl std::error::Error for ScheduleError {}

fn parser() -> CronParser {
    CronParser::builder()
        .seconds(Seconds::Optional)
        .year(Year::Disallowed)
        .build()
}

/// The fields of a 6-field expression, with what each accepts; a 5-field one has no seconds.
const FIELDS: [&str; 6] = [
    "second (0-59)",
    "minute (0-59)",
    "hour (0-23)",
    "day-of-month (1-31, L, W)",
    "month (1-12, JAN-DEC)",
    "day-of-week (0-7, SUN-SAT, #, L)",
];

/// Names the field the parser refused (its messages do not): the first one whose
/// replacement by `*` makes the expression parse.
fn faulty_field(expression: &str) -> Option<String> {
    let fields: Vec<&str> = expression.split_whitespace().collect();
    if !(5..=6).contains(&fields.len()) {
        return None;
    }
    let names = &FIELDS[FIELDS.len() - fields.len()..];
    (0..fields.len()).find_map(|at| {
        let mut patched = fields.clone();
        patched[at] = "*";
        parser()
            .parse(&patched.join(" "))
            .is_ok()
            .then(|| format!("the {} field `{}` is invalid", names[at], fields[at]))
    })
}

impl Schedule {
    /// Parses `expression` (5 or 6 fields, or a nickname such as `@hourly`) to be read in
    /// `timezone` (an IANA name; UTC when `None`).
    pub fn parse(expression: &str, timezone: Option<&str>) -> Result<Self, ScheduleError> {
        let (zone, zone_name) = match timezone {
            None => (TimeZone::UTC, "UTC".to_owned()),
            Some(name) => {
                let zone = TimeZone::get(name)
                    .map_err(|_| ScheduleError::UnknownTimeZone(name.to_owned()))?;
                // The database's spelling: names are found without regard to case.
                let canonical = zone.iana_name().unwrap_or(name).to_owned();
                (zone, canonical)
            }
        };
        let trimmed = expression.trim();
        // The parser also takes a 7th (year) field; checked here so the message says what is
        // accepted rather than what the parser would have taken.
        let found = trimmed.split_whitespace().count();
        if !trimmed.starts_with('@') && !(5..=6).contains(&found) {
            return Err(ScheduleError::FieldCount {
                expression: expression.to_owned(),
                found,
            });
        }
        let cron = parser()
            .parse(trimmed)
            .map_err(|err| ScheduleError::Invalid {
                expression: expression.to_owned(),
                reason: match faulty_field(trimmed) {
                    Some(field) => format!("{field}: {err}"),
                    None => err.to_string(),
                },
            })?;
        let schedule = Self {
            cron,
            zone,
            zone_name,
        };
        if schedule.next_after(Timestamp::now()).is_none() {
            return Err(ScheduleError::NeverRuns {
                expression: expression.to_owned(),
            });
        }
        Ok(schedule)
    }

    /// The first moment strictly after `after` that the schedule matches, or `None` when there
    /// is none (within the parser's search limit).
    ///
    /// Daylight saving time follows the cron convention: a fixed time that falls in the
    /// spring-forward gap runs right after the gap; in the fall-back overlap it runs once;
    /// interval schedules (`*/15 * * * *`) keep running in real time through both.
    pub fn next_after(&self, after: Timestamp) -> Option<Timestamp> {
        self.cron
            .find_next_occurrence(&after.to_zoned(self.zone.clone()), false)
            .ok()
            .map(|next| next.timestamp())
    }

    /// [`next_after`](Self::next_after) in milliseconds since the epoch, for callers that
    /// keep time as numbers (a broker's repeat strategy).
    pub fn next_after_millis(&self, after_ms: i64) -> Option<i64> {
        let after = Timestamp::from_millisecond(after_ms).ok()?;
        self.next_after(after).map(|next| next.as_millisecond())
    }

    /// The IANA name of the time zone the expression is read in (`UTC` by default).
    pub fn zone_name(&self) -> &str {
        &self.zone_name
    }
}
