//! Page metadata for search engines and link previews (Zalo, Facebook): title, description,
//! Open Graph and, where given, schema.org JSON-LD.

use leptos::prelude::*;
use leptos_meta::{Meta, Title};

/// Sets `<title>`, the meta description and Open Graph tags. `image` should be absolute.
#[component]
pub fn PageMeta(
    title: String,
    description: String,
    #[prop(optional_no_strip)] image: Option<String>,
    #[prop(optional)] og_type: Option<&'static str>,
    /// The image's pixel size where known: Facebook shows an image on the very first share
    /// only when it is told the size.
    #[prop(optional)]
    image_size: Option<(u32, u32)>,
) -> impl IntoView {
    view! {
        <Title text=title.clone()/>
        <Meta name="description" content=description.clone()/>
        <Meta property="og:title" content=title/>
        <Meta property="og:description" content=description/>
        <Meta property="og:type" content=og_type.unwrap_or("website")/>
        <Meta property="og:site_name" content="Chợ OCOP"/>
        {image.map(|url| view! {
            <Meta property="og:image" content=url.clone()/>
            <Meta name="twitter:card" content="summary_large_image"/>
        })}
        {image_size.map(|(width, height)| view! {
            <Meta property="og:image:width" content=width.to_string()/>
            <Meta property="og:image:height" content=height.to_string()/>
        })}
    }
}

/// Embeds structured data; `<` is escaped so the JSON can never close the script element.
#[component]
pub fn JsonLd(data: serde_json::Value) -> impl IntoView {
    let json = data.to_string().replace('<', "\\u003c");
    view! { <script type="application/ld+json" inner_html=json></script> }
}
