//! Livestream cards and the "Đang live / Sắp live" strip shown on the home and product pages.

use leptos::prelude::*;

use crate::api::LivestreamDto;
use crate::i18n::{Texts, fill, use_texts};

fn platform_name(platform: &str) -> &'static str {
    match platform {
        "facebook" => "Facebook",
        "youtube" => "YouTube",
        "tiktok" => "TikTok",
        "shopee" => "Shopee",
        _ => "trang phát",
    }
}

fn status_label(texts: &Texts, status: &str) -> &'static str {
    match status {
        "live" => texts.live_now,
        "upcoming" => texts.live_upcoming,
        "cancelled" => texts.live_cancelled,
        _ => texts.live_past,
    }
}

/// "2026-12-01T19:30:00+07:00" → "19:30 01/12/2026". The server writes times in Vietnam's
/// offset, so the clock time shown is the local one without any arithmetic here.
pub fn local_time(rfc3339: &str) -> String {
    let parsed = rfc3339.split_once('T').and_then(|(date, time)| {
        let mut parts = date.split('-');
        let (y, mo, d) = (parts.next()?, parts.next()?, parts.next()?);
        Some(format!("{} {d}/{mo}/{y}", time.get(0..5)?))
    });
    parsed.unwrap_or_else(|| rfc3339.to_owned())
}

#[component]
pub fn LivestreamCard(
    stream: LivestreamDto,
    #[prop(optional)] show_products: bool,
) -> impl IntoView {
    let texts = use_texts();
    let watch = fill(
        texts.live_watch,
        &[("platform", platform_name(&stream.platform))],
    );
    let class = format!("live-card {}", stream.status);
    view! {
        <article class=class>
            <p class="live-status">
                <span class="live-dot" aria-hidden="true"></span>
                {status_label(texts, &stream.status)}
                " · "
                <time datetime=stream.starts_at.clone()>{local_time(&stream.starts_at)}</time>
            </p>
            <h3>{stream.title.clone()}</h3>
            <p class="muted"><a href=format!("/co-so/{}", stream.producer.slug)>{stream.producer.name.clone()}</a></p>
            {stream.embed_url.clone().filter(|_| !matches!(stream.status.as_str(), "past" | "cancelled")).map(|src| view! {
                <div class="live-embed">
                    <iframe src=src title=stream.title.clone()
                        allow="autoplay; encrypted-media; picture-in-picture" allowfullscreen=true></iframe>
                </div>
            })}
            {(stream.status != "cancelled").then(|| view! {
                <a class="button primary" href=stream.url.clone() target="_blank" rel="noopener nofollow">{watch}</a>
            })}
            {(show_products && !stream.products.is_empty()).then(|| view! {
                <p class="muted">{texts.live_pinned}": "
                    {stream.products.iter().map(|p| view! {
                        <a href=format!("/san-pham/{}", p.slug)>{p.name.clone()}</a>" "
                    }).collect_view()}
                </p>
            })}
        </article>
    }
}

/// Live and upcoming streams side by side; nothing at all when there are none.
#[component]
pub fn LivestreamStrip(streams: Vec<LivestreamDto>) -> impl IntoView {
    (!streams.is_empty()).then(|| {
        view! {
            <div class="live-strip">
                {streams.into_iter().map(|stream| view! { <LivestreamCard stream show_products=true/> }).collect_view()}
            </div>
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_show_in_vietnam_time() {
        assert_eq!(local_time("2026-12-01T19:30:00+07:00"), "19:30 01/12/2026");
        assert_eq!(local_time("soon"), "soon");
    }
}
