//! Building blocks shared by several pages.

pub mod cart;
pub mod form;
pub mod layout;
pub mod livestream;
pub mod product_card;
pub mod seo;
