//! The outbox table: every outgoing Bot API call is a row before (or, for deletions, as) it is sent.

use serde_json::Value;
use sqlx::{AnyConnection, Row};

use super::{Ctx, Store, StoreError};

/// Send order: lower goes first. A deletion never waits behind a reply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Priority {
    /// Removing a secret.
    Delete = 0,
    /// A moderator alert.
    Alert = 1,
    /// A private message to a member.
    Direct = 2,
    /// A reply in a group.
    GroupReply = 3,
    /// Everything else (commands menu, cleaning up the bot's own notices).
    Housekeeping = 4,
}

/// An action to record.
#[derive(Clone, Debug)]
pub struct NewAction {
    /// Send order.
    pub priority: Priority,
    /// Target chat (rate limits and batching are per chat).
    pub chat_id: i64,
    /// Bot API method.
    pub method: &'static str,
    /// Parameters.
    pub payload: Value,
    /// Unique per intended effect: a redelivered update yields the same key and is recorded once.
    pub dedupe_key: String,
    /// Not before this unix second.
    pub not_before: i64,
    /// Delete the message this call sends after this many seconds (self-cleaning notices).
    pub delete_after: Option<i64>,
}

/// A recorded action.
#[derive(Clone, Debug)]
pub struct OutboxRow {
    /// Row id.
    pub id: i64,
    /// Send order.
    pub priority: i64,
    /// Target chat.
    pub chat_id: i64,
    /// Bot API method.
    pub method: String,
    /// Parameters.
    pub payload: Value,
    /// Tries so far.
    pub attempts: i64,
    /// Self-cleaning delay.
    pub delete_after: Option<i64>,
}

/// Records an action inside the caller's transaction. Returns false when the same key was already recorded.
pub async fn enqueue(
    conn: &mut AnyConnection,
    a: &NewAction,
    now: i64,
) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "INSERT INTO outbox (priority, chat_id, method, payload, dedupe_key, status, attempts, not_before, created_at, delete_after)
         VALUES ($1, $2, $3, $4, $5, 'pending', 0, $6, $7, $8) ON CONFLICT (dedupe_key) DO NOTHING",
    )
    .bind(a.priority as i64)
    .bind(a.chat_id)
    .bind(a.method)
    .bind(a.payload.to_string())
    .bind(&a.dedupe_key)
    .bind(a.not_before)
    .bind(now)
    .bind(a.delete_after)
    .execute(conn)
    .await
    .ctx("outbox insert")?;
    Ok(r.rows_affected() == 1)
}

impl Store {
    /// Records one action in its own transaction.
    pub async fn enqueue(&self, a: &NewAction, now: i64) -> Result<bool, StoreError> {
        let mut conn = self.pool.acquire().await.ctx("acquire")?;
        enqueue(&mut conn, a, now).await
    }

    /// Pending actions due by `now`, most urgent first.
    pub async fn due(&self, now: i64, limit: i64) -> Result<Vec<OutboxRow>, StoreError> {
        let rows = sqlx::query(
            "SELECT id, priority, chat_id, method, payload, attempts, delete_after FROM outbox
             WHERE status = 'pending' AND not_before <= $1 ORDER BY priority, id LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(&self.pool)
        .await
        .ctx("outbox due")?;
        rows.into_iter()
            .map(|r| {
                let payload: String = r.get(4);
                Ok(OutboxRow {
                    id: r.get(0),
                    priority: r.get(1),
                    chat_id: r.get(2),
                    method: r.get(3),
                    payload: serde_json::from_str(&payload).unwrap_or(Value::Null),
                    attempts: r.get(5),
                    delete_after: r.get(6),
                })
            })
            .collect()
    }

    /// The earliest `not_before` among pending actions.
    pub async fn next_due_at(&self) -> Result<Option<i64>, StoreError> {
        let r = sqlx::query("SELECT MIN(not_before) FROM outbox WHERE status = 'pending'")
            .fetch_one(&self.pool)
            .await
            .ctx("outbox next due")?;
        Ok(r.try_get::<Option<i64>, _>(0).unwrap_or(None))
    }

    /// Marks actions sent; schedules the deletion of self-cleaning messages.
    pub async fn mark_sent(
        &self,
        id: i64,
        now: i64,
        result_message_id: Option<i64>,
    ) -> Result<(), StoreError> {
        let mut tx = self.pool.begin().await.ctx("begin")?;
        let row = sqlx::query(
            "UPDATE outbox SET status = 'sent', sent_at = $1, result_message_id = $2, attempts = attempts + 1
             WHERE id = $3 RETURNING chat_id, delete_after",
        )
        .bind(now)
        .bind(result_message_id)
        .bind(id)
        .fetch_optional(&mut *tx)
        .await
        .ctx("outbox mark sent")?;
        if let (Some(row), Some(msg)) = (row, result_message_id) {
            let chat_id: i64 = row.get(0);
            let delete_after: Option<i64> = row.get(1);
            if let Some(after) = delete_after {
                let cleanup = NewAction {
                    priority: Priority::Housekeeping,
                    chat_id,
                    method: "deleteMessages",
                    payload: serde_json::json!({"chat_id": chat_id, "message_ids": [msg]}),
                    dedupe_key: format!("cleanup:{id}"),
                    not_before: now + after,
                    delete_after: None,
                };
                enqueue(&mut tx, &cleanup, now).await?;
            }
        }
        tx.commit().await.ctx("commit")?;
        Ok(())
    }

    /// Schedules another try.
    pub async fn mark_retry(
        &self,
        id: i64,
        not_before: i64,
        error: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE outbox SET attempts = attempts + 1, not_before = $1, error = $2 WHERE id = $3",
        )
        .bind(not_before)
        .bind(error)
        .bind(id)
        .execute(&self.pool)
        .await
        .ctx("outbox mark retry")?;
        Ok(())
    }

    /// Gives up on an action for good, keeping why.
    pub async fn mark_failed(&self, id: i64, now: i64, error: &str) -> Result<(), StoreError> {
        sqlx::query("UPDATE outbox SET status = 'failed', attempts = attempts + 1, sent_at = $1, error = $2 WHERE id = $3")
            .bind(now)
            .bind(error)
            .bind(id)
            .execute(&self.pool)
            .await
            .ctx("outbox mark failed")?;
        Ok(())
    }

    /// Counts actions by status (for tests and `check`).
    pub async fn outbox_count(&self, status: &str) -> Result<i64, StoreError> {
        let r = sqlx::query("SELECT COUNT(*) FROM outbox WHERE status = $1")
            .bind(status)
            .fetch_one(&self.pool)
            .await
            .ctx("outbox count")?;
        Ok(r.get(0))
    }
}
