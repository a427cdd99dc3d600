//! The `server` binary: `serve` (default) runs the marketplace; `migrate` applies migrations;
//! `create-admin EMAIL "NAME"` makes the first admin (password from `CHO_OCOP_ADMIN_PASSWORD`
//! or standard input); `reindex` rebuilds the search documents and, when Meilisearch is
//! configured, a new index swapped in atomically.

use std::io::BufRead;

use server::{Application, Settings, auth, db, startup, telemetry};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let settings = Settings::load()?;
    telemetry::init(&settings.log);
    let args: Vec<String> = std::env::args().skip(1).collect();
    match args
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .as_slice()
    {
        [] | ["serve"] => {
            let app = Application::build(settings).await?;
            tracing::info!(port = app.port(), "Chợ OCOP is listening");
            app.run_until(startup::shutdown_signal()).await
        }
        ["migrate"] => db::migrate(&db::connect_lazy(&settings.database)?).await,
        ["create-admin", email, name] => {
            let pool = db::connect_lazy(&settings.database)?;
            db::migrate(&pool).await?;
            let password = match std::env::var("CHO_OCOP_ADMIN_PASSWORD") {
                Ok(password) => Some(password),
                Err(_) => {
                    eprintln!("password (only needed for a new account; empty to skip):");
                    let mut line = String::new();
                    std::io::stdin().lock().read_line(&mut line)?;
                    Some(line.trim_end_matches(['\r', '\n']).to_owned()).filter(|p| !p.is_empty())
                }
            };
            let id = auth::admin::create_admin(&pool, email, name, password).await?;
            println!("{email} is an admin (user {id})");
            Ok(())
        }
        ["reindex"] => {
            let done = server::search::reindex::from_settings(&settings, true).await?;
            println!(
                "reindexed {} products: postgres done after {:.1} s{}",
                done.documents,
                done.postgres_secs,
                done.meili_secs
                    .map(|s| format!(", meilisearch after {s:.1} s (at the same time)"))
                    .unwrap_or_default()
            );
            Ok(())
        }
        _ => anyhow::bail!("usage: server [serve | migrate | create-admin EMAIL NAME | reindex]"),
    }
}
