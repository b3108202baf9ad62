//! Acting on a decision: one message in, store writes and outbox actions out, in one transaction.
//!
//! The flow is the design's one-way pipe: normalize → guard → classify → plan → record. Nothing here calls
//! Telegram: every effect is an outbox row, so a crash after the commit loses nothing and a crash before it means
//! Telegram redelivers the update (the polling offset is confirmed only after this returns).

mod casework;
mod rights;
pub mod texts;

use std::sync::{Arc, Mutex, RwLock};

use serde_json::{Value, json};
use sqlx::AnyConnection;

use crate::classify::{self, Action};
use crate::config::{Config, Mode};
use crate::domain::{ChatKind, Clock, Confidence, Finding, Incoming, Language, SecretKind};
use crate::guard::{self, SplitWindow};

use crate::library::Library;
use crate::outbox::Outbox;
use crate::store::records::{self, Outcome, QuestionRecord};
use crate::store::{NewAction, Priority, Store, StoreError, outbox};
use crate::text;

/// Why handling a message failed (the update is then not confirmed, and Telegram redelivers it).
#[derive(Debug, thiserror::Error)]
pub enum ActError {
    /// The database refused.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// A transaction step failed.
    #[error("database transaction failed: {0}")]
    Tx(#[from] sqlx::Error),
}

/// Everything needed to act on messages.
pub struct Actor {
    /// Database.
    pub store: Store,
    /// Configuration.
    pub config: Arc<Config>,
    /// Reply library.
    library: RwLock<Arc<Library>>,
    /// Wakes the sender.
    pub outbox: Outbox,
    /// Time.
    pub clock: Arc<dyn Clock>,
    /// The bot's @username (deep links).
    pub bot_username: String,
    split: Mutex<SplitWindow>,
    patterns: crate::cases::EvidencePatterns,
}

/// Stored instead of the text of a message the guard flagged, even when only borderline.
pub const WITHHELD: &str = "[withheld: the guard flagged this message]";

/// What a message is going to cause, before it is recorded.
#[derive(Default)]
struct Plan {
    actions: Vec<NewAction>,
    incidents: Vec<(Finding, &'static str)>,
    question: Option<(Option<String>, Option<u8>, Outcome)>,
}

impl Actor {
    /// An actor over the given parts.
    pub fn new(
        store: Store,
        config: Arc<Config>,
        library: Arc<Library>,
        outbox: Outbox,
        clock: Arc<dyn Clock>,
        bot_username: String,
    ) -> Self {
        let split = SplitWindow::new(
            config.guard.split_window_secs,
            config.guard.split_max_messages,
        );
        // Config::parse already compiled these patterns, so this cannot fail on a loaded config.
        let patterns = crate::cases::EvidencePatterns::from_config(
            &config.cases.order_patterns,
            &config.cases.ticket_patterns,
        )
        .unwrap_or_default();
        Actor {
            store,
            config,
            library: RwLock::new(library),
            outbox,
            clock,
            bot_username,
            split: Mutex::new(split),
            patterns,
        }
    }

    /// The reply library in use (a snapshot: a reload never changes it under a message being handled).
    pub fn library(&self) -> Arc<Library> {
        self.library.read().expect("library lock").clone()
    }

    /// Swaps in a new library. Callers load and `check` it first: a broken library never replaces a working one.
    pub fn replace_library(&self, library: Library) {
        *self.library.write().expect("library lock") = Arc::new(library);
    }

    /// The fast lane: if the message holds a validated secret, hand its deletion to the sender at once, before
    /// any database work. `handle_message` still records everything (and the row closes without a second call).
    pub fn fast_path(&self, inc: &Incoming) {
        if inc.chat_kind == ChatKind::Group && self.config.mode(inc.chat) == Mode::Shadow {
            return;
        }
        let normalized = text::normalize(&inc.text);
        if self
            .findings(inc, &normalized)
            .iter()
            .any(|f| f.confidence == Confidence::Validated)
        {
            self.outbox.delete_now(inc.chat.0, inc.message.0);
        }
    }

    /// Every guard finding of a message: its text or caption, the quoted text, and what an attachment says.
    fn findings(&self, inc: &Incoming, normalized: &str) -> Vec<Finding> {
        let mut findings = guard::scan_message(&inc.text, normalized);
        if let Some(q) = &inc.quote {
            findings.extend(guard::scan_message(q, &text::normalize(q)));
        }
        if inc.media.is_some() {
            findings.extend(
                guard::scan_attachment(normalized, inc.file_name.as_deref(), inc.media)
                    .into_iter()
                    .filter(|f| f.kind == SecretKind::IdDocument),
            );
        }
        findings
    }

    /// Handles one message or edit. Idempotent: a redelivered update is recognised and does nothing.
    pub async fn handle_message(&self, inc: &Incoming) -> Result<(), ActError> {
        let now = self.clock.now();
        let normalized = text::normalize(&inc.text);
        let findings = self.findings(inc, &normalized);
        let fallback = inc
            .user_language
            .as_deref()
            .and_then(|l| Language::parse(&l[..l.len().min(2)]))
            .unwrap_or_else(|| self.config.language_for(inc.chat));
        let validated: Vec<Finding> = findings
            .iter()
            .filter(|f| f.confidence == Confidence::Validated)
            .cloned()
            .collect();
        // A command ("/help") or a pasted secret (English seed words) says nothing about its writer's language;
        // their Telegram setting does.
        let language = if inc.text.starts_with('/') || !validated.is_empty() {
            fallback
        } else {
            text::detect_language(&normalized).unwrap_or(fallback)
        };
        let mut plan = Plan::default();
        let mut split_ids: Vec<i32> = Vec::new();
        if !validated.is_empty() {
            self.plan_secret(inc, &validated, language, now, &[inc.message.0], &mut plan);
        } else {
            if !findings.is_empty() {
                self.plan_borderline(inc, &findings, now, &mut plan);
            }
            if inc.chat_kind == ChatKind::Group {
                let hit = self.split.lock().expect("split window lock").push(
                    inc.chat.0,
                    inc.user.0,
                    inc.message.0,
                    now,
                    &normalized,
                );
                if let Some(hit) = hit {
                    split_ids = hit.message_ids.clone();
                    self.plan_secret(
                        inc,
                        &hit.findings,
                        language,
                        now,
                        &hit.message_ids,
                        &mut plan,
                    );
                }
            }
        }
        // A message that is (part of) a secret gets nothing else: no answer, no case, no evidence.
        let secret_handled = !validated.is_empty() || !split_ids.is_empty();
        let mut tx = self.store.pool().begin().await?;
        let edit = inc.edit_date.unwrap_or(0);
        if !records::claim_message(
            &mut tx,
            inc.chat.0,
            inc.message.0 as i64,
            edit,
            inc.update_id,
            now,
        )
        .await?
        {
            tracing::debug!(
                chat = inc.chat.0,
                message = inc.message.0,
                "duplicate delivery ignored"
            );
            return Ok(());
        }
        let wallet_at_risk = validated
            .iter()
            .any(|f| matches!(f.kind, SecretKind::SeedPhrase | SecretKind::PrivateKey));
        if wallet_at_risk
            && inc.chat_kind == ChatKind::Group
            && self.config.mode(inc.chat) == Mode::Active
        {
            self.offer_wallet_case(&mut tx, inc, language, now, &mut plan)
                .await?;
        }
        if !secret_handled {
            match inc.chat_kind {
                ChatKind::Group => {
                    self.plan_group(&mut tx, inc, &normalized, language, now, &mut plan)
                        .await?
                }
                ChatKind::Private => {
                    let flagged = !plan.incidents.is_empty();
                    self.plan_private(&mut tx, inc, &normalized, flagged, language, now, &mut plan)
                        .await?
                }
            }
        }
        if inc.chat_kind == ChatKind::Group && !records::has_started(&mut tx, inc.user.0).await? {
            // Telegram refuses a first message to someone who never started the bot.
            plan.actions
                .retain(|a| !a.dedupe_key.starts_with("safety:"));
        }
        self.record(&mut tx, inc, &normalized, language, now, plan)
            .await?;
        tx.commit().await?;
        self.outbox.wake();
        Ok(())
    }

    async fn record(
        &self,
        tx: &mut AnyConnection,
        inc: &Incoming,
        normalized: &str,
        language: Language,
        now: i64,
        plan: Plan,
    ) -> Result<(), ActError> {
        for a in &plan.actions {
            outbox::enqueue(tx, a, now).await?;
        }
        for (f, action) in &plan.incidents {
            records::record_incident(
                tx,
                inc.chat.0,
                inc.user.0,
                inc.message.0 as i64,
                f,
                action,
                now,
            )
            .await?;
            tracing::info!(
                chat = inc.chat.0,
                user = inc.user.0,
                kind = f.kind.code(),
                rule = f.rule,
                action,
                "guard finding"
            );
        }
        if let Some((intent, tier, outcome)) = plan.question {
            let q = QuestionRecord {
                chat_id: inc.chat.0,
                user_id: inc.user.0,
                message_id: inc.message.0 as i64,
                intent: intent.as_deref(),
                tier,
                language: language.code(),
                outcome,
                created_at: now,
                // Even a borderline finding keeps the words out of the database.
                text: if plan.incidents.is_empty() {
                    normalized
                } else {
                    WITHHELD
                },
            };
            records::record_question(tx, &q).await?;
        }
        Ok(())
    }

    /// A validated secret: delete, notice, safety DM, moderator alert, incident (or only the alert in shadow mode).
    fn plan_secret(
        &self,
        inc: &Incoming,
        found: &[Finding],
        lang: Language,
        now: i64,
        ids: &[i32],
        plan: &mut Plan,
    ) {
        let kind = found
            .iter()
            .map(|f| f.kind)
            .min()
            .unwrap_or(SecretKind::Password);
        let shadow = inc.chat_kind == ChatKind::Group && self.config.mode(inc.chat) == Mode::Shadow;
        let action = if shadow { "shadow" } else { "deleted" };
        for f in found {
            plan.incidents.push((f.clone(), action));
        }
        let chat = inc.chat.0;
        let key = format!("{chat}:{}:{}", inc.message.0, inc.edit_date.unwrap_or(0));
        if !shadow {
            for id in ids {
                plan.actions.push(NewAction {
                    priority: Priority::Delete,
                    chat_id: chat,
                    method: "deleteMessages",
                    payload: json!({"chat_id": chat, "message_ids": [id]}),
                    dedupe_key: format!("delete:{chat}:{id}"),
                    not_before: now,
                    delete_after: None,
                });
            }
            match inc.chat_kind {
                ChatKind::Group => {
                    let mut notice = self.message(
                        chat,
                        inc.thread_id,
                        None,
                        texts::group_notice(kind, lang, &inc.user_name),
                    );
                    if matches!(kind, SecretKind::SeedPhrase | SecretKind::PrivateKey) {
                        let t = notice["text"].as_str().unwrap_or("").to_string();
                        notice["text"] =
                            Value::String(format!("{t}\n{}", texts::wallet_advice(lang)));
                    }
                    plan.actions.push(NewAction {
                        priority: Priority::GroupReply,
                        chat_id: chat,
                        method: "sendMessage",
                        payload: notice,
                        dedupe_key: format!("notice:{key}"),
                        not_before: now,
                        delete_after: Some(self.config.guard.notice_ttl_secs),
                    });
                    // The member may not have started the bot; Telegram then refuses the DM and nothing is lost.
                    plan.actions.push(NewAction {
                        priority: Priority::Direct,
                        chat_id: inc.user.0,
                        method: "sendMessage",
                        payload: self.message(inc.user.0, None, None, texts::safety_dm(kind, lang)),
                        dedupe_key: format!("safety:{key}"),
                        not_before: now,
                        delete_after: None,
                    });
                }
                ChatKind::Private => {
                    plan.actions.push(NewAction {
                        priority: Priority::Direct,
                        chat_id: chat,
                        method: "sendMessage",
                        payload: self.message(chat, None, None, texts::private_deleted(kind, lang)),
                        dedupe_key: format!("private-deleted:{key}"),
                        not_before: now,
                        delete_after: None,
                    });
                    return;
                }
            }
        }
        let kinds: Vec<&str> = {
            let mut k: Vec<&str> = found.iter().map(|f| f.kind.code()).collect();
            k.sort();
            k.dedup();
            k
        };
        let verb = if shadow {
            "[shadow] would have deleted"
        } else {
            "deleted"
        };
        let alert = format!(
            "🛡 frontdesk {verb} {} message(s) in {} from {} (id {}): {}. Time: {} UTC. {}",
            ids.len(),
            self.chat_label(inc),
            inc.user_name,
            inc.user.0,
            kinds.join(", "),
            format_time(now),
            self.message_link(inc).unwrap_or_default()
        );
        self.alert_moderators(&alert, &format!("secret:{key}"), now, plan);
    }

    /// Borderline findings: the message stays, moderators take a look.
    fn plan_borderline(&self, inc: &Incoming, found: &[Finding], now: i64, plan: &mut Plan) {
        for f in found {
            plan.incidents.push((f.clone(), "alerted"));
        }
        let mut kinds: Vec<&str> = found.iter().map(|f| f.kind.code()).collect();
        kinds.dedup();
        let alert = format!(
            "👀 frontdesk: a message in {} from {} (id {}) may hold {} (not certain, not deleted). Please check: {}",
            self.chat_label(inc),
            inc.user_name,
            inc.user.0,
            kinds.join(", "),
            self.message_link(inc).unwrap_or_default()
        );
        let key = format!(
            "{}:{}:{}",
            inc.chat.0,
            inc.message.0,
            inc.edit_date.unwrap_or(0)
        );
        self.alert_moderators(&alert, &format!("borderline:{key}"), now, plan);
    }

    async fn plan_group(
        &self,
        tx: &mut AnyConnection,
        inc: &Incoming,
        normalized: &str,
        lang: Language,
        now: i64,
        plan: &mut Plan,
    ) -> Result<(), ActError> {
        if self.config.is_agent(inc.user) || self.config.is_moderator(inc.user) {
            return Ok(());
        }
        let shadow = self.config.mode(inc.chat) == Mode::Shadow;
        let lib = self.library();
        let entry_index = classify::best_entry(&lib, normalized);
        let action = match entry_index {
            Some(i) => match lib.entry(i).tier {
                crate::domain::Tier::One => Action::Answer(i),
                t => Action::Handoff(i, t),
            },
            None => Action::Ignore,
        };
        let key = format!(
            "{}:{}:{}",
            inc.chat.0,
            inc.message.0,
            inc.edit_date.unwrap_or(0)
        );
        match action {
            Action::Answer(i) => {
                let entry = lib.entry(i);
                let since = now - self.config.cooldown_secs;
                let earlier = records::last_answer(tx, inc.chat.0, &entry.id, since).await?;
                let (text, outcome) = match earlier {
                    Some(mid) => (
                        texts::pointer(lang, self.link_to(inc, mid as i32).as_deref()),
                        Outcome::Pointer,
                    ),
                    None => (
                        lib.render(entry, lang, &self.config.links_for(inc.chat)),
                        Outcome::Answered,
                    ),
                };
                if shadow {
                    let alert = format!(
                        "[shadow] frontdesk would have answered {} in {}: {}",
                        entry.id,
                        self.chat_label(inc),
                        self.message_link(inc).unwrap_or_default()
                    );
                    self.alert_moderators(&alert, &format!("shadow:{key}"), now, plan);
                    plan.question = Some((Some(entry.id.clone()), Some(1), Outcome::Shadow));
                } else {
                    plan.actions.push(NewAction {
                        priority: Priority::GroupReply,
                        chat_id: inc.chat.0,
                        method: "sendMessage",
                        payload: self.message(inc.chat.0, inc.thread_id, Some(inc.message.0), text),
                        dedupe_key: format!("answer:{key}"),
                        not_before: now,
                        delete_after: None,
                    });
                    plan.question = Some((Some(entry.id.clone()), Some(1), outcome));
                }
            }
            Action::Handoff(i, tier) => {
                self.plan_handoff(
                    tx,
                    inc,
                    lib.entry(i).id.clone(),
                    tier,
                    lang,
                    shadow,
                    now,
                    plan,
                )
                .await?;
            }
            Action::Delete | Action::Ignore => {
                if classify::is_question(normalized) {
                    plan.question = Some((None, None, Outcome::Unmatched));
                }
            }
        }
        Ok(())
    }

    /// Queues the same alert to every moderator.
    fn alert_moderators(&self, text: &str, key: &str, now: i64, plan: &mut Plan) {
        for m in &self.config.moderators {
            plan.actions.push(NewAction {
                priority: Priority::Alert,
                chat_id: m.0,
                method: "sendMessage",
                payload: json!({"chat_id": m.0, "text": text, "link_preview_options": {"is_disabled": true}}),
                dedupe_key: format!("alert:{key}:{}", m.0),
                not_before: now,
                delete_after: None,
            });
        }
    }

    /// sendMessage parameters: replying to the question when given, in its forum topic.
    fn message(
        &self,
        chat: i64,
        thread: Option<i32>,
        reply_to: Option<i32>,
        text: String,
    ) -> Value {
        let mut p =
            json!({"chat_id": chat, "text": text, "link_preview_options": {"is_disabled": true}});
        if let Some(t) = thread {
            p["message_thread_id"] = json!(t);
        }
        if let Some(r) = reply_to {
            p["reply_parameters"] = json!({"message_id": r, "allow_sending_without_reply": true});
        }
        p
    }

    fn chat_label(&self, inc: &Incoming) -> String {
        match (&inc.chat_title, &inc.chat_username) {
            (Some(t), _) => format!("\"{t}\" ({})", inc.chat.0),
            (None, Some(u)) => format!("@{u} ({})", inc.chat.0),
            _ => inc.chat.0.to_string(),
        }
    }

    fn message_link(&self, inc: &Incoming) -> Option<String> {
        self.link_to(inc, inc.message.0)
    }

    /// A t.me link to a message of the same chat (public username, or the /c/ form for supergroups).
    fn link_to(&self, inc: &Incoming, message: i32) -> Option<String> {
        message_link(inc.chat.0, inc.chat_username.as_deref(), message)
    }
}

/// A t.me link to a group message, when one can be formed.
pub fn message_link(chat: i64, username: Option<&str>, message: i32) -> Option<String> {
    if let Some(u) = username {
        return Some(format!("https://t.me/{u}/{message}"));
    }
    let s = chat.to_string();
    s.strip_prefix("-100")
        .map(|internal| format!("https://t.me/c/{internal}/{message}"))
}

/// `YYYY-MM-DD HH:MM` in UTC, without a date crate.
pub fn format_time(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    let secs = unix.rem_euclid(86_400);
    // Civil-from-days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{y:04}-{m:02}-{d:02} {:02}:{:02}",
        secs / 3600,
        secs % 3600 / 60
    )
}

impl Actor {
    /// An inline-button press: answer it (so the client stops spinning) and act on its data.
    pub async fn handle_callback(
        &self,
        user: i64,
        query_id: String,
        data: String,
    ) -> Result<(), ActError> {
        let now = self.clock.now();
        let mut tx = self.store.pool().begin().await?;
        let answer = NewAction {
            priority: Priority::Direct,
            chat_id: user,
            method: "answerCallbackQuery",
            payload: json!({"callback_query_id": query_id}),
            dedupe_key: format!("callback:{query_id}"),
            not_before: now,
            delete_after: None,
        };
        if !outbox::enqueue(&mut tx, &answer, now).await? {
            return Ok(()); // redelivered
        }
        if let Some(text) = self.plan_callback(&mut tx, user, &data, now).await? {
            let reply = NewAction {
                priority: Priority::Direct,
                chat_id: user,
                method: "sendMessage",
                payload: json!({"chat_id": user, "text": text}),
                dedupe_key: format!("callback-reply:{query_id}"),
                not_before: now,
                delete_after: None,
            };
            outbox::enqueue(&mut tx, &reply, now).await?;
        }
        tx.commit().await?;
        self.outbox.wake();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_utc_times() {
        assert_eq!(format_time(0), "1970-01-01 00:00");
        assert_eq!(format_time(1_796_313_600), "2026-12-03 16:00");
    }

    #[test]
    fn message_links() {
        assert_eq!(
            message_link(-1001234, None, 5).as_deref(),
            Some("https://t.me/c/1234/5")
        );
        assert_eq!(
            message_link(-5, Some("grp"), 5).as_deref(),
            Some("https://t.me/grp/5")
        );
        assert_eq!(message_link(-5, None, 5), None);
    }
}
