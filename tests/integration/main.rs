//! Chợ OCOP's one integration-test binary: modules per feature, each test on its own database.

mod accounts;
mod browser;
mod buying_browser;
mod buying_pages;
mod catalog;
mod catalog_pages;
mod curation;
mod faults;
mod hardening;
mod health;
mod imports;
mod imports_annex;
mod imports_browser;
mod imports_files;
mod imports_pages;
mod livestreams;
mod mail;
mod media;
mod members;
mod openapi;
mod orders;
mod pages;
mod reviews;
mod search;
mod workspace;
mod workspace_pages;
