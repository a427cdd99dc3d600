//! OCOP ratings: stars, issuing levels, the 36-month validity and the status derived from dates.

use chrono::{Months, NaiveDate};

/// A certificate is valid for 36 months from its decision date (shared/domain/ocop.md).
pub const VALIDITY_MONTHS: u32 = 36;
/// From this many days before expiry a certificate counts as "expiring".
pub const EXPIRING_WITHIN_DAYS: i64 = 180;

/// Certified ratings: only 3★ and above are certificates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Stars(u8);

impl Stars {
    pub fn new(stars: i64) -> Result<Stars, String> {
        match stars {
            3..=5 => Ok(Stars(stars as u8)),
            _ => Err("số sao OCOP được chứng nhận là 3, 4 hoặc 5".into()),
        }
    }

    pub fn get(self) -> u8 {
        self.0
    }
}

wire_enum! {
    /// Who issued the decision.
    pub enum IssuerLevel {
        District,
        Province,
        Central,
    }
    else "phải là district, province hoặc central"
}

wire_enum! {
    /// The live state of a certificate, always computed from dates and revocation.
    pub enum CertificateStatus {
        Valid,
        Expiring,
        Expired,
        Revoked,
        /// A newer rating of the same product replaced it.
        Superseded,
    }
}

impl CertificateStatus {
    /// Only a certificate in force shows stars anywhere.
    pub fn shows_stars(self) -> bool {
        matches!(self, CertificateStatus::Valid | CertificateStatus::Expiring)
    }

    pub fn derive(expires_on: NaiveDate, revoked: bool, today: NaiveDate) -> CertificateStatus {
        if revoked {
            CertificateStatus::Revoked
        } else if today > expires_on {
            CertificateStatus::Expired
        } else if (expires_on - today).num_days() <= EXPIRING_WITHIN_DAYS {
            CertificateStatus::Expiring
        } else {
            CertificateStatus::Valid
        }
    }
}

impl CertificateStatus {
    /// Like [`CertificateStatus::derive`], knowing also whether a newer rating replaced it.
    /// Revocation wins over supersession, which wins over the calendar.
    pub fn derive_full(
        expires_on: NaiveDate,
        revoked: bool,
        superseded: bool,
        today: NaiveDate,
    ) -> CertificateStatus {
        if !revoked && superseded {
            CertificateStatus::Superseded
        } else {
            CertificateStatus::derive(expires_on, revoked, today)
        }
    }

    /// The three values the public verification API promises (shared/api/CONTRACT.md): a
    /// certificate in force is "valid" (expiring included); one replaced by a newer rating is no
    /// longer in force, so "expired".
    pub fn contract_str(self) -> &'static str {
        match self {
            CertificateStatus::Valid | CertificateStatus::Expiring => "valid",
            CertificateStatus::Expired | CertificateStatus::Superseded => "expired",
            CertificateStatus::Revoked => "revoked",
        }
    }
}

/// The last day a certificate decided on `issued_on` is in force.
pub fn expires_on(issued_on: NaiveDate) -> NaiveDate {
    issued_on
        .checked_add_months(Months::new(VALIDITY_MONTHS))
        .unwrap_or(NaiveDate::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn only_three_to_five_stars_are_certificates() {
        assert!(Stars::new(2).is_err());
        assert!(Stars::new(6).is_err());
        assert_eq!(Stars::new(5).unwrap().get(), 5);
    }

    #[test]
    fn certificates_run_thirty_six_months_from_the_decision() {
        assert_eq!(expires_on(date("2025-06-26")), date("2028-06-26"));
        assert_eq!(expires_on(date("2024-02-29")), date("2027-02-28"));
    }

    #[test]
    fn status_follows_the_calendar_and_revocation() {
        let expiry = date("2027-06-30");
        assert_eq!(
            CertificateStatus::derive(expiry, false, date("2026-11-28")),
            CertificateStatus::Valid
        );
        assert_eq!(
            CertificateStatus::derive(expiry, false, date("2027-01-01")),
            CertificateStatus::Expiring
        );
        assert_eq!(
            CertificateStatus::derive(expiry, false, date("2027-06-30")),
            CertificateStatus::Expiring
        );
        assert_eq!(
            CertificateStatus::derive(expiry, false, date("2027-07-01")),
            CertificateStatus::Expired
        );
        assert_eq!(
            CertificateStatus::derive(expiry, true, date("2026-11-28")),
            CertificateStatus::Revoked
        );
        assert!(!CertificateStatus::Expired.shows_stars());
        assert!(CertificateStatus::Expiring.shows_stars());
    }
}
