//! `SmtpServer`: a real SMTP server process (aiosmtpd from PyPI, with the JSON sink in
//! `tests/smtp/`) on a free loopback port, one per test; tests read what it received.

use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde::Deserialize;

/// One message as the server received it.
#[derive(Debug, Clone, Deserialize)]
pub struct Received {
    pub mail_from: String,
    pub rcpt_tos: Vec<String>,
    pub from: String,
    pub to: String,
    /// Decoded (the message carries it RFC 2047-encoded).
    pub subject: String,
    pub list_unsubscribe: String,
    pub text: String,
    pub html: String,
}

/// A running aiosmtpd; stopped (and its folder removed) on drop.
pub struct SmtpServer {
    pub port: u16,
    folder: PathBuf,
    process: Option<Child>,
}

impl SmtpServer {
    /// Starts the server and waits until it accepts connections.
    pub async fn start() -> SmtpServer {
        let mut server = SmtpServer::reserve();
        server.resume().await;
        server
    }

    /// A port and a folder, with no server yet ([`SmtpServer::resume`] starts it): for tests
    /// whose app must find the SMTP server down first.
    pub fn reserve() -> SmtpServer {
        let folder = std::env::temp_dir().join(format!("cho-ocop-smtp-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&folder).expect("create the mail folder");
        SmtpServer {
            port: crate::free_port(),
            folder,
            process: None,
        }
    }

    /// The app's `APP__MAIL__SMTP_URL` for this server (plain SMTP on loopback).
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Starts (again) on the same port and folder.
    pub async fn resume(&mut self) {
        let sink = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("smtp");
        let process = Command::new(python())
            .args(["-m", "aiosmtpd", "-n", "-l"])
            .arg(format!("127.0.0.1:{}", self.port))
            .args(["-c", "json_sink.JsonSink"])
            .arg(&self.folder)
            .env("PYTHONPATH", sink)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|error| {
                panic!(
                    "start aiosmtpd (run `bash .ci/dev test` once, or set AIOSMTPD_PYTHON): {error}"
                )
            });
        self.process = Some(process);
        self.wait_until_listening().await;
    }

    /// Stops the server: connections are refused until [`SmtpServer::resume`].
    pub fn stop(&mut self) {
        if let Some(mut process) = self.process.take() {
            let _ = process.kill();
            let _ = process.wait();
        }
    }

    /// Everything received so far.
    pub fn messages(&self) -> Vec<Received> {
        let mut found: Vec<(std::time::SystemTime, Received)> = std::fs::read_dir(&self.folder)
            .expect("read the mail folder")
            .filter_map(Result::ok)
            .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
            .map(|e| {
                let text = std::fs::read_to_string(e.path()).expect("read a message");
                let at = e.metadata().and_then(|m| m.modified()).expect("mtime");
                (at, serde_json::from_str(&text).expect("a message record"))
            })
            .collect();
        found.sort_by_key(|(at, _)| *at);
        found.into_iter().map(|(_, m)| m).collect()
    }

    /// Waits until at least `n` messages arrived (panics after `within`), then returns them all.
    pub async fn wait_for(&self, n: usize, within: Duration) -> Vec<Received> {
        let deadline = Instant::now() + within;
        loop {
            let messages = self.messages();
            if messages.len() >= n {
                return messages;
            }
            assert!(
                Instant::now() < deadline,
                "expected {n} messages within {within:?}, got {}: {messages:#?}",
                messages.len()
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }

    async fn wait_until_listening(&mut self) {
        let address = SocketAddr::from(([127, 0, 0, 1], self.port));
        let deadline = Instant::now() + Duration::from_secs(15);
        loop {
            if TcpStream::connect_timeout(&address, Duration::from_millis(100)).is_ok() {
                return;
            }
            if let Some(Ok(Some(status))) = self.process.as_mut().map(Child::try_wait) {
                panic!("aiosmtpd exited before listening: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "aiosmtpd did not listen on {} within 15 s",
                self.port
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for SmtpServer {
    fn drop(&mut self) {
        self.stop();
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

/// `AIOSMTPD_PYTHON`, else the virtualenv `.ci/dev` makes under `~/.cache/cho-ocop/aiosmtpd`.
fn python() -> PathBuf {
    if let Some(python) = std::env::var_os("AIOSMTPD_PYTHON") {
        return PathBuf::from(python);
    }
    let cache = std::env::var_os("CHO_OCOP_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/cho-ocop")
        });
    cache.join("aiosmtpd/bin/python")
}
