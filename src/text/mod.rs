//! Text normalization and language detection: the one place that decides what "the same text" means.
//!
//! Members write fullwidth digits, mixed case, traditional characters and zero-width padding (sometimes on
//! purpose, to dodge filters). Every later stage reads only the normalized form, so patterns and detectors are
//! written once against one alphabet.

mod trad;

use unicode_normalization::UnicodeNormalization;

use crate::domain::Language;

/// Normalizes text for matching: NFKC (fullwidth to ASCII, compatibility forms), lowercase, traditional Chinese
/// folded to simplified for the characters support questions use, zero-width, bidi and other control characters
/// removed (newlines and tabs kept as separators), and keycap marks dropped so `1️⃣` reads as `1`.
pub fn normalize(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    normalize_into(input, &mut out);
    out
}

/// Like [`normalize`], writing into a caller-owned buffer so the hot path can reuse one allocation.
pub fn normalize_into(input: &str, out: &mut String) {
    out.clear();
    if input.is_ascii() {
        // Fast path: ASCII is already NFKC; only case and control characters change.
        for b in input.bytes() {
            match b {
                b'\n' | b'\t' => out.push(b as char),
                0..=0x1f | 0x7f => {}
                _ => out.push(b.to_ascii_lowercase() as char),
            }
        }
        return;
    }
    for c in input.nfkc() {
        if is_invisible(c) {
            continue;
        }
        if c == '\u{3000}' {
            out.push(' ');
            continue;
        }
        if c.is_uppercase() {
            out.extend(c.to_lowercase());
            continue;
        }
        out.push(trad::fold(c));
    }
}

/// Characters that render as nothing (or only steer rendering) and so must not split or hide a word.
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}'   // zero-width space/joiners, LRM/RLM
        | '\u{202A}'..='\u{202E}' // bidi embeddings and overrides
        | '\u{2060}'..='\u{2064}' // word joiner, invisible operators
        | '\u{2066}'..='\u{2069}' // bidi isolates
        | '\u{FEFF}'              // BOM / zero-width no-break space
        | '\u{00AD}'              // soft hyphen
        | '\u{034F}'              // combining grapheme joiner
        | '\u{180E}'              // Mongolian vowel separator
        | '\u{FE00}'..='\u{FE0F}' // variation selectors (emoji presentation)
        | '\u{20E3}'              // combining enclosing keycap: 1️⃣ reads as 1
    ) || (c.is_control() && c != '\n' && c != '\t')
}

/// True for CJK ideographs (the scripts a whitespace tokenizer cannot split).
pub fn is_han(c: char) -> bool {
    matches!(c,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2A6DF}')
}

/// Detects the language of a message: Chinese when Han characters carry a fair share of its letters, English
/// when it has Latin letters and (almost) no Han, `None` when it has neither (emoji, numbers, stickers).
pub fn detect_language(text: &str) -> Option<Language> {
    let mut han = 0usize;
    let mut latin = 0usize;
    for c in text.chars() {
        if is_han(c) {
            han += 1;
        } else if c.is_ascii_alphabetic() {
            latin += 1;
        }
    }
    if han == 0 && latin == 0 {
        return None;
    }
    // A Chinese sentence with "KYC" or "USDT" in it is still Chinese: one Han character weighs about as much as
    // a short Latin word.
    if han * 6 >= latin || han >= 4 {
        Some(Language::Zh)
    } else {
        Some(Language::En)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_width_case_and_invisibles() {
        assert_eq!(normalize("ＫＹＣ\u{200B}材料"), "kyc材料");
        assert_eq!(normalize("Ｒｅｇｉｓｔｅｒ １２３"), "register 123");
        assert_eq!(normalize("a\u{202E}b\u{2066}c\u{FEFF}d"), "abcd");
        assert_eq!(normalize("1\u{FE0F}\u{20E3}2\u{FE0F}\u{20E3}"), "12");
        assert_eq!(normalize("tab\tnew\nline\u{7}"), "tab\tnew\nline");
        assert_eq!(normalize("全角\u{3000}空格"), "全角 空格");
    }

    #[test]
    fn folds_traditional_to_simplified() {
        assert_eq!(normalize("註冊連結在哪裡"), "注册连结在哪里");
        assert_eq!(normalize("提幣網絡選哪個"), "提币网络选哪个");
    }

    #[test]
    fn ascii_fast_path_matches_general_path() {
        let s = "How Do I Register?\tOK\n";
        let mut general = String::new();
        for c in s.nfkc() {
            general.extend(c.to_lowercase());
        }
        assert_eq!(normalize(s), general);
    }

    #[test]
    fn detects_language() {
        assert_eq!(detect_language("kyc 要什么材料"), Some(Language::Zh));
        assert_eq!(
            detect_language("where is the activity page"),
            Some(Language::En)
        );
        assert_eq!(detect_language("usdt trc20 还是 erc20"), Some(Language::Zh));
        assert_eq!(detect_language("👍 123"), None);
    }
}
