//! The only SQL in the crate: one schema for SQLite and PostgreSQL, reached through sqlx's `AnyPool` with `$1`
//! placeholders (SQLite accepts them), integer and text columns, and times as unix seconds.

pub mod cases;
pub mod outbox;
pub mod records;
pub mod testing;

pub use cases::{CaseRow, EventRow, EvidenceRow};
pub use outbox::{NewAction, OutboxRow, Priority};
pub use records::{Outcome, QuestionRecord};

use std::str::FromStr;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyPool, Executor};

/// A storage failure (the message never holds a member's text: queries bind values, and errors name the query).
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Connecting or migrating failed.
    #[error("cannot open database {url}: {source}")]
    Open {
        /// Redacted URL.
        url: String,
        /// Why.
        source: sqlx::Error,
    },
    /// Migration failed.
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A query failed.
    #[error("database query {what} failed: {source}")]
    Query {
        /// Which query.
        what: &'static str,
        /// Why.
        source: sqlx::Error,
    },
}

pub(crate) trait Ctx<T> {
    fn ctx(self, what: &'static str) -> Result<T, StoreError>;
}

impl<T> Ctx<T> for Result<T, sqlx::Error> {
    fn ctx(self, what: &'static str) -> Result<T, StoreError> {
        self.map_err(|source| StoreError::Query { what, source })
    }
}

/// Which database is behind the pool.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    /// A local file (the default).
    Sqlite,
    /// A server; several replicas may share it.
    Postgres,
}

/// The database handle.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    backend: Backend,
}

impl Store {
    /// Connects (creating a SQLite file on first run), enables WAL, and applies migrations.
    pub async fn connect(url: &str) -> Result<Store, StoreError> {
        sqlx::any::install_default_drivers();
        let redacted = crate::config::redact_url(url);
        let open = |source| StoreError::Open {
            url: redacted.clone(),
            source,
        };
        let backend = if url.starts_with("postgres") {
            Backend::Postgres
        } else {
            Backend::Sqlite
        };
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
            }
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url).map_err(open)?;
        let pool = AnyPoolOptions::new()
            // WAL lets readers (the sender) run beside the one writer; busy_timeout queues writers.
            .max_connections(if backend == Backend::Sqlite { 4 } else { 8 })
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        conn.execute("PRAGMA journal_mode = WAL").await?;
                        // WAL + NORMAL: commits do not fsync, so recording a deletion never waits on the disk.
                        conn.execute("PRAGMA synchronous = NORMAL").await?;
                        conn.execute("PRAGMA busy_timeout = 5000").await?;
                        conn.execute("PRAGMA foreign_keys = ON").await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(open)?;
        match backend {
            Backend::Sqlite => sqlx::migrate!("migrations/sqlite").run(&pool).await?,
            Backend::Postgres => sqlx::migrate!("migrations/postgres").run(&pool).await?,
        }
        Ok(Store { pool, backend })
    }

    /// The pool (for transactions spanning several tables).
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Which database this is.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Closes the pool.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

#[cfg(test)]
mod tests;
