//! The secret guard end to end (issue 3): deletions, notices, alerts, and the secret stored or logged nowhere.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use crate::fake_bot::Failure;
use crate::fixtures::{GROUP, TgUser, edited, group_photo, group_text, private_text};
use crate::helpers::{MODERATOR, spawn_app};

const WAIT: Duration = Duration::from_secs(10);

const SEED: &str =
    "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
const SECRETS: [(&str, &str); 4] = [
    (
        "我的助记词 abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
        "abandon abandon abandon",
    ),
    ("验证码 384920 帮我登录一下", "384920"),
    ("my password: Hunter2024!zz", "hunter2024!zz"),
    ("身份证 11010519491231002X 能注册吗", "11010519491231002"),
];

#[tokio::test]
async fn a_seed_phrase_is_deleted_with_notice_and_alert_and_stored_nowhere() {
    let t = spawn_app("").await;
    t.fake.push_update(group_text(
        GROUP,
        &TgUser::zh(5),
        50,
        &format!("帮我看看 {SEED}"),
    ));
    let deletes = t
        .fake
        .wait_for_calls("deletemessages", 1, WAIT)
        .await
        .unwrap();
    assert_eq!(deletes[0].chat_id(), Some(GROUP));
    assert_eq!(deletes[0].message_ids(), vec![50]);
    let calls = t
        .fake
        .wait_for(
            |c| c.iter().filter(|c| c.method == "sendmessage").count() >= 2,
            WAIT,
        )
        .await
        .unwrap();
    let notice = calls
        .iter()
        .find(|c| c.method == "sendmessage" && c.chat_id() == Some(GROUP))
        .expect("group notice");
    assert!(
        notice.text().unwrap().contains("助记词"),
        "names the kind: {:?}",
        notice.text()
    );
    // A wallet at risk gets a private case offered on the notice, through the same deep link as tier 2/3.
    let link = notice
        .param("reply_markup")
        .expect("help button")
        .to_string();
    assert!(
        link.contains("https://t.me/frontdesk_test_bot?start="),
        "{link}"
    );
    assert_eq!(t.store().count("cases").await.unwrap(), 1);
    let alert = calls
        .iter()
        .find(|c| c.method == "sendmessage" && c.chat_id() == Some(MODERATOR))
        .expect("alert");
    assert!(alert.text().unwrap().contains("seed_phrase"));
    let send_idx = calls
        .iter()
        .position(|c| c.method == "sendmessage")
        .unwrap();
    let del_idx = calls
        .iter()
        .position(|c| c.method == "deletemessages")
        .unwrap();
    assert!(
        del_idx < send_idx,
        "the deletion goes out before any message"
    );
    assert!(
        t.fake.find_text("abandon").is_empty(),
        "no secret in any Bot API call"
    );
    assert_eq!(t.store().incidents().await.unwrap()[0].0, "seed_phrase");
    assert!(
        !t.db.sqlite_files_contain("abandon"),
        "no secret in the database files"
    );
}

#[tokio::test]
async fn every_kind_is_kept_out_of_database_api_calls_and_trace_logs() {
    let logs = Arc::new(Mutex::new(Vec::<u8>::new()));
    let sink = logs.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || Writer(sink.clone()))
        .finish();
    // Global, so every task of the app (whatever thread runs it) logs into the buffer.
    tracing::subscriber::set_global_default(subscriber)
        .expect("only this test installs a subscriber");
    let t = spawn_app("").await;
    for (i, (text, _)) in SECRETS.iter().enumerate() {
        t.fake.push_update(group_text(
            GROUP,
            &TgUser::zh(10 + i as i64),
            100 + i as i64,
            text,
        ));
    }
    t.fake.push_update(private_text(
        &TgUser::en(20),
        200,
        "here is my private key 0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
    ));
    wait_deleted(&t, GROUP, &[100, 101, 102, 103]).await;
    wait_deleted(&t, 20, &[200]).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let logs = String::from_utf8_lossy(&logs.lock().unwrap()).to_lowercase();
    assert!(logs.contains("guard finding"), "trace logs were captured");
    for (_, needle) in SECRETS.iter().chain(&[(
        "",
        "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
    )]) {
        assert!(t.fake.find_text(needle).is_empty(), "secret in an API call");
        assert!(!t.db.sqlite_files_contain(needle), "secret in the database");
        assert!(!logs.contains(needle), "secret in the logs");
    }
}

/// Waits until every id is deleted (a successful `deleteMessages` call names it).
async fn wait_deleted(t: &crate::helpers::TestApp, chat: i64, ids: &[i64]) {
    // Generous: the burst test queues a thousand updates on a shared debug build.
    let want = ids.to_vec();
    t.fake
        .wait_for(
            move |c| {
                let done: std::collections::HashSet<i64> = c
                    .iter()
                    .filter(|c| {
                        c.method == "deletemessages" && c.is_ok() && c.chat_id() == Some(chat)
                    })
                    .flat_map(|c| c.message_ids())
                    .collect();
                want.iter().all(|id| done.contains(id))
            },
            Duration::from_secs(30),
        )
        .await
        .unwrap();
}

struct Writer(Arc<Mutex<Vec<u8>>>);
impl std::io::Write for Writer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[tokio::test]
async fn private_secret_is_deleted_with_a_warning() {
    let t = spawn_app("").await;
    t.fake.push_update(private_text(
        &TgUser::zh(30),
        300,
        "验证码是 551234 你帮我操作",
    ));
    let d = t
        .fake
        .wait_for_calls("deletemessages", 1, WAIT)
        .await
        .unwrap();
    assert_eq!(d[0].chat_id(), Some(30));
    let sent = t.fake.wait_for_calls("sendmessage", 1, WAIT).await.unwrap();
    assert!(
        sent.iter()
            .any(|c| c.chat_id() == Some(30) && c.text().unwrap().contains("不要把它发给任何人"))
    );
}

#[tokio::test]
async fn edits_and_captions_are_checked() {
    let t = spawn_app("").await;
    t.fake
        .push_update(group_text(GROUP, &TgUser::en(40), 400, "hello"));
    t.fake
        .push_update(edited(GROUP, &TgUser::en(40), 400, "my 2fa code is 839201"));
    t.fake.push_update(group_photo(
        GROUP,
        &TgUser::en(41),
        401,
        Some("my passport photo for kyc"),
    ));
    wait_deleted(&t, GROUP, &[400, 401]).await;
}

#[tokio::test]
async fn shadow_mode_only_alerts() {
    let t = spawn_app(&format!("[groups.\"{GROUP}\"]\nmode = \"shadow\"\n")).await;
    t.fake
        .push_update(group_text(GROUP, &TgUser::zh(50), 500, "验证码 384920"));
    let calls = t.fake.wait_for_calls("sendmessage", 1, WAIT).await.unwrap();
    assert_eq!(calls[0].chat_id(), Some(MODERATOR));
    assert!(calls[0].text().unwrap().contains("would have deleted"));
    t.fake
        .expect_no_call("deletemessages", Duration::from_millis(500))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_failed_delete_tells_moderators_which_right_is_missing() {
    let t = spawn_app("").await;
    t.fake.fail_always(
        "deletemessages",
        Failure::BadRequest("Bad Request: not enough rights to delete a message".into()),
    );
    t.fake
        .push_update(group_text(GROUP, &TgUser::zh(60), 600, "验证码 384920"));
    let calls = t
        .fake
        .wait_for(
            |c| {
                c.iter().any(|c| {
                    c.method == "sendmessage"
                        && c.text().is_some_and(|t| t.contains("could not delete"))
                })
            },
            WAIT,
        )
        .await
        .unwrap();
    let alert = calls
        .iter()
        .find(|c| c.text().is_some_and(|t| t.contains("could not delete")))
        .unwrap();
    assert_eq!(alert.chat_id(), Some(MODERATOR));
    assert!(alert.text().unwrap().contains("Delete messages"));
}

#[tokio::test]
async fn a_seed_phrase_split_over_messages_is_found_and_every_part_deleted() {
    let t = spawn_app("").await;
    let u = TgUser::en(70);
    t.fake.push_update(group_text(
        GROUP,
        &u,
        700,
        "abandon abandon abandon abandon abandon abandon",
    ));
    t.fake.push_update(group_text(
        GROUP,
        &u,
        701,
        "abandon abandon abandon abandon abandon about",
    ));
    wait_deleted(&t, GROUP, &[700, 701]).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn burst_of_a_thousand_messages_deletes_fast_in_few_calls() {
    let t = spawn_app("").await;
    t.fake
        .set_rate_limits(Some(crate::fake_bot::RateLimits::default()));
    let mut secret_ids = Vec::new();
    for i in 0..1000i64 {
        let u = TgUser::en(10_000 + i);
        let text = if i % 10 < 3 {
            secret_ids.push(5000 + i);
            format!("my otp code is {}", 100_000 + i)
        } else if i % 10 == 3 {
            "how do i register?".to_string()
        } else {
            format!("gm {i}")
        };
        t.fake.push_update(group_text(GROUP, &u, 5000 + i, &text));
    }
    let pushed = std::time::Instant::now();
    wait_deleted(&t, GROUP, &secret_ids).await;
    let calls = t.fake.calls_to("deletemessages");
    // Each secret: from the getUpdates answer that delivered it to the deleteMessages request naming it.
    let mut delivered = std::collections::HashMap::new();
    for c in t.fake.calls_to("getupdates") {
        if let (Some(at), Some(resp)) = (c.answered_at, &c.response) {
            for u in resp["result"].as_array().into_iter().flatten() {
                if let Some(id) = u["message"]["message_id"].as_i64() {
                    delivered.entry(id).or_insert(at);
                }
            }
        }
    }
    let mut deleted_at = std::collections::HashMap::new();
    for c in &calls {
        for id in c.message_ids() {
            deleted_at.entry(id).or_insert(c.at);
        }
    }
    let slowest = secret_ids
        .iter()
        .map(|id| deleted_at[id].saturating_duration_since(delivered[id]))
        .max()
        .unwrap();
    assert!(
        slowest < Duration::from_secs(2),
        "every delete within 2 s of its message: slowest {slowest:?}"
    );
    // Ahead of any reply: nothing goes to the group before the first deletion.
    let first_delete = calls.iter().map(|c| c.at).min().unwrap();
    let first_reply = t
        .fake
        .calls_to("sendmessage")
        .iter()
        .filter(|c| c.chat_id() == Some(GROUP))
        .map(|c| c.at)
        .min();
    assert!(
        first_reply.is_none_or(|r| first_delete <= r),
        "a reply went out before the first deletion"
    );
    assert!(
        calls.len() < 100,
        "batched: {} calls for 300 deletions",
        calls.len()
    );
    let deleted = t.fake.deleted_in(GROUP);
    assert!(secret_ids.iter().all(|id| deleted.contains(id)));
    assert_eq!(
        t.fake.max_in_flight("deletemessages", Some(GROUP)),
        1,
        "one deleteMessages call in flight per chat"
    );
    let refused: Vec<String> = t
        .fake
        .calls_to("sendmessage")
        .iter()
        .filter(|c| c.error_code() == Some(429))
        .map(|c| {
            format!(
                "chat {:?} at {:?}",
                c.chat_id(),
                c.at.duration_since(pushed)
            )
        })
        .collect();
    assert!(refused.is_empty(), "limits respected, refused: {refused:?}");
}

#[tokio::test]
async fn a_reply_quoting_a_secret_is_deleted_too() {
    let t = spawn_app("").await;
    let original = group_text(GROUP, &TgUser::en(80), 800, "hello there");
    let reply = crate::fixtures::with_reply_to(
        group_text(GROUP, &TgUser::en(81), 801, "lol look at this"),
        &group_text(GROUP, &TgUser::en(80), 799, "my password: Hunter2024!zz"),
    );
    t.fake.push_update(original);
    t.fake.push_update(reply);
    t.fake
        .wait_for_calls("deletemessages", 1, WAIT)
        .await
        .unwrap();
    let deleted = t.fake.deleted_in(GROUP);
    assert!(
        deleted.contains(&801) && !deleted.contains(&800),
        "{deleted:?}"
    );
}

#[tokio::test]
async fn the_notice_speaks_the_members_language_and_cleans_itself_up() {
    let t = crate::helpers::spawn_app_with(
        crate::helpers::TestDb::sqlite(),
        "",
        std::sync::Arc::new(|c| c.guard.notice_ttl_secs = 1),
    )
    .await;
    // English seed words from a Chinese-speaking member: the notice follows the member, not the words.
    t.fake
        .push_update(group_text(GROUP, &TgUser::zh(90), 900, SEED));
    let notice = t.nth_sent_to(GROUP, 1).await;
    assert!(
        notice.text().unwrap().contains("助记词"),
        "{:?}",
        notice.text()
    );
    let notice_id = notice.result().unwrap()["message_id"].as_i64().unwrap();
    t.clock.advance(2);
    t.fake
        .wait_for(
            |c| {
                c.iter()
                    .any(|c| c.method == "deletemessages" && c.message_ids().contains(&notice_id))
            },
            WAIT,
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn moderators_hear_when_the_bot_lacks_the_delete_right() {
    let t = spawn_app("").await;
    let owner = TgUser::en(95);
    t.fake.push_update(crate::fixtures::my_chat_member(
        GROUP, &owner, "left", "member", false,
    ));
    t.fake.push_update(crate::fixtures::my_chat_member(
        crate::fixtures::OTHER_GROUP,
        &owner,
        "member",
        "administrator",
        true,
    ));
    let id = t.fake.push_update(crate::fixtures::my_chat_member(
        GROUP,
        &owner,
        "member",
        "administrator",
        false,
    ));
    t.fake.wait_confirmed(id, WAIT).await.unwrap();
    let calls = t.fake.wait_for_calls("sendmessage", 2, WAIT).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    let alerts = t.fake.sent_texts(MODERATOR);
    assert_eq!(
        alerts.len(),
        2,
        "not-admin and admin-without-delete, nothing for the good group: {alerts:?}"
    );
    assert!(
        alerts
            .iter()
            .all(|a| a.contains("Delete messages") && a.contains("-1001234567890"))
    );
    drop(calls);
}

#[tokio::test]
async fn a_borderline_message_stays_alerts_moderators_and_its_words_are_not_stored() {
    let t = spawn_app("").await;
    let words = "how do i register abandon ability able about above absent absorb abstract absurd abuse access accident";
    t.fake
        .push_update(group_text(GROUP, &TgUser::en(97), 970, words));
    let alert = t.nth_sent_to(MODERATOR, 1).await;
    assert!(
        alert.text().unwrap().contains("not deleted"),
        "{:?}",
        alert.text()
    );
    t.fake
        .expect_no_call("deletemessages", Duration::from_millis(300))
        .await
        .unwrap();
    let questions = t.store().questions_since(0).await.unwrap();
    assert_eq!(questions.len(), 1);
    assert_eq!(questions[0].2, frontdesk::act::WITHHELD);
    assert!(!t.db.sqlite_files_contain("absurd abuse"));
}
