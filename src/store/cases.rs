//! Cases, their deep-link tokens, evidence, and the append-only event log.

use sqlx::any::AnyRow;
use sqlx::{AnyConnection, Row};

use super::{Ctx, Store, StoreError};

/// A case as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseRow {
    /// Row id.
    pub id: i64,
    /// Readable code (`C-7Q2K`).
    pub code: String,
    /// The member.
    pub user_id: i64,
    /// Group the question came from, if any.
    pub origin_chat_id: Option<i64>,
    /// The question's message id there.
    pub origin_message_id: Option<i64>,
    /// t.me link to the question, when one can be formed.
    pub origin_link: Option<String>,
    /// SOP tier.
    pub tier: i64,
    /// Library entry id.
    pub intent: String,
    /// zh | en.
    pub language: String,
    /// Status name (see `cases::CaseStatus`).
    pub status: String,
    /// Agent who claimed it.
    pub assignee: Option<i64>,
    /// Opened.
    pub created_at: i64,
    /// Last change.
    pub updated_at: i64,
    /// When resolved.
    pub resolved_at: Option<i64>,
    /// Handling conclusion.
    pub conclusion: Option<String>,
}

/// A new case.
pub struct NewCase<'a> {
    /// Readable code.
    pub code: &'a str,
    /// The member.
    pub user_id: i64,
    /// Origin group.
    pub origin_chat_id: Option<i64>,
    /// Origin message.
    pub origin_message_id: Option<i64>,
    /// Origin link.
    pub origin_link: Option<&'a str>,
    /// Tier.
    pub tier: i64,
    /// Intent.
    pub intent: &'a str,
    /// Language.
    pub language: &'a str,
    /// Initial status.
    pub status: &'a str,
}

/// An evidence item as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EvidenceRow {
    /// Kind name (`tx_hash`, `screenshot`, …).
    pub kind: String,
    /// Chain for tx hashes.
    pub detail: Option<String>,
    /// The value (hash, number, Telegram file id, text).
    pub value: String,
    /// When.
    pub created_at: i64,
}

/// One audit event.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct EventRow {
    /// Who (member or agent id).
    pub actor_id: i64,
    /// Event kind (`opened`, `claimed`, …).
    pub kind: String,
    /// Extra detail (a reply's text, a conclusion).
    pub detail: Option<String>,
    /// When.
    pub created_at: i64,
}

const CASE_COLUMNS: &str = "id, code, user_id, origin_chat_id, origin_message_id, origin_link, tier, intent, language, status, assignee, created_at, updated_at, resolved_at, conclusion";

fn case_row(r: &AnyRow) -> CaseRow {
    CaseRow {
        id: r.get(0),
        code: r.get(1),
        user_id: r.get(2),
        origin_chat_id: r.get(3),
        origin_message_id: r.get(4),
        origin_link: r.get(5),
        tier: r.get(6),
        intent: r.get(7),
        language: r.get(8),
        status: r.get(9),
        assignee: r.get(10),
        created_at: r.get(11),
        updated_at: r.get(12),
        resolved_at: r.get(13),
        conclusion: r.get(14),
    }
}

/// Inserts a case; false when the code is taken (the caller draws another).
pub async fn insert_case(
    conn: &mut AnyConnection,
    c: &NewCase<'_>,
    now: i64,
) -> Result<Option<i64>, StoreError> {
    let r = sqlx::query(
        "INSERT INTO cases (code, user_id, origin_chat_id, origin_message_id, origin_link, tier, intent, language, status, created_at, updated_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) ON CONFLICT (code) DO NOTHING RETURNING id",
    )
    .bind(c.code)
    .bind(c.user_id)
    .bind(c.origin_chat_id)
    .bind(c.origin_message_id)
    .bind(c.origin_link)
    .bind(c.tier)
    .bind(c.intent)
    .bind(c.language)
    .bind(c.status)
    .bind(now)
    .fetch_optional(conn)
    .await
    .ctx("insert case")?;
    Ok(r.map(|r| r.get(0)))
}

/// A case by id.
pub async fn case_by_id(conn: &mut AnyConnection, id: i64) -> Result<Option<CaseRow>, StoreError> {
    let q = format!("SELECT {CASE_COLUMNS} FROM cases WHERE id = $1");
    let r = sqlx::query(&q)
        .bind(id)
        .fetch_optional(conn)
        .await
        .ctx("case by id")?;
    Ok(r.as_ref().map(case_row))
}

/// A case by its code.
pub async fn case_by_code(
    conn: &mut AnyConnection,
    code: &str,
) -> Result<Option<CaseRow>, StoreError> {
    let q = format!("SELECT {CASE_COLUMNS} FROM cases WHERE code = $1");
    let r = sqlx::query(&q)
        .bind(code)
        .fetch_optional(conn)
        .await
        .ctx("case by code")?;
    Ok(r.as_ref().map(case_row))
}

/// The member's open case for an intent, if any (a repeated question reuses it).
pub async fn open_case_for(
    conn: &mut AnyConnection,
    user_id: i64,
    intent: &str,
) -> Result<Option<CaseRow>, StoreError> {
    let q = format!(
        "SELECT {CASE_COLUMNS} FROM cases WHERE user_id = $1 AND intent = $2 AND status <> 'resolved' ORDER BY id DESC LIMIT 1"
    );
    let r = sqlx::query(&q)
        .bind(user_id)
        .bind(intent)
        .fetch_optional(conn)
        .await
        .ctx("open case for")?;
    Ok(r.as_ref().map(case_row))
}

/// Every case of a member, newest first.
pub async fn cases_of(conn: &mut AnyConnection, user_id: i64) -> Result<Vec<CaseRow>, StoreError> {
    let q =
        format!("SELECT {CASE_COLUMNS} FROM cases WHERE user_id = $1 ORDER BY id DESC LIMIT 20");
    let rows = sqlx::query(&q)
        .bind(user_id)
        .fetch_all(conn)
        .await
        .ctx("cases of")?;
    Ok(rows.iter().map(case_row).collect())
}

/// The agents' queue: every case not resolved, tier 3 first, oldest first.
pub async fn queue(conn: &mut AnyConnection) -> Result<Vec<CaseRow>, StoreError> {
    let q = format!(
        "SELECT {CASE_COLUMNS} FROM cases WHERE status <> 'resolved' ORDER BY tier DESC, created_at, id LIMIT 50"
    );
    let rows = sqlx::query(&q).fetch_all(conn).await.ctx("queue")?;
    Ok(rows.iter().map(case_row).collect())
}

/// Changes status (and assignee, resolution) of a case.
pub async fn update_case(
    conn: &mut AnyConnection,
    id: i64,
    status: &str,
    assignee: Option<i64>,
    resolved_at: Option<i64>,
    conclusion: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE cases SET status = $1, assignee = $2, resolved_at = $3, conclusion = $4, updated_at = $5 WHERE id = $6",
    )
    .bind(status)
    .bind(assignee)
    .bind(resolved_at)
    .bind(conclusion)
    .bind(now)
    .bind(id)
    .execute(conn)
    .await
    .ctx("update case")?;
    Ok(())
}

/// Stores a deep-link token's digest.
pub async fn insert_token(
    conn: &mut AnyConnection,
    digest: &str,
    case_id: i64,
    user_id: i64,
    expires_at: i64,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO case_tokens (digest, case_id, user_id, expires_at, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(digest)
        .bind(case_id)
        .bind(user_id)
        .bind(expires_at)
        .bind(now)
        .execute(conn)
        .await
        .ctx("insert token")?;
    Ok(())
}

/// Looks a token digest up: (case id, member, expiry).
pub async fn find_token(
    conn: &mut AnyConnection,
    digest: &str,
) -> Result<Option<(i64, i64, i64)>, StoreError> {
    let r = sqlx::query("SELECT case_id, user_id, expires_at FROM case_tokens WHERE digest = $1")
        .bind(digest)
        .fetch_optional(conn)
        .await
        .ctx("find token")?;
    Ok(r.map(|r| (r.get(0), r.get(1), r.get(2))))
}

/// Appends an evidence item.
pub async fn insert_evidence(
    conn: &mut AnyConnection,
    case_id: i64,
    kind: &str,
    detail: Option<&str>,
    value: &str,
    message_id: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO evidence (case_id, kind, detail, value, message_id, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(case_id)
    .bind(kind)
    .bind(detail)
    .bind(value)
    .bind(message_id)
    .bind(now)
    .execute(conn)
    .await
    .ctx("insert evidence")?;
    Ok(())
}

/// A case's evidence, oldest first.
pub async fn evidence_of(
    conn: &mut AnyConnection,
    case_id: i64,
) -> Result<Vec<EvidenceRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT kind, detail, value, created_at FROM evidence WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(conn)
    .await
    .ctx("evidence of")?;
    Ok(rows
        .iter()
        .map(|r| EvidenceRow {
            kind: r.get(0),
            detail: r.get(1),
            value: r.get(2),
            created_at: r.get(3),
        })
        .collect())
}

/// Appends an audit event.
pub async fn insert_event(
    conn: &mut AnyConnection,
    case_id: i64,
    actor_id: i64,
    kind: &str,
    detail: Option<&str>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query("INSERT INTO case_events (case_id, actor_id, kind, detail, created_at) VALUES ($1, $2, $3, $4, $5)")
        .bind(case_id)
        .bind(actor_id)
        .bind(kind)
        .bind(detail)
        .bind(now)
        .execute(conn)
        .await
        .ctx("insert event")?;
    Ok(())
}

/// A case's audit log, in order.
pub async fn events_of(
    conn: &mut AnyConnection,
    case_id: i64,
) -> Result<Vec<EventRow>, StoreError> {
    let rows = sqlx::query(
        "SELECT actor_id, kind, detail, created_at FROM case_events WHERE case_id = $1 ORDER BY id",
    )
    .bind(case_id)
    .fetch_all(conn)
    .await
    .ctx("events of")?;
    Ok(rows
        .iter()
        .map(|r| EventRow {
            actor_id: r.get(0),
            kind: r.get(1),
            detail: r.get(2),
            created_at: r.get(3),
        })
        .collect())
}

/// Sets (or clears) the case a member's private messages go to.
pub async fn set_active_case(
    conn: &mut AnyConnection,
    user_id: i64,
    case_id: Option<i64>,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "INSERT INTO member_state (user_id, open_case_id, updated_at) VALUES ($1, $2, $3)
         ON CONFLICT (user_id) DO UPDATE SET open_case_id = excluded.open_case_id, updated_at = excluded.updated_at",
    )
    .bind(user_id)
    .bind(case_id)
    .bind(now)
    .execute(conn)
    .await
    .ctx("set active case")?;
    Ok(())
}

/// The case a member's private messages go to, if it is still open.
pub async fn active_case(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Option<CaseRow>, StoreError> {
    let q = format!(
        "SELECT {} FROM cases c JOIN member_state m ON m.open_case_id = c.id WHERE m.user_id = $1 AND c.status <> 'resolved'",
        CASE_COLUMNS
            .split(", ")
            .map(|c| format!("c.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    );
    let r = sqlx::query(&q)
        .bind(user_id)
        .fetch_optional(conn)
        .await
        .ctx("active case")?;
    Ok(r.as_ref().map(case_row))
}

impl Store {
    /// Counts rows of a table (tests).
    pub async fn count(&self, table: &str) -> Result<i64, StoreError> {
        let allowed = [
            "cases",
            "evidence",
            "case_events",
            "case_tokens",
            "questions",
            "incidents",
            "outbox",
        ];
        assert!(allowed.contains(&table), "count() is for known tables");
        let r = sqlx::query(&format!("SELECT COUNT(*) FROM {table}"))
            .fetch_one(&self.pool)
            .await
            .ctx("count")?;
        Ok(r.get(0))
    }
}
