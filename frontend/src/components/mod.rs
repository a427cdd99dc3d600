//! Building blocks shared by several pages.

pub mod layout;
pub mod product_card;
pub mod seo;
