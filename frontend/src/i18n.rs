//! Interface languages: Vietnamese (default) and English, as typed dictionaries checked at compile time.

use leptos::prelude::*;

/// The cookie that remembers a visitor's language choice.
pub const LANG_COOKIE: &str = "lang";

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Locale {
    #[default]
    Vi,
    En,
}

impl Locale {
    pub fn code(self) -> &'static str {
        match self {
            Locale::Vi => "vi",
            Locale::En => "en",
        }
    }

    pub fn parse(code: &str) -> Option<Locale> {
        match code.trim() {
            "vi" => Some(Locale::Vi),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// Reads the language from a `Cookie` header value; anything unknown means Vietnamese.
    pub fn from_cookie_header(header: &str) -> Locale {
        header
            .split(';')
            .filter_map(|pair| pair.trim().split_once('='))
            .find(|(name, _)| *name == LANG_COOKIE)
            .and_then(|(_, value)| Locale::parse(value))
            .unwrap_or_default()
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Locale::Vi => &VI,
            Locale::En => &EN,
        }
    }
}

/// The locale of the page being rendered: from the request cookie on the server, and from
/// `<html lang>` (which the server wrote) in the browser, so hydration sees the same text.
pub fn request_locale() -> Locale {
    #[cfg(feature = "ssr")]
    {
        use_context::<http::request::Parts>()
            .and_then(|parts| {
                parts
                    .headers
                    .get(http::header::COOKIE)
                    .and_then(|value| value.to_str().ok())
                    .map(Locale::from_cookie_header)
            })
            .unwrap_or_default()
    }
    #[cfg(not(feature = "ssr"))]
    {
        web_sys::window()
            .and_then(|window| window.document())
            .and_then(|document| document.document_element())
            .and_then(|html| html.get_attribute("lang"))
            .and_then(|lang| Locale::parse(&lang))
            .unwrap_or_default()
    }
}

/// The active locale's texts, provided by [`crate::App`].
pub fn use_texts() -> &'static Texts {
    use_context::<Locale>().unwrap_or_default().texts()
}

/// Every piece of interface text. Adding a field forces both languages to fill it in.
pub struct Texts {
    pub site_name: &'static str,
    pub site_tagline: &'static str,
    pub site_description: &'static str,
    pub nav_home: &'static str,
    pub nav_catalog: &'static str,
    pub nav_livestreams: &'static str,
    pub nav_menu: &'static str,
    pub switch_language: &'static str,
    pub other_language_name: &'static str,
    pub hero_title: &'static str,
    pub hero_body: &'static str,
    pub hero_cta: &'static str,
    pub featured_title: &'static str,
    pub featured_empty: &'static str,
    pub categories_title: &'static str,
    pub livestreams_title: &'static str,
    pub livestreams_empty: &'static str,
    pub stats_products: &'static str,
    pub stats_producers: &'static str,
    pub stats_certified: &'static str,
    pub loading: &'static str,
    pub load_failed: &'static str,
    pub not_found_title: &'static str,
    pub not_found_body: &'static str,
    pub back_home: &'static str,
    pub footer_about: &'static str,
}

pub const VI: Texts = Texts {
    site_name: "Chợ OCOP",
    site_tagline: "Sản phẩm OCOP Thái Nguyên",
    site_description: "Chợ OCOP: mua đặc sản OCOP 3–5 sao của hợp tác xã, doanh nghiệp và hộ sản xuất Thái Nguyên — chè Tân Cương, miến dong, mật ong, trái cây.",
    nav_home: "Trang chủ",
    nav_catalog: "Sản phẩm",
    nav_livestreams: "Livestream",
    nav_menu: "Danh mục",
    switch_language: "English",
    other_language_name: "en",
    hero_title: "Đặc sản OCOP từ tận nơi sản xuất",
    hero_body: "Chè Tân Cương, miến dong Bắc Kạn, mật ong rừng… mua thẳng từ hợp tác xã và nông hộ Thái Nguyên, kèm chứng nhận OCOP và chỉ dẫn địa lý có thể kiểm tra.",
    hero_cta: "Xem sản phẩm",
    featured_title: "Sản phẩm OCOP nổi bật",
    featured_empty: "Chưa có sản phẩm nào được đăng bán.",
    categories_title: "Nhóm sản phẩm",
    livestreams_title: "Livestream bán hàng",
    livestreams_empty: "Chưa có buổi livestream nào sắp diễn ra.",
    stats_products: "sản phẩm",
    stats_producers: "cơ sở sản xuất",
    stats_certified: "sản phẩm có sao OCOP",
    loading: "Đang tải…",
    load_failed: "Không tải được dữ liệu. Vui lòng thử lại.",
    not_found_title: "Không tìm thấy trang",
    not_found_body: "Trang bạn tìm không tồn tại hoặc đã bị gỡ.",
    back_home: "Về trang chủ",
    footer_about: "Chợ OCOP — sàn nông sản mã nguồn mở cho sản phẩm OCOP Thái Nguyên.",
};

pub const EN: Texts = Texts {
    site_name: "Chợ OCOP",
    site_tagline: "OCOP products of Thái Nguyên",
    site_description: "Chợ OCOP: buy 3–5 star OCOP specialities from Thái Nguyên cooperatives, companies and farm households — Tân Cương tea, arrowroot noodles, honey, fruit.",
    nav_home: "Home",
    nav_catalog: "Products",
    nav_livestreams: "Livestreams",
    nav_menu: "Menu",
    switch_language: "Tiếng Việt",
    other_language_name: "vi",
    hero_title: "OCOP specialities, straight from their makers",
    hero_body: "Tân Cương tea, Bắc Kạn arrowroot noodles, wild honey… bought directly from Thái Nguyên cooperatives and farm households, with OCOP certificates and geographical indications you can verify.",
    hero_cta: "Browse products",
    featured_title: "Featured OCOP products",
    featured_empty: "No products are on sale yet.",
    categories_title: "Product groups",
    livestreams_title: "Live selling",
    livestreams_empty: "No livestreams are scheduled.",
    stats_products: "products",
    stats_producers: "producers",
    stats_certified: "OCOP-rated products",
    loading: "Loading…",
    load_failed: "Could not load the data. Please try again.",
    not_found_title: "Page not found",
    not_found_body: "The page you are looking for does not exist or was removed.",
    back_home: "Back to the home page",
    footer_about: "Chợ OCOP — an open-source marketplace for Thái Nguyên OCOP products.",
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_cookie_picks_the_locale_and_anything_else_means_vietnamese() {
        assert_eq!(Locale::from_cookie_header("a=1; lang=en"), Locale::En);
        assert_eq!(Locale::from_cookie_header("lang=vi"), Locale::Vi);
        assert_eq!(Locale::from_cookie_header("lang=fr"), Locale::Vi);
        assert_eq!(Locale::from_cookie_header(""), Locale::Vi);
        assert_eq!(Locale::from_cookie_header("xlang=en"), Locale::Vi);
    }
}
