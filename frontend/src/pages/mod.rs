//! One module per page.

pub mod account;
pub mod buying;
pub mod catalog;
pub mod curator;
pub mod gi;
pub mod home;
pub mod livestreams;
pub mod not_found;
pub mod notifications;
pub mod producer;
pub mod product;
pub mod report;
pub mod selling;
pub mod verify;
pub mod workspace;
