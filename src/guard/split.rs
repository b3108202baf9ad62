//! Secrets split over several messages: a member who posts a seed phrase four words at a time, or "验证码" and then
//! "482913" a moment later.
//!
//! [`SplitWindow`] keeps, per (chat, member), the normalized text of the member's last few messages for a short
//! window, in memory only, and scans them together. Time comes from the caller (`now_unix`), so tests drive it with
//! a fake clock. Nothing is kept past the window; memory is bounded by a cap on tracked members and buffered bytes.

use std::collections::{HashMap, VecDeque};
use std::fmt;
use std::ops::Range;

use crate::domain::{Confidence, Finding, SecretKind};

/// A secret found only by reading a member's recent messages together.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SplitHit {
    /// What was found. Spans are zeroed: they pointed into a concatenation the caller never sees.
    pub findings: Vec<Finding>,
    /// Every message the secret spans, sorted: the caller deletes them all.
    pub message_ids: Vec<i32>,
}

/// Longest text kept per message; longer messages keep their head and tail (where a split secret continues).
const MAX_MESSAGE_BYTES: usize = 2048;

struct Buffered {
    id: i32,
    at: i64,
    text: String,
    /// Validated findings of this message on its own: (kind, span in `text`).
    own: Vec<(SecretKind, Range<usize>)>,
}

struct Member {
    last: i64,
    msgs: VecDeque<Buffered>,
}

/// Per (chat, member) buffer of recent normalized messages, scanned together. `Debug` shows only counts.
///
/// Expiry is driven by the caller's clock: every [`SplitWindow::push`] drops the member's stale messages and, a few
/// times per window, everyone's; [`SplitWindow::sweep`] does the latter on demand (from a timer, for quiet groups).
pub struct SplitWindow {
    window_secs: i64,
    max_messages: usize,
    max_members: usize,
    max_bytes: usize,
    members: HashMap<(i64, i64), Member>,
    bytes: usize,
    next_sweep: i64,
}

impl fmt::Debug for SplitWindow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SplitWindow")
            .field("window_secs", &self.window_secs)
            .field("max_messages", &self.max_messages)
            .field("members", &self.members.len())
            .field("bytes", &self.bytes)
            .finish()
    }
}

impl Default for SplitWindow {
    /// Two minutes, last five messages.
    fn default() -> Self {
        Self::new(120, 5)
    }
}

fn truncate_at_boundary(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_owned();
    }
    let half = max / 2;
    let mut head = half;
    while !s.is_char_boundary(head) {
        head -= 1;
    }
    let mut tail = s.len() - half;
    while !s.is_char_boundary(tail) {
        tail += 1;
    }
    format!("{}\n{}", &s[..head], &s[tail..])
}

impl SplitWindow {
    /// A window of `window_secs` seconds holding at most `max_messages` messages per member, tracking at most
    /// 10,000 members and 16 MiB of text.
    pub fn new(window_secs: i64, max_messages: usize) -> Self {
        Self::with_limits(window_secs, max_messages, 10_000, 16 << 20)
    }

    /// As [`SplitWindow::new`] with explicit memory caps: `max_members` tracked (chat, member) pairs and
    /// `max_bytes` of buffered text. Past a cap the least recently active members are forgotten.
    pub fn with_limits(
        window_secs: i64,
        max_messages: usize,
        max_members: usize,
        max_bytes: usize,
    ) -> Self {
        SplitWindow {
            window_secs: window_secs.max(0),
            max_messages: max_messages.max(1),
            max_members: max_members.max(1),
            max_bytes: max_bytes.max(MAX_MESSAGE_BYTES * 2),
            members: HashMap::new(),
            bytes: 0,
            next_sweep: i64::MIN,
        }
    }

    /// Number of (chat, member) pairs currently buffered.
    pub fn tracked_members(&self) -> usize {
        self.members.len()
    }

    /// Bytes of text currently buffered.
    pub fn buffered_bytes(&self) -> usize {
        self.bytes
    }

    /// Adds a member's message (normalized text) and scans it together with their recent ones. Returns a hit only
    /// when the messages together hold a validated secret that no single message holds on its own. The messages of
    /// a hit leave the buffer (the caller deletes them). A message id seen before (an edit) replaces the old text.
    pub fn push(
        &mut self,
        chat: i64,
        user: i64,
        message_id: i32,
        now_unix: i64,
        normalized: &str,
    ) -> Option<SplitHit> {
        if now_unix >= self.next_sweep {
            self.sweep(now_unix);
        }
        let text = truncate_at_boundary(normalized, MAX_MESSAGE_BYTES);
        let own: Vec<(SecretKind, Range<usize>)> = super::scan(&text)
            .into_iter()
            .filter(|f| f.confidence == Confidence::Validated)
            .map(|f| (f.kind, f.span))
            .collect();
        let cutoff = now_unix - self.window_secs;
        let member = self.members.entry((chat, user)).or_insert_with(|| Member {
            last: now_unix,
            msgs: VecDeque::new(),
        });
        member.last = member.last.max(now_unix);
        let mut freed = 0;
        member.msgs.retain(|m| {
            let keep = m.at >= cutoff && m.id != message_id;
            if !keep {
                freed += m.text.len();
            }
            keep
        });
        self.bytes += text.len();
        member.msgs.push_back(Buffered {
            id: message_id,
            at: now_unix,
            text,
            own,
        });
        while member.msgs.len() > self.max_messages {
            if let Some(m) = member.msgs.pop_front() {
                freed += m.text.len();
            }
        }
        let hit = if member.msgs.len() >= 2 {
            scan_together(member)
        } else {
            None
        };
        if let Some(h) = &hit {
            member.msgs.retain(|m| {
                let keep = !h.message_ids.contains(&m.id);
                if !keep {
                    freed += m.text.len();
                }
                keep
            });
        }
        let empty = member.msgs.is_empty();
        self.bytes -= freed;
        if empty {
            self.members.remove(&(chat, user));
        }
        if self.members.len() > self.max_members || self.bytes > self.max_bytes {
            self.evict(now_unix);
        }
        hit
    }

    /// Drops every message older than the window. [`SplitWindow::push`] calls it a few times per window; a caller
    /// that wants expiry to hold through quiet periods too calls it from a timer.
    pub fn sweep(&mut self, now_unix: i64) {
        self.next_sweep = now_unix + (self.window_secs / 4).max(1);
        let cutoff = now_unix - self.window_secs;
        let mut freed = 0;
        self.members.retain(|_, m| {
            m.msgs.retain(|b| {
                let keep = b.at >= cutoff;
                if !keep {
                    freed += b.text.len();
                }
                keep
            });
            !m.msgs.is_empty()
        });
        self.bytes -= freed;
    }

    /// Over a cap: drop stale members, then the least recently active down to 90% of the caps.
    fn evict(&mut self, now_unix: i64) {
        self.sweep(now_unix);
        if self.members.len() <= self.max_members && self.bytes <= self.max_bytes {
            return;
        }
        let mut order: Vec<((i64, i64), i64)> =
            self.members.iter().map(|(k, m)| (*k, m.last)).collect();
        order.sort_by_key(|&(_, last)| last);
        let target_members = self.max_members * 9 / 10;
        let target_bytes = self.max_bytes / 10 * 9;
        for (key, _) in order {
            if self.members.len() <= target_members && self.bytes <= target_bytes {
                break;
            }
            if let Some(m) = self.members.remove(&key) {
                self.bytes -= m.msgs.iter().map(|b| b.text.len()).sum::<usize>();
            }
        }
    }
}

/// Scans a member's buffered messages joined by newlines; keeps the validated findings some message does not
/// already hold on its own.
fn scan_together(member: &Member) -> Option<SplitHit> {
    let mut joined = String::new();
    let mut offsets = Vec::with_capacity(member.msgs.len());
    for (k, m) in member.msgs.iter().enumerate() {
        if k > 0 {
            joined.push('\n');
        }
        offsets.push(joined.len());
        joined.push_str(&m.text);
    }
    let mut findings = Vec::new();
    let mut ids = Vec::new();
    for f in super::scan(&joined) {
        if f.confidence != Confidence::Validated {
            continue;
        }
        let mut touched = Vec::new();
        let mut first = usize::MAX;
        let mut new = false;
        for (k, (m, &off)) in member.msgs.iter().zip(&offsets).enumerate() {
            let (lo, hi) = (off, off + m.text.len());
            if f.span.start >= hi || f.span.end <= lo {
                continue;
            }
            touched.push(m.id);
            first = first.min(k);
            let part = f.span.start.max(lo) - off..f.span.end.min(hi) - off;
            let covered = m
                .own
                .iter()
                .any(|(k, s)| *k == f.kind && s.start < part.end && part.start < s.end);
            new |= !covered;
        }
        // A bare number completes a code only right after a message that announced one ("我的验证码是").
        if new && f.kind == SecretKind::VerificationCode && touched.len() == 1 {
            new = first > 0 && super::codes::announces_code(&member.msgs[first - 1].text);
        }
        if new {
            ids.extend(touched);
            findings.push(Finding { span: 0..0, ..f });
        }
    }
    if findings.is_empty() {
        return None;
    }
    ids.sort_unstable();
    ids.dedup();
    Some(SplitHit {
        findings,
        message_ids: ids,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize;

    const PHRASE: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";

    fn push(w: &mut SplitWindow, id: i32, t: i64, text: &str) -> Option<SplitHit> {
        w.push(-100, 7, id, t, &normalize(text))
    }

    #[test]
    fn seed_phrase_over_three_messages() {
        let mut w = SplitWindow::default();
        let words: Vec<&str> = PHRASE.split(' ').collect();
        assert!(push(&mut w, 1, 1000, &words[..4].join(" ")).is_none());
        assert!(push(&mut w, 2, 1010, &words[4..8].join(" ")).is_none());
        let hit = push(&mut w, 3, 1020, &words[8..].join(" ")).expect("split phrase");
        assert_eq!(hit.message_ids, vec![1, 2, 3]);
        assert_eq!(hit.findings[0].kind, SecretKind::SeedPhrase);
        assert_eq!(hit.findings[0].span, 0..0);
        // The parts left the buffer.
        assert_eq!(w.tracked_members(), 0);
        assert_eq!(w.buffered_bytes(), 0);
    }

    #[test]
    fn code_word_then_code() {
        let mut w = SplitWindow::default();
        assert!(push(&mut w, 10, 0, "我的验证码是").is_none());
        let hit = push(&mut w, 11, 5, "482913").expect("code after code word");
        assert_eq!(hit.message_ids, vec![11]);
        assert_eq!(hit.findings[0].kind, SecretKind::VerificationCode);
    }

    #[test]
    fn password_then_value() {
        let mut w = SplitWindow::default();
        assert!(push(&mut w, 1, 0, "我的资金密码是").is_none());
        let hit = push(&mut w, 2, 3, "abc12345").expect("password value in the next message");
        assert_eq!(hit.message_ids, vec![1, 2]);
        assert_eq!(hit.findings[0].kind, SecretKind::Password);
    }

    #[test]
    fn a_number_after_a_complaint_is_not_a_code() {
        let mut w = SplitWindow::default();
        assert!(push(&mut w, 10, 0, "验证码收不到").is_none());
        assert!(push(&mut w, 11, 5, "12345678").is_none());
        assert!(push(&mut w, 12, 6, "verification code never arrives").is_none());
        assert!(push(&mut w, 13, 7, "88776655").is_none());
    }

    #[test]
    fn whole_secret_in_one_message_is_not_a_split_hit() {
        let mut w = SplitWindow::default();
        assert!(push(&mut w, 1, 0, "hello").is_none());
        assert!(push(&mut w, 2, 1, PHRASE).is_none());
        assert!(push(&mut w, 3, 2, "验证码 482913").is_none());
    }

    #[test]
    fn window_expires_by_the_callers_clock() {
        let mut w = SplitWindow::new(120, 5);
        let words: Vec<&str> = PHRASE.split(' ').collect();
        assert!(push(&mut w, 1, 1000, &words[..6].join(" ")).is_none());
        assert!(
            push(&mut w, 2, 1121, &words[6..].join(" ")).is_none(),
            "first half expired"
        );
        w.sweep(1300);
        assert_eq!(w.tracked_members(), 0);
        assert_eq!(w.buffered_bytes(), 0);
    }

    #[test]
    fn silent_members_expire_when_others_post() {
        let mut w = SplitWindow::new(120, 5);
        w.push(-1, 1, 1, 0, "part of something");
        assert_eq!(w.tracked_members(), 1);
        // Another member posts well after the window: the silent member's text is gone.
        w.push(-1, 2, 2, 200, "hello");
        assert_eq!(w.tracked_members(), 1);
        assert_eq!(w.buffered_bytes(), "hello".len());
    }

    #[test]
    fn edits_replace_the_old_text() {
        let mut w = SplitWindow::default();
        let words: Vec<&str> = PHRASE.split(' ').collect();
        assert!(push(&mut w, 1, 0, &words[..6].join(" ")).is_none());
        assert!(push(&mut w, 1, 1, "edited away").is_none());
        assert!(push(&mut w, 2, 2, &words[6..].join(" ")).is_none());
    }

    #[test]
    fn only_the_last_messages_count() {
        let mut w = SplitWindow::new(120, 2);
        let words: Vec<&str> = PHRASE.split(' ').collect();
        assert!(push(&mut w, 1, 0, &words[..4].join(" ")).is_none());
        assert!(push(&mut w, 2, 1, &words[4..8].join(" ")).is_none());
        assert!(push(&mut w, 3, 2, &words[8..].join(" ")).is_none());
    }

    #[test]
    fn members_and_chats_are_separate() {
        let mut w = SplitWindow::default();
        let words: Vec<&str> = PHRASE.split(' ').collect();
        assert!(w.push(-1, 1, 1, 0, &words[..6].join(" ")).is_none());
        assert!(w.push(-1, 2, 2, 1, &words[6..].join(" ")).is_none());
        assert!(w.push(-2, 1, 3, 2, &words[6..].join(" ")).is_none());
        assert!(w.push(-1, 1, 4, 3, &words[6..].join(" ")).is_some());
    }

    #[test]
    fn memory_is_bounded() {
        let mut w = SplitWindow::with_limits(120, 5, 100, 1 << 20);
        for u in 0..10_000 {
            w.push(-1, u, 1, 0, "some chatter here");
        }
        assert!(w.tracked_members() <= 100);
        let mut w = SplitWindow::with_limits(120, 5, 1_000_000, 64 * 1024);
        let long = "x".repeat(10_000);
        for u in 0..1_000 {
            w.push(-1, u, 1, 0, &long);
        }
        assert!(w.buffered_bytes() <= 64 * 1024);
    }

    #[test]
    fn debug_shows_no_text() {
        let mut w = SplitWindow::default();
        w.push(-1, 1, 1, 0, "secretword");
        w.push(-1, 1, 2, 0, "验证码");
        let hit = w.push(-1, 1, 3, 1, "482913").unwrap();
        assert!(!format!("{w:?}").contains("secretword"));
        assert!(!format!("{hit:?}").contains("482913"));
    }
}
