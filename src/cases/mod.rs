//! Private cases, the pure part: identifiers, the lifecycle, and evidence parsing. No SQL, no Telegram, no async;
//! `act/` and `store/` build on these.
//!
//! - [`code`]: [`CaseCode`] (`C-7Q2K`, what people read and type) and [`StartToken`] (the unguessable deep-link
//!   payload; the store keeps only its [`StartToken::digest`]).
//! - [`state`]: [`CaseStatus`], [`Action`], [`CaseEvent`] and [`transition`], the table of what may happen to a case
//!   in which status and by whom.
//! - [`evidence`]: [`extract`] finds transaction hashes, order and ticket numbers, times, link sources and the
//!   description in a member's message; [`missing`] says what a checklist still lacks.

pub mod code;
pub mod evidence;
pub mod state;

pub use code::{CaseCode, StartToken};
pub use evidence::{
    Chain, DEFAULT_ORDER_PATTERNS, DEFAULT_TICKET_PATTERNS, EvidenceItem, EvidenceItemKind,
    EvidenceKind, EvidencePatterns, extract, missing,
};
pub use state::{
    Action, CaseEvent, CaseStatus, Refusal, TransitionCtx, TransitionError, transition,
};

/// A value that does not parse: a case code, a token, or a name read back from the database or a reply file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CaseError {
    /// Not a case code; says why.
    #[error("not a case code: {0}")]
    BadCaseCode(String),
    /// Not a start token; says why, never repeating the input (it may be someone's live token).
    #[error("not a start token: {0}")]
    BadStartToken(&'static str),
    /// A checklist name that is not one of the evidence kinds.
    #[error(
        "unknown evidence kind `{0}` (expected time, description, screenshot, tx_hash, order_number, ticket_number or link_source)"
    )]
    UnknownEvidenceKind(String),
    /// A stored chain name that is not known.
    #[error("unknown chain `{0}` (expected evm, tron_or_btc or solana)")]
    UnknownChain(String),
    /// A stored evidence kind and chain that do not fit together.
    #[error("inconsistent evidence kind: {0}")]
    BadEvidenceParts(&'static str),
    /// A stored case status that is not known.
    #[error("unknown case status `{0}`")]
    UnknownStatus(String),
    /// A stored event kind that is not known.
    #[error("unknown case event `{0}`")]
    UnknownEvent(String),
}
