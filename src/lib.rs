//! frontdesk — a Telegram community support bot that automates an exchange affiliate team's support SOP.
//!
//! Data flows one way; read the modules in this order:
//!
//! - [`config`]: the operator's one file (`frontdesk.toml`) and env overrides, parsed into [`config::Config`].
//! - [`domain`]: pure types — ids, [`domain::Tier`], [`domain::Incoming`] (text hidden from `Debug`),
//!   [`domain::Finding`] (never the secret).
//! - [`text`]: normalization (NFKC, case, width, traditional→simplified, invisibles) and language detection.
//! - [`guard`]: secret detectors → findings. Pure.
//! - [`library`]: the standard-reply library in `replies/`: load, compile, lint, render.
//! - [`classify`]: normalized text + library → [`classify::Decision`]. Pure; `classify`, `eval` and the bot all
//!   call [`classify::decide`].
//! - [`cases`]: private cases: tokens, codes, the state machine, evidence parsing.
//! - [`act`]: a decision plus its context → store writes and outbox actions, in one transaction.
//! - [`store`]: the only SQL: pool, migrations, tables, the outbox queue (SQLite or PostgreSQL).
//! - [`outbox`]: the sender: priorities, rate limits, `deleteMessages` batching, retries.
//! - [`telegram`]: the only teloxide: update → [`domain::Incoming`], the handler `schema()`, polling.
//! - [`app`]: builds the whole bot from a config; `main` and every test call it.
//! - [`eval`]: scores the pipeline on a labeled corpus (`frontdesk eval`).

pub mod act;
pub mod app;
pub mod cases;
pub mod classify;
pub mod config;
pub mod domain;
pub mod eval;
pub mod guard;
pub mod library;
pub mod outbox;
pub mod store;
pub mod telegram;
pub mod text;
