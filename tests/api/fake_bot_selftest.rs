//! Tests of the fake Bot API itself (and of the fixtures and test databases), so that end-to-end failures point at
//! the app, not at the harness.

use std::time::{Duration, Instant};

use serde_json::{Value, json};
use teloxide::prelude::*;
use teloxide::types::{
    ChatId, InlineKeyboardButton, InlineKeyboardMarkup, MessageId, ParseMode, ReplyParameters,
    ThreadId, UpdateKind, UserId,
};

use crate::fake_bot::{BOT_ID, BOT_USERNAME, Failure, FakeBotApi, RateLimits};
use crate::fixtures::{self, GROUP, TgUser};
use crate::helpers::{Backend, TestDb};

const TOKEN: &str = "123456:TEST-token";

async fn call(fake: &FakeBotApi, method: &str, params: Value) -> (u16, Value) {
    let resp = reqwest::Client::new()
        .post(fake.method_url(TOKEN, method))
        .json(&params)
        .send()
        .await
        .expect("request to fake");
    let status = resp.status().as_u16();
    (status, resp.json().await.expect("JSON answer"))
}

fn bot(fake: &FakeBotApi) -> Bot {
    Bot::new(TOKEN).set_api_url(fake.url())
}

#[tokio::test]
async fn get_me_has_the_real_shape() {
    let fake = FakeBotApi::start().await;
    let (status, v) = call(&fake, "getMe", json!({})).await;
    assert_eq!(status, 200);
    assert_eq!(v["ok"], true);
    assert_eq!(v["result"]["id"], BOT_ID);
    assert_eq!(v["result"]["is_bot"], true);
    assert_eq!(v["result"]["username"], BOT_USERNAME);
    // teloxide deserializes it.
    let me = bot(&fake).get_me().await.expect("teloxide getMe");
    assert_eq!(me.username(), BOT_USERNAME);
    assert_eq!(me.id, UserId(BOT_ID as u64));
    assert_eq!(fake.calls_to("getme").len(), 2);
}

#[tokio::test]
async fn method_names_are_case_insensitive_and_recorded_lowercase() {
    let fake = FakeBotApi::start().await;
    for name in ["getMe", "GETME", "GetMe", "getme"] {
        let (status, v) = call(&fake, name, json!({})).await;
        assert_eq!((status, v["ok"].clone()), (200, json!(true)), "{name}");
    }
    let calls = fake.calls();
    assert_eq!(calls.len(), 4);
    assert!(calls.iter().all(|c| c.method == "getme"));
    assert_eq!(fake.calls_to("GetMe").len(), 4);
    // GET works too, with query-string params.
    let v: Value = reqwest::get(format!(
        "{}?chat_id=-100&text=hi",
        fake.method_url(TOKEN, "SendMessage")
    ))
    .await
    .unwrap()
    .json()
    .await
    .unwrap();
    assert_eq!(v["ok"], true);
    assert_eq!(fake.calls_to("sendMessage")[0].chat_id(), Some(-100));
}

#[tokio::test]
async fn unknown_method_is_404_and_recorded() {
    let fake = FakeBotApi::start().await;
    let (status, v) = call(&fake, "frobnicate", json!({"x": 1})).await;
    assert_eq!(status, 404);
    assert_eq!(
        v,
        json!({"ok": false, "error_code": 404, "description": "Not Found: method not found"})
    );
    let c = &fake.calls_to("frobnicate")[0];
    assert_eq!(c.params["x"], 1);
    assert_eq!(c.error_code(), Some(404));
    // A path that is not /bot<token>/<method> is a plain 404 and not recorded as a call.
    let resp = reqwest::get(format!("{}nothing", fake.base_url()))
        .await
        .unwrap();
    assert_eq!(resp.status().as_u16(), 404);
    assert_eq!(fake.calls().len(), 1);
}

#[tokio::test]
async fn json_form_multipart_and_query_params_are_recorded() {
    let fake = FakeBotApi::start().await;
    let client = reqwest::Client::new();
    // JSON
    call(
        &fake,
        "sendMessage",
        json!({"chat_id": -100, "text": "json body", "reply_markup": {"inline_keyboard": []}}),
    )
    .await;
    // form: JSON-looking values parsed, free text kept as text
    let v: Value = client
        .post(fake.method_url(TOKEN, "sendMessage"))
        .form(&[
            ("chat_id", "-100"),
            ("text", "123"),
            (
                "reply_markup",
                r#"{"inline_keyboard":[[{"text":"a","url":"https://x.y"}]]}"#,
            ),
        ])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["ok"], true, "{v}");
    // multipart, with a file part
    let boundary = "XyZ123";
    let body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"chat_id\"\r\n\r\n-100\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"caption\"\r\n\r\nmultipart caption\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"document\"; filename=\"report.txt\"\r\n\
         Content-Type: text/plain\r\n\r\nfile bytes\r\n--{boundary}--\r\n"
    );
    let v: Value = client
        .post(fake.method_url(TOKEN, "sendDocument"))
        .header(
            "content-type",
            format!("multipart/form-data; boundary={boundary}"),
        )
        .body(body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(v["ok"], true, "{v}");
    assert_eq!(v["result"]["document"]["file_name"], "report.txt");

    let sends = fake.calls_to("sendmessage");
    assert_eq!(sends[0].params["text"], "json body");
    assert_eq!(sends[0].chat_id(), Some(-100));
    assert_eq!(sends[1].params["chat_id"], -100);
    assert_eq!(sends[1].params["text"], "123", "free text stays a string");
    assert_eq!(
        sends[1].params["reply_markup"]["inline_keyboard"][0][0]["text"],
        "a"
    );
    let doc = &fake.calls_to("senddocument")[0];
    assert_eq!(doc.chat_id(), Some(-100));
    assert_eq!(doc.text(), Some("multipart caption"));
    assert_eq!(
        doc.params["document"],
        json!({"file_name": "report.txt", "size": 10})
    );

    let raw = fake.raw_bodies();
    assert_eq!(raw.len(), 3);
    assert!(raw[0].contains("json body"));
    assert!(raw[2].contains("file bytes"));
    assert!(!fake.find_text("multipart caption").is_empty());
    assert!(fake.find_text("never sent").is_empty());
}

#[tokio::test]
async fn find_text_sees_through_percent_encoding() {
    let fake = FakeBotApi::start().await;
    reqwest::Client::new()
        .post(fake.method_url(TOKEN, "sendMessage"))
        .form(&[("chat_id", "5"), ("text", "助记词 abandon ability")])
        .send()
        .await
        .unwrap();
    assert!(
        !fake.raw_bodies()[0].contains("助记词"),
        "form body is percent-encoded"
    );
    let hits = fake.find_text("助记词");
    assert_eq!(hits.len(), 1, "{hits:?}");
    assert!(hits[0].contains("sendmessage"));
}

#[tokio::test]
async fn get_updates_returns_pushed_updates_at_once() {
    let fake = FakeBotApi::start().await;
    let u = TgUser::en(42);
    let a = fake.push_update(fixtures::group_text(GROUP, &u, 1, "hello"));
    let b = fake.push_update(fixtures::group_text(GROUP, &u, 2, "world"));
    assert_eq!((a, b), (1, 2));
    let t = Instant::now();
    let (_, v) = call(&fake, "getUpdates", json!({"timeout": 10})).await;
    assert!(t.elapsed() < Duration::from_secs(1));
    let ups = v["result"].as_array().unwrap();
    assert_eq!(ups.len(), 2);
    assert_eq!(ups[0]["update_id"], 1);
    assert_eq!(ups[1]["message"]["text"], "world");
    assert_eq!(fake.deliveries(1), 1);
    // An explicit id is kept and later ids continue above it.
    assert_eq!(
        fake.push_update(fixtures::with_update_id(
            fixtures::private_text(&u, 3, "x"),
            50
        )),
        50
    );
    assert_eq!(fake.push_update(fixtures::private_text(&u, 4, "y")), 51);
    // limit
    let (_, v) = call(&fake, "getUpdates", json!({"limit": 1})).await;
    assert_eq!(v["result"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn long_poll_wakes_on_push_and_times_out_empty() {
    let fake = FakeBotApi::start().await;
    // Times out with [] after `timeout` seconds.
    let t = Instant::now();
    let (_, v) = call(&fake, "getUpdates", json!({"timeout": 1})).await;
    let waited = t.elapsed();
    assert_eq!(v, json!({"ok": true, "result": []}));
    assert!(
        waited >= Duration::from_millis(950) && waited < Duration::from_secs(3),
        "{waited:?}"
    );
    // timeout 0 answers at once.
    let t = Instant::now();
    call(&fake, "getUpdates", json!({"timeout": 0})).await;
    assert!(t.elapsed() < Duration::from_millis(500));

    // A push during the wait wakes it quickly.
    let f2 = fake.clone();
    let poll = tokio::spawn(async move {
        let t = Instant::now();
        let (_, v) = call(&f2, "getUpdates", json!({"timeout": 20})).await;
        (t.elapsed(), v)
    });
    fake.wait_for(
        |c| c.iter().filter(|c| c.method == "getupdates").count() == 3,
        Duration::from_secs(5),
    )
    .await
    .unwrap();
    tokio::time::sleep(Duration::from_millis(200)).await;
    fake.push_update(fixtures::private_text(&TgUser::zh(7), 1, "你好"));
    let (elapsed, v) = poll.await.unwrap();
    assert!(elapsed < Duration::from_secs(2), "woke after {elapsed:?}");
    assert_eq!(v["result"][0]["message"]["text"], "你好");
}

#[tokio::test]
async fn offset_confirms_and_drops_updates() {
    let fake = FakeBotApi::start().await;
    let u = TgUser::en(1);
    for i in 1..=3 {
        fake.push_update(fixtures::group_text(GROUP, &u, i, "q"));
    }
    assert_eq!(fake.confirmed_offset(), 0);
    let (_, v) = call(&fake, "getUpdates", json!({})).await;
    assert_eq!(v["result"].as_array().unwrap().len(), 3);
    assert!(!fake.is_confirmed(1), "delivery is not confirmation");
    assert_eq!(fake.pending_updates(), 3);
    // Redelivered until confirmed.
    let (_, v) = call(&fake, "getUpdates", json!({"offset": 2})).await;
    assert_eq!(v["result"].as_array().unwrap().len(), 2);
    assert_eq!(fake.confirmed_offset(), 2);
    assert!(fake.is_confirmed(1) && !fake.is_confirmed(2));
    assert_eq!(fake.deliveries(2), 2);
    let (_, v) = call(&fake, "getUpdates", json!({"offset": 4})).await;
    assert_eq!(v["result"], json!([]));
    assert_eq!(fake.pending_updates(), 0);
    fake.wait_confirmed(3, Duration::from_millis(100))
        .await
        .unwrap();
    // Waiting for an unconfirmed update times out with a dump.
    let e = fake
        .wait_confirmed(9, Duration::from_millis(100))
        .await
        .unwrap_err();
    assert!(
        e.contains("update 9 confirmed") && e.contains("getupdates"),
        "{e}"
    );
}

#[tokio::test]
async fn allowed_updates_filter_what_is_returned() {
    let fake = FakeBotApi::start().await;
    let admin = TgUser::en(5);
    fake.push_update(fixtures::my_chat_member(
        GROUP,
        &admin,
        "member",
        "administrator",
        true,
    ));
    fake.push_update(fixtures::group_text(GROUP, &admin, 1, "hi"));
    let (_, v) = call(&fake, "getUpdates", json!({"allowed_updates": ["message"]})).await;
    let ups = v["result"].as_array().unwrap();
    assert_eq!(ups.len(), 1);
    assert!(ups[0].get("message").is_some());
    // The setting sticks until changed; an empty list means the default (everything but chat_member & reactions).
    let (_, v) = call(&fake, "getUpdates", json!({})).await;
    assert_eq!(v["result"].as_array().unwrap().len(), 1);
    let (_, v) = call(&fake, "getUpdates", json!({"allowed_updates": []})).await;
    assert_eq!(v["result"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn newer_get_updates_terminates_older_with_conflict() {
    let fake = FakeBotApi::start().await;
    let f2 = fake.clone();
    let old = tokio::spawn(async move { call(&f2, "getUpdates", json!({"timeout": 20})).await });
    fake.wait_for(|c| !c.is_empty(), Duration::from_secs(5))
        .await
        .unwrap();
    tokio::time::sleep(Duration::from_millis(100)).await;
    let (_, v) = call(&fake, "getUpdates", json!({"timeout": 0})).await;
    assert_eq!(v["ok"], true);
    let (status, v) = tokio::time::timeout(Duration::from_secs(2), old)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(status, 409);
    assert_eq!(v["error_code"], 409);
}

#[tokio::test]
async fn too_many_requests_then_success() {
    let fake = FakeBotApi::start().await;
    fake.fail_next(
        "SendMessage",
        2,
        Failure::TooManyRequests { retry_after: 3 },
    );
    fake.fail_next(
        "sendMessage",
        1,
        Failure::BadRequest("Bad Request: chat not found".into()),
    );
    let p = json!({"chat_id": -100, "text": "hi"});
    for _ in 0..2 {
        let (status, v) = call(&fake, "sendMessage", p.clone()).await;
        assert_eq!(status, 429);
        assert_eq!(
            v,
            json!({"ok": false, "error_code": 429, "description": "Too Many Requests: retry after 3",
                   "parameters": {"retry_after": 3}})
        );
    }
    let (status, v) = call(&fake, "sendMessage", p.clone()).await;
    assert_eq!(
        (status, v["description"].clone()),
        (400, json!("Bad Request: chat not found"))
    );
    let (status, v) = call(&fake, "sendMessage", p.clone()).await;
    assert_eq!(status, 200);
    assert_eq!(v["result"]["text"], "hi");
    let calls = fake.calls_to("sendmessage");
    assert_eq!(
        calls[0].injected,
        Some(Failure::TooManyRequests { retry_after: 3 })
    );
    assert_eq!(calls[3].injected, None);
    assert!(calls[3].is_ok() && !calls[0].is_ok());
    // Other methods are unaffected; teloxide sees RetryAfter.
    fake.fail_next(
        "deleteMessage",
        1,
        Failure::TooManyRequests { retry_after: 7 },
    );
    let e = bot(&fake)
        .delete_message(ChatId(-100), MessageId(5))
        .await
        .unwrap_err();
    assert!(
        matches!(e, teloxide::RequestError::RetryAfter(s) if s.duration() == Duration::from_secs(7)),
        "{e:?}"
    );
    bot(&fake)
        .delete_message(ChatId(-100), MessageId(5))
        .await
        .unwrap();
}

#[tokio::test]
async fn server_error_forbidden_and_conditional_failures() {
    let fake = FakeBotApi::start().await;
    fake.fail_next("sendMessage", 1, Failure::ServerError(502));
    let (status, v) = call(&fake, "sendMessage", json!({"chat_id": 1, "text": "a"})).await;
    assert_eq!(
        (status, v["error_code"].clone(), v["ok"].clone()),
        (502, json!(502), json!(false))
    );
    // Only the call matching the predicate fails.
    fake.fail_next_if(
        "deleteMessages",
        1,
        Failure::BadRequest("Bad Request: message can't be deleted".into()),
        |p| p["chat_id"] == -200,
    );
    let (status, _) = call(
        &fake,
        "deleteMessages",
        json!({"chat_id": -100, "message_ids": [1]}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, v) = call(
        &fake,
        "deleteMessages",
        json!({"chat_id": -200, "message_ids": [1]}),
    )
    .await;
    assert_eq!(
        (status, v["description"].clone()),
        (400, json!("Bad Request: message can't be deleted"))
    );
    assert!(fake.pending_failures("deletemessages").is_empty());
    fake.fail_always(
        "sendMessage",
        Failure::Forbidden("Forbidden: bot was blocked by the user".into()),
    );
    for _ in 0..3 {
        assert_eq!(
            call(&fake, "sendMessage", json!({"chat_id": 1, "text": "a"}))
                .await
                .0,
            403
        );
    }
    fake.clear_failures();
    assert_eq!(
        call(&fake, "sendMessage", json!({"chat_id": 1, "text": "a"}))
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn slow_answers_correctly_after_the_delay() {
    let fake = FakeBotApi::start().await;
    fake.fail_next(
        "deleteMessages",
        1,
        Failure::Slow(Duration::from_millis(300)),
    );
    let f2 = fake.clone();
    let t = Instant::now();
    let slow = tokio::spawn(async move {
        call(
            &f2,
            "deleteMessages",
            json!({"chat_id": -100, "message_ids": [1, 2]}),
        )
        .await
    });
    fake.wait_for(|c| !c.is_empty(), Duration::from_secs(2))
        .await
        .unwrap();
    // In flight: recorded, not answered.
    assert!(fake.calls()[0].answered_at.is_none());
    call(
        &fake,
        "deleteMessages",
        json!({"chat_id": -100, "message_ids": [3]}),
    )
    .await;
    let (status, v) = slow.await.unwrap();
    assert!(t.elapsed() >= Duration::from_millis(300));
    assert_eq!((status, v), (200, json!({"ok": true, "result": true})));
    let c = &fake.calls_to("deletemessages")[0];
    assert!(c.latency().unwrap() >= Duration::from_millis(290));
    assert_eq!(fake.max_in_flight("deleteMessages", Some(-100)), 2);
    assert_eq!(fake.max_in_flight("deleteMessages", Some(-999)), 0);
    assert_eq!(fake.deleted_in(-100), [1, 2, 3].into_iter().collect());
}

#[tokio::test]
async fn deletes_behave_like_telegram() {
    let fake = FakeBotApi::start().await;
    let u = TgUser::en(3);
    fake.push_update(fixtures::group_text(GROUP, &u, 10, "a"));
    fake.push_update(fixtures::with_date(
        fixtures::group_text(GROUP, &u, 11, "old"),
        fixtures::now() - 49 * 3600,
    ));
    let p = |id: i64| json!({"chat_id": GROUP, "message_id": id});
    assert_eq!(call(&fake, "deleteMessage", p(10)).await.0, 200);
    let (status, v) = call(&fake, "deleteMessage", p(10)).await;
    assert_eq!(
        (status, v["description"].clone()),
        (400, json!("Bad Request: message to delete not found"))
    );
    let (status, v) = call(&fake, "deleteMessage", p(11)).await;
    assert_eq!(
        (status, v["description"].clone()),
        (400, json!("Bad Request: message can't be deleted"))
    );
    // deleteMessages skips ids already gone; 1..=100 ids.
    assert_eq!(
        call(
            &fake,
            "deleteMessages",
            json!({"chat_id": GROUP, "message_ids": [10, 12]})
        )
        .await
        .0,
        200
    );
    let ids: Vec<i64> = (1..=101).collect();
    assert_eq!(
        call(
            &fake,
            "deleteMessages",
            json!({"chat_id": GROUP, "message_ids": ids})
        )
        .await
        .0,
        400
    );
    assert_eq!(
        call(
            &fake,
            "deleteMessages",
            json!({"chat_id": GROUP, "message_ids": []})
        )
        .await
        .0,
        400
    );
    assert_eq!(fake.deleted(), vec![(GROUP, 10), (GROUP, 12)]);
    // Without the delete right.
    fake.set_bot_can_delete(GROUP, false);
    let (status, _) = call(
        &fake,
        "deleteMessages",
        json!({"chat_id": GROUP, "message_ids": [20]}),
    )
    .await;
    assert_eq!(status, 400);
    let (_, m) = call(
        &fake,
        "getChatMember",
        json!({"chat_id": GROUP, "user_id": BOT_ID}),
    )
    .await;
    assert_eq!(m["result"]["can_delete_messages"], false);
    // A reply to a deleted message fails unless allowed.
    let (status, v) = call(
        &fake,
        "sendMessage",
        json!({"chat_id": GROUP, "text": "x", "reply_parameters": {"message_id": 10}}),
    )
    .await;
    assert_eq!(
        (status, v["description"].clone()),
        (400, json!("Bad Request: message to be replied not found"))
    );
    let (status, _) = call(
        &fake,
        "sendMessage",
        json!({"chat_id": GROUP, "text": "x", "reply_parameters": {"message_id": 10, "allow_sending_without_reply": true}}),
    )
    .await;
    assert_eq!(status, 200);
}

#[tokio::test]
async fn text_and_markup_checks() {
    let fake = FakeBotApi::start().await;
    let send = |text: String, mode: Option<&str>| {
        let mut p = json!({"chat_id": 1, "text": text});
        if let Some(m) = mode {
            p["parse_mode"] = json!(m);
        }
        p
    };
    assert_eq!(
        call(&fake, "sendMessage", send("".into(), None)).await.0,
        400
    );
    assert_eq!(
        call(&fake, "sendMessage", send("字".repeat(4096), None))
            .await
            .0,
        200
    );
    assert_eq!(
        call(&fake, "sendMessage", send("字".repeat(4097), None))
            .await
            .0,
        400
    );
    let (status, v) = call(
        &fake,
        "sendMessage",
        send("Fees: 0.1%!".into(), Some("MarkdownV2")),
    )
    .await;
    assert_eq!(status, 400);
    assert!(
        v["description"]
            .as_str()
            .unwrap()
            .starts_with("Bad Request: can't parse entities"),
        "{v}"
    );
    let ok_md = r"*Fees* are 0\.1% \- see [the page](https://example.com/a-b?x=1) or `code.x`";
    assert_eq!(
        call(&fake, "sendMessage", send(ok_md.into(), Some("MarkdownV2")))
            .await
            .0,
        200
    );
    assert_eq!(
        call(
            &fake,
            "sendMessage",
            send("*bold".into(), Some("MarkdownV2"))
        )
        .await
        .0,
        400
    );
    assert_eq!(
        call(
            &fake,
            "sendMessage",
            send("<b>hi</b> &lt;3 & more".into(), Some("HTML"))
        )
        .await
        .0,
        400
    );
    assert_eq!(
        call(
            &fake,
            "sendMessage",
            send(
                "<b>hi</b> &lt;3 &amp; <a href=\"x\">l</a>".into(),
                Some("HTML")
            )
        )
        .await
        .0,
        200
    );
    assert_eq!(
        call(
            &fake,
            "sendMessage",
            send("<div>x</div>".into(), Some("HTML"))
        )
        .await
        .0,
        400
    );
    assert_eq!(
        call(&fake, "sendMessage", send("<b>x</i>".into(), Some("HTML")))
            .await
            .0,
        400
    );
}

#[tokio::test]
async fn rate_limits_and_private_chat_rules_are_opt_in() {
    let fake = FakeBotApi::start().await;
    fake.set_rate_limits(Some(RateLimits {
        per_chat: 3,
        per_chat_window: Duration::from_secs(60),
        global: 100,
        global_window: Duration::from_secs(1),
    }));
    for _ in 0..3 {
        assert_eq!(
            call(&fake, "sendMessage", json!({"chat_id": GROUP, "text": "x"}))
                .await
                .0,
            200
        );
    }
    let (status, v) = call(&fake, "sendMessage", json!({"chat_id": GROUP, "text": "x"})).await;
    assert_eq!(status, 429);
    let retry = v["parameters"]["retry_after"].as_u64().unwrap();
    assert!((59..=60).contains(&retry), "{retry}");
    // Private chats and deletes are not limited by the group limit.
    assert_eq!(
        call(&fake, "sendMessage", json!({"chat_id": 77, "text": "x"}))
            .await
            .0,
        200
    );
    assert_eq!(
        call(
            &fake,
            "deleteMessage",
            json!({"chat_id": GROUP, "message_id": 1})
        )
        .await
        .0,
        200
    );
    fake.set_rate_limits(None);

    fake.require_started(true);
    let (status, v) = call(&fake, "sendMessage", json!({"chat_id": 88, "text": "hi"})).await;
    assert_eq!(
        (status, v["description"].clone()),
        (
            403,
            json!("Forbidden: bot can't initiate conversation with a user")
        )
    );
    fake.push_update(fixtures::private_text(&TgUser::en(88), 1, "/start"));
    assert_eq!(
        call(&fake, "sendMessage", json!({"chat_id": 88, "text": "hi"}))
            .await
            .0,
        200
    );
    fake.mark_started(89);
    assert_eq!(
        call(&fake, "sendMessage", json!({"chat_id": 89, "text": "hi"}))
            .await
            .0,
        200
    );
    fake.mark_blocked(89);
    assert_eq!(
        call(&fake, "sendMessage", json!({"chat_id": 89, "text": "hi"}))
            .await
            .0,
        403
    );
    // Groups are unaffected.
    assert_eq!(
        call(&fake, "sendMessage", json!({"chat_id": GROUP, "text": "x"}))
            .await
            .0,
        200
    );
}

#[tokio::test]
async fn wait_for_returns_when_predicate_holds_and_dumps_on_timeout() {
    let fake = FakeBotApi::start().await;
    let f2 = fake.clone();
    tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        call(&f2, "sendMessage", json!({"chat_id": -5, "text": "later"})).await;
    });
    let calls = fake
        .wait_for(
            |c| c.iter().any(|c| c.method == "sendmessage"),
            Duration::from_secs(5),
        )
        .await
        .unwrap();
    assert_eq!(calls.len(), 1);
    let sent = fake
        .wait_for_calls("sendMessage", 1, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(sent[0].text(), Some("later"));
    assert_eq!(fake.sent_texts(-5), vec!["later".to_owned()]);
    let e = fake
        .wait_for(
            |c| c.iter().any(|c| c.method == "deletemessages"),
            Duration::from_millis(100),
        )
        .await
        .unwrap_err();
    assert!(
        e.contains("timed out") && e.contains("sendmessage(chat=-5, text=\"later\")"),
        "{e}"
    );
    fake.expect_no_call("deleteMessages", Duration::from_millis(50))
        .await
        .unwrap();
    let f3 = fake.clone();
    tokio::spawn(async move {
        call(
            &f3,
            "deleteMessages",
            json!({"chat_id": -5, "message_ids": [1]}),
        )
        .await
    });
    assert!(
        fake.expect_no_call("deleteMessages", Duration::from_millis(300))
            .await
            .is_err()
    );
}

#[tokio::test]
async fn teloxide_round_trip_of_every_answer() {
    let fake = FakeBotApi::start().await;
    let bot = bot(&fake);
    let u = TgUser::zh(42).username("xiaoming");
    fake.push_update(fixtures::with_thread(
        fixtures::group_text(GROUP, &u, 7, "怎么注册"),
        3,
    ));
    bot.delete_webhook().await.unwrap();
    bot.set_my_commands(vec![teloxide::types::BotCommand::new("start", "Start")])
        .await
        .unwrap();
    assert_eq!(fake.my_commands()[0]["command"], "start");
    let updates = bot.get_updates().await.unwrap();
    assert_eq!(updates.len(), 1);

    let kb = InlineKeyboardMarkup::new(vec![vec![InlineKeyboardButton::url(
        "Open",
        "https://t.me/frontdesk_test_bot?start=abc".parse().unwrap(),
    )]]);
    let sent = bot
        .send_message(ChatId(GROUP), "请看 <b>注册</b>")
        .parse_mode(ParseMode::Html)
        .message_thread_id(ThreadId(MessageId(3)))
        .reply_parameters(ReplyParameters::new(MessageId(7)))
        .reply_markup(kb.clone())
        .await
        .unwrap();
    assert!(sent.id.0 >= crate::fake_bot::FIRST_BOT_MESSAGE_ID as i32);
    assert_eq!(sent.thread_id, Some(ThreadId(MessageId(3))));
    assert_eq!(sent.reply_to_message().unwrap().id, MessageId(7));
    assert_eq!(sent.reply_to_message().unwrap().text(), Some("怎么注册"));
    assert!(sent.chat.is_supergroup());
    assert_eq!(sent.from.as_ref().unwrap().id, UserId(BOT_ID as u64));
    let c = &fake.calls_to("sendmessage")[0];
    assert_eq!((c.thread_id(), c.reply_to()), (Some(3), Some(7)));

    let edited = bot
        .edit_message_text(ChatId(GROUP), sent.id, "updated")
        .await
        .unwrap();
    assert_eq!(edited.text(), Some("updated"));
    bot.edit_message_reply_markup(ChatId(GROUP), sent.id)
        .reply_markup(kb)
        .await
        .unwrap();
    bot.delete_messages(ChatId(GROUP), vec![MessageId(7), sent.id])
        .await
        .unwrap();
    bot.delete_message(ChatId(u.id), MessageId(1))
        .await
        .unwrap();
    bot.answer_callback_query(teloxide::types::CallbackQueryId("1".into()))
        .await
        .unwrap();
    bot.set_my_description().description("desc").await.unwrap();
    let chat = bot.get_chat(ChatId(GROUP)).await.unwrap();
    assert_eq!(chat.id, ChatId(GROUP));
    let private = bot.get_chat(ChatId(u.id)).await.unwrap();
    assert!(private.is_private());
    let me_member = bot
        .get_chat_member(ChatId(GROUP), UserId(BOT_ID as u64))
        .await
        .unwrap();
    assert!(me_member.kind.can_delete_messages());
    let member = bot
        .get_chat_member(ChatId(GROUP), UserId(42))
        .await
        .unwrap();
    assert_eq!(member.user.username.as_deref(), Some("xiaoming"));
    let admins = bot.get_chat_administrators(ChatId(GROUP)).await.unwrap();
    assert_eq!(admins.len(), 1);
    bot.send_message(ChatId(u.id), "私聊").await.unwrap();
    let unknown: Vec<_> = fake
        .calls()
        .into_iter()
        .filter(|c| c.error_code().is_some())
        .map(|c| c.method)
        .collect();
    assert!(unknown.is_empty(), "{unknown:?}");
}

#[tokio::test]
async fn fixtures_deserialize_with_teloxide() {
    let fake = FakeBotApi::start().await;
    let en = TgUser::en(101).username("alice").last_name("Smith");
    let zh = TgUser::zh(102);
    let group_msg = fixtures::group_text(GROUP, &en, 1, "where is the activity page?");
    let all = vec![
        ("group_text", group_msg.clone()),
        (
            "group_text_thread",
            fixtures::with_thread(fixtures::group_text(GROUP, &zh, 2, "KYC 要什么材料"), 9),
        ),
        (
            "group_command",
            fixtures::group_text(GROUP, &zh, 3, "/help@frontdesk_test_bot"),
        ),
        (
            "reply",
            fixtures::with_reply_to(fixtures::group_text(GROUP, &zh, 4, "同问"), &group_msg),
        ),
        (
            "edited",
            fixtures::edited(GROUP, &en, 1, "where is the activity page now?"),
        ),
        (
            "edited_photo",
            fixtures::into_edit(fixtures::group_photo(GROUP, &zh, 5, Some("a")), "b"),
        ),
        (
            "private_text",
            fixtures::private_text(&zh, 6, "/start abc_DEF-123"),
        ),
        (
            "group_photo",
            fixtures::group_photo(GROUP, &zh, 7, Some("身份证正面")),
        ),
        (
            "group_photo_nocap",
            fixtures::group_photo(GROUP, &zh, 8, None),
        ),
        (
            "private_photo",
            fixtures::private_photo(&en, 9, Some("screenshot")),
        ),
        (
            "group_document",
            fixtures::group_document(GROUP, &en, 10, "passport.pdf", None),
        ),
        (
            "private_document",
            fixtures::private_document(&en, 11, "statement.png", Some("tx proof")),
        ),
        (
            "callback",
            fixtures::callback(
                &en,
                "case:claim:AB12",
                Some(&fixtures::bot_message(GROUP, 1_000_001, "x")),
            ),
        ),
        ("callback_inline", fixtures::callback(&en, "x", None)),
        (
            "promoted",
            fixtures::my_chat_member(GROUP, &en, "member", "administrator", true),
        ),
        (
            "no_delete",
            fixtures::my_chat_member(GROUP, &en, "administrator", "administrator", false),
        ),
        (
            "kicked",
            fixtures::my_chat_member(GROUP, &en, "administrator", "kicked", false),
        ),
        (
            "left",
            fixtures::my_chat_member(GROUP, &en, "member", "left", false),
        ),
    ];
    let names: Vec<&str> = all.iter().map(|(n, _)| *n).collect();
    for (_, u) in &all {
        fake.push_update(u.clone());
    }
    let updates = bot(&fake)
        .get_updates()
        .allowed_updates(vec![
            teloxide::types::AllowedUpdate::Message,
            teloxide::types::AllowedUpdate::EditedMessage,
            teloxide::types::AllowedUpdate::CallbackQuery,
            teloxide::types::AllowedUpdate::MyChatMember,
        ])
        .await
        .unwrap();
    assert_eq!(updates.len(), all.len());
    for (name, u) in names.iter().zip(&updates) {
        assert!(
            !matches!(u.kind, UpdateKind::Error(_)),
            "fixture {name} does not deserialize: {:?}",
            u.kind
        );
    }
    use teloxide::types::{MediaKind, MessageKind};
    let msg = |i: usize| match &updates[i].kind {
        UpdateKind::Message(m) | UpdateKind::EditedMessage(m) => m.clone(),
        other => panic!("{}: {other:?}", names[i]),
    };
    assert_eq!(msg(0).text(), Some("where is the activity page?"));
    assert_eq!(
        msg(0).from.as_ref().unwrap().language_code.as_deref(),
        Some("en")
    );
    assert_eq!(msg(1).thread_id, Some(ThreadId(MessageId(9))));
    assert!(msg(1).is_topic_message);
    assert_eq!(msg(3).reply_to_message().unwrap().id, MessageId(1));
    assert!(msg(4).edit_date().is_some());
    assert_eq!(msg(5).caption(), Some("b"));
    assert!(msg(6).chat.is_private());
    assert_eq!(msg(7).caption(), Some("身份证正面"));
    assert_eq!(msg(7).photo().unwrap().len(), 3);
    assert!(msg(8).caption().is_none());
    assert!(
        matches!(&msg(10).kind, MessageKind::Common(c) if matches!(&c.media_kind, MediaKind::Document(d)
        if d.document.file_name.as_deref() == Some("passport.pdf")))
    );
    match &updates[12].kind {
        UpdateKind::CallbackQuery(q) => {
            assert_eq!(q.data.as_deref(), Some("case:claim:AB12"));
            assert!(q.regular_message().is_some());
        }
        other => panic!("{other:?}"),
    }
    match &updates[15].kind {
        UpdateKind::MyChatMember(m) => {
            assert!(m.new_chat_member.kind.is_administrator());
            assert!(!m.new_chat_member.kind.can_delete_messages());
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn test_db_sqlite_is_fresh_and_removed() {
    let db = TestDb::sqlite();
    assert_eq!(db.backend(), Backend::Sqlite);
    assert!(
        db.url().starts_with("sqlite:///") && db.url().ends_with("/test.db?mode=rwc"),
        "{}",
        db.url()
    );
    let dir = db.dir().unwrap().to_owned();
    assert!(dir.exists());
    std::fs::write(db.sqlite_path().unwrap(), b"xx secret yy").unwrap();
    assert!(db.sqlite_files_contain("secret"));
    assert!(!db.sqlite_files_contain("absent"));
    let other = TestDb::sqlite();
    assert_ne!(other.url(), db.url());
    drop(db);
    assert!(!dir.exists());
}

#[tokio::test]
async fn test_db_postgres_when_configured() {
    let Some(db) = TestDb::postgres().await else {
        eprintln!("FRONTDESK_TEST_POSTGRES_URL unset: skipping");
        return;
    };
    use sqlx::Connection as _;
    assert_eq!(db.backend(), Backend::Postgres);
    let url = db.url().to_owned();
    let name = url
        .rsplit('/')
        .next()
        .unwrap()
        .split('?')
        .next()
        .unwrap()
        .to_owned();
    assert!(name.starts_with("fd_test_"), "{url}");
    let mut conn = sqlx::PgConnection::connect(&url).await.unwrap();
    let (n,): (i64,) = sqlx::query_as(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(n, 0, "fresh database");
    // Drop works even with a connection still open (WITH (FORCE)).
    drop(db);
    let admin = std::env::var(crate::helpers::POSTGRES_ENV).unwrap();
    let mut admin = sqlx::PgConnection::connect(&admin).await.unwrap();
    let (left,): (i64,) = sqlx::query_as("SELECT count(*) FROM pg_database WHERE datname = $1")
        .bind(&name)
        .fetch_one(&mut admin)
        .await
        .unwrap();
    assert_eq!(left, 0, "database {name} dropped");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn teloxide_dispatcher_polls_the_fake() {
    use teloxide::dispatching::UpdateFilterExt;
    use teloxide::update_listeners::Polling;

    let fake = FakeBotApi::start().await;
    let bot = bot(&fake);
    let handler = Update::filter_message().endpoint(|bot: Bot, msg: Message| async move {
        bot.send_message(msg.chat.id, format!("echo: {}", msg.text().unwrap_or("")))
            .reply_parameters(ReplyParameters::new(msg.id))
            .await?;
        Ok::<(), teloxide::RequestError>(())
    });
    let mut dispatcher = Dispatcher::builder(bot.clone(), handler).build();
    let shutdown = dispatcher.shutdown_token();
    let listener = Polling::builder(bot)
        .timeout(Duration::from_secs(5))
        .delete_webhook()
        .await
        .build();
    let task = tokio::spawn(async move {
        dispatcher
            .dispatch_with_listener(listener, LoggingErrorHandler::new())
            .await
    });

    // The poller is waiting in a long poll; a push wakes it.
    fake.wait_for(
        |c| c.iter().any(|c| c.method == "getupdates"),
        Duration::from_secs(5),
    )
    .await
    .unwrap();
    let u = TgUser::en(5);
    let id = fake.push_update(fixtures::group_text(GROUP, &u, 31, "ping"));
    let sent = fake
        .wait_for_calls("sendMessage", 1, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(sent[0].text(), Some("echo: ping"));
    assert_eq!(sent[0].reply_to(), Some(31));
    fake.wait_confirmed(id, Duration::from_secs(5))
        .await
        .unwrap();
    assert_eq!(fake.deliveries(id), 1);
    // Teloxide asked only for what its handler tree handles.
    let polls = fake.calls_to("getUpdates");
    assert_eq!(polls[0].param("allowed_updates"), Some(&json!(["message"])));

    shutdown.shutdown().unwrap().await;
    tokio::time::timeout(Duration::from_secs(10), task)
        .await
        .expect("dispatcher stops")
        .unwrap();
}

#[tokio::test]
async fn a_dropped_long_poll_is_abandoned_and_delivers_nothing() {
    let fake = FakeBotApi::start().await;
    let poll = call(&fake, "getUpdates", json!({"timeout": 5}));
    let _ = tokio::time::timeout(Duration::from_millis(200), poll).await;
    fake.wait_for(|c| c[0].abandoned, Duration::from_secs(2))
        .await
        .unwrap();
    let id = fake.push_update(fixtures::private_text(&TgUser::en(1), 1, "x"));
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(fake.deliveries(id), 0);
    assert_eq!(fake.max_in_flight("getUpdates", None), 1);
    let (_, v) = call(&fake, "getUpdates", json!({})).await;
    assert_eq!(v["result"][0]["update_id"], id);
}
