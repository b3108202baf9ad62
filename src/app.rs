//! Builds and runs the whole bot from a [`Config`]. `main` and every end-to-end test call [`start`], so tests run
//! exactly what production runs.

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context;
use serde_json::json;
use teloxide::prelude::*;
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::act::Actor;
use crate::config::Config;
use crate::domain::Clock;
use crate::library::Library;
use crate::outbox::{BotApi, Outbox, Sender};
use crate::store::{NewAction, Priority, Store};

/// Everything the app needs from outside.
pub struct AppOptions {
    /// The checked configuration.
    pub config: Config,
    /// Bot token (`TELOXIDE_TOKEN`).
    pub token: String,
    /// Bot API base URL (`TELOXIDE_API_URL`), e.g. a local Bot API server or a test fake.
    pub api_url: Option<url::Url>,
    /// Time source.
    pub clock: Arc<dyn Clock>,
    /// Long-poll timeout passed to getUpdates, in seconds.
    pub poll_timeout_secs: u32,
}

/// Why the app could not start, sorted for exit codes.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The reply library fails `check` (exit code 2).
    #[error(transparent)]
    Library(#[from] crate::library::LibraryError),
    /// Anything else (exit code 1).
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

/// A running bot.
pub struct RunningApp {
    stop: CancellationToken,
    tasks: Vec<JoinHandle<()>>,
    /// The database (tests inspect it).
    pub store: Store,
    /// The actor (tests may drive it directly).
    pub actor: Arc<Actor>,
    config: Arc<Config>,
}

impl RunningApp {
    /// Reloads the reply library from disk (what SIGHUP does). A library that fails `check` is refused with
    /// its problems, and the working one stays in use.
    pub fn reload_library(&self) -> Result<(), crate::library::LibraryError> {
        reload(&self.actor, &self.config)
    }

    /// Stops polling, lets calls in flight finish and be recorded, closes the database.
    pub async fn shutdown(self) {
        self.stop.cancel();
        for t in self.tasks {
            let _ = tokio::time::timeout(Duration::from_secs(10), t).await;
        }
        self.store.close().await;
    }
}

/// Loads the library (refusing one that fails `check`), opens the database, asks Telegram who the bot is, and
/// starts polling, the outbox sender and the daily purge.
pub async fn start(opts: AppOptions) -> Result<RunningApp, StartError> {
    let config = Arc::new(opts.config);
    let library = Arc::new(load_library(&config)?);
    crate::classify::warm_up();
    let store = Store::connect(&config.database_url)
        .await
        .context("opening the database")?;
    tracing::info!(database = %crate::config::redact_url(&config.database_url), entries = library.entries().len(), "starting");

    let base = opts
        .api_url
        .clone()
        .unwrap_or_else(|| url::Url::parse("https://api.telegram.org/").expect("valid URL"));
    let bot = Bot::new(opts.token.clone()).set_api_url(base.clone());
    let me = bot
        .get_me()
        .await
        .context("asking Telegram who the bot is (getMe): is TELOXIDE_TOKEN right?")?;
    let username = me.username.clone().unwrap_or_default();
    bot.delete_webhook().await.context("deleteWebhook")?;

    let clock = opts.clock.clone();
    let outbox = Outbox::new();
    let actor = Arc::new(Actor::new(
        store.clone(),
        config.clone(),
        library,
        outbox.clone(),
        clock.clone(),
        username.clone(),
    ));
    register_commands(&store, clock.now()).await?;

    let stop = CancellationToken::new();
    let sender = Sender::new(
        store.clone(),
        BotApi::new(base, opts.token),
        clock.clone(),
        outbox.clone(),
        &config.outbox,
        config.moderators.iter().map(|m| m.0).collect(),
    );
    let mut tasks = vec![tokio::spawn(sender.run(stop.clone()))];
    tasks.push(tokio::spawn(crate::telegram::poll(
        bot,
        actor.clone(),
        opts.poll_timeout_secs,
        stop.clone(),
    )));
    tasks.push(tokio::spawn(purge_daily(
        store.clone(),
        config.clone(),
        clock,
        stop.clone(),
    )));
    #[cfg(unix)]
    tasks.push(tokio::spawn(reload_on_sighup(
        actor.clone(),
        config.clone(),
        stop.clone(),
    )));
    outbox.wake();
    tracing::info!(bot = %username, "running");
    Ok(RunningApp {
        stop,
        tasks,
        store,
        actor,
        config,
    })
}

/// Loads and self-tests the reply library exactly as `frontdesk check` does.
pub fn load_library(config: &Config) -> Result<Library, crate::library::LibraryError> {
    let names = config.link_names();
    // With no links configured at all (first run, no config file) placeholders are warnings, not errors.
    let library = Library::load_with(&config.replies_dir, &names, !names.is_empty())?;
    let problems = crate::classify::self_test(&library);
    if !problems.is_empty() {
        return Err(crate::library::LibraryError::Problems(problems));
    }
    for w in library.warnings() {
        tracing::warn!(problem = %w, "reply library");
    }
    Ok(library)
}

/// The command menus, recorded once per start (through the outbox like every other call).
async fn register_commands(store: &Store, now: i64) -> anyhow::Result<()> {
    let members = json!([
        {"command": "start", "description": "What this bot does / 机器人说明"},
        {"command": "help", "description": "Help / 帮助"},
        {"command": "new", "description": "Open a support case / 新建工单"},
        {"command": "mycases", "description": "My cases / 我的工单"},
    ]);
    let action = NewAction {
        priority: Priority::Housekeeping,
        chat_id: 0,
        method: "setMyCommands",
        payload: json!({"commands": members, "scope": {"type": "all_private_chats"}}),
        dedupe_key: format!("setMyCommands:{now}:{}", std::process::id()),
        not_before: now,
        delete_after: None,
    };
    store
        .enqueue(&action, now)
        .await
        .context("recording setMyCommands")?;
    Ok(())
}

/// Purges question records past `retention_days` at start and then daily.
async fn purge_daily(
    store: Store,
    config: Arc<Config>,
    clock: Arc<dyn Clock>,
    stop: CancellationToken,
) {
    loop {
        let now = clock.now();
        match store.purge(now - config.retention_days * 86_400, now).await {
            Ok(n) => tracing::info!(removed = n, "purged old question records"),
            Err(e) => tracing::error!(error = %e, "purge failed"),
        }
        tokio::select! {
            _ = tokio::time::sleep(Duration::from_secs(86_400)) => {}
            _ = stop.cancelled() => return,
        }
    }
}

fn reload(actor: &Actor, config: &Config) -> Result<(), crate::library::LibraryError> {
    match load_library(config) {
        Ok(library) => {
            tracing::info!(entries = library.entries().len(), "reply library reloaded");
            actor.replace_library(library);
            Ok(())
        }
        Err(e) => {
            tracing::error!(error = %e, "reply library NOT reloaded; the previous one stays in use");
            Err(e)
        }
    }
}

/// `kill -HUP` reloads the reply library without a restart.
#[cfg(unix)]
async fn reload_on_sighup(actor: Arc<Actor>, config: Arc<Config>, stop: CancellationToken) {
    let Ok(mut hup) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::hangup()) else {
        tracing::warn!("cannot listen for SIGHUP; library reload needs a restart");
        return;
    };
    loop {
        tokio::select! {
            Some(()) = hup.recv() => { let _ = reload(&actor, &config); }
            _ = stop.cancelled() => return,
        }
    }
}
