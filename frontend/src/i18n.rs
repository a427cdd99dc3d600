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

/// Fills `{name}` placeholders in a text: `fill(t.results_count, &[("n", "12")])`.
pub fn fill(text: &str, values: &[(&str, &str)]) -> String {
    values.iter().fold(text.to_owned(), |acc, (name, value)| {
        acc.replace(&format!("{{{name}}}"), value)
    })
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
    pub catalog_title: &'static str,
    pub catalog_description: &'static str,
    pub search_placeholder: &'static str,
    pub search_button: &'static str,
    pub filter_button: &'static str,
    pub filter_category: &'static str,
    pub filter_stars: &'static str,
    pub filter_commune: &'static str,
    pub filter_gi: &'static str,
    pub filter_price: &'static str,
    pub filter_min_price: &'static str,
    pub filter_max_price: &'static str,
    pub filter_in_stock: &'static str,
    pub filter_any: &'static str,
    pub filter_clear: &'static str,
    pub filter_remove: &'static str,
    pub sort_label: &'static str,
    pub sort_relevance: &'static str,
    pub sort_price_asc: &'static str,
    pub sort_price_desc: &'static str,
    pub sort_newest: &'static str,
    pub sort_stars: &'static str,
    pub stars_at_least: &'static str,
    pub results_count: &'static str,
    pub no_results: &'static str,
    pub close_matches: &'static str,
    pub search_suggestions: &'static str,
    pub invalid_filters: &'static str,
    pub page_prev: &'static str,
    pub page_next: &'static str,
    pub page_of: &'static str,
    pub in_stock: &'static str,
    pub out_of_stock: &'static str,
    pub stock_left: &'static str,
    pub per_unit: &'static str,
    pub no_photo: &'static str,
    pub ocop_badge: &'static str,
    pub ocop_title: &'static str,
    pub ocop_decision: &'static str,
    pub ocop_issuer: &'static str,
    pub ocop_issued_on: &'static str,
    pub ocop_expires_on: &'static str,
    pub ocop_rule_set: &'static str,
    pub ocop_verify: &'static str,
    pub ocop_status_valid: &'static str,
    pub ocop_status_expiring: &'static str,
    pub producer_title: &'static str,
    pub producer_verified: &'static str,
    pub producer_products: &'static str,
    pub producer_kind_htx: &'static str,
    pub producer_kind_company: &'static str,
    pub producer_kind_household: &'static str,
    pub producer_kind_other: &'static str,
    pub commune_label: &'static str,
    pub old_commune_label: &'static str,
    pub phone_label: &'static str,
    pub address_label: &'static str,
    pub gi_title: &'static str,
    pub gi_certificate: &'static str,
    pub gi_protected_area: &'static str,
    pub gi_management: &'static str,
    pub gi_products: &'static str,
    pub gi_more: &'static str,
    pub description_title: &'static str,
    pub story_title: &'static str,
    pub livestream_on_product: &'static str,
    pub see_all: &'static str,
    pub category_products: &'static str,
    pub live_now: &'static str,
    pub live_upcoming: &'static str,
    pub live_past: &'static str,
    pub live_watch: &'static str,
    pub live_page_title: &'static str,
    pub live_page_description: &'static str,
    pub live_starts: &'static str,
    pub live_pinned: &'static str,
    pub live_none: &'static str,
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
    catalog_title: "Sản phẩm OCOP",
    catalog_description: "Danh mục sản phẩm OCOP Thái Nguyên: lọc theo nhóm, số sao, xã/phường, chỉ dẫn địa lý và giá.",
    search_placeholder: "Tìm chè, miến, mật ong…",
    search_button: "Tìm",
    filter_button: "Lọc",
    filter_category: "Nhóm sản phẩm",
    filter_stars: "Số sao OCOP",
    filter_commune: "Xã/phường",
    filter_gi: "Chỉ dẫn địa lý",
    filter_price: "Giá (đồng)",
    filter_min_price: "Từ",
    filter_max_price: "Đến",
    filter_in_stock: "Chỉ hàng còn",
    filter_any: "Tất cả",
    filter_clear: "Xóa bộ lọc",
    filter_remove: "Bỏ lọc",
    sort_label: "Sắp xếp",
    sort_relevance: "Phù hợp nhất",
    sort_price_asc: "Giá tăng dần",
    sort_price_desc: "Giá giảm dần",
    sort_newest: "Mới nhất",
    sort_stars: "Nhiều sao nhất",
    stars_at_least: "Từ {n} sao",
    results_count: "{n} sản phẩm",
    no_results: "Không có sản phẩm nào khớp bộ lọc.",
    close_matches: "Có thể bạn muốn tìm:",
    search_suggestions: "Gợi ý sản phẩm",
    invalid_filters: "Bộ lọc chưa hợp lệ:",
    page_prev: "← Trang trước",
    page_next: "Trang sau →",
    page_of: "Trang {p} / {n}",
    in_stock: "Còn hàng",
    out_of_stock: "Hết hàng",
    stock_left: "Còn {n} {unit}",
    per_unit: "/ {unit}",
    no_photo: "Chưa có ảnh",
    ocop_badge: "OCOP {n} sao",
    ocop_title: "Chứng nhận OCOP",
    ocop_decision: "Quyết định",
    ocop_issuer: "Cơ quan cấp",
    ocop_issued_on: "Ngày cấp",
    ocop_expires_on: "Hiệu lực đến",
    ocop_rule_set: "Bộ tiêu chí",
    ocop_verify: "Kiểm tra chứng nhận",
    ocop_status_valid: "Còn hiệu lực",
    ocop_status_expiring: "Sắp hết hạn",
    producer_title: "Cơ sở sản xuất",
    producer_verified: "Đã xác minh",
    producer_products: "Sản phẩm của cơ sở",
    producer_kind_htx: "Hợp tác xã",
    producer_kind_company: "Doanh nghiệp",
    producer_kind_household: "Hộ sản xuất, kinh doanh",
    producer_kind_other: "Tổ hợp tác, cơ sở khác",
    commune_label: "Địa bàn",
    old_commune_label: "trước 7/2025",
    phone_label: "Điện thoại",
    address_label: "Địa chỉ",
    gi_title: "Chỉ dẫn địa lý",
    gi_certificate: "Giấy chứng nhận số",
    gi_protected_area: "Khu vực bảo hộ",
    gi_management: "Tổ chức quản lý",
    gi_products: "Sản phẩm mang chỉ dẫn địa lý",
    gi_more: "Xem chỉ dẫn địa lý",
    description_title: "Mô tả",
    story_title: "Câu chuyện sản phẩm",
    livestream_on_product: "Livestream bán sản phẩm này",
    see_all: "Xem tất cả",
    category_products: "{n} sản phẩm",
    live_now: "Đang live",
    live_upcoming: "Sắp live",
    live_past: "Đã phát",
    live_watch: "Xem trên {platform}",
    live_page_title: "Livestream bán hàng OCOP",
    live_page_description: "Lịch livestream bán đặc sản OCOP Thái Nguyên trên Facebook, YouTube, TikTok và Shopee.",
    live_starts: "Bắt đầu",
    live_pinned: "Sản phẩm trong buổi live",
    live_none: "Chưa có buổi livestream nào.",
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
    catalog_title: "OCOP products",
    catalog_description: "Catalog of Thái Nguyên OCOP products: filter by group, stars, commune, geographical indication and price.",
    search_placeholder: "Search tea, noodles, honey…",
    search_button: "Search",
    filter_button: "Filter",
    filter_category: "Product group",
    filter_stars: "OCOP stars",
    filter_commune: "Commune",
    filter_gi: "Geographical indication",
    filter_price: "Price (VND)",
    filter_min_price: "From",
    filter_max_price: "To",
    filter_in_stock: "In stock only",
    filter_any: "Any",
    filter_clear: "Clear filters",
    filter_remove: "Remove filter",
    sort_label: "Sort",
    sort_relevance: "Best match",
    sort_price_asc: "Price: low to high",
    sort_price_desc: "Price: high to low",
    sort_newest: "Newest",
    sort_stars: "Most stars",
    stars_at_least: "{n} stars and up",
    results_count: "{n} products",
    no_results: "No products match these filters.",
    close_matches: "Perhaps you meant:",
    search_suggestions: "Suggested products",
    invalid_filters: "Some filters are not valid:",
    page_prev: "← Previous",
    page_next: "Next →",
    page_of: "Page {p} of {n}",
    in_stock: "In stock",
    out_of_stock: "Out of stock",
    stock_left: "{n} {unit} left",
    per_unit: "/ {unit}",
    no_photo: "No photo yet",
    ocop_badge: "OCOP {n} stars",
    ocop_title: "OCOP certificate",
    ocop_decision: "Decision",
    ocop_issuer: "Issued by",
    ocop_issued_on: "Issued on",
    ocop_expires_on: "Valid until",
    ocop_rule_set: "Rule set",
    ocop_verify: "Verify this certificate",
    ocop_status_valid: "Valid",
    ocop_status_expiring: "Expiring soon",
    producer_title: "Producer",
    producer_verified: "Verified",
    producer_products: "Products of this producer",
    producer_kind_htx: "Cooperative",
    producer_kind_company: "Company",
    producer_kind_household: "Household business",
    producer_kind_other: "Other producer",
    commune_label: "Location",
    old_commune_label: "before 7/2025",
    phone_label: "Phone",
    address_label: "Address",
    gi_title: "Geographical indication",
    gi_certificate: "Certificate no.",
    gi_protected_area: "Protected area",
    gi_management: "Managed by",
    gi_products: "Products carrying this GI",
    gi_more: "About this GI",
    description_title: "Description",
    story_title: "The product's story",
    livestream_on_product: "Livestreams selling this product",
    see_all: "See all",
    category_products: "{n} products",
    live_now: "Live now",
    live_upcoming: "Coming up",
    live_past: "Past streams",
    live_watch: "Watch on {platform}",
    live_page_title: "OCOP live selling",
    live_page_description: "Live-selling schedule of Thái Nguyên OCOP specialities on Facebook, YouTube, TikTok and Shopee.",
    live_starts: "Starts",
    live_pinned: "Products in this stream",
    live_none: "No livestreams yet.",
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
