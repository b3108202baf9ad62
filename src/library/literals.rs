//! Keyword extraction for the prefilter, and the lint for constructs that fall off the regex fast path.

use regex_syntax::hir::{Class, Hir, HirKind, Look};

/// The set of literals one of which every match of `pattern` must contain, or `None` when there is no such set
/// (the pattern must then run on every message).
pub fn required(pattern: &str) -> Option<Vec<String>> {
    let hir = regex_syntax::Parser::new().parse(pattern).ok()?;
    let mut set = walk(&hir)?;
    set.sort();
    set.dedup();
    Some(set)
}

fn walk(hir: &Hir) -> Option<Vec<String>> {
    match hir.kind() {
        HirKind::Literal(lit) => std::str::from_utf8(&lit.0)
            .ok()
            .map(|s| vec![s.to_string()]),
        HirKind::Capture(c) => walk(&c.sub),
        HirKind::Repetition(r) if r.min >= 1 => walk(&r.sub),
        HirKind::Alternation(branches) => {
            let mut all = Vec::new();
            for b in branches {
                all.extend(walk(b)?);
            }
            Some(all)
        }
        HirKind::Concat(parts) => parts.iter().filter_map(walk).max_by_key(|set| quality(set)),
        HirKind::Class(Class::Unicode(cls)) => {
            let mut chars = Vec::new();
            for r in cls.ranges() {
                for c in r.start()..=r.end() {
                    chars.push(c.to_string());
                    if chars.len() > 8 {
                        return None;
                    }
                }
            }
            Some(chars)
        }
        _ => None,
    }
}

/// A set is as selective as its shortest literal; fewer alternatives break ties.
fn quality(set: &[String]) -> (usize, std::cmp::Reverse<usize>) {
    let shortest = set
        .iter()
        .map(|s| s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum())
        .min()
        .unwrap_or(0);
    (shortest, std::cmp::Reverse(set.len()))
}

/// Why a pattern would fall off the fast path (or never match normalized text), if it would.
pub fn slow_construct(pattern: &str) -> Option<String> {
    let Ok(hir) = regex_syntax::Parser::new().parse(pattern) else {
        return None; // the compile step reports syntax errors with the regex crate's own message
    };
    if has_unicode_word_boundary(&hir) {
        return Some(
            "uses a Unicode word boundary (\\b): it fails next to Chinese text and falls off the fast path; \
             write (?-u:\\b) or drop it"
                .into(),
        );
    }
    if (pattern.contains("\\w") || pattern.contains("\\W")) && !pattern.contains("(?-u") {
        return Some("uses Unicode \\w: write the characters out, or (?-u:\\w) for ASCII".into());
    }
    if let Some(set) = required(pattern)
        && let Some(lit) = set.iter().find(|l| crate::text::normalize(l) != **l)
    {
        return Some(format!(
            "contains {lit:?}, which normalized text never holds (write it as {:?})",
            crate::text::normalize(lit)
        ));
    }
    None
}

fn has_unicode_word_boundary(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Look(l) => matches!(
            l,
            Look::WordUnicode
                | Look::WordUnicodeNegate
                | Look::WordStartUnicode
                | Look::WordEndUnicode
                | Look::WordStartHalfUnicode
                | Look::WordEndHalfUnicode
        ),
        HirKind::Capture(c) => has_unicode_word_boundary(&c.sub),
        HirKind::Repetition(r) => has_unicode_word_boundary(&r.sub),
        HirKind::Concat(v) | HirKind::Alternation(v) => v.iter().any(has_unicode_word_boundary),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn extracts_required_keywords() {
        assert_eq!(required("注册链接").unwrap(), vec!["注册链接"]);
        assert_eq!(required("(怎么|如何).{0,8}注册").unwrap(), vec!["注册"]);
        assert_eq!(required("(提币|提现).{0,6}网络").unwrap(), vec!["网络"]);
        assert_eq!(required("kyc|实名").unwrap(), vec!["kyc", "实名"]);
        assert_eq!(required("(?-u:\\b)fees?(?-u:\\b)").unwrap(), vec!["fee"]);
        assert!(required(".*").is_none());
        assert!(required("a?").is_none());
        assert_eq!(required("[吗么]").unwrap(), vec!["么", "吗"]);
    }

    #[test]
    fn flags_slow_constructs() {
        assert!(
            slow_construct("\\bkyc\\b")
                .unwrap()
                .contains("word boundary")
        );
        assert!(slow_construct("(?-u:\\b)kyc(?-u:\\b)").is_none());
        assert!(slow_construct("\\w+ fee").unwrap().contains("\\w"));
        assert!(slow_construct("KYC").unwrap().contains("normalized"));
        assert!(slow_construct("註冊").unwrap().contains("注册"));
        assert!(slow_construct("注册").is_none());
    }
}
