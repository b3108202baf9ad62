//! Private keys: 64 hex characters near a private-key word, and base58check keys (WIF, xprv and its siblings).
//!
//! Base58 is case-sensitive and normalized text is lowercase, so WIF and extended keys are validated on the raw
//! text (NFKC and invisible characters removed, case kept) by [`scan_raw`]. From normalized text alone they can only
//! be recognised by shape.

use std::sync::LazyLock;

use sha2::{Digest, Sha256};
use unicode_normalization::UnicodeNormalization;

use crate::domain::{Confidence, Finding, SecretKind};

use super::keywords::{self, Cat, Hit};
use super::tokens;

fn finding(rule: &'static str, start: usize, end: usize, confidence: Confidence) -> Finding {
    Finding {
        kind: SecretKind::PrivateKey,
        rule,
        span: start..end,
        confidence,
    }
}

/// Context verdict for a key-shaped token: the nearest key or transaction word before it decides; failing that, a
/// key word shortly after it.
fn key_context(hits: &[Hit], start: usize, end: usize) -> bool {
    let cats = [Cat::Key, Cat::Tx, Cat::Label, Cat::Seed];
    match keywords::nearest_before(hits, &cats, start, 80) {
        Some(h) if h.cat == Cat::Key || h.cat == Cat::Seed => true,
        Some(h) if start - h.end <= 24 => false,
        _ => keywords::nearest_after(hits, &cats, end, 40)
            .is_some_and(|h| h.cat == Cat::Key || h.cat == Cat::Seed),
    }
}

/// Hex keys (and base58 keys by shape) in normalized text.
pub(crate) fn scan(text: &str, hits: &[Hit], out: &mut Vec<Finding>) {
    let b = text.as_bytes();
    tokens::alnum_tokens(text, |t| {
        let len = t.end - t.start;
        if len < 51 {
            return;
        }
        let tok = &b[t.start..t.end];
        let hex = if tok.starts_with(b"0x") {
            &tok[2..]
        } else {
            tok
        };
        if hex.len() == 64 && hex.iter().all(u8::is_ascii_hexdigit) {
            if key_context(hits, t.start, t.end) {
                out.push(finding(
                    "hex_key_context",
                    t.start,
                    t.end,
                    Confidence::Validated,
                ));
            }
            return;
        }
        // Lowercased base58: can't be checked, only recognised by shape.
        if tok.contains(&b'0') {
            return;
        }
        if len == 111 && is_xprv_prefix_lower(tok) {
            out.push(finding("xprv", t.start, t.end, Confidence::Borderline));
        } else if ((len == 51 && tok[0] == b'5') || (len == 52 && matches!(tok[0], b'k' | b'l')))
            && key_context(hits, t.start, t.end)
        {
            out.push(finding("wif", t.start, t.end, Confidence::Validated));
        }
    });
}

fn is_xprv_prefix_lower(tok: &[u8]) -> bool {
    matches!(
        &tok[..4],
        b"xprv" | b"tprv" | b"yprv" | b"zprv" | b"uprv" | b"vprv"
    )
}

/// Invisible characters the normalizer removes (kept in sync with `crate::text`).
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}'
        | '\u{2066}'..='\u{2069}'
        | '\u{FEFF}'
        | '\u{00AD}'
        | '\u{034F}'
        | '\u{180E}'
        | '\u{FE00}'..='\u{FE0F}'
        | '\u{20E3}'
    ) || c.is_control()
}

/// WIF and extended private keys validated by base58check on the raw text; spans point into `normalized`.
pub(crate) fn scan_raw(raw: &str, normalized: &str, out: &mut Vec<Finding>) {
    // Case-preserving normalization: NFKC (fullwidth → ASCII) and invisibles dropped, case kept.
    let cased: String = if raw.is_ascii() {
        raw.chars().filter(|c| !c.is_control()).collect()
    } else {
        raw.nfkc().filter(|&c| !is_invisible(c)).collect()
    };
    let mut from = 0;
    tokens::alnum_tokens(&cased, |t| {
        let (s, e) = (t.start, t.end);
        let tok = &cased.as_bytes()[s..e];
        let rule = match tok.len() {
            51 | 52 if wif_valid(tok) => "wif",
            111 if xprv_valid(tok) => "xprv",
            _ => return,
        };
        let lower = cased[s..e].to_ascii_lowercase();
        let (ns, ne) = match normalized[from..].find(&lower) {
            Some(p) => (from + p, from + p + lower.len()),
            None => (0, 0),
        };
        if ne > 0 {
            from = ne;
        }
        out.push(finding(rule, ns, ne, Confidence::Validated));
    });
}

const ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

static DECODE: LazyLock<[u8; 128]> = LazyLock::new(|| {
    let mut t = [255u8; 128];
    for (i, &c) in ALPHABET.iter().enumerate() {
        t[c as usize] = i as u8;
    }
    t
});

/// Decodes base58 into `out` (big-endian, leading zero bytes kept); `None` on a character outside the alphabet.
pub(crate) fn base58_decode(s: &[u8], out: &mut Vec<u8>) -> Option<()> {
    out.clear();
    let table = &*DECODE;
    // Little-endian bytes of the number while accumulating.
    let mut num: Vec<u8> = Vec::with_capacity(s.len());
    for &c in s {
        let d = *table.get(c as usize)?;
        if d == 255 {
            return None;
        }
        let mut carry = u32::from(d);
        for byte in num.iter_mut() {
            carry += u32::from(*byte) * 58;
            *byte = (carry & 0xff) as u8;
            carry >>= 8;
        }
        while carry > 0 {
            num.push((carry & 0xff) as u8);
            carry >>= 8;
        }
    }
    let zeros = s.iter().take_while(|&&c| c == b'1').count();
    out.extend(std::iter::repeat_n(0u8, zeros));
    out.extend(num.iter().rev());
    Some(())
}

/// Decodes base58check: the payload without its 4-byte double-SHA-256 checksum.
pub(crate) fn base58check(s: &[u8]) -> Option<Vec<u8>> {
    let mut bytes = Vec::with_capacity(s.len());
    base58_decode(s, &mut bytes)?;
    if bytes.len() < 5 {
        return None;
    }
    let (payload, check) = bytes.split_at(bytes.len() - 4);
    let h = Sha256::digest(Sha256::digest(payload));
    (h[..4] == *check).then(|| payload.to_vec())
}

/// A WIF private key (mainnet `5`/`K`/`L`, testnet `9`/`c`).
pub(crate) fn wif_valid(tok: &[u8]) -> bool {
    if !matches!(tok.first(), Some(b'5' | b'K' | b'L' | b'9' | b'c')) {
        return false;
    }
    match base58check(tok) {
        Some(p) => {
            matches!(p[0], 0x80 | 0xef) && (p.len() == 33 || (p.len() == 34 && p[33] == 0x01))
        }
        None => false,
    }
}

/// A BIP32 extended private key (xprv, tprv, and the SLIP-132 yprv/zprv/Yprv/Zprv/uprv/vprv/Uprv/Vprv).
pub(crate) fn xprv_valid(tok: &[u8]) -> bool {
    if tok.len() != 111 || !tok[1..4].eq_ignore_ascii_case(b"prv") {
        return false;
    }
    const VERSIONS: [[u8; 4]; 10] = [
        [0x04, 0x88, 0xad, 0xe4], // xprv
        [0x04, 0x35, 0x83, 0x94], // tprv
        [0x04, 0x9d, 0x78, 0x78], // yprv
        [0x04, 0xb2, 0x43, 0x0c], // zprv
        [0x02, 0x95, 0xb0, 0x05], // Yprv
        [0x02, 0xaa, 0x7a, 0x99], // Zprv
        [0x04, 0x4a, 0x4e, 0x28], // uprv
        [0x04, 0x5f, 0x18, 0xbc], // vprv
        [0x02, 0x42, 0x85, 0xb5], // Uprv
        [0x02, 0x57, 0x50, 0x48], // Vprv
    ];
    match base58check(tok) {
        Some(p) => p.len() == 78 && VERSIONS.iter().any(|v| p[..4] == *v) && p[45] == 0,
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::normalize;

    // Well-known public test vectors (not anyone's funds): the WIF example from the Bitcoin wiki and BIP32 test
    // vector 1's master xprv.
    pub(crate) const WIF_U: &str = "5HueCGU8rMjxEXxiPuD5BDku4MkFqeZyd4dZ1jvhTVqvbTLvyTJ";
    pub(crate) const WIF_C: &str = "KwDiBf89QgGbjEhKnhXJuH7LrciVrZi3qYjgd9M7rFU73sVHnoWn";
    pub(crate) const XPRV: &str = "xprv9s21ZrQH143K3QTDL4LXw2F7HEK3wJUD2nW2nRk4stbPy6cq3jPPqjiChkVvvNKmPGJxWUtg6LnF5kejMRNNU3TGtRBeJgk33yuGBxrMPHi";

    fn raw(text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        scan_raw(text, &normalize(text), &mut out);
        out
    }

    fn norm(text: &str) -> Vec<Finding> {
        let t = normalize(text);
        let hits = keywords::find(&t);
        let mut out = Vec::new();
        scan(&t, &hits, &mut out);
        out
    }

    #[test]
    fn base58check_keys() {
        assert!(wif_valid(WIF_U.as_bytes()));
        assert!(wif_valid(WIF_C.as_bytes()));
        assert!(xprv_valid(XPRV.as_bytes()));
        assert!(!wif_valid(WIF_U.to_ascii_lowercase().as_bytes()));
        let f = raw(&format!("here: {WIF_U} ok"));
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].rule, "wif");
        let t = normalize(&format!("here: {WIF_U} ok"));
        assert_eq!(&t[f[0].span.clone()], WIF_U.to_ascii_lowercase());
        // Zero-width characters and fullwidth letters inside the key.
        let obf: String = XPRV.chars().flat_map(|c| [c, '\u{200B}']).collect();
        assert_eq!(raw(&obf).len(), 1);
        let fw: String = WIF_C
            .chars()
            .map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap())
            .collect();
        assert_eq!(raw(&fw).len(), 1);
        // One character changed: checksum fails.
        let bad = WIF_C.replacen('K', "L", 1);
        assert!(raw(&bad).is_empty());
        // Public keys are not secrets.
        let xpub = "xpub661MyMwAqRbcFtXgS5sYJABqqG9YLmC4Q1Rdap9gSE8NqtwybGhePY2gZ29ESFjqJoCu1Rupje8YtGqsefD265TMg7usUDFdp6W1EGMcet8";
        assert!(raw(xpub).is_empty());
    }

    #[test]
    fn normalized_shapes() {
        assert!(
            norm(XPRV)
                .iter()
                .any(|f| f.rule == "xprv" && f.confidence == Confidence::Borderline)
        );
        assert!(
            norm(&format!("my private key {WIF_C}"))
                .iter()
                .any(|f| f.confidence == Confidence::Validated)
        );
        assert!(norm(WIF_C).is_empty());
    }

    #[test]
    fn hex_needs_key_words() {
        let hex = "4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318";
        assert!(!norm(&format!("private key: {hex}")).is_empty());
        assert!(!norm(&format!("私钥 0x{hex}")).is_empty());
        assert!(!norm(&format!("{hex} 是我的私钥")).is_empty());
        assert!(norm(&format!("txid: 0x{hex}")).is_empty());
        assert!(norm(&format!("交易哈希 {hex}")).is_empty());
        assert!(norm(&format!("hash {hex}")).is_empty());
        assert!(norm(hex).is_empty());
        assert!(
            norm(&format!(
                "my private key is safe, here is the tx hash {hex}"
            ))
            .is_empty()
        );
    }
}
