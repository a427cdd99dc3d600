//! Extractors that keep rejections in the API's JSON error shape.

use std::collections::BTreeMap;

use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::error::ApiError;

/// A JSON body read the same way on every route: not JSON (or no `application/json`) is a 400
/// (415), JSON of the wrong shape a 422 naming what is wrong. Serialises like `Json` on the way out.
#[derive(Debug, Clone, Copy, Default)]
pub struct AppJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for AppJson<T> {
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, ApiError> {
        let axum::Json(mut value) = axum::Json::<Value>::from_request(request, state).await?;
        whole_numbers_as_integers(&mut value);
        serde_json::from_value(value).map(AppJson).map_err(|error| {
            ApiError::Validation(BTreeMap::from([("body".to_owned(), error.to_string())]))
        })
    }
}

/// JSON has one number type, and `3.0` is as much an integer as `3` (JSON Schema agrees), but
/// serde refuses it for an integer field: a whole number is given back as an integer first.
fn whole_numbers_as_integers(value: &mut Value) {
    match value {
        Value::Number(number) => {
            if let Some(float) = number
                .as_f64()
                .filter(|_| !number.is_i64() && !number.is_u64())
                && float.fract() == 0.0
                && float.abs() < 9.0e15
            {
                *value = Value::from(float as i64);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(whole_numbers_as_integers),
        Value::Object(fields) => fields.values_mut().for_each(whole_numbers_as_integers),
        _ => {}
    }
}

impl<T: serde::Serialize> IntoResponse for AppJson<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `Path<T>` whose rejections keep the API's error shape: an id that cannot be one (not a UUID)
/// names nothing that exists, so it is a 404 like any other unknown id.
#[derive(Debug, Clone, Copy, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(ApiError))]
pub struct AppPath<T>(pub T);

/// `Query<T>` whose rejections keep the API's error shape: a query string that does not parse
/// (a letter where a number goes) is a 400, like malformed JSON.
#[derive(Debug, Clone, Copy, Default, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(ApiError))]
pub struct AppQuery<T>(pub T);
