//! `/xac-minh/{code}`: the public check behind a certificate's QR code — product, producer,
//! decision, dates and the live status. Stars show only while the certificate is in force.

use leptos::prelude::*;
use leptos_router::hooks::use_params_map;

use crate::api::{BackendError, VerifyResult, get_verify};
use crate::components::product_card::StarBadge;
use crate::components::seo::PageMeta;
use crate::format::date_vi;
use crate::i18n::{Texts, fill, use_texts};
use crate::pages::not_found::NotFound;

#[component]
pub fn VerifyPage() -> impl IntoView {
    let texts = use_texts();
    let params = use_params_map();
    let code = move || params.read().get("code").unwrap_or_default();
    let data = Resource::new(code, get_verify);
    view! {
        <Suspense fallback=move || view! { <p class="muted">{texts.loading}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Ok(result)) => view! { <VerifyView result/> }.into_any(),
                    Ok(Err(BackendError::NotFound)) => view! { <NotFound/> }.into_any(),
                    _ => view! { <p class="error">{texts.load_failed}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn status_text(texts: &Texts, status: &str) -> &'static str {
    match status {
        "valid" => texts.ocop_status_valid,
        "expiring" => texts.ocop_status_expiring,
        "revoked" => texts.verify_status_revoked,
        "superseded" => texts.verify_status_superseded,
        _ => texts.verify_status_expired,
    }
}

#[component]
fn VerifyView(result: VerifyResult) -> impl IntoView {
    let texts = use_texts();
    let cert = result.certificate.clone();
    let in_force = matches!(cert.detailed_status.as_str(), "valid" | "expiring");
    let title = format!("{}: {}", texts.verify_title, result.product.name);
    let description = format!(
        "{} — {} · {} · {}",
        result.product.name,
        result.producer.name,
        cert.decision_no,
        status_text(texts, &cert.detailed_status)
    );
    let product_link = if result.product.listed {
        view! { <a href=format!("/san-pham/{}", result.product.slug)>{result.product.name.clone()}</a> }
            .into_any()
    } else {
        view! { <span>{result.product.name.clone()}</span> }.into_any()
    };
    let place = result
        .producer
        .commune
        .clone()
        .or(result.producer.old_commune.clone());
    view! {
        <PageMeta title description/>
        <article class="verify-page">
            <h1>{texts.verify_title}</h1>
            <p class=format!("verify-status status-{}", cert.detailed_status)
                data-status=cert.detailed_status.clone()>
                <strong>{status_text(texts, &cert.detailed_status)}</strong>
            </p>
            {if in_force {
                view! { <p><StarBadge stars=cert.stars/></p> }.into_any()
            } else {
                view! {
                    <p class="muted">{fill(texts.verify_not_in_force, &[("n", &cert.stars.to_string())])}</p>
                }.into_any()
            }}
            <dl class="card">
                <dt>{texts.verify_product}</dt><dd>{product_link}</dd>
                <dt>{texts.verify_category}</dt><dd>{result.product.category.clone()}</dd>
                <dt>{texts.verify_producer}</dt>
                <dd><a href=format!("/co-so/{}", result.producer.slug)>{result.producer.name.clone()}</a>
                    {place.map(|p| view! { " · "{p} })}</dd>
                <dt>{texts.ocop_decision}</dt><dd>{cert.decision_no.clone()}</dd>
                <dt>{texts.ocop_issuer}</dt><dd>{cert.issuer.clone()}</dd>
                <dt>{texts.ocop_rule_set}</dt><dd>{cert.rule_set.clone()}</dd>
                <dt>{texts.ocop_issued_on}</dt><dd>{date_vi(&cert.issued_on)}</dd>
                <dt>{texts.ocop_expires_on}</dt><dd>{date_vi(&cert.expires_on)}</dd>
                {cert.revoked_reason.clone().map(|reason| view! {
                    <dt>{texts.verify_revoked_reason}</dt><dd>{reason}</dd>
                })}
            </dl>
            {result.superseded_by_verify_url.clone().map(|url| view! {
                <p><a href=url>{texts.verify_newer}</a></p>
            })}
            <p class="muted">{fill(texts.verify_checked_on, &[("date", &date_vi(&result.checked_on))])}</p>
            <figure class="verify-qr">
                <img src=result.qr_svg_url.clone() alt=texts.verify_qr width="200" height="200"/>
                <figcaption>{texts.verify_qr}" · "<a href=result.qr_png_url.clone()>{texts.verify_qr_png}</a></figcaption>
            </figure>
        </article>
    }
}
