//! One storage suite, run on SQLite always and on PostgreSQL when `FRONTDESK_TEST_POSTGRES_URL` is set.

use super::*;
use crate::domain::{Confidence, Finding, SecretKind};
use serde_json::json;

/// Runs `body` against a fresh SQLite file and, when configured, a fresh PostgreSQL database.
async fn each_backend<F, Fut>(body: F)
where
    F: Fn(Store) -> Fut,
    Fut: std::future::Future<Output = ()>,
{
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}/t.db", dir.path().display());
    let store = Store::connect(&url).await.unwrap();
    assert_eq!(store.backend(), Backend::Sqlite);
    body(store.clone()).await;
    store.close().await;
    if let Ok(admin) = std::env::var("FRONTDESK_TEST_POSTGRES_URL") {
        let db = testing::create_postgres_database(&admin).await.unwrap();
        let store = Store::connect(&db).await.unwrap();
        assert_eq!(store.backend(), Backend::Postgres);
        body(store.clone()).await;
        store.close().await;
        testing::drop_postgres_database(&admin, &db).await;
    }
}

fn action(key: &str, priority: Priority, chat: i64) -> NewAction {
    NewAction {
        priority,
        chat_id: chat,
        method: "sendMessage",
        payload: json!({"chat_id": chat, "text": key}),
        dedupe_key: key.to_string(),
        not_before: 100,
        delete_after: None,
    }
}

#[tokio::test]
async fn outbox_orders_by_priority_and_dedupes() {
    each_backend(|s| async move {
        assert!(
            s.enqueue(&action("reply", Priority::GroupReply, -1), 100)
                .await
                .unwrap()
        );
        assert!(
            s.enqueue(&action("delete", Priority::Delete, -1), 100)
                .await
                .unwrap()
        );
        assert!(
            !s.enqueue(&action("reply", Priority::GroupReply, -1), 100)
                .await
                .unwrap(),
            "same key twice"
        );
        let due = s.due(100, 10).await.unwrap();
        let keys: Vec<_> = due
            .iter()
            .map(|r| r.payload["text"].as_str().unwrap().to_string())
            .collect();
        assert_eq!(keys, ["delete", "reply"]);
        assert!(
            s.due(99, 10).await.unwrap().is_empty(),
            "not before its time"
        );
        assert_eq!(s.next_due_at().await.unwrap(), Some(100));
    })
    .await;
}

#[tokio::test]
async fn outbox_retry_fail_and_self_cleaning() {
    each_backend(|s| async move {
        let mut notice = action("notice", Priority::GroupReply, -5);
        notice.delete_after = Some(60);
        s.enqueue(&notice, 100).await.unwrap();
        s.enqueue(&action("doomed", Priority::Direct, 7), 100)
            .await
            .unwrap();
        let due = s.due(100, 10).await.unwrap();
        let (d, n) = (&due[0], &due[1]);
        assert_eq!(d.payload["text"], "doomed");
        s.mark_retry(d.id, 130, "server error").await.unwrap();
        assert_eq!(s.due(100, 10).await.unwrap().len(), 1);
        let again = s.due(130, 10).await.unwrap();
        assert_eq!(again.iter().find(|r| r.id == d.id).unwrap().attempts, 1);
        s.mark_failed(d.id, 130, "forbidden").await.unwrap();
        s.mark_sent(n.id, 101, Some(555)).await.unwrap();
        assert_eq!(s.outbox_count("failed").await.unwrap(), 1);
        // The notice's own deletion is scheduled, not due before its time.
        assert!(s.due(160, 10).await.unwrap().is_empty());
        let cleanup = s.due(161, 10).await.unwrap();
        assert_eq!(cleanup.len(), 1);
        assert_eq!(cleanup[0].method, "deleteMessages");
        assert_eq!(cleanup[0].payload["message_ids"], json!([555]));
    })
    .await;
}

#[tokio::test]
async fn processed_messages_claim_once() {
    each_backend(|s| async move {
        let mut c = s.pool().acquire().await.unwrap();
        assert!(
            records::claim_message(&mut c, -1, 10, 0, 1, 100)
                .await
                .unwrap()
        );
        assert!(
            !records::claim_message(&mut c, -1, 10, 0, 2, 100)
                .await
                .unwrap(),
            "redelivery"
        );
        assert!(
            records::claim_message(&mut c, -1, 10, 200, 3, 100)
                .await
                .unwrap(),
            "an edit is new"
        );
    })
    .await;
}

#[tokio::test]
async fn questions_cooldown_lookup_and_purge() {
    each_backend(|s| async move {
        let mut c = s.pool().acquire().await.unwrap();
        let q = QuestionRecord {
            chat_id: -1,
            user_id: 5,
            message_id: 42,
            intent: Some("fees"),
            tier: Some(1),
            language: "en",
            outcome: Outcome::Answered,
            created_at: 1_000,
            text: "where are fees",
        };
        records::record_question(&mut c, &q).await.unwrap();
        records::record_question(
            &mut c,
            &QuestionRecord {
                intent: None,
                outcome: Outcome::Unmatched,
                created_at: 5_000,
                ..q.clone()
            },
        )
        .await
        .unwrap();
        assert_eq!(
            records::last_answer(&mut c, -1, "fees", 900).await.unwrap(),
            Some(42)
        );
        assert_eq!(
            records::last_answer(&mut c, -1, "fees", 1_001)
                .await
                .unwrap(),
            None
        );
        assert_eq!(
            records::last_answer(&mut c, -2, "fees", 0).await.unwrap(),
            None
        );
        drop(c);
        assert_eq!(s.purge(2_000, 10_000).await.unwrap(), 1);
        let left = s.questions_since(0).await.unwrap();
        assert_eq!(
            left,
            vec![(None, "unmatched".to_string(), "where are fees".to_string())]
        );
    })
    .await;
}

#[tokio::test]
async fn incidents_and_members() {
    each_backend(|s| async move {
        let mut c = s.pool().acquire().await.unwrap();
        let f = Finding {
            kind: SecretKind::SeedPhrase,
            rule: "bip39_checksum",
            span: 0..10,
            confidence: Confidence::Validated,
        };
        records::record_incident(&mut c, -1, 5, 9, &f, "deleted", 100)
            .await
            .unwrap();
        assert!(!records::has_started(&mut c, 5).await.unwrap());
        records::member_started(&mut c, 5, "zh", 100).await.unwrap();
        records::member_started(&mut c, 5, "en", 101).await.unwrap();
        assert!(records::has_started(&mut c, 5).await.unwrap());
        drop(c);
        assert_eq!(
            s.incidents().await.unwrap(),
            vec![(
                "seed_phrase".into(),
                "bip39_checksum".into(),
                "deleted".into()
            )]
        );
    })
    .await;
}

#[tokio::test]
async fn cases_tokens_evidence_and_events() {
    use super::cases::{self as db, NewCase};
    each_backend(|s| async move {
        let mut c = s.pool().acquire().await.unwrap();
        let new = NewCase {
            code: "C-7Q2K",
            user_id: 5,
            origin_chat_id: Some(-100),
            origin_message_id: Some(9),
            origin_link: Some("https://t.me/c/1/9"),
            tier: 3,
            intent: "account_frozen",
            language: "zh",
            status: "collecting",
        };
        let id = db::insert_case(&mut c, &new, 100).await.unwrap().unwrap();
        assert_eq!(
            db::insert_case(&mut c, &new, 100).await.unwrap(),
            None,
            "codes are unique"
        );
        db::insert_token(&mut c, "digest", id, 5, 200, 100)
            .await
            .unwrap();
        assert_eq!(
            db::find_token(&mut c, "digest").await.unwrap(),
            Some((id, 5, 200))
        );
        assert_eq!(db::find_token(&mut c, "other").await.unwrap(), None);
        assert_eq!(
            db::open_case_for(&mut c, 5, "account_frozen")
                .await
                .unwrap()
                .unwrap()
                .id,
            id
        );
        db::set_active_case(&mut c, 5, Some(id), 100).await.unwrap();
        assert_eq!(
            db::active_case(&mut c, 5).await.unwrap().unwrap().code,
            "C-7Q2K"
        );
        db::insert_evidence(&mut c, id, "tx_hash", Some("evm"), "0xabc", Some(10), 101)
            .await
            .unwrap();
        db::insert_event(&mut c, id, 5, "evidence_added", None, 101)
            .await
            .unwrap();
        db::update_case(
            &mut c,
            id,
            "resolved",
            Some(1001),
            Some(150),
            Some("done"),
            150,
        )
        .await
        .unwrap();
        let case = db::case_by_code(&mut c, "C-7Q2K").await.unwrap().unwrap();
        assert_eq!(
            (
                case.status.as_str(),
                case.assignee,
                case.conclusion.as_deref()
            ),
            ("resolved", Some(1001), Some("done"))
        );
        assert!(
            db::active_case(&mut c, 5).await.unwrap().is_none(),
            "resolved cases take no evidence"
        );
        assert!(
            db::open_case_for(&mut c, 5, "account_frozen")
                .await
                .unwrap()
                .is_none()
        );
        assert!(db::queue(&mut c).await.unwrap().is_empty());
        assert_eq!(db::cases_of(&mut c, 5).await.unwrap().len(), 1);
        let ev = db::evidence_of(&mut c, id).await.unwrap();
        assert_eq!(
            (
                ev[0].kind.as_str(),
                ev[0].detail.as_deref(),
                ev[0].value.as_str()
            ),
            ("tx_hash", Some("evm"), "0xabc")
        );
        assert_eq!(
            db::events_of(&mut c, id).await.unwrap()[0].kind,
            "evidence_added"
        );
    })
    .await;
}
