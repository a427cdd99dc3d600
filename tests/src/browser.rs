//! `Browser`: headless Chromium driven through chromedriver (WebDriver), one per test.

use std::process::Stdio;
use std::time::Duration;

use fantoccini::{Client, ClientBuilder};
use hyper_util::client::legacy::connect::HttpConnector;
use tokio::process::{Child, Command};

/// A chromedriver process and a WebDriver session on it; both end when this is dropped.
pub struct Browser {
    pub client: Client,
    _driver: Child,
    _profile: TempDir,
}

impl Browser {
    pub async fn launch() -> Browser {
        Self::start(None, true).await
    }

    /// A phone's screen of `width` × `height` CSS pixels (e.g. 412 × 915), emulated by
    /// chromedriver: a plain window cannot be narrower than 500 px.
    pub async fn launch_phone(width: u32, height: u32) -> Browser {
        Self::start(Some((width, height)), true).await
    }

    /// The same phone with JavaScript switched off for pages (WebDriver's own scripts still
    /// run, so tests can measure): what a visitor without JavaScript sees.
    pub async fn launch_phone_without_js(width: u32, height: u32) -> Browser {
        Self::start(Some((width, height)), false).await
    }

    async fn start(phone: Option<(u32, u32)>, javascript: bool) -> Browser {
        let port = crate::free_port();
        let driver =
            Command::new(std::env::var("CHROMEDRIVER").unwrap_or_else(|_| "chromedriver".into()))
                .arg(format!("--port={port}"))
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .kill_on_drop(true)
                .spawn()
                .expect("chromedriver starts (apt-get install chromium-driver)");
        let profile = TempDir::new();
        let args = [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-quic",
            "--no-first-run",
            "--window-size=390,844",
            &format!("--user-data-dir={}", profile.0.display()),
        ];
        let mut options = serde_json::json!({
            "args": args,
            "binary": std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into()),
        });
        if !javascript {
            options["prefs"] =
                serde_json::json!({ "profile.managed_default_content_settings.javascript": 2 });
        }
        if let Some((width, height)) = phone {
            options["mobileEmulation"] = serde_json::json!({
                "deviceMetrics": { "width": width, "height": height, "pixelRatio": 1.0 },
            });
        }
        let mut caps = serde_json::Map::new();
        caps.insert("goog:chromeOptions".into(), options);
        let url = format!("http://127.0.0.1:{port}");
        let mut last_error = None;
        for _ in 0..50 {
            match ClientBuilder::new(HttpConnector::new())
                .capabilities(caps.clone())
                .connect(&url)
                .await
            {
                Ok(client) => {
                    return Browser {
                        client,
                        _driver: driver,
                        _profile: profile,
                    };
                }
                Err(error) => last_error = Some(error),
            }
            tokio::time::sleep(Duration::from_millis(200)).await;
        }
        panic!("could not start a WebDriver session: {last_error:?}");
    }

    /// Ends the WebDriver session (closing Chromium) before the driver is killed.
    pub async fn close(self) {
        let _ = self.client.close().await;
    }
}

/// A scratch folder removed on drop (Chromium needs a fresh profile per run).
struct TempDir(std::path::PathBuf);

impl TempDir {
    fn new() -> TempDir {
        let path = std::env::temp_dir().join(format!("cho-ocop-chromium-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&path).expect("create profile dir");
        TempDir(path)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
