//! Shared helpers for the end-to-end tests: a fresh database per test ([`TestDb`]) and starting the app
//! (`spawn_app`, below).
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use sqlx::Connection as _;

/// Env var naming a PostgreSQL server for tests, e.g. `postgres://postgres@127.0.0.1:5432/postgres`. When set,
/// [`TestDb::postgres`] creates a fresh database on it per test; when unset, PostgreSQL tests are skipped.
pub const POSTGRES_ENV: &str = "FRONTDESK_TEST_POSTGRES_URL";

/// Which backend a [`TestDb`] uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A fresh, empty database for one test. SQLite: a file in a temp dir removed on drop. PostgreSQL: a new database
/// `fd_test_<unix secs>_<pid>_<n>` on the server of [`POSTGRES_ENV`], dropped on drop (`WITH (FORCE)`);
/// leftovers older than an hour (from crashed runs) are dropped by the next run.
pub struct TestDb {
    url: String,
    backend: Backend,
    dir: Option<tempfile::TempDir>,
    pg: Option<PgDrop>,
}

struct PgDrop {
    admin_url: String,
    name: String,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);
static SWEPT: AtomicBool = AtomicBool::new(false);

impl TestDb {
    /// A new SQLite database file: `sqlite://<tmp>/test.db?mode=rwc`.
    pub fn sqlite() -> TestDb {
        let dir = tempfile::Builder::new()
            .prefix("frontdesk-test-")
            .tempdir()
            .expect("create temp dir");
        let path = dir.path().join("test.db");
        let url = format!("sqlite://{}?mode=rwc", path.display());
        TestDb {
            url,
            backend: Backend::Sqlite,
            dir: Some(dir),
            pg: None,
        }
    }

    /// A new PostgreSQL database, or `None` when [`POSTGRES_ENV`] is unset. Panics when it is set but the
    /// database cannot be created (a misconfigured CI must fail, not skip).
    pub async fn postgres() -> Option<TestDb> {
        let admin_url = std::env::var(POSTGRES_ENV)
            .ok()
            .filter(|s| !s.trim().is_empty())?;
        if !SWEPT.swap(true, Ordering::SeqCst) {
            sweep_stale(&admin_url).await;
        }
        let secs = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        let name = format!(
            "fd_test_{secs}_{}_{}",
            std::process::id(),
            COUNTER.fetch_add(1, Ordering::SeqCst)
        );
        let mut conn = sqlx::PgConnection::connect(&admin_url)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_ENV}: cannot connect: {e}"));
        sqlx::raw_sql(&format!("CREATE DATABASE \"{name}\""))
            .execute(&mut conn)
            .await
            .unwrap_or_else(|e| panic!("{POSTGRES_ENV}: CREATE DATABASE {name}: {e}"));
        let _ = conn.close().await;
        let mut url = url::Url::parse(&admin_url)
            .unwrap_or_else(|e| panic!("{POSTGRES_ENV} is not a URL: {e}"));
        url.set_path(&format!("/{name}"));
        Some(TestDb {
            url: url.to_string(),
            backend: Backend::Postgres,
            dir: None,
            pg: Some(PgDrop { admin_url, name }),
        })
    }

    /// SQLite always, plus PostgreSQL when configured: run a suite once per backend.
    pub async fn all() -> Vec<TestDb> {
        let mut dbs = vec![TestDb::sqlite()];
        dbs.extend(TestDb::postgres().await);
        dbs
    }

    /// The database URL to give the app (`database_url` / `FRONTDESK_DATABASE_URL`).
    pub fn url(&self) -> &str {
        &self.url
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The temp dir holding the SQLite file (also a handy place for other per-test files).
    pub fn dir(&self) -> Option<&Path> {
        self.dir.as_ref().map(|d| d.path())
    }

    /// The SQLite database file.
    pub fn sqlite_path(&self) -> Option<PathBuf> {
        self.dir().map(|d| d.join("test.db"))
    }

    /// Every file of the SQLite database that exists (`test.db`, `-wal`, `-shm`, `-journal`): scan these to
    /// prove that a secret was never stored.
    pub fn sqlite_files(&self) -> Vec<PathBuf> {
        let Some(dir) = self.dir() else {
            return Vec::new();
        };
        ["test.db", "test.db-wal", "test.db-shm", "test.db-journal"]
            .iter()
            .map(|f| dir.join(f))
            .filter(|p| p.exists())
            .collect()
    }

    /// Whether `needle` occurs in any SQLite database file (raw bytes, as UTF-8). PostgreSQL: always false; query
    /// the tables instead.
    pub fn sqlite_files_contain(&self, needle: &str) -> bool {
        self.sqlite_files().iter().any(|p| {
            std::fs::read(p).is_ok_and(|bytes| {
                bytes
                    .windows(needle.len().max(1))
                    .any(|w| w == needle.as_bytes())
            })
        })
    }
}

impl std::fmt::Debug for TestDb {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TestDb")
            .field("backend", &self.backend)
            .field("url", &self.url)
            .finish()
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let Some(pg) = self.pg.take() else { return };
        // Drop may run inside a runtime: do the async work on a thread with its own runtime.
        let _ = std::thread::spawn(move || {
            let Ok(rt) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            rt.block_on(async {
                if let Ok(mut conn) = sqlx::PgConnection::connect(&pg.admin_url).await {
                    let _ = sqlx::raw_sql(&format!(
                        "DROP DATABASE IF EXISTS \"{}\" WITH (FORCE)",
                        pg.name
                    ))
                    .execute(&mut conn)
                    .await;
                    let _ = conn.close().await;
                }
            });
        })
        .join();
    }
}

/// Drops `fd_test_*` databases older than an hour (left by crashed runs).
async fn sweep_stale(admin_url: &str) {
    let Ok(mut conn) = sqlx::PgConnection::connect(admin_url).await else {
        return;
    };
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let names: Vec<(String,)> =
        sqlx::query_as("SELECT datname FROM pg_database WHERE datname LIKE 'fd\\_test\\_%'")
            .fetch_all(&mut conn)
            .await
            .unwrap_or_default();
    for (name,) in names {
        let created = name
            .split('_')
            .nth(2)
            .and_then(|s| s.parse::<u64>().ok())
            .unwrap_or(now);
        if now.saturating_sub(created) > 3600 {
            let _ = sqlx::raw_sql(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                .execute(&mut conn)
                .await;
        }
    }
    let _ = conn.close().await;
}

// =====================================================================================================================
// spawn_app: the app exactly as `main` starts it, against a FakeBotApi and a fresh TestDb.

use std::sync::Arc;
use std::sync::atomic::AtomicI64;

use crate::fake_bot::FakeBotApi;
use frontdesk::app::{AppOptions, RunningApp};
use frontdesk::config::Config;
use frontdesk::domain::{Clock, SystemClock};

/// Agent and moderator ids every test app is configured with.
pub const AGENT: i64 = 1001;
/// A moderator who gets alert DMs.
pub const MODERATOR: i64 = 2001;

/// Real time plus an offset tests can move forward: cooldowns and expiry are tested without sleeping, while the
/// sender's timers still run on real time.
#[derive(Debug, Default)]
pub struct TestClock {
    offset: AtomicI64,
}

impl TestClock {
    /// Jumps the clock forward.
    pub fn advance(&self, secs: i64) {
        self.offset.fetch_add(secs, Ordering::SeqCst);
    }
}

impl Clock for TestClock {
    fn now(&self) -> i64 {
        SystemClock.now() + self.offset.load(Ordering::SeqCst)
    }
}

/// A running app with its fake Telegram and database.
pub struct TestApp {
    pub fake: FakeBotApi,
    pub db: TestDb,
    pub clock: Arc<TestClock>,
    pub app: Option<RunningApp>,
    config_extra: String,
    tweak: Tweak,
}

/// Adjusts a test's config in code.
pub type Tweak = Arc<dyn Fn(&mut Config) + Send + Sync>;

/// The example config with the test's database, ids and extra TOML appended.
pub fn test_config(db_url: &str, extra: &str) -> Config {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let example = std::fs::read_to_string(root.join("frontdesk.example.toml")).unwrap();
    let text = example
        .replace(
            "database_url = \"sqlite://frontdesk.db\"",
            &format!("database_url = {db_url:?}"),
        )
        .replace(
            "replies_dir = \"replies\"",
            &format!(
                "replies_dir = {:?}",
                root.join("replies").display().to_string()
            ),
        )
        .replace("agents = []", &format!("agents = [{AGENT}]"))
        .replace("moderators = []", &format!("moderators = [{MODERATOR}]"));
    Config::parse(&format!("{text}\n{extra}"), "test.toml").unwrap()
}

/// Starts the app on SQLite with the example config (plus `extra` TOML, e.g. a `[groups."…"]` table).
pub async fn spawn_app(extra: &str) -> TestApp {
    spawn_app_on(TestDb::sqlite(), extra).await
}

/// Starts the app on a given database.
pub async fn spawn_app_on(db: TestDb, extra: &str) -> TestApp {
    spawn_app_with(db, extra, Arc::new(|_| {})).await
}

/// Starts the app with a config adjusted in code (for keys the example file already sets).
pub async fn spawn_app_with(db: TestDb, extra: &str, tweak: Tweak) -> TestApp {
    let fake = FakeBotApi::start().await;
    let mut t = TestApp {
        fake,
        db,
        clock: Arc::new(TestClock::default()),
        app: None,
        config_extra: extra.to_string(),
        tweak,
    };
    t.start().await;
    t
}

impl TestApp {
    async fn start(&mut self) {
        let mut config = test_config(self.db.url(), &self.config_extra);
        (self.tweak)(&mut config);
        let options = AppOptions {
            config,
            token: "123456:TEST-TOKEN".into(),
            api_url: Some(self.fake.url()),
            clock: self.clock.clone(),
            poll_timeout_secs: 1,
        };
        self.app = Some(frontdesk::app::start(options).await.expect("app starts"));
    }

    /// Stops the app as a SIGTERM would.
    pub async fn stop(&mut self) {
        if let Some(app) = self.app.take() {
            app.shutdown().await;
        }
    }

    /// Stops and starts again on the same database and fake.
    pub async fn restart(&mut self) {
        self.stop().await;
        self.start().await;
    }

    /// The `n`-th (from 1) `sendMessage` the bot sent to `chat`, waiting up to 10 s for it.
    pub async fn nth_sent_to(&self, chat: i64, n: usize) -> crate::fake_bot::Call {
        let is_it =
            move |c: &crate::fake_bot::Call| c.method == "sendmessage" && c.chat_id() == Some(chat);
        let calls = self
            .fake
            .wait_for(
                move |c| c.iter().filter(|c| is_it(c)).count() >= n,
                std::time::Duration::from_secs(10),
            )
            .await
            .unwrap();
        calls.into_iter().filter(|c| is_it(c)).nth(n - 1).unwrap()
    }

    /// The running app's store.
    pub fn store(&self) -> &frontdesk::store::Store {
        &self.app.as_ref().expect("app running").store
    }
}
