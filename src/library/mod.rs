//! The standard-reply library: TOML files in `replies/`, one topic per file, Chinese and English side by side.
//!
//! Loading is all-or-nothing: a library with any problem is refused as a whole (with every problem listed, each
//! naming its file and line), so a broken file can never replace a working library. Patterns are compiled once
//! here, together with the keyword prefilter the classifier runs in front of them.

mod literals;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::{Path, PathBuf};

use aho_corasick::AhoCorasick;
use regex::Regex;
use serde::Deserialize;

use crate::domain::{Language, Tier};

/// One problem in the library, with where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Problem {
    /// The file.
    pub file: PathBuf,
    /// 1-based line, 0 when the problem is about the whole file.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}", self.file.display(), self.line, self.message)
        } else {
            write!(f, "{}: {}", self.file.display(), self.message)
        }
    }
}

/// Why a library could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    /// The folder could not be read.
    #[error("cannot read reply library {dir}: {source}")]
    Dir {
        /// The folder.
        dir: String,
        /// Why.
        source: std::io::Error,
    },
    /// One or more files have problems; all are listed.
    #[error("reply library has {} problem(s): {}", .0.len(), join_problems(.0))]
    Problems(Vec<Problem>),
}

fn join_problems(p: &[Problem]) -> String {
    p.iter()
        .map(|p| p.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawEntry {
    id: toml::Spanned<String>,
    tier: toml::Spanned<i64>,
    question: Option<bool>,
    #[serde(default)]
    evidence: Vec<toml::Spanned<String>>,
    #[serde(default)]
    priority: i32,
    zh: Option<RawLang>,
    en: Option<RawLang>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLang {
    patterns: Vec<toml::Spanned<String>>,
    answer: toml::Spanned<String>,
    #[serde(default)]
    examples: Vec<toml::Spanned<String>>,
    #[serde(default)]
    not_examples: Vec<toml::Spanned<String>>,
}

/// A text with the line it was written on (for `check` messages).
#[derive(Clone, Debug)]
pub struct Located {
    /// The text.
    pub text: String,
    /// 1-based line in the entry's file.
    pub line: usize,
}

/// One language half of an entry.
#[derive(Clone, Debug)]
pub struct LangBlock {
    /// Regexes over normalized text.
    pub patterns: Vec<Located>,
    /// The standard answer (tier 1) or the private-chat guidance (tiers 2 and 3), with `{links.NAME}` placeholders.
    pub answer: Located,
    /// Messages that must classify to this entry.
    pub examples: Vec<Located>,
    /// Messages that must classify to nothing.
    pub not_examples: Vec<Located>,
}

/// One topic of the library.
#[derive(Clone, Debug)]
pub struct Entry {
    /// Stable id (`register_link`, `reward_missing`, …).
    pub id: String,
    /// SOP tier.
    pub tier: Tier,
    /// Only answer messages that read as questions (default: true for tier 1, false otherwise).
    pub question: bool,
    /// Evidence checklist names for private cases (tiers 2 and 3).
    pub evidence: Vec<String>,
    /// Tie-break weight: higher wins among entries of the same tier and score.
    pub priority: i32,
    /// Chinese half.
    pub zh: LangBlock,
    /// English half.
    pub en: LangBlock,
    /// The file it came from.
    pub file: PathBuf,
}

impl Entry {
    /// The half for a language.
    pub fn lang(&self, lang: Language) -> &LangBlock {
        match lang {
            Language::Zh => &self.zh,
            Language::En => &self.en,
        }
    }
}

/// One compiled pattern.
#[derive(Debug)]
pub(crate) struct Pattern {
    pub(crate) entry: usize,
    pub(crate) regex: Regex,
}

/// The loaded, compiled library.
#[derive(Debug)]
pub struct Library {
    entries: Vec<Entry>,
    pub(crate) patterns: Vec<Pattern>,
    /// Keyword prefilter: literal index → patterns that need it.
    pub(crate) prefilter: AhoCorasick,
    pub(crate) literal_patterns: Vec<Vec<u32>>,
    /// Patterns with no literal every match must contain: always run.
    pub(crate) unfiltered: Vec<u32>,
    warnings: Vec<Problem>,
}

impl Library {
    /// Loads every `*.toml` in `dir`, compiles it, and lints it against the configured link names.
    /// Any problem refuses the whole library.
    pub fn load(dir: &Path, link_names: &[String]) -> Result<Library, LibraryError> {
        Library::load_with(dir, link_names, true)
    }

    /// As [`Library::load`]; with `strict_links` false, a placeholder without a configured link is a warning
    /// (a first run with no config file at all still starts; `check` with a config is strict).
    pub fn load_with(
        dir: &Path,
        link_names: &[String],
        strict_links: bool,
    ) -> Result<Library, LibraryError> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|source| LibraryError::Dir {
                dir: dir.display().to_string(),
                source,
            })?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        let mut sources = Vec::with_capacity(files.len());
        let mut problems = Vec::new();
        for f in files {
            match std::fs::read_to_string(&f) {
                Ok(text) => sources.push((f, text)),
                Err(e) => problems.push(Problem {
                    file: f,
                    line: 0,
                    message: format!("cannot read: {e}"),
                }),
            }
        }
        if !problems.is_empty() {
            return Err(LibraryError::Problems(problems));
        }
        Library::from_sources_with(&sources, link_names, strict_links)
    }

    /// Builds a library from `(file name, TOML text)` pairs: the same checks as [`Library::load`].
    pub fn from_sources(
        sources: &[(PathBuf, String)],
        link_names: &[String],
    ) -> Result<Library, LibraryError> {
        Library::from_sources_with(sources, link_names, true)
    }

    fn from_sources_with(
        sources: &[(PathBuf, String)],
        link_names: &[String],
        strict_links: bool,
    ) -> Result<Library, LibraryError> {
        let mut link_warnings = Vec::new();
        let mut problems = Vec::new();
        let mut entries = Vec::new();
        for (file, text) in sources {
            match parse_entry(file, text) {
                Ok(e) => entries.push(e),
                Err(mut p) => problems.append(&mut p),
            }
        }
        let mut seen: BTreeMap<&str, &Path> = BTreeMap::new();
        for e in &entries {
            if let Some(first) = seen.insert(&e.id, &e.file) {
                problems.push(Problem {
                    file: e.file.clone(),
                    line: 1,
                    message: format!("duplicate id `{}` (also in {})", e.id, first.display()),
                });
            }
        }
        if entries.is_empty() && problems.is_empty() {
            problems.push(Problem {
                file: PathBuf::from("replies"),
                line: 0,
                message: "no reply files (*.toml)".into(),
            });
        }
        let known_links: BTreeSet<&str> = link_names.iter().map(|s| s.as_str()).collect();
        for e in &entries {
            for lang in [Language::Zh, Language::En] {
                let answer = &e.lang(lang).answer;
                for name in placeholders(&answer.text) {
                    if !known_links.contains(name) {
                        let list = if strict_links {
                            &mut problems
                        } else {
                            &mut link_warnings
                        };
                        list.push(Problem {
                            file: e.file.clone(),
                            line: answer.line,
                            message: format!(
                                "{}: answer uses {{links.{name}}} but config has no links.{name}",
                                lang.code()
                            ),
                        });
                    }
                }
            }
        }
        let mut patterns = Vec::new();
        let mut literals: Vec<String> = Vec::new();
        let mut literal_index: BTreeMap<String, usize> = BTreeMap::new();
        let mut literal_patterns: Vec<Vec<u32>> = Vec::new();
        let mut unfiltered = Vec::new();
        let mut warnings = link_warnings;
        for (ei, e) in entries.iter().enumerate() {
            for p in e.zh.patterns.iter().chain(&e.en.patterns) {
                let here = |message: String| Problem {
                    file: e.file.clone(),
                    line: p.line,
                    message,
                };
                if let Some(why) = literals::slow_construct(&p.text) {
                    problems.push(here(format!("pattern {:?} {why}", p.text)));
                    continue;
                }
                let regex = match regex::RegexBuilder::new(&p.text)
                    .size_limit(1 << 20)
                    .build()
                {
                    Ok(r) => r,
                    Err(err) => {
                        let msg = err
                            .to_string()
                            .lines()
                            .last()
                            .unwrap_or("")
                            .trim()
                            .to_string();
                        problems.push(here(format!(
                            "pattern {:?} does not compile: {msg}",
                            p.text
                        )));
                        continue;
                    }
                };
                if regex.is_match("") {
                    problems.push(here(format!("pattern {:?} matches empty text", p.text)));
                    continue;
                }
                let pid = patterns.len() as u32;
                match literals::required(&p.text) {
                    Some(set) => {
                        for lit in set {
                            let li = *literal_index.entry(lit.clone()).or_insert_with(|| {
                                literals.push(lit);
                                literal_patterns.push(Vec::new());
                                literals.len() - 1
                            });
                            literal_patterns[li].push(pid);
                        }
                    }
                    None => {
                        warnings.push(here(format!(
                            "pattern {:?} has no required keyword, so it runs on every message (slow path)",
                            p.text
                        )));
                        unfiltered.push(pid);
                    }
                }
                patterns.push(Pattern { entry: ei, regex });
            }
        }
        if !problems.is_empty() {
            return Err(LibraryError::Problems(problems));
        }
        let prefilter = AhoCorasick::builder()
            .match_kind(aho_corasick::MatchKind::Standard)
            .build(&literals)
            .expect("literal prefilter builds");
        for list in &mut literal_patterns {
            list.dedup();
        }
        Ok(Library {
            entries,
            patterns,
            prefilter,
            literal_patterns,
            unfiltered,
            warnings,
        })
    }

    /// Every entry, in file-name order.
    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entry with this id.
    pub fn get(&self, id: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.id == id)
    }

    /// Entry by index (as classify reports it).
    pub fn entry(&self, index: usize) -> &Entry {
        &self.entries[index]
    }

    /// Non-fatal lint findings (patterns off the fast path).
    pub fn warnings(&self) -> &[Problem] {
        &self.warnings
    }

    /// Number of compiled patterns.
    pub fn pattern_count(&self) -> usize {
        self.patterns.len()
    }

    /// Renders an entry's answer in a language with a chat's links.
    pub fn render(
        &self,
        entry: &Entry,
        lang: Language,
        links: &BTreeMap<String, String>,
    ) -> String {
        render_links(&entry.lang(lang).answer.text, links)
    }
}

/// Substitutes `{links.NAME}`; a name with no configured link becomes a pointer to the official website
/// (`check` reports it as a problem whenever a config has links).
pub fn render_links(text: &str, links: &BTreeMap<String, String>) -> String {
    let mut out = String::with_capacity(text.len() + 64);
    let mut rest = text;
    while let Some(start) = rest.find("{links.") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 7..];
        match after.find('}') {
            Some(end) => {
                let name = &after[..end];
                match links.get(name) {
                    Some(url) => out.push_str(url),
                    None => out.push_str("(official website / 官网)"),
                }
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(start) = rest.find("{links.") {
        let after = &rest[start + 7..];
        match after.find('}') {
            Some(end) => {
                out.push(&after[..end]);
                rest = &after[end + 1..];
            }
            None => break,
        }
    }
    out
}

fn line_of(text: &str, offset: usize) -> usize {
    text[..offset.min(text.len())].matches('\n').count() + 1
}

fn parse_entry(file: &Path, text: &str) -> Result<Entry, Vec<Problem>> {
    let problem = |line: usize, message: String| Problem {
        file: file.to_path_buf(),
        line,
        message,
    };
    let raw: RawEntry = toml::from_str(text).map_err(|e| {
        let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
        vec![problem(line, e.message().to_string())]
    })?;
    let mut problems = Vec::new();
    let id_line = line_of(text, raw.id.span().start);
    let id = raw.id.into_inner();
    if id.is_empty()
        || !id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
    {
        problems.push(problem(
            id_line,
            format!("id {id:?} must be lowercase letters, digits and _"),
        ));
    }
    let tier_line = line_of(text, raw.tier.span().start);
    let tier = match Tier::parse(*raw.tier.get_ref()) {
        Ok(t) => t,
        Err(e) => {
            problems.push(problem(tier_line, e.to_string()));
            Tier::One
        }
    };
    let mut evidence = Vec::new();
    for ev in raw.evidence {
        let line = line_of(text, ev.span().start);
        let name = ev.into_inner();
        if let Err(e) = crate::cases::EvidenceKind::parse(&name) {
            problems.push(problem(line, e.to_string()));
        }
        evidence.push(name);
    }
    if tier != Tier::One && evidence.is_empty() {
        problems.push(problem(
            tier_line,
            "tier 2 and 3 entries need an `evidence` checklist".into(),
        ));
    }
    let mut block = |raw: Option<RawLang>, lang: Language| -> Option<LangBlock> {
        let Some(raw) = raw else {
            problems.push(problem(
                0,
                format!(
                    "missing [{}] section (both zh and en are required)",
                    lang.code()
                ),
            ));
            return None;
        };
        let loc = |s: toml::Spanned<String>| Located {
            line: line_of(text, s.span().start),
            text: s.into_inner(),
        };
        let answer = loc(raw.answer);
        if answer.text.trim().is_empty() {
            problems.push(problem(
                answer.line,
                format!("{}: answer is empty", lang.code()),
            ));
        }
        let patterns: Vec<Located> = raw.patterns.into_iter().map(loc).collect();
        if patterns.is_empty() {
            problems.push(problem(0, format!("{}: no patterns", lang.code())));
        }
        Some(LangBlock {
            patterns,
            answer,
            examples: raw.examples.into_iter().map(loc).collect(),
            not_examples: raw.not_examples.into_iter().map(loc).collect(),
        })
    };
    let zh = block(raw.zh, Language::Zh);
    let en = block(raw.en, Language::En);
    match (zh, en) {
        (Some(zh), Some(en)) if problems.is_empty() => Ok(Entry {
            id,
            tier,
            question: raw.question.unwrap_or(tier == Tier::One),
            evidence,
            priority: raw.priority,
            zh,
            en,
            file: file.to_path_buf(),
        }),
        _ => Err(problems),
    }
}

#[cfg(test)]
mod tests;
