//! Domain types that parse at the edge: once a value is one of these, it is valid. No axum, no sqlx.

pub mod account;
pub mod audit;
pub mod catalog;
pub mod curation;
pub mod import;
pub mod listing;
pub mod livestream;
pub mod ocop;
pub mod order;
pub mod slug;

use std::collections::BTreeMap;

/// Field-level validation messages, keyed by the API's field names (shown beside form fields too).
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct FieldErrors(pub BTreeMap<String, String>);

impl FieldErrors {
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0
            .entry(field.to_owned())
            .or_insert_with(|| message.into());
    }

    /// Keeps a parsed value, or records why it failed and returns `None`.
    pub fn check<T>(&mut self, field: &str, result: Result<T, String>) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(message) => {
                self.add(field, message);
                None
            }
        }
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok(value)` when nothing failed; the errors otherwise.
    pub fn finish<T>(self, value: impl FnOnce() -> T) -> Result<T, FieldErrors> {
        if self.is_empty() {
            Ok(value())
        } else {
            Err(self)
        }
    }
}
