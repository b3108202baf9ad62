//! The two identifiers a case is known by: the short [`CaseCode`] people read out and type, and the
//! unguessable [`StartToken`] carried by the deep link from the group to the private chat.

use std::fmt;

use rand::Rng;
use sha2::{Digest, Sha256};

use super::CaseError;

/// Symbols of a case code: digits and capitals without `0 O 1 I L`, which people misread and mistype.
const CODE_ALPHABET: &[u8; 31] = b"23456789ABCDEFGHJKMNPQRSTUVWXYZ";

/// A short, readable case code such as `C-7Q2K`: `C-` and 4 to 6 symbols of an alphabet without `0 O 1 I L`.
///
/// Codes are for people, not for security: they are short enough to collide, so the store must keep them unique
/// (retry on conflict, and grow the length with [`CaseCode::generate_len`] when short codes run out).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CaseCode(String);

impl CaseCode {
    /// The prefix every code is written with.
    pub const PREFIX: &'static str = "C-";
    /// Fewest symbols after the prefix.
    pub const MIN_LEN: usize = 4;
    /// Most symbols after the prefix.
    pub const MAX_LEN: usize = 6;

    /// A new random code of [`CaseCode::MIN_LEN`] symbols (about 920 000 codes).
    pub fn generate(rng: &mut impl Rng) -> Self {
        Self::generate_len(rng, Self::MIN_LEN)
    }

    /// A new random code of `len` symbols; `len` is clamped into `MIN_LEN..=MAX_LEN`.
    pub fn generate_len(rng: &mut impl Rng, len: usize) -> Self {
        let len = len.clamp(Self::MIN_LEN, Self::MAX_LEN);
        let mut s = String::with_capacity(Self::PREFIX.len() + len);
        s.push_str(Self::PREFIX);
        for _ in 0..len {
            s.push(CODE_ALPHABET[rng.random_range(0..CODE_ALPHABET.len())] as char);
        }
        CaseCode(s)
    }

    /// Parses a code as a person types it: any case, surrounding spaces, with or without the `C-` prefix.
    pub fn parse(input: &str) -> Result<Self, CaseError> {
        let upper = input.trim().to_ascii_uppercase();
        let body = upper.strip_prefix(Self::PREFIX).unwrap_or(&upper);
        let n = body.chars().count();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&n) {
            return Err(CaseError::BadCaseCode(format!(
                "expected {} to {} symbols after `C-`, got {n}",
                Self::MIN_LEN,
                Self::MAX_LEN
            )));
        }
        if let Some(c) = body
            .chars()
            .find(|c| !c.is_ascii() || !CODE_ALPHABET.contains(&(*c as u8)))
        {
            return Err(CaseError::BadCaseCode(format!(
                "`{c}` is not used in case codes"
            )));
        }
        Ok(CaseCode(format!("{}{body}", Self::PREFIX)))
    }

    /// The canonical form, `C-` and capitals (what the database stores).
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for CaseCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Symbols Telegram allows in a `/start` payload; 64 of them, so one byte's low 6 bits pick one without bias.
const TOKEN_ALPHABET: &[u8; 64] =
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// The deep-link payload that opens a case in private: 32 symbols of `A-Za-z0-9_-`, 192 random bits.
///
/// Whoever holds the token can try to open the case, so it is treated as a secret: `Debug` hides it, there is no
/// `Display`, and the store keeps only [`StartToken::digest`].
#[derive(Clone, PartialEq, Eq)]
pub struct StartToken(String);

impl StartToken {
    /// Symbols in a generated token (6 bits each: 192 bits).
    pub const LEN: usize = 32;
    /// Fewest symbols [`StartToken::parse`] accepts: 22 symbols of 6 bits hold the 128 bits the design requires.
    pub const MIN_LEN: usize = 22;
    /// Telegram's limit for a deep-link payload.
    pub const MAX_LEN: usize = 64;

    /// A new random token of [`StartToken::LEN`] symbols.
    pub fn generate(rng: &mut impl Rng) -> Self {
        let mut bytes = [0u8; Self::LEN];
        rng.fill(&mut bytes);
        let s = bytes
            .iter()
            .map(|b| TOKEN_ALPHABET[usize::from(b & 63)] as char)
            .collect();
        StartToken(s)
    }

    /// Parses the payload of `/start <token>`. The error never repeats the input: it may be someone's token.
    pub fn parse(input: &str) -> Result<Self, CaseError> {
        let s = input.trim();
        if !(Self::MIN_LEN..=Self::MAX_LEN).contains(&s.len()) {
            return Err(CaseError::BadStartToken("wrong length"));
        }
        if !s.bytes().all(|b| TOKEN_ALPHABET.contains(&b)) {
            return Err(CaseError::BadStartToken("character outside A-Za-z0-9_-"));
        }
        Ok(StartToken(s.to_owned()))
    }

    /// The token itself, only for building the deep link; never log it.
    pub fn expose(&self) -> &str {
        &self.0
    }

    /// Lowercase hex SHA-256 of the token: what the store keeps and looks tokens up by. A plain hash is enough
    /// (no salt, no slow KDF) because the token is random: there is no dictionary to try against a leaked table.
    pub fn digest(&self) -> String {
        let hash = Sha256::digest(self.0.as_bytes());
        let mut out = String::with_capacity(64);
        for b in hash {
            out.push(char::from(HEX[usize::from(b >> 4)]));
            out.push(char::from(HEX[usize::from(b & 15)]));
        }
        out
    }
}

// 6 bits per symbol: every accepted token holds the 128 bits the design asks for, and fits a deep link.
const _: () = assert!(StartToken::MIN_LEN * 6 >= 128 && StartToken::LEN >= StartToken::MIN_LEN);
const _: () = assert!(StartToken::LEN <= StartToken::MAX_LEN && StartToken::MAX_LEN == 64);

const HEX: &[u8; 16] = b"0123456789abcdef";

impl fmt::Debug for StartToken {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("StartToken(<redacted>)")
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use rand::SeedableRng;
    use rand::rngs::StdRng;

    use super::*;

    fn rng() -> StdRng {
        StdRng::seed_from_u64(7)
    }

    #[test]
    fn alphabet_has_no_ambiguous_symbols_and_no_repeats() {
        for bad in b"0O1IL" {
            assert!(!CODE_ALPHABET.contains(bad), "{}", *bad as char);
        }
        let set: HashSet<_> = CODE_ALPHABET.iter().collect();
        assert_eq!(set.len(), CODE_ALPHABET.len());
        let set: HashSet<_> = TOKEN_ALPHABET.iter().collect();
        assert_eq!(set.len(), 64);
    }

    #[test]
    fn generated_code_has_prefix_length_and_alphabet() {
        let mut rng = rng();
        for _ in 0..500 {
            let code = CaseCode::generate(&mut rng);
            let body = code.as_str().strip_prefix("C-").expect("prefix");
            assert_eq!(body.len(), 4);
            assert!(body.bytes().all(|b| CODE_ALPHABET.contains(&b)), "{code}");
            assert_eq!(CaseCode::parse(code.as_str()).unwrap(), code);
        }
    }

    #[test]
    fn generate_len_clamps_to_4_through_6() {
        let mut rng = rng();
        for (asked, got) in [(0, 4), (4, 4), (5, 5), (6, 6), (9, 6)] {
            assert_eq!(
                CaseCode::generate_len(&mut rng, asked).as_str().len(),
                2 + got,
                "asked {asked}"
            );
        }
    }

    #[test]
    fn generated_codes_use_the_whole_alphabet() {
        let mut rng = rng();
        let mut seen = HashSet::new();
        for _ in 0..500 {
            seen.extend(CaseCode::generate(&mut rng).as_str()[2..].bytes());
        }
        assert_eq!(seen.len(), CODE_ALPHABET.len());
    }

    #[test]
    fn code_parse_accepts_what_people_type() {
        for input in [
            "C-7Q2K",
            "c-7q2k",
            "  C-7Q2K\n",
            "7Q2K",
            "7q2k",
            "C-7Q2KAB",
            "c-7q2ka",
        ] {
            let code = CaseCode::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
            assert!(code.as_str().starts_with("C-"));
            assert_eq!(code.as_str(), code.as_str().to_ascii_uppercase());
        }
        assert_eq!(CaseCode::parse("c-7q2k").unwrap().to_string(), "C-7Q2K");
        assert_eq!(
            CaseCode::parse("7q2k").unwrap(),
            CaseCode::parse("C-7Q2K").unwrap()
        );
    }

    #[test]
    fn code_parse_rejects_bad_input() {
        for input in [
            "",
            "C-",
            "C-7Q2",
            "7Q2",
            "C-7Q2KABC",
            "C-7Q0K",
            "C-7QOK",
            "C-7Q1K",
            "C-7QIK",
            "C-7QLK",
            "C-7q-K",
            "C-7Q K",
            "C-7Q２K",
            "C_7Q2K",
            "CC-7Q2K",
            "C-C-7Q2K",
        ] {
            assert!(CaseCode::parse(input).is_err(), "{input:?} accepted");
        }
    }

    #[test]
    fn code_parse_error_names_the_problem() {
        let e = CaseCode::parse("C-7QOK").unwrap_err().to_string();
        assert!(e.contains("`O`"), "{e}");
        let e = CaseCode::parse("C-7Q").unwrap_err().to_string();
        assert!(e.contains("got 2"), "{e}");
    }

    #[test]
    fn token_is_long_enough_and_url_safe() {
        let mut rng = rng();
        let t = StartToken::generate(&mut rng);
        assert_eq!(t.expose().len(), StartToken::LEN);
        assert!(t.expose().len() <= 64);
        assert!(
            t.expose()
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        );
        assert_eq!(StartToken::parse(t.expose()).unwrap(), t);
    }

    #[test]
    fn tokens_are_unique_over_1000_draws_from_the_os_rng() {
        let mut rng = rand::rng();
        let set: HashSet<_> = (0..1000)
            .map(|_| StartToken::generate(&mut rng).expose().to_owned())
            .collect();
        assert_eq!(set.len(), 1000);
    }

    #[test]
    fn token_symbols_cover_the_alphabet() {
        let mut rng = rng();
        let mut seen = HashSet::new();
        for _ in 0..100 {
            seen.extend(StartToken::generate(&mut rng).expose().bytes());
        }
        assert_eq!(seen.len(), 64);
    }

    #[test]
    fn token_parse_accepts_22_to_64_url_safe_symbols() {
        assert!(StartToken::parse(&"a".repeat(22)).is_ok());
        assert!(StartToken::parse(&"Z9_-".repeat(16)).is_ok());
        assert!(StartToken::parse(" abcdefghijklmnopqrstuvwxyz012345 ").is_ok());
    }

    #[test]
    fn token_parse_rejects_short_long_and_foreign_symbols() {
        for input in [
            String::new(),
            "a".repeat(21),
            "a".repeat(65),
            format!("{}+", "a".repeat(30)),
            format!("{}/", "a".repeat(30)),
            format!("{}=", "a".repeat(30)),
            format!("{}é", "a".repeat(30)),
            format!("{} b", "a".repeat(30)),
        ] {
            assert!(StartToken::parse(&input).is_err(), "{input:?} accepted");
        }
    }

    #[test]
    fn token_errors_and_debug_never_show_the_token() {
        let t = StartToken::parse("SECRETsecretSECRETsecret12").unwrap();
        assert!(!format!("{t:?}").contains("SECRET"));
        assert!(!format!("{:?}", Some(&t)).contains("SECRET"));
        let bad = "SECRETsecretSECRETsecret12+";
        let e = StartToken::parse(bad).unwrap_err();
        assert!(!e.to_string().contains("SECRET"));
        assert!(!format!("{e:?}").contains("SECRET"));
    }

    #[test]
    fn digest_is_hex_sha256_of_the_token() {
        let t = StartToken::parse("abcdefghijklmnopqrstuvwxyz").unwrap();
        let d = t.digest();
        assert_eq!(d.len(), 64);
        assert!(
            d.bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        );
        assert!(!d.contains(t.expose()));
        assert_eq!(
            d,
            "71c480df93d6ae2f1efad1447c66c9525e316218cf51fc8d9ed832f2daf18b73"
        );
        let other = StartToken::parse("abcdefghijklmnopqrstuvwxyZ").unwrap();
        assert_ne!(other.digest(), d);
        assert_eq!(t.digest(), t.clone().digest());
    }
}
