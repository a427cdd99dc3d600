//! The `server` binary: `serve` (default) runs the marketplace; `migrate` applies migrations;
//! `create-admin EMAIL "NAME"` makes the first admin (password from `CHO_OCOP_ADMIN_PASSWORD`
//! or standard input); `reindex` rebuilds the search documents and, when Meilisearch is
//! configured, a new index swapped in atomically; `import products --producer SLUG FILE` imports
//! a product list (no size limit, with a progress bar); `import ocop-decision FILE …` an OCOP
//! decision's annex.

use std::io::BufRead;
use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use server::{Application, Settings, auth, cli, db, startup, telemetry};

/// Chợ OCOP: the OCOP marketplace of Thái Nguyên. Settings come from `APP_CONFIG_FILE` and
/// `APP__SECTION__KEY` environment variables (see README).
#[derive(Parser)]
#[command(name = "server", version)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run the marketplace (the default).
    Serve,
    /// Apply database migrations and exit.
    Migrate,
    /// Make EMAIL an admin, creating the account NAME when it does not exist (password from
    /// CHO_OCOP_ADMIN_PASSWORD or standard input).
    CreateAdmin { email: String, name: String },
    /// Rebuild the search documents (and the Meilisearch index, when configured).
    Reindex,
    /// Bulk imports from spreadsheets (.xlsx or .csv), with a progress bar.
    #[command(subcommand)]
    Import(ImportCommand),
}

#[derive(Subcommand)]
enum ImportCommand {
    /// Import a producer's product list: rows matched to its products by SKU (new, update,
    /// unchanged); all or nothing unless --skip-invalid. Exits 1 when nothing was written.
    Products {
        /// The producer's slug.
        #[arg(long)]
        producer: String,
        /// The spreadsheet (.xlsx, or .csv in UTF-8 or Windows-1258).
        file: PathBuf,
        /// A ZIP of photos named by SKU (TC-001.jpg, TC-001-2.jpg).
        #[arg(long)]
        photos: Option<PathBuf>,
        /// Only report what would change.
        #[arg(long)]
        dry_run: bool,
        /// Write the valid rows even when others have errors.
        #[arg(long)]
        skip_invalid: bool,
    },
    /// Import an OCOP decision from its annex (tên sản phẩm, chủ thể, xã/phường, nhóm, số sao):
    /// rows matched to producers and products, certificates issued under the decision's rules.
    /// Exits 1 when rows are ambiguous (choose with --choose) or in error.
    OcopDecision {
        /// The annex (.xlsx or .csv).
        file: PathBuf,
        /// The decision's number, e.g. "1234/QĐ-UBND".
        #[arg(long)]
        decision_no: String,
        /// The decision's date, YYYY-MM-DD.
        #[arg(long)]
        decided_on: String,
        /// district, province or central.
        #[arg(long)]
        level: String,
        /// The issuing body (by default the level's usual one).
        #[arg(long)]
        issuer: Option<String>,
        /// 148/2023 or 26/2026 (by default the one in force on the date).
        #[arg(long)]
        rule_set: Option<String>,
        /// For an ambiguous row: ROW=product:<id>, ROW=producer:<id> or ROW=new (repeatable).
        #[arg(long)]
        choose: Vec<String>,
        /// Only review the matching.
        #[arg(long)]
        dry_run: bool,
    },
}

#[tokio::main]
async fn main() -> anyhow::Result<ExitCode> {
    // Arguments first: `--help` or a typo needs no settings and must not start anything.
    let cli = Cli::parse();
    let settings = Settings::load()?;
    telemetry::init(&settings.log);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            let app = Application::build(settings).await?;
            tracing::info!(port = app.port(), "Chợ OCOP is listening");
            app.run_until(startup::shutdown_signal()).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Migrate => {
            db::migrate(&db::connect_lazy(&settings.database)?).await?;
            Ok(ExitCode::SUCCESS)
        }
        Command::CreateAdmin { email, name } => {
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
            let id = auth::admin::create_admin(&pool, &email, &name, password).await?;
            println!("{email} is an admin (user {id})");
            Ok(ExitCode::SUCCESS)
        }
        Command::Reindex => {
            let done = server::search::reindex::from_settings(&settings, true).await?;
            println!(
                "reindexed {} products: postgres done after {:.1} s{}",
                done.documents,
                done.postgres_secs,
                done.meili_secs
                    .map(|s| format!(", meilisearch after {s:.1} s (at the same time)"))
                    .unwrap_or_default()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Import(ImportCommand::Products {
            producer,
            file,
            photos,
            dry_run,
            skip_invalid,
        }) => {
            let args = cli::ProductsArgs {
                producer,
                file,
                photos,
                dry_run,
                skip_invalid,
            };
            cli::import_products(settings, args).await
        }
        Command::Import(ImportCommand::OcopDecision {
            file,
            decision_no,
            decided_on,
            level,
            issuer,
            rule_set,
            choose,
            dry_run,
        }) => {
            let args = cli::AnnexArgs {
                file,
                decision_no,
                decided_on,
                level,
                issuer,
                rule_set,
                choose,
                dry_run,
            };
            cli::import_annex(settings, args).await
        }
    }
}
