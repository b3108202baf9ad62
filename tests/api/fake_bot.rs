//! A fake Telegram Bot API server for end-to-end tests.
//!
//! [`FakeBotApi::start`] binds `127.0.0.1:0` and serves `GET|POST /bot<token>/<method>` the way
//! `api.telegram.org` does (method names case-insensitive; parameters as JSON, urlencoded form, multipart or query
//! string). Point the app at [`FakeBotApi::url`] (teloxide's `TELOXIDE_API_URL` convention: requests go to
//! `{base}bot{token}/{method}`).
//!
//! What it does:
//! - answers like the real Bot API (`{"ok":true,"result":…}` / `{"ok":false,"error_code":…,"description":…}`),
//!   with results teloxide 0.17 deserializes (`Me`, `Message`, `ChatFullInfo`, `ChatMember`, …);
//! - `getUpdates` long-polls: returns queued updates at once, otherwise waits up to `timeout` seconds and wakes as
//!   soon as [`FakeBotApi::push_update`] queues one; updates below `offset` are confirmed and dropped
//!   ([`FakeBotApi::confirmed_offset`]); a newer `getUpdates` ends a waiting older one with 409 Conflict, like
//!   Telegram; `allowed_updates` filters what is returned;
//! - records every call ([`Call`]: lowercased method, params as JSON, arrival and answer instants, response) and
//!   every raw request ([`FakeBotApi::raw_bodies`], [`FakeBotApi::find_text`]) so tests can assert that no secret
//!   ever leaves the bot;
//! - injects failures per method, consumed in order ([`FakeBotApi::fail_next`], [`Failure`]);
//! - behaves like Telegram where bots commonly get it wrong: `deleteMessage` of a message already gone or older
//!   than 48 h fails, `deleteMessages` takes 1–100 ids, texts over 4096 (captions over 1024) characters fail,
//!   MarkdownV2/HTML that Telegram would refuse fails with "can't parse entities", a reply to a deleted message
//!   fails unless `allow_sending_without_reply`; opt-in: flood limits ([`FakeBotApi::set_rate_limits`]),
//!   a missing delete right ([`FakeBotApi::set_bot_can_delete`]) and DMs to users who never started the bot
//!   ([`FakeBotApi::require_started`]).
#![allow(dead_code)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::fmt::Write as _;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};
use tokio::sync::Notify;

/// The fake bot's user id.
pub const BOT_ID: i64 = 9000;
/// The fake bot's username (deep links are `https://t.me/frontdesk_test_bot?start=…`).
pub const BOT_USERNAME: &str = "frontdesk_test_bot";
/// The fake bot's first name.
pub const BOT_NAME: &str = "Frontdesk";
/// Message ids the fake assigns to the bot's own messages start here, far from fixture ids.
pub const FIRST_BOT_MESSAGE_ID: i64 = 1_000_000;

/// One recorded Bot API call.
#[derive(Clone, Debug)]
pub struct Call {
    /// Position in arrival order, from 0.
    pub seq: u64,
    /// Method name, lowercased (`sendmessage`, `deletemessages`, `getupdates`, …).
    pub method: String,
    /// All parameters (query string, then JSON / form / multipart body) as one JSON object. Form values that are
    /// JSON (numbers, arrays, objects, booleans) are parsed, except free-text keys (`text`, `caption`, …).
    pub params: Value,
    /// When the request arrived.
    pub at: Instant,
    /// The failure injected into this call ([`FakeBotApi::fail_next`]) or the flood limit that refused it.
    pub injected: Option<Failure>,
    /// When the answer was ready (`None` while in flight, e.g. a long poll or a slow answer).
    pub answered_at: Option<Instant>,
    /// The full JSON answer (`{"ok":…}`), once answered.
    pub response: Option<Value>,
    /// The client went away before the answer (e.g. the app stopped during a long poll); `answered_at` is then
    /// when the fake noticed, and `response` is `None`.
    pub abandoned: bool,
}

impl Call {
    /// One parameter.
    pub fn param(&self, key: &str) -> Option<&Value> {
        self.params.get(key)
    }

    /// `chat_id` as a number (accepts a numeric string, as Telegram does).
    pub fn chat_id(&self) -> Option<i64> {
        self.param("chat_id").and_then(as_i64)
    }

    /// `text` or else `caption`.
    pub fn text(&self) -> Option<&str> {
        self.param("text")
            .or_else(|| self.param("caption"))
            .and_then(Value::as_str)
    }

    /// `message_thread_id`, if given.
    pub fn thread_id(&self) -> Option<i64> {
        self.param("message_thread_id").and_then(as_i64)
    }

    /// The message this call replies to: `reply_parameters.message_id` or legacy `reply_to_message_id`.
    pub fn reply_to(&self) -> Option<i64> {
        self.param("reply_parameters")
            .and_then(|r| r.get("message_id"))
            .or_else(|| self.param("reply_to_message_id"))
            .and_then(as_i64)
    }

    /// `message_id`, or all of `message_ids` (deleteMessages).
    pub fn message_ids(&self) -> Vec<i64> {
        if let Some(ids) = self.param("message_ids").and_then(Value::as_array) {
            return ids.iter().filter_map(as_i64).collect();
        }
        self.param("message_id")
            .and_then(as_i64)
            .into_iter()
            .collect()
    }

    /// The answer said `"ok": true`.
    pub fn is_ok(&self) -> bool {
        self.response
            .as_ref()
            .and_then(|r| r.get("ok"))
            .and_then(Value::as_bool)
            == Some(true)
    }

    /// The answer's `result`, when ok.
    pub fn result(&self) -> Option<&Value> {
        self.response
            .as_ref()
            .filter(|_| self.is_ok())
            .and_then(|r| r.get("result"))
    }

    /// The answer's `error_code`, when not ok.
    pub fn error_code(&self) -> Option<i64> {
        self.response
            .as_ref()
            .and_then(|r| r.get("error_code"))
            .and_then(Value::as_i64)
    }

    /// Time from arrival to answer.
    pub fn latency(&self) -> Option<Duration> {
        self.answered_at.map(|t| t.duration_since(self.at))
    }

    fn short(&self) -> String {
        let mut s = self.method.clone();
        let mut bits = Vec::new();
        if let Some(c) = self.chat_id() {
            bits.push(format!("chat={c}"));
        }
        if self.method == "getupdates"
            && let Some(o) = self.param("offset")
        {
            bits.push(format!("offset={o}"));
        }
        let ids = self.message_ids();
        if !ids.is_empty() && self.method.starts_with("delete") {
            bits.push(format!("ids={ids:?}"));
        }
        if let Some(t) = self.text() {
            let t: String = t.chars().take(40).collect();
            bits.push(format!("text={t:?}"));
        }
        if let Some(f) = &self.injected {
            bits.push(format!("injected={f:?}"));
        }
        if self.abandoned {
            bits.push("abandoned by client".to_owned());
        }
        if let Some(code) = self.error_code() {
            bits.push(format!("error={code}"));
        }
        if !bits.is_empty() {
            let _ = write!(s, "({})", bits.join(", "));
        }
        s
    }
}

/// A failure to inject into the next calls of a method.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Failure {
    /// HTTP 429 `Too Many Requests: retry after N` with `parameters.retry_after = N`.
    TooManyRequests { retry_after: u32 },
    /// HTTP 5xx (e.g. 500 `Internal Server Error`, 502 `Bad Gateway`). Note: teloxide sleeps 10 s after any 5xx.
    ServerError(u16),
    /// HTTP 400 with this description, e.g. `"Bad Request: message can't be deleted"`.
    BadRequest(String),
    /// HTTP 403 with this description, e.g. `"Forbidden: bot was blocked by the user"`.
    Forbidden(String),
    /// Answer correctly, but only after this delay.
    Slow(Duration),
}

/// Opt-in flood limits, checked on message-sending methods (`sendMessage`, `sendPhoto`, `copyMessage`, …).
#[derive(Clone, Debug)]
pub struct RateLimits {
    /// At most this many messages per group/supergroup (chat id < 0) per `per_chat_window`.
    pub per_chat: usize,
    pub per_chat_window: Duration,
    /// At most this many messages in all chats per `global_window`.
    pub global: usize,
    pub global_window: Duration,
}

impl Default for RateLimits {
    /// Telegram's documented limits: 20 messages per minute in a group, 30 messages per second overall.
    fn default() -> Self {
        RateLimits {
            per_chat: 20,
            per_chat_window: Duration::from_secs(60),
            global: 30,
            global_window: Duration::from_secs(1),
        }
    }
}

type Matcher = Box<dyn Fn(&Value) -> bool + Send + Sync>;

struct FailRule {
    remaining: usize,
    failure: Failure,
    matcher: Option<Matcher>,
}

struct Queued {
    id: i64,
    update: Value,
    deliveries: u32,
}

struct Inner {
    calls: Vec<Call>,
    raw: Vec<String>,
    raw_requests: Vec<String>,
    queue: VecDeque<Queued>,
    next_update_id: i64,
    confirmed_offset: i64,
    deliveries: HashMap<i64, u32>,
    allowed_updates: Option<Vec<String>>,
    poll_generation: u64,
    failures: HashMap<String, VecDeque<FailRule>>,
    overrides: HashMap<String, Value>,
    next_message_id: i64,
    messages: HashMap<(i64, i64), Value>,
    chats: HashMap<i64, Value>,
    deleted: Vec<(i64, i64)>,
    deleted_set: HashSet<(i64, i64)>,
    no_delete_right: HashSet<i64>,
    require_started: bool,
    started: HashSet<i64>,
    blocked: HashSet<i64>,
    commands: Value,
    description: String,
    short_description: String,
    rate_limits: Option<RateLimits>,
    sent_log: VecDeque<(Instant, i64)>,
    next_callback_answer: u64,
}

struct Shared {
    inner: Mutex<Inner>,
    changed: Notify,
    closed: AtomicBool,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Inner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

struct ServerGuard {
    shared: Arc<Shared>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for ServerGuard {
    fn drop(&mut self) {
        self.shared.closed.store(true, Ordering::SeqCst);
        self.shared.changed.notify_waiters();
        self.task.abort();
    }
}

/// The fake server. Cheap to clone (a handle); the server stops when the last clone is dropped.
#[derive(Clone)]
pub struct FakeBotApi {
    shared: Arc<Shared>,
    addr: SocketAddr,
    _server: Arc<ServerGuard>,
}

impl FakeBotApi {
    /// Binds `127.0.0.1:0` and starts serving on the current tokio runtime.
    pub async fn start() -> FakeBotApi {
        let shared = Arc::new(Shared {
            inner: Mutex::new(Inner {
                calls: Vec::new(),
                raw: Vec::new(),
                raw_requests: Vec::new(),
                queue: VecDeque::new(),
                next_update_id: 1,
                confirmed_offset: 0,
                deliveries: HashMap::new(),
                allowed_updates: None,
                poll_generation: 0,
                failures: HashMap::new(),
                overrides: HashMap::new(),
                next_message_id: FIRST_BOT_MESSAGE_ID,
                messages: HashMap::new(),
                chats: HashMap::new(),
                deleted: Vec::new(),
                deleted_set: HashSet::new(),
                no_delete_right: HashSet::new(),
                require_started: false,
                started: HashSet::new(),
                blocked: HashSet::new(),
                commands: json!([]),
                description: String::new(),
                short_description: String::new(),
                rate_limits: None,
                sent_log: VecDeque::new(),
                next_callback_answer: 0,
            }),
            changed: Notify::new(),
            closed: AtomicBool::new(false),
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake Bot API: bind 127.0.0.1:0");
        let addr = listener.local_addr().expect("fake Bot API: local addr");
        let app = Router::new().fallback(handle).with_state(shared.clone());
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        FakeBotApi {
            shared: shared.clone(),
            addr,
            _server: Arc::new(ServerGuard { shared, task }),
        }
    }

    /// Base URL, e.g. `http://127.0.0.1:PORT/` (give it to the app as its Bot API URL).
    pub fn url(&self) -> url::Url {
        url::Url::parse(&self.base_url()).expect("fake Bot API url")
    }

    /// Base URL as text, e.g. `http://127.0.0.1:PORT/`.
    pub fn base_url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// The URL of one method for a token: `{base}bot{token}/{method}`.
    pub fn method_url(&self, token: &str, method: &str) -> String {
        format!("http://{}/bot{token}/{method}", self.addr)
    }

    /// The bound address.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The `getMe` answer's result.
    pub fn me() -> Value {
        json!({
            "id": BOT_ID,
            "is_bot": true,
            "first_name": BOT_NAME,
            "username": BOT_USERNAME,
            "can_join_groups": true,
            "can_read_all_group_messages": true,
            "supports_inline_queries": false,
            "can_connect_to_business": false,
            "has_main_web_app": false
        })
    }

    // ---- updates ------------------------------------------------------------------------------------------------

    /// Queues an update for `getUpdates` and wakes a waiting long poll. Assigns `update_id` (incrementing) when
    /// missing; an explicit id is kept (even a duplicate) and later ids continue above it. Returns the id.
    pub fn push_update(&self, mut update: Value) -> i64 {
        let id = {
            let mut inner = self.shared.lock();
            let id = match update.get("update_id").and_then(as_i64) {
                Some(id) => id,
                None => inner.next_update_id,
            };
            inner.next_update_id = inner.next_update_id.max(id + 1);
            if let Some(obj) = update.as_object_mut() {
                obj.insert("update_id".into(), json!(id));
            }
            inner.learn_update(&update);
            inner.queue.push_back(Queued {
                id,
                update,
                deliveries: 0,
            });
            id
        };
        self.shared.changed.notify_waiters();
        id
    }

    /// Queues several updates; returns their ids.
    pub fn push_updates(&self, updates: impl IntoIterator<Item = Value>) -> Vec<i64> {
        updates.into_iter().map(|u| self.push_update(u)).collect()
    }

    /// The highest `offset` any `getUpdates` passed (0 before any). Updates with id < this are confirmed.
    pub fn confirmed_offset(&self) -> i64 {
        self.shared.lock().confirmed_offset
    }

    /// Update `id` has been confirmed (a `getUpdates` passed an offset above it).
    pub fn is_confirmed(&self, update_id: i64) -> bool {
        self.confirmed_offset() > update_id
    }

    /// Updates queued and not yet confirmed.
    pub fn pending_updates(&self) -> usize {
        self.shared.lock().queue.len()
    }

    /// How many times `getUpdates` returned this update (redelivery shows as > 1).
    pub fn deliveries(&self, update_id: i64) -> u32 {
        self.shared
            .lock()
            .deliveries
            .get(&update_id)
            .copied()
            .unwrap_or(0)
    }

    /// Waits until update `update_id` is confirmed (the app processed it and polled past it).
    pub async fn wait_confirmed(&self, update_id: i64, timeout: Duration) -> Result<(), String> {
        self.wait_state(timeout, &format!("update {update_id} confirmed"), |inner| {
            (inner.confirmed_offset > update_id).then_some(())
        })
        .await
    }

    // ---- recording ----------------------------------------------------------------------------------------------

    /// Every call so far, in arrival order.
    pub fn calls(&self) -> Vec<Call> {
        self.shared.lock().calls.clone()
    }

    /// Calls to one method (case-insensitive name).
    pub fn calls_to(&self, method: &str) -> Vec<Call> {
        let m = method.to_ascii_lowercase();
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.method == m)
            .cloned()
            .collect()
    }

    /// Every call except `getUpdates` (what the bot did, not how it polled).
    pub fn actions(&self) -> Vec<Call> {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.method != "getupdates")
            .cloned()
            .collect()
    }

    /// Every raw request body as text (lossy UTF-8), in arrival order.
    pub fn raw_bodies(&self) -> Vec<String> {
        self.shared.lock().raw.clone()
    }

    /// Every raw request as `METHOD /path?query` + newline + body.
    pub fn raw_requests(&self) -> Vec<String> {
        self.shared.lock().raw_requests.clone()
    }

    /// Where `needle` appears in anything the bot sent: raw requests (path, query, body) and decoded params
    /// (percent-encoding and JSON escapes undone). Empty means it never left the bot. Each hit names the call.
    pub fn find_text(&self, needle: &str) -> Vec<String> {
        let inner = self.shared.lock();
        let mut hits = Vec::new();
        for (i, raw) in inner.raw_requests.iter().enumerate() {
            if raw.contains(needle) {
                hits.push(format!(
                    "raw request #{i}: {}",
                    raw.lines().next().unwrap_or("")
                ));
            }
        }
        for c in &inner.calls {
            let mut found = false;
            walk_strings(&c.params, &mut |s| found |= s.contains(needle));
            if found {
                hits.push(format!("params of call #{} {}", c.seq, c.method));
            }
        }
        hits
    }

    /// Every message id deleted so far, per chat, in order (`deleteMessage` and `deleteMessages`).
    pub fn deleted(&self) -> Vec<(i64, i64)> {
        self.shared.lock().deleted.clone()
    }

    /// The message ids deleted in one chat.
    pub fn deleted_in(&self, chat_id: i64) -> HashSet<i64> {
        self.shared
            .lock()
            .deleted
            .iter()
            .filter(|(c, _)| *c == chat_id)
            .map(|(_, m)| *m)
            .collect()
    }

    /// Calls the bot sent to a chat (any method with this `chat_id`), in order.
    pub fn calls_in(&self, chat_id: i64) -> Vec<Call> {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.chat_id() == Some(chat_id))
            .cloned()
            .collect()
    }

    /// Texts of successful `sendMessage` calls to a chat, in order.
    pub fn sent_texts(&self, chat_id: i64) -> Vec<String> {
        self.shared
            .lock()
            .calls
            .iter()
            .filter(|c| c.method == "sendmessage" && c.chat_id() == Some(chat_id) && c.is_ok())
            .filter_map(|c| c.text().map(str::to_owned))
            .collect()
    }

    /// The most calls to `method` (optionally only in one chat) that were in flight at the same moment.
    /// Only answered calls and calls still in flight count; e.g. "at most one deleteMessages in flight per chat".
    pub fn max_in_flight(&self, method: &str, chat_id: Option<i64>) -> usize {
        let m = method.to_ascii_lowercase();
        let inner = self.shared.lock();
        let mut edges: Vec<(Instant, i32)> = Vec::new();
        let far = Instant::now() + Duration::from_secs(3600);
        for c in inner.calls.iter().filter(|c| c.method == m) {
            if chat_id.is_some() && c.chat_id() != chat_id {
                continue;
            }
            edges.push((c.at, 1));
            edges.push((c.answered_at.unwrap_or(far), -1));
        }
        // Ends sort before starts at the same instant.
        edges.sort_by(|a, b| a.0.cmp(&b.0).then(a.1.cmp(&b.1)));
        let (mut cur, mut max) = (0i32, 0i32);
        for (_, d) in edges {
            cur += d;
            max = max.max(cur);
        }
        max as usize
    }

    /// Waits until `pred` holds over all calls so far; returns them. On timeout, the error lists every call.
    pub async fn wait_for<F>(&self, mut pred: F, timeout: Duration) -> Result<Vec<Call>, String>
    where
        F: FnMut(&[Call]) -> bool,
    {
        self.wait_state(timeout, "predicate over calls", |inner| {
            pred(&inner.calls).then(|| inner.calls.clone())
        })
        .await
    }

    /// Waits until at least `n` calls to `method` were answered; returns the calls to `method`.
    pub async fn wait_for_calls(
        &self,
        method: &str,
        n: usize,
        timeout: Duration,
    ) -> Result<Vec<Call>, String> {
        let m = method.to_ascii_lowercase();
        self.wait_state(
            timeout,
            &format!("{n} answered call(s) to {method}"),
            |inner| {
                let calls: Vec<Call> = inner
                    .calls
                    .iter()
                    .filter(|c| c.method == m)
                    .cloned()
                    .collect();
                (calls.iter().filter(|c| c.answered_at.is_some()).count() >= n).then_some(calls)
            },
        )
        .await
    }

    /// Waits `during`, then fails (with the list of calls) if any call to `method` arrived since this was called.
    pub async fn expect_no_call(&self, method: &str, during: Duration) -> Result<(), String> {
        let m = method.to_ascii_lowercase();
        let before = self.shared.lock().calls.len();
        tokio::time::sleep(during).await;
        let inner = self.shared.lock();
        let new: Vec<String> = inner.calls[before..]
            .iter()
            .filter(|c| c.method == m)
            .map(Call::short)
            .collect();
        if new.is_empty() {
            Ok(())
        } else {
            Err(format!(
                "expected no {method} within {during:?}, got: {}",
                new.join("; ")
            ))
        }
    }

    /// A one-line-per-call listing, for assertion messages.
    pub fn dump(&self) -> String {
        dump_calls(&self.shared.lock().calls)
    }

    // ---- failures and behaviour ---------------------------------------------------------------------------------

    /// The next `times` calls to `method` (case-insensitive) fail with `failure`. Rules queue per method and are
    /// consumed in order.
    pub fn fail_next(&self, method: &str, times: usize, failure: Failure) {
        self.add_rule(method, times, failure, None);
    }

    /// Like [`fail_next`](Self::fail_next), but only calls whose params match `pred` count (and fail).
    pub fn fail_next_if(
        &self,
        method: &str,
        times: usize,
        failure: Failure,
        pred: impl Fn(&Value) -> bool + Send + Sync + 'static,
    ) {
        self.add_rule(method, times, failure, Some(Box::new(pred)));
    }

    /// Every call to `method` fails with `failure` until [`clear_failures`](Self::clear_failures).
    pub fn fail_always(&self, method: &str, failure: Failure) {
        self.add_rule(method, usize::MAX, failure, None);
    }

    /// Drops every pending failure rule.
    pub fn clear_failures(&self) {
        self.shared.lock().failures.clear();
    }

    /// Failure rules not yet consumed for `method`, as `(remaining, failure)`.
    pub fn pending_failures(&self, method: &str) -> Vec<(usize, Failure)> {
        let m = method.to_ascii_lowercase();
        self.shared
            .lock()
            .failures
            .get(&m)
            .map(|q| q.iter().map(|r| (r.remaining, r.failure.clone())).collect())
            .unwrap_or_default()
    }

    /// From now on `method` answers `{"ok":true,"result":result}` (until [`clear_result`](Self::clear_result)).
    pub fn set_result(&self, method: &str, result: Value) {
        self.shared
            .lock()
            .overrides
            .insert(method.to_ascii_lowercase(), result);
    }

    /// Removes a [`set_result`](Self::set_result) override.
    pub fn clear_result(&self, method: &str) {
        self.shared
            .lock()
            .overrides
            .remove(&method.to_ascii_lowercase());
    }

    /// Opt-in flood limits (Telegram's: [`RateLimits::default`]); over the limit, a send gets 429 with the
    /// `retry_after` that would let it pass. `None` turns them off (the default).
    pub fn set_rate_limits(&self, limits: Option<RateLimits>) {
        let mut inner = self.shared.lock();
        inner.rate_limits = limits;
        inner.sent_log.clear();
    }

    /// Whether the bot may delete others' messages in `chat_id` (default: yes). Without the right,
    /// `deleteMessage(s)` of others' messages answers 400 "message can't be deleted" and `getChatMember` for the
    /// bot shows an administrator without `can_delete_messages`.
    pub fn set_bot_can_delete(&self, chat_id: i64, can: bool) {
        let mut inner = self.shared.lock();
        if can {
            inner.no_delete_right.remove(&chat_id);
        } else {
            inner.no_delete_right.insert(chat_id);
        }
    }

    /// When on, a message to a private chat whose user never wrote to the bot (no private update pushed, not
    /// [`mark_started`](Self::mark_started)) answers 403 "bot can't initiate conversation with a user".
    pub fn require_started(&self, on: bool) {
        self.shared.lock().require_started = on;
    }

    /// The user has started the bot (may receive DMs under [`require_started`](Self::require_started)).
    pub fn mark_started(&self, user_id: i64) {
        self.shared.lock().started.insert(user_id);
    }

    /// The user blocked the bot: DMs answer 403 "bot was blocked by the user".
    pub fn mark_blocked(&self, user_id: i64) {
        self.shared.lock().blocked.insert(user_id);
    }

    /// The commands the last `setMyCommands` set (default scope), as sent.
    pub fn my_commands(&self) -> Value {
        self.shared.lock().commands.clone()
    }

    // ---- internals ----------------------------------------------------------------------------------------------

    fn add_rule(&self, method: &str, times: usize, failure: Failure, matcher: Option<Matcher>) {
        if times == 0 {
            return;
        }
        self.shared
            .lock()
            .failures
            .entry(method.to_ascii_lowercase())
            .or_default()
            .push_back(FailRule {
                remaining: times,
                failure,
                matcher,
            });
    }

    async fn wait_state<T>(
        &self,
        timeout: Duration,
        what: &str,
        mut check: impl FnMut(&Inner) -> Option<T>,
    ) -> Result<T, String> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.changed.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            {
                let inner = self.shared.lock();
                if let Some(v) = check(&inner) {
                    return Ok(v);
                }
                if tokio::time::Instant::now() >= deadline {
                    return Err(format!(
                        "fake Bot API: timed out after {timeout:?} waiting for {what}; confirmed offset {}, \
                         {} update(s) pending; {} call(s):\n{}",
                        inner.confirmed_offset,
                        inner.queue.len(),
                        inner.calls.len(),
                        dump_calls(&inner.calls)
                    ));
                }
            }
            tokio::select! {
                _ = &mut notified => {}
                _ = tokio::time::sleep_until(deadline) => {}
            }
        }
    }
}

fn dump_calls(calls: &[Call]) -> String {
    let mut out = String::new();
    let mut polls = 0usize;
    for c in calls {
        if c.method == "getupdates"
            && c.result()
                .and_then(Value::as_array)
                .is_some_and(|a| a.is_empty())
        {
            polls += 1;
            continue;
        }
        if polls > 0 {
            let _ = writeln!(out, "  getupdates ×{polls} (empty)");
            polls = 0;
        }
        let _ = writeln!(out, "  #{} {}", c.seq, c.short());
    }
    if polls > 0 {
        let _ = writeln!(out, "  getupdates ×{polls} (empty)");
    }
    out
}

fn walk_strings(v: &Value, f: &mut impl FnMut(&str)) {
    match v {
        Value::String(s) => f(s),
        Value::Array(a) => a.iter().for_each(|x| walk_strings(x, f)),
        Value::Object(o) => o.iter().for_each(|(k, x)| {
            f(k);
            walk_strings(x, f)
        }),
        _ => {}
    }
}

fn as_i64(v: &Value) -> Option<i64> {
    match v {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}

fn now_unix() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

// ---- HTTP ---------------------------------------------------------------------------------------------------------

/// Free-text parameters kept as strings when they arrive as form fields.
const STRING_KEYS: &[&str] = &[
    "text",
    "caption",
    "description",
    "short_description",
    "callback_query_id",
    "inline_message_id",
    "title",
    "name",
    "query",
    "url",
    "emoji",
    "file_name",
    "parse_mode",
    "custom_title",
    "language_code",
    "business_connection_id",
    "message_effect_id",
    "data",
    "secret_token",
    "address",
    "phone_number",
    "first_name",
    "last_name",
];

/// Methods that send a message (counted by flood limits, answered with a Message).
const SEND_METHODS: &[&str] = &[
    "sendmessage",
    "sendphoto",
    "senddocument",
    "sendvideo",
    "sendanimation",
    "sendaudio",
    "sendvoice",
    "sendsticker",
    "sendlocation",
    "sendcontact",
    "senddice",
    "forwardmessage",
    "copymessage",
];

/// Methods answered with `true`.
const TRUE_METHODS: &[&str] = &[
    "deletewebhook",
    "setwebhook",
    "setmydescription",
    "setmyshortdescription",
    "setmyname",
    "deletemycommands",
    "answercallbackquery",
    "sendchataction",
    "pinchatmessage",
    "unpinchatmessage",
    "unpinallchatmessages",
    "leavechat",
    "banchatmember",
    "unbanchatmember",
    "restrictchatmember",
    "promotechatmember",
    "approvechatjoinrequest",
    "declinechatjoinrequest",
    "setchatmenubutton",
    "setmessagereaction",
    "setmydefaultadministratorrights",
    "close",
    "logout",
];

async fn handle(
    State(shared): State<Arc<Shared>>,
    http_method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let path = uri.path().to_owned();
    let Some((token, method_name)) = parse_path(&path) else {
        return reply(
            StatusCode::NOT_FOUND,
            json!({"ok": false, "error_code": 404, "description": "Not Found"}),
        );
    };
    let _ = token;
    let method = method_name.to_ascii_lowercase();
    let content_type = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_owned();
    let params = match parse_params(uri.query(), &content_type, &body) {
        Ok(p) => p,
        Err(e) => Value::Object(Map::from_iter([("__unparsed".to_owned(), json!(e))])),
    };
    let body_text = String::from_utf8_lossy(&body).into_owned();

    // Record, pick the injected failure, check flood limits.
    let (seq, injected) = {
        let mut inner = shared.lock();
        let seq = inner.calls.len() as u64;
        let mut injected = inner.take_failure(&method, &params);
        if injected.is_none() {
            injected = inner.check_rate_limit(&method, &params);
        }
        inner.raw.push(body_text.clone());
        inner.raw_requests.push(format!(
            "{http_method} {}\n{body_text}",
            uri.path_and_query().map(|p| p.as_str()).unwrap_or(&path)
        ));
        inner.calls.push(Call {
            seq,
            method: method.clone(),
            params: params.clone(),
            at: Instant::now(),
            injected: injected.clone(),
            answered_at: None,
            response: None,
            abandoned: false,
        });
        (seq, injected)
    };
    shared.changed.notify_waiters();

    // If the client goes away, hyper drops this future: the guard marks the call abandoned.
    let mut guard = AbandonGuard {
        shared: shared.clone(),
        seq,
        answered: false,
    };
    let (status, response) = match injected {
        Some(Failure::Slow(d)) => {
            tokio::time::sleep(d).await;
            answer(&shared, &method, &params).await
        }
        Some(f) => failure_response(&f),
        None => answer(&shared, &method, &params).await,
    };

    {
        let mut inner = shared.lock();
        if let Some(c) = inner.calls.get_mut(seq as usize) {
            c.answered_at = Some(Instant::now());
            c.response = Some(response.clone());
        }
    }
    guard.answered = true;
    shared.changed.notify_waiters();
    reply(status, response)
}

struct AbandonGuard {
    shared: Arc<Shared>,
    seq: u64,
    answered: bool,
}

impl Drop for AbandonGuard {
    fn drop(&mut self) {
        if self.answered {
            return;
        }
        if let Some(c) = self.shared.lock().calls.get_mut(self.seq as usize) {
            c.answered_at = Some(Instant::now());
            c.abandoned = true;
        }
        self.shared.changed.notify_waiters();
    }
}

fn reply(status: StatusCode, body: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json")],
        body.to_string(),
    )
        .into_response()
}

fn parse_path(path: &str) -> Option<(String, String)> {
    let rest = path.strip_prefix("/bot")?;
    let (token, method) = rest.split_once('/')?;
    if method.is_empty() || method.contains('/') {
        return None;
    }
    Some((token.to_owned(), method.to_owned()))
}

fn ok(result: Value) -> (StatusCode, Value) {
    (StatusCode::OK, json!({"ok": true, "result": result}))
}

fn err(code: u16, description: &str) -> (StatusCode, Value) {
    (
        StatusCode::from_u16(code).unwrap_or(StatusCode::BAD_REQUEST),
        json!({"ok": false, "error_code": code, "description": description}),
    )
}

fn bad_request(description: &str) -> (StatusCode, Value) {
    err(400, &format!("Bad Request: {description}"))
}

fn failure_response(f: &Failure) -> (StatusCode, Value) {
    match f {
        Failure::TooManyRequests { retry_after } => (
            StatusCode::TOO_MANY_REQUESTS,
            json!({
                "ok": false,
                "error_code": 429,
                "description": format!("Too Many Requests: retry after {retry_after}"),
                "parameters": {"retry_after": retry_after}
            }),
        ),
        Failure::ServerError(code) => {
            let description = match code {
                502 => "Bad Gateway",
                503 => "Service Unavailable",
                504 => "Gateway Timeout",
                _ => "Internal Server Error",
            };
            err(*code, description)
        }
        Failure::BadRequest(d) => err(400, d),
        Failure::Forbidden(d) => err(403, d),
        Failure::Slow(_) => unreachable!("Slow is not an error"),
    }
}

fn parse_params(query: Option<&str>, content_type: &str, body: &[u8]) -> Result<Value, String> {
    let mut map = Map::new();
    if let Some(q) = query {
        for (k, v) in url::form_urlencoded::parse(q.as_bytes()) {
            map.insert(k.to_string(), form_value(&k, &v));
        }
    }
    let ct = content_type.to_ascii_lowercase();
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Value::Object(map));
    }
    if ct.starts_with("multipart/form-data") {
        let boundary = content_type
            .split(';')
            .filter_map(|p| p.trim().strip_prefix("boundary="))
            .next()
            .map(|b| b.trim_matches('"').to_owned())
            .ok_or("multipart without boundary")?;
        for (name, value) in parse_multipart(body, &boundary)? {
            map.insert(name, value);
        }
    } else if ct.starts_with("application/x-www-form-urlencoded") {
        for (k, v) in url::form_urlencoded::parse(body) {
            map.insert(k.to_string(), form_value(&k, &v));
        }
    } else {
        // JSON (teloxide sends application/json; be lenient about a missing content type).
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(o)) => map.extend(o),
            Ok(other) => return Err(format!("JSON body is not an object: {other}")),
            Err(e) => return Err(format!("unparseable body ({content_type}): {e}")),
        }
    }
    Ok(Value::Object(map))
}

fn form_value(key: &str, v: &str) -> Value {
    if STRING_KEYS.contains(&key) {
        return Value::String(v.to_owned());
    }
    match serde_json::from_str::<Value>(v) {
        Ok(parsed @ (Value::Number(_) | Value::Array(_) | Value::Object(_) | Value::Bool(_))) => {
            parsed
        }
        _ => Value::String(v.to_owned()),
    }
}

fn parse_multipart(body: &[u8], boundary: &str) -> Result<Vec<(String, Value)>, String> {
    let delim = format!("--{boundary}");
    let d = delim.as_bytes();
    let mut out = Vec::new();
    let mut positions = Vec::new();
    let mut i = 0;
    while i + d.len() <= body.len() {
        if &body[i..i + d.len()] == d {
            positions.push(i);
            i += d.len();
        } else {
            i += 1;
        }
    }
    for w in positions.windows(2) {
        let mut part = &body[w[0] + d.len()..w[1]];
        part = part.strip_prefix(b"\r\n").unwrap_or(part);
        part = part.strip_suffix(b"\r\n").unwrap_or(part);
        let Some(split) = part.windows(4).position(|x| x == b"\r\n\r\n") else {
            continue;
        };
        let head = String::from_utf8_lossy(&part[..split]);
        let content = &part[split + 4..];
        let mut name = None;
        let mut filename = None;
        for line in head.lines() {
            if line.to_ascii_lowercase().starts_with("content-disposition") {
                for attr in line.split(';').map(str::trim) {
                    if let Some(v) = attr.strip_prefix("name=") {
                        name = Some(v.trim_matches('"').to_owned());
                    } else if let Some(v) = attr.strip_prefix("filename=") {
                        filename = Some(v.trim_matches('"').to_owned());
                    }
                }
            }
        }
        let Some(name) = name else { continue };
        let value = match filename {
            Some(f) => json!({"file_name": f, "size": content.len()}),
            None => form_value(&name, &String::from_utf8_lossy(content)),
        };
        out.push((name, value));
    }
    if positions.is_empty() {
        return Err("multipart body without boundary".into());
    }
    Ok(out)
}

// ---- methods ------------------------------------------------------------------------------------------------------

async fn answer(shared: &Arc<Shared>, method: &str, params: &Value) -> (StatusCode, Value) {
    if let Some(e) = params.get("__unparsed").and_then(Value::as_str) {
        return bad_request(&format!("can't parse request: {e}"));
    }
    if let Some(result) = shared.lock().overrides.get(method).cloned() {
        return ok(result);
    }
    if method == "getupdates" {
        return get_updates(shared, params).await;
    }
    let mut inner = shared.lock();
    inner.answer_sync(method, params)
}

async fn get_updates(shared: &Arc<Shared>, params: &Value) -> (StatusCode, Value) {
    let offset = params.get("offset").and_then(as_i64).unwrap_or(0);
    let limit = params
        .get("limit")
        .and_then(as_i64)
        .unwrap_or(100)
        .clamp(1, 100) as usize;
    let timeout = params.get("timeout").and_then(as_i64).unwrap_or(0).max(0) as u64;
    let my_generation = {
        let mut inner = shared.lock();
        match params.get("allowed_updates") {
            Some(Value::Array(a)) if !a.is_empty() => {
                inner.allowed_updates = Some(
                    a.iter()
                        .filter_map(Value::as_str)
                        .map(str::to_owned)
                        .collect(),
                );
            }
            Some(Value::Array(_)) => inner.allowed_updates = None,
            _ => {}
        }
        if offset > 0 {
            inner.queue.retain(|q| q.id >= offset);
            inner.confirmed_offset = inner.confirmed_offset.max(offset);
        } else if offset < 0 {
            let keep = offset.unsigned_abs() as usize;
            let n = inner.queue.len();
            if n > keep {
                inner.queue.drain(..n - keep);
            }
            if let Some(first) = inner.queue.front().map(|q| q.id) {
                inner.confirmed_offset = inner.confirmed_offset.max(first);
            }
        }
        inner.poll_generation += 1;
        inner.poll_generation
    };
    shared.changed.notify_waiters();

    let deadline = tokio::time::Instant::now() + Duration::from_secs(timeout);
    loop {
        let notified = shared.changed.notified();
        tokio::pin!(notified);
        notified.as_mut().enable();
        {
            let mut inner = shared.lock();
            if shared.closed.load(Ordering::SeqCst) {
                return ok(json!([]));
            }
            if inner.poll_generation != my_generation {
                return err(
                    409,
                    "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
                );
            }
            let allowed = inner.allowed_updates.clone();
            let mut out = Vec::new();
            let mut ids = Vec::new();
            for q in inner.queue.iter_mut() {
                if out.len() >= limit {
                    break;
                }
                if !update_allowed(&q.update, allowed.as_deref()) {
                    continue;
                }
                q.deliveries += 1;
                ids.push(q.id);
                out.push(q.update.clone());
            }
            if !out.is_empty() {
                for id in ids {
                    *inner.deliveries.entry(id).or_default() += 1;
                }
                return ok(Value::Array(out));
            }
        }
        if tokio::time::Instant::now() >= deadline {
            return ok(json!([]));
        }
        tokio::select! {
            _ = &mut notified => {}
            _ = tokio::time::sleep_until(deadline) => {}
        }
    }
}

fn update_kind(update: &Value) -> Option<&str> {
    update
        .as_object()?
        .keys()
        .map(String::as_str)
        .find(|k| *k != "update_id")
}

fn update_allowed(update: &Value, allowed: Option<&[String]>) -> bool {
    let Some(kind) = update_kind(update) else {
        return true;
    };
    match allowed {
        Some(list) => list.iter().any(|a| a == kind),
        None => !matches!(
            kind,
            "chat_member" | "message_reaction" | "message_reaction_count"
        ),
    }
}

impl Inner {
    fn take_failure(&mut self, method: &str, params: &Value) -> Option<Failure> {
        let rules = self.failures.get_mut(method)?;
        let idx = rules
            .iter()
            .position(|r| r.matcher.as_ref().is_none_or(|m| m(params)))?;
        let rule = &mut rules[idx];
        let failure = rule.failure.clone();
        if rule.remaining != usize::MAX {
            rule.remaining -= 1;
        }
        if rule.remaining == 0 {
            rules.remove(idx);
        }
        Some(failure)
    }

    fn check_rate_limit(&mut self, method: &str, params: &Value) -> Option<Failure> {
        let limits = self.rate_limits.clone()?;
        if !SEND_METHODS.contains(&method) {
            return None;
        }
        let chat = params.get("chat_id").and_then(as_i64).unwrap_or(0);
        let now = Instant::now();
        let horizon = limits.per_chat_window.max(limits.global_window);
        while self
            .sent_log
            .front()
            .is_some_and(|(t, _)| now.duration_since(*t) > horizon)
        {
            self.sent_log.pop_front();
        }
        let retry = |oldest: Instant, window: Duration| -> u32 {
            let wait = window.saturating_sub(now.duration_since(oldest));
            wait.as_secs_f64().ceil().max(1.0) as u32
        };
        let global: Vec<Instant> = self
            .sent_log
            .iter()
            .filter(|(t, _)| now.duration_since(*t) < limits.global_window)
            .map(|(t, _)| *t)
            .collect();
        if global.len() >= limits.global {
            let oldest = global[global.len() - limits.global];
            return Some(Failure::TooManyRequests {
                retry_after: retry(oldest, limits.global_window),
            });
        }
        if chat < 0 {
            let in_chat: Vec<Instant> = self
                .sent_log
                .iter()
                .filter(|(t, c)| *c == chat && now.duration_since(*t) < limits.per_chat_window)
                .map(|(t, _)| *t)
                .collect();
            if in_chat.len() >= limits.per_chat {
                let oldest = in_chat[in_chat.len() - limits.per_chat];
                return Some(Failure::TooManyRequests {
                    retry_after: retry(oldest, limits.per_chat_window),
                });
            }
        }
        self.sent_log.push_back((now, chat));
        None
    }

    /// Remembers chats, messages and who started the bot from a pushed update.
    fn learn_update(&mut self, update: &Value) {
        for key in ["message", "edited_message"] {
            if let Some(m) = update.get(key) {
                self.learn_message(m);
            }
        }
        if let Some(m) = update.get("callback_query").and_then(|c| c.get("message")) {
            self.learn_message(m);
        }
        if let Some(c) = update.get("my_chat_member").and_then(|m| m.get("chat"))
            && let Some(id) = c.get("id").and_then(as_i64)
        {
            self.chats.insert(id, c.clone());
        }
    }

    fn learn_message(&mut self, m: &Value) {
        let Some(chat) = m.get("chat") else { return };
        let Some(chat_id) = chat.get("id").and_then(as_i64) else {
            return;
        };
        self.chats.insert(chat_id, chat.clone());
        if chat.get("type").and_then(Value::as_str) == Some("private") {
            self.started.insert(chat_id);
        }
        if let Some(id) = m.get("message_id").and_then(as_i64) {
            let mut stored = m.clone();
            if let Some(o) = stored.as_object_mut() {
                o.remove("reply_to_message");
            }
            self.messages.insert((chat_id, id), stored);
        }
    }

    fn chat_object(&self, chat_id: i64) -> Value {
        if let Some(c) = self.chats.get(&chat_id) {
            return c.clone();
        }
        if chat_id > 0 {
            json!({"id": chat_id, "type": "private", "first_name": format!("User {chat_id}")})
        } else {
            json!({"id": chat_id, "type": "supergroup", "title": format!("Test group {chat_id}")})
        }
    }

    fn answer_sync(&mut self, method: &str, params: &Value) -> (StatusCode, Value) {
        if TRUE_METHODS.contains(&method) {
            return match method {
                "setmydescription" => {
                    self.description = str_param(params, "description")
                        .unwrap_or_default()
                        .to_owned();
                    ok(json!(true))
                }
                "setmyshortdescription" => {
                    self.short_description = str_param(params, "short_description")
                        .unwrap_or_default()
                        .to_owned();
                    ok(json!(true))
                }
                "answercallbackquery" => {
                    self.next_callback_answer += 1;
                    if str_param(params, "callback_query_id").is_none() {
                        return bad_request(
                            "query is too old and response timeout expired or query ID is invalid",
                        );
                    }
                    ok(json!(true))
                }
                _ => ok(json!(true)),
            };
        }
        match method {
            "getme" => ok(FakeBotApi::me()),
            "setmycommands" => {
                let Some(cmds) = params.get("commands").and_then(Value::as_array) else {
                    return bad_request("parameter \"commands\" is required");
                };
                for c in cmds {
                    let name = c.get("command").and_then(Value::as_str).unwrap_or("");
                    let desc = c.get("description").and_then(Value::as_str).unwrap_or("");
                    let valid = !name.is_empty()
                        && name.len() <= 32
                        && name
                            .chars()
                            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_');
                    if !valid {
                        return bad_request("BOT_COMMAND_INVALID");
                    }
                    if desc.is_empty() || desc.chars().count() > 256 {
                        return bad_request("BOT_COMMAND_DESCRIPTION_INVALID");
                    }
                }
                if params.get("scope").is_none() && params.get("language_code").is_none() {
                    self.commands = Value::Array(cmds.clone());
                }
                ok(json!(true))
            }
            "getmycommands" => ok(self.commands.clone()),
            "getmydescription" => ok(json!({"description": self.description})),
            "getmyshortdescription" => ok(json!({"short_description": self.short_description})),
            "getmyname" => ok(json!({"name": BOT_NAME})),
            "getwebhookinfo" => ok(
                json!({"url": "", "has_custom_certificate": false, "pending_update_count": self.queue.len()}),
            ),
            "getchat" => {
                let Some(chat_id) = params.get("chat_id").and_then(as_i64) else {
                    return bad_request("chat not found");
                };
                let mut chat = self.chat_object(chat_id);
                if let Some(o) = chat.as_object_mut() {
                    o.insert(
                        "accepted_gift_types".into(),
                        json!({"unlimited_gifts": false, "limited_gifts": false, "unique_gifts": false, "premium_subscription": false}),
                    );
                    o.insert("max_reaction_count".into(), json!(11));
                    o.insert("accent_color_id".into(), json!(0));
                }
                ok(chat)
            }
            "getchatmember" => {
                let (Some(chat_id), Some(user_id)) = (
                    params.get("chat_id").and_then(as_i64),
                    params.get("user_id").and_then(as_i64),
                ) else {
                    return bad_request("chat not found");
                };
                ok(self.chat_member(chat_id, user_id))
            }
            "getchatadministrators" => {
                let Some(chat_id) = params.get("chat_id").and_then(as_i64) else {
                    return bad_request("chat not found");
                };
                ok(json!([self.chat_member(chat_id, BOT_ID)]))
            }
            "getchatmembercount" => ok(json!(42)),
            "deletemessage" => {
                let (Some(chat_id), Some(message_id)) = (
                    params.get("chat_id").and_then(as_i64),
                    params.get("message_id").and_then(as_i64),
                ) else {
                    return bad_request("message identifier is not specified");
                };
                match self.delete(chat_id, message_id) {
                    Ok(()) => ok(json!(true)),
                    Err(e) => bad_request(e),
                }
            }
            "deletemessages" => {
                let Some(chat_id) = params.get("chat_id").and_then(as_i64) else {
                    return bad_request("chat not found");
                };
                let ids: Vec<i64> = params
                    .get("message_ids")
                    .and_then(Value::as_array)
                    .map(|a| a.iter().filter_map(as_i64).collect())
                    .unwrap_or_default();
                if ids.is_empty() {
                    return bad_request("message identifiers are not specified");
                }
                if ids.len() > 100 {
                    return bad_request("too many messages to delete");
                }
                let mut any = false;
                let mut refused = false;
                for id in ids {
                    match self.delete(chat_id, id) {
                        Ok(()) => any = true,
                        Err(e) if e.contains("can't be deleted") => refused = true,
                        Err(_) => {}
                    }
                }
                if refused && !any {
                    return bad_request("message can't be deleted");
                }
                ok(json!(true))
            }
            "editmessagetext" | "editmessagecaption" | "editmessagereplymarkup" => {
                self.edit(method, params)
            }
            "copymessage" => {
                let (status, v) = self.send(method, params);
                if v.get("ok") == Some(&json!(true)) {
                    let id = v["result"]["message_id"].clone();
                    return ok(json!({"message_id": id}));
                }
                (status, v)
            }
            m if SEND_METHODS.contains(&m) => self.send(m, params),
            _ => err(404, "Not Found: method not found"),
        }
    }

    fn chat_member(&self, chat_id: i64, user_id: i64) -> Value {
        if user_id == BOT_ID {
            if chat_id > 0 {
                return json!({"user": bot_user(), "status": "member"});
            }
            let can_delete = !self.no_delete_right.contains(&chat_id);
            return json!({
                "user": bot_user(),
                "status": "administrator",
                "can_be_edited": false,
                "is_anonymous": false,
                "can_manage_chat": true,
                "can_delete_messages": can_delete,
                "can_manage_video_chats": false,
                "can_restrict_members": true,
                "can_promote_members": false,
                "can_change_info": false,
                "can_invite_users": true,
                "can_pin_messages": true,
                "can_manage_topics": false,
                "can_post_stories": false,
                "can_edit_stories": false,
                "can_delete_stories": false
            });
        }
        let user = self
            .messages
            .values()
            .filter_map(|m| m.get("from"))
            .find(|u| u.get("id").and_then(as_i64) == Some(user_id))
            .cloned()
            .unwrap_or_else(
                || json!({"id": user_id, "is_bot": false, "first_name": format!("User {user_id}")}),
            );
        json!({"user": user, "status": "member"})
    }

    fn delete(&mut self, chat_id: i64, message_id: i64) -> Result<(), &'static str> {
        if self.deleted_set.contains(&(chat_id, message_id)) {
            return Err("message to delete not found");
        }
        let known = self.messages.get(&(chat_id, message_id));
        let from_bot = known
            .and_then(|m| m.get("from"))
            .and_then(|f| f.get("id"))
            .and_then(as_i64)
            == Some(BOT_ID);
        if chat_id < 0 && !from_bot && self.no_delete_right.contains(&chat_id) {
            return Err("message can't be deleted");
        }
        if let Some(date) = known.and_then(|m| m.get("date")).and_then(as_i64)
            && now_unix() - date > 48 * 3600
        {
            return Err("message can't be deleted");
        }
        self.deleted_set.insert((chat_id, message_id));
        self.deleted.push((chat_id, message_id));
        Ok(())
    }

    fn edit(&mut self, method: &str, params: &Value) -> (StatusCode, Value) {
        if params.get("inline_message_id").is_some() {
            return ok(json!(true));
        }
        let (Some(chat_id), Some(message_id)) = (
            params.get("chat_id").and_then(as_i64),
            params.get("message_id").and_then(as_i64),
        ) else {
            return bad_request("message identifier is not specified");
        };
        if self.deleted_set.contains(&(chat_id, message_id)) {
            return bad_request("message to edit not found");
        }
        let mut msg = match self.messages.get(&(chat_id, message_id)) {
            Some(m) => m.clone(),
            None => json!({
                "message_id": message_id,
                "from": bot_user(),
                "chat": self.chat_object(chat_id),
                "date": now_unix(),
                "text": ""
            }),
        };
        let o = msg.as_object_mut().expect("message object");
        match method {
            "editmessagetext" => {
                let Some(text) = str_param(params, "text") else {
                    return bad_request("message text is empty");
                };
                if let Err(e) = check_text(text, 4096, params) {
                    return e;
                }
                if o.get("text").and_then(Value::as_str) == Some(text)
                    && params.get("reply_markup") == o.get("reply_markup")
                {
                    return bad_request(
                        "message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message",
                    );
                }
                o.insert("text".into(), json!(text));
            }
            "editmessagecaption" => {
                let caption = str_param(params, "caption").unwrap_or("");
                if let Err(e) = check_text(caption, 1024, params) {
                    return e;
                }
                o.insert("caption".into(), json!(caption));
            }
            _ => {}
        }
        match params.get("reply_markup") {
            Some(rm) if rm.get("inline_keyboard").is_some() => {
                o.insert("reply_markup".into(), rm.clone());
            }
            _ => {
                if method == "editmessagereplymarkup" {
                    o.remove("reply_markup");
                }
            }
        }
        o.insert("edit_date".into(), json!(now_unix()));
        self.messages.insert((chat_id, message_id), msg.clone());
        ok(msg)
    }

    fn send(&mut self, method: &str, params: &Value) -> (StatusCode, Value) {
        let Some(chat_id) = params.get("chat_id").and_then(as_i64) else {
            return bad_request("chat not found");
        };
        if chat_id > 0 {
            if self.blocked.contains(&chat_id) {
                return err(403, "Forbidden: bot was blocked by the user");
            }
            if self.require_started && !self.started.contains(&chat_id) {
                return err(
                    403,
                    "Forbidden: bot can't initiate conversation with a user",
                );
            }
        }
        let mut msg = Map::new();
        let id = self.next_message_id;
        msg.insert("message_id".into(), json!(id));
        if let Some(thread) = params.get("message_thread_id").and_then(as_i64) {
            msg.insert("message_thread_id".into(), json!(thread));
            msg.insert("is_topic_message".into(), json!(true));
        }
        msg.insert("from".into(), bot_user());
        msg.insert("chat".into(), self.chat_object(chat_id));
        msg.insert("date".into(), json!(now_unix()));

        let reply_params = params.get("reply_parameters");
        let reply_to = reply_params
            .and_then(|r| r.get("message_id"))
            .or_else(|| params.get("reply_to_message_id"))
            .and_then(as_i64);
        if let Some(reply_to) = reply_to {
            let reply_chat = reply_params
                .and_then(|r| r.get("chat_id"))
                .and_then(as_i64)
                .unwrap_or(chat_id);
            let allow = reply_params
                .and_then(|r| r.get("allow_sending_without_reply"))
                .or_else(|| params.get("allow_sending_without_reply"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            if self.deleted_set.contains(&(reply_chat, reply_to)) {
                if !allow {
                    return bad_request("message to be replied not found");
                }
            } else {
                let replied = self
                    .messages
                    .get(&(reply_chat, reply_to))
                    .cloned()
                    .unwrap_or_else(|| {
                        json!({
                            "message_id": reply_to,
                            "chat": self.chat_object(reply_chat),
                            "date": now_unix(),
                            "text": ""
                        })
                    });
                msg.insert("reply_to_message".into(), replied);
            }
        }

        match method {
            "sendmessage" => {
                let text = str_param(params, "text").unwrap_or("");
                if text.trim().is_empty() {
                    return bad_request("message text is empty");
                }
                if let Err(e) = check_text(text, 4096, params) {
                    return e;
                }
                msg.insert("text".into(), json!(text));
            }
            "sendphoto" => {
                let caption = str_param(params, "caption");
                if let Err(e) = check_text(caption.unwrap_or(""), 1024, params) {
                    return e;
                }
                msg.insert(
                    "photo".into(),
                    json!([{"file_id": format!("photo{id}"), "file_unique_id": format!("uphoto{id}"), "width": 640, "height": 480, "file_size": 1000}]),
                );
                if let Some(c) = caption {
                    msg.insert("caption".into(), json!(c));
                }
            }
            "senddocument" => {
                let caption = str_param(params, "caption");
                if let Err(e) = check_text(caption.unwrap_or(""), 1024, params) {
                    return e;
                }
                let name = params
                    .get("document")
                    .and_then(|d| d.get("file_name"))
                    .and_then(Value::as_str)
                    .unwrap_or("file.txt");
                msg.insert(
                    "document".into(),
                    json!({"file_id": format!("doc{id}"), "file_unique_id": format!("udoc{id}"), "file_name": name, "file_size": 1000}),
                );
                if let Some(c) = caption {
                    msg.insert("caption".into(), json!(c));
                }
            }
            "forwardmessage" | "copymessage" => {
                let from_chat = params.get("from_chat_id").and_then(as_i64).unwrap_or(0);
                let from_id = params.get("message_id").and_then(as_i64).unwrap_or(0);
                match self.messages.get(&(from_chat, from_id)) {
                    Some(orig) => {
                        for k in ["text", "caption", "photo", "document", "entities"] {
                            if let Some(v) = orig.get(k) {
                                msg.insert(k.into(), v.clone());
                            }
                        }
                    }
                    None => return bad_request("message to forward not found"),
                }
                if !msg.contains_key("text")
                    && !msg.contains_key("caption")
                    && !msg.contains_key("photo")
                {
                    msg.insert("text".into(), json!(""));
                }
            }
            "senddice" => {
                msg.insert("dice".into(), json!({"emoji": "🎲", "value": 4}));
            }
            _ => {
                // Other media: answer as a text-less document so the shape stays a valid Message.
                msg.insert(
                    "document".into(),
                    json!({"file_id": format!("file{id}"), "file_unique_id": format!("ufile{id}"), "file_size": 1000}),
                );
            }
        }
        if let Some(rm) = params
            .get("reply_markup")
            .filter(|rm| rm.get("inline_keyboard").is_some())
        {
            msg.insert("reply_markup".into(), rm.clone());
        }
        self.next_message_id += 1;
        let msg = Value::Object(msg);
        self.messages.insert((chat_id, id), msg.clone());
        ok(msg)
    }
}

fn bot_user() -> Value {
    json!({"id": BOT_ID, "is_bot": true, "first_name": BOT_NAME, "username": BOT_USERNAME})
}

fn str_param<'a>(params: &'a Value, key: &str) -> Option<&'a str> {
    params.get(key).and_then(Value::as_str)
}

/// Length and markup checks Telegram applies to `text` / `caption`.
fn check_text(text: &str, max: usize, params: &Value) -> Result<(), (StatusCode, Value)> {
    let mode = str_param(params, "parse_mode")
        .unwrap_or("")
        .to_ascii_lowercase();
    let visible = match mode.as_str() {
        "markdownv2" => check_markdown_v2(text)
            .map_err(|e| bad_request(&format!("can't parse entities: {e}")))?,
        "html" => {
            check_html(text).map_err(|e| bad_request(&format!("can't parse entities: {e}")))?
        }
        _ => text.chars().count(),
    };
    if visible > max {
        return Err(bad_request(if max == 1024 {
            "message caption is too long"
        } else {
            "message is too long"
        }));
    }
    Ok(())
}

/// MarkdownV2 the way Telegram refuses it: reserved characters outside code and link URLs must be escaped,
/// entities must be closed. Returns the visible length.
fn check_markdown_v2(text: &str) -> Result<usize, String> {
    const RESERVED: &str = "_*[]()~`>#+-=|{}.!";
    let chars: Vec<char> = text.chars().collect();
    let mut visible = 0usize;
    let mut i = 0;
    let mut open: Vec<&'static str> = Vec::new();
    let mut in_code = false;
    let mut in_pre = false;
    let mut in_url = false;
    let mut link_depth = 0usize;
    while i < chars.len() {
        let c = chars[i];
        if c == '\\' {
            if i + 1 >= chars.len() {
                return Err("can't parse MarkdownV2: trailing backslash".into());
            }
            visible += 1;
            i += 2;
            continue;
        }
        if in_pre {
            if chars[i..].starts_with(&['`', '`', '`']) {
                in_pre = false;
                i += 3;
            } else {
                visible += 1;
                i += 1;
            }
            continue;
        }
        if in_code {
            if c == '`' {
                in_code = false;
            } else {
                visible += 1;
            }
            i += 1;
            continue;
        }
        if in_url {
            if c == ')' {
                in_url = false;
            }
            i += 1;
            continue;
        }
        match c {
            '`' if chars[i..].starts_with(&['`', '`', '`']) => {
                in_pre = true;
                i += 3;
                continue;
            }
            '`' => in_code = true,
            '[' => link_depth += 1,
            ']' if link_depth > 0 => {
                link_depth -= 1;
                if chars.get(i + 1) == Some(&'(') {
                    in_url = true;
                    i += 2;
                    continue;
                }
            }
            '*' | '_' | '~' | '|' => {
                let tag: &'static str = match (c, chars.get(i + 1)) {
                    ('_', Some('_')) => "__",
                    ('|', Some('|')) => "||",
                    ('*', _) => "*",
                    ('_', _) => "_",
                    ('~', _) => "~",
                    _ => {
                        return Err(format!(
                            "Character '{c}' is reserved and must be escaped with the preceding '\\'"
                        ));
                    }
                };
                if open.last() == Some(&tag) {
                    open.pop();
                } else {
                    open.push(tag);
                }
                i += tag.len();
                continue;
            }
            '>' if i == 0 || chars[i - 1] == '\n' => {}
            c if RESERVED.contains(c) => {
                return Err(format!(
                    "Character '{c}' is reserved and must be escaped with the preceding '\\'"
                ));
            }
            _ => visible += 1,
        }
        i += 1;
    }
    if in_code || in_pre || in_url || link_depth > 0 || !open.is_empty() {
        return Err("can't find end of the entity".into());
    }
    Ok(visible)
}

/// HTML the way Telegram refuses it: only its tags, balanced; `<`, `>` and `&` in text must be escaped.
fn check_html(text: &str) -> Result<usize, String> {
    const TAGS: &[&str] = &[
        "b",
        "strong",
        "i",
        "em",
        "u",
        "ins",
        "s",
        "strike",
        "del",
        "span",
        "tg-spoiler",
        "a",
        "code",
        "pre",
        "blockquote",
        "tg-emoji",
    ];
    let mut stack: Vec<String> = Vec::new();
    let mut visible = 0usize;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        match c {
            '<' => {
                let end = rest.find('>').ok_or("Unclosed start tag")?;
                let inner = &rest[1..end];
                if let Some(name) = inner.strip_prefix('/') {
                    let name = name.trim().to_ascii_lowercase();
                    match stack.pop() {
                        Some(open) if open == name => {}
                        _ => {
                            return Err(format!(
                                "Unmatched end tag at byte offset {}, expected \"</{name}>\"",
                                text.len() - rest.len()
                            ));
                        }
                    }
                } else {
                    let name = inner
                        .split(|ch: char| ch.is_whitespace())
                        .next()
                        .unwrap_or("")
                        .to_ascii_lowercase();
                    if !TAGS.contains(&name.as_str()) {
                        return Err(format!(
                            "Unsupported start tag \"{name}\" at byte offset {}",
                            text.len() - rest.len()
                        ));
                    }
                    stack.push(name);
                }
                rest = &rest[end + 1..];
            }
            '&' => {
                let end = rest.find(';').filter(|e| *e <= 10).ok_or_else(|| {
                    format!(
                        "Character entity expected at byte offset {}",
                        text.len() - rest.len()
                    )
                })?;
                let ent = &rest[1..end];
                let known = matches!(ent, "lt" | "gt" | "amp" | "quot")
                    || ent.strip_prefix('#').is_some_and(|n| {
                        n.parse::<u32>().is_ok()
                            || n.strip_prefix(['x', 'X'])
                                .is_some_and(|h| u32::from_str_radix(h, 16).is_ok())
                    });
                if !known {
                    return Err(format!("Unsupported HTML entity \"&{ent};\""));
                }
                visible += 1;
                rest = &rest[end + 1..];
            }
            '>' => {
                visible += 1;
                rest = &rest[1..];
            }
            _ => {
                visible += 1;
                rest = &rest[c.len_utf8()..];
            }
        }
    }
    if let Some(open) = stack.pop() {
        return Err(format!(
            "Can't find end tag corresponding to start tag \"{open}\""
        ));
    }
    Ok(visible)
}
