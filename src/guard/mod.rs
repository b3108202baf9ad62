//! The secret guard: pure detectors over normalized text that return named findings, never the secret.
//!
//! Entry points:
//!
//! - [`scan_message`]`(raw, normalized)` — **the one the pipeline calls** for a message text, caption or quote. It
//!   runs every detector; WIF and extended private keys (base58check is case-sensitive) are validated on `raw`.
//! - [`scan`]`(normalized)` — every detector that works on normalized text alone; base58 keys are only recognised
//!   by shape (an `xprv…` string is borderline, a WIF-shaped string near key words is validated).
//! - [`scan_attachment`] — what a photo or document says about itself (caption and file name).
//! - [`SplitWindow`] — a member's last messages scanned together, for secrets posted in parts.
//!
//! Detectors (module, rules):
//!
//! | kind | rules |
//! |---|---|
//! | seed_phrase (`seed`) | `bip39_checksum`, `seed_context` (validated), `seed_list_like` (borderline) |
//! | id_number (`ids`) | `cn_resident_id`, `hkid`, `tw_id`, `passport_context` |
//! | mrz (`mrz`) | `mrz_td1`, `mrz_td2`, `mrz_td3` (validated), `mrz_name_line` (borderline) |
//! | verification_code (`codes`) | `otp_context` |
//! | password (`passwords`) | `password_value` |
//! | private_key (`keys`) | `hex_key_context`, `wif`, `xprv` |
//! | id_document | `id_document_caption`, `id_document_file_name` |
//!
//! A [`Finding`] holds kind, rule, span and confidence only. Validated findings delete; borderline ones only alert.
//!
//! Cost: every pattern and wordlist is compiled once (lazily). Per message, one Aho-Corasick pass finds context
//! words; each detector first checks a cheap precondition (digits present, a `<` for MRZ, a long alphanumeric
//! token for keys, a run of list words for seeds) and most chat stops there.

mod codes;
mod ids;
mod keys;
mod keywords;
mod mrz;
mod passwords;
mod seed;
mod split;
mod tokens;

#[cfg(test)]
mod corpus_tests;
#[cfg(test)]
mod prop_tests;

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, MatchKind};

use crate::domain::{Confidence, Finding, MediaKind, SecretKind};

pub use split::{SplitHit, SplitWindow};

/// Scans a message: `raw` is the text as the member sent it, `normalized` is [`crate::text::normalize`]`(raw)`.
/// Runs every detector; spans point into `normalized`. Findings are sorted by span start; overlapping findings of
/// one kind are merged (the higher confidence wins).
pub fn scan_message(raw: &str, normalized: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    let long_token = scan_into(normalized, &mut out);
    if long_token {
        keys::scan_raw(raw, normalized, &mut out);
    }
    finish(&mut out);
    out
}

/// Scans normalized text for secrets. Findings are sorted by span start; overlapping findings of one kind are
/// merged. Base58 keys (WIF, xprv) are only recognised by shape here: use [`scan_message`] when the raw text is at
/// hand.
pub fn scan(normalized: &str) -> Vec<Finding> {
    let mut out = Vec::new();
    scan_into(normalized, &mut out);
    finish(&mut out);
    out
}

/// Runs the normalized-text detectors; returns whether the text has a non-hex alphanumeric token long enough to
/// be a base58 key (so the raw pass is worth running).
fn scan_into(text: &str, out: &mut Vec<Finding>) -> bool {
    let b = text.as_bytes();
    let mut digits = 0usize;
    let mut run = 0usize;
    let mut run_hex = true;
    let mut longest = 0usize;
    let mut longest_base58 = 0usize;
    for &c in b.iter().chain(std::iter::once(&b' ')) {
        if c.is_ascii_alphanumeric() {
            run += 1;
            digits += c.is_ascii_digit() as usize;
            run_hex &= c.is_ascii_hexdigit();
        } else {
            longest = longest.max(run);
            if !run_hex {
                longest_base58 = longest_base58.max(run);
            }
            run = 0;
            run_hex = true;
        }
    }
    let hits = keywords::find(text);
    seed::scan(text, &hits, out);
    if digits >= 4 {
        let mut groups = Vec::new();
        tokens::digit_groups(text, &mut groups);
        codes::scan(text, &groups, &hits, out);
        if digits >= 6 {
            ids::scan_cn(text, &groups, &hits, out);
            ids::scan_tokens(text, &hits, out);
            mrz::scan(text, out);
        }
    }
    passwords::scan(text, &hits, out);
    if longest >= 51 {
        keys::scan(text, &hits, out);
    }
    // A hex string (a tx hash) is never a base58 key.
    longest_base58 >= 51
}

/// Sorts by span start and merges overlapping findings of the same kind.
fn finish(out: &mut Vec<Finding>) {
    out.sort_by_key(|f| (f.span.start, f.kind, f.span.end));
    let mut merged: Vec<Finding> = Vec::with_capacity(out.len());
    // Sorted by start, same-kind merged spans are disjoint and increasing: only the kind's latest can overlap.
    let mut last: [Option<usize>; SecretKind::ALL.len()] = [None; SecretKind::ALL.len()];
    for f in out.drain(..) {
        let k = SecretKind::ALL
            .iter()
            .position(|&x| x == f.kind)
            .unwrap_or(0);
        let same = last[k].map(|i| &mut merged[i]).filter(|m| {
            m.span.start < f.span.end && f.span.start < m.span.end
                || m.span == f.span
                || (m.span.is_empty() && f.span.is_empty())
        });
        match same {
            Some(m) => {
                if f.confidence > m.confidence {
                    m.rule = f.rule;
                    m.confidence = f.confidence;
                }
                m.span = m.span.start.min(f.span.start)..m.span.end.max(f.span.end);
            }
            None => {
                last[k] = Some(merged.len());
                merged.push(f);
            }
        }
    }
    *out = merged;
}

/// Words that say a picture or file is an identity document.
#[rustfmt::skip]
const ID_DOCUMENT_WORDS: &[&str] = &[
    "身份证", "身分证", "身份證", "护照", "護照", "证件", "證件", "手持", "驾照", "驾驶证", "駕照", "通行证", "居住证", "回乡证", "户口本", "户口簿", "居留证",
    "id card", "idcard", "id photo", "id front", "id back", "id scan", "my id", "identity card", "national id",
    "passport", "selfie", "driver license", "driver licence", "driver's license", "drivers license",
    "driving license", "driving licence", "residence permit", "hkid", "sfz", "shenfenzheng", "huzhao", "kyc photo",
    "kyc selfie",
];

/// Words that say the picture is a screenshot of a page or an error, not the document itself.
#[rustfmt::skip]
const SCREENSHOT_WORDS: &[&str] = &[
    "截图", "截屏", "screenshot", "screen shot", "error", "报错", "失败", "failed", "rejected", "驳回", "提示",
];

struct AttachWords {
    id: AhoCorasick,
    id_left: Vec<bool>,
    shot: AhoCorasick,
}

static ATTACH: LazyLock<AttachWords> = LazyLock::new(|| {
    let norm: Vec<String> = ID_DOCUMENT_WORDS
        .iter()
        .map(|w| crate::text::normalize(w))
        .collect();
    let id_left = norm
        .iter()
        .map(|w| w.as_bytes()[0].is_ascii_alphanumeric())
        .collect();
    let build = |pats: &[String]| {
        AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .build(pats)
            .expect("attachment words")
    };
    let shot: Vec<String> = SCREENSHOT_WORDS
        .iter()
        .map(|w| crate::text::normalize(w))
        .collect();
    AttachWords {
        id: build(&norm),
        id_left,
        shot: build(&shot),
    }
});

/// First identity-document word in `text` (ASCII words on a word start), as a byte range.
fn id_document_word(text: &str) -> Option<std::ops::Range<usize>> {
    let a = &*ATTACH;
    let b = text.as_bytes();
    a.id.find_iter(text)
        // Plurals and suffixes are fine ("passports", "selfies"); glued prefixes are not ("uidcard").
        .find(|m| {
            !a.id_left[m.pattern().as_usize()]
                || m.start() == 0
                || !b[m.start() - 1].is_ascii_alphanumeric()
        })
        .map(|m| m.start()..m.end())
}

/// Scans what an attachment says about itself: its normalized caption and file name. A photo or document whose
/// caption or name says it is an ID card, passport or selfie with ID yields an `id_document` finding (borderline
/// when the caption says it is a screenshot or an error page); the caption and name also go through [`scan`].
/// Spans of caption findings point into `caption`; findings from the file name have an empty span `0..0`.
///
/// WIF and xprv keys in a caption need the raw caption: callers with it also run [`scan_message`] on the caption.
pub fn scan_attachment(
    caption: &str,
    file_name: Option<&str>,
    media: Option<MediaKind>,
) -> Vec<Finding> {
    let mut out = Vec::new();
    scan_into(caption, &mut out);
    // File names: normalized, with `_ - .` read as spaces (`passport_scan.jpg`, `id-card-front.png`).
    let name: Option<String> = file_name.map(|n| {
        crate::text::normalize(n)
            .chars()
            .map(|c| {
                if matches!(c, '_' | '-' | '.' | '+') {
                    ' '
                } else {
                    c
                }
            })
            .collect()
    });
    if let Some(name) = &name {
        let mut from_name = Vec::new();
        scan_into(name, &mut from_name);
        out.extend(from_name.into_iter().map(|f| Finding { span: 0..0, ..f }));
    }
    if matches!(media, Some(MediaKind::Photo | MediaKind::Document)) {
        let caption_word = id_document_word(caption);
        let name_word = name.as_deref().and_then(id_document_word);
        if caption_word.is_some() || name_word.is_some() {
            let shot = ATTACH.shot.is_match(caption)
                || name.as_deref().is_some_and(|n| ATTACH.shot.is_match(n));
            let confidence = if shot {
                Confidence::Borderline
            } else {
                Confidence::Validated
            };
            let (rule, span) = match caption_word {
                Some(span) => ("id_document_caption", span),
                None => ("id_document_file_name", 0..0),
            };
            out.push(Finding {
                kind: SecretKind::IdDocument,
                rule,
                span,
                confidence,
            });
        }
    }
    finish(&mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize;

    fn msg(raw: &str) -> Vec<Finding> {
        scan_message(raw, &normalize(raw))
    }

    fn validated(raw: &str) -> Option<SecretKind> {
        msg(raw)
            .into_iter()
            .find(|f| f.confidence == Confidence::Validated)
            .map(|f| f.kind)
    }

    #[test]
    fn one_of_each_kind() {
        let phrase = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
        assert_eq!(validated(phrase), Some(SecretKind::SeedPhrase));
        assert_eq!(
            validated("身份证 11010519491231002X"),
            Some(SecretKind::IdNumber)
        );
        assert_eq!(
            validated("验证码 482913"),
            Some(SecretKind::VerificationCode)
        );
        assert_eq!(validated("password: Hunter2!"), Some(SecretKind::Password));
        assert_eq!(
            validated(
                "private key 4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318"
            ),
            Some(SecretKind::PrivateKey)
        );
        assert_eq!(
            validated("5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ"),
            Some(SecretKind::PrivateKey)
        );
        assert_eq!(
            validated(
                "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10"
            ),
            Some(SecretKind::Mrz)
        );
    }

    #[test]
    fn findings_sorted_and_merged() {
        let t = normalize("验证码 482913 and password: Hunter2! and again 验证码 123456");
        let f = scan(&t);
        assert!(f.windows(2).all(|w| w[0].span.start <= w[1].span.start));
        assert_eq!(
            f.iter()
                .filter(|f| f.kind == SecretKind::VerificationCode)
                .count(),
            2
        );
        let mut v = vec![
            Finding {
                kind: SecretKind::SeedPhrase,
                rule: "a",
                span: 0..10,
                confidence: Confidence::Borderline,
            },
            Finding {
                kind: SecretKind::SeedPhrase,
                rule: "b",
                span: 5..20,
                confidence: Confidence::Validated,
            },
        ];
        finish(&mut v);
        assert_eq!(v.len(), 1);
        assert_eq!(
            (v[0].rule, v[0].span.clone(), v[0].confidence),
            ("b", 0..20, Confidence::Validated)
        );
    }

    #[test]
    fn chatter_is_clean() {
        for s in [
            "how do I register?",
            "提币网络选哪个",
            "txid 0x4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
            "never share your seed phrase with anyone",
            "助记词丢了怎么办",
            "I didn't get my verification code",
            "reset password stuck",
            "邀请码 123456",
        ] {
            assert!(
                msg(s).iter().all(|f| f.confidence != Confidence::Validated),
                "{s}"
            );
        }
    }

    #[test]
    fn attachments() {
        let f = scan_attachment(&normalize("我的身份证正面"), None, Some(MediaKind::Photo));
        assert!(
            f.iter()
                .any(|f| f.kind == SecretKind::IdDocument && f.confidence == Confidence::Validated)
        );
        let f = scan_attachment("", Some("Passport_Scan.JPG"), Some(MediaKind::Document));
        assert!(
            f.iter()
                .any(|f| f.rule == "id_document_file_name" && f.span == (0..0))
        );
        let f = scan_attachment(
            &normalize("selfie with ID for KYC"),
            None,
            Some(MediaKind::Photo),
        );
        assert!(f.iter().any(|f| f.kind == SecretKind::IdDocument));
        let f = scan_attachment(
            &normalize("护照上传失败 截图"),
            None,
            Some(MediaKind::Photo),
        );
        assert!(f.iter().all(|f| f.confidence == Confidence::Borderline));
        assert!(scan_attachment(&normalize("护照"), None, None).is_empty());
        assert!(
            scan_attachment(
                &normalize("充值截图"),
                Some("IMG_2024.jpg"),
                Some(MediaKind::Photo)
            )
            .is_empty()
        );
        assert!(scan_attachment(&normalize("my uidcard"), None, Some(MediaKind::Photo)).is_empty());
        let f = scan_attachment(&normalize("验证码 482913"), None, Some(MediaKind::Photo));
        assert!(f.iter().any(|f| f.kind == SecretKind::VerificationCode));
    }
}
