//! Verification codes: 4–8 digits (also spaced `1 2 3 4 5 6` or grouped `123 456`) near a code word.
//!
//! A number counts only when a code word is the nearest context before it (or right after it), and nothing marks it
//! as something else: a label (order, UID, phone, invite code, amount…), a unit (`100 usdt`, `30 分钟`), money signs,
//! decimal/time/date notation, a year, or a mask (`138****1234`).

use crate::domain::{Confidence, Finding, SecretKind};

use super::keywords::{self, Cat, Hit};
use super::tokens::Group;

/// Bytes between the end of a code word and a code after it.
const AFTER: usize = 60;
/// Bytes between a code and a code word after it ("123456 is my code").
const BEFORE: usize = 20;

/// Units and words that make the number before them a quantity, not a code.
#[rustfmt::skip]
const UNITS: &[&str] = &[
    "usdt", "usdc", "usd", "u", "btc", "eth", "trx", "bnb", "sol", "ton", "rmb", "cny", "hkd", "元", "块", "美元", "美金",
    "刀", "%", "年", "月", "日", "号", "天", "小时", "分钟", "分", "秒", "次", "个", "位", "人", "笔", "张", "条", "单", "倍", "万", "千",
    "百", "亿", "k", "w", "m", "x", "min", "mins", "minute", "minutes", "sec", "secs", "second", "seconds", "hour",
    "hours", "hr", "hrs", "day", "days", "week", "weeks", "month", "months", "year", "years", "times", "people",
    "users", "members", "digits", "digit", "characters", "chars", "pcs", "usd)", "块钱", "多", "左右", "楼", "层", "期",
    "届", "级", "星", "点", "週", "周", "个月", "errors", "error", "错误",
];

/// Words after a number that make it a sender (`10086 发来的`), not a code.
const SENDER_AFTER: &[&str] = &["发来", "发的", "发送的", "发过来"];

fn unit_after(b: &[u8], text: &str, mut e: usize) -> bool {
    while e < b.len() && b[e] == b' ' {
        e += 1;
    }
    let rest = &text[e..];
    if SENDER_AFTER.iter().any(|w| rest.starts_with(w)) {
        return true;
    }
    UNITS.iter().any(|u| {
        rest.starts_with(u) && {
            let last_ascii = u.as_bytes()[u.len() - 1].is_ascii_alphanumeric();
            !last_ascii
                || rest
                    .as_bytes()
                    .get(u.len())
                    .is_none_or(|c| !c.is_ascii_alphanumeric())
        }
    })
}

/// Money signs, masks, ticket hashes and plus signs right before the number.
fn bad_prefix(b: &[u8], s: usize) -> bool {
    if s > 0 {
        match b[s - 1] {
            b'$' | b'#' | b'*' | b'+' | b'@' | b'~' | b'/' | b'\\' | b'.' | b',' | b'x' | b'_'
            | b'&' => {
                return true;
            }
            b'-' if s >= 2 && b[s - 2].is_ascii_alphanumeric() => return true,
            _ => {}
        }
    }
    let mut i = s;
    while i > 0 && b[i - 1] == b' ' && s - i < 2 {
        i -= 1;
    }
    let before = &b[..i];
    ["$", "¥", "￥", "€", "£", "第", "#", "+", "*", "no."]
        .iter()
        .any(|p| before.ends_with(p.as_bytes()))
}

fn year_like(b: &[u8]) -> bool {
    b.len() == 4 && (b.starts_with(b"19") || b.starts_with(b"20"))
}

/// A candidate number `[start, end)`; `spaced` when written one digit at a time.
struct Candidate {
    start: usize,
    end: usize,
    spaced: bool,
}

pub(crate) fn scan(text: &str, groups: &[Group], hits: &[Hit], out: &mut Vec<Finding>) {
    if !hits.iter().any(|h| h.cat == Cat::Code) {
        return;
    }
    let b = text.as_bytes();
    let mut i = 0;
    while i < groups.len() {
        let mut j = i + 1;
        while j < groups.len() && groups[j].chain == groups[i].chain {
            j += 1;
        }
        let chain = &groups[i..j];
        i = j;
        if chain.iter().any(|g| g.x || g.notation) {
            continue;
        }
        let total: usize = chain.iter().map(|g| g.digits).sum();
        if chain.len() > 1 {
            // Ranges and references joined by dashes (224-250, 8859-8) unless written one digit at a time.
            let dashed = chain
                .windows(2)
                .any(|w| b[w[0].end..w[1].start].contains(&b'-'));
            if dashed && !chain.iter().all(|g| g.digits == 1) {
                continue;
            }
            // Dates written with dashes: 2024-01-15, 15-01-2024.
            let lens: Vec<usize> = chain.iter().map(|g| g.digits).collect();
            if matches!(
                lens.as_slice(),
                [4, 2, 2] | [2, 2, 4] | [4, 2] | [4, 1, 1] | [4, 1, 2] | [4, 2, 1]
            ) {
                continue;
            }
            if (4..=8).contains(&total) && chain.iter().all(|g| g.digits <= 4) {
                let spaced = chain.iter().all(|g| g.digits == 1);
                let c = Candidate {
                    start: chain[0].start,
                    end: chain[chain.len() - 1].end,
                    spaced,
                };
                consider(text, b, hits, &c, chain[0].letter_left, out);
                continue;
            }
        }
        for g in chain {
            if (4..=8).contains(&g.digits) {
                let c = Candidate {
                    start: g.start,
                    end: g.end,
                    spaced: false,
                };
                consider(text, b, hits, &c, g.letter_left, out);
            }
        }
    }
}

fn consider(
    text: &str,
    b: &[u8],
    hits: &[Hit],
    c: &Candidate,
    letter_left: bool,
    out: &mut Vec<Finding>,
) {
    if letter_left && !hits.iter().any(|h| h.cat == Cat::Code && h.end == c.start) {
        return;
    }
    if !c.spaced && year_like(&b[c.start..c.end]) {
        return;
    }
    if bad_prefix(b, c.start) || unit_after(b, text, c.end) {
        return;
    }
    let all = [
        Cat::Code,
        Cat::Label,
        Cat::Tx,
        Cat::Password,
        Cat::Passport,
        Cat::Id,
        Cat::Key,
    ];
    let before = keywords::nearest_before(hits, &all, c.start, AFTER);
    let ok = match before {
        Some(h) if h.cat == Cat::Code => true,
        // A label right before the number decides it ("uid 12345678 and my code…").
        Some(h) if c.start - h.end <= 16 => false,
        _ => keywords::nearest_after(hits, &all, c.end, BEFORE).is_some_and(|h| h.cat == Cat::Code),
    };
    if ok {
        out.push(Finding {
            kind: SecretKind::VerificationCode,
            rule: "otp_context",
            span: c.start..c.end,
            confidence: Confidence::Validated,
        });
    }
}

/// Does `text` end by announcing a code ("验证码是", "my otp:", "the code is")? A number in the member's next
/// message is then the code; after "验证码收不到" a number is more likely an answer to something else (a UID).
pub(crate) fn announces_code(text: &str) -> bool {
    let mut t = text.trim_end();
    loop {
        let before = t.len();
        for c in [":", "：", "=", "是", "为", "is", "-", "→", "->"] {
            if let Some(r) = t.strip_suffix(c) {
                t = r.trim_end();
            }
        }
        if t.len() == before {
            break;
        }
    }
    keywords::find(t)
        .iter()
        .any(|h| h.cat == Cat::Code && h.end == t.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::guard::tokens;
    use crate::text::normalize;

    fn found(raw: &str) -> bool {
        let t = normalize(raw);
        let hits = keywords::find(&t);
        let mut groups = Vec::new();
        tokens::digit_groups(&t, &mut groups);
        let mut out = Vec::new();
        scan(&t, &groups, &hits, &mut out);
        !out.is_empty()
    }

    #[test]
    fn codes_near_code_words() {
        for s in [
            "验证码 482913",
            "我的验证码是482913",
            "驗證碼：４８２９１３",
            "my verification code is 482913 pls help",
            "OTP: 4829",
            "2fa code 48291375",
            "google authenticator 482 913",
            "谷歌验证 4 8 2 9 1 3",
            "code 4-8-2-9-1-3",
            "482913 is the sms code",
            "GA 1\u{FE0F}\u{20E3}2\u{FE0F}\u{20E3}3\u{FE0F}\u{20E3}4\u{FE0F}\u{20E3}",
            "otp482913",
        ] {
            assert!(found(s), "{s}");
        }
    }

    #[test]
    fn announcing() {
        assert!(announces_code("我的验证码是"));
        assert!(announces_code("验证码："));
        assert!(announces_code("my otp is"));
        assert!(announces_code("the code is:"));
        assert!(!announces_code("验证码收不到"));
        assert!(!announces_code("code didn't arrive"));
    }

    #[test]
    fn not_codes() {
        for s in [
            "I didn't get my verification code",
            "验证码收不到",
            "验证码收不到，等了30分钟",
            "邀请码 123456",
            "referral code 88888",
            "ref code 88888",
            "invite code: 482913",
            "my uid 12345678, verification code not arriving",
            "verification code sent to 138****5678",
            "验证码发到尾号5678的手机",
            "2fa stopped working in 2024",
            "sms code for 100 usdt withdrawal",
            "error code 10001 when I enter the code",
            "code expired after 120 seconds",
            "验证码 2024-01-15 收不到",
            "otp price 1234.56",
            "verification code 验证码 phone 13800138000",
            "验证码 10086 发来的",
            "我收到了 95588 发的验证码",
        ] {
            assert!(!found(s), "{s}");
        }
    }
}
