//! Sliding-window rate limits: per group (messages a minute), overall (calls a second), and a separate per-second
//! budget for deletions, so a flood of replies and alerts can never hold a secret in public.

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use tokio::time::Instant;

/// What kind of call is asking to go out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// `deleteMessages`: its own budget, never behind messages.
    Delete,
    /// A message into a group: counts against that group's minute and the global second.
    GroupMessage,
    /// Anything else (private messages, callbacks, commands): the global second.
    Other,
}

/// Telegram's outgoing limits, tracked on the monotonic clock.
#[derive(Debug)]
pub struct Limits {
    per_group: u32,
    global: u32,
    global_sent: VecDeque<Instant>,
    delete_sent: VecDeque<Instant>,
    group_sent: HashMap<i64, VecDeque<Instant>>,
    blocked: HashMap<i64, Instant>,
    blocked_all: Option<Instant>,
}

// Telegram counts on arrival, we count on departure: a little margin absorbs the jitter in between, so a burst
// that leaves evenly spaced never arrives bunched into one of Telegram's windows.
const MINUTE: Duration = Duration::from_millis(62_000);
const SECOND: Duration = Duration::from_millis(1_200);

/// `deleteMessages` sends no message, so Telegram's 30-a-second rule is about the rest; deletions get a budget of
/// their own, ten times larger, as a backstop. Their real pacing is one call in flight per chat (ids arriving
/// meanwhile join the next call), and a 429 blocks the chat for `retry_after` like any other call. A budget as
/// small as the message one stalled a busy group's deletions for a whole window (measured: p99 1 s instead of 1 ms).
const DELETE_FACTOR: u32 = 10;

impl Limits {
    /// Limits of `per_group` messages a minute into one group and `global` calls a second (and ten times as many
    /// `deleteMessages` calls a second, each removing up to 100 messages).
    pub fn new(per_group: u32, global: u32) -> Self {
        Limits {
            per_group,
            global,
            global_sent: VecDeque::new(),
            delete_sent: VecDeque::new(),
            group_sent: HashMap::new(),
            blocked: HashMap::new(),
            blocked_all: None,
        }
    }

    /// When a call into `chat` may go out: `None` now, or the instant to wait for.
    pub fn wait_until(&mut self, chat: i64, kind: Kind, now: Instant) -> Option<Instant> {
        let mut until: Option<Instant> = None;
        let mut later = |t: Instant| until = Some(until.map_or(t, |u: Instant| u.max(t)));
        if let Some(b) = self.blocked_all.filter(|b| *b > now) {
            later(b);
        }
        if let Some(b) = self.blocked.get(&chat).copied().filter(|b| *b > now) {
            later(b);
        }
        let (window, budget) = if kind == Kind::Delete {
            (&mut self.delete_sent, self.global * DELETE_FACTOR)
        } else {
            (&mut self.global_sent, self.global)
        };
        prune(window, now, SECOND);
        if window.len() as u32 >= budget {
            later(window[window.len() - budget as usize] + SECOND);
        }
        if kind == Kind::GroupMessage {
            let q = self.group_sent.entry(chat).or_default();
            prune(q, now, MINUTE);
            if q.len() as u32 >= self.per_group {
                later(q[0] + MINUTE);
            }
        }
        until
    }

    /// Counts a call that is going out now.
    pub fn record(&mut self, chat: i64, kind: Kind, now: Instant) {
        match kind {
            Kind::Delete => self.delete_sent.push_back(now),
            Kind::GroupMessage => {
                self.global_sent.push_back(now);
                self.group_sent.entry(chat).or_default().push_back(now);
            }
            Kind::Other => self.global_sent.push_back(now),
        }
    }

    /// Telegram said 429 for this chat (or for everything): nothing goes there before `until`.
    pub fn block(&mut self, chat: Option<i64>, until: Instant) {
        match chat {
            Some(c) => {
                let e = self.blocked.entry(c).or_insert(until);
                *e = (*e).max(until);
            }
            None => self.blocked_all = Some(self.blocked_all.map_or(until, |b| b.max(until))),
        }
    }
}

fn prune(q: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while q.front().is_some_and(|t| now.duration_since(*t) >= window) {
        q.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn group_window_holds_the_21st_message_for_a_minute() {
        let mut l = Limits::new(20, 30);
        let t0 = Instant::now();
        for i in 0..20 {
            let t = t0 + Duration::from_millis(i * 100);
            assert_eq!(l.wait_until(-1, Kind::GroupMessage, t), None);
            l.record(-1, Kind::GroupMessage, t);
        }
        let t = t0 + Duration::from_secs(3);
        assert_eq!(l.wait_until(-1, Kind::GroupMessage, t), Some(t0 + MINUTE));
        assert!(
            MINUTE > Duration::from_secs(60),
            "never closer than Telegram's own window"
        );
        assert_eq!(
            l.wait_until(-2, Kind::GroupMessage, t),
            None,
            "other groups are not held"
        );
        assert_eq!(
            l.wait_until(-1, Kind::Delete, t),
            None,
            "deletions are not messages"
        );
        assert_eq!(l.wait_until(-1, Kind::GroupMessage, t0 + MINUTE), None);
    }

    #[test]
    fn deletions_never_wait_behind_a_flood_of_messages() {
        let mut l = Limits::new(20, 30);
        let t0 = Instant::now();
        for i in 0..30 {
            assert_eq!(l.wait_until(i, Kind::Other, t0), None);
            l.record(i, Kind::Other, t0);
        }
        assert_eq!(
            l.wait_until(99, Kind::Other, t0),
            Some(t0 + SECOND),
            "messages stop at 30 a second"
        );
        for i in 0..30 * DELETE_FACTOR {
            assert_eq!(
                l.wait_until(-7, Kind::Delete, t0),
                None,
                "deletion call {i} still goes"
            );
            l.record(-7, Kind::Delete, t0);
        }
        assert_eq!(
            l.wait_until(-7, Kind::Delete, t0),
            Some(t0 + SECOND),
            "deletions have a budget too"
        );
    }

    #[test]
    fn blocks_hold_a_chat_or_everything() {
        let mut l = Limits::new(20, 30);
        let t0 = Instant::now();
        l.block(Some(4), t0 + Duration::from_secs(5));
        assert_eq!(
            l.wait_until(4, Kind::Delete, t0 + Duration::from_secs(2)),
            Some(t0 + Duration::from_secs(5))
        );
        assert_eq!(l.wait_until(3, Kind::Delete, t0), None);
        l.block(None, t0 + Duration::from_secs(9));
        assert_eq!(
            l.wait_until(5, Kind::Other, t0 + Duration::from_secs(2)),
            Some(t0 + Duration::from_secs(9))
        );
    }
}
