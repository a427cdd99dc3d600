//! What every read is computed against: one moment (now, and today in Vietnam) and the public
//! addresses that turn stored keys into links. A surface builds it once per request
//! (`AppState::view`), so a page never mixes two clocks or two media prefixes.

use chrono::{DateTime, NaiveDate, Utc};

#[derive(Debug, Clone, Copy)]
pub struct ReadContext<'a> {
    pub now: DateTime<Utc>,
    /// The date in Vietnam at `now`: certificates and stars follow it.
    pub today: NaiveDate,
    /// Prefix of public media URLs.
    pub media_base: &'a str,
    /// Absolute URL of the site, without a trailing slash (QR codes, Open Graph).
    pub base_url: &'a str,
}
