//! The classifier: one message in, one [`Decision`] out. Pure: the bot, `frontdesk classify`, `eval` and the
//! library's own `check` all call [`decide`], so what `check` proves is what the bot does.
//!
//! Order of precedence: a validated secret deletes (nothing else matters); otherwise the best library entry wins —
//! higher tier first (a message that mentions a frozen account is never answered with the registration link),
//! then more matching patterns, then the entry's `priority`, then file order. Entries marked `question` only
//! answer messages that read as questions, so "KYC 终于过了" gets nothing.

mod question;

use std::sync::LazyLock;

use serde::Serialize;

use crate::domain::{Confidence, Finding, Language, Tier};
use crate::library::Library;
use crate::text;

pub use question::is_question;

/// What to do with a message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// It holds a validated secret: delete it.
    Delete,
    /// A tier-one question: answer with this entry (library index).
    Answer(usize),
    /// A tier-two or tier-three matter: move it to a private case for this entry.
    Handoff(usize, Tier),
    /// Nothing to do.
    Ignore,
}

/// A full decision: the action, the language to answer in, and every secret finding (borderline ones included,
/// for moderator alerts).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Decision {
    /// What to do.
    pub action: Action,
    /// The message's language (or the fallback).
    pub language: Language,
    /// Guard findings, never holding the secret.
    pub findings: Vec<Finding>,
}

impl Decision {
    /// True when some finding is only borderline and nothing was validated (alert moderators, leave the message).
    pub fn borderline_only(&self) -> bool {
        !self.findings.is_empty()
            && self
                .findings
                .iter()
                .all(|f| f.confidence == Confidence::Borderline)
    }
}

/// Decides what to do with a raw message text. `fallback` is the language used when the text has none.
pub fn decide(lib: &Library, raw: &str, fallback: Language) -> Decision {
    let normalized = text::normalize(raw);
    decide_normalized(lib, raw, &normalized, fallback)
}

/// [`decide`] for a caller that already normalized the text.
pub fn decide_normalized(
    lib: &Library,
    raw: &str,
    normalized: &str,
    fallback: Language,
) -> Decision {
    let language = text::detect_language(normalized).unwrap_or(fallback);
    let findings = crate::guard::scan_message(raw, normalized);
    if findings
        .iter()
        .any(|f| f.confidence == Confidence::Validated)
    {
        return Decision {
            action: Action::Delete,
            language,
            findings,
        };
    }
    let action = match best_entry(lib, normalized) {
        Some(i) => match lib.entry(i).tier {
            Tier::One => Action::Answer(i),
            tier => Action::Handoff(i, tier),
        },
        None => Action::Ignore,
    };
    Decision {
        action,
        language,
        findings,
    }
}

/// The library entry a normalized message belongs to, if any (secrets not considered).
pub fn best_entry(lib: &Library, normalized: &str) -> Option<usize> {
    let mut candidates: Vec<u32> = Vec::new();
    for m in lib.prefilter.find_overlapping_iter(normalized) {
        candidates.extend_from_slice(&lib.literal_patterns[m.pattern().as_usize()]);
    }
    candidates.extend_from_slice(&lib.unfiltered);
    if candidates.is_empty() {
        return None;
    }
    candidates.sort_unstable();
    candidates.dedup();
    let mut question: Option<bool> = None;
    // (entry, score): a handful at most, so a linear scan beats a map.
    let mut scores: Vec<(usize, u32)> = Vec::new();
    for pid in candidates {
        let p = &lib.patterns[pid as usize];
        if let Some(s) = scores.iter_mut().find(|(e, _)| *e == p.entry) {
            if p.regex.is_match(normalized) {
                s.1 += 1;
            }
            continue;
        }
        let entry = lib.entry(p.entry);
        if entry.question && !*question.get_or_insert_with(|| is_question(normalized)) {
            continue;
        }
        if p.regex.is_match(normalized) {
            scores.push((p.entry, 1));
        }
    }
    scores
        .into_iter()
        .max_by(|a, b| {
            let (ea, eb) = (lib.entry(a.0), lib.entry(b.0));
            ea.tier
                .cmp(&eb.tier)
                .then(a.1.cmp(&b.1))
                .then(ea.priority.cmp(&eb.priority))
                .then(b.0.cmp(&a.0))
        })
        .map(|(e, _)| e)
}

/// The JSON shape of DESIGN §3 (`frontdesk classify`).
#[derive(Serialize)]
pub struct DecisionJson {
    /// answer | handoff | delete | ignore
    pub action: &'static str,
    /// 1, 2, 3 or null.
    pub tier: Option<u8>,
    /// Library entry id or null.
    pub intent: Option<String>,
    /// zh | en
    pub language: Language,
    /// Findings: kind and rule only.
    pub findings: Vec<FindingJson>,
}

/// A finding as printed: never the secret, never its position in the text.
#[derive(Serialize)]
pub struct FindingJson {
    /// Secret kind.
    pub kind: &'static str,
    /// Detector rule.
    pub rule: &'static str,
    /// validated | borderline
    pub confidence: Confidence,
}

impl Decision {
    /// The printable form.
    pub fn to_json(&self, lib: &Library) -> DecisionJson {
        let (action, tier, intent) = match self.action {
            Action::Delete => ("delete", None, None),
            Action::Answer(i) => ("answer", Some(1), Some(lib.entry(i).id.clone())),
            Action::Handoff(i, t) => ("handoff", Some(t.number()), Some(lib.entry(i).id.clone())),
            Action::Ignore => ("ignore", None, None),
        };
        DecisionJson {
            action,
            tier,
            intent,
            language: self.language,
            findings: self
                .findings
                .iter()
                .map(|f| FindingJson {
                    kind: f.kind.code(),
                    rule: f.rule,
                    confidence: f.confidence,
                })
                .collect(),
        }
    }
}

/// Runs every entry's examples and not_examples through [`decide`]: the library testing itself.
pub fn self_test(lib: &Library) -> Vec<crate::library::Problem> {
    let mut problems = Vec::new();
    for (i, e) in lib.entries().iter().enumerate() {
        for lang in [Language::Zh, Language::En] {
            let block = e.lang(lang);
            for ex in &block.examples {
                let d = decide(lib, &ex.text, lang);
                let got = match d.action {
                    Action::Answer(j) | Action::Handoff(j, _) if j == i => continue,
                    Action::Answer(j) | Action::Handoff(j, _) => lib.entry(j).id.clone(),
                    Action::Delete => "delete (secret)".into(),
                    Action::Ignore => "nothing".into(),
                };
                problems.push(crate::library::Problem {
                    file: e.file.clone(),
                    line: ex.line,
                    message: format!(
                        "{}: example {:?} classifies to {got}, not to {}",
                        lang.code(),
                        ex.text,
                        e.id
                    ),
                });
            }
            for ex in &block.not_examples {
                let d = decide(lib, &ex.text, lang);
                let got = match d.action {
                    Action::Ignore => continue,
                    Action::Answer(j) | Action::Handoff(j, _) => lib.entry(j).id.clone(),
                    Action::Delete => "delete (secret)".into(),
                };
                problems.push(crate::library::Problem {
                    file: e.file.clone(),
                    line: ex.line,
                    message: format!(
                        "{}: not_example {:?} classifies to {got}, not to nothing",
                        lang.code(),
                        ex.text
                    ),
                });
            }
        }
    }
    problems
}

/// Forces lazy statics (guard wordlists, question markers) so the first message does not pay for them.
pub fn warm_up() {
    LazyLock::force(&question::MARKERS);
    let _ = crate::guard::scan_message("warm up", "warm up");
}
