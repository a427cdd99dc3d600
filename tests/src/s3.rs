//! `S3Server`: a real S3-protocol server (s3s-fs) over a scratch folder, one per test.

use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use secrecy::SecretString;
use server::config::S3Settings;

/// A running s3s-fs on a free loopback port; the process and its folder go away on drop.
pub struct S3Server {
    /// `http://127.0.0.1:<port>`.
    pub endpoint: String,
    pub access_key: String,
    pub secret_key: String,
    /// Where s3s-fs keeps buckets (one folder each), for tests that look behind the protocol.
    pub root: PathBuf,
    port: u16,
    process: Child,
}

fn spawn(
    port: u16,
    access_key: &str,
    secret_key: &str,
    root: &std::path::Path,
) -> std::io::Result<Child> {
    let spawn = |bin: &std::ffi::OsStr| {
        Command::new(bin)
            .args(["--host", "127.0.0.1", "--port", &port.to_string()])
            .args(["--access-key", access_key, "--secret-key", secret_key])
            .arg(root)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
    };
    match std::env::var_os("S3S_FS_BIN") {
        Some(bin) => spawn(&bin),
        None => spawn("s3s-fs".as_ref()).or_else(|_| spawn(installed_by_dev_script().as_os_str())),
    }
}

impl S3Server {
    /// Starts s3s-fs and waits until it accepts connections. The binary is `S3S_FS_BIN`, else
    /// `s3s-fs` on PATH, else where `.ci/dev` installs it (`~/.cache/cho-ocop/bin`), so a plain
    /// `cargo test` works on a machine the dev script has set up.
    pub async fn start() -> S3Server {
        let root = std::env::temp_dir().join(format!("cho-ocop-s3-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&root).expect("create the s3s-fs folder");
        let access_key = "cho-ocop-test".to_owned();
        let secret_key = format!("secret-{}", uuid::Uuid::new_v4());
        let port = crate::free_port();
        let process = match spawn(port, &access_key, &secret_key, &root) {
            Ok(process) => process,
            Err(error) => {
                let _ = std::fs::remove_dir_all(&root);
                panic!("start s3s-fs (run `bash .ci/dev test` once, or set S3S_FS_BIN): {error}");
            }
        };
        let mut server = S3Server {
            endpoint: format!("http://127.0.0.1:{port}"),
            access_key,
            secret_key,
            root,
            port,
            process,
        };
        server.wait_until_listening(port).await;
        server
    }

    /// Settings for a bucket on this server, as the app reads them from its configuration.
    pub fn settings(&self, bucket: &str) -> S3Settings {
        S3Settings {
            endpoint: self.endpoint.clone(),
            bucket: bucket.to_owned(),
            region: "us-east-1".to_owned(),
            access_key: SecretString::from(self.access_key.clone()),
            secret_key: SecretString::from(self.secret_key.clone()),
            path_style: true,
        }
    }

    /// Stops the server as a crash would (its objects stay on disk), for fault tests.
    pub fn stop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
    }

    /// Starts it again on the same port and folder.
    pub async fn restart(&mut self) {
        self.process = spawn(self.port, &self.access_key, &self.secret_key, &self.root)
            .expect("restart s3s-fs");
        let port = self.port;
        self.wait_until_listening(port).await;
    }

    async fn wait_until_listening(&mut self, port: u16) {
        let address = SocketAddr::from(([127, 0, 0, 1], port));
        let deadline = Instant::now() + Duration::from_secs(10);
        loop {
            if TcpStream::connect_timeout(&address, Duration::from_millis(100)).is_ok() {
                return;
            }
            if let Ok(Some(status)) = self.process.try_wait() {
                panic!("s3s-fs exited before listening: {status}");
            }
            assert!(
                Instant::now() < deadline,
                "s3s-fs did not listen on {port} within 10 s"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

impl Drop for S3Server {
    fn drop(&mut self) {
        let _ = self.process.kill();
        let _ = self.process.wait();
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// `$CHO_OCOP_CACHE/bin/s3s-fs`, by default under `~/.cache/cho-ocop`, as `.ci/dev` lays it out.
fn installed_by_dev_script() -> PathBuf {
    let cache = std::env::var_os("CHO_OCOP_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache/cho-ocop")
        });
    cache.join("bin").join("s3s-fs")
}
