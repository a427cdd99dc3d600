//! One module per page.

pub mod account;
pub mod catalog;
pub mod curator;
pub mod gi;
pub mod home;
pub mod livestreams;
pub mod not_found;
pub mod producer;
pub mod product;
pub mod verify;
pub mod workspace;
