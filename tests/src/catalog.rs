//! Typed helpers for making the catalog through the API: producers and products come back as the
//! `frontend::api` types the UI reads, so tests use fields, not `body["producer"]["slug"]`.

use frontend::api::{ProducerCard, ProductDetail};
use reqwest::{Client, Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::TestApp;

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
