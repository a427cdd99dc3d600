//! Spreadsheets in: members import their producer's product list (with photos in a ZIP), the
//! previews wait as uploads until applied, and templates show what a file should look like.

pub mod annex;
mod photos;
pub mod products;
mod rows;
pub mod templates;
pub mod uploads;

pub use products::{
    ProductImport, Progress, Quiet, import_products, import_products_as_operator, may_import,
};

/// The largest spreadsheet an upload may be (the command line has no limit).
pub const MAX_SHEET_BYTES: usize = 10 * 1024 * 1024;
/// The largest photos ZIP an upload may be.
pub const MAX_PHOTOS_ZIP_BYTES: usize = 50 * 1024 * 1024;
