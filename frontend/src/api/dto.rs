//! Plain serde structs shared by the server and the browser.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
pub struct HomeData {
    pub stats: CatalogStats,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct CatalogStats {
    pub products: i64,
    pub producers: i64,
    pub certified_products: i64,
}
