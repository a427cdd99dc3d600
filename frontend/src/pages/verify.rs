//! `/xac-minh/{code}`: the public check behind a certificate's QR code — product, producer,
//! decision, dates and the live status. Stars show only while the certificate is in force.
//! `/xac-minh` alone is a box for the code printed on packaging (a plain GET form).

use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::api::{BackendError, VerifyResult, get_verify};
use crate::components::product_card::StarBadge;
use crate::components::seo::PageMeta;
use crate::format::date_vi;
use crate::i18n::{Texts, fill, use_texts};

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
                    Ok(Err(BackendError::NotFound)) => view! { <UnknownCertificate code=code()/> }.into_any(),
                    _ => view! { <p class="error">{texts.load_failed}</p> }.into_any(),
                }
            })}
        </Suspense>
    }
}

/// `/xac-minh`: the box to type a code; `?ma=…` (the box, sent) goes to that code's page.
#[component]
pub fn VerifyLookupPage() -> impl IntoView {
    let texts = use_texts();
    let typed = use_query_map()
        .read_untracked()
        .get("ma")
        .map(|raw| typed_code(&raw))
        .filter(|code| !code.is_empty());
    match typed {
        Some(code) => {
            // `typed_code` removed spaces, the one thing this encoding would not keep in a path.
            let path = format!(
                "/xac-minh/{}",
                form_urlencoded::byte_serialize(code.as_bytes()).collect::<String>()
            );
            view! { <Redirect path/> }.into_any()
        }
        None => view! {
            <PageMeta title=texts.verify_title.to_owned() description=texts.verify_lookup_intro.to_owned()/>
            <article class="verify-page">
                <h1>{texts.verify_title}</h1>
                <p>{texts.verify_lookup_intro}</p>
                <LookupForm/>
            </article>
        }
        .into_any(),
    }
}

/// What a buyer typed or pasted, as a code: the last part of a pasted link, without spaces.
fn typed_code(raw: &str) -> String {
    let raw = raw.trim().trim_end_matches('/');
    let last = raw.rsplit('/').next().unwrap_or(raw);
    last.chars()
        .filter(|c| !c.is_whitespace())
        .collect::<String>()
        .to_lowercase()
}

/// The code box: a GET form, so it works without JavaScript.
#[component]
fn LookupForm() -> impl IntoView {
    let texts = use_texts();
    view! {
        <form class="stack-form verify-lookup" method="get" action="/xac-minh">
            <div class="field">
                <label for="f-ma">{texts.verify_lookup_label}</label>
                <input id="f-ma" name="ma" type="text" required=true autocomplete="off"
                    autocapitalize="off" spellcheck="false" aria-describedby="h-ma"/>
                <small class="hint" id="h-ma">{texts.verify_lookup_hint}</small>
            </div>
            <button type="submit" class="button primary">{texts.verify_lookup_button}</button>
        </form>
    }
}

/// A code no certificate has: possibly a counterfeit label. Answered with 404, like any
/// missing page, but saying what it means for the buyer and whom to tell.
#[component]
fn UnknownCertificate(code: String) -> impl IntoView {
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    let texts = use_texts();
    view! {
        <PageMeta title=texts.verify_unknown_title.to_owned() description=texts.verify_unknown_contact.to_owned()/>
        <article class="verify-page">
            <h1>{texts.verify_title}</h1>
            <div class="error-box" role="alert">
                <h2>{texts.verify_unknown_title}</h2>
                <p>{fill(texts.verify_unknown_body, &[("code", &code)])}</p>
                <p>{texts.verify_unknown_contact}</p>
            </div>
            <LookupForm/>
        </article>
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
