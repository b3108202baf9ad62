//! Seed phrases: runs of BIP39 words in any of the ten official wordlists.
//!
//! A run is a maximal sequence of list words with nothing but separators between them (spaces, commas, newlines,
//! emoji, numbering such as `1.` `2)` `3、` `(4)`). How a run is graded:
//!
//! - a 12/15/18/21/24-word window with a valid BIP39 checksum (SHA-256 of the entropy) is `bip39_checksum`,
//!   validated; the window may drop up to two words at either end of the run (a context word, a stray word);
//! - with seed-phrase context near (seed, mnemonic, 助记词…), a shorter run (≥ 8 words, or ≥ 6 written as a list)
//!   or a bad checksum is `seed_context`, validated;
//! - a long list-like run without checksum or context is `seed_list_like`, borderline.
//!
//! Chinese is different: the Chinese lists are the 2,048 most frequent characters, so ordinary sentences are runs of
//! list characters. Only spaced single characters (`的 一 是 …`, each on its own between separators) count as a run
//! like the other languages; an unspaced block counts only when it is a whole block of exactly 12/15/18/21/24
//! characters with a valid checksum that does not read like prose (most of a sentence's characters are among the
//! 300 most frequent; a mnemonic's are spread over all 2,048), or near context. English prose is guarded the same
//! way: ordinary sentences break runs with words outside the list ("the", "is", "to", "a", "my"…), and a window
//! mostly made of everyday words is not taken for a mnemonic.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::LazyLock;

use sha2::{Digest, Sha256};

use crate::domain::{Confidence, Finding, SecretKind};
use crate::text::{is_han, normalize};

use super::keywords::{self, Cat, Hit};

/// The ten wordlists, in slot order (both Chinese lists share the last slot).
const WORDLISTS: [(&str, &str); 10] = [
    ("english", include_str!("wordlists/english.txt")),
    ("spanish", include_str!("wordlists/spanish.txt")),
    ("french", include_str!("wordlists/french.txt")),
    ("italian", include_str!("wordlists/italian.txt")),
    ("czech", include_str!("wordlists/czech.txt")),
    ("portuguese", include_str!("wordlists/portuguese.txt")),
    ("japanese", include_str!("wordlists/japanese.txt")),
    ("korean", include_str!("wordlists/korean.txt")),
    (
        "chinese_simplified",
        include_str!("wordlists/chinese_simplified.txt"),
    ),
    (
        "chinese_traditional",
        include_str!("wordlists/chinese_traditional.txt"),
    ),
];

// Word slots: english, spanish, french, italian, czech, portuguese, japanese, korean; then chinese (simplified and
// traditional fold to the same indices).
const EN: usize = 0;
const ZH: usize = 8;
const WORD_LANGS: usize = 8;
const NONE: u16 = u16::MAX;
/// Valid mnemonic lengths.
const VALID: [usize; 5] = [12, 15, 18, 21, 24];
/// An unspaced Chinese block whose mean list index is below this reads as a sentence (the list is ordered by
/// frequency). Measured on news and blog text: 1.2% of all-list 12/15-character windows pass, 1% of random
/// mnemonics fail.
const ZH_MEAN_RANK: u32 = 650;
/// The looser bar for a block with a valid checksum next to seed-phrase context (random mnemonics fall below it
/// about once in 10,000).
const ZH_MEAN_RANK_CONTEXT: u32 = 450;
/// The Han block the lookup table covers (every Chinese list character is in it; checked by a test).
const HAN_LO: u32 = 0x4E00;
const HAN_HI: u32 = 0x9FFF;

/// Everyday English words that are also BIP39 words: a window made mostly of them is prose, not a mnemonic.
#[rustfmt::skip]
const EN_COMMON: &[&str] = &[
    "able", "about", "account", "add", "again", "air", "all", "allow", "already", "also", "always", "another",
    "any", "appear", "area", "art", "ask", "avoid", "because", "before", "begin", "believe", "body", "book",
    "bring", "build", "business", "call", "can", "car", "case", "change", "check", "child", "city", "code",
    "column", "come", "company", "consider", "copy", "country", "crash", "current", "day", "decide", "deposit",
    "door", "early", "echo", "edit", "empty", "end", "error", "example", "exchange", "expect", "extra", "eye",
    "face", "fall", "family", "father", "feature", "few", "file", "find", "first", "flag", "follow", "force",
    "friend", "game", "girl", "give", "good", "great", "group", "grow", "hand", "happy", "have", "head", "health",
    "hello", "help", "high", "history", "home", "hour", "idea", "include", "into", "issue", "item", "job", "just",
    "keep", "key", "kid", "kind", "know", "large", "law", "learn", "letter", "level", "library", "license", "life",
    "like", "list", "little", "live", "long", "love", "make", "man", "match", "member", "memory", "menu", "message",
    "method", "minute", "moment", "month", "more", "morning", "mother", "mouse", "move", "much", "must", "name",
    "need", "never", "next", "night", "normal", "note", "now", "number", "off", "offer", "office", "okay", "old",
    "one", "only", "open", "option", "order", "other", "over", "own", "parent", "party", "pass", "patch", "path",
    "pattern", "people", "person", "place", "play", "please", "point", "position", "possible", "power", "price",
    "private", "problem", "program", "provide", "public", "pull", "question", "raise", "reason", "remain",
    "remember", "remove", "report", "result", "return", "right", "room", "run", "same", "school", "screen",
    "script", "search", "secret", "sell", "service", "share", "side", "sign", "small", "solution", "sorry", "space",
    "speak", "spell", "spend", "stand", "start", "state", "stay", "still", "story", "student", "such", "suggest",
    "sure", "system", "tag", "team", "tell", "term", "test", "text", "thank", "that", "then", "there", "they",
    "thing", "this", "ticket", "time", "today", "tomorrow", "trade", "try", "two", "type", "under", "use", "used",
    "verify", "version", "very", "visual", "wait", "walk", "want", "water", "way", "what", "when", "where", "will",
    "win", "window", "woman", "word", "work", "world", "write", "wrong", "year", "you", "young", "zero",
];

/// FNV-1a: the word map is hashed on every word of every message, and its keys are not attacker-chosen in a way
/// that matters (a fixed, public set).
#[derive(Default)]
struct Fnv(u64);

impl Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        let mut h = if self.0 == 0 {
            0xcbf2_9ce4_8422_2325
        } else {
            self.0
        };
        for &b in bytes {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
        self.0 = h;
    }
}

struct Lists {
    /// Normalized word → its index in each word language (`NONE` where absent).
    words: HashMap<Box<str>, [u16; WORD_LANGS], BuildHasherDefault<Fnv>>,
    min_len: usize,
    max_len: usize,
    /// Chinese index of each Han character in `HAN_LO..=HAN_HI` after normalization.
    han: Vec<u16>,
    /// Characters that normalize onto a second index (`覆` folds to `复`): (char, other index).
    han_alt: Vec<(char, u16)>,
    /// Indices of [`EN_COMMON`] in the English list.
    en_common: Vec<bool>,
}

static LISTS: LazyLock<Lists> = LazyLock::new(build);

fn strip_accents(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    s.nfd()
        .filter(|c| !('\u{0300}'..='\u{036F}').contains(c))
        .collect()
}

fn build() -> Lists {
    let mut words: HashMap<Box<str>, [u16; WORD_LANGS], BuildHasherDefault<Fnv>> =
        HashMap::default();
    let lists: Vec<Vec<String>> = WORDLISTS
        .iter()
        .map(|(_, text)| {
            text.lines()
                .map(normalize)
                .filter(|w| !w.is_empty())
                .collect()
        })
        .collect();
    for (lang, list) in lists.iter().enumerate().take(WORD_LANGS) {
        debug_assert_eq!(list.len(), 2048, "{}", WORDLISTS[lang].0);
        for (i, w) in list.iter().enumerate() {
            let slot = &mut words.entry(w.as_str().into()).or_insert([NONE; WORD_LANGS])[lang];
            if *slot == NONE {
                *slot = i as u16;
            }
        }
    }
    // Accent-free spellings (members often type `abaco` for `ábaco`), where they name no other word.
    for (lang, list) in lists.iter().enumerate().take(WORD_LANGS) {
        for (i, w) in list.iter().enumerate() {
            let s = strip_accents(w);
            if s != *w {
                let slot = &mut words.entry(s.into()).or_insert([NONE; WORD_LANGS])[lang];
                if *slot == NONE {
                    *slot = i as u16;
                }
            }
        }
    }
    let min_len = words.keys().map(|k| k.len()).min().unwrap_or(0);
    let max_len = words.keys().map(|k| k.len()).max().unwrap_or(0);
    let mut han = vec![NONE; (HAN_HI - HAN_LO + 1) as usize];
    let mut han_alt = Vec::new();
    for list in &lists[WORD_LANGS..] {
        for (i, w) in list.iter().enumerate() {
            let Some(c) = w.chars().next() else { continue };
            let cp = c as u32;
            if !(HAN_LO..=HAN_HI).contains(&cp) {
                continue;
            }
            let slot = &mut han[(cp - HAN_LO) as usize];
            if *slot == NONE {
                *slot = i as u16;
            } else if *slot != i as u16 && !han_alt.contains(&(c, i as u16)) {
                han_alt.push((c, i as u16));
            }
        }
    }
    let mut en_common = vec![false; 2048];
    for w in EN_COMMON {
        if let Some(ix) = words.get(*w).map(|v| v[EN]).filter(|&i| i != NONE) {
            en_common[ix as usize] = true;
        }
    }
    Lists {
        words,
        min_len,
        max_len,
        han,
        han_alt,
        en_common,
    }
}

impl Lists {
    fn word(&self, w: &str) -> Option<&[u16; WORD_LANGS]> {
        if w.len() < self.min_len || w.len() > self.max_len {
            return None;
        }
        self.words.get(w)
    }

    fn han(&self, c: char) -> (u16, u16) {
        let cp = c as u32;
        if !(HAN_LO..=HAN_HI).contains(&cp) {
            return (NONE, NONE);
        }
        let idx = self.han[(cp - HAN_LO) as usize];
        if idx == NONE || self.han_alt.is_empty() {
            return (idx, NONE);
        }
        let alt = self
            .han_alt
            .iter()
            .find(|(a, _)| *a == c)
            .map_or(NONE, |&(_, i)| i);
        (idx, alt)
    }
}

/// What separates a token from the one before it.
#[derive(Clone, Copy, Debug, Default)]
struct Gap {
    /// Nothing at all: the tokens touch (only possible for Han characters and script changes).
    empty: bool,
    digit: bool,
    newline: bool,
    /// Punctuation or symbols other than spaces (commas, `、`, emoji, brackets).
    punct: bool,
}

const FRESH: Gap = Gap {
    empty: true,
    digit: false,
    newline: false,
    punct: false,
};

/// A word or a Han character, with its list indices.
#[derive(Clone, Copy, Debug)]
struct Tok {
    start: usize,
    end: usize,
    han: bool,
    idx: [u16; 9],
    /// Second Chinese index for characters two list entries fold onto.
    alt: u16,
    gap: Gap,
    /// The last number in the gap before the token (`12. word` → 12), 0 when none.
    num: u16,
}

fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    (c.is_alphabetic() && !is_han(c))
        || ('\u{3040}'..='\u{30FF}').contains(&c)
        || ('\u{0300}'..='\u{036F}').contains(&c)
}

/// Splits normalized text into words (letters of any script but Han) and single Han characters.
fn tokenize(text: &str, lists: &Lists, mut f: impl FnMut(Tok)) {
    let mut gap = FRESH;
    let mut num: u16 = 0;
    let mut in_num = false;
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        let c = text[i..].chars().next().unwrap_or(' ');
        let cl = c.len_utf8();
        if c.is_ascii() && !c.is_ascii_alphabetic() {
            gap.empty = false;
            if c.is_ascii_digit() {
                let d = c as u16 - u16::from(b'0');
                num = if in_num {
                    num.saturating_mul(10).saturating_add(d)
                } else {
                    d
                };
                in_num = true;
            } else {
                in_num = false;
            }
            match c {
                '0'..='9' => gap.digit = true,
                '\n' => gap.newline = true,
                ' ' | '\t' => {}
                _ => gap.punct = true,
            }
            i += 1;
            continue;
        }
        if is_han(c) {
            let (idx, alt) = lists.han(c);
            let mut ix = [NONE; 9];
            ix[ZH] = idx;
            f(Tok {
                start: i,
                end: i + cl,
                han: true,
                idx: ix,
                alt,
                gap,
                num,
            });
            gap = FRESH;
            (num, in_num) = (0, false);
            i += cl;
            continue;
        }
        if is_word_char(c) {
            let s = i;
            i += cl;
            while i < b.len() {
                let d = text[i..].chars().next().unwrap_or(' ');
                if d.is_ascii() && !d.is_ascii_alphabetic() || !d.is_ascii() && !is_word_char(d) {
                    break;
                }
                i += d.len_utf8();
            }
            let mut ix = [NONE; 9];
            if let Some(w) = lists.word(&text[s..i]) {
                ix[..WORD_LANGS].copy_from_slice(w);
            }
            f(Tok {
                start: s,
                end: i,
                han: false,
                idx: ix,
                alt: NONE,
                gap,
                num,
            });
            gap = FRESH;
            (num, in_num) = (0, false);
            continue;
        }
        // Emoji, CJK punctuation, symbols: separators.
        gap.empty = false;
        gap.punct = true;
        in_num = false;
        i += cl;
    }
}

/// Cheap first pass: could any run here matter? Most messages stop here without allocating.
fn worth_a_look(text: &str, lists: &Lists) -> bool {
    let mut run = [0usize; WORD_LANGS];
    let mut hit = false;
    // Chinese: current block (adjacent Han characters), whether all are list characters, and the run of isolated
    // list characters.
    let mut block = 0usize;
    let mut block_listed = true;
    let mut spaced = 0usize;
    let end_block = |block: &mut usize, listed: &mut bool, spaced: &mut usize, hit: &mut bool| {
        if *block == 1 && *listed {
            *spaced += 1;
            *hit |= *spaced >= 6;
        } else if *block > 0 {
            *spaced = 0;
            *hit |= *block >= 12 && *listed;
        }
        *block = 0;
        *listed = true;
    };
    tokenize(text, lists, |t| {
        if t.han {
            if !t.gap.empty || block == 0 {
                end_block(&mut block, &mut block_listed, &mut spaced, &mut hit);
            }
            block += 1;
            block_listed &= t.idx[ZH] != NONE;
            run = [0; WORD_LANGS];
            return;
        }
        end_block(&mut block, &mut block_listed, &mut spaced, &mut hit);
        spaced = 0;
        for (r, &ix) in run.iter_mut().zip(&t.idx[..WORD_LANGS]) {
            if ix == NONE {
                *r = 0;
            } else {
                *r += 1;
                hit |= *r >= 6;
            }
        }
    });
    end_block(&mut block, &mut block_listed, &mut spaced, &mut hit);
    hit
}

/// BIP39 checksum of a mnemonic given as word indices (12, 15, 18, 21 or 24 of them).
pub(crate) fn checksum_ok(idx: &[u16]) -> bool {
    let n = idx.len();
    if !VALID.contains(&n) {
        return false;
    }
    let mut bits = [0u8; 33];
    for (i, &v) in idx.iter().enumerate() {
        for k in 0..11 {
            if (v >> (10 - k)) & 1 == 1 {
                let pos = i * 11 + k;
                bits[pos / 8] |= 1 << (7 - pos % 8);
            }
        }
    }
    let cs_bits = n / 3;
    let ent_bytes = (n * 11 - cs_bits) / 8;
    let hash = Sha256::digest(&bits[..ent_bytes]);
    hash[0] >> (8 - cs_bits) == bits[ent_bytes] >> (8 - cs_bits)
}

/// Checksum over tokens, trying the second index of ambiguous Chinese characters.
fn checksum_toks(toks: &[Tok], lang: usize) -> bool {
    let mut idx = [0u16; 24];
    for (k, t) in toks.iter().enumerate() {
        idx[k] = t.idx[lang];
    }
    let idx = &mut idx[..toks.len()];
    let alts: Vec<usize> = if lang == ZH {
        toks.iter()
            .enumerate()
            .filter(|(_, t)| t.alt != NONE)
            .map(|(k, _)| k)
            .take(4)
            .collect()
    } else {
        Vec::new()
    };
    for mask in 0u32..(1 << alts.len()) {
        for (bit, &k) in alts.iter().enumerate() {
            idx[k] = if mask & (1 << bit) != 0 {
                toks[k].alt
            } else {
                toks[k].idx[lang]
            };
        }
        if checksum_ok(idx) {
            return true;
        }
    }
    false
}

/// A window mostly of everyday words (English) or everyday characters (unspaced Chinese) reads as prose.
fn prose_like(toks: &[Tok], lang: usize, lists: &Lists) -> bool {
    match lang {
        EN => {
            toks.iter()
                .filter(|t| lists.en_common[t.idx[EN] as usize])
                .count()
                * 2
                > toks.len()
        }
        // Sentences lean on frequent characters; a mnemonic's indices are uniform over 0..2048 (mean 1024).
        ZH => {
            toks.iter().map(|t| u32::from(t.idx[ZH])).sum::<u32>()
                < ZH_MEAN_RANK * toks.len() as u32
        }
        _ => false,
    }
}

/// A window of the run that passes the checksum. Up to two words may be dropped at either end (a stray word, a
/// context word); in English also any everyday words around the phrase ("… can you check this").
fn checksum_window<'a>(toks: &'a [Tok], lang: usize, lists: &Lists) -> Option<&'a [Tok]> {
    // Spaced Chinese characters are not prose whatever their rank.
    let prose_lang = if lang == ZH { usize::MAX } else { lang };
    let m = toks.len();
    let common = |t: &Tok| lang == EN && lists.en_common[t.idx[EN] as usize];
    let lead = 2 + toks.iter().take_while(|t| common(t)).count();
    let tail = 2 + toks.iter().rev().take_while(|t| common(t)).count();
    for start in 0..=lead.min(m) {
        for len in VALID {
            let end = start + len;
            if end > m {
                break;
            }
            if m - end > tail {
                continue;
            }
            let w = &toks[start..end];
            if !prose_like(w, prose_lang, lists) && checksum_toks(w, lang) {
                return Some(w);
            }
        }
    }
    None
}

fn push(out: &mut Vec<Finding>, rule: &'static str, toks: &[Tok], confidence: Confidence) {
    out.push(Finding {
        kind: SecretKind::SeedPhrase,
        rule,
        span: toks[0].start..toks[toks.len() - 1].end,
        confidence,
    });
}

/// Grades one run of list words (any language but unspaced Chinese).
fn grade_run(run: &[Tok], lang: usize, hits: &[Hit], lists: &Lists, out: &mut Vec<Finding>) {
    if run.len() < 6 {
        return;
    }
    let (lo, hi) = (run[0].start, run[run.len() - 1].end);
    // Context words inside the run (`seed`, `phrase` are list words too) are not part of the phrase.
    let words: Vec<Tok> = run
        .iter()
        .filter(|t| !keywords::any_in(hits, Cat::Seed, t.start, t.end))
        .copied()
        .collect();
    let m = words.len();
    if m < 6 {
        return;
    }
    if let Some(w) = checksum_window(&words, lang, lists) {
        push(out, "bip39_checksum", w, Confidence::Validated);
        return;
    }
    if numbered_out_of_order(&words, lang) {
        push(out, "bip39_checksum", &words, Confidence::Validated);
        return;
    }
    let ctx = keywords::near(hits, Cat::Seed, lo, hi, 120, 80);
    let gaps = words[1..]
        .iter()
        .filter(|t| t.gap.digit || t.gap.newline || t.gap.punct)
        .count();
    // Spaced single Han characters are a list by themselves; prose never looks like that.
    let structured = lang == ZH || gaps * 2 >= m - 1;
    let prose = lang != ZH && prose_like(&words, lang, lists);
    if ctx && !prose && (m >= 8 || structured) {
        push(out, "seed_context", &words, Confidence::Validated);
    } else if m >= 12 && !prose && (structured || VALID.contains(&m)) {
        push(out, "seed_list_like", &words, Confidence::Borderline);
    }
}

/// A numbered phrase copied from a grid in another order (`1. a 7. g` / `2. b 8. h`): every word carries a
/// distinct number 1..=n for a valid n, and in number order the checksum holds.
fn numbered_out_of_order(words: &[Tok], lang: usize) -> bool {
    let n = words.len();
    if !VALID.contains(&n) || words.iter().any(|t| t.num == 0 || usize::from(t.num) > n) {
        return false;
    }
    let mut sorted: Vec<Tok> = words.to_vec();
    sorted.sort_by_key(|t| t.num);
    if sorted
        .iter()
        .enumerate()
        .any(|(k, t)| usize::from(t.num) != k + 1)
    {
        return false;
    }
    checksum_toks(&sorted, lang)
}

/// Grades an unspaced block of Han characters (all adjacent).
///
/// Without context the block must stand alone: the whole message or line, or set off by spaces or a colon, not a
/// clause between commas.
fn grade_block(text: &str, block: &[Tok], hits: &[Hit], lists: &Lists, out: &mut Vec<Finding>) {
    let n = block.len();
    if n < 12 {
        return;
    }
    let listed = |w: &[Tok]| w.iter().all(|t| t.idx[ZH] != NONE);
    let (lo, hi) = (block[0].start, block[n - 1].end);
    let before = text[..lo].chars().next_back();
    let after = text[hi..].chars().next();
    let standalone = before.is_none_or(|c| c.is_whitespace() || c == ':')
        && after.is_none_or(char::is_whitespace);
    if VALID.contains(&n)
        && standalone
        && listed(block)
        && !prose_like(block, ZH, lists)
        && checksum_toks(block, ZH)
    {
        push(out, "bip39_checksum", block, Confidence::Validated);
        return;
    }
    if !keywords::near(hits, Cat::Seed, lo, hi, 120, 80) {
        return;
    }
    // With context: a window near the block's edges (a context word such as 助记词 may lead the block).
    for start in 0..=4.min(n) {
        for len in VALID {
            let end = start + len;
            if end > n {
                break;
            }
            if n - end > 2 {
                continue;
            }
            let w = &block[start..end];
            if !listed(w) {
                continue;
            }
            // A valid checksum needs only a loose prose test; a bad one (a typo) needs the strict one.
            let mean = w.iter().map(|t| u32::from(t.idx[ZH])).sum::<u32>() / len as u32;
            let ok = (mean >= ZH_MEAN_RANK_CONTEXT && checksum_toks(w, ZH))
                || (n == len && mean >= ZH_MEAN_RANK);
            if ok {
                push(out, "seed_context", w, Confidence::Validated);
                return;
            }
        }
    }
}

/// Scans normalized text for seed phrases.
pub(crate) fn scan(text: &str, hits: &[Hit], out: &mut Vec<Finding>) {
    let lists = &*LISTS;
    if !worth_a_look(text, lists) {
        return;
    }
    let mut toks: Vec<Tok> = Vec::new();
    tokenize(text, lists, |t| toks.push(t));
    // Word languages: maximal runs of tokens listed in that language.
    for lang in 0..WORD_LANGS {
        let mut i = 0;
        while i < toks.len() {
            if toks[i].idx[lang] == NONE {
                i += 1;
                continue;
            }
            let s = i;
            while i < toks.len() && toks[i].idx[lang] != NONE {
                i += 1;
            }
            grade_run(&toks[s..i], lang, hits, lists, out);
        }
    }
    // Chinese: spaced single characters, and unspaced blocks.
    let n = toks.len();
    let isolated = |k: usize| {
        toks[k].han
            && !(k > 0 && toks[k - 1].han && toks[k].gap.empty)
            && !(k + 1 < n && toks[k + 1].han && toks[k + 1].gap.empty)
    };
    let mut i = 0;
    while i < n {
        if isolated(i) && toks[i].idx[ZH] != NONE {
            let s = i;
            while i < n && isolated(i) && toks[i].idx[ZH] != NONE {
                i += 1;
            }
            grade_run(&toks[s..i], ZH, hits, lists, out);
        } else if toks[i].han {
            let s = i;
            i += 1;
            while i < n && toks[i].han && toks[i].gap.empty {
                i += 1;
            }
            grade_block(text, &toks[s..i], hits, lists, out);
        } else {
            i += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grade(raw: &str) -> Option<(&'static str, Confidence)> {
        let t = normalize(raw);
        let hits = keywords::find(&t);
        let mut out = Vec::new();
        scan(&t, &hits, &mut out);
        out.iter()
            .max_by_key(|f| f.confidence)
            .map(|f| (f.rule, f.confidence))
    }

    fn validated(raw: &str) -> bool {
        grade(raw).is_some_and(|(_, c)| c == Confidence::Validated)
    }

    const ABOUT: &str = "abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about";
    // Trezor's BIP39 test vectors.
    const LEGAL: &str =
        "legal winner thank year wave sausage worth useful legal winner thank yellow";
    const ZOO24: &str = "zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo zoo vote";

    #[test]
    fn wordlists_load_and_round_trip() {
        let l = &*LISTS;
        for (lang, (name, text)) in WORDLISTS.iter().enumerate() {
            let words: Vec<String> = text.lines().map(normalize).collect();
            assert_eq!(words.len(), 2048, "{name}");
            for (i, w) in words.iter().enumerate() {
                if lang < WORD_LANGS {
                    assert_eq!(l.word(w).map(|v| v[lang]), Some(i as u16), "{name} {i}");
                } else {
                    let c = w.chars().next().unwrap();
                    assert!(
                        (HAN_LO..=HAN_HI).contains(&(c as u32)),
                        "{name} {i} outside the Han table"
                    );
                    let (idx, alt) = l.han(c);
                    assert!(idx == i as u16 || alt == i as u16, "{name} {i}");
                }
            }
        }
        assert_eq!(l.en_common.iter().filter(|&&b| b).count(), EN_COMMON.len());
    }

    #[test]
    fn checksums() {
        let idx =
            |s: &str| -> Vec<u16> { s.split(' ').map(|w| LISTS.word(w).unwrap()[EN]).collect() };
        assert!(checksum_ok(&idx(ABOUT)));
        assert!(checksum_ok(&idx(LEGAL)));
        assert!(checksum_ok(&idx(ZOO24)));
        assert!(!checksum_ok(&idx(&ABOUT.replace("about", "abandon"))));
        assert!(!checksum_ok(&idx("abandon abandon")));
    }

    #[test]
    fn phrases_in_every_form() {
        for s in [
            ABOUT,
            LEGAL,
            ZOO24,
            &LEGAL.to_uppercase(),
            "Legal Winner THANK year wave Sausage worth useful legal winner thank yellow",
            "1. legal 2. winner 3. thank 4. year 5. wave 6. sausage 7. worth 8. useful 9. legal 10. winner 11. thank 12. yellow",
            "1) legal\n2) winner\n3) thank\n4) year\n5) wave\n6) sausage\n7) worth\n8) useful\n9) legal\n10) winner\n11) thank\n12) yellow",
            "1、legal 2、winner 3、thank 4、year 5、wave 6、sausage 7、worth 8、useful 9、legal 10、winner 11、thank 12、yellow",
            "(1) legal (2) winner (3) thank (4) year (5) wave (6) sausage (7) worth (8) useful (9) legal (10) winner (11) thank (12) yellow",
            "legal, winner, thank, year, wave, sausage, worth, useful, legal, winner, thank, yellow",
            "legal 🔑 winner 🔑 thank 🔑 year 🔑 wave 🔑 sausage 🔑 worth 🔑 useful 🔑 legal 🔑 winner 🔑 thank 🔑 yellow",
            "le\u{200B}gal winner th\u{200D}ank year wave sausage worth useful legal winner thank yel\u{FEFF}low",
            "ｌｅｇａｌ winner thank year wave sausage worth useful legal winner thank yellow",
            "my seed phrase: legal winner thank year wave sausage worth useful legal winner thank yellow",
            "我的助记词是legal winner thank year wave sausage worth useful legal winner thank yellow帮我看看",
            // Two-column grid, read row by row.
            "1. legal 7. worth\n2. winner 8. useful\n3. thank 9. legal\n4. year 10. winner\n5. wave 11. thank\n6. sausage 12. yellow",
            "袖 功 信 宣 怀 郎 棋 塞 缘 驾 星 箭",
            "紹 程 昌 斯 廟 座 後 並 標 尋 勇 寺",
            "1.袖 2.功 3.信 4.宣 5.怀 6.郎 7.棋 8.塞 9.缘 10.驾 11.星 12.箭",
            "袖，功，信，宣，怀，郎，棋，塞，缘，驾，星，箭",
            "袖\u{3000}功\u{3000}信\u{3000}宣\u{3000}怀\u{3000}郎\u{3000}棋\u{3000}塞\u{3000}缘\u{3000}驾\u{3000}星\u{3000}箭",
            "ばかり\u{3000}おもいで\u{3000}なたでここ\u{3000}さわる\u{3000}むりょう\u{3000}ひんかく\u{3000}つつむ\u{3000}たいまつばな\u{3000}くらべる\u{3000}はっぽう\u{3000}うすめる\u{3000}むのう",
            "국제 느낌 오히려 소음 어쩌다가 우연히 국제 청소 파란색 외출 움직임 이웃",
            "hierro loción fiar delgado margen rencor pueblo tecla contar cabina ámbito gancho",
            "hierro locion fiar delgado margen rencor pueblo tecla contar cabina ambito gancho",
            "actif abusif gazelle imiter audace flairer aspect hormone directif commande déesse furieux",
            // Everyday words around the phrase.
            "please help legal winner thank year wave sausage worth useful legal winner thank yellow can you check this",
        ] {
            assert!(validated(s), "{s}");
        }
    }

    #[test]
    fn context_makes_short_or_mistyped_phrases_count() {
        assert!(validated(
            "my seed phrase starts with legal winner thank year wave sausage worth useful"
        ));
        assert!(validated(
            "mnemonic: legal winner thank year wave sausage worth useful legal winner thank zoo"
        ));
        assert!(validated("助记词前8个 袖 功 信 宣 怀 郎 棋 塞"));
        assert!(validated("助記詞 袖 功 信 宣 怀 郎"));
        assert!(!validated(
            "legal winner thank year wave sausage worth useful"
        ));
    }

    #[test]
    fn bad_checksum_without_context_only_alerts() {
        let twelve = ABOUT.replace("about", "abandon");
        assert_eq!(
            grade(&twelve),
            Some(("seed_list_like", Confidence::Borderline))
        );
        assert!(!validated(
            "legal winner thank year wave sausage worth useful legal winner thank zoo"
        ));
    }

    #[test]
    fn prose_is_not_a_phrase() {
        for s in [
            "please check that account again because they will only deposit what they can afford today",
            "you can also have one more wallet but never share your private key or seed phrase with anyone",
            "never share your seed phrase, support will never ask for it",
            "the seed round will open again next month so just wait and stay calm",
            "I had to abandon the trade because the market was crazy",
            "our mnemonic guide: write each word clearly, check spelling twice, store offline safely",
            "请问注册链接在哪里可以找到，我在官网没看到",
            "香港警方要求示威群众解散的广播",
            "助记词丢了怎么办，我之前写在纸上的现在找不到了",
            "的 一 是",
            "水果 苹果 香蕉 橘子 葡萄 西瓜 草莓 桃子 梨子 樱桃 芒果 菠萝",
            "apple banana orange lemon grape mango peach cherry melon kiwi lime plum",
        ] {
            assert!(!validated(s), "{s}");
        }
    }

    #[test]
    fn unspaced_chinese_block_needs_checksum_and_standing_alone() {
        // A valid 12-character block on its own line, and the same characters inside a sentence.
        let block = "袖功信宣怀郎棋塞缘驾星箭";
        assert!(validated(block));
        assert!(validated(&format!("钱包助记词：{block}")));
        assert!(!validated(&format!("我觉得{block}")));
        assert!(!validated(&format!("你好，{block}，谢谢")));
    }
}
