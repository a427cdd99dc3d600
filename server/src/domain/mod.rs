//! Domain types that parse at the edge: once a value is one of these, it is valid. No axum; sqlx
//! and serde only through derives that say how a value is stored and sent.

/// An enum whose values travel as snake_case names: the same name in the database (`sqlx::Type`
/// over `text`), in JSON (serde) and in forms (`FromStr`, with the Vietnamese message given after
/// `else` for anything else). The names come from the derives, so no enum writes its string pairs
/// by hand; `ALL` lists the variants in declaration order.
macro_rules! wire_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident),+ $(,)? }
        $(else $message:literal)?
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash,
            serde::Serialize, serde::Deserialize, sqlx::Type,
            strum::IntoStaticStr, strum::Display,
        )]
        #[serde(rename_all = "snake_case")]
        #[sqlx(type_name = "text", rename_all = "snake_case")]
        #[strum(serialize_all = "snake_case")]
        $vis enum $name { $($(#[$vmeta])* $variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stored and sent name (`under_review`).
            pub fn as_str(self) -> &'static str {
                self.into()
            }
        }

        $(impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(raw: &str) -> Result<Self, String> {
                let raw = raw.trim();
                $name::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == raw)
                    .ok_or_else(|| $message.to_owned())
            }
        })?
    };
}

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
