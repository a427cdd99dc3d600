//! Password hashing with argon2id, run off the async threads (it is deliberately slow).

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use tokio::sync::{Semaphore, SemaphorePermit};

/// Each argon2 run takes 19 MiB and a core for a tenth of a second: without a cap, a burst of
/// anonymous registrations or logins queues unbounded blocking threads and memory. At most one
/// run per core; the rest wait their turn.
async fn permit() -> anyhow::Result<SemaphorePermit<'static>> {
    Ok(runs().acquire().await?)
}

fn runs() -> &'static Semaphore {
    static RUNS: std::sync::OnceLock<Semaphore> = std::sync::OnceLock::new();
    RUNS.get_or_init(|| Semaphore::new(cores()))
}

fn cores() -> usize {
    std::thread::available_parallelism().map_or(2, |n| n.get())
}

pub async fn hash(password: String) -> anyhow::Result<String> {
    let _permit = permit().await?;
    tokio::task::spawn_blocking(move || {
        Argon2::default()
            .hash_password(password.as_bytes())
            .map(|hash| hash.to_string())
            .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
    })
    .await?
}

/// True when `password` matches the stored PHC string.
pub async fn verify(password: String, stored: String) -> anyhow::Result<bool> {
    let _permit = permit().await?;
    tokio::task::spawn_blocking(move || {
        let parsed =
            PasswordHash::new(&stored).map_err(|e| anyhow::anyhow!("bad stored hash: {e}"))?;
        Ok(Argon2::default()
            .verify_password(password.as_bytes(), &parsed)
            .is_ok())
    })
    .await?
}

/// A hash of a random password: verifying against it costs what a real check costs, so an
/// unknown email takes as long to reject as a wrong password (no account enumeration by timing).
pub async fn dummy_hash() -> &'static str {
    static DUMMY: tokio::sync::OnceCell<String> = tokio::sync::OnceCell::const_new();
    DUMMY
        .get_or_init(|| async {
            hash(uuid::Uuid::new_v4().to_string())
                .await
                .unwrap_or_default()
        })
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_password_only() {
        let stored = hash("mật khẩu dài 123".into()).await.unwrap();
        assert!(stored.starts_with("$argon2id$"));
        assert!(
            verify("mật khẩu dài 123".into(), stored.clone())
                .await
                .unwrap()
        );
        assert!(!verify("mat khau dai 123".into(), stored).await.unwrap());
    }

    #[tokio::test]
    async fn no_hash_starts_while_every_core_is_hashing() {
        // Take every run, as a burst of registrations would: the next one must wait, not start.
        let taken = runs().acquire_many(cores() as u32).await.unwrap();
        let waiting = tokio::spawn(hash("mật khẩu đang chờ".into()));
        // Unbounded, one hash takes a fraction of this (the test profile optimises argon2).
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
        assert!(!waiting.is_finished(), "a hash ran past the cap");
        drop(taken);
        assert!(waiting.await.unwrap().unwrap().starts_with("$argon2id$"));
    }
}
