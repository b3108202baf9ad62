//! Property tests: the guard never panics, and the obfuscations members use to dodge filters (zero-width padding,
//! fullwidth digits, case changes, extra separators) do not hide a secret it detects.

use proptest::prelude::*;

use crate::domain::{Confidence, MediaKind, SecretKind};
use crate::text::normalize;

use super::{SplitWindow, scan, scan_attachment, scan_message};

/// Known-detected samples: (raw text, kind, may change case).
const SAMPLES: &[(&str, SecretKind, bool)] = &[
    (
        "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
        SecretKind::SeedPhrase,
        true,
    ),
    (
        "snap today ahead sand myself potato chronic bacon assume file burst offer",
        SecretKind::SeedPhrase,
        true,
    ),
    (
        "1. snap 2. today 3. ahead 4. sand 5. myself 6. potato 7. chronic 8. bacon 9. assume 10. file 11. burst 12. offer",
        SecretKind::SeedPhrase,
        true,
    ),
    (
        "袖 功 信 宣 怀 郎 棋 塞 缘 驾 星 箭",
        SecretKind::SeedPhrase,
        true,
    ),
    (
        "ばかり\u{3000}おもいで\u{3000}なたでここ\u{3000}さわる\u{3000}むりょう\u{3000}ひんかく\u{3000}つつむ\u{3000}たいまつばな\u{3000}くらべる\u{3000}はっぽう\u{3000}うすめる\u{3000}むのう",
        SecretKind::SeedPhrase,
        true,
    ),
    (
        "my seed phrase starts with snap today ahead sand myself potato chronic bacon",
        SecretKind::SeedPhrase,
        true,
    ),
    ("身份证号 11010519491231002X", SecretKind::IdNumber, true),
    ("id: 110105 19491231 002x", SecretKind::IdNumber, true),
    ("HKID A123456(3)", SecretKind::IdNumber, true),
    ("身分證 A123456789", SecretKind::IdNumber, true),
    ("护照号码 E12345678", SecretKind::IdNumber, true),
    (
        "P<UTOERIKSSON<<ANNA<MARIA<<<<<<<<<<<<<<<<<<<\nL898902C36UTO7408122F1204159ZE184226B<<<<<10",
        SecretKind::Mrz,
        true,
    ),
    ("验证码 482913", SecretKind::VerificationCode, true),
    (
        "my verification code is 482913",
        SecretKind::VerificationCode,
        true,
    ),
    ("谷歌验证 4 8 2 9 1 3", SecretKind::VerificationCode, true),
    ("password: Hunter2!", SecretKind::Password, true),
    ("我的密码是 abc12345", SecretKind::Password, true),
    (
        "private key 4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
        SecretKind::PrivateKey,
        true,
    ),
    (
        "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ",
        SecretKind::PrivateKey,
        false,
    ),
    (
        "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi",
        SecretKind::PrivateKey,
        false,
    ),
];

fn detected(raw: &str, kind: SecretKind) -> bool {
    scan_message(raw, &normalize(raw))
        .iter()
        .any(|f| f.kind == kind && f.confidence == Confidence::Validated)
}

#[test]
fn samples_are_detected() {
    for (s, kind, _) in SAMPLES {
        assert!(detected(s, *kind), "sample not detected: {kind:?}");
    }
}

const INVISIBLE: [char; 8] = [
    '\u{200B}', '\u{200C}', '\u{200D}', '\u{2060}', '\u{FEFF}', '\u{00AD}', '\u{200E}', '\u{FE0F}',
];

/// Inserts invisible characters after the chars picked by `picks`.
fn with_invisibles(s: &str, picks: &[(usize, usize)]) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::new();
    for (i, c) in chars.iter().enumerate() {
        out.push(*c);
        for (at, which) in picks {
            if at % chars.len().max(1) == i {
                out.push(INVISIBLE[which % INVISIBLE.len()]);
            }
        }
    }
    out
}

fn with_fullwidth_digits(s: &str, mask: u64) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if c.is_ascii_digit() && mask >> (i % 64) & 1 == 1 {
                char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)
            } else {
                c
            }
        })
        .collect()
}

fn with_case(s: &str, mask: u64) -> String {
    s.chars()
        .enumerate()
        .map(|(i, c)| {
            if mask >> (i % 64) & 1 == 1 {
                c.to_ascii_uppercase()
            } else {
                c.to_ascii_lowercase()
            }
        })
        .collect()
}

/// Word separators a member might use between the words of a seed phrase.
const SEPARATORS: [&str; 9] = [" ", "  ", "\n", ", ", " - ", "\u{3000}", " 🔑 ", "\t", "，"];

fn with_separators(s: &str, kind: SecretKind, picks: &[usize]) -> String {
    let mut k = 0;
    let mut next = || {
        let p = picks.get(k % picks.len().max(1)).copied().unwrap_or(0);
        k += 1;
        p
    };
    let body: String = if kind == SecretKind::SeedPhrase {
        let mut out = String::new();
        let mut sep = false;
        for c in s.chars() {
            if c == ' ' || c == '\u{3000}' {
                if !sep {
                    out.push_str(SEPARATORS[next() % SEPARATORS.len()]);
                }
                sep = true;
            } else {
                out.push(c);
                sep = false;
            }
        }
        out
    } else {
        // One or two spaces where there was one.
        s.chars()
            .map(|c| {
                if c == ' ' && next() % 2 == 1 {
                    "  ".to_string()
                } else {
                    c.to_string()
                }
            })
            .collect()
    };
    let lead = ["", " ", "\n", "  \n"][next() % 4];
    let trail = ["", " ", "\n", " \n "][next() % 4];
    format!("{lead}{body}{trail}")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn never_panics_on_any_string(s in ".*") {
        let n = normalize(&s);
        let f = scan_message(&s, &n);
        for x in &f {
            prop_assert!(x.span.start <= x.span.end && x.span.end <= n.len());
            prop_assert!(n.is_char_boundary(x.span.start) && n.is_char_boundary(x.span.end));
        }
        prop_assert!(f.windows(2).all(|w| w[0].span.start <= w[1].span.start));
        let _ = scan(&n);
        let _ = scan_attachment(&n, Some(&s), Some(MediaKind::Document));
    }

    #[test]
    fn never_panics_on_secret_like_soup(parts in proptest::collection::vec(prop_oneof![
        Just("abandon"), Just("about"), Just("zoo"), Just("的"), Just("是"), Just("袖"), Just(" "), Just("\n"),
        Just("1."), Just("2)"), Just("、"), Just("验证码"), Just("code"), Just("password:"), Just("密码"),
        Just("私钥"), Just("0x"), Just("4c0883a6"), Just("11010519491231002x"), Just("a123456(3)"), Just("<<"),
        Just("P<UTO"), Just("L898902C36UTO7408122F1204159ZE184226B<<<<<10"), Just("护照"), Just("E1234567"),
        Just("5HueCGU8rMjx"), Just("xprv9s21ZrQH"), Just("\u{200B}"), Just("１２３"), Just("-"), Just("x"),
        Just("seed"), Just("助记词"), Just("*"), Just("$"), Just("."), Just(":"), Just("ば"), Just("가격"),
        Just("\u{3000}"), Just("9"), Just("0"), Just("1 2 3 4"), Just("uid"), Just("txid"),
    ], 0..80), chat in 0i64..3, user in 0i64..3) {
        let s: String = parts.concat();
        let n = normalize(&s);
        let f = scan_message(&s, &n);
        for x in &f {
            prop_assert!(x.span.end <= n.len() && n.is_char_boundary(x.span.start) && n.is_char_boundary(x.span.end));
        }
        let mut w = SplitWindow::new(120, 5);
        for (i, chunk) in s.split('\n').enumerate() {
            let _ = w.push(chat, user, i as i32, i as i64, &normalize(chunk));
        }
    }

    #[test]
    fn invisibles_keep_secrets_detected(
        sample in 0..SAMPLES.len(),
        picks in proptest::collection::vec((0usize..400, 0usize..8), 0..12),
    ) {
        let (s, kind, _) = SAMPLES[sample];
        let obf = with_invisibles(s, &picks);
        prop_assert!(detected(&obf, kind), "sample {sample} lost with invisibles");
    }

    #[test]
    fn fullwidth_digits_keep_secrets_detected(sample in 0..SAMPLES.len(), mask in any::<u64>()) {
        let (s, kind, _) = SAMPLES[sample];
        let obf = with_fullwidth_digits(s, mask);
        prop_assert!(detected(&obf, kind), "sample {sample} lost with fullwidth digits");
    }

    #[test]
    fn case_changes_keep_secrets_detected(sample in 0..SAMPLES.len(), mask in any::<u64>()) {
        let (s, kind, case_free) = SAMPLES[sample];
        // Base58 keys are case-sensitive: changing their case makes another string.
        if !case_free {
            return Ok(());
        }
        let obf = with_case(s, mask);
        prop_assert!(detected(&obf, kind), "sample {sample} lost with case changes");
    }

    #[test]
    fn extra_separators_keep_secrets_detected(
        sample in 0..SAMPLES.len(),
        picks in proptest::collection::vec(0usize..64, 1..30),
    ) {
        let (s, kind, _) = SAMPLES[sample];
        let obf = with_separators(s, kind, &picks);
        prop_assert!(detected(&obf, kind), "sample {sample} lost with extra separators");
    }

    #[test]
    fn all_obfuscations_together(
        sample in 0..SAMPLES.len(),
        picks in proptest::collection::vec((0usize..400, 0usize..8), 0..8),
        seps in proptest::collection::vec(0usize..64, 1..30),
        mask in any::<u64>(),
        case in any::<u64>(),
    ) {
        let (s, kind, case_free) = SAMPLES[sample];
        let mut obf = with_separators(s, kind, &seps);
        if case_free {
            obf = with_case(&obf, case);
        }
        obf = with_invisibles(&with_fullwidth_digits(&obf, mask), &picks);
        prop_assert!(detected(&obf, kind), "sample {sample} lost with combined obfuscation");
    }
}
