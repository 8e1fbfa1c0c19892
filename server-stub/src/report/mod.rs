//! `switchboard-server report`: service figures over whole UTC days, as CSV, from the
//! `session_facts` table (migration 0005, written by the router with every batch), on
//! either engine: the SQLite file (`sqlite.rs`) or PostgreSQL (`postgres.rs`).
//!
//! Per team (or per rep with `--by rep`): sessions, median and 90th percentile wait (first
//! queue arrival to first accept), median handle time (accept to end) and abandons (ended
//! while waiting). A session counts on the day it first entered a queue; sessions that never
//! waited in a queue (jumps) are not in it. Each engine file only selects the rows of the
//! range and hands every [`Fact`] to the one [`Tally`] here, so the day boundaries, the
//! percentiles and the CSV are the same whichever engine holds the data. Both read without
//! writing (SQLite opened read-only, PostgreSQL in a read-only transaction), so a running
//! server is not disturbed.
//!
//! `check.rs` is `check-config`'s look at the configured database: it lives here because
//! it is the other read-only visit to a database from the command line and shares the
//! PostgreSQL connection settings.

mod check;
mod postgres;
mod sqlite;

pub use check::{CheckError, describe_database};

use crate::config::Config;
use crate::router::dashboard::series::percentile;
use crate::store::Database;
use std::collections::BTreeMap;
use std::fmt::Write as _;

const DAY_MS: i64 = 24 * 60 * 60 * 1000;
/// The longest range one report covers: ten years of days.
const MAX_DAYS: i64 = 3660;
/// The schema version that has `session_facts`.
const FACTS_VERSION: i64 = 5;

/// What the rows are grouped by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum, Default)]
pub enum ReportBy {
    #[default]
    Team,
    Rep,
}

/// `report`'s arguments (the configuration and database are the global `--config`, `--db`,
/// `--database`).
#[derive(Debug, Clone, clap::Args)]
pub struct ReportArgs {
    /// The first day, YYYY-MM-DD (UTC).
    #[arg(long)]
    pub from: String,
    /// The last day, YYYY-MM-DD (UTC), included.
    #[arg(long)]
    pub to: String,
    /// One row per team (the default) or per rep (who accepted).
    #[arg(long, value_enum, default_value_t = ReportBy::Team)]
    pub by: ReportBy,
}

/// Why no report could be made.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    #[error("`{0}` is not a date of the form YYYY-MM-DD")]
    BadDate(String),
    #[error("--to is before --from, or the range is longer than {MAX_DAYS} days")]
    BadRange,
    #[error("the database: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// PostgreSQL's own message (connecting, a timeout, a query); it never holds the URL.
    #[error("the database: {0}")]
    Postgres(#[from] ::postgres::Error),
    #[error("PostgreSQL did not answer within {0:?}")]
    NoAnswer(std::time::Duration),
    #[error("could not start a thread to connect to the database: {0}")]
    Thread(std::io::Error),
    #[error(
        "the database has schema version {0}, without session facts: start the server on it once"
    )]
    TooOld(i64),
}

/// The milliseconds a report covers: `[start_ms, end_ms)`, whole UTC days.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DayRange {
    pub start_ms: i64,
    pub end_ms: i64,
}

impl DayRange {
    /// `from` to `to` included, both `YYYY-MM-DD`; refused when reversed or too long.
    pub fn parse(from: &str, to: &str) -> Result<DayRange, ReportError> {
        let (first, last) = (parse_day(from)?, parse_day(to)?);
        if last < first || last - first >= MAX_DAYS {
            return Err(ReportError::BadRange);
        }
        Ok(DayRange {
            start_ms: first * DAY_MS,
            end_ms: (last + 1) * DAY_MS,
        })
    }
}

/// Days since 1970-01-01 of a `YYYY-MM-DD` date (proleptic Gregorian calendar).
pub fn parse_day(text: &str) -> Result<i64, ReportError> {
    let bad = || ReportError::BadDate(text.to_owned());
    let mut parts = text.splitn(3, '-');
    let mut next = |len: usize| -> Result<i64, ReportError> {
        let part = parts.next().ok_or_else(bad)?;
        if part.len() != len || !part.bytes().all(|b| b.is_ascii_digit()) {
            return Err(bad());
        }
        part.parse().map_err(|_| bad())
    };
    let (year, month, day) = (next(4)?, next(2)?, next(2)?);
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let month_days = [
        31,
        if leap { 29 } else { 28 },
        31,
        30,
        31,
        30,
        31,
        31,
        30,
        31,
        30,
        31,
    ];
    let month_index = usize::try_from(month - 1).map_err(|_| bad())?;
    let max_day = *month_days.get(month_index).ok_or_else(bad)?;
    if !(1..=max_day).contains(&day) {
        return Err(bad());
    }
    // Howard Hinnant's days_from_civil.
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    Ok(era * 146_097 + doe - 719_468)
}

/// One session's facts, as either engine reads them.
pub(crate) struct Fact {
    pub team: Option<String>,
    pub queued_at: i64,
    pub accepted_at: Option<i64>,
    pub accepted_by: Option<String>,
    pub ended_at: Option<i64>,
    pub abandoned: bool,
}

#[derive(Default)]
struct Group {
    sessions: u64,
    waits: Vec<u64>,
    handles: Vec<u64>,
    abandons: u64,
}

/// The figures being gathered: one [`Group`] per team or rep, fed one fact at a time.
pub(crate) struct Tally {
    by: ReportBy,
    groups: BTreeMap<String, Group>,
}

impl Tally {
    /// Every configured team or rep has a row, busy or not.
    fn new(config: &Config, by: ReportBy) -> Tally {
        let keys: Vec<String> = match by {
            ReportBy::Team => config.teams.keys().map(ToString::to_string).collect(),
            ReportBy::Rep => config.reps.keys().map(ToString::to_string).collect(),
        };
        Tally {
            by,
            groups: keys.into_iter().map(|k| (k, Group::default())).collect(),
        }
    }

    pub fn add(&mut self, fact: Fact) {
        let key = match self.by {
            ReportBy::Team => fact.team.unwrap_or_else(|| "(no team)".to_owned()),
            ReportBy::Rep => match fact.accepted_by {
                Some(rep) => rep,
                // Nobody took it: it counts for no rep.
                None => return,
            },
        };
        let group = self.groups.entry(key).or_default();
        group.sessions += 1;
        group.abandons += u64::from(fact.abandoned);
        if let Some(accepted) = fact.accepted_at {
            group.waits.push(non_negative(accepted - fact.queued_at));
            if let Some(ended) = fact.ended_at {
                group.handles.push(non_negative(ended - accepted));
            }
        }
    }

    fn into_csv(self) -> String {
        let mut csv = String::new();
        let name = match self.by {
            ReportBy::Team => "team",
            ReportBy::Rep => "rep",
        };
        let _ = writeln!(
            csv,
            "{name},sessions,wait_p50_secs,wait_p90_secs,handle_p50_secs,abandoned"
        );
        for (key, mut group) in self.groups {
            group.waits.sort_unstable();
            group.handles.sort_unstable();
            let _ = writeln!(
                csv,
                "{},{},{},{},{},{}",
                csv_field(&key),
                group.sessions,
                seconds(percentile(&group.waits, 50)),
                seconds(percentile(&group.waits, 90)),
                seconds(percentile(&group.handles, 50)),
                group.abandons
            );
        }
        csv
    }
}

/// The report as CSV text, from the SQLite file or PostgreSQL that `database` names.
/// Blocking; with PostgreSQL it must not run inside an async runtime (the synchronous
/// client runs one of its own): from `spawn_blocking` or a plain thread.
pub fn report(
    config: &Config,
    database: &Database,
    from: &str,
    to: &str,
    by: ReportBy,
) -> Result<String, ReportError> {
    let range = DayRange::parse(from, to)?;
    let mut tally = Tally::new(config, by);
    match database {
        Database::Sqlite(path) => sqlite::read_facts(path, range, &mut tally)?,
        Database::Postgres(url) => postgres::read_facts(url, range, &mut tally)?,
    }
    Ok(tally.into_csv())
}

fn non_negative(ms: i64) -> u64 {
    u64::try_from(ms).unwrap_or(0)
}

/// Milliseconds as seconds with one decimal.
fn seconds(ms: u64) -> String {
    format!("{}.{}", ms / 1000, (ms % 1000) / 100)
}

/// Ids are letters, digits, `-`, `_`, `.` (config.rs), but a field is quoted if it ever
/// holds a comma or a quote.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_parsed_and_checked() {
        assert_eq!(parse_day("1970-01-01").unwrap(), 0);
        assert_eq!(parse_day("2023-11-14").unwrap(), 19_675);
        assert_eq!(parse_day("2024-02-29").unwrap(), 19_782);
        for bad in [
            "2023-02-29",
            "2023-13-01",
            "2023-1-01",
            "yesterday",
            "2023-01-00",
            "",
        ] {
            assert!(parse_day(bad).is_err(), "{bad}");
        }
    }

    /// The range is whole UTC days, `--to` included; reversed or too long is refused.
    #[test]
    fn ranges_are_whole_days() {
        assert_eq!(
            DayRange::parse("1970-01-02", "1970-01-03").unwrap(),
            DayRange {
                start_ms: DAY_MS,
                end_ms: 3 * DAY_MS
            }
        );
        assert!(matches!(
            DayRange::parse("2023-11-15", "2023-11-14"),
            Err(ReportError::BadRange)
        ));
        assert!(matches!(
            DayRange::parse("2000-01-01", "2020-01-01"),
            Err(ReportError::BadRange)
        ));
    }

    #[test]
    fn seconds_have_one_decimal() {
        assert_eq!(seconds(12_345), "12.3");
        assert_eq!(seconds(0), "0.0");
    }
}
