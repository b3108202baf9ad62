//! The Telegram edge, and the only module that imports teloxide: update → [`Incoming`], the handler tree in one
//! [`schema`], and a polling loop that confirms an update's offset only after its actions are recorded.

use std::sync::Arc;
use std::time::Duration;

use teloxide::dispatching::UpdateHandler;
use teloxide::prelude::*;
use teloxide::types::{
    AllowedUpdate, ChatMemberKind, ChatMemberUpdated, Message, Update, UpdateKind,
};
use tokio_util::sync::CancellationToken;

use crate::act::Actor;
use crate::domain::{self, ChatKind, Incoming, MediaKind};

/// The handler tree: messages and edits go through the pipeline; membership changes check the bot's rights.
pub fn schema() -> UpdateHandler<anyhow::Error> {
    dptree::entry()
        .branch(Update::filter_message().endpoint(on_message))
        .branch(Update::filter_edited_message().endpoint(on_message))
        .branch(Update::filter_my_chat_member().endpoint(on_my_chat_member))
        .branch(Update::filter_callback_query().endpoint(on_callback))
}

async fn on_message(update: Update, msg: Message, actor: Arc<Actor>) -> anyhow::Result<()> {
    let Some(inc) = to_incoming(update.id.0 as i64, &msg) else {
        return Ok(());
    };
    actor.handle_message(&inc).await?;
    Ok(())
}

async fn on_callback(q: CallbackQuery, actor: Arc<Actor>) -> anyhow::Result<()> {
    actor
        .handle_callback(
            q.from.id.0 as i64,
            q.id.0.clone(),
            q.data.clone().unwrap_or_default(),
        )
        .await?;
    Ok(())
}

async fn on_my_chat_member(update: ChatMemberUpdated, actor: Arc<Actor>) -> anyhow::Result<()> {
    if update.chat.is_private() {
        return Ok(());
    }
    let rights = match &update.new_chat_member.kind {
        ChatMemberKind::Owner(_) => domain::BotRights::CanDelete,
        ChatMemberKind::Administrator(a) if a.can_delete_messages => domain::BotRights::CanDelete,
        ChatMemberKind::Administrator(_) => domain::BotRights::AdminWithoutDelete,
        ChatMemberKind::Member(_) | ChatMemberKind::Restricted(_) => domain::BotRights::NotAdmin,
        ChatMemberKind::Left | ChatMemberKind::Banned(_) => domain::BotRights::Removed,
    };
    actor
        .rights_changed(
            update.chat.id.0,
            update.chat.title().map(str::to_string),
            rights,
            update.date.timestamp(),
        )
        .await?;
    Ok(())
}

/// Converts a Telegram message into the core's plain form. Service messages (joins, pins…) give `None`.
pub fn to_incoming(update_id: i64, msg: &Message) -> Option<Incoming> {
    let from = msg.from.as_ref()?;
    if from.is_bot {
        return None;
    }
    let (media, file_id, file_name) = if let Some(p) = msg.photo() {
        (
            Some(MediaKind::Photo),
            p.last().map(|s| s.file.id.0.clone()),
            None,
        )
    } else if let Some(d) = msg.document() {
        (
            Some(MediaKind::Document),
            Some(d.file.id.0.clone()),
            d.file_name.clone(),
        )
    } else if msg.video().is_some()
        || msg.voice().is_some()
        || msg.sticker().is_some()
        || msg.animation().is_some()
    {
        (Some(MediaKind::Other), None, None)
    } else {
        (None, None, None)
    };
    let text = msg.text().or(msg.caption()).unwrap_or("").to_string();
    if text.is_empty() && media.is_none() {
        return None;
    }
    let quote = msg.quote().map(|q| q.text.clone()).or_else(|| {
        msg.reply_to_message()
            .and_then(|r| r.text().or(r.caption()))
            .map(str::to_string)
    });
    Some(Incoming {
        update_id,
        chat: domain::ChatId(msg.chat.id.0),
        chat_kind: if msg.chat.is_private() {
            ChatKind::Private
        } else {
            ChatKind::Group
        },
        chat_username: msg.chat.username().map(str::to_string),
        chat_title: msg.chat.title().map(str::to_string),
        user: domain::UserId(from.id.0 as i64),
        user_name: from.full_name(),
        user_language: from.language_code.clone(),
        message: domain::MessageId(msg.id.0),
        thread_id: if msg.is_topic_message {
            msg.thread_id.map(|t| t.0.0)
        } else {
            None
        },
        date: msg.date.timestamp(),
        edit_date: msg.edit_date().map(|d| d.timestamp()),
        text,
        quote,
        media,
        file_id,
        file_name,
    })
}

/// Long-polls `getUpdates` and runs each update through [`schema`] in order. The offset (Telegram's
/// confirmation) moves past an update only after its handler returned, so a crash or a failing database means
/// redelivery, never loss; handlers are idempotent.
pub async fn poll(bot: Bot, actor: Arc<Actor>, timeout_secs: u32, stop: CancellationToken) {
    let handler = schema();
    let mut offset: i32 = 0;
    let allowed = [
        AllowedUpdate::Message,
        AllowedUpdate::EditedMessage,
        AllowedUpdate::CallbackQuery,
        AllowedUpdate::MyChatMember,
    ];
    while !stop.is_cancelled() {
        let request = bot
            .get_updates()
            .offset(offset)
            .timeout(timeout_secs)
            .allowed_updates(allowed);
        let updates = tokio::select! {
            r = request => r,
            _ = stop.cancelled() => break,
        };
        let updates = match updates {
            Ok(u) => u,
            Err(e) => {
                tracing::warn!(error = %e, "getUpdates failed; retrying");
                tokio::select! {
                    _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                    _ = stop.cancelled() => break,
                }
                continue;
            }
        };
        // Fast lane first: every secret in the batch is on its way to deletion before any update is recorded.
        for update in &updates {
            let msg = match &update.kind {
                UpdateKind::Message(m) | UpdateKind::EditedMessage(m) => m,
                _ => continue,
            };
            if let Some(inc) = to_incoming(update.id.0 as i64, msg) {
                actor.fast_path(&inc);
            }
        }
        for update in updates {
            let id = update.id.0 as i32;
            let deps = dptree::deps![update, actor.clone()];
            let mut failed = false;
            for attempt in 0..3u32 {
                match handler.dispatch(deps.clone()).await {
                    std::ops::ControlFlow::Break(Ok(())) | std::ops::ControlFlow::Continue(_) => {
                        failed = false;
                        break;
                    }
                    std::ops::ControlFlow::Break(Err(e)) => {
                        tracing::error!(update_id = id, attempt, error = %format!("{e:#}"), "handling an update failed");
                        failed = true;
                        tokio::time::sleep(Duration::from_millis(200 * u64::from(attempt + 1)))
                            .await;
                    }
                }
            }
            if failed {
                // Leave the offset on this update: it comes back on the next poll.
                break;
            }
            offset = id + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(v: serde_json::Value) -> Message {
        serde_json::from_value(v).unwrap()
    }

    #[test]
    fn an_edited_captioned_topic_reply_keeps_everything_the_core_needs() {
        let m = message(serde_json::json!({
            "message_id": 42, "date": 1_800_000_000, "edit_date": 1_800_000_060,
            "message_thread_id": 9, "is_topic_message": true,
            "chat": {"id": -1001, "type": "supergroup", "title": "G", "is_forum": true},
            "from": {"id": 5, "is_bot": false, "first_name": "A", "language_code": "en"},
            "photo": [{"file_id": "small", "file_unique_id": "s", "width": 90, "height": 90},
                      {"file_id": "big", "file_unique_id": "b", "width": 900, "height": 900}],
            "caption": "my passport",
            "reply_to_message": {"message_id": 40, "date": 1_800_000_000, "text": "quoted words",
                "chat": {"id": -1001, "type": "supergroup", "title": "G"},
                "from": {"id": 6, "is_bot": false, "first_name": "B"}}
        }));
        let inc = to_incoming(7, &m).unwrap();
        assert_eq!(
            (inc.chat.0, inc.user.0, inc.message.0, inc.thread_id),
            (-1001, 5, 42, Some(9))
        );
        assert_eq!(inc.chat_kind, ChatKind::Group);
        assert_eq!(inc.edit_date, Some(1_800_000_060));
        assert_eq!(inc.text, "my passport");
        assert_eq!(inc.media, Some(MediaKind::Photo));
        assert_eq!(
            inc.file_id.as_deref(),
            Some("big"),
            "the largest size is kept as evidence"
        );
        assert_eq!(inc.quote.as_deref(), Some("quoted words"));
        assert_eq!(inc.user_language.as_deref(), Some("en"));
        assert!(
            !format!("{inc:?}").contains("passport"),
            "Debug hides the text"
        );
    }

    #[test]
    fn bots_and_service_messages_are_skipped() {
        let from_bot = message(serde_json::json!({
            "message_id": 1, "date": 1_800_000_000, "text": "hi",
            "chat": {"id": -1001, "type": "supergroup", "title": "G"},
            "from": {"id": 9, "is_bot": true, "first_name": "Bot"}
        }));
        assert!(to_incoming(1, &from_bot).is_none());
        let pinned = message(serde_json::json!({
            "message_id": 2, "date": 1_800_000_000,
            "chat": {"id": -1001, "type": "supergroup", "title": "G"},
            "from": {"id": 5, "is_bot": false, "first_name": "A"},
            "new_chat_title": "renamed"
        }));
        assert!(to_incoming(2, &pinned).is_none());
    }
}
