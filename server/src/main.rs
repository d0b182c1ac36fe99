//! `techdeck-keyserver`: run the key server, or administer it from the command line.
//!
//! `techdeck-keyserver serve` starts the HTTP server. `user add`, `keys rotate` and
//! `audit verify` work on the same database and take the same environment variables.

use std::io::Read;
use std::net::SocketAddr;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use clap::{Parser, Subcommand};
use techdeck_keyserver::{audit, http, logging, Config, KeyServer};
use zeroize::Zeroizing;

/// How often the maintenance task runs: key reload and rotation, purging expired rows.
const MAINTENANCE_INTERVAL: Duration = Duration::from_secs(60);

#[derive(Parser)]
#[command(
    name = "techdeck-keyserver",
    version,
    about = "Issue, rotate and revoke techdeck-guard tokens and keys"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the HTTP server on KEYSERVER_BIND (default 127.0.0.1:8787).
    Serve,
    /// Manage user accounts.
    User {
        #[command(subcommand)]
        command: UserCommand,
    },
    /// Manage token signing keys.
    Keys {
        #[command(subcommand)]
        command: KeysCommand,
    },
    /// Check the audit log.
    Audit {
        #[command(subcommand)]
        command: AuditCommand,
    },
}

#[derive(Subcommand)]
enum UserCommand {
    /// Create a user. The password is read from standard input (one line).
    Add {
        /// The user name to log in with.
        #[arg(long)]
        username: String,
        /// admin, therapist, researcher, user or break_glass.
        #[arg(long)]
        role: String,
        /// A patient id assigned to the user; repeat for several.
        #[arg(long = "patient", value_name = "ID")]
        patients: Vec<String>,
    },
}

#[derive(Subcommand)]
enum KeysCommand {
    /// Make a new signing key current; old keys keep verifying until their tokens expire.
    Rotate,
}

#[derive(Subcommand)]
enum AuditCommand {
    /// Replay the hash chain and the signed checkpoints, and report the first break.
    Verify,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    init_logging();
    let config = match Config::from_env() {
        Ok(config) => config,
        Err(error) => {
            eprint!("{error}");
            return ExitCode::from(2);
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
        Ok(runtime) => runtime,
        Err(error) => {
            eprintln!("cannot start the async runtime: {error}");
            return ExitCode::from(2);
        }
    };
    runtime.block_on(run(cli.command, config))
}

/// Installs the JSON log on standard error, filtered by `KEYSERVER_LOG` (default `info`).
fn init_logging() {
    let filter = std::env::var("KEYSERVER_LOG").unwrap_or_else(|_| "info".into());
    let _ = tracing::subscriber::set_global_default(logging::subscriber(&filter, std::io::stderr));
}

async fn run(command: Command, config: Config) -> ExitCode {
    let server = match KeyServer::start(config).await {
        Ok(server) => server,
        Err(error) => {
            eprintln!("cannot start: {}", error.message());
            return ExitCode::from(2);
        }
    };
    match command {
        Command::Serve => serve(server).await,
        Command::User { command: UserCommand::Add { username, role, patients } } => {
            let mut password = Zeroizing::new(String::new());
            if std::io::stdin().read_to_string(&mut password).is_err() {
                eprintln!("cannot read the password from standard input");
                return ExitCode::from(2);
            }
            let password = password.trim_end_matches(['\r', '\n']);
            match server.add_user("cli", &username, password, &role, &patients).await {
                Ok(id) => {
                    println!("{id}");
                    ExitCode::SUCCESS
                }
                Err(error) => {
                    eprintln!("cannot add the user: {}", error.message());
                    ExitCode::from(1)
                }
            }
        }
        Command::Keys { command: KeysCommand::Rotate } => match server.rotate_signing_key("cli").await {
            Ok(kid) => {
                println!("{kid}");
                ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("cannot rotate the signing key: {}", error.message());
                ExitCode::from(1)
            }
        },
        Command::Audit { command: AuditCommand::Verify } => {
            match audit::verify(&server.store, &server.keyring).await {
                Ok(report) => match report.first_break {
                    None => {
                        let plural = |n: u64, word: &str| {
                            if n == 1 {
                                format!("{n} {word}")
                            } else {
                                format!("{n} {word}s")
                            }
                        };
                        println!(
                            "audit chain verified: {} and {}",
                            plural(report.records, "record"),
                            plural(report.checkpoints, "signed checkpoint")
                        );
                        ExitCode::SUCCESS
                    }
                    Some(found) => {
                        println!("audit chain broken at record {}: {}", found.seq, found.reason);
                        println!("({} records before it verified)", report.records);
                        ExitCode::from(1)
                    }
                },
                Err(error) => {
                    eprintln!("cannot read the audit log: {}", error.message());
                    ExitCode::from(2)
                }
            }
        }
    }
}

async fn serve(server: Arc<KeyServer>) -> ExitCode {
    let bind = server.config.bind;
    let listener = match tokio::net::TcpListener::bind(bind).await {
        Ok(listener) => listener,
        Err(error) => {
            eprintln!("cannot listen on {bind}: {error}");
            return ExitCode::from(2);
        }
    };
    let address = listener.local_addr().map_or_else(|_| bind.to_string(), |a| a.to_string());
    tracing::info!(address = %address, backend = ?server.store.backend(), "key server listening");

    let maintenance = server.clone();
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(MAINTENANCE_INTERVAL);
        loop {
            tick.tick().await;
            if let Err(error) = maintenance.run_maintenance().await {
                tracing::error!(error = %error, "maintenance failed; retrying at the next interval");
            }
        }
    });

    let app = http::router(server).into_make_service_with_connect_info::<SocketAddr>();
    let result = axum::serve(listener, app).with_graceful_shutdown(shutdown_signal()).await;
    match result {
        Ok(()) => {
            tracing::info!("key server stopped");
            ExitCode::SUCCESS
        }
        Err(error) => {
            tracing::error!(error = %error, "the server failed");
            ExitCode::from(1)
        }
    }
}

/// Resolves on SIGINT or SIGTERM; requests in flight then finish before the process exits.
async fn shutdown_signal() {
    let interrupt = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = interrupt => {},
        () = terminate => {},
    }
    tracing::info!("shutdown signal received; finishing requests in flight");
}
