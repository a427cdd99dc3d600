//! Typed helpers for making the catalog through the API: producers and products come back as the
//! `frontend::api` types the UI reads, so tests use fields, not `body["producer"]["slug"]`.

use frontend::api::{ProducerCard, ProductDetail};
use reqwest::{Client, Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::TestApp;

/// A raw catalog query string ("q=chè&min_stars=4") as the API reads it.
pub fn catalog_query(raw: &str) -> frontend::api::CatalogQuery {
    let url = reqwest::Url::parse(&format!("http://query.invalid/?{raw}")).expect("a query string");
    let fields: serde_json::Map<String, Value> = url
        .query_pairs()
        .map(|(key, value)| (key.into_owned(), Value::String(value.into_owned())))
        .collect();
    serde_json::from_value(Value::Object(fields)).expect("catalog query fields")
}

impl TestApp {
    /// `POST /api/v1/producers` as `owner`: the new producer (panics unless 201).
    pub async fn create_producer(&self, owner: &Client, body: Value) -> ProducerCard {
        #[derive(serde::Deserialize)]
        struct Envelope {
            producer: ProducerCard,
        }
        let envelope: Envelope = self
            .created(owner, "/api/v1/producers".to_owned(), body)
            .await;
        envelope.producer
    }

    /// `POST /api/v1/producers/{producer}/products` as a member: the product (panics unless 201).
    pub async fn create_product(
        &self,
        member: &Client,
        producer: &str,
        body: Value,
    ) -> ProductDetail {
        self.created(
            member,
            format!("/api/v1/producers/{producer}/products"),
            body,
        )
        .await
    }

    async fn created<T: DeserializeOwned>(&self, client: &Client, path: String, body: Value) -> T {
        let (status, answer) = self
            .send_json(client, Method::POST, &path, Some(body))
            .await;
        assert_eq!(status, StatusCode::CREATED, "POST {path}: {answer}");
        serde_json::from_value(answer).unwrap_or_else(|e| panic!("POST {path}: {e}"))
    }
}
