//! OCOP curation DTOs shared by the JSON API and the pages: applications, the verification
//! answer, certificate reminders and the curators' dashboard.

use serde::{Deserialize, Serialize};

use super::dto::{FacetLabels, ProducerRef};

/// A self-assessment, one score per part (bounded by the rule set's maxima).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct SelfScoreDto {
    /// Part A (production organisation, product development, community), 0 to 40 under both
    /// rule sets.
    #[cfg_attr(feature = "ssr", schema(minimum = 0, maximum = 40))]
    pub a: i64,
    /// Part B (marketing, product story), 0 to 25.
    #[cfg_attr(feature = "ssr", schema(minimum = 0, maximum = 25))]
    pub b: i64,
    /// Part C (quality, standards, export), 0 to 35.
    #[cfg_attr(feature = "ssr", schema(minimum = 0, maximum = 35))]
    pub c: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApplicationDocumentDto {
    pub id: String,
    pub file_name: String,
    pub content_type: String,
    pub byte_size: i64,
    /// Served only to the producer's members and to curators.
    pub url: String,
    pub created_at: String,
}

/// An OCOP application as its producer and curators see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApplicationDto {
    pub id: String,
    /// `draft`, `submitted`, `under_review`, `approved`, `rejected` or `withdrawn`.
    pub status: String,
    /// The rule set's code: `148-2023` or `26-2026`.
    pub rule_set: String,
    pub self_score: Option<SelfScoreDto>,
    /// Sum of the parts, and the rating it indicates (1–5), when scored.
    pub self_score_total: Option<i64>,
    pub indicated_stars: Option<i64>,
    pub notes: String,
    pub product: ProducerRef,
    pub product_id: String,
    pub producer: ProducerRef,
    pub category: String,
    pub commune: Option<String>,
    pub created_at: String,
    pub submitted_at: Option<String>,
    pub review_started_at: Option<String>,
    pub decided_at: Option<String>,
    pub decision_reason: Option<String>,
    pub certificate_id: Option<String>,
    /// The certificate's verification code (its page is `/xac-minh/{code}`, its QR
    /// `/xac-minh/{code}/qr.svg`), once approved.
    #[serde(default)]
    pub certificate_verify_code: Option<String>,
    /// Whole days since submission (by the app's calendar); `None` until submitted.
    pub waiting_days: Option<i64>,
    pub documents: Vec<ApplicationDocumentDto>,
}

/// A certificate as the register, the decision answer and the verification page show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CertificateDto {
    pub id: String,
    pub stars: u8,
    pub rule_set: String,
    pub decision_no: String,
    pub issuer: String,
    pub issuer_level: String,
    pub issued_on: String,
    pub expires_on: String,
    /// The contract's three values: `valid` (expiring included), `expired` (superseded
    /// included) or `revoked`.
    pub status: String,
    /// `valid`, `expiring` (≤ 180 days left), `expired`, `revoked` or `superseded`.
    pub detailed_status: String,
    /// Days until expiry (negative once expired).
    pub days_left: i64,
    pub revoked_at: Option<String>,
    pub revoked_reason: Option<String>,
    pub verify_code: String,
    pub verify_url: String,
}

/// `GET /api/v1/verify/{code}` and the `/xac-minh/{code}` page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VerifyResult {
    pub product: VerifiedProduct,
    pub producer: VerifiedProducer,
    pub certificate: CertificateDto,
    /// The certificate that replaced this one, when re-rated.
    pub superseded_by_verify_url: Option<String>,
    /// QR codes linking to this page, for packaging.
    pub qr_svg_url: String,
    pub qr_png_url: String,
    /// The date the status was computed for (Vietnam time).
    pub checked_on: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VerifiedProduct {
    pub id: String,
    pub slug: String,
    pub name: String,
    pub category: String,
    /// Whether the product page is public (an archived product keeps its certificate history).
    pub listed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VerifiedProducer {
    pub slug: String,
    pub name: String,
    pub commune: Option<String>,
    pub old_commune: Option<String>,
}

/// A certificate nearing expiry, for the producer's workspace and the daily digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CertificateReminder {
    pub certificate_id: String,
    pub product_id: String,
    pub product_slug: String,
    pub product_name: String,
    pub stars: u8,
    pub decision_no: String,
    pub expires_on: String,
    pub days_left: i64,
    /// 180, 90 or 30: the reminder stage reached.
    pub stage: u16,
    pub verify_url: String,
}

/// One bar of a dashboard chart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CountRow {
    pub key: String,
    pub label: String,
    pub count: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ExpiringCertificate {
    pub certificate_id: String,
    pub product_name: String,
    pub product_slug: String,
    pub producer_name: String,
    pub stars: u8,
    pub decision_no: String,
    pub expires_on: String,
    pub days_left: i64,
    pub verify_url: String,
}

/// A product whose GI claim its producer's (old) commune does not support.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GiMismatch {
    pub product_id: String,
    pub product_slug: String,
    pub product_name: String,
    pub producer_slug: String,
    pub producer_name: String,
    pub old_commune: Option<String>,
    pub gi_slug: String,
    pub gi_name: String,
    /// The GI's protected (old) communes.
    pub protected_communes: Vec<String>,
}

/// Everything the curators' dashboard shows; counts cover certificates in force today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CuratorDashboard {
    pub today: String,
    pub certificates_in_force: i64,
    pub by_stars: Vec<CountRow>,
    /// By top-level product group.
    pub by_category: Vec<CountRow>,
    /// By the producer's commune (2025 unit).
    pub by_commune: Vec<CountRow>,
    /// In force and ending within 90 days, soonest first.
    pub expiring_90_days: Vec<ExpiringCertificate>,
    /// Submitted or under review, longest waiting first.
    pub waiting: Vec<ApplicationDto>,
    pub gi_mismatches: Vec<GiMismatch>,
}

/// Filters of the review queue (`GET /api/v1/ocop-applications` and `/can-bo/ho-so`), as typed in
/// a URL; the server checks them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
#[cfg_attr(feature = "ssr", into_params(parameter_in = Query))]
pub struct ReviewQueueQuery {
    /// Comma-separated statuses; the queue defaults to `submitted,under_review`.
    #[cfg_attr(
        feature = "ssr",
        param(
            pattern = "^ *((draft|submitted|under_review|approved|rejected|withdrawn)(,(draft|submitted|under_review|approved|rejected|withdrawn))*)? *$"
        )
    )]
    pub status: Option<String>,
    /// The producer's commune (2025 code, e.g. `05503`).
    pub commune: Option<String>,
    /// A category or top-level group code.
    pub category: Option<String>,
    /// `148/2023` or `26/2026`.
    #[cfg_attr(
        feature = "ssr",
        param(pattern = "^ *(148/2023|26/2026|148-2023|26-2026)? *$")
    )]
    pub rule_set: Option<String>,
    /// Only applications waiting at least this many days since submission.
    #[cfg_attr(
        feature = "ssr",
        param(value_type = Option<u32>, minimum = 0, maximum = 36500)
    )]
    pub min_waiting_days: Option<String>,
    /// From 1.
    #[cfg_attr(
        feature = "ssr",
        param(value_type = Option<u32>, minimum = 1, maximum = 10000)
    )]
    pub page: Option<String>,
    /// 1 to 100.
    #[cfg_attr(
        feature = "ssr",
        param(value_type = Option<u32>, minimum = 1, maximum = 100)
    )]
    pub per_page: Option<String>,
}

/// The review queue page: one page of applications and the labels its filters offer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReviewQueuePage {
    pub items: Vec<ApplicationDto>,
    pub total: i64,
    pub page: u32,
    pub per_page: u32,
    pub labels: FacetLabels,
    /// A refused decision: the application it was for, with what was typed and why, shown once.
    #[serde(default)]
    pub decision: Option<DecisionFlash>,
}

/// A decision form's failed post, returned to the review queue beside the form it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct DecisionFlash {
    pub application_id: String,
    pub form: super::FormState,
}
