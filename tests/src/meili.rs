//! `Meili`: a real Meilisearch for the search suite — the one at `MEILI_URL`, or one started from
//! `MEILI_BIN` / `meilisearch` on PATH on a free port over a scratch folder (which can be killed
//! and restarted on the same port and data, for the convergence test). `None` when there is none.

use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// Where to find a Meilisearch, from the environment.
#[derive(Debug, Clone)]
pub enum MeiliSource {
    /// A server someone else runs (`MEILI_URL`): usable, but not killable.
    Url(String),
    /// A binary we start.
    Bin(PathBuf),
}

impl MeiliSource {
    /// `MEILI_URL`, else `MEILI_BIN`, else `meilisearch` on PATH; `None` when none exists.
    pub fn from_env() -> Option<MeiliSource> {
        if let Ok(url) = std::env::var("MEILI_URL")
            && !url.is_empty()
        {
            return Some(MeiliSource::Url(url));
        }
        if let Some(bin) = std::env::var_os("MEILI_BIN") {
            let bin = PathBuf::from(bin);
            if bin.is_file() {
                return Some(MeiliSource::Bin(bin));
            }
        }
        let path = std::env::var_os("PATH")?;
        std::env::split_paths(&path)
            .map(|dir| dir.join("meilisearch"))
            .find(|candidate| candidate.is_file())
            .map(MeiliSource::Bin)
    }

    /// The sentence the suite prints when Meilisearch cannot run here.
    pub const SKIPPED: &'static str =
        "search suite: Meilisearch SKIPPED — no MEILI_URL, MEILI_BIN or meilisearch on PATH";
}

/// A Meilisearch the tests talk to; a process we started stops (and its folder goes) on drop.
pub struct Meili {
    pub url: String,
    bin: Option<PathBuf>,
    port: u16,
    data: Option<PathBuf>,
    process: Option<Child>,
}

impl Meili {
    pub async fn start(source: &MeiliSource) -> Meili {
        match source {
            MeiliSource::Url(url) => Meili {
                url: url.trim_end_matches('/').to_owned(),
                bin: None,
                port: 0,
                data: None,
                process: None,
            },
            MeiliSource::Bin(bin) => {
                let port = crate::free_port();
                let data =
                    std::env::temp_dir().join(format!("cho-ocop-meili-{}", uuid::Uuid::new_v4()));
                std::fs::create_dir_all(&data).expect("create the Meilisearch folder");
                let mut meili = Meili {
                    url: format!("http://127.0.0.1:{port}"),
                    bin: Some(bin.clone()),
                    port,
                    data: Some(data),
                    process: None,
                };
                meili.restart().await;
                meili
            }
        }
    }

    /// Whether this test run owns the process (and so may kill it).
    pub fn killable(&self) -> bool {
        self.bin.is_some()
    }

    /// Kills the process at once, as a crash would.
    pub fn kill(&mut self) {
        if let Some(mut process) = self.process.take() {
            let _ = process.kill();
            let _ = process.wait();
        }
    }

    /// Starts (again) on the same port and data, and waits until it answers `/health`.
    pub async fn restart(&mut self) {
        self.kill();
        let (Some(bin), Some(data)) = (&self.bin, &self.data) else {
            return;
        };
        let process = Command::new(bin)
            .arg("--http-addr")
            .arg(format!("127.0.0.1:{}", self.port))
            .arg("--db-path")
            .arg(data.join("db"))
            .arg("--dump-dir")
            .arg(data.join("dumps"))
            .arg("--no-analytics")
            .arg("--env")
            .arg("development")
            .current_dir(data)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| panic!("start {}: {error}", bin.display()));
        self.process = Some(process);
        let address = SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + Duration::from_secs(30);
        let client = reqwest::Client::new();
        loop {
            if TcpStream::connect_timeout(&address, Duration::from_millis(100)).is_ok()
                && let Ok(response) = client.get(format!("{}/health", self.url)).send().await
                && response.status().is_success()
            {
                return;
            }
            assert!(Instant::now() < deadline, "Meilisearch did not start");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for Meili {
    fn drop(&mut self) {
        self.kill();
        if let Some(data) = &self.data {
            let _ = std::fs::remove_dir_all(data);
        }
    }
}
