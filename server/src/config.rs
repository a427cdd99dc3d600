//! Layered settings: built-in defaults < optional TOML file < `APP__SECTION__KEY` environment variables.

use std::path::PathBuf;

use secrecy::{ExposeSecret, SecretString};
use serde::Deserialize;

/// Everything the server needs to start; secrets are wrapped so they never print.
#[derive(Debug, Clone, Deserialize)]
pub struct Settings {
    pub server: ServerSettings,
    pub database: DatabaseSettings,
    pub log: LogSettings,
    pub web: WebSettings,
    pub search: SearchSettings,
    pub media: MediaSettings,
    #[serde(default)]
    pub mail: MailSettings,
    #[serde(default)]
    pub limits: LimitsSettings,
}

/// Per-client limits on anonymous work (`APP__LIMITS__…`).
#[derive(Debug, Clone, Deserialize)]
#[serde(default)]
pub struct LimitsSettings {
    /// Registrations one client (IPv4 address or IPv6 /64) may attempt per hour.
    pub registrations_per_hour: i64,
    /// GET requests to the API and pages one client may make per second, sustained; 0 = no limit.
    pub requests_per_second: u32,
    /// How many it may make at once above that rate (a page and its parts, a quick search).
    pub request_burst: u32,
}

impl Default for LimitsSettings {
    fn default() -> Self {
        LimitsSettings {
            registrations_per_hour: 10,
            requests_per_second: 10,
            request_burst: 60,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    /// The public URL people reach us at; used for absolute links (Open Graph, sitemap).
    pub base_url: String,
    pub environment: Environment,
    /// Proxies and load balancers whose forwarding headers are believed
    /// (`APP__SERVER__TRUSTED_PROXIES="10.0.0.0/8, 192.168.1.5"`); empty = none, and the
    /// client is whoever opened the connection.
    #[serde(default)]
    pub trusted_proxies: TrustedProxies,
}

/// Address ranges (CIDR, or a bare address) of trusted proxies, written as one string separated
/// by commas or spaces, because that is what an environment variable can hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(pub Vec<ipnet::IpNet>);

impl TrustedProxies {
    pub fn contains(&self, ip: &std::net::IpAddr) -> bool {
        self.0.iter().any(|net| net.contains(ip))
    }
}

impl std::str::FromStr for TrustedProxies {
    type Err = String;
    fn from_str(text: &str) -> Result<Self, String> {
        text.split([',', ' ', '\t'])
            .filter(|part| !part.is_empty())
            .map(|part| {
                part.parse::<ipnet::IpNet>()
                    .or_else(|_| part.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                    .map_err(|_| {
                        format!("trusted_proxies: `{part}` is not an address or CIDR range")
                    })
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }
}

impl<'de> Deserialize<'de> for TrustedProxies {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        String::deserialize(deserializer)?
            .parse()
            .map_err(serde::de::Error::custom)
    }
}

/// Decides secure-by-default behaviour (e.g. `Secure` cookies outside development).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Environment {
    Development,
    Production,
}

#[derive(Debug, Clone, Deserialize)]
pub struct DatabaseSettings {
    pub url: SecretString,
    pub max_connections: u32,
    /// How long a request may wait for a pooled connection before failing with 503.
    pub acquire_timeout_secs: u64,
}

impl DatabaseSettings {
    /// The same server and credentials, another database (tests create one per test).
    pub fn with_database(&self, name: &str) -> DatabaseSettings {
        let url = self.url.expose_secret();
        let base = url.rsplit_once('/').map_or(url, |(base, _)| base);
        DatabaseSettings {
            url: SecretString::from(format!("{base}/{name}")),
            ..self.clone()
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct LogSettings {
    pub format: LogFormat,
    /// An `EnvFilter` directive; `RUST_LOG` overrides it.
    pub level: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    Human,
    Json,
}

#[derive(Debug, Clone, Deserialize)]
pub struct WebSettings {
    /// The folder holding the built hydration bundle (`pkg/`) and public assets.
    pub site_root: PathBuf,
}

#[derive(Debug, Clone, Deserialize)]
pub struct SearchSettings {
    pub meili_url: Option<String>,
    pub meili_key: Option<SecretString>,
    /// The live index's name (default `products`); tests give each database its own.
    pub meili_index: Option<String>,
    /// Postgres engine: reuse facet counts while no document changed (default on; the benchmark
    /// turns it off to measure the cold path too).
    pub facet_cache: Option<bool>,
    /// Run this instance's outbox worker (default on). An instance reading with Postgres beside
    /// others that feed Meilisearch from the same database must not (its worker only deletes
    /// rows); the search benchmark runs such a mix.
    pub sync_worker: Option<bool>,
}

/// Outgoing mail. Both unset: messages are logged and marked not sent.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct MailSettings {
    /// `smtps://user:pass@host:465`, `smtp://host:587?tls=required`, or `smtp://127.0.0.1:25`.
    pub smtp_url: Option<SecretString>,
    /// The sender, e.g. `Chợ OCOP <no-reply@example.vn>`.
    pub from: Option<String>,
    /// Longest wait between two tries of one message, in seconds (default 300).
    pub retry_cap_secs: Option<u64>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct MediaSettings {
    pub backend: MediaBackendKind,
    /// Where the local-disk backend keeps objects.
    pub local_dir: PathBuf,
    /// Prefix of public object URLs; `/media` serves them through the app (works for every backend).
    pub public_base_url: String,
    pub s3: Option<S3Settings>,
}

/// An S3-protocol bucket (AWS, Garage, MinIO, s3s-fs…).
#[derive(Debug, Clone, Deserialize)]
pub struct S3Settings {
    pub endpoint: String,
    pub bucket: String,
    pub region: String,
    pub access_key: SecretString,
    pub secret_key: SecretString,
    /// Path-style URLs (`endpoint/bucket/key`): what self-hosted servers expect.
    pub path_style: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MediaBackendKind {
    Local,
    S3,
}

const DEFAULTS: &str = r#"
[server]
host = "127.0.0.1"
port = 3000
base_url = "http://127.0.0.1:3000"
environment = "development"

[database]
url = "postgres://cho_ocop:cho_ocop@127.0.0.1:5432/cho_ocop"
max_connections = 10
acquire_timeout_secs = 5

[log]
format = "human"
level = "info,server=debug,sqlx=warn"

[web]
site_root = "target/site"

[search]

[media]
backend = "local"
local_dir = "media"
public_base_url = "/media"
"#;

impl Settings {
    /// Loads defaults, then the file named by `APP_CONFIG_FILE` (if any), then `APP__…` variables.
    pub fn load() -> anyhow::Result<Settings> {
        let mut builder = config::Config::builder()
            .add_source(config::File::from_str(DEFAULTS, config::FileFormat::Toml));
        if let Ok(path) = std::env::var("APP_CONFIG_FILE") {
            builder = builder.add_source(config::File::with_name(&path).required(true));
        }
        let settings = builder
            .add_source(
                config::Environment::with_prefix("APP")
                    .prefix_separator("__")
                    .separator("__"),
            )
            .build()?
            .try_deserialize()?;
        Ok(settings)
    }

    pub fn address(&self) -> String {
        format!("{}:{}", self.server.host, self.server.port)
    }
}
