//! Identity numbers: Chinese resident ID (ISO 7064 MOD 11-2), Hong Kong HKID, Taiwan ID (each with its check
//! character) and passport numbers near a passport word.

use std::sync::LazyLock;
use std::time::{SystemTime, UNIX_EPOCH};

use crate::domain::{Confidence, Finding, SecretKind};

use super::keywords::{self, Cat, Hit};
use super::tokens::{self, Group};

/// Province-level codes that open a resident ID (the first two digits).
const PROVINCES: [u8; 35] = [
    11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52,
    53, 54, 61, 62, 63, 64, 65, 71, 81, 82, 83,
];

/// Today as `yyyymmdd` (UTC), computed once: a birth date after it is not a birth date.
static TODAY: LazyLock<u32> = LazyLock::new(|| {
    let days = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() / 86_400) as i64;
    let (y, m, d) = civil_from_days(days);
    (y as u32) * 10_000 + m * 100 + d
});

/// Howard Hinnant's days-from-epoch → civil date.
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

fn days_in_month(y: u32, m: u32) -> u32 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (y.is_multiple_of(4) && !y.is_multiple_of(100)) || y.is_multiple_of(400) => 29,
        2 => 28,
        _ => 0,
    }
}

fn num(d: &[u8]) -> u32 {
    d.iter().fold(0, |a, &c| a * 10 + u32::from(c - b'0'))
}

/// A plausible birth date `yyyymmdd` between 1900-01-01 and today.
fn birth_date_ok(d: &[u8]) -> bool {
    let (y, m, day) = (num(&d[0..4]), num(&d[4..6]), num(&d[6..8]));
    (1900..=9999).contains(&y)
        && (1..=12).contains(&m)
        && day >= 1
        && day <= days_in_month(y, m)
        && y * 10_000 + m * 100 + day <= *TODAY
}

/// The 18 characters (`0-9`, last may be `x`) of a mainland resident ID: region, birth date, check character.
pub(crate) fn cn_id_parts(id: &[u8; 18]) -> (bool, bool, bool) {
    if !id[..17].iter().all(u8::is_ascii_digit) || !(id[17].is_ascii_digit() || id[17] == b'x') {
        return (false, false, false);
    }
    let region = PROVINCES.contains(&(num(&id[0..2]) as u8));
    let date = birth_date_ok(&id[6..14]);
    const W: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    let sum: u32 = id[..17]
        .iter()
        .zip(W)
        .map(|(&c, w)| u32::from(c - b'0') * w)
        .sum();
    let expect = b"10x98765432"[(sum % 11) as usize];
    (region, date, id[17] == expect)
}

/// The full check of a mainland resident ID.
#[cfg(test)]
fn cn_id_valid(id: &[u8; 18]) -> bool {
    cn_id_parts(id) == (true, true, true)
}

fn letter_value(c: u8) -> u32 {
    match c {
        b'0'..=b'9' => u32::from(c - b'0'),
        b'a'..=b'z' => u32::from(c - b'a') + 10,
        _ => 36,
    }
}

/// HKID: one or two letters, six digits, check character (`0-9` or `a`), all lowercase.
pub(crate) fn hkid_valid(letters: &[u8], digits: &[u8], check: u8) -> bool {
    if letters.is_empty() || letters.len() > 2 || digits.len() != 6 {
        return false;
    }
    let mut chars = [36u32; 8];
    let off = 2 - letters.len();
    for (i, &l) in letters.iter().enumerate() {
        chars[off + i] = letter_value(l);
    }
    for (i, &d) in digits.iter().enumerate() {
        chars[2 + i] = u32::from(d - b'0');
    }
    let sum: u32 = chars.iter().zip((2..=9).rev()).map(|(&v, w)| v * w).sum();
    let c = (11 - sum % 11) % 11;
    let expect = if c == 10 { b'a' } else { b'0' + c as u8 };
    check == expect
}

/// Taiwan national ID: a letter, then `1`/`2` (or `8`/`9` for resident certificates) and eight digits.
pub(crate) fn tw_id_valid(id: &[u8]) -> bool {
    if id.len() != 10 || !id[0].is_ascii_lowercase() || !id[1..].iter().all(u8::is_ascii_digit) {
        return false;
    }
    if !matches!(id[1], b'1' | b'2' | b'8' | b'9') {
        return false;
    }
    const CODES: [u32; 26] = [
        10, 11, 12, 13, 14, 15, 16, 17, 34, 18, 19, 20, 21, 22, 35, 23, 24, 25, 26, 27, 28, 29, 32,
        30, 31, 33,
    ];
    let n = CODES[(id[0] - b'a') as usize];
    const W: [u32; 9] = [8, 7, 6, 5, 4, 3, 2, 1, 1];
    let sum = n / 10
        + (n % 10) * 9
        + id[1..]
            .iter()
            .zip(W)
            .map(|(&d, w)| u32::from(d - b'0') * w)
            .sum::<u32>();
    sum.is_multiple_of(10)
}

fn finding(rule: &'static str, start: usize, end: usize, confidence: Confidence) -> Finding {
    Finding {
        kind: SecretKind::IdNumber,
        rule,
        span: start..end,
        confidence,
    }
}

/// Chinese resident IDs among the digit groups: any run of joined groups (spaces or dashes inside) holding exactly
/// 17 digits and a final digit or `x`.
pub(crate) fn scan_cn(text: &str, groups: &[Group], hits: &[Hit], out: &mut Vec<Finding>) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < groups.len() {
        let mut total = 0;
        let mut j = i;
        while j < groups.len() && groups[j].chain == groups[i].chain && total < 18 {
            total += groups[j].digits + groups[j].x as usize;
            if groups[j].x && j > i && total != 18 {
                break;
            }
            j += 1;
            if total == 18 {
                let (s, e) = (groups[i].start, groups[j - 1].end);
                let mut id = [0u8; 18];
                let mut k = 0;
                for &c in &b[s..e] {
                    if c.is_ascii_digit() || c == b'x' {
                        id[k] = c;
                        k += 1;
                    }
                }
                let x_inside = groups[i..j - 1].iter().any(|g| g.x);
                if !x_inside && k == 18 {
                    match cn_id_parts(&id) {
                        (true, true, true) => {
                            out.push(finding("cn_resident_id", s, e, Confidence::Validated))
                        }
                        (true, true, false) if keywords::near(hits, Cat::Id, s, e, 40, 20) => {
                            out.push(finding("cn_resident_id", s, e, Confidence::Borderline))
                        }
                        _ => {}
                    }
                }
            }
        }
        i += 1;
    }
}

/// Hong Kong, Taiwan and passport numbers among the alphanumeric tokens.
pub(crate) fn scan_tokens(text: &str, hits: &[Hit], out: &mut Vec<Finding>) {
    let b = text.as_bytes();
    tokens::alnum_tokens(text, |t| {
        let len = t.end - t.start;
        if !(7..=22).contains(&len) || t.digits < 6 {
            return;
        }
        let tok = &b[t.start..t.end];
        let letters = tok.iter().take_while(|c| c.is_ascii_lowercase()).count();
        let rest = &tok[letters..];
        let rest_digits = rest.iter().all(u8::is_ascii_digit);
        // HKID with its check in parentheses: a123456(7).
        if (1..=2).contains(&letters)
            && rest.len() == 6
            && rest_digits
            && let Some((check, end)) = paren_check(b, t.end)
        {
            if hkid_valid(&tok[..letters], rest, check) {
                out.push(finding("hkid", t.start, end, Confidence::Validated));
            }
            return;
        }
        // HKID without parentheses: a1234567 (check may be `a`).
        if (1..=2).contains(&letters) && rest.len() == 7 && rest[..6].iter().all(u8::is_ascii_digit)
        {
            let check = rest[6];
            if (check.is_ascii_digit() || check == b'a')
                && hkid_valid(&tok[..letters], &rest[..6], check)
            {
                let ctx = context_before(hits, t.start, &[Cat::Id, Cat::Passport], 40)
                    || keywords::near(hits, Cat::Id, t.start, t.end, 40, 24);
                let conf = if ctx {
                    Confidence::Validated
                } else {
                    Confidence::Borderline
                };
                if !label_before(text, hits, t.start) {
                    out.push(finding("hkid", t.start, t.end, conf));
                }
            }
        }
        // Taiwan ID: a123456789.
        if letters == 1
            && len == 10
            && rest_digits
            && tw_id_valid(tok)
            && !label_before(text, hits, t.start)
        {
            out.push(finding("tw_id", t.start, t.end, Confidence::Validated));
        }
        // Passport numbers: only near a passport (or ID-document) word.
        let shape = match (letters, rest.len()) {
            (1, 7) | (1, 8) | (2, 7) => rest_digits,
            (0, 9) => true,
            _ => false,
        };
        if shape && passport_context(text, hits, t.start, t.end) {
            out.push(finding(
                "passport_context",
                t.start,
                t.end,
                Confidence::Validated,
            ));
        }
    });
}

/// `(7)` or ` (a)` right after an HKID body: the check character and where the notation ends.
fn paren_check(b: &[u8], mut i: usize) -> Option<(u8, usize)> {
    if i < b.len() && b[i] == b' ' {
        i += 1;
    }
    if i + 2 < b.len()
        && b[i] == b'('
        && (b[i + 1].is_ascii_digit() || b[i + 1] == b'a')
        && b[i + 2] == b')'
    {
        return Some((b[i + 1], i + 3));
    }
    None
}

/// A label (order, UID, phone…) right before the token: the number is something else. A bare `id` is no such
/// label: "ID A123456789" is how people give an ID number.
fn label_before(text: &str, hits: &[Hit], start: usize) -> bool {
    keywords::nearest_before(
        hits,
        &[Cat::Label, Cat::Id, Cat::Passport, Cat::Code, Cat::Tx],
        start,
        16,
    )
    .is_some_and(|h| (h.cat == Cat::Label && &text[h.start..h.end] != "id") || h.cat == Cat::Tx)
}

/// The nearest word before `start` (within `gap` bytes) is one of `cats`, allowing a label such as `no` or `id`
/// right after it (`passport no.`, `护照 id`).
fn context_before(hits: &[Hit], start: usize, cats: &[Cat], gap: usize) -> bool {
    let all = [
        Cat::Label,
        Cat::Id,
        Cat::Passport,
        Cat::Code,
        Cat::Tx,
        Cat::Key,
        Cat::Password,
    ];
    let Some(h) = keywords::nearest_before(hits, &all, start, gap) else {
        return false;
    };
    if cats.contains(&h.cat) {
        return true;
    }
    // A label glued to a context word: the context word wins.
    h.cat == Cat::Label
        && hits
            .iter()
            .any(|p| cats.contains(&p.cat) && p.end <= h.start && h.start - p.end <= 2)
}

fn passport_context(text: &str, hits: &[Hit], start: usize, end: usize) -> bool {
    if context_before(hits, start, &[Cat::Passport, Cat::Id], 60) {
        return true;
    }
    // "E12345678 是我的护照号": a passport word shortly after, and no label before.
    !label_before(text, hits, start)
        && keywords::nearest_after(hits, &[Cat::Passport, Cat::Label], end, 30)
            .is_some_and(|h| h.cat == Cat::Passport)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize;

    fn scan(raw: &str) -> Vec<(&'static str, Confidence)> {
        let t = normalize(raw);
        let hits = keywords::find(&t);
        let mut groups = Vec::new();
        tokens::digit_groups(&t, &mut groups);
        let mut out = Vec::new();
        scan_cn(&t, &groups, &hits, &mut out);
        scan_tokens(&t, &hits, &mut out);
        out.into_iter().map(|f| (f.rule, f.confidence)).collect()
    }

    fn validated(raw: &str) -> bool {
        scan(raw).iter().any(|(_, c)| *c == Confidence::Validated)
    }

    #[test]
    fn cn_id_checks() {
        // The GB 11643 textbook example.
        assert!(cn_id_valid(b"11010519491231002x"));
        assert!(!cn_id_valid(b"110105194912310021"));
        assert!(validated("身份证 11010519491231002X"));
        assert!(validated("my id: 110105 19491231 002x thanks"));
        assert!(validated("110105-1949-1231-002x"));
        assert!(validated("身份證號碼１１０１０５１９４９１２３１００２Ｘ"));
        assert!(validated("sfz11010519491231002x"));
    }

    #[test]
    fn cn_id_negatives() {
        assert!(!validated("110105194912310021"), "bad check digit");
        assert!(!validated("order 202401151234567890"));
        assert!(!validated("tx 0xab11010519491231002x"));
        // Birth date in the future.
        assert!(!validated("110105209912310027"));
        assert!(!validated("订单号 991231194912310024"));
    }

    #[test]
    fn hkid_and_tw() {
        assert!(hkid_valid(b"a", b"123456", b'3'));
        assert!(validated("HKID A123456(3)"));
        assert!(validated("a123456(3)"));
        assert!(!validated("a123456(4)"));
        assert!(tw_id_valid(b"a123456789"));
        assert!(validated("身分證 A123456789"));
        assert!(!validated("A123456788"));
        assert!(!validated("order a123456789"));
    }

    #[test]
    fn passports_need_context() {
        assert!(validated("护照号码 E12345678"));
        assert!(validated("passport no. g12345678"));
        assert!(validated("my passport number is EA1234567"));
        assert!(validated("E12345678 是我的护照号"));
        assert!(!validated("E12345678"));
        assert!(!validated("passport verification failed, order 123456789"));
    }

    #[test]
    fn today_is_sane() {
        assert!(*TODAY > 20_240_101 && *TODAY < 22_000_101);
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
    }
}
