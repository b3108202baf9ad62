//! The case lifecycle as a pure state machine: [`transition`] says whether an [`Action`] may happen to a case in a
//! given [`CaseStatus`] and what status follows; the caller records the matching [`CaseEvent`] in the audit log.
//!
//! ```text
//!              submit (member)          claim (agent)          escalate (assignee)
//!  Collecting ───────────────▶ Queued ───────────────▶ Claimed ───────────────────▶ Escalated
//!      │                         ▲                       │                              │
//!      └──── claim (agent) ──────┼──────────────────────▶│ resolve (assignee)           │ resolve (assignee)
//!                                │                       ▼                              │
//!                                └── reopen (member, ── Resolved ◀──────────────────────┘
//!                                    within window)
//! ```
//!
//! Also allowed, without changing the status: the member adds evidence to any case that is not resolved; the
//! assignee replies to a claimed or escalated case; any agent writes an internal note on any case. Everything else
//! is refused with a [`TransitionError`] that names the status, the action and why.
//!
//! Decisions worth knowing:
//! - An agent may claim a case still `Collecting` (a tier-3 alert offers "claim" before the member is done).
//! - Claiming is never a takeover: a case claimed or escalated by someone stays theirs, so two agents pressing
//!   "claim" on the same alert cannot steal it from each other.
//! - Reply, escalate and resolve need the case claimed by the acting agent; resolving straight from the queue
//!   is refused, so every conclusion has an owner in the audit log.
//! - Reopening puts the case back in the queue (`Queued`), not with the previous agent; the audit log has a
//!   `reopened` event. The assignee is set only by a claim; in `Queued` a leftover assignee means nothing.

use std::fmt;

use crate::domain::UserId;

use super::CaseError;

/// Where a case is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CaseStatus {
    /// The member is adding evidence in private.
    Collecting,
    /// The member pressed "done" (or the case was reopened); waiting for an agent.
    Queued,
    /// An agent took the case.
    Claimed,
    /// The assignee submitted it through the official channel; waiting for official feedback.
    Escalated,
    /// The handling conclusion is recorded.
    Resolved,
}

impl CaseStatus {
    /// The status of a newly opened case.
    pub const INITIAL: CaseStatus = CaseStatus::Collecting;

    /// Every status, in lifecycle order.
    pub const ALL: [CaseStatus; 5] = [
        CaseStatus::Collecting,
        CaseStatus::Queued,
        CaseStatus::Claimed,
        CaseStatus::Escalated,
        CaseStatus::Resolved,
    ];

    /// The lowercase name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseStatus::Collecting => "collecting",
            CaseStatus::Queued => "queued",
            CaseStatus::Claimed => "claimed",
            CaseStatus::Escalated => "escalated",
            CaseStatus::Resolved => "resolved",
        }
    }

    /// Parses a name written by [`CaseStatus::as_str`].
    pub fn parse(s: &str) -> Result<Self, CaseError> {
        Self::ALL
            .into_iter()
            .find(|st| st.as_str() == s)
            .ok_or_else(|| CaseError::UnknownStatus(s.to_owned()))
    }

    /// Whether the case still needs work (everything but `Resolved`): the one a repeated question reuses.
    pub fn is_open(self) -> bool {
        self != CaseStatus::Resolved
    }
}

impl fmt::Display for CaseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What someone does to a case: the input of [`transition`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    /// Open a new case. Only ever the first event: [`transition`] refuses it for an existing case; a new case
    /// starts at [`CaseStatus::INITIAL`].
    Open,
    /// The member sends a piece of evidence.
    AddEvidence {
        /// Who sent it.
        by: UserId,
    },
    /// The member says the evidence is complete ("done").
    Submit {
        /// Who pressed it.
        by: UserId,
    },
    /// An agent takes the case.
    Claim {
        /// The agent.
        agent: UserId,
    },
    /// An agent writes to the member.
    Reply {
        /// The agent.
        agent: UserId,
    },
    /// An agent writes an internal note (the member never sees it).
    Note {
        /// The agent.
        agent: UserId,
    },
    /// An agent submits the case through the official channel.
    Escalate {
        /// The agent.
        agent: UserId,
    },
    /// An agent records the handling conclusion.
    Resolve {
        /// The agent.
        agent: UserId,
        /// The conclusion (the SOP keeps one for every case).
        conclusion: String,
    },
    /// The member reopens a resolved case.
    Reopen {
        /// Who asked.
        by: UserId,
    },
}

impl Action {
    /// A short lowercase name, used in error messages.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Open => "open",
            Action::AddEvidence { .. } => "add evidence to",
            Action::Submit { .. } => "submit",
            Action::Claim { .. } => "claim",
            Action::Reply { .. } => "reply to",
            Action::Note { .. } => "note on",
            Action::Escalate { .. } => "escalate",
            Action::Resolve { .. } => "resolve",
            Action::Reopen { .. } => "reopen",
        }
    }

    /// The audit-log event this action records when it is allowed.
    pub fn event(&self) -> CaseEvent {
        match self {
            Action::Open => CaseEvent::Opened,
            Action::AddEvidence { .. } => CaseEvent::EvidenceAdded,
            Action::Submit { .. } => CaseEvent::Submitted,
            Action::Claim { .. } => CaseEvent::Claimed,
            Action::Reply { .. } => CaseEvent::Replied,
            Action::Note { .. } => CaseEvent::Noted,
            Action::Escalate { .. } => CaseEvent::Escalated,
            Action::Resolve { .. } => CaseEvent::Resolved,
            Action::Reopen { .. } => CaseEvent::Reopened,
        }
    }
}

/// One entry kind of the append-only audit log.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum CaseEvent {
    /// The case was opened.
    Opened,
    /// The member added evidence.
    EvidenceAdded,
    /// The member pressed "done".
    Submitted,
    /// An agent claimed the case.
    Claimed,
    /// An agent replied to the member.
    Replied,
    /// An agent wrote an internal note.
    Noted,
    /// An agent escalated through the official channel.
    Escalated,
    /// An agent recorded the conclusion.
    Resolved,
    /// The member reopened the case.
    Reopened,
}

impl CaseEvent {
    /// Every event kind.
    pub const ALL: [CaseEvent; 9] = [
        CaseEvent::Opened,
        CaseEvent::EvidenceAdded,
        CaseEvent::Submitted,
        CaseEvent::Claimed,
        CaseEvent::Replied,
        CaseEvent::Noted,
        CaseEvent::Escalated,
        CaseEvent::Resolved,
        CaseEvent::Reopened,
    ];

    /// The snake_case name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            CaseEvent::Opened => "opened",
            CaseEvent::EvidenceAdded => "evidence_added",
            CaseEvent::Submitted => "submitted",
            CaseEvent::Claimed => "claimed",
            CaseEvent::Replied => "replied",
            CaseEvent::Noted => "noted",
            CaseEvent::Escalated => "escalated",
            CaseEvent::Resolved => "resolved",
            CaseEvent::Reopened => "reopened",
        }
    }

    /// Parses a name written by [`CaseEvent::as_str`].
    pub fn parse(s: &str) -> Result<Self, CaseError> {
        Self::ALL
            .into_iter()
            .find(|e| e.as_str() == s)
            .ok_or_else(|| CaseError::UnknownEvent(s.to_owned()))
    }
}

impl fmt::Display for CaseEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What [`transition`] needs to know about the case besides its status. Times are unix seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TransitionCtx {
    /// The current time.
    pub now: i64,
    /// The member the case belongs to.
    pub member: UserId,
    /// The agent who claimed the case, if any.
    pub assignee: Option<UserId>,
    /// When the case was last resolved, if it is resolved.
    pub resolved_at: Option<i64>,
    /// How long after resolution the member may reopen (config).
    pub reopen_window_secs: i64,
}

/// Why an action was refused. The act layer picks the member's or agent's wording from this.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refusal {
    /// `Open` on a case that exists.
    AlreadyOpen,
    /// Only the member the case belongs to may do this.
    NotTheMember,
    /// The case is resolved; the member must reopen it first.
    CaseResolved,
    /// The member already pressed "done".
    AlreadySubmitted,
    /// Another agent has the case (claimed or escalated).
    ClaimedByOther(UserId),
    /// The acting agent already has the case.
    AlreadyYours,
    /// The case has not been claimed; claim it first.
    NotClaimed,
    /// The case is already escalated.
    AlreadyEscalated,
    /// A resolution needs a conclusion.
    EmptyConclusion,
    /// Only a resolved case can be reopened.
    NotResolved,
    /// The reopen window has passed (or the resolution time is unknown).
    ReopenWindowClosed,
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Refusal::AlreadyOpen => f.write_str("the case is already open"),
            Refusal::NotTheMember => f.write_str("only the member the case belongs to may do that"),
            Refusal::CaseResolved => f.write_str("the case is resolved; the member can reopen it"),
            Refusal::AlreadySubmitted => f.write_str("the evidence was already submitted"),
            Refusal::ClaimedByOther(agent) => write!(f, "agent {agent} has the case"),
            Refusal::AlreadyYours => f.write_str("the case is already yours"),
            Refusal::NotClaimed => f.write_str("claim the case first"),
            Refusal::AlreadyEscalated => f.write_str("the case is already escalated"),
            Refusal::EmptyConclusion => f.write_str("a resolution needs a conclusion"),
            Refusal::NotResolved => f.write_str("only a resolved case can be reopened"),
            Refusal::ReopenWindowClosed => f.write_str("the time to reopen has passed"),
        }
    }
}

/// A refused transition: which action, from which status, and why.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("cannot {action} a {status} case: {reason}")]
pub struct TransitionError {
    /// The status the case was in.
    pub status: CaseStatus,
    /// The action's name ([`Action::name`]).
    pub action: &'static str,
    /// Why.
    pub reason: Refusal,
}

/// Decides whether `action` may happen to a case in `status`, and the status that follows.
pub fn transition(
    status: CaseStatus,
    action: &Action,
    ctx: &TransitionCtx,
) -> Result<CaseStatus, TransitionError> {
    use CaseStatus::*;
    let refuse = |reason| {
        Err(TransitionError {
            status,
            action: action.name(),
            reason,
        })
    };
    // The assignee check, shared by reply, escalate and resolve.
    let owns = |agent: UserId| match ctx.assignee {
        Some(a) if a == agent => Ok(()),
        Some(a) => Err(Refusal::ClaimedByOther(a)),
        None => Err(Refusal::NotClaimed),
    };
    match action {
        Action::Open => refuse(Refusal::AlreadyOpen),
        Action::AddEvidence { by } | Action::Submit { by } if *by != ctx.member => {
            refuse(Refusal::NotTheMember)
        }
        Action::AddEvidence { .. } => match status {
            Collecting | Queued | Claimed | Escalated => Ok(status),
            Resolved => refuse(Refusal::CaseResolved),
        },
        Action::Submit { .. } => match status {
            Collecting => Ok(Queued),
            Queued | Claimed | Escalated => refuse(Refusal::AlreadySubmitted),
            Resolved => refuse(Refusal::CaseResolved),
        },
        Action::Claim { agent } => match status {
            Collecting | Queued => Ok(Claimed),
            Claimed | Escalated => match owns(*agent) {
                Ok(()) => refuse(Refusal::AlreadyYours),
                Err(reason) => refuse(reason),
            },
            Resolved => refuse(Refusal::CaseResolved),
        },
        Action::Reply { agent } => match status {
            Collecting | Queued => refuse(Refusal::NotClaimed),
            Claimed | Escalated => owns(*agent).map(|()| status).or_else(refuse),
            Resolved => refuse(Refusal::CaseResolved),
        },
        Action::Note { .. } => Ok(status),
        Action::Escalate { agent } => match status {
            Collecting | Queued => refuse(Refusal::NotClaimed),
            Claimed => owns(*agent).map(|()| Escalated).or_else(refuse),
            Escalated => refuse(Refusal::AlreadyEscalated),
            Resolved => refuse(Refusal::CaseResolved),
        },
        Action::Resolve { agent, conclusion } => match status {
            Collecting | Queued => refuse(Refusal::NotClaimed),
            Claimed | Escalated => match owns(*agent) {
                Err(reason) => refuse(reason),
                Ok(()) if conclusion.trim().is_empty() => refuse(Refusal::EmptyConclusion),
                Ok(()) => Ok(Resolved),
            },
            Resolved => refuse(Refusal::CaseResolved),
        },
        Action::Reopen { by } => match status {
            Collecting | Queued | Claimed | Escalated => refuse(Refusal::NotResolved),
            Resolved if *by != ctx.member => refuse(Refusal::NotTheMember),
            Resolved => match ctx.resolved_at {
                Some(at) if (0..=ctx.reopen_window_secs).contains(&ctx.now.saturating_sub(at)) => {
                    Ok(Queued)
                }
                _ => refuse(Refusal::ReopenWindowClosed),
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MEMBER: UserId = UserId(10);
    const AGENT_A: UserId = UserId(1001);
    const AGENT_B: UserId = UserId(1002);
    const RESOLVED_AT: i64 = 1_000_000;
    const WINDOW: i64 = 7 * 86_400;

    /// Every way an action can be attempted that the rules tell apart.
    #[derive(Clone, Copy, Debug, PartialEq, Eq)]
    enum Try {
        Open,
        EvidenceByMember,
        EvidenceByOther,
        SubmitByMember,
        SubmitByOther,
        ClaimByAssignee,
        ClaimByOtherAgent,
        ReplyByAssignee,
        ReplyByOtherAgent,
        NoteByAssignee,
        NoteByOtherAgent,
        EscalateByAssignee,
        EscalateByOtherAgent,
        ResolveByAssignee,
        ResolveByAssigneeEmpty,
        ResolveByOtherAgent,
        ReopenByMemberInWindow,
        ReopenByMemberAtWindowEnd,
        ReopenByMemberAfterWindow,
        ReopenByAgent,
    }

    const TRIES: [Try; 20] = [
        Try::Open,
        Try::EvidenceByMember,
        Try::EvidenceByOther,
        Try::SubmitByMember,
        Try::SubmitByOther,
        Try::ClaimByAssignee,
        Try::ClaimByOtherAgent,
        Try::ReplyByAssignee,
        Try::ReplyByOtherAgent,
        Try::NoteByAssignee,
        Try::NoteByOtherAgent,
        Try::EscalateByAssignee,
        Try::EscalateByOtherAgent,
        Try::ResolveByAssignee,
        Try::ResolveByAssigneeEmpty,
        Try::ResolveByOtherAgent,
        Try::ReopenByMemberInWindow,
        Try::ReopenByMemberAtWindowEnd,
        Try::ReopenByMemberAfterWindow,
        Try::ReopenByAgent,
    ];

    /// The case as the store would hold it in each status: claimed cases belong to agent A.
    fn ctx(status: CaseStatus, now: i64) -> TransitionCtx {
        let claimed = matches!(
            status,
            CaseStatus::Claimed | CaseStatus::Escalated | CaseStatus::Resolved
        );
        TransitionCtx {
            now,
            member: MEMBER,
            assignee: claimed.then_some(AGENT_A),
            resolved_at: (status == CaseStatus::Resolved).then_some(RESOLVED_AT),
            reopen_window_secs: WINDOW,
        }
    }

    fn attempt(t: Try) -> (Action, i64) {
        let in_window = RESOLVED_AT + 3600;
        let resolve = |agent, c: &str| Action::Resolve {
            agent,
            conclusion: c.to_owned(),
        };
        match t {
            Try::Open => (Action::Open, in_window),
            Try::EvidenceByMember => (Action::AddEvidence { by: MEMBER }, in_window),
            Try::EvidenceByOther => (Action::AddEvidence { by: AGENT_A }, in_window),
            Try::SubmitByMember => (Action::Submit { by: MEMBER }, in_window),
            Try::SubmitByOther => (Action::Submit { by: UserId(11) }, in_window),
            Try::ClaimByAssignee => (Action::Claim { agent: AGENT_A }, in_window),
            Try::ClaimByOtherAgent => (Action::Claim { agent: AGENT_B }, in_window),
            Try::ReplyByAssignee => (Action::Reply { agent: AGENT_A }, in_window),
            Try::ReplyByOtherAgent => (Action::Reply { agent: AGENT_B }, in_window),
            Try::NoteByAssignee => (Action::Note { agent: AGENT_A }, in_window),
            Try::NoteByOtherAgent => (Action::Note { agent: AGENT_B }, in_window),
            Try::EscalateByAssignee => (Action::Escalate { agent: AGENT_A }, in_window),
            Try::EscalateByOtherAgent => (Action::Escalate { agent: AGENT_B }, in_window),
            Try::ResolveByAssignee => (resolve(AGENT_A, "credited on 12-01"), in_window),
            Try::ResolveByAssigneeEmpty => (resolve(AGENT_A, "  \n"), in_window),
            Try::ResolveByOtherAgent => (resolve(AGENT_B, "done"), in_window),
            Try::ReopenByMemberInWindow => (Action::Reopen { by: MEMBER }, in_window),
            Try::ReopenByMemberAtWindowEnd => (Action::Reopen { by: MEMBER }, RESOLVED_AT + WINDOW),
            Try::ReopenByMemberAfterWindow => {
                (Action::Reopen { by: MEMBER }, RESOLVED_AT + WINDOW + 1)
            }
            Try::ReopenByAgent => (Action::Reopen { by: AGENT_A }, in_window),
        }
    }

    /// The whole table. No wildcard arms: a new status or a new attempt does not compile until its row is
    /// written here.
    fn expected(status: CaseStatus, t: Try) -> Result<CaseStatus, Refusal> {
        use CaseStatus::*;
        use Refusal as R;
        match (status, t) {
            (_, Try::Open) => Err(R::AlreadyOpen),

            (Collecting | Queued | Claimed | Escalated, Try::EvidenceByMember) => Ok(status),
            (Resolved, Try::EvidenceByMember) => Err(R::CaseResolved),
            (Collecting | Queued | Claimed | Escalated | Resolved, Try::EvidenceByOther) => {
                Err(R::NotTheMember)
            }

            (Collecting, Try::SubmitByMember) => Ok(Queued),
            (Queued | Claimed | Escalated, Try::SubmitByMember) => Err(R::AlreadySubmitted),
            (Resolved, Try::SubmitByMember) => Err(R::CaseResolved),
            (Collecting | Queued | Claimed | Escalated | Resolved, Try::SubmitByOther) => {
                Err(R::NotTheMember)
            }

            (Collecting | Queued, Try::ClaimByAssignee | Try::ClaimByOtherAgent) => Ok(Claimed),
            (Claimed | Escalated, Try::ClaimByAssignee) => Err(R::AlreadyYours),
            (Claimed | Escalated, Try::ClaimByOtherAgent) => Err(R::ClaimedByOther(AGENT_A)),
            (Resolved, Try::ClaimByAssignee | Try::ClaimByOtherAgent) => Err(R::CaseResolved),

            (Collecting | Queued, Try::ReplyByAssignee | Try::ReplyByOtherAgent) => {
                Err(R::NotClaimed)
            }
            (Claimed | Escalated, Try::ReplyByAssignee) => Ok(status),
            (Claimed | Escalated, Try::ReplyByOtherAgent) => Err(R::ClaimedByOther(AGENT_A)),
            (Resolved, Try::ReplyByAssignee | Try::ReplyByOtherAgent) => Err(R::CaseResolved),

            (
                Collecting | Queued | Claimed | Escalated | Resolved,
                Try::NoteByAssignee | Try::NoteByOtherAgent,
            ) => Ok(status),

            (Collecting | Queued, Try::EscalateByAssignee | Try::EscalateByOtherAgent) => {
                Err(R::NotClaimed)
            }
            (Claimed, Try::EscalateByAssignee) => Ok(Escalated),
            (Claimed, Try::EscalateByOtherAgent) => Err(R::ClaimedByOther(AGENT_A)),
            (Escalated, Try::EscalateByAssignee | Try::EscalateByOtherAgent) => {
                Err(R::AlreadyEscalated)
            }
            (Resolved, Try::EscalateByAssignee | Try::EscalateByOtherAgent) => Err(R::CaseResolved),

            (
                Collecting | Queued,
                Try::ResolveByAssignee | Try::ResolveByAssigneeEmpty | Try::ResolveByOtherAgent,
            ) => Err(R::NotClaimed),
            (Claimed | Escalated, Try::ResolveByAssignee) => Ok(Resolved),
            (Claimed | Escalated, Try::ResolveByAssigneeEmpty) => Err(R::EmptyConclusion),
            (Claimed | Escalated, Try::ResolveByOtherAgent) => Err(R::ClaimedByOther(AGENT_A)),
            (
                Resolved,
                Try::ResolveByAssignee | Try::ResolveByAssigneeEmpty | Try::ResolveByOtherAgent,
            ) => Err(R::CaseResolved),

            (
                Collecting | Queued | Claimed | Escalated,
                Try::ReopenByMemberInWindow
                | Try::ReopenByMemberAtWindowEnd
                | Try::ReopenByMemberAfterWindow
                | Try::ReopenByAgent,
            ) => Err(R::NotResolved),
            (Resolved, Try::ReopenByMemberInWindow | Try::ReopenByMemberAtWindowEnd) => Ok(Queued),
            (Resolved, Try::ReopenByMemberAfterWindow) => Err(R::ReopenWindowClosed),
            (Resolved, Try::ReopenByAgent) => Err(R::NotTheMember),
        }
    }

    fn check_row(status: CaseStatus) {
        let mut wrong = Vec::new();
        for t in TRIES {
            let (action, now) = attempt(t);
            let got = transition(status, &action, &ctx(status, now));
            let want = expected(status, t).map_err(|reason| TransitionError {
                status,
                action: action.name(),
                reason,
            });
            if got != want {
                wrong.push(format!("{status} × {t:?}: got {got:?}, want {want:?}"));
            }
        }
        assert!(wrong.is_empty(), "\n{}", wrong.join("\n"));
    }

    #[test]
    fn table_collecting() {
        check_row(CaseStatus::Collecting);
    }
    #[test]
    fn table_queued() {
        check_row(CaseStatus::Queued);
    }
    #[test]
    fn table_claimed() {
        check_row(CaseStatus::Claimed);
    }
    #[test]
    fn table_escalated() {
        check_row(CaseStatus::Escalated);
    }
    #[test]
    fn table_resolved() {
        check_row(CaseStatus::Resolved);
    }

    #[test]
    fn table_every_status_in_all() {
        // Covers a status added to ALL before it gets its own test above; `expected` will not compile without
        // its rows anyway.
        for status in CaseStatus::ALL {
            check_row(status);
        }
        let mut seen = std::collections::HashSet::new();
        for t in TRIES {
            assert!(seen.insert(format!("{t:?}")), "{t:?} listed twice");
        }
    }

    #[test]
    fn a_leftover_assignee_on_a_reopened_case_means_nothing() {
        let mut c = ctx(CaseStatus::Queued, 0);
        c.assignee = Some(AGENT_A);
        let claim_b = Action::Claim { agent: AGENT_B };
        assert_eq!(
            transition(CaseStatus::Queued, &claim_b, &c),
            Ok(CaseStatus::Claimed)
        );
        let reply_a = Action::Reply { agent: AGENT_A };
        let e = transition(CaseStatus::Queued, &reply_a, &c).unwrap_err();
        assert_eq!(e.reason, Refusal::NotClaimed);
    }

    #[test]
    fn the_whole_journey() {
        let mut status = CaseStatus::INITIAL;
        let mut ctx = ctx(status, 0);
        let steps = [
            Action::AddEvidence { by: MEMBER },
            Action::Submit { by: MEMBER },
            Action::Note { agent: AGENT_B },
            Action::Claim { agent: AGENT_A },
            Action::Reply { agent: AGENT_A },
            Action::Escalate { agent: AGENT_A },
            Action::AddEvidence { by: MEMBER },
            Action::Resolve {
                agent: AGENT_A,
                conclusion: "paid".into(),
            },
            Action::Reopen { by: MEMBER },
            Action::Claim { agent: AGENT_B },
            Action::Resolve {
                agent: AGENT_B,
                conclusion: "paid twice".into(),
            },
        ];
        let mut trail = Vec::new();
        for a in &steps {
            status = transition(status, a, &ctx).unwrap_or_else(|e| panic!("{e}"));
            if let Action::Claim { agent } = a {
                ctx.assignee = Some(*agent);
            }
            if status == CaseStatus::Resolved {
                ctx.resolved_at = Some(ctx.now);
            }
            ctx.now += 60;
            trail.push((a.event().as_str(), status.as_str()));
        }
        assert_eq!(status, CaseStatus::Resolved);
        assert_eq!(trail[8], ("reopened", "queued"));
    }

    #[test]
    fn reopen_needs_a_known_resolution_time_not_in_the_future() {
        let mut c = ctx(CaseStatus::Resolved, RESOLVED_AT + 10);
        c.resolved_at = None;
        let e = transition(CaseStatus::Resolved, &Action::Reopen { by: MEMBER }, &c).unwrap_err();
        assert_eq!(e.reason, Refusal::ReopenWindowClosed);
        let c = ctx(CaseStatus::Resolved, RESOLVED_AT - 1);
        let e = transition(CaseStatus::Resolved, &Action::Reopen { by: MEMBER }, &c).unwrap_err();
        assert_eq!(e.reason, Refusal::ReopenWindowClosed);
    }

    #[test]
    fn a_zero_window_disables_reopening_after_the_same_second() {
        let mut c = ctx(CaseStatus::Resolved, RESOLVED_AT + 1);
        c.reopen_window_secs = 0;
        assert!(transition(CaseStatus::Resolved, &Action::Reopen { by: MEMBER }, &c).is_err());
    }

    #[test]
    fn claimed_case_without_assignee_refuses_agent_verbs() {
        // An inconsistent row must not let any agent act as the owner.
        let mut c = ctx(CaseStatus::Claimed, 0);
        c.assignee = None;
        for a in [
            Action::Reply { agent: AGENT_A },
            Action::Escalate { agent: AGENT_A },
            Action::Resolve {
                agent: AGENT_A,
                conclusion: "x".into(),
            },
        ] {
            assert_eq!(
                transition(CaseStatus::Claimed, &a, &c).unwrap_err().reason,
                Refusal::NotClaimed
            );
        }
    }

    #[test]
    fn error_message_names_status_action_and_reason() {
        let c = ctx(CaseStatus::Queued, 0);
        let e = transition(
            CaseStatus::Queued,
            &Action::Resolve {
                agent: AGENT_A,
                conclusion: "x".into(),
            },
            &c,
        );
        assert_eq!(
            e.unwrap_err().to_string(),
            "cannot resolve a queued case: claim the case first"
        );
        let c = ctx(CaseStatus::Claimed, 0);
        let e = transition(CaseStatus::Claimed, &Action::Claim { agent: AGENT_B }, &c).unwrap_err();
        assert_eq!(
            e.to_string(),
            "cannot claim a claimed case: agent 1001 has the case"
        );
    }

    #[test]
    fn status_names_round_trip_and_unknown_is_named() {
        for s in CaseStatus::ALL {
            assert_eq!(CaseStatus::parse(s.as_str()).unwrap(), s);
            assert_eq!(s.to_string(), s.as_str());
        }
        let e = CaseStatus::parse("reopened").unwrap_err().to_string();
        assert!(e.contains("reopened"), "{e}");
        assert!(CaseStatus::parse("Queued").is_err());
        assert!(
            CaseStatus::ALL
                .iter()
                .filter(|s| !s.is_open())
                .eq([&CaseStatus::Resolved])
        );
    }

    #[test]
    fn event_names_round_trip_and_unknown_is_named() {
        for e in CaseEvent::ALL {
            assert_eq!(CaseEvent::parse(e.as_str()).unwrap(), e);
        }
        assert!(
            CaseEvent::parse("deleted")
                .unwrap_err()
                .to_string()
                .contains("deleted")
        );
        // Every action records a distinct event, and every event has an action.
        let actions = [
            Action::Open,
            Action::AddEvidence { by: MEMBER },
            Action::Submit { by: MEMBER },
            Action::Claim { agent: AGENT_A },
            Action::Reply { agent: AGENT_A },
            Action::Note { agent: AGENT_A },
            Action::Escalate { agent: AGENT_A },
            Action::Resolve {
                agent: AGENT_A,
                conclusion: "x".into(),
            },
            Action::Reopen { by: MEMBER },
        ];
        let events: Vec<_> = actions.iter().map(Action::event).collect();
        assert_eq!(events, CaseEvent::ALL);
    }
}
