//! Incoming updates for end-to-end tests, built from the JSON templates in `tests/fixtures/` (real Bot API shapes
//! with `"$name"` placeholders; an unset placeholder removes its key). Every builder returns a whole update
//! (`{"update_id"?, "message": {…}}`) ready for [`FakeBotApi::push_update`](crate::fake_bot::FakeBotApi), which
//! assigns `update_id` when missing. Dates default to now, so messages are still deletable (< 48 h).
#![allow(dead_code)]

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use crate::fake_bot::{BOT_ID, BOT_NAME, BOT_USERNAME};

const TEXT_MESSAGE: &str = include_str!("../fixtures/text_message.json");
const PHOTO: &str = include_str!("../fixtures/photo.json");
const DOCUMENT: &str = include_str!("../fixtures/document.json");
const CALLBACK_QUERY: &str = include_str!("../fixtures/callback_query.json");
const MY_CHAT_MEMBER: &str = include_str!("../fixtures/my_chat_member.json");
const BOT_ADMIN_MEMBER: &str = include_str!("../fixtures/bot_admin_member.json");

/// A default group id (supergroup ids are negative, `-100…`).
pub const GROUP: i64 = -1001234567890;
/// A second group.
pub const OTHER_GROUP: i64 = -1009876543210;

/// A Telegram user as it appears in `from`.
#[derive(Clone, Debug)]
pub struct TgUser {
    pub id: i64,
    pub first_name: String,
    pub last_name: Option<String>,
    pub username: Option<String>,
    pub language_code: Option<String>,
}

impl TgUser {
    /// A user with an id and a first name, no username, no language.
    pub fn new(id: i64, first_name: &str) -> TgUser {
        TgUser {
            id,
            first_name: first_name.to_owned(),
            last_name: None,
            username: None,
            language_code: None,
        }
    }

    /// A Chinese-speaking member (`language_code` `zh-hans`).
    pub fn zh(id: i64) -> TgUser {
        TgUser::new(id, "小明").lang("zh-hans")
    }

    /// An English-speaking member (`language_code` `en`).
    pub fn en(id: i64) -> TgUser {
        TgUser::new(id, "Alice").lang("en")
    }

    pub fn lang(mut self, code: &str) -> TgUser {
        self.language_code = Some(code.to_owned());
        self
    }

    pub fn username(mut self, username: &str) -> TgUser {
        self.username = Some(username.to_owned());
        self
    }

    pub fn last_name(mut self, last_name: &str) -> TgUser {
        self.last_name = Some(last_name.to_owned());
        self
    }

    /// The `User` object.
    pub fn json(&self) -> Value {
        let mut o = Map::new();
        o.insert("id".into(), json!(self.id));
        o.insert("is_bot".into(), json!(false));
        o.insert("first_name".into(), json!(self.first_name));
        if let Some(v) = &self.last_name {
            o.insert("last_name".into(), json!(v));
        }
        if let Some(v) = &self.username {
            o.insert("username".into(), json!(v));
        }
        if let Some(v) = &self.language_code {
            o.insert("language_code".into(), json!(v));
        }
        Value::Object(o)
    }

    /// The private `Chat` object with this user.
    pub fn private_chat(&self) -> Value {
        let mut o = Map::new();
        o.insert("id".into(), json!(self.id));
        o.insert("first_name".into(), json!(self.first_name));
        if let Some(v) = &self.last_name {
            o.insert("last_name".into(), json!(v));
        }
        if let Some(v) = &self.username {
            o.insert("username".into(), json!(v));
        }
        o.insert("type".into(), json!("private"));
        Value::Object(o)
    }
}

/// The bot as a `User` object.
pub fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": BOT_NAME, "username": BOT_USERNAME})
}

/// A supergroup `Chat` object.
pub fn group_chat(chat: i64) -> Value {
    json!({"id": chat, "title": format!("Test group {chat}"), "type": "supergroup"})
}

/// Now, in unix seconds.
pub fn now() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Fills a template: every string `"$name"` becomes `vars[name]`; unset placeholders are removed.
pub fn fill(template: &str, vars: &[(&str, Value)]) -> Value {
    let v: Value = serde_json::from_str(template).expect("fixture template is JSON");
    fn walk(v: Value, vars: &[(&str, Value)]) -> Option<Value> {
        match v {
            Value::String(s) if s.starts_with('$') => vars
                .iter()
                .find(|(k, _)| *k == &s[1..])
                .map(|(_, val)| val.clone()),
            Value::Array(a) => Some(Value::Array(
                a.into_iter().filter_map(|x| walk(x, vars)).collect(),
            )),
            Value::Object(o) => Some(Value::Object(
                o.into_iter()
                    .filter_map(|(k, x)| walk(x, vars).map(|x| (k, x)))
                    .collect(),
            )),
            other => Some(other),
        }
    }
    walk(v, vars).expect("fixture root is not a placeholder")
}

/// `bot_command` entity for a text starting with `/` (what Telegram adds), else none.
fn command_entities(text: &str) -> Option<Value> {
    if !text.starts_with('/') {
        return None;
    }
    let cmd = text.split(char::is_whitespace).next().unwrap_or(text);
    Some(json!([{"type": "bot_command", "offset": 0, "length": cmd.encode_utf16().count()}]))
}

fn text_update(chat: Value, user: &TgUser, msg_id: i64, text: &str) -> Value {
    let mut vars = vec![
        ("message_id", json!(msg_id)),
        ("from", user.json()),
        ("chat", chat),
        ("date", json!(now())),
        ("text", json!(text)),
    ];
    if let Some(e) = command_entities(text) {
        vars.push(("entities", e));
    }
    fill(TEXT_MESSAGE, &vars)
}

/// A text message from `user` in supergroup `chat`.
pub fn group_text(chat: i64, user: &TgUser, msg_id: i64, text: &str) -> Value {
    text_update(group_chat(chat), user, msg_id, text)
}

/// A text message from `user` in their private chat with the bot (commands get their `bot_command` entity).
pub fn private_text(user: &TgUser, msg_id: i64, text: &str) -> Value {
    text_update(user.private_chat(), user, msg_id, text)
}

fn photo_update(chat: Value, user: &TgUser, msg_id: i64, caption: Option<&str>) -> Value {
    let ids: Vec<(String, Value)> = ["small", "medium", "large"]
        .iter()
        .flat_map(|s| {
            [
                (
                    format!("file_id_{s}"),
                    json!(format!("AgACAgQAAxkBAAI{msg_id}{s}")),
                ),
                (
                    format!("file_unique_id_{s}"),
                    json!(format!("AQAD{msg_id}{s}")),
                ),
            ]
        })
        .collect();
    let mut vars: Vec<(&str, Value)> = vec![
        ("message_id", json!(msg_id)),
        ("from", user.json()),
        ("chat", chat),
        ("date", json!(now())),
    ];
    vars.extend(ids.iter().map(|(k, v)| (k.as_str(), v.clone())));
    if let Some(c) = caption {
        vars.push(("caption", json!(c)));
    }
    fill(PHOTO, &vars)
}

/// A photo (three sizes) from `user` in supergroup `chat`, with an optional caption.
pub fn group_photo(chat: i64, user: &TgUser, msg_id: i64, caption: Option<&str>) -> Value {
    photo_update(group_chat(chat), user, msg_id, caption)
}

/// A photo from `user` in their private chat with the bot.
pub fn private_photo(user: &TgUser, msg_id: i64, caption: Option<&str>) -> Value {
    photo_update(user.private_chat(), user, msg_id, caption)
}

fn mime_for(file_name: &str) -> &'static str {
    let lower = file_name.to_ascii_lowercase();
    match lower.rsplit('.').next() {
        Some("pdf") => "application/pdf",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("png") => "image/png",
        Some("txt") => "text/plain",
        Some("zip") => "application/zip",
        _ => "application/octet-stream",
    }
}

fn document_update(
    chat: Value,
    user: &TgUser,
    msg_id: i64,
    file_name: &str,
    caption: Option<&str>,
) -> Value {
    let mut vars = vec![
        ("message_id", json!(msg_id)),
        ("from", user.json()),
        ("chat", chat),
        ("date", json!(now())),
        ("file_name", json!(file_name)),
        ("mime_type", json!(mime_for(file_name))),
        ("file_id", json!(format!("BQACAgQAAxkBAAI{msg_id}doc"))),
        ("file_unique_id", json!(format!("AgAD{msg_id}doc"))),
    ];
    if let Some(c) = caption {
        vars.push(("caption", json!(c)));
    }
    fill(DOCUMENT, &vars)
}

/// A document (file) named `file_name` from `user` in supergroup `chat`, with an optional caption.
pub fn group_document(
    chat: i64,
    user: &TgUser,
    msg_id: i64,
    file_name: &str,
    caption: Option<&str>,
) -> Value {
    document_update(group_chat(chat), user, msg_id, file_name, caption)
}

/// A document from `user` in their private chat with the bot.
pub fn private_document(
    user: &TgUser,
    msg_id: i64,
    file_name: &str,
    caption: Option<&str>,
) -> Value {
    document_update(user.private_chat(), user, msg_id, file_name, caption)
}

/// The `message` (or `edited_message`) object inside an update.
pub fn message_of(update: &Value) -> &Value {
    update
        .get("message")
        .or_else(|| update.get("edited_message"))
        .expect("update holds a message or edited_message")
}

fn message_of_mut(update: &mut Value) -> &mut Value {
    let key = if update.get("message").is_some() {
        "message"
    } else {
        "edited_message"
    };
    update
        .get_mut(key)
        .expect("update holds a message or edited_message")
}

/// An `edited_message` update: group text message `msg_id` edited to `text`.
pub fn edited(chat: i64, user: &TgUser, msg_id: i64, text: &str) -> Value {
    into_edit(group_text(chat, user, msg_id, text), text)
}

/// Turns a message update into its `edited_message` update with new text (or caption, for media) and an
/// `edit_date` of now. The `update_id` is removed (an edit is a new update).
pub fn into_edit(update: Value, new_text: &str) -> Value {
    let mut msg = message_of(&update).clone();
    let o = msg.as_object_mut().expect("message object");
    let key = if o.contains_key("text") {
        "text"
    } else {
        "caption"
    };
    o.insert(key.into(), json!(new_text));
    if key == "text" {
        match command_entities(new_text) {
            Some(e) => o.insert("entities".into(), e),
            None => o.remove("entities"),
        };
    }
    let date = o.get("date").and_then(Value::as_i64).unwrap_or_else(now);
    o.insert("edit_date".into(), json!(now().max(date + 1)));
    json!({"edited_message": msg})
}

/// Puts the message in forum topic `thread` (`message_thread_id`, `is_topic_message`, chat `is_forum`).
pub fn with_thread(mut update: Value, thread: i64) -> Value {
    let m = message_of_mut(&mut update)
        .as_object_mut()
        .expect("message object");
    m.insert("message_thread_id".into(), json!(thread));
    m.insert("is_topic_message".into(), json!(true));
    if let Some(chat) = m.get_mut("chat").and_then(Value::as_object_mut) {
        chat.insert("is_forum".into(), json!(true));
    }
    update
}

/// Makes the message a reply to `replied` (an update or a message object), as Telegram nests it.
pub fn with_reply_to(mut update: Value, replied: &Value) -> Value {
    let mut r = replied
        .get("message")
        .or_else(|| replied.get("edited_message"))
        .unwrap_or(replied)
        .clone();
    if let Some(o) = r.as_object_mut() {
        o.remove("reply_to_message");
    }
    let m = message_of_mut(&mut update)
        .as_object_mut()
        .expect("message object");
    m.insert("reply_to_message".into(), r);
    update
}

/// Sets the message date (unix seconds), e.g. `now() - 49 * 3600` for a message too old to delete.
pub fn with_date(mut update: Value, date: i64) -> Value {
    let m = message_of_mut(&mut update)
        .as_object_mut()
        .expect("message object");
    m.insert("date".into(), json!(date));
    update
}

/// Sets an explicit `update_id` (the fake keeps it, even a duplicate).
pub fn with_update_id(mut update: Value, id: i64) -> Value {
    update
        .as_object_mut()
        .expect("update object")
        .insert("update_id".into(), json!(id));
    update
}

/// A message the bot sent (e.g. the one carrying an inline keyboard a callback comes from).
pub fn bot_message(chat: i64, msg_id: i64, text: &str) -> Value {
    let chat_obj = if chat > 0 {
        TgUser::new(chat, "User").private_chat()
    } else {
        group_chat(chat)
    };
    json!({"message_id": msg_id, "from": bot_user(), "chat": chat_obj, "date": now(), "text": text})
}

static CALLBACK_SEQ: AtomicU64 = AtomicU64::new(1);

/// A `callback_query` update: `user` pressed a button with `data` on `message` (a message object, e.g.
/// [`bot_message`]); `None` for a button on an inline message.
pub fn callback(user: &TgUser, data: &str, message: Option<&Value>) -> Value {
    let n = CALLBACK_SEQ.fetch_add(1, Ordering::Relaxed);
    let mut vars = vec![
        ("callback_id", json!(format!("{}{n:06}", user.id))),
        ("from", user.json()),
        (
            "chat_instance",
            json!(format!("-{}", 4_000_000_000_000_000_000u64 + n)),
        ),
        ("data", json!(data)),
    ];
    if let Some(m) = message {
        vars.push(("message", m.clone()));
    }
    let mut update = fill(CALLBACK_QUERY, &vars);
    if message.is_none() {
        update["callback_query"]
            .as_object_mut()
            .expect("callback object")
            .insert("inline_message_id".into(), json!(format!("AgAAA{n}")));
    }
    update
}

/// The bot's `ChatMember` object for a status: `"member"`, `"left"`, `"kicked"` (with `until_date` 0), or
/// `"administrator"` with or without the delete right.
pub fn bot_member(status: &str, can_delete_messages: bool) -> Value {
    match status {
        "administrator" => fill(
            BOT_ADMIN_MEMBER,
            &[
                ("user", bot_user()),
                ("can_delete_messages", json!(can_delete_messages)),
                ("can_restrict_members", json!(true)),
            ],
        ),
        "kicked" => json!({"user": bot_user(), "status": "kicked", "until_date": 0}),
        other => json!({"user": bot_user(), "status": other}),
    }
}

/// A `my_chat_member` update: `by` changed the bot's status in group `chat` from `old_status` to
/// `new_status` (`member`, `administrator`, `left`, `kicked`); `can_delete_messages` applies to an administrator.
pub fn my_chat_member(
    chat: i64,
    by: &TgUser,
    old_status: &str,
    new_status: &str,
    can_delete_messages: bool,
) -> Value {
    fill(
        MY_CHAT_MEMBER,
        &[
            ("chat", group_chat(chat)),
            ("from", by.json()),
            ("date", json!(now())),
            (
                "old_chat_member",
                bot_member(old_status, can_delete_messages),
            ),
            (
                "new_chat_member",
                bot_member(new_status, can_delete_messages),
            ),
        ],
    )
}
