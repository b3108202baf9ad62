//! The outbox (issue 2 point 9): 429 honoured, pending actions survive a restart and go out exactly once.

use std::time::Duration;

use serde_json::json;

use crate::fake_bot::Failure;
use crate::fixtures::{GROUP, TgUser, group_text};
use crate::helpers::spawn_app;
use frontdesk::store::{NewAction, Priority};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn a_429_is_retried_after_retry_after_and_then_delivered() {
    let t = spawn_app("").await;
    t.fake.fail_next(
        "sendmessage",
        1,
        Failure::TooManyRequests { retry_after: 1 },
    );
    t.fake
        .push_update(group_text(GROUP, &TgUser::en(1), 10, "how do i register?"));
    let calls = t
        .fake
        .wait_for(
            |c| {
                c.iter()
                    .filter(|c| c.method == "sendmessage" && c.is_ok())
                    .count()
                    == 1
            },
            WAIT,
        )
        .await
        .unwrap();
    let sends: Vec<_> = calls.iter().filter(|c| c.method == "sendmessage").collect();
    assert_eq!(sends.len(), 2, "one refused, one delivered");
    assert_eq!(sends[0].error_code(), Some(429));
    let waited = sends[1].at.duration_since(sends[0].at);
    assert!(
        waited >= Duration::from_millis(900),
        "waited {waited:?} for retry_after"
    );
    assert_eq!(t.store().outbox_count("failed").await.unwrap(), 0);
}

#[tokio::test]
async fn a_permanent_error_is_recorded_not_retried_forever() {
    let t = spawn_app("").await;
    t.fake.fail_next(
        "sendmessage",
        1,
        Failure::Forbidden("Forbidden: bot was kicked".into()),
    );
    t.fake.push_update(group_text(
        GROUP,
        &TgUser::en(2),
        20,
        "where are the fees shown?",
    ));
    t.fake.wait_for_calls("sendmessage", 1, WAIT).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(t.fake.calls_to("sendmessage").len(), 1);
    assert_eq!(t.store().outbox_count("failed").await.unwrap(), 1);
}

#[tokio::test]
async fn pending_actions_survive_a_restart_and_are_sent_exactly_once() {
    let mut t = spawn_app("").await;
    t.fake
        .wait_for_calls("setmycommands", 1, WAIT)
        .await
        .unwrap();
    let now = frontdesk::domain::SystemClock;
    let now = frontdesk::domain::Clock::now(&now);
    for i in 0..3 {
        let a = NewAction {
            priority: Priority::GroupReply,
            chat_id: GROUP,
            method: "sendMessage",
            payload: json!({"chat_id": GROUP, "text": format!("pending {i}")}),
            dedupe_key: format!("test:{i}"),
            not_before: now + 2, // not yet due: still pending when the app stops
            delete_after: None,
        };
        t.store().enqueue(&a, now).await.unwrap();
    }
    t.stop().await;
    assert!(t.fake.calls_to("sendmessage").is_empty());
    t.restart().await;
    let calls = t.fake.wait_for_calls("sendmessage", 3, WAIT).await.unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let texts: Vec<String> = t
        .fake
        .calls_to("sendmessage")
        .iter()
        .map(|c| c.text().unwrap().to_string())
        .collect();
    assert_eq!(texts.len(), 3, "each exactly once: {texts:?}");
    for i in 0..3 {
        assert!(texts.contains(&format!("pending {i}")));
    }
    drop(calls);
}

#[tokio::test]
async fn group_replies_stay_within_twenty_a_minute() {
    let t = spawn_app("").await;
    for i in 0..25 {
        t.fake.push_update(group_text(
            GROUP,
            &TgUser::en(100 + i),
            1000 + i,
            "how do i register?",
        ));
        t.clock.advance(700); // past the cooldown, so each one is a full answer
    }
    t.fake
        .wait_for_calls("sendmessage", 20, WAIT)
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    assert_eq!(
        t.fake.calls_to("sendmessage").len(),
        20,
        "the 21st waits for the minute to pass"
    );
}
