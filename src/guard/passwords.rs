//! Passwords given with their value: a password word, an optional connector (`:`, `=`, `是`, `is`…) and a value
//! that looks like a password. Questions about passwords ("reset password stuck", "忘记密码怎么办", "密码错误") have
//! no such value and yield nothing.

use crate::domain::{Confidence, Finding, SecretKind};

use super::keywords::{Cat, Flag, Hit};

/// Words that follow a password word in questions and complaints, never as a value.
#[rustfmt::skip]
const NOT_VALUES: &[&str] = &[
    "reset", "resets", "forgot", "forget", "forgotten", "wrong", "incorrect", "error", "invalid", "required",
    "change", "changed", "changing", "expired", "help", "none", "null", "same", "ok", "okay", "yes", "no", "hidden",
    "is", "was", "not", "and", "or", "the", "for", "to", "of", "please", "problem", "issue", "again", "recovery",
    "manager", "strength", "length", "must", "should", "can", "cannot", "can't", "doesn't", "didn't", "isn't",
    "don't", "does", "did", "keeps", "still", "field", "box", "page", "link", "email", "policy", "rule", "rules",
    "format", "requirement", "requirements", "hint", "protected", "correct", "right", "locked", "lock", "set",
    "setting", "settings", "update", "updated", "login", "log", "sign", "needs", "need", "has", "have", "with",
    "without", "too", "very", "so", "but", "when", "why", "how", "what", "where", "it", "in", "on", "at", "a", "an",
    "be", "been", "being", "work", "working", "works", "fails", "failed", "failure", "n/a", "tbd", "?", "??", "...",
    "my", "your", "their", "our", "mine", "yours", "here", "there", "this", "that", "will", "would", "could", "now",
    "later", "twice", "once", "again?", "pls", "plz", "thanks", "thank", "bro", "sir", "also", "only", "just",
    "like", "etc", "asap", "weak", "strong", "new", "old", "current", "previous", "first", "second", "then",
    "because", "since", "after", "before", "from", "by", "about",
];

/// Placeholders in examples and templates.
#[rustfmt::skip]
const PLACEHOLDERS: &[&str] = &[
    "password", "passwd", "pwd", "passcode", "pass", "yourpassword", "your_password", "mypassword", "my_password",
    "secret", "changeme", "xxxxxx", "******", "123", "1234",
];

/// Soft connectors between a password word and its value.
#[rustfmt::skip]
const CONNECTORS: &[&str] = &[
    "是", "为", "就是", "改成", "改为", "设为", "设置为", "is", "was", "->", "=>",
];

fn starts_word(rest: &str, w: &str) -> bool {
    rest.starts_with(w)
        && (!w.as_bytes()[w.len() - 1].is_ascii_alphanumeric()
            || rest
                .as_bytes()
                .get(w.len())
                .is_none_or(|c| !c.is_ascii_alphanumeric()))
}

/// Skips spaces and at most one line break ("密码：\nabc12345", or a value sent as the next message).
fn skip_spaces(b: &[u8], mut p: usize) -> usize {
    let mut newline = false;
    while p < b.len() && (matches!(b[p], b' ' | b'\t') || (b[p] == b'\n' && !newline)) {
        newline |= b[p] == b'\n';
        p += 1;
    }
    p
}

pub(crate) fn scan(text: &str, hits: &[Hit], out: &mut Vec<Finding>) {
    let b = text.as_bytes();
    let mut last_end = 0;
    for h in hits.iter().filter(|h| h.cat == Cat::Password) {
        if h.start < last_end {
            continue;
        }
        if let Some(end) = value_after(text, b, h.end, h.flag == Flag::NeedsAssign) {
            out.push(Finding {
                kind: SecretKind::Password,
                rule: "password_value",
                span: h.start..end,
                confidence: Confidence::Validated,
            });
            last_end = end;
        }
    }
}

/// Where a password value after position `p` ends, if there is one.
fn value_after(text: &str, b: &[u8], mut p: usize, needs_assign: bool) -> Option<usize> {
    // `pwd-verbose`, `password_reset`, `password.txt`: a compound, not a password word.
    if p > 0
        && b[p - 1].is_ascii_alphabetic()
        && p < b.len()
        && matches!(b[p], b'-' | b'_' | b'.' | b'/' | b'|' | b'*')
    {
        return None;
    }
    let mut explicit = None;
    for _ in 0..3 {
        p = skip_spaces(b, p);
        if p < b.len() && (b[p] == b':' || b[p] == b'=') {
            explicit = Some(b[p]);
            p += 1;
            continue;
        }
        if let Some(c) = CONNECTORS.iter().find(|c| starts_word(&text[p..], c)) {
            p += c.len();
            continue;
        }
        break;
    }
    if needs_assign && explicit.is_none() {
        return None;
    }
    p = skip_spaces(b, p);
    // Opening quotes and brackets.
    let mut quoted = false;
    for q in ["\"", "'", "`", "“", "‘", "「", "『"] {
        if text[p..].starts_with(q) {
            p += q.len();
            quoted = true;
            break;
        }
    }
    let s = p;
    // A value starts with a letter, a digit or a password-ish symbol; not with path, option or markup characters.
    if p >= b.len()
        || !(b[p].is_ascii_alphanumeric()
            || matches!(b[p], b'!' | b'@' | b'#' | b'$' | b'%' | b'&' | b'^'))
    {
        return None;
    }
    while p < b.len() && (0x21..=0x7e).contains(&b[p]) {
        p += 1;
    }
    let mut e = p;
    while e > s
        && matches!(
            b[e - 1],
            b'.' | b',' | b';' | b'"' | b'\'' | b'`' | b')' | b']' | b'>' | b'?'
        )
    {
        e -= 1;
    }
    let v = &text[s..e];
    if v.is_empty() || NOT_VALUES.contains(&v) || PLACEHOLDERS.contains(&v) {
        return None;
    }
    if v.bytes().all(|c| matches!(c, b'*' | b'.' | b'-' | b'_'))
        || v.len() >= 4 && v.bytes().all(|c| c == b'x')
    {
        return None; // masked: ****, xxxx
    }
    if v.starts_with("http")
        || v.starts_with("www.")
        || v.contains("://")
        || v.contains('@') && v.contains('.')
    {
        return None;
    }
    let has_digit = v.bytes().any(|c| c.is_ascii_digit());
    let has_symbol = v.bytes().any(|c| !c.is_ascii_alphanumeric());
    let has_letter = v.bytes().any(|c| c.is_ascii_alphabetic());
    let ok = match explicit {
        Some(b'=') => v.len() >= 2,
        Some(_) => v.len() >= 6 || (v.len() >= 3 && (has_digit || has_symbol)),
        None if quoted => v.len() >= 3,
        None => {
            (v.len() >= 4 && has_digit && has_letter)
                || (v.len() >= 6 && (has_digit || (has_symbol && has_letter)))
        }
    };
    ok.then_some(e)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard::keywords;
    use crate::text::normalize;

    fn found(raw: &str) -> bool {
        let t = normalize(raw);
        let hits = keywords::find(&t);
        let mut out = Vec::new();
        scan(&t, &hits, &mut out);
        !out.is_empty()
    }

    #[test]
    fn passwords_with_values() {
        for s in [
            "密码是 abc12345",
            "我的密码是abc12345",
            "password: Hunter2!",
            "my password is Hunter2!",
            "pwd=xx",
            "资金密码 123456",
            "交易密碼：Qwerty@2024",
            "登录密码 zhang1990",
            "pass: letmein",
            "passcode = 0000",
            "PIN: 4321",
            "密码改成 Ab123456 了",
            "password \"s3cr3t!!\"",
        ] {
            assert!(found(s), "{s}");
        }
    }

    #[test]
    fn questions_are_not_passwords() {
        for s in [
            "reset password stuck",
            "忘记密码怎么办",
            "密码错误",
            "密码错误 3次了",
            "how do I change my password?",
            "password must be 8-20 characters",
            "my password is wrong",
            "password reset link https://example.com/reset?x=1",
            "密码要8位以上吗",
            "password: ********",
            "the pass is valid",
            "I passed KYC",
            "password length 8",
            "登录密码和资金密码有什么区别",
        ] {
            assert!(!found(s), "{s}");
        }
    }
}
