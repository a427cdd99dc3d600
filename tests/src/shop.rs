//! Typed helpers for the buying tests: sellers with sales settings, products, carts, checkouts.

use frontend::api::{Order, PlacedOrders, ProductDetail};
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::TestApp;

/// A signed-in owner of a producer.
pub struct Seller {
    pub client: Client,
    pub slug: String,
    pub name: String,
}

impl TestApp {
    /// Registers `email`, creates a producer named `name` and signs in as its owner.
    pub async fn seller(&self, email: &str, name: &str) -> Seller {
        let (client, _) = self.signed_in_client(email).await;
        let producer = self
            .create_producer(
                &client,
                json!({ "name": name, "kind": "htx", "phone": "0912 345 678" }),
            )
            .await;
        Seller {
            client,
            slug: producer.slug,
            name: name.to_owned(),
        }
    }

    /// A seller whose producer sells with [`full_sales`] (pickup, shipping, COD and Agribank).
    pub async fn selling_seller(&self, email: &str, name: &str) -> Seller {
        let seller = self.seller(email, name).await;
        self.set_sales(&seller, full_sales()).await;
        seller
    }

    /// Saves sales settings for the seller's producer; panics unless they are accepted.
    pub async fn set_sales(&self, seller: &Seller, settings: Value) {
        let (status, body) = self
            .send_json(
                &seller.client,
                Method::PUT,
                &format!("/api/v1/producers/{}/sales", seller.slug),
                Some(settings),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }

    /// A product of the seller's on sale.
    pub async fn product(
        &self,
        seller: &Seller,
        name: &str,
        price_vnd: &str,
        unit: &str,
        stock: &str,
    ) -> ProductDetail {
        self.create_product(
            &seller.client,
            &seller.slug,
            json!({
                "name": name, "category_code": "che", "price_vnd": price_vnd,
                "unit": unit, "stock": stock,
            }),
        )
        .await
    }

    /// Puts `quantity` of a product in `client`'s cart.
    pub async fn put_cart(
        &self,
        client: &Client,
        product_id: &str,
        quantity: &str,
    ) -> (StatusCode, Value) {
        self.send_json(
            client,
            Method::PUT,
            &format!("/api/v1/cart/items/{product_id}"),
            Some(json!({ "quantity": quantity })),
        )
        .await
    }

    /// `POST /api/v1/orders` as `client`, with an optional Idempotency-Key.
    pub async fn checkout(
        &self,
        client: &Client,
        body: Value,
        key: Option<&str>,
    ) -> (StatusCode, Value) {
        let mut request = client.post(self.url("/api/v1/orders")).json(&body);
        if let Some(key) = key {
            request = request.header("idempotency-key", key);
        }
        let response = request.send().await.expect("request sent");
        let status = response.status();
        let text = response.text().await.expect("body");
        (
            status,
            serde_json::from_str(&text).unwrap_or(Value::String(text)),
        )
    }

    /// A checkout that must succeed: its orders.
    pub async fn place(&self, client: &Client, body: Value) -> Vec<Order> {
        let (status, body) = self.checkout(client, body, None).await;
        assert_eq!(status, StatusCode::CREATED, "{body}");
        serde_json::from_value::<PlacedOrders>(body)
            .expect("orders")
            .orders
    }

    /// A product's stock as the database holds it.
    pub async fn stock(&self, product_id: &str) -> String {
        let stock: rust_decimal::Decimal =
            sqlx::query_scalar("select stock from products where id = $1::uuid")
                .bind(product_id)
                .fetch_one(&self.db)
                .await
                .expect("stock");
        stock.normalize().to_string()
    }
}

/// Settings most tests use: pickup and shipping (30.000 ₫, free from 500.000 ₫), COD and Agribank.
pub fn full_sales() -> Value {
    json!({
        "delivery": {
            "pickup": true, "pickup_address": "Xóm Nam Đồng, xã Tân Cương",
            "ship": true, "ship_fee_vnd": "30000", "free_from_vnd": "500000"
        },
        "payments": { "cod": true, "bank_transfer": true },
        "bank_account": { "bank_bin": "970405", "account_no": "8888 0000 1234", "account_name": "HTX CHE TAN CUONG" },
        "min_order_vnd": null
    })
}

/// A buyer's delivery details for shipping inside Thái Nguyên (xã Tân Cương).
pub fn ship_to() -> Value {
    json!({
        "method": "ship", "name": "Nguyễn Thị Lan", "phone": "+84 912 345 678",
        "address": "Số 5, xóm Soi Mít", "commune_code": "05503", "note": "Gọi trước khi giao"
    })
}
