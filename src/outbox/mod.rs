//! The sender: drains the outbox table into the Bot API.
//!
//! - Priorities: deletions first, then moderator alerts, private messages, group replies, housekeeping.
//! - Batching: due deletions of one chat go out as one `deleteMessages` call (up to 100 ids); at most one call
//!   per chat and lane is in flight, and ids that arrive meanwhile join the next call.
//! - Limits: about 20 messages a minute per group and 30 calls a second overall; a 429 blocks that chat (or all)
//!   for `retry_after`.
//! - Failures: 429 and transient errors are retried with backoff; a permanent refusal is recorded and never
//!   retried. A failed deletion tells moderators which chat needs which right.
//! - Durability: rows stay pending until answered, so a restart resends what was not confirmed.
//! - Fast lane: a deletion is also handed over in memory ([`Outbox::delete_now`]) the moment the guard sees the
//!   secret, before its row is even written, and sent at once. Its row then finds the ids already deleted and is
//!   closed without a second call; after a crash the row sends again, which `deleteMessages` shrugs off.

mod api;
mod limits;

pub use api::{ApiError, BotApi};
pub use limits::{Kind, Limits};

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use serde_json::{Value, json};
use std::sync::Mutex;

use tokio::sync::{Notify, mpsc};
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

use crate::config::OutboxConfig;
use crate::domain::Clock;
use crate::store::{NewAction, OutboxRow, Priority, Store};

/// Fast-lane deletions: (chat, message).
type UrgentRx = mpsc::UnboundedReceiver<(i64, i32)>;

/// The handle the rest of the app uses to reach the sender.
#[derive(Clone, Debug)]
pub struct Outbox {
    notify: Arc<Notify>,
    urgent: mpsc::UnboundedSender<(i64, i32)>,
    urgent_rx: Arc<Mutex<Option<UrgentRx>>>,
    fast: Arc<Mutex<FastSent>>,
}

impl Default for Outbox {
    fn default() -> Self {
        let (tx, rx) = mpsc::unbounded_channel();
        Outbox {
            notify: Arc::default(),
            urgent: tx,
            urgent_rx: Arc::new(Mutex::new(Some(rx))),
            fast: Arc::default(),
        }
    }
}

impl Outbox {
    /// A new handle.
    pub fn new() -> Self {
        Self::default()
    }
    /// Tells the sender there is something new to send.
    pub fn wake(&self) {
        self.notify.notify_one();
    }
    /// Deletes a message right away, ahead of the database (the caller records the row as well).
    pub fn delete_now(&self, chat: i64, message: i32) {
        // Marked pending here, synchronously, so from this moment the sender holds every message to this chat
        // until the deletion is out: a deletion is never overtaken by a reply.
        self.fast
            .lock()
            .expect("fast lane lock")
            .mark_pending(chat, message as i64);
        // A closed channel means the sender stopped; the recorded row still goes out after a restart.
        let _ = self.urgent.send((chat, message));
    }
}

/// Deletions the fast lane already made, so their rows close without a second call.
#[derive(Debug, Default)]
struct FastSent {
    done: HashMap<(i64, i64), Instant>,
    /// Handed to the fast lane and not answered yet: their rows wait, so no chat gets two calls at once.
    pending: HashSet<(i64, i64)>,
    /// Pending ids per chat: while a chat has any, nothing else is sent to it.
    pending_chats: HashMap<i64, usize>,
    /// Chats with a `deleteMessages` call in flight, from either lane: at most one per chat.
    deleting: HashSet<i64>,
}

impl FastSent {
    fn mark_pending(&mut self, chat: i64, id: i64) {
        if self.pending.insert((chat, id)) {
            *self.pending_chats.entry(chat).or_default() += 1;
        }
    }
    fn unmark(&mut self, chat: i64, id: i64) {
        if self.pending.remove(&(chat, id))
            && let Some(n) = self.pending_chats.get_mut(&chat)
        {
            *n -= 1;
            if *n == 0 {
                self.pending_chats.remove(&chat);
            }
        }
    }
    fn holds(&self, chat: i64) -> bool {
        self.pending_chats.contains_key(&chat)
    }
    fn insert(&mut self, chat: i64, ids: &[i64], now: Instant) {
        if self.done.len() > 50_000 {
            self.done
                .retain(|_, t| now.duration_since(*t) < Duration::from_secs(600));
        }
        for id in ids {
            self.unmark(chat, *id);
            self.done.insert((chat, *id), now);
        }
    }
    fn give_up(&mut self, chat: i64, ids: &[i64]) {
        for id in ids {
            self.unmark(chat, *id);
        }
    }
}

/// Gives up on transient failures after this many tries (about an hour of backoff).
const MAX_ATTEMPTS: i64 = 70;
const MAX_IN_FLIGHT: usize = 16;

/// Methods that post a message (and so count against the per-group limit).
fn is_message(method: &str) -> bool {
    matches!(
        method,
        "sendMessage" | "sendPhoto" | "sendDocument" | "copyMessage" | "forwardMessage"
    )
}

/// The sender task.
pub struct Sender {
    store: Store,
    api: BotApi,
    clock: Arc<dyn Clock>,
    outbox: Outbox,
    /// Shared with the fast lane: deletions spend the same per-second budget, and go first.
    limits: Arc<Mutex<Limits>>,
    moderators: Vec<i64>,
}

struct Done {
    rows: Vec<OutboxRow>,
    lane: (i64, bool),
    result: Result<Value, ApiError>,
}

impl Sender {
    /// A sender for a store and an API endpoint.
    pub fn new(
        store: Store,
        api: BotApi,
        clock: Arc<dyn Clock>,
        outbox: Outbox,
        cfg: &OutboxConfig,
        moderators: Vec<i64>,
    ) -> Self {
        Sender {
            store,
            api,
            clock,
            outbox,
            limits: Arc::new(Mutex::new(Limits::new(
                cfg.group_per_minute,
                cfg.global_per_second,
            ))),
            moderators,
        }
    }

    /// Runs until `stop` is cancelled, then waits for calls in flight to be recorded.
    pub async fn run(mut self, stop: CancellationToken) {
        let mut tasks: JoinSet<Done> = JoinSet::new();
        let mut busy_rows: HashSet<i64> = HashSet::new();
        let mut busy_lanes: HashSet<(i64, bool)> = HashSet::new();
        let urgent_rx = self
            .outbox
            .urgent_rx
            .lock()
            .expect("outbox lock")
            .take()
            .expect("one sender per outbox");
        let fast_sent = self.outbox.fast.clone();
        // The fast lane runs as its own task so no database wait of this loop ever delays a deletion.
        let lane = tokio::spawn(fast_lane(
            self.api.clone(),
            urgent_rx,
            fast_sent.clone(),
            self.limits.clone(),
            stop.clone(),
        ));
        loop {
            let mut wake_at = Instant::now() + Duration::from_secs(1);
            if !stop.is_cancelled() {
                match self.store.due(self.clock.now(), 200).await {
                    Ok(rows) => {
                        let rows = self.close_fast_sent(rows, &fast_sent).await;
                        let next = self.dispatch(
                            rows,
                            &mut tasks,
                            &mut busy_rows,
                            &mut busy_lanes,
                            &fast_sent,
                        );
                        if let Some(n) = next {
                            wake_at = wake_at.min(n);
                        }
                    }
                    Err(e) => tracing::error!(error = %e, "outbox: cannot read due actions"),
                }
            }
            if stop.is_cancelled() && tasks.is_empty() {
                let _ = lane.await;
                return;
            }
            tokio::select! {
                Some(done) = tasks.join_next() => {
                    if let Ok(done) = done {
                        for r in &done.rows {
                            busy_rows.remove(&r.id);
                        }
                        busy_lanes.remove(&done.lane);
                        self.settle(done).await;
                    }
                }
                _ = self.outbox.notify.notified() => {}
                _ = tokio::time::sleep_until(wake_at) => {}
                _ = stop.cancelled(), if !stop.is_cancelled() => {}
            }
        }
    }

    /// Closes delete rows whose every id the fast lane already removed; returns the rows still to send.
    async fn close_fast_sent(
        &self,
        rows: Vec<OutboxRow>,
        fast: &Mutex<FastSent>,
    ) -> Vec<OutboxRow> {
        let mut keep = Vec::with_capacity(rows.len());
        let mut closed = Vec::new();
        {
            let fast = fast.lock().expect("fast lane lock");
            for r in rows {
                let ids: Vec<i64> = if r.method == "deleteMessages" {
                    r.payload["message_ids"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .filter_map(Value::as_i64)
                        .collect()
                } else {
                    Vec::new()
                };
                if ids.is_empty() {
                    keep.push(r);
                } else if ids
                    .iter()
                    .all(|id| fast.done.contains_key(&(r.chat_id, *id)))
                {
                    closed.push(r.id);
                } else if !ids
                    .iter()
                    .any(|id| fast.pending.contains(&(r.chat_id, *id)))
                {
                    keep.push(r);
                }
                // else: the fast lane is on it; look again on the next round.
            }
        }
        for id in closed {
            if let Err(e) = self.store.mark_sent(id, self.clock.now(), None).await {
                tracing::error!(error = %e, row = id, "outbox: cannot record a sent action");
            }
        }
        keep
    }

    /// Starts calls for due rows; returns when the next held-back row may go.
    fn dispatch(
        &mut self,
        rows: Vec<OutboxRow>,
        tasks: &mut JoinSet<Done>,
        busy_rows: &mut HashSet<i64>,
        busy_lanes: &mut HashSet<(i64, bool)>,
        fast: &Arc<Mutex<FastSent>>,
    ) -> Option<Instant> {
        let now = Instant::now();
        let mut next: Option<Instant> = None;
        // Deletions of one chat travel together.
        let mut deletes: HashMap<i64, Vec<OutboxRow>> = HashMap::new();
        let mut order: Vec<OutboxRow> = Vec::new();
        for r in rows {
            if busy_rows.contains(&r.id) {
                continue;
            }
            if r.method == "deleteMessages" {
                let list = deletes.entry(r.chat_id).or_default();
                if list.is_empty() {
                    order.push(r.clone());
                }
                list.push(r);
            } else {
                order.push(r);
            }
        }
        for r in order {
            if tasks.len() >= MAX_IN_FLIGHT {
                break;
            }
            let is_delete = r.method == "deleteMessages";
            let lane = (r.chat_id, is_delete);
            if busy_lanes.contains(&lane) {
                continue;
            }
            if !is_delete && fast.lock().expect("fast lane lock").holds(r.chat_id) {
                continue; // a deletion for this chat is on its way: it goes first
            }
            if is_delete
                && fast
                    .lock()
                    .expect("fast lane lock")
                    .deleting
                    .contains(&r.chat_id)
            {
                continue; // the fast lane has a call in flight there
            }
            let kind = if is_delete {
                Kind::Delete
            } else if r.chat_id < 0 && is_message(&r.method) {
                Kind::GroupMessage
            } else {
                Kind::Other
            };
            let mut limits = self.limits.lock().expect("limits lock");
            if let Some(t) = limits.wait_until(r.chat_id, kind, now) {
                next = Some(next.map_or(t, |n| n.min(t)));
                continue;
            }
            limits.record(r.chat_id, kind, now);
            drop(limits);
            if is_delete {
                fast.lock()
                    .expect("fast lane lock")
                    .deleting
                    .insert(r.chat_id);
            }
            let (batch, method, params) = if is_delete {
                let mut batch = deletes.remove(&r.chat_id).unwrap_or_default();
                let mut ids: Vec<Value> = Vec::new();
                let mut taken = Vec::new();
                for row in batch.drain(..) {
                    let these = row.payload["message_ids"]
                        .as_array()
                        .cloned()
                        .unwrap_or_default();
                    if !taken.is_empty() && ids.len() + these.len() > 100 {
                        break;
                    }
                    ids.extend(these);
                    taken.push(row);
                }
                ids.sort_by_key(|v| v.as_i64());
                ids.dedup();
                (
                    taken,
                    "deleteMessages".to_string(),
                    json!({"chat_id": r.chat_id, "message_ids": ids}),
                )
            } else {
                let method = r.method.clone();
                let params = r.payload.clone();
                (vec![r], method, params)
            };
            for row in &batch {
                busy_rows.insert(row.id);
            }
            busy_lanes.insert(lane);
            let api = self.api.clone();
            tracing::debug!(method = %method, chat = lane.0, rows = batch.len(), "outbox: sending");
            let fast = fast.clone();
            tasks.spawn(async move {
                let result = api.call(&method, &params).await;
                if lane.1 {
                    // Freed here, not in the sender loop, which may be busy with the database.
                    fast.lock()
                        .expect("fast lane lock")
                        .deleting
                        .remove(&lane.0);
                }
                Done {
                    rows: batch,
                    lane,
                    result,
                }
            });
        }
        next
    }

    /// Records the outcome of one call.
    async fn settle(&mut self, done: Done) {
        let now = self.clock.now();
        let chat = done.lane.0;
        let is_delete = done.lane.1;
        let outcome = match &done.result {
            Ok(result) => {
                let message_id = result.get("message_id").and_then(Value::as_i64);
                for r in &done.rows {
                    if let Err(e) = self.store.mark_sent(r.id, now, message_id).await {
                        tracing::error!(error = %e, row = r.id, "outbox: cannot record a sent action");
                    }
                }
                return;
            }
            Err(e) => e.clone(),
        };
        match outcome {
            ApiError::RetryAfter(secs) => {
                tracing::warn!(chat, retry_after = secs, "outbox: 429, holding the chat");
                self.limits
                    .lock()
                    .expect("limits lock")
                    .block(Some(chat), Instant::now() + Duration::from_secs(secs));
                for r in &done.rows {
                    let _ = self.store.mark_retry(r.id, now + secs as i64, "429").await;
                }
            }
            ApiError::Transient(msg) => {
                for r in &done.rows {
                    if r.attempts + 1 >= MAX_ATTEMPTS {
                        tracing::error!(row = r.id, error = %msg, "outbox: giving up after repeated transient failures");
                        let _ = self.store.mark_failed(r.id, now, &msg).await;
                    } else {
                        let backoff = (1i64 << r.attempts.min(6)).min(60);
                        tracing::warn!(row = r.id, error = %msg, backoff, "outbox: transient failure, will retry");
                        let _ = self.store.mark_retry(r.id, now + backoff, &msg).await;
                    }
                }
            }
            ApiError::Permanent { code, description } => {
                let msg = format!("{code}: {description}");
                tracing::warn!(chat, method = %done.rows[0].method, error = %msg, "outbox: refused, not retrying");
                for r in &done.rows {
                    let _ = self.store.mark_failed(r.id, now, &msg).await;
                }
                if is_delete
                    && done
                        .rows
                        .iter()
                        .any(|r| r.priority == Priority::Delete as i64)
                {
                    self.alert_delete_failed(chat, &description, now).await;
                }
            }
        }
    }

    /// Tells moderators a chat needs the delete right (or that a message was too old to delete).
    async fn alert_delete_failed(&self, chat: i64, description: &str, now: i64) {
        let lower = description.to_lowercase();
        let why = if lower.contains("rights")
            || lower.contains("not enough")
            || lower.contains("administrator")
        {
            "the bot lacks the \"Delete messages\" admin right there: make it an admin with that right"
        } else if lower.contains("can't be deleted") {
            "Telegram refused (the bot may lack the \"Delete messages\" right, or the message is older than 48 hours)"
        } else {
            "Telegram refused the deletion"
        };
        let text = format!(
            "⚠️ frontdesk could not delete a message in chat {chat}: {why}. Please remove it by hand.\n\
             ⚠️ frontdesk 无法删除群 {chat} 中的一条消息：请检查机器人是否有「删除消息」管理员权限，并手动删除。"
        );
        for m in &self.moderators {
            let a = NewAction {
                priority: Priority::Alert,
                chat_id: *m,
                method: "sendMessage",
                payload: json!({"chat_id": m, "text": text}),
                // One such alert per chat and hour is enough.
                dedupe_key: format!("delete-failed:{chat}:{}:{m}", now / 3600),
                not_before: now,
                delete_after: None,
            };
            if let Err(e) = self.store.enqueue(&a, now).await {
                tracing::error!(error = %e, "outbox: cannot record a moderator alert");
            }
        }
        self.outbox.wake();
    }
}

/// The fast lane: deletions handed over in memory go out at once, one `deleteMessages` call in flight per chat,
/// ids that arrive meanwhile joining the next call. What it deletes is remembered so the recorded rows close
/// without a second call; what fails is left to those rows (retries, moderator alerts).
async fn fast_lane(
    api: BotApi,
    mut rx: mpsc::UnboundedReceiver<(i64, i32)>,
    sent: Arc<Mutex<FastSent>>,
    limits: Arc<Mutex<Limits>>,
    stop: CancellationToken,
) {
    let mut pending: HashMap<i64, Vec<i64>> = HashMap::new();
    let mut busy: HashMap<i64, Instant> = HashMap::new();
    let mut tasks: JoinSet<(i64, Vec<i64>, Result<Value, ApiError>)> = JoinSet::new();
    loop {
        let now = Instant::now();
        let ready: Vec<i64> = pending
            .keys()
            .copied()
            .filter(|c| busy.get(c).is_none_or(|t| *t <= now))
            .collect();
        for chat in ready {
            {
                let mut shared = sent.lock().expect("fast lane lock");
                if shared.deleting.contains(&chat) {
                    // The sender has a deletion in flight there: one call per chat; look again shortly.
                    busy.insert(chat, now + Duration::from_millis(5));
                    continue;
                }
                let mut l = limits.lock().expect("limits lock");
                if let Some(t) = l.wait_until(chat, Kind::Delete, now) {
                    // Over budget: ids keep gathering and go out together when it frees.
                    busy.insert(chat, t);
                    continue;
                }
                l.record(chat, Kind::Delete, now);
                shared.deleting.insert(chat);
            }
            let Some(mut ids) = pending.remove(&chat) else {
                continue;
            };
            ids.sort_unstable();
            ids.dedup();
            if ids.len() > 100 {
                pending.insert(chat, ids.split_off(100));
            }
            // Busy until answered: far in the future, reset when the call returns.
            busy.insert(chat, now + Duration::from_secs(3600));
            let api = api.clone();
            tasks.spawn(async move {
                let result = api
                    .call(
                        "deleteMessages",
                        &json!({"chat_id": chat, "message_ids": ids}),
                    )
                    .await;
                (chat, ids, result)
            });
        }
        let next_free = busy
            .values()
            .copied()
            .filter(|t| *t > now)
            .min()
            .unwrap_or(now + Duration::from_secs(1));
        tokio::select! {
            Some(first) = rx.recv() => {
                for (chat, id) in std::iter::once(first).chain(std::iter::from_fn(|| rx.try_recv().ok())) {
                    pending.entry(chat).or_default().push(id as i64);
                }
            }
            Some(Ok((chat, ids, result))) = tasks.join_next() => {
                busy.remove(&chat);
                sent.lock().expect("fast lane lock").deleting.remove(&chat);
                match result {
                    Ok(_) => sent.lock().expect("fast lane lock").insert(chat, &ids, Instant::now()),
                    Err(ApiError::RetryAfter(secs)) => {
                        let until = Instant::now() + Duration::from_secs(secs);
                        limits.lock().expect("limits lock").block(Some(chat), until);
                        busy.insert(chat, until);
                        pending.entry(chat).or_default().extend(ids);
                    }
                    Err(e) => {
                        tracing::warn!(chat, error = %e, "outbox: fast deletion failed; the recorded rows will retry");
                        sent.lock().expect("fast lane lock").give_up(chat, &ids);
                    }
                }
            }
            _ = tokio::time::sleep_until(next_free), if !pending.is_empty() => {}
            _ = stop.cancelled() => {
                while tasks.join_next().await.is_some() {}
                return;
            }
        }
    }
}
