//! Tier-two and tier-three questions move into private cases (issue 4).

use std::time::Duration;

use crate::fixtures::{GROUP, TgUser, group_text, private_photo, private_text};
use crate::helpers::{AGENT, MODERATOR, spawn_app};

const WAIT: Duration = Duration::from_secs(10);

/// The deep-link payload in a group reply.
fn start_token(text: &str) -> String {
    let at = text.find("?start=").expect("deep link in the reply") + 7;
    text[at..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
        .collect()
}

async fn ask_in_group(t: &crate::helpers::TestApp, user: &TgUser, msg: i64, text: &str) -> String {
    t.fake.push_update(group_text(GROUP, user, msg, text));
    let calls = t
        .fake
        .wait_for(
            |c| {
                c.iter()
                    .any(|c| c.method == "sendmessage" && c.reply_to() == Some(msg))
            },
            WAIT,
        )
        .await
        .unwrap();
    let reply = calls
        .iter()
        .find(|c| c.method == "sendmessage" && c.reply_to() == Some(msg))
        .unwrap();
    let markup = reply
        .param("reply_markup")
        .expect("inline button")
        .to_string();
    assert!(
        markup.contains("https://t.me/frontdesk_test_bot?start="),
        "{markup}"
    );
    reply.text().unwrap().to_string()
}

/// The first alert DM to the moderator.
async fn moderator_alert(t: &crate::helpers::TestApp) -> crate::fake_bot::Call {
    t.nth_sent_to(MODERATOR, 1).await
}

/// The text of the `nth` private message to `user`.
async fn private_reply(t: &crate::helpers::TestApp, user: i64, nth: usize) -> String {
    t.nth_sent_to(user, nth).await.text().unwrap().to_string()
}

#[tokio::test]
async fn tier_two_goes_private_with_checklist_and_evidence() {
    let mut t = spawn_app("").await;
    let member = TgUser::zh(31);
    let reply = ask_in_group(&t, &member, 100, "我的充值三个小时了还没到账").await;
    let token = start_token(&reply);
    assert!(token.len() >= 22, "≥128-bit token");
    assert!(
        !reply.contains("哈希") && !reply.contains("截图"),
        "no evidence asked in the group: {reply}"
    );
    assert!(
        t.fake.calls_in(MODERATOR).is_empty(),
        "tier 2 does not alert moderators"
    );

    // Someone else opening the link learns nothing.
    t.fake
        .push_update(private_text(&TgUser::zh(99), 1, &format!("/start {token}")));
    let other = private_reply(&t, 99, 1).await;
    assert!(other.contains("不属于你"), "{other}");
    assert!(!other.contains("C-"), "no case code leaks: {other}");

    // The member opens it: code, escalation wording, ticket link, safety line, checklist.
    t.fake
        .push_update(private_text(&member, 2, &format!("/start {token}")));
    let greeting = private_reply(&t, 31, 1).await;
    assert!(greeting.contains("C-"), "{greeting}");
    assert!(
        greeting.contains("我们会协助整理信息并提交给官方渠道，最终处理以平台规则和官方反馈为准")
    );
    assert!(greeting.contains("https://example.com/support/ticket"));
    assert!(greeting.contains("绝不会索要"));
    assert!(
        greeting.contains("交易哈希"),
        "checklist names the tx hash: {greeting}"
    );
    let code: String = greeting[greeting.find("C-").unwrap()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();

    // Evidence: a tx hash, a photo without caption; a seed phrase is deleted, never evidence.
    t.fake.push_update(private_text(
        &member,
        3,
        "交易哈希 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
    ));
    let ack = private_reply(&t, 31, 2).await;
    assert!(ack.contains("交易哈希") && ack.contains("还缺"), "{ack}");
    t.fake.push_update(private_photo(&member, 4, None));
    let ack = private_reply(&t, 31, 3).await;
    assert!(ack.contains("截图"), "{ack}");
    let before = t.store().count("evidence").await.unwrap();
    assert!(before >= 2, "tx hash and screenshot recorded");
    t.fake.push_update(private_text(&member, 5, "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about"));
    t.fake
        .wait_for_calls("deletemessages", 1, WAIT)
        .await
        .unwrap();
    assert_eq!(
        t.store().count("evidence").await.unwrap(),
        before,
        "a secret never becomes evidence"
    );
    assert!(!t.db.sqlite_files_contain("abandon abandon"));

    // Asking again in the group reuses the open case.
    let again = ask_in_group(&t, &member, 101, "充值还没到账啊").await;
    assert_ne!(start_token(&again), token);
    assert_eq!(t.store().count("cases").await.unwrap(), 1);

    // Restart keeps the case and its evidence; agents work it.
    t.restart().await;
    assert_eq!(t.store().count("evidence").await.unwrap(), before);
    let agent = TgUser::en(AGENT);
    t.fake.push_update(private_text(&member, 6, "/done"));
    assert!(private_reply(&t, 31, 5).await.contains("已提交"));
    t.fake.push_update(private_text(&agent, 10, "/queue"));
    let queue = private_reply(&t, AGENT, 1).await;
    assert!(queue.contains(&code) && queue.contains("queued"), "{queue}");
    t.fake
        .push_update(private_text(&agent, 11, &format!("/resolve {code} done")));
    assert!(
        private_reply(&t, AGENT, 2).await.contains("claim"),
        "resolve before claim is refused"
    );
    t.fake
        .push_update(private_text(&agent, 12, &format!("/claim {code}")));
    assert!(private_reply(&t, AGENT, 3).await.contains("claimed"));
    t.fake.push_update(private_text(
        &agent,
        13,
        &format!("/resolve {code} 链上已确认到账"),
    ));
    assert!(private_reply(&t, AGENT, 4).await.contains("resolved"));
    assert!(
        private_reply(&t, 31, 6).await.contains("链上已确认到账"),
        "member told the conclusion"
    );
    t.fake
        .push_update(private_text(&agent, 14, &format!("/export {code}")));
    let export = private_reply(&t, AGENT, 5).await;
    for event in [
        "opened",
        "evidence_added",
        "submitted",
        "claimed",
        "resolved",
    ] {
        assert!(export.contains(event), "{event} in {export}");
    }
    assert!(export.contains("0x5c504ed4"), "tx hash kept as evidence");
    // A member is refused agent commands.
    t.fake.push_update(private_text(&member, 7, "/queue"));
    assert!(private_reply(&t, 31, 7).await.contains("只供客服"));
}

#[tokio::test]
async fn tier_three_alerts_every_moderator_and_says_less() {
    let t = spawn_app("").await;
    let reply = ask_in_group(
        &t,
        &TgUser::en(41),
        200,
        "my account got frozen for no reason",
    )
    .await;
    assert!(reply.contains("privately"), "{reply}");
    let alert = moderator_alert(&t).await;
    let text = alert.text().unwrap();
    assert!(
        text.contains("C-")
            && text.contains("account_frozen")
            && text.contains("https://t.me/c/1234567890/200"),
        "{text}"
    );
    assert!(
        alert
            .param("reply_markup")
            .unwrap()
            .to_string()
            .contains("claim:C-")
    );
}

#[tokio::test]
async fn an_expired_token_is_refused() {
    let t = spawn_app("").await;
    let member = TgUser::en(51);
    let reply = ask_in_group(&t, &member, 300, "my reward has not arrived yet").await;
    t.clock.advance(8 * 86_400);
    t.fake.push_update(private_text(
        &member,
        1,
        &format!("/start {}", start_token(&reply)),
    ));
    assert!(private_reply(&t, 51, 1).await.contains("expired"));
}

#[tokio::test]
async fn a_member_can_open_a_case_directly_and_list_them() {
    let t = spawn_app("").await;
    let member = TgUser::en(61);
    t.fake.push_update(private_text(
        &member,
        1,
        "/new my withdrawal is stuck since yesterday",
    ));
    let greeting = private_reply(&t, 61, 1).await;
    assert!(greeting.contains("C-"));
    t.fake.push_update(private_text(&member, 2, "/mycases"));
    assert!(private_reply(&t, 61, 2).await.contains("C-"));
}

#[tokio::test]
async fn zh_tier_three_content_complaint_asks_moderators_to_review_material() {
    let t = spawn_app("").await;
    let reply = ask_in_group(&t, &TgUser::zh(71), 400, "群里之前说保本稳赚，结果亏了一半").await;
    assert!(
        reply.contains("私下处理") && !reply.contains("保本"),
        "says little, repeats nothing: {reply}"
    );
    let alert = moderator_alert(&t).await.text().unwrap().to_string();
    assert!(
        alert.contains("content_complaint") && alert.contains("review the original material"),
        "{alert}"
    );
}

#[tokio::test]
async fn a_resolved_case_can_be_reopened_within_the_window_only() {
    let t = spawn_app("").await;
    let member = TgUser::en(81);
    let agent = TgUser::en(AGENT);
    t.fake
        .push_update(private_text(&member, 1, "/new my order is stuck"));
    let greeting = private_reply(&t, 81, 1).await;
    let code: String = greeting[greeting.find("C-").unwrap()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-')
        .collect();
    for (i, cmd) in [
        format!("/claim {code}"),
        format!("/resolve {code} refunded"),
    ]
    .iter()
    .enumerate()
    {
        t.fake.push_update(private_text(&agent, 10 + i as i64, cmd));
        private_reply(&t, AGENT, i + 1).await;
    }
    assert!(private_reply(&t, 81, 2).await.contains("refunded"));
    t.fake
        .push_update(private_text(&member, 2, &format!("/reopen {code}")));
    assert!(private_reply(&t, 81, 3).await.contains("reopened"));
    t.fake
        .push_update(private_text(&agent, 20, &format!("/claim {code}")));
    private_reply(&t, AGENT, 3).await;
    t.fake.push_update(private_text(
        &agent,
        21,
        &format!("/resolve {code} done again"),
    ));
    private_reply(&t, AGENT, 4).await;
    private_reply(&t, 81, 4).await;
    t.clock.advance(15 * 86_400);
    t.fake
        .push_update(private_text(&member, 3, &format!("/reopen {code}")));
    let late = private_reply(&t, 81, 5).await;
    assert!(!late.contains("is reopened"), "window closed: {late}");
}

/// The same journey on PostgreSQL (when `FRONTDESK_TEST_POSTGRES_URL` is set): answer, handoff, evidence, restart.
#[tokio::test]
async fn the_journey_runs_on_postgres_too() {
    let Some(db) = crate::helpers::TestDb::postgres().await else {
        eprintln!("FRONTDESK_TEST_POSTGRES_URL not set: skipped");
        return;
    };
    let mut t = crate::helpers::spawn_app_on(db, "").await;
    t.fake.push_update(group_text(
        GROUP,
        &TgUser::en(91),
        50,
        "which network for usdt withdraw?",
    ));
    t.fake.wait_for_calls("sendmessage", 1, WAIT).await.unwrap();
    let member = TgUser::en(92);
    let reply = ask_in_group(&t, &member, 51, "my deposit has not arrived after 3 hours").await;
    t.fake.push_update(private_text(
        &member,
        1,
        &format!("/start {}", start_token(&reply)),
    ));
    assert!(private_reply(&t, 92, 1).await.contains("C-"));
    t.fake.push_update(private_text(
        &member,
        2,
        "tx 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060",
    ));
    private_reply(&t, 92, 2).await;
    t.restart().await;
    assert_eq!(t.store().count("cases").await.unwrap(), 1);
    assert!(t.store().count("evidence").await.unwrap() >= 1);
    assert_eq!(t.store().backend(), frontdesk::store::Backend::Postgres);
}
