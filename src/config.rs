//! The operator's configuration: one TOML file, every key optional, plus environment overrides.
//!
//! Parsing goes `RawConfig` (serde, unknown keys refused) → [`Config`] (checked values), so a typo in the file is
//! reported with its file, line and key instead of being silently ignored.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::domain::{ChatId, Language, UserId};

/// A configuration problem, always naming where it is.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read config file {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// TOML syntax, an unknown key or a wrong type.
    #[error("{path}:{line}: key `{key}`: {message}")]
    Parse {
        /// The file.
        path: String,
        /// 1-based line.
        line: usize,
        /// The key on that line (or the table header).
        key: String,
        /// What is wrong.
        message: String,
    },
    /// A value of the right type that still makes no sense.
    #[error("{path}: key `{key}`: {message}")]
    Invalid {
        /// The file.
        path: String,
        /// The key.
        key: String,
        /// What is wrong.
        message: String,
    },
}

/// Whether the bot acts in a group or only says what it would have done.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    /// Answer, hand off and delete.
    #[default]
    Active,
    /// Decide, record and alert moderators, but send nothing to the group.
    Shadow,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    database_url: Option<String>,
    replies_dir: Option<PathBuf>,
    default_language: Option<Language>,
    #[serde(default)]
    agents: Vec<i64>,
    #[serde(default)]
    moderators: Vec<i64>,
    #[serde(default)]
    links: BTreeMap<String, String>,
    cooldown_secs: Option<i64>,
    retention_days: Option<i64>,
    #[serde(default)]
    guard: RawGuard,
    #[serde(default)]
    cases: RawCases,
    #[serde(default)]
    outbox: RawOutbox,
    #[serde(default)]
    groups: BTreeMap<String, RawGroup>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGuard {
    notice_ttl_secs: Option<i64>,
    split_window_secs: Option<i64>,
    split_max_messages: Option<usize>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawCases {
    token_ttl_days: Option<i64>,
    reopen_days: Option<i64>,
    #[serde(default)]
    order_patterns: Vec<String>,
    #[serde(default)]
    ticket_patterns: Vec<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOutbox {
    group_per_minute: Option<u32>,
    global_per_second: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGroup {
    language: Option<Language>,
    mode: Option<Mode>,
    #[serde(default)]
    links: BTreeMap<String, String>,
}

/// Per-group overrides.
#[derive(Clone, Debug, Default)]
pub struct GroupConfig {
    /// Answer language when a message's own language cannot be told.
    pub language: Option<Language>,
    /// Active or shadow.
    pub mode: Mode,
    /// Links that replace the global ones in this group.
    pub links: BTreeMap<String, String>,
}

/// Secret-guard tuning.
#[derive(Clone, Debug)]
pub struct GuardConfig {
    /// Seconds before the bot's "message removed" notice deletes itself.
    pub notice_ttl_secs: i64,
    /// How far back a member's messages are scanned together for split secrets.
    pub split_window_secs: i64,
    /// How many of a member's last messages are scanned together.
    pub split_max_messages: usize,
}

/// Private-case tuning.
#[derive(Clone, Debug)]
pub struct CasesConfig {
    /// Days a deep-link token stays valid.
    pub token_ttl_days: i64,
    /// Days after resolution during which the member may reopen a case.
    pub reopen_days: i64,
    /// Extra regexes that recognise order numbers in evidence.
    pub order_patterns: Vec<String>,
    /// Extra regexes that recognise ticket numbers in evidence.
    pub ticket_patterns: Vec<String>,
}

/// Outgoing rate limits (Telegram's are about 20 messages a minute per group and 30 a second overall).
#[derive(Clone, Debug)]
pub struct OutboxConfig {
    /// Messages per minute into one group.
    pub group_per_minute: u32,
    /// Messages per second overall.
    pub global_per_second: u32,
}

/// The checked configuration the app runs on.
#[derive(Clone, Debug)]
pub struct Config {
    /// Where the file came from (for messages), or `<defaults>`.
    pub source: String,
    /// sqlx URL; `FRONTDESK_DATABASE_URL` wins over the file.
    pub database_url: String,
    /// Folder of reply-library TOML files.
    pub replies_dir: PathBuf,
    /// Language used when a message's own cannot be told.
    pub default_language: Language,
    /// Users allowed to run agent commands in private.
    pub agents: Vec<UserId>,
    /// Users who get alert DMs.
    pub moderators: Vec<UserId>,
    /// `{links.NAME}` substitutions.
    pub links: BTreeMap<String, String>,
    /// A repeat of the same answer in one chat within this many seconds gets a pointer instead.
    pub cooldown_secs: i64,
    /// Days question records are kept for the weekly review.
    pub retention_days: i64,
    /// Guard tuning.
    pub guard: GuardConfig,
    /// Case tuning.
    pub cases: CasesConfig,
    /// Sender limits.
    pub outbox: OutboxConfig,
    /// Overrides by chat id.
    pub groups: BTreeMap<ChatId, GroupConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config::from_raw(RawConfig::default(), "<defaults>").expect("defaults are valid")
    }
}

impl Config {
    /// Reads and checks a config file.
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Config::parse(&text, &path.display().to_string())
    }

    /// Parses config text; `source` names it in error messages.
    pub fn parse(text: &str, source: &str) -> Result<Config, ConfigError> {
        let raw: RawConfig = toml::from_str(text).map_err(|e| parse_error(text, source, &e))?;
        Config::from_raw(raw, source)
    }

    /// Applies environment overrides (`FRONTDESK_DATABASE_URL`).
    pub fn apply_env(&mut self) {
        if let Ok(url) = std::env::var("FRONTDESK_DATABASE_URL")
            && !url.trim().is_empty()
        {
            self.database_url = url;
        }
    }

    fn from_raw(raw: RawConfig, source: &str) -> Result<Config, ConfigError> {
        let invalid = |key: &str, message: String| ConfigError::Invalid {
            path: source.to_string(),
            key: key.to_string(),
            message,
        };
        let positive = |key: &str, v: Option<i64>, default: i64| -> Result<i64, ConfigError> {
            match v {
                None => Ok(default),
                Some(n) if n > 0 => Ok(n),
                Some(n) => Err(invalid(key, format!("must be positive, got {n}"))),
            }
        };
        let mut groups = BTreeMap::new();
        for (id, g) in raw.groups {
            let chat: i64 = id.trim().parse().map_err(|_| {
                invalid(
                    &format!("groups.\"{id}\""),
                    "group keys are numeric chat ids like \"-1001234567890\"".into(),
                )
            })?;
            groups.insert(
                ChatId(chat),
                GroupConfig {
                    language: g.language,
                    mode: g.mode.unwrap_or_default(),
                    links: g.links,
                },
            );
        }
        for (name, url) in &raw.links {
            if url.trim().is_empty() {
                return Err(invalid(&format!("links.{name}"), "is empty".into()));
            }
        }
        let split_max = raw.guard.split_max_messages.unwrap_or(5);
        if split_max == 0 {
            return Err(invalid(
                "guard.split_max_messages",
                "must be at least 1".into(),
            ));
        }
        for (key, list) in [
            ("cases.order_patterns", &raw.cases.order_patterns),
            ("cases.ticket_patterns", &raw.cases.ticket_patterns),
        ] {
            for p in list {
                if let Err(e) = regex::Regex::new(p) {
                    return Err(invalid(key, format!("pattern {p:?} does not compile: {e}")));
                }
            }
        }
        Ok(Config {
            source: source.to_string(),
            database_url: raw
                .database_url
                .unwrap_or_else(|| "sqlite://frontdesk.db".to_string()),
            replies_dir: raw.replies_dir.unwrap_or_else(|| PathBuf::from("replies")),
            default_language: raw.default_language.unwrap_or(Language::Zh),
            agents: raw.agents.into_iter().map(UserId).collect(),
            moderators: raw.moderators.into_iter().map(UserId).collect(),
            links: raw.links,
            cooldown_secs: positive("cooldown_secs", raw.cooldown_secs, 600)?,
            retention_days: positive("retention_days", raw.retention_days, 30)?,
            guard: GuardConfig {
                notice_ttl_secs: positive("guard.notice_ttl_secs", raw.guard.notice_ttl_secs, 60)?,
                split_window_secs: positive(
                    "guard.split_window_secs",
                    raw.guard.split_window_secs,
                    120,
                )?,
                split_max_messages: split_max,
            },
            cases: CasesConfig {
                token_ttl_days: positive("cases.token_ttl_days", raw.cases.token_ttl_days, 7)?,
                reopen_days: positive("cases.reopen_days", raw.cases.reopen_days, 14)?,
                order_patterns: raw.cases.order_patterns,
                ticket_patterns: raw.cases.ticket_patterns,
            },
            outbox: OutboxConfig {
                group_per_minute: raw.outbox.group_per_minute.unwrap_or(20).max(1),
                global_per_second: raw.outbox.global_per_second.unwrap_or(30).max(1),
            },
            groups,
        })
    }

    /// The overrides for a chat, if any.
    pub fn group(&self, chat: ChatId) -> Option<&GroupConfig> {
        self.groups.get(&chat)
    }

    /// Active or shadow for a chat.
    pub fn mode(&self, chat: ChatId) -> Mode {
        self.group(chat).map(|g| g.mode).unwrap_or_default()
    }

    /// The link table for a chat: global links with the group's own on top.
    pub fn links_for(&self, chat: ChatId) -> BTreeMap<String, String> {
        let mut links = self.links.clone();
        if let Some(g) = self.group(chat) {
            links.extend(g.links.iter().map(|(k, v)| (k.clone(), v.clone())));
        }
        links
    }

    /// Every link name known anywhere in the config (for the library's placeholder lint).
    pub fn link_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.links.keys().cloned().collect();
        for g in self.groups.values() {
            names.extend(g.links.keys().cloned());
        }
        names.sort();
        names.dedup();
        names
    }

    /// The fallback language of a chat.
    pub fn language_for(&self, chat: ChatId) -> Language {
        self.group(chat)
            .and_then(|g| g.language)
            .unwrap_or(self.default_language)
    }

    /// True when the user is an agent.
    pub fn is_agent(&self, user: UserId) -> bool {
        self.agents.contains(&user)
    }

    /// True when the user is a moderator.
    pub fn is_moderator(&self, user: UserId) -> bool {
        self.moderators.contains(&user)
    }
}

fn parse_error(text: &str, source: &str, e: &toml::de::Error) -> ConfigError {
    let (line, key) = match e.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].matches('\n').count() + 1;
            let line_text = text.lines().nth(line - 1).unwrap_or("");
            (line, key_of_line(line_text))
        }
        None => (0, String::new()),
    };
    ConfigError::Parse {
        path: source.to_string(),
        line,
        key,
        message: e.message().to_string(),
    }
}

/// The key a TOML line sets, or the table it opens.
fn key_of_line(line: &str) -> String {
    let t = line.trim();
    if let Some(header) = t.strip_prefix('[') {
        return header
            .trim_end_matches(']')
            .trim_matches(['[', ']'])
            .trim()
            .to_string();
    }
    t.split('=').next().unwrap_or("").trim().to_string()
}

/// Hides the password in a database URL before it reaches a log line.
pub fn redact_url(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("***"));
            u.to_string()
        }
        Ok(u) => u.to_string(),
        Err(_) => "<unparsable url>".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_file_gives_defaults() {
        let c = Config::parse("", "t.toml").unwrap();
        assert_eq!(c.database_url, "sqlite://frontdesk.db");
        assert_eq!(c.default_language, Language::Zh);
        assert_eq!(c.cooldown_secs, 600);
        assert_eq!(c.retention_days, 30);
        assert_eq!(c.cases.token_ttl_days, 7);
        assert_eq!(c.outbox.group_per_minute, 20);
    }

    #[test]
    fn unknown_key_names_file_line_and_key() {
        let text = "database_url = \"sqlite://x.db\"\n\ncooldown_sec = 5\n";
        let e = Config::parse(text, "bot.toml").unwrap_err().to_string();
        assert!(e.starts_with("bot.toml:3: key `cooldown_sec`:"), "{e}");
        assert!(e.contains("unknown field"), "{e}");
    }

    #[test]
    fn wrong_type_names_file_line_and_key() {
        let text = "agents = [1, 2]\nmoderators = \"2001\"\n";
        let e = Config::parse(text, "bot.toml").unwrap_err().to_string();
        assert!(e.starts_with("bot.toml:2: key `moderators`:"), "{e}");
    }

    #[test]
    fn unknown_key_in_group_table() {
        let text = "[groups.\"-100\"]\nlanguage = \"en\"\nmood = \"shadow\"\n";
        let e = Config::parse(text, "g.toml").unwrap_err().to_string();
        assert!(e.starts_with("g.toml:3: key `mood`:"), "{e}");
    }

    #[test]
    fn bad_language_value_is_reported() {
        let e = Config::parse("default_language = \"fr\"\n", "l.toml")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("l.toml:1: key `default_language`:"), "{e}");
    }

    #[test]
    fn group_overrides_apply() {
        let text = r#"
default_language = "en"
[links]
register = "https://a.example/r"
ticket = "https://a.example/t"
[groups."-1001"]
language = "zh"
mode = "shadow"
[groups."-1001".links]
register = "https://b.example/r"
"#;
        let c = Config::parse(text, "t").unwrap();
        let g = ChatId(-1001);
        assert_eq!(c.mode(g), Mode::Shadow);
        assert_eq!(c.mode(ChatId(-5)), Mode::Active);
        assert_eq!(c.language_for(g), Language::Zh);
        assert_eq!(c.language_for(ChatId(-5)), Language::En);
        let links = c.links_for(g);
        assert_eq!(links["register"], "https://b.example/r");
        assert_eq!(links["ticket"], "https://a.example/t");
    }

    #[test]
    fn non_numeric_group_key_is_refused() {
        let e = Config::parse("[groups.main]\nmode = \"shadow\"\n", "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("groups.\"main\""), "{e}");
    }

    #[test]
    fn negative_durations_are_refused() {
        let e = Config::parse("cooldown_secs = -1\n", "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("cooldown_secs") && e.contains("positive"), "{e}");
    }

    #[test]
    fn bad_evidence_pattern_is_refused() {
        let e = Config::parse("[cases]\norder_patterns = [\"(\"]\n", "t")
            .unwrap_err()
            .to_string();
        assert!(e.contains("cases.order_patterns"), "{e}");
    }

    #[test]
    fn redacts_password() {
        assert_eq!(
            redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert!(!redact_url("postgres://u:secret@h/db").contains("secret"));
    }
}
