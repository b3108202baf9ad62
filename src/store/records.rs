//! What happened, for idempotency, cooldowns and the weekly review: processed messages, questions, incidents.

use sqlx::{AnyConnection, Row};

use super::{Ctx, Store, StoreError};
use crate::domain::Finding;

/// How a question was handled.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Answered with the full standard reply.
    Answered,
    /// A repeat within the cooldown: pointed at the earlier answer.
    Pointer,
    /// Moved to a private case.
    Handoff,
    /// Read as a question but nothing in the library matched.
    Unmatched,
    /// Shadow mode: decided, not sent.
    Shadow,
}

impl Outcome {
    /// Stored form.
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered => "answered",
            Outcome::Pointer => "pointer",
            Outcome::Handoff => "handoff",
            Outcome::Unmatched => "unmatched",
            Outcome::Shadow => "shadow",
        }
    }
}

/// A question for the weekly review.
#[derive(Clone)]
pub struct QuestionRecord<'a> {
    /// Chat.
    pub chat_id: i64,
    /// Member.
    pub user_id: i64,
    /// Message.
    pub message_id: i64,
    /// Library entry, if matched.
    pub intent: Option<&'a str>,
    /// Tier, if matched.
    pub tier: Option<u8>,
    /// zh | en.
    pub language: &'a str,
    /// What the bot did.
    pub outcome: Outcome,
    /// When.
    pub created_at: i64,
    /// The text (only ever text the guard passed).
    pub text: &'a str,
}

/// Claims a message (or one edit of it) for processing. False when it was processed before: a redelivery.
pub async fn claim_message(
    conn: &mut AnyConnection,
    chat_id: i64,
    message_id: i64,
    edit_date: i64,
    update_id: i64,
    now: i64,
) -> Result<bool, StoreError> {
    let r = sqlx::query(
        "INSERT INTO processed_messages (chat_id, message_id, edit_date, update_id, seen_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (chat_id, message_id, edit_date) DO NOTHING",
    )
    .bind(chat_id)
    .bind(message_id)
    .bind(edit_date)
    .bind(update_id)
    .bind(now)
    .execute(conn)
    .await
    .ctx("claim message")?;
    Ok(r.rows_affected() == 1)
}

/// Records a question.
pub async fn record_question(
    conn: &mut AnyConnection,
    q: &QuestionRecord<'_>,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO questions (chat_id, user_id, message_id, intent, tier, language, outcome, created_at, text)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(q.chat_id)
    .bind(q.user_id)
    .bind(q.message_id)
    .bind(q.intent)
    .bind(q.tier.map(i64::from))
    .bind(q.language)
    .bind(q.outcome.as_str())
    .bind(q.created_at)
    .bind(q.text)
    .execute(conn)
    .await
    .ctx("record question")?;
    Ok(())
}

/// The message id of the last full answer of `intent` in a chat since `since`, if any.
pub async fn last_answer(
    conn: &mut AnyConnection,
    chat_id: i64,
    intent: &str,
    since: i64,
) -> Result<Option<i64>, StoreError> {
    let r = sqlx::query(
        "SELECT message_id FROM questions WHERE chat_id = $1 AND intent = $2 AND outcome = 'answered' AND created_at >= $3
         ORDER BY created_at DESC, id DESC LIMIT 1",
    )
    .bind(chat_id)
    .bind(intent)
    .bind(since)
    .fetch_optional(conn)
    .await
    .ctx("last answer")?;
    Ok(r.map(|r| r.get(0)))
}

/// Records a guard incident: kind and rule, never the text.
pub async fn record_incident(
    conn: &mut AnyConnection,
    chat_id: i64,
    user_id: i64,
    message_id: i64,
    finding: &Finding,
    action: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO incidents (chat_id, user_id, message_id, kind, rule, confidence, action, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(chat_id)
    .bind(user_id)
    .bind(message_id)
    .bind(finding.kind.code())
    .bind(finding.rule)
    .bind(match finding.confidence {
        crate::domain::Confidence::Validated => "validated",
        crate::domain::Confidence::Borderline => "borderline",
    })
    .bind(action)
    .bind(now)
    .execute(conn)
    .await
    .ctx("record incident")?;
    Ok(())
}

/// Remembers that a member has started the bot (so it may write to them first).
pub async fn member_started(
    conn: &mut AnyConnection,
    user_id: i64,
    language: &str,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO members (user_id, language, started_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET language = excluded.language",
    )
    .bind(user_id)
    .bind(language)
    .bind(now)
    .execute(conn)
    .await
    .ctx("member started")?;
    Ok(())
}

/// True when the member has started the bot.
pub async fn has_started(conn: &mut AnyConnection, user_id: i64) -> Result<bool, StoreError> {
    let r = sqlx::query("SELECT 1 FROM members WHERE user_id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await
        .ctx("has started")?;
    Ok(r.is_some())
}

impl Store {
    /// Deletes question records older than `before` and bookkeeping that has served its purpose.
    /// Returns the number of question rows removed.
    pub async fn purge(&self, before: i64, now: i64) -> Result<u64, StoreError> {
        let q = sqlx::query("DELETE FROM questions WHERE created_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await
            .ctx("purge questions")?;
        // Telegram stops redelivering after a day; a week of idempotency keys is plenty.
        sqlx::query("DELETE FROM processed_messages WHERE seen_at < $1")
            .bind(now - 7 * 86_400)
            .execute(&self.pool)
            .await
            .ctx("purge processed")?;
        sqlx::query("DELETE FROM outbox WHERE status <> 'pending' AND created_at < $1")
            .bind(before)
            .execute(&self.pool)
            .await
            .ctx("purge outbox")?;
        Ok(q.rows_affected())
    }

    /// Question records as (intent, outcome, text) since a time (weekly review and tests).
    pub async fn questions_since(
        &self,
        since: i64,
    ) -> Result<Vec<(Option<String>, String, String)>, StoreError> {
        let rows = sqlx::query(
            "SELECT intent, outcome, text FROM questions WHERE created_at >= $1 ORDER BY id",
        )
        .bind(since)
        .fetch_all(&self.pool)
        .await
        .ctx("questions since")?;
        Ok(rows
            .into_iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }

    /// Incident kinds and actions (tests and the review).
    pub async fn incidents(&self) -> Result<Vec<(String, String, String)>, StoreError> {
        let rows = sqlx::query("SELECT kind, rule, action FROM incidents ORDER BY id")
            .fetch_all(&self.pool)
            .await
            .ctx("incidents")?;
        Ok(rows
            .into_iter()
            .map(|r| (r.get(0), r.get(1), r.get(2)))
            .collect())
    }
}
