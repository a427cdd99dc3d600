//! The calendar the app reads: the system clock in production, a settable one in tests, so
//! certificate expiry can be tested by moving time instead of waiting for it.

use std::sync::{Arc, RwLock};

use chrono::{DateTime, NaiveDate, Utc};

/// Vietnam has one time zone (UTC+7) and no daylight saving: "today" is the date there. SQL that
/// needs Vietnam's date binds this too (`at time zone make_interval(secs => …)`), so the database
/// and Rust never disagree about when a day starts.
pub const VIETNAM_OFFSET_SECS: i32 = 7 * 3600;

/// Vietnam time, the one offset every page, form and message uses.
pub fn vietnam() -> chrono::FixedOffset {
    chrono::FixedOffset::east_opt(VIETNAM_OFFSET_SECS).expect("UTC+7 is a valid offset")
}

pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    fn today(&self) -> NaiveDate {
        self.now().with_timezone(&vietnam()).date_naive()
    }
}

pub type SharedClock = Arc<dyn Clock>;

pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that stands still until told to move.
pub struct ManualClock(RwLock<DateTime<Utc>>);

impl ManualClock {
    pub fn new(at: DateTime<Utc>) -> Arc<ManualClock> {
        Arc::new(ManualClock(RwLock::new(at)))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.write().unwrap_or_else(|e| e.into_inner()) = at;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.read().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn today_is_the_date_in_vietnam() {
        let clock = ManualClock::new("2026-11-28T18:30:00Z".parse().unwrap());
        assert_eq!(clock.today(), "2026-11-29".parse::<NaiveDate>().unwrap());
        clock.set("2026-11-28T16:59:59Z".parse().unwrap());
        assert_eq!(clock.today(), "2026-11-28".parse::<NaiveDate>().unwrap());
    }
}
