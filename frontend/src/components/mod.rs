//! Building blocks shared by several pages.

pub mod cart;
pub mod chart;
pub mod contact;
pub mod form;
pub mod layout;
pub mod livestream;
pub mod product_card;
pub mod reviews;
pub mod seo;

/// For an island's root: `data-hydrated="true"` once the island runs in the browser (effects
/// never run on the server). The browser tests wait for it before using an enhanced control.
pub fn awake() -> impl Fn() -> Option<&'static str> + Copy + Send + Sync + 'static {
    use leptos::prelude::{Effect, Get, RwSignal, Set};
    let awake = RwSignal::new(false);
    Effect::new(move |_| awake.set(true));
    move || awake.get().then_some("true")
}

/// The page being shown, path and query (`/san-pham?q=che`), to come back to after a post.
/// The router keeps the query without its `?`.
pub fn here(location: &leptos_router::location::Location) -> String {
    use leptos::prelude::GetUntracked;
    join_path_and_query(
        &location.pathname.get_untracked(),
        &location.search.get_untracked(),
    )
}

fn join_path_and_query(path: &str, search: &str) -> String {
    let query = search.trim_start_matches('?');
    if query.is_empty() {
        path.to_owned()
    } else {
        format!("{path}?{query}")
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_query_keeps_its_question_mark() {
        assert_eq!(
            super::join_path_and_query("/san-pham", "q=mien+dong"),
            "/san-pham?q=mien+dong"
        );
        assert_eq!(
            super::join_path_and_query("/san-pham", "?q=a"),
            "/san-pham?q=a"
        );
        assert_eq!(super::join_path_and_query("/gio-hang", ""), "/gio-hang");
    }
}
