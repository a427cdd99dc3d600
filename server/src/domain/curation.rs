//! OCOP curation rules: which rule sets take applications and their score maxima, the application
//! state machine, which level may issue which rating, reminder stages and verification codes.

use std::str::FromStr;

use chrono::NaiveDate;

use super::FieldErrors;
use super::ocop::{IssuerLevel, Stars};

/// The rule sets that accept new applications (1048/2019 only survives in old certificates).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleSet {
    /// QĐ 148/QĐ-TTg of 24/02/2023.
    Qd148_2023,
    /// QĐ 26/2026/QĐ-TTg of 22/05/2026.
    Qd26_2026,
}

impl RuleSet {
    /// The code in `ocop_rule_sets`.
    pub fn code(self) -> &'static str {
        match self {
            RuleSet::Qd148_2023 => "148-2023",
            RuleSet::Qd26_2026 => "26-2026",
        }
    }

    /// Self-assessment maxima of parts A, B and C (they add up to 100; shared/domain/ocop.md).
    pub fn maxima(self) -> [u8; 3] {
        match self {
            // 26/2026 kept the 148/2023 split.
            RuleSet::Qd148_2023 | RuleSet::Qd26_2026 => [40, 25, 35],
        }
    }

    /// The first day decisions could be taken under it.
    pub fn effective_on(self) -> NaiveDate {
        match self {
            RuleSet::Qd148_2023 => NaiveDate::from_ymd_opt(2023, 2, 24),
            RuleSet::Qd26_2026 => NaiveDate::from_ymd_opt(2026, 5, 22),
        }
        .expect("a calendar date")
    }
}

impl FromStr for RuleSet {
    type Err = String;
    /// Accepts the citation form people write ("148/2023") and the code ("148-2023").
    fn from_str(raw: &str) -> Result<RuleSet, String> {
        match raw.trim() {
            "148/2023" | "148-2023" => Ok(RuleSet::Qd148_2023),
            "26/2026" | "26-2026" => Ok(RuleSet::Qd26_2026),
            _ => Err("bộ tiêu chí phải là 148/2023 hoặc 26/2026".into()),
        }
    }
}

/// A self-assessment: one score per part, each within the rule set's maximum.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SelfScore {
    pub a: u8,
    pub b: u8,
    pub c: u8,
}

impl SelfScore {
    /// Checks raw part scores against `rule_set`; errors are keyed `self_score.a` etc.
    pub fn parse(rule_set: RuleSet, parts: [i64; 3]) -> Result<SelfScore, FieldErrors> {
        let mut errors = FieldErrors::default();
        let mut ok = [0u8; 3];
        for (i, (name, (raw, max))) in ["a", "b", "c"]
            .iter()
            .zip(parts.into_iter().zip(rule_set.maxima()))
            .enumerate()
        {
            if (0..=i64::from(max)).contains(&raw) {
                ok[i] = raw as u8;
            } else {
                errors.add(
                    &format!("self_score.{name}"),
                    format!("phần {} được chấm từ 0 đến {max} điểm", name.to_uppercase()),
                );
            }
        }
        errors.finish(|| SelfScore {
            a: ok[0],
            b: ok[1],
            c: ok[2],
        })
    }

    pub fn total(self) -> u8 {
        self.a + self.b + self.c
    }

    /// The rating this score would earn (1★ < 30 · 2★ 30–49 · 3★ 50–69 · 4★ 70–89 · 5★ 90–100).
    pub fn indicated_stars(self) -> u8 {
        match self.total() {
            0..30 => 1,
            30..50 => 2,
            50..70 => 3,
            70..90 => 4,
            _ => 5,
        }
    }
}

wire_enum! {
    /// Where an application is. Moves only along [`ApplicationStatus::can_become`].
    pub enum ApplicationStatus {
        Draft,
        Submitted,
        UnderReview,
        Approved,
        Rejected,
        Withdrawn,
    }
    else "phải là draft, submitted, under_review, approved, rejected hoặc withdrawn"
}

impl ApplicationStatus {
    /// draft → submitted → under_review → approved | rejected; withdrawn from any open state.
    pub fn can_become(self, next: ApplicationStatus) -> bool {
        use ApplicationStatus::*;
        matches!(
            (self, next),
            (Draft, Submitted)
                | (Submitted, UnderReview)
                | (UnderReview, Approved)
                | (UnderReview, Rejected)
                | (Draft | Submitted | UnderReview, Withdrawn)
        )
    }

    /// Still open: the producer may withdraw it, and no second one may be opened for the product.
    pub fn is_open(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Draft
                | ApplicationStatus::Submitted
                | ApplicationStatus::UnderReview
        )
    }

    /// Documents can be added until a curator starts reviewing.
    pub fn accepts_documents(self) -> bool {
        matches!(
            self,
            ApplicationStatus::Draft | ApplicationStatus::Submitted
        )
    }
}

/// District-level government was abolished on 1 July 2025; from then the province decides 3★
/// and 4★ (shared/domain/ocop.md).
pub fn districts_abolished_on() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 7, 1).expect("a calendar date")
}

/// The level that decides a rating on a date: 5★ is always the central council's; before July
/// 2025 districts decided 3★ and the province 4★; since then the province decides both.
pub fn deciding_level(stars: Stars, decided_on: NaiveDate) -> IssuerLevel {
    match stars.get() {
        5 => IssuerLevel::Central,
        3 if decided_on < districts_abolished_on() => IssuerLevel::District,
        _ => IssuerLevel::Province,
    }
}

/// Refuses a rating the given level may not issue on that date, with the reason in Vietnamese.
pub fn check_issuer(stars: Stars, level: IssuerLevel, decided_on: NaiveDate) -> Result<(), String> {
    let required = deciding_level(stars, decided_on);
    if required == level {
        return Ok(());
    }
    let who = match required {
        IssuerLevel::Central => "Hội đồng cấp Trung ương (Bộ Nông nghiệp và Môi trường)",
        IssuerLevel::Province => "UBND cấp tỉnh",
        IssuerLevel::District => "UBND cấp huyện",
    };
    Err(format!(
        "sản phẩm {}★ quyết định ngày {} phải do {who} công nhận",
        stars.get(),
        decided_on.format("%d/%m/%Y")
    ))
}

/// The usual issuing body of a level in Thái Nguyên, when a decision does not name one.
pub fn default_issuer(level: IssuerLevel) -> &'static str {
    match level {
        IssuerLevel::Central => "Bộ Nông nghiệp và Môi trường",
        IssuerLevel::Province => "UBND tỉnh Thái Nguyên",
        IssuerLevel::District => "UBND cấp huyện",
    }
}

/// Reminders go out when 180, 90 and 30 days are left; each stage lasts until the next.
pub fn reminder_stage(days_left: i64) -> Option<u16> {
    match days_left {
        0..=30 => Some(30),
        31..=90 => Some(90),
        91..=180 => Some(180),
        _ => None,
    }
}

/// A certificate's verification code as printed in its QR link: 32 lowercase hex digits (122
/// random bits from `gen_random_uuid()`), so it cannot be guessed or enumerated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyCode(String);

impl VerifyCode {
    pub fn parse(raw: &str) -> Result<VerifyCode, String> {
        let raw = raw.trim();
        if raw.len() == 32 && raw.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            Ok(VerifyCode(raw.to_owned()))
        } else {
            Err("mã xác minh không hợp lệ".into())
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    #[test]
    fn rule_sets_parse_from_citation_or_code() {
        assert_eq!("148/2023".parse::<RuleSet>(), Ok(RuleSet::Qd148_2023));
        assert_eq!("26-2026".parse::<RuleSet>(), Ok(RuleSet::Qd26_2026));
        assert!("1048/2019".parse::<RuleSet>().is_err());
        assert_eq!(
            RuleSet::Qd26_2026
                .maxima()
                .iter()
                .map(|m| u32::from(*m))
                .sum::<u32>(),
            100
        );
    }

    #[test]
    fn self_scores_stay_within_each_part() {
        let ok = SelfScore::parse(RuleSet::Qd148_2023, [40, 25, 35]).unwrap();
        assert_eq!(ok.total(), 100);
        assert_eq!(ok.indicated_stars(), 5);
        let err = SelfScore::parse(RuleSet::Qd148_2023, [41, -1, 35]).unwrap_err();
        assert!(err.0.contains_key("self_score.a"));
        assert!(err.0.contains_key("self_score.b"));
        assert!(!err.0.contains_key("self_score.c"));
        assert_eq!(
            SelfScore::parse(RuleSet::Qd26_2026, [30, 20, 25])
                .unwrap()
                .indicated_stars(),
            4
        );
    }

    #[test]
    fn applications_move_only_forward() {
        use ApplicationStatus::*;
        assert!(Draft.can_become(Submitted));
        assert!(Submitted.can_become(UnderReview));
        assert!(UnderReview.can_become(Approved));
        assert!(UnderReview.can_become(Rejected));
        assert!(Submitted.can_become(Withdrawn));
        assert!(!Draft.can_become(Approved));
        assert!(!Submitted.can_become(Approved));
        assert!(!Approved.can_become(Withdrawn));
        assert!(!Rejected.can_become(UnderReview));
        assert!(!Withdrawn.can_become(Submitted));
        for s in [
            "draft",
            "submitted",
            "under_review",
            "approved",
            "rejected",
            "withdrawn",
        ] {
            assert_eq!(s.parse::<ApplicationStatus>().unwrap().as_str(), s);
        }
    }

    #[test]
    fn five_stars_need_the_central_level_and_districts_are_gone_since_july_2025() {
        let five = Stars::new(5).unwrap();
        let four = Stars::new(4).unwrap();
        let three = Stars::new(3).unwrap();
        assert!(check_issuer(five, IssuerLevel::Province, date("2026-01-10")).is_err());
        assert!(check_issuer(five, IssuerLevel::Central, date("2026-01-10")).is_ok());
        assert!(check_issuer(four, IssuerLevel::Province, date("2024-01-10")).is_ok());
        assert!(check_issuer(four, IssuerLevel::Central, date("2024-01-10")).is_err());
        assert!(check_issuer(three, IssuerLevel::District, date("2024-01-10")).is_ok());
        assert!(check_issuer(three, IssuerLevel::District, date("2025-07-01")).is_err());
        assert!(check_issuer(three, IssuerLevel::Province, date("2025-07-01")).is_ok());
    }

    #[test]
    fn reminders_at_180_90_and_30_days() {
        assert_eq!(reminder_stage(181), None);
        assert_eq!(reminder_stage(180), Some(180));
        assert_eq!(reminder_stage(91), Some(180));
        assert_eq!(reminder_stage(90), Some(90));
        assert_eq!(reminder_stage(30), Some(30));
        assert_eq!(reminder_stage(0), Some(30));
        assert_eq!(reminder_stage(-1), None);
    }

    #[test]
    fn verify_codes_are_32_hex_digits() {
        assert!(VerifyCode::parse("0123456789abcdef0123456789abcdef").is_ok());
        assert!(VerifyCode::parse("0123456789ABCDEF0123456789abcdef").is_err());
        assert!(VerifyCode::parse("../etc/passwd").is_err());
        assert!(VerifyCode::parse("").is_err());
    }
}
