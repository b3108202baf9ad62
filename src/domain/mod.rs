//! Pure types shared by every stage: ids, tiers, languages, findings and decisions.
//!
//! Nothing here talks to Telegram or a database. Types that could carry a member's words hide them from `Debug`,
//! so a stray `tracing::debug!(?incoming)` can never leak a secret into the logs.

use std::fmt;
use std::ops::Range;

use serde::Serialize;

/// A Telegram chat id (groups are negative, private chats equal the user id).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ChatId(pub i64);

/// A Telegram user id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct UserId(pub i64);

/// A message id inside one chat.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct MessageId(pub i32);

impl fmt::Display for ChatId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}
impl fmt::Display for UserId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// The SOP's support tier of a question.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Tier {
    /// Public rules, answered in the group.
    One,
    /// Needs someone to check a status: moved to a private case.
    Two,
    /// Sensitive or abnormal: moved to a private case and moderators alerted.
    Three,
}

/// A tier number outside 1..=3.
#[derive(Debug, thiserror::Error)]
#[error("tier must be 1, 2 or 3, got {0}")]
pub struct BadTier(pub i64);

impl Tier {
    /// Parses the SOP's tier number.
    pub fn parse(n: i64) -> Result<Self, BadTier> {
        match n {
            1 => Ok(Tier::One),
            2 => Ok(Tier::Two),
            3 => Ok(Tier::Three),
            other => Err(BadTier(other)),
        }
    }
    /// The tier number as the SOP writes it.
    pub fn number(self) -> u8 {
        match self {
            Tier::One => 1,
            Tier::Two => 2,
            Tier::Three => 3,
        }
    }
}

/// The two languages the bot answers in.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    /// Chinese (simplified and traditional are both read; answers are written in simplified).
    Zh,
    /// English.
    En,
}

impl Language {
    /// The lowercase code used in config, JSON and the database.
    pub fn code(self) -> &'static str {
        match self {
            Language::Zh => "zh",
            Language::En => "en",
        }
    }
    /// Parses `zh` or `en`.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "zh" => Some(Language::Zh),
            "en" => Some(Language::En),
            _ => None,
        }
    }
}

/// What kind of secret a finding is. The kind is all the bot ever repeats about a secret.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SecretKind {
    /// A BIP39 mnemonic (or a convincing part of one).
    SeedPhrase,
    /// A national ID, HKID, Taiwan ID or passport number.
    IdNumber,
    /// A machine-readable zone of a passport or ID card.
    Mrz,
    /// A one-time or SMS verification code.
    VerificationCode,
    /// A password given with its value.
    Password,
    /// A raw, WIF or extended private key.
    PrivateKey,
    /// A photo or file that says it is an identity document.
    IdDocument,
}

impl SecretKind {
    /// The snake_case name used in JSON, the database and logs.
    pub fn code(self) -> &'static str {
        match self {
            SecretKind::SeedPhrase => "seed_phrase",
            SecretKind::IdNumber => "id_number",
            SecretKind::Mrz => "mrz",
            SecretKind::VerificationCode => "verification_code",
            SecretKind::Password => "password",
            SecretKind::PrivateKey => "private_key",
            SecretKind::IdDocument => "id_document",
        }
    }
    /// Every kind, in a stable order (reports and eval).
    pub const ALL: [SecretKind; 7] = [
        SecretKind::SeedPhrase,
        SecretKind::IdNumber,
        SecretKind::Mrz,
        SecretKind::VerificationCode,
        SecretKind::Password,
        SecretKind::PrivateKey,
        SecretKind::IdDocument,
    ];
    /// Parses the snake_case name.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.code() == s)
    }
}

/// How sure a detector is. Validated findings delete; borderline ones only alert moderators.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Alert moderators, leave the message.
    Borderline,
    /// Checksum, full phrase or context word: delete.
    Validated,
}

/// One thing a detector found. It names where, never what: the span points into the normalized text the
/// caller already holds, and `Debug` prints only kind, rule, span and confidence.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// What kind of secret.
    pub kind: SecretKind,
    /// The detector rule that fired (a stable identifier, e.g. `cn_resident_id`).
    pub rule: &'static str,
    /// Byte range in the normalized text.
    pub span: Range<usize>,
    /// Validated or borderline.
    pub confidence: Confidence,
}

/// Where a message was written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ChatKind {
    /// A one-to-one chat with the bot.
    Private,
    /// A group or supergroup.
    Group,
}

/// What kind of attachment a message carries, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaKind {
    /// A photo.
    Photo,
    /// A document (file).
    Document,
    /// Video, voice, sticker and the rest.
    Other,
}

/// A message as the core sees it, with Telegram's types left at the edge.
#[derive(Clone)]
pub struct Incoming {
    /// Telegram's update id (for idempotency across redelivery).
    pub update_id: i64,
    /// The chat.
    pub chat: ChatId,
    /// Private or group.
    pub chat_kind: ChatKind,
    /// Public @username of the chat, if any (for message links).
    pub chat_username: Option<String>,
    /// Group title, if any.
    pub chat_title: Option<String>,
    /// The sender.
    pub user: UserId,
    /// The sender's display name (for moderator alerts).
    pub user_name: String,
    /// The sender's Telegram language code, if any.
    pub user_language: Option<String>,
    /// The message.
    pub message: MessageId,
    /// Forum topic, kept on every reply.
    pub thread_id: Option<i32>,
    /// Unix seconds the message was sent.
    pub date: i64,
    /// Unix seconds of the edit, when this is an edited message.
    pub edit_date: Option<i64>,
    /// Text or caption.
    pub text: String,
    /// Text of the message this one replies to, or the quoted part (checked by the guard too).
    pub quote: Option<String>,
    /// The attachment, if any.
    pub media: Option<MediaKind>,
    /// Telegram file id of the attachment (kept as evidence in private cases).
    pub file_id: Option<String>,
    /// Original file name of a document.
    pub file_name: Option<String>,
}

impl fmt::Debug for Incoming {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Incoming")
            .field("update_id", &self.update_id)
            .field("chat", &self.chat)
            .field("chat_kind", &self.chat_kind)
            .field("user", &self.user)
            .field("message", &self.message)
            .field("thread_id", &self.thread_id)
            .field("edit_date", &self.edit_date)
            .field("text_len", &self.text.len())
            .field("media", &self.media)
            .finish_non_exhaustive()
    }
}

/// Wall-clock time in unix seconds, behind a trait so tests drive cooldowns, expiry and windows without sleeping.
pub trait Clock: Send + Sync + 'static {
    /// Now, in unix seconds (UTC).
    fn now(&self) -> i64;
}

/// The real clock.
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> i64 {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0)
    }
}

/// A clock tests set and advance by hand.
#[derive(Debug, Default)]
pub struct ManualClock(std::sync::atomic::AtomicI64);

impl ManualClock {
    /// A clock standing at `now`.
    pub fn new(now: i64) -> Self {
        ManualClock(std::sync::atomic::AtomicI64::new(now))
    }
    /// Moves the clock forward.
    pub fn advance(&self, secs: i64) {
        self.0.fetch_add(secs, std::sync::atomic::Ordering::SeqCst);
    }
    /// Sets the clock.
    pub fn set(&self, now: i64) {
        self.0.store(now, std::sync::atomic::Ordering::SeqCst);
    }
}

impl Clock for ManualClock {
    fn now(&self) -> i64 {
        self.0.load(std::sync::atomic::Ordering::SeqCst)
    }
}

/// What the bot may do in a group, as Telegram last told it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BotRights {
    /// Admin with the "Delete messages" right (or owner).
    CanDelete,
    /// Admin, but without the delete right.
    AdminWithoutDelete,
    /// Plain member: sees only commands and replies while privacy mode is on, cannot delete.
    NotAdmin,
    /// Left or removed.
    Removed,
}
