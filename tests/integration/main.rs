//! Chợ OCOP's one integration-test binary: modules per feature, each test on its own database.

mod accounts;
mod browser;
mod buying_browser;
mod buying_pages;
mod catalog;
mod catalog_pages;
mod curation;
mod health;
mod imports;
mod imports_annex;
mod imports_files;
mod imports_pages;
mod livestreams;
mod media;
mod openapi;
mod orders;
mod pages;
mod search;
mod workspace;
mod workspace_pages;
