//! The `server` binary: `serve` (default) runs the marketplace; `migrate` only applies migrations.

use server::{Application, Settings, db, startup, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::load()?;
    telemetry::init(&settings.log);
    match std::env::args().nth(1).as_deref() {
        None | Some("serve") => {
            let app = Application::build(settings).await?;
            tracing::info!(port = app.port(), "Chợ OCOP is listening");
            app.run_until(startup::shutdown_signal()).await
        }
        Some("migrate") => db::migrate(&db::connect_lazy(&settings.database)?).await,
        Some(other) => anyhow::bail!("unknown command {other:?}; expected serve or migrate"),
    }
}
