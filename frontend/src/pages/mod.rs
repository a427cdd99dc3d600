//! One module per page.

pub mod account;
pub mod catalog;
pub mod gi;
pub mod home;
pub mod livestreams;
pub mod not_found;
pub mod producer;
pub mod product;
pub mod workspace;
