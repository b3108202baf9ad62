//! Tier-one questions answered in groups (issue 2): language, replies, topics, cooldown, shadow mode, idempotency.

use std::time::Duration;

use crate::fixtures::{GROUP, OTHER_GROUP, TgUser, group_text, private_text, with_thread};
use crate::helpers::{AGENT, MODERATOR, spawn_app};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn zh_and_en_questions_get_the_standard_reply_in_their_language() {
    let t = spawn_app("").await;
    t.fake.push_update(group_text(
        GROUP,
        &TgUser::zh(11),
        100,
        "请问注册链接在哪里",
    ));
    t.fake.push_update(group_text(
        GROUP,
        &TgUser::en(12),
        101,
        "where is the activity page?",
    ));
    let calls = t.fake.wait_for_calls("sendmessage", 2, WAIT).await.unwrap();
    let zh = calls
        .iter()
        .find(|c| c.reply_to() == Some(100))
        .expect("reply to the zh question");
    let en = calls
        .iter()
        .find(|c| c.reply_to() == Some(101))
        .expect("reply to the en question");
    assert_eq!(zh.chat_id(), Some(GROUP));
    assert!(
        zh.text()
            .unwrap()
            .contains("https://example.com/register?ref=abc"),
        "{:?}",
        zh.text()
    );
    assert!(
        zh.text()
            .unwrap()
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "answer in Chinese"
    );
    assert!(
        en.text().unwrap().contains("https://example.com/activity"),
        "{:?}",
        en.text()
    );
    assert!(
        !en.text()
            .unwrap()
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "answer in English"
    );
    // Every answer is the same words every time: another group, another member, the same text.
    t.fake.push_update(group_text(
        OTHER_GROUP,
        &TgUser::zh(13),
        102,
        "注册链接在哪",
    ));
    let calls = t.fake.wait_for_calls("sendmessage", 3, WAIT).await.unwrap();
    let again = calls
        .iter()
        .find(|c| c.chat_id() == Some(OTHER_GROUP))
        .unwrap();
    assert_eq!(again.text(), zh.text());
}

#[tokio::test]
async fn chatter_and_statements_get_nothing() {
    let t = spawn_app("").await;
    for (i, text) in [
        "gm",
        "今天行情不错",
        "KYC 终于过了",
        "fees are crazy lol",
        "谢谢管理员",
    ]
    .iter()
    .enumerate()
    {
        t.fake.push_update(group_text(
            GROUP,
            &TgUser::zh(20 + i as i64),
            200 + i as i64,
            text,
        ));
    }
    let last = t.fake.push_update(group_text(
        GROUP,
        &TgUser::en(30),
        300,
        "which network should I use to withdraw usdt",
    ));
    t.fake.wait_confirmed(last, WAIT).await.unwrap();
    let calls = t.fake.wait_for_calls("sendmessage", 1, WAIT).await.unwrap();
    assert_eq!(
        calls.len(),
        1,
        "only the real question is answered: {}",
        t.fake.dump()
    );
    assert_eq!(calls[0].reply_to(), Some(300));
    t.fake
        .expect_no_call("deletemessages", Duration::from_millis(300))
        .await
        .unwrap();
}

#[tokio::test]
async fn forum_topic_is_kept() {
    let t = spawn_app("").await;
    t.fake.push_update(with_thread(
        group_text(GROUP, &TgUser::zh(40), 400, "手续费在哪里看"),
        77,
    ));
    let calls = t.fake.wait_for_calls("sendmessage", 1, WAIT).await.unwrap();
    assert_eq!(calls[0].thread_id(), Some(77));
    assert_eq!(calls[0].reply_to(), Some(400));
}

#[tokio::test]
async fn repeat_within_cooldown_gets_a_pointer_then_full_answer_after() {
    let t = spawn_app("").await;
    t.fake
        .push_update(group_text(GROUP, &TgUser::zh(50), 500, "kyc要什么材料"));
    let first = t.fake.wait_for_calls("sendmessage", 1, WAIT).await.unwrap();
    let full = first[0].text().unwrap().to_string();
    t.fake
        .push_update(group_text(GROUP, &TgUser::zh(51), 501, "KYC需要什么材料？"));
    let calls = t.fake.wait_for_calls("sendmessage", 2, WAIT).await.unwrap();
    let pointer = calls[1].text().unwrap();
    assert!(
        pointer.contains("https://t.me/c/1234567890/500"),
        "points at the earlier question: {pointer}"
    );
    assert!(pointer.len() < full.len());
    t.clock.advance(601);
    t.fake
        .push_update(group_text(GROUP, &TgUser::zh(52), 502, "kyc 要准备啥材料"));
    let calls = t.fake.wait_for_calls("sendmessage", 3, WAIT).await.unwrap();
    assert_eq!(
        calls[2].text().unwrap(),
        full,
        "after the cooldown the full answer again, word for word"
    );
}

#[tokio::test]
async fn shadow_mode_sends_nothing_to_the_group_but_tells_moderators() {
    let t = spawn_app(&format!("[groups.\"{GROUP}\"]\nmode = \"shadow\"\n")).await;
    t.fake
        .push_update(group_text(GROUP, &TgUser::zh(60), 600, "注册链接在哪里"));
    let calls = t.fake.wait_for_calls("sendmessage", 1, WAIT).await.unwrap();
    assert_eq!(calls[0].chat_id(), Some(MODERATOR));
    assert!(calls[0].text().unwrap().contains("[shadow]"));
    assert!(
        t.fake.calls_in(GROUP).is_empty(),
        "nothing sent to the group: {}",
        t.fake.dump()
    );
}

#[tokio::test]
async fn duplicate_update_is_answered_once_even_across_restart() {
    let mut t = spawn_app("").await;
    let update = group_text(GROUP, &TgUser::en(70), 700, "when are rewards paid?");
    t.fake.push_update(update.clone());
    t.fake.wait_for_calls("sendmessage", 1, WAIT).await.unwrap();
    // Same message redelivered under a new update id, before and after a restart.
    let mut again = update.clone();
    again.as_object_mut().unwrap().remove("update_id");
    let id = t.fake.push_update(again.clone());
    t.fake.wait_confirmed(id, WAIT).await.unwrap();
    t.restart().await;
    let id = t.fake.push_update(again);
    t.fake.wait_confirmed(id, WAIT).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(t.fake.calls_to("sendmessage").len(), 1, "{}", t.fake.dump());
}

#[tokio::test]
async fn agents_are_not_answered_and_private_help_speaks_the_members_language() {
    let t = spawn_app("").await;
    let agent = TgUser::zh(AGENT);
    let id = t
        .fake
        .push_update(group_text(GROUP, &agent, 800, "注册链接在哪里"));
    t.fake.wait_confirmed(id, WAIT).await.unwrap();
    t.fake
        .push_update(private_text(&TgUser::en(81), 801, "/start"));
    t.fake
        .push_update(private_text(&TgUser::zh(82), 802, "/help"));
    let calls = t.fake.wait_for_calls("sendmessage", 2, WAIT).await.unwrap();
    assert!(
        calls.iter().all(|c| c.chat_id() != Some(GROUP)),
        "agent not answered: {}",
        t.fake.dump()
    );
    let en = calls
        .iter()
        .find(|c| c.chat_id() == Some(81))
        .unwrap()
        .text()
        .unwrap()
        .to_string();
    let zh = calls
        .iter()
        .find(|c| c.chat_id() == Some(82))
        .unwrap()
        .text()
        .unwrap()
        .to_string();
    assert!(en.contains("support assistant"), "{en}");
    assert!(zh.contains("客服助手"), "{zh}");
    let commands = t
        .fake
        .wait_for_calls("setmycommands", 1, WAIT)
        .await
        .unwrap();
    assert!(
        commands[0]
            .param("commands")
            .unwrap()
            .to_string()
            .contains("mycases")
    );
}

#[tokio::test]
async fn a_broken_reply_file_never_replaces_the_working_library() {
    let replies = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("replies");
    for f in std::fs::read_dir(&root).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, replies.path().join(f.file_name().unwrap())).unwrap();
    }
    let dir = replies.path().to_path_buf();
    let replies_dir = dir.clone();
    let t = crate::helpers::spawn_app_with(
        crate::helpers::TestDb::sqlite(),
        "",
        std::sync::Arc::new(move |c| c.replies_dir = replies_dir.clone()),
    )
    .await;
    let fees = dir.join("fees.toml");
    let good = std::fs::read_to_string(&fees).unwrap();
    std::fs::write(&fees, good.replace("patterns = [", "patterns = [\"(\", ")).unwrap();
    let err = t
        .app
        .as_ref()
        .unwrap()
        .reload_library()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("fees.toml") && err.contains("does not compile"),
        "{err}"
    );
    t.fake.push_update(group_text(
        GROUP,
        &TgUser::en(90),
        900,
        "where can i see the fees?",
    ));
    let calls = t.fake.wait_for_calls("sendmessage", 1, WAIT).await.unwrap();
    assert!(
        calls[0]
            .text()
            .unwrap()
            .contains("https://example.com/fees"),
        "old library still answers"
    );
    std::fs::write(
        &fees,
        good.replace("{links.fees}", "{links.fees} (updated)"),
    )
    .unwrap();
    t.app.as_ref().unwrap().reload_library().unwrap();
    t.clock.advance(700);
    t.fake.push_update(group_text(
        GROUP,
        &TgUser::en(91),
        901,
        "where can i see the fees?",
    ));
    let calls = t.fake.wait_for_calls("sendmessage", 2, WAIT).await.unwrap();
    assert!(
        calls[1].text().unwrap().contains("(updated)"),
        "{:?}",
        calls[1].text()
    );
}
