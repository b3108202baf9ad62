//! Sliding-window rate limits: per group (messages a minute) and overall (calls a second).

use std::collections::{HashMap, VecDeque};
use std::time::Duration;

use tokio::time::Instant;

/// Telegram's outgoing limits, tracked on the monotonic clock.
#[derive(Debug)]
pub struct Limits {
    per_group: u32,
    global: u32,
    global_sent: VecDeque<Instant>,
    group_sent: HashMap<i64, VecDeque<Instant>>,
    blocked: HashMap<i64, Instant>,
    blocked_all: Option<Instant>,
}

// Telegram counts on arrival, we count on departure: a little margin absorbs the jitter in between, so a burst
// that leaves evenly spaced never arrives bunched into one of Telegram's windows.
const MINUTE: Duration = Duration::from_millis(62_000);
const SECOND: Duration = Duration::from_millis(1_200);

impl Limits {
    /// Limits of `per_group` messages a minute into one group and `global` calls a second.
    pub fn new(per_group: u32, global: u32) -> Self {
        Limits {
            per_group,
            global,
            global_sent: VecDeque::new(),
            group_sent: HashMap::new(),
            blocked: HashMap::new(),
            blocked_all: None,
        }
    }

    /// When a call into `chat` may go out: `None` now, or the instant to wait for. Group messages count against
    /// the per-group window; everything counts against the global one, of which a fifth is kept for deletions
    /// (`urgent`), so a flood of alerts and replies can never hold a secret in public.
    pub fn wait_until(
        &mut self,
        chat: i64,
        group_message: bool,
        urgent: bool,
        now: Instant,
    ) -> Option<Instant> {
        let mut until: Option<Instant> = None;
        let mut later = |t: Instant| until = Some(until.map_or(t, |u: Instant| u.max(t)));
        if let Some(b) = self.blocked_all.filter(|b| *b > now) {
            later(b);
        }
        if let Some(b) = self.blocked.get(&chat).copied().filter(|b| *b > now) {
            later(b);
        }
        prune(&mut self.global_sent, now, SECOND);
        let budget = if urgent {
            self.global
        } else {
            self.global - (self.global / 5).max(1).min(self.global - 1)
        };
        let used = self.global_sent.len() as u32;
        if used >= budget {
            later(self.global_sent[(used - budget) as usize] + SECOND);
        }
        if group_message {
            let q = self.group_sent.entry(chat).or_default();
            prune(q, now, MINUTE);
            if q.len() as u32 >= self.per_group {
                later(q[0] + MINUTE);
            }
        }
        until
    }

    /// Counts a call that is going out now.
    pub fn record(&mut self, chat: i64, group_message: bool, now: Instant) {
        self.global_sent.push_back(now);
        if group_message {
            self.group_sent.entry(chat).or_default().push_back(now);
        }
    }

    /// Telegram said 429 for this chat: nothing goes to it before `until`.
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
            assert_eq!(l.wait_until(-1, true, false, t), None);
            l.record(-1, true, t);
        }
        let t = t0 + Duration::from_secs(3);
        assert_eq!(l.wait_until(-1, true, false, t), Some(t0 + MINUTE));
        assert!(
            MINUTE > Duration::from_secs(60),
            "never closer than Telegram's own window"
        );
        assert_eq!(
            l.wait_until(-2, true, false, t),
            None,
            "other groups are not held"
        );
        assert_eq!(
            l.wait_until(-1, false, true, t),
            None,
            "deletions are not messages"
        );
        assert_eq!(l.wait_until(-1, true, false, t0 + MINUTE), None);
    }

    #[test]
    fn a_fifth_of_the_global_budget_is_kept_for_deletions() {
        let mut l = Limits::new(20, 30);
        let t0 = Instant::now();
        for i in 0..24 {
            assert_eq!(l.wait_until(i, false, false, t0), None);
            l.record(i, false, t0);
        }
        assert_eq!(
            l.wait_until(99, false, false, t0),
            Some(t0 + SECOND),
            "messages stop at 24/s"
        );
        for i in 0..6 {
            assert_eq!(
                l.wait_until(-7, false, true, t0),
                None,
                "deletion {i} still goes"
            );
            l.record(-7, false, t0);
        }
        assert_eq!(l.wait_until(-7, false, true, t0), Some(t0 + SECOND));
    }

    #[test]
    fn global_window_and_blocks() {
        let mut l = Limits::new(20, 2);
        let t0 = Instant::now();
        l.record(1, false, t0);
        l.record(2, false, t0);
        assert_eq!(l.wait_until(3, false, true, t0), Some(t0 + SECOND));
        l.block(Some(4), t0 + Duration::from_secs(5));
        assert_eq!(
            l.wait_until(4, false, true, t0 + Duration::from_secs(2)),
            Some(t0 + Duration::from_secs(5))
        );
        l.block(None, t0 + Duration::from_secs(9));
        assert_eq!(
            l.wait_until(5, false, true, t0 + Duration::from_secs(2)),
            Some(t0 + Duration::from_secs(9))
        );
    }
}
