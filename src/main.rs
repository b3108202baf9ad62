//! The `frontdesk` command line: `run`, `check`, `classify`, `eval`. Errors print as one chain on one line; exit
//! codes: 0 ok, 1 runtime failure, 2 bad config or reply library.

use std::io::{BufRead, Write};
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use anyhow::Context;
use clap::{Parser, Subcommand};

use frontdesk::app::{self, AppOptions, StartError};
use frontdesk::classify;
use frontdesk::config::{Config, ConfigError};
use frontdesk::domain::SystemClock;
use frontdesk::library::LibraryError;

/// frontdesk — a Telegram community support bot: standard replies for tier-one questions, private cases for
/// tier two and three, deletion of secrets posted in groups.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// Config file (TOML). Every key is optional; without this flag `frontdesk.toml` is read if it exists.
    #[arg(long, global = true, value_name = "PATH")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Run the bot (long polling). Needs TELOXIDE_TOKEN; TELOXIDE_API_URL points at another Bot API server.
    Run,
    /// Lint the reply library and the config: regex errors, missing languages, unknown placeholders, duplicate
    /// ids, and every example / not_example classified as declared. Exit 2 on any problem.
    Check,
    /// Print the decision for one message as JSON (or, with --jsonl, for each {"text": ...} line on stdin).
    Classify {
        /// The message text.
        #[arg(required_unless_present = "jsonl")]
        text: Option<String>,
        /// Read JSON lines with a "text" field from stdin; print one decision per line, in order.
        #[arg(long, conflicts_with = "text")]
        jsonl: bool,
    },
    /// Score the classifier on a labeled corpus: lines {"text","label":"secret|tier1|tier2|tier3|chatter","kind"}.
    Eval {
        /// The corpus file (JSON lines).
        file: PathBuf,
        /// Print one JSON summary instead of the tables.
        #[arg(long)]
        json: bool,
    },
}

/// Errors that mean "fix your config or library" (exit 2) rather than "something failed while running" (exit 1).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
struct UsageError(String);

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "info,sqlx=warn,hyper=warn".into()),
        )
        .with_writer(std::io::stderr)
        .init();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("frontdesk: error: {e:#}");
            let usage = e
                .chain()
                .any(|c| c.is::<UsageError>() || c.is::<ConfigError>() || c.is::<LibraryError>())
                || matches!(e.downcast_ref::<StartError>(), Some(StartError::Library(_)));
            ExitCode::from(if usage { 2 } else { 1 })
        }
    }
}

fn load_config(path: Option<&PathBuf>) -> anyhow::Result<Config> {
    let mut config = match path {
        Some(p) => Config::load(p)?,
        None if std::path::Path::new("frontdesk.toml").exists() => {
            Config::load(std::path::Path::new("frontdesk.toml"))?
        }
        None => Config::default(),
    };
    config.apply_env();
    Ok(config)
}

fn run(cli: Cli) -> anyhow::Result<()> {
    let config = load_config(cli.config.as_ref())?;
    match cli.command {
        Command::Run => {
            let token = std::env::var("TELOXIDE_TOKEN")
                .ok()
                .filter(|t| !t.trim().is_empty())
                .ok_or_else(|| {
                    UsageError("set TELOXIDE_TOKEN to the bot token from @BotFather".into())
                })?;
            let api_url = match std::env::var("TELOXIDE_API_URL") {
                Ok(u) if !u.trim().is_empty() => Some(url::Url::parse(&u).map_err(|e| {
                    UsageError(format!("TELOXIDE_API_URL {u:?} is not a URL: {e}"))
                })?),
                _ => None,
            };
            let rt = tokio::runtime::Runtime::new().context("starting the async runtime")?;
            rt.block_on(async move {
                let app = app::start(AppOptions {
                    config,
                    token,
                    api_url,
                    clock: Arc::new(SystemClock),
                    poll_timeout_secs: 30,
                })
                .await?;
                wait_for_signal().await;
                tracing::info!("shutting down");
                app.shutdown().await;
                Ok::<_, anyhow::Error>(())
            })
        }
        Command::Check => {
            let library = app::load_library(&config)?;
            let mut out = std::io::stdout().lock();
            for w in library.warnings() {
                writeln!(out, "warning: {w}")?;
            }
            writeln!(
                out,
                "ok: {} ({}) — {} entries, {} patterns, every example classifies as declared",
                config.replies_dir.display(),
                config.source,
                library.entries().len(),
                library.pattern_count()
            )?;
            Ok(())
        }
        Command::Classify { text, jsonl } => {
            let library = app::load_library(&config)?;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            if jsonl {
                for (n, line) in std::io::stdin().lock().lines().enumerate() {
                    let line = line.context("reading stdin")?;
                    if line.trim().is_empty() {
                        continue;
                    }
                    let v: serde_json::Value = serde_json::from_str(&line)
                        .map_err(|e| UsageError(format!("stdin line {}: not JSON: {e}", n + 1)))?;
                    let text = v["text"].as_str().ok_or_else(|| {
                        UsageError(format!("stdin line {}: no \"text\" string", n + 1))
                    })?;
                    let d = classify::decide(&library, text, config.default_language);
                    serde_json::to_writer(&mut out, &d.to_json(&library))?;
                    out.write_all(b"\n")?;
                }
            } else {
                let d = classify::decide(
                    &library,
                    text.as_deref().unwrap_or(""),
                    config.default_language,
                );
                serde_json::to_writer(&mut out, &d.to_json(&library))?;
                out.write_all(b"\n")?;
            }
            Ok(())
        }
        Command::Eval { file, json } => {
            let library = app::load_library(&config)?;
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let report = frontdesk::eval::evaluate(&library, &text, config.default_language)
                .map_err(|e| UsageError(format!("{}: {e}", file.display())))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&report.to_json())?);
            } else {
                print!("{}", report.to_table());
            }
            Ok(())
        }
    }
}

async fn wait_for_signal() {
    #[cfg(unix)]
    {
        let mut term = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())
            .expect("signal handler");
        tokio::select! {
            _ = tokio::signal::ctrl_c() => {}
            _ = term.recv() => {}
        }
    }
    #[cfg(not(unix))]
    let _ = tokio::signal::ctrl_c().await;
}
