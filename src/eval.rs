//! Scores the whole decision pipeline on a labeled corpus (`frontdesk eval`): precision and recall per label, a
//! confusion matrix, recall per secret kind, and intent accuracy for tier one.

use std::collections::BTreeMap;
use std::fmt::Write;

use serde_json::{Value, json};

use crate::classify::{self, Action};
use crate::domain::{Language, Tier};
use crate::library::Library;

/// The labels a corpus line may carry, in report order.
pub const LABELS: [&str; 5] = ["secret", "tier1", "tier2", "tier3", "chatter"];

/// A corpus line that cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct EvalError {
    /// 1-based line.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

/// The result of an evaluation.
#[derive(Debug, Default)]
pub struct Report {
    /// Counts by expected label, then by predicted label.
    pub confusion: BTreeMap<&'static str, BTreeMap<&'static str, usize>>,
    /// kind → (found, total) for secret lines.
    pub kinds: BTreeMap<String, (usize, usize)>,
    /// Tier-one lines with a `kind`: (right intent, total).
    pub intents: (usize, usize),
    /// Lines scored.
    pub total: usize,
}

fn predicted(action: Action) -> &'static str {
    match action {
        Action::Delete => "secret",
        Action::Answer(_) => "tier1",
        Action::Handoff(_, Tier::Two) => "tier2",
        Action::Handoff(_, _) => "tier3",
        Action::Ignore => "chatter",
    }
}

/// Evaluates JSON-lines corpus text.
pub fn evaluate(lib: &Library, corpus: &str, fallback: Language) -> Result<Report, EvalError> {
    let mut r = Report::default();
    for (i, line) in corpus.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let err = |message: String| EvalError {
            line: i + 1,
            message,
        };
        let v: Value = serde_json::from_str(line).map_err(|e| err(format!("not JSON: {e}")))?;
        let text = v["text"]
            .as_str()
            .ok_or_else(|| err("no \"text\" string".into()))?;
        let label_str = v["label"]
            .as_str()
            .ok_or_else(|| err("no \"label\" string".into()))?;
        let label = LABELS
            .iter()
            .find(|l| **l == label_str)
            .copied()
            .ok_or_else(|| {
                err(format!(
                    "label {label_str:?} is not one of {}",
                    LABELS.join(", ")
                ))
            })?;
        let kind = v["kind"].as_str().unwrap_or("");
        let d = classify::decide(lib, text, fallback);
        let got = predicted(d.action);
        *r.confusion
            .entry(label)
            .or_default()
            .entry(got)
            .or_default() += 1;
        r.total += 1;
        if label == "secret" && !kind.is_empty() {
            let e = r.kinds.entry(kind.to_string()).or_default();
            e.1 += 1;
            if d.action == Action::Delete && d.findings.iter().any(|f| f.kind.code() == kind) {
                e.0 += 1;
            }
        }
        if label == "tier1" && !kind.is_empty() {
            r.intents.1 += 1;
            if let Action::Answer(i) = d.action
                && lib.entry(i).id == kind
            {
                r.intents.0 += 1;
            }
        }
    }
    Ok(r)
}

impl Report {
    fn cell(&self, expected: &str, got: &str) -> usize {
        self.confusion
            .get(expected)
            .and_then(|m| m.get(got))
            .copied()
            .unwrap_or(0)
    }

    /// (precision, recall, support) of a label; precision is 1 when nothing was predicted as it.
    pub fn precision_recall(&self, label: &str) -> (f64, f64, usize) {
        let tp = self.cell(label, label);
        let predicted: usize = LABELS.iter().map(|e| self.cell(e, label)).sum();
        let support: usize = LABELS.iter().map(|g| self.cell(label, g)).sum();
        let p = if predicted == 0 {
            1.0
        } else {
            tp as f64 / predicted as f64
        };
        let r = if support == 0 {
            1.0
        } else {
            tp as f64 / support as f64
        };
        (p, r, support)
    }

    /// Share of chatter lines that would be deleted.
    pub fn chatter_deleted(&self) -> f64 {
        let (_, _, n) = self.precision_recall("chatter");
        if n == 0 {
            0.0
        } else {
            self.cell("chatter", "secret") as f64 / n as f64
        }
    }

    /// The human-readable report.
    pub fn to_table(&self) -> String {
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} lines\n\n{:<8} {:>9} {:>7} {:>7}",
            self.total, "label", "precision", "recall", "support"
        );
        for l in LABELS {
            let (p, r, n) = self.precision_recall(l);
            let _ = writeln!(s, "{l:<8} {p:>9.3} {r:>7.3} {n:>7}");
        }
        let _ = writeln!(
            s,
            "\nconfusion (rows: expected, columns: predicted)\n{:<8} {}",
            "",
            LABELS.map(|l| format!("{l:>8}")).join("")
        );
        for e in LABELS {
            let _ = writeln!(
                s,
                "{e:<8} {}",
                LABELS.map(|g| format!("{:>8}", self.cell(e, g))).join("")
            );
        }
        if !self.kinds.is_empty() {
            let _ = writeln!(s, "\nsecret recall by kind");
            for (k, (found, total)) in &self.kinds {
                let _ = writeln!(
                    s,
                    "{k:<18} {:>6.3} ({found}/{total})",
                    *found as f64 / (*total).max(1) as f64
                );
            }
        }
        if self.intents.1 > 0 {
            let _ = writeln!(
                s,
                "\ntier1 intent accuracy {:.3} ({}/{})",
                self.intents.0 as f64 / self.intents.1 as f64,
                self.intents.0,
                self.intents.1
            );
        }
        let _ = writeln!(s, "chatter deleted {:.4}", self.chatter_deleted());
        s
    }

    /// The JSON summary.
    pub fn to_json(&self) -> Value {
        let labels: serde_json::Map<String, Value> = LABELS
            .iter()
            .map(|l| {
                let (p, r, n) = self.precision_recall(l);
                (
                    l.to_string(),
                    json!({"precision": p, "recall": r, "support": n}),
                )
            })
            .collect();
        let confusion: serde_json::Map<String, Value> = LABELS
            .iter()
            .map(|e| {
                (
                    e.to_string(),
                    json!(
                        LABELS
                            .iter()
                            .map(|g| (g.to_string(), json!(self.cell(e, g))))
                            .collect::<serde_json::Map<_, _>>()
                    ),
                )
            })
            .collect();
        let kinds: serde_json::Map<String, Value> = self
            .kinds
            .iter()
            .map(|(k, (f, t))| {
                (
                    k.clone(),
                    json!({"recall": *f as f64 / (*t).max(1) as f64, "found": f, "total": t}),
                )
            })
            .collect();
        json!({
            "lines": self.total,
            "labels": labels,
            "confusion": confusion,
            "secret_kinds": kinds,
            "tier1_intent_accuracy": if self.intents.1 == 0 { Value::Null } else { json!(self.intents.0 as f64 / self.intents.1 as f64) },
            "chatter_deleted": self.chatter_deleted(),
        })
    }
}
