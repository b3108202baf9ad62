//! The bot's own standing in a group: tell moderators when it cannot do its job there.

use serde_json::json;

use super::{ActError, Actor};
use crate::domain::BotRights;
use crate::store::{NewAction, Priority, outbox};

impl Actor {
    /// Telegram reported a change of the bot's membership in a group.
    pub async fn rights_changed(
        &self,
        chat: i64,
        title: Option<String>,
        rights: BotRights,
        date: i64,
    ) -> Result<(), ActError> {
        let name = title
            .map(|t| format!("\"{t}\" ({chat})"))
            .unwrap_or_else(|| chat.to_string());
        let text = match rights {
            BotRights::CanDelete => {
                tracing::info!(chat, "bot is admin with the delete right");
                return Ok(());
            }
            BotRights::AdminWithoutDelete => format!(
                "⚠️ frontdesk is an admin in {name} but without the \"Delete messages\" right: it cannot remove secrets there. Please grant it.\n⚠️ frontdesk 在 {name} 是管理员但没有「删除消息」权限，无法删除敏感信息，请授予该权限。"
            ),
            BotRights::NotAdmin => format!(
                "⚠️ frontdesk was added to {name} without admin rights: it cannot see every message or delete secrets. Make it an admin with \"Delete messages\".\n⚠️ frontdesk 在 {name} 不是管理员：无法看到全部消息，也无法删除敏感信息。请设为管理员并授予「删除消息」权限。"
            ),
            BotRights::Removed => format!("ℹ️ frontdesk was removed from {name}."),
        };
        tracing::warn!(chat, ?rights, "bot rights changed");
        let now = self.clock.now();
        let mut conn = self.store.pool().acquire().await?;
        for m in &self.config.moderators {
            let a = NewAction {
                priority: Priority::Alert,
                chat_id: m.0,
                method: "sendMessage",
                payload: json!({"chat_id": m.0, "text": text}),
                dedupe_key: format!("rights:{chat}:{date}:{rights:?}:{}", m.0),
                not_before: now,
                delete_after: None,
            };
            outbox::enqueue(&mut conn, &a, now).await?;
        }
        self.outbox.wake();
        Ok(())
    }
}
