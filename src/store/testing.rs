//! Helpers for tests that need a fresh PostgreSQL database (used by unit and end-to-end tests).

use sqlx::Connection;

/// Creates a fresh, uniquely named database on the server behind `admin_url` and returns its URL.
pub async fn create_postgres_database(admin_url: &str) -> anyhow::Result<String> {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    sqlx::any::install_default_drivers();
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)?
        .subsec_nanos();
    let name = format!(
        "fd_test_{}_{}_{}",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::SeqCst),
        nanos
    );
    let mut conn = sqlx::AnyConnection::connect(admin_url).await?;
    sqlx::query(&format!("CREATE DATABASE {name}"))
        .execute(&mut conn)
        .await?;
    conn.close().await?;
    let mut url = url::Url::parse(admin_url)?;
    url.set_path(&format!("/{name}"));
    Ok(url.to_string())
}

/// Drops a database made by [`create_postgres_database`] (best effort: tests must not fail on cleanup).
pub async fn drop_postgres_database(admin_url: &str, db_url: &str) {
    let Ok(url) = url::Url::parse(db_url) else {
        return;
    };
    let name = url.path().trim_start_matches('/').to_string();
    if !name.starts_with("fd_test_") {
        return;
    }
    if let Ok(mut conn) = sqlx::AnyConnection::connect(admin_url).await {
        let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            .execute(&mut conn)
            .await;
        let _ = conn.close().await;
    }
}
