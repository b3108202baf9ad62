//! Cheap lexical passes shared by the detectors: ASCII alphanumeric tokens and digit groups.
//!
//! Both work on bytes of the normalized text (digits and Latin letters are ASCII after NFKC and case folding), so
//! every span is a valid char boundary: tokens start and end at ASCII bytes.

/// A maximal run of ASCII `[a-z0-9]` in the normalized text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Token {
    pub start: usize,
    pub end: usize,
    pub digits: usize,
}

/// Calls `f` for every maximal ASCII alphanumeric run.
pub(crate) fn alnum_tokens(text: &str, mut f: impl FnMut(Token)) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii_alphanumeric() {
            let s = i;
            let mut digits = 0;
            while i < b.len() && b[i].is_ascii_alphanumeric() {
                digits += b[i].is_ascii_digit() as usize;
                i += 1;
            }
            f(Token {
                start: s,
                end: i,
                digits,
            });
        } else {
            i += 1;
        }
    }
}

/// A run of ASCII digits that is not glued to Latin letters (a trailing `x` of an ID number is allowed), with
/// what surrounds it.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Group {
    pub start: usize,
    /// End of the digits (and of the trailing `x`, if any).
    pub end: usize,
    pub digits: usize,
    /// Ends with `x` (a Chinese ID check character).
    pub x: bool,
    /// Glued to a letter on the left (e.g. `otp123456`, `a123`).
    pub letter_left: bool,
    /// Part of a decimal, time, date, thousands or fraction notation (`1.5`, `12:30`, `1,000`, `3/4`).
    pub notation: bool,
    /// Index of the chain this group belongs to: groups joined by single spaces or dashes share a chain.
    pub chain: usize,
}

/// Collects the digit groups of `text`. Groups glued to letters on the right (`100u`, `5k`, hex) are dropped;
/// glued on the left they are kept but marked.
pub(crate) fn digit_groups(text: &str, out: &mut Vec<Group>) {
    let b = text.as_bytes();
    let n = b.len();
    let mut i = 0;
    let mut next_chain = 0usize;
    let mut last_end: Option<usize> = None;
    while i < n {
        if !b[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let s = i;
        while i < n && b[i].is_ascii_digit() {
            i += 1;
        }
        let mut e = i;
        let mut x = false;
        if e < n && b[e] == b'x' && (e + 1 == n || !b[e + 1].is_ascii_alphanumeric()) {
            x = true;
            e += 1;
        }
        i = e;
        if e < n && b[e].is_ascii_alphabetic() {
            // Glued to a following letter: a hex string, a unit (`100u`) or a code like `2fa`.
            skip_token(b, &mut i);
            last_end = None;
            continue;
        }
        let letter_left = s > 0 && b[s - 1].is_ascii_alphabetic();
        if letter_left && s >= 1 && preceded_by_hexish(b, s) {
            // Inside a hex or base58 string: `0xab12...`.
            skip_token(b, &mut i);
            last_end = None;
            continue;
        }
        let notation = is_notation(b, s, e);
        // The same chain when the previous group ends one or two separator bytes before this one.
        let joined = !letter_left
            && last_end.is_some_and(|le| {
                let gap = &b[le..s];
                !gap.is_empty() && gap.len() <= 2 && gap.iter().all(|&c| c == b' ' || c == b'-')
            });
        let chain = if joined {
            out.last().map_or(0, |g| g.chain)
        } else {
            next_chain += 1;
            next_chain - 1
        };
        out.push(Group {
            start: s,
            end: e,
            digits: e - s - x as usize,
            x,
            letter_left,
            notation,
            chain,
        });
        last_end = if x { None } else { Some(e) };
    }
}

fn skip_token(b: &[u8], i: &mut usize) {
    while *i < b.len() && b[*i].is_ascii_alphanumeric() {
        *i += 1;
    }
}

/// The alphanumeric token the digits at `s` belong to is long and mixes letters and digits: a hash or key, not a
/// labelled number like `otp123456`.
fn preceded_by_hexish(b: &[u8], s: usize) -> bool {
    let mut j = s;
    let mut letters = 0;
    while j > 0 && b[j - 1].is_ascii_alphanumeric() {
        j -= 1;
        letters += 1;
    }
    // Letters-only prefix up to 12 chars (`otp`, `code`, `sfz`, `a`) is a label; anything with digits before is
    // part of a longer alphanumeric string.
    letters > 12 || b[j..s].iter().any(|c| c.is_ascii_digit())
}

/// Digits that belong to a decimal, time, date, thousands, fraction or percentage notation.
fn is_notation(b: &[u8], s: usize, e: usize) -> bool {
    let joins = |c: u8| matches!(c, b'.' | b',' | b':' | b'/' | b'%');
    let before = s >= 2 && joins(b[s - 1]) && b[s - 2].is_ascii_digit();
    let after = e + 1 < b.len() && joins(b[e]) && b[e + 1].is_ascii_digit();
    let percent = e < b.len() && b[e] == b'%';
    before || after || percent
}

#[cfg(test)]
mod tests {
    use super::*;

    fn groups(t: &str) -> Vec<(String, usize, bool)> {
        let mut v = Vec::new();
        digit_groups(t, &mut v);
        v.into_iter()
            .map(|g| (t[g.start..g.end].to_string(), g.chain, g.notation))
            .collect()
    }

    #[test]
    fn chains_join_on_single_separators() {
        let g = groups("code 1 2 3 4 5 6 ok 99");
        assert_eq!(g.iter().filter(|x| x.1 == g[0].1).count(), 6);
        assert_ne!(g[0].1, g[6].1);
        let g = groups("110101-19900307-776x end");
        assert_eq!(g.len(), 3);
        assert!(g.iter().all(|x| x.1 == g[0].1));
        assert_eq!(g[2].0, "776x");
    }

    #[test]
    fn glued_and_notation() {
        assert!(groups("100usdt 0xab12cd34").is_empty());
        let g = groups("price 1.25 at 12:30");
        assert!(g.iter().all(|x| x.2));
        let g = groups("otp123456");
        assert_eq!(g.len(), 1);
    }
}
