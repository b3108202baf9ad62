//! Context words: one Aho-Corasick pass over the normalized text finds every word the detectors weigh (seed-phrase
//! context, code words, password words, key words, passport and ID words, and the labels that mark a number as
//! something harmless: order, UID, tx hash, invite code…).
//!
//! Patterns are written in either script and run through [`crate::text::normalize`] when the automaton is built, so
//! a traditional spelling folds exactly as the member's text does. ASCII patterns only match on ASCII word
//! boundaries; Han patterns match anywhere (Chinese is written without spaces).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickKind, MatchKind};

/// What a context word says about the text around it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Cat {
    /// Seed-phrase context: seed, mnemonic, 助记词…
    Seed,
    /// A word that asks for a verification code: 验证码, OTP, 2FA, code…
    Code,
    /// A label that makes the number after it harmless: order, UID, invite code, phone, amount…
    Label,
    /// A password word: 密码, password, pwd…
    Password,
    /// A private-key word: private key, 私钥, pk…
    Key,
    /// A word that makes a hex string a transaction reference: txid, hash, 交易哈希…
    Tx,
    /// A passport word: passport, 护照…
    Passport,
    /// An identity-card word: 身份证, HKID, ID card…
    Id,
}

/// Extra conditions a pattern carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Flag {
    /// No condition.
    Plain,
    /// Counts only when followed by an explicit `:` / `=` (e.g. `pass:`, `pw=`, `pin:`).
    NeedsAssign,
}

use Cat::*;
use Flag::*;

/// (pattern, category, flag). Written naturally; normalized at build time.
const PATTERNS: &[(&str, Cat, Flag)] = &[
    // Seed-phrase context.
    ("seed", Seed, Plain),
    ("seeds", Seed, Plain),
    ("seed phrase", Seed, Plain),
    ("seedphrase", Seed, Plain),
    ("seed words", Seed, Plain),
    ("mnemonic", Seed, Plain),
    ("mnemonics", Seed, Plain),
    ("recovery phrase", Seed, Plain),
    ("recovery words", Seed, Plain),
    ("recovery seed", Seed, Plain),
    ("backup phrase", Seed, Plain),
    ("backup words", Seed, Plain),
    ("secret phrase", Seed, Plain),
    ("wallet words", Seed, Plain),
    ("12 words", Seed, Plain),
    ("24 words", Seed, Plain),
    ("12 word", Seed, Plain),
    ("24 word", Seed, Plain),
    ("助记词", Seed, Plain),
    ("助記詞", Seed, Plain),
    ("助记", Seed, Plain),
    ("助记码", Seed, Plain),
    ("钱包词", Seed, Plain),
    ("恢复词", Seed, Plain),
    ("恢复短语", Seed, Plain),
    ("种子", Seed, Plain),
    ("种子词", Seed, Plain),
    ("备份词", Seed, Plain),
    ("私钥", Seed, Plain),
    ("frase semilla", Seed, Plain),
    ("semilla", Seed, Plain),
    ("frase de recuperación", Seed, Plain),
    ("phrase de récupération", Seed, Plain),
    ("phrase secrète", Seed, Plain),
    ("frase di recupero", Seed, Plain),
    ("frase de recuperação", Seed, Plain),
    ("obnovovací fráze", Seed, Plain),
    ("ニーモニック", Seed, Plain),
    ("シードフレーズ", Seed, Plain),
    ("復元フレーズ", Seed, Plain),
    ("リカバリーフレーズ", Seed, Plain),
    ("니모닉", Seed, Plain),
    ("시드", Seed, Plain),
    ("복구 문구", Seed, Plain),
    // Verification-code words.
    ("验证码", Code, Plain),
    ("驗證碼", Code, Plain),
    ("校验码", Code, Plain),
    ("动态码", Code, Plain),
    ("動態碼", Code, Plain),
    ("短信码", Code, Plain),
    ("短信验证码", Code, Plain),
    ("邮箱验证码", Code, Plain),
    ("谷歌验证", Code, Plain),
    ("谷歌验证码", Code, Plain),
    ("谷歌码", Code, Plain),
    ("谷歌", Code, Plain),
    ("认证码", Code, Plain),
    ("確認碼", Code, Plain),
    ("确认码", Code, Plain),
    ("安全码", Code, Plain),
    ("动态口令", Code, Plain),
    ("二次验证", Code, Plain),
    ("两步验证", Code, Plain),
    ("双重验证", Code, Plain),
    ("code", Code, Plain),
    ("codes", Code, Plain),
    ("otp", Code, Plain),
    ("2fa", Code, Plain),
    ("mfa", Code, Plain),
    ("totp", Code, Plain),
    ("ga", Code, Plain),
    ("sms", Code, Plain),
    ("authenticator", Code, Plain),
    ("google auth", Code, Plain),
    ("one-time", Code, Plain),
    ("one time password", Code, Plain),
    ("verification", Code, Plain),
    ("verify code", Code, Plain),
    ("auth code", Code, Plain),
    // Labels: the number after them is an id, an amount or an invite code, not a secret.
    ("uid", Label, Plain),
    ("user id", Label, Plain),
    ("userid", Label, Plain),
    ("id", Label, Plain),
    ("order", Label, Plain),
    ("orders", Label, Plain),
    ("order id", Label, Plain),
    ("order no", Label, Plain),
    ("订单", Label, Plain),
    ("訂單", Label, Plain),
    ("订单号", Label, Plain),
    ("单号", Label, Plain),
    ("编号", Label, Plain),
    ("工单", Label, Plain),
    ("ticket", Label, Plain),
    ("case", Label, Plain),
    ("账号", Label, Plain),
    ("帳號", Label, Plain),
    ("账户", Label, Plain),
    ("account", Label, Plain),
    ("acct", Label, Plain),
    ("手机", Label, Plain),
    ("手机号", Label, Plain),
    ("尾号", Label, Plain),
    ("电话", Label, Plain),
    ("phone", Label, Plain),
    ("tel", Label, Plain),
    ("mobile", Label, Plain),
    ("qq", Label, Plain),
    ("微信", Label, Plain),
    ("wechat", Label, Plain),
    ("邀请码", Label, Plain),
    ("邀請碼", Label, Plain),
    ("邀请", Label, Plain),
    ("推荐码", Label, Plain),
    ("推薦碼", Label, Plain),
    ("推荐", Label, Plain),
    ("推广码", Label, Plain),
    ("返佣", Label, Plain),
    ("优惠码", Label, Plain),
    ("兑换码", Label, Plain),
    ("礼品码", Label, Plain),
    ("邀请链接", Label, Plain),
    ("invite", Label, Plain),
    ("invitation", Label, Plain),
    ("referral", Label, Plain),
    ("refer", Label, Plain),
    ("ref", Label, Plain),
    ("affiliate", Label, Plain),
    ("promo", Label, Plain),
    ("promotion", Label, Plain),
    ("coupon", Label, Plain),
    ("voucher", Label, Plain),
    ("bonus", Label, Plain),
    ("gift", Label, Plain),
    ("redeem", Label, Plain),
    ("reward", Label, Plain),
    ("discount", Label, Plain),
    ("partner", Label, Plain),
    ("amount", Label, Plain),
    ("金额", Label, Plain),
    ("數量", Label, Plain),
    ("数量", Label, Plain),
    ("price", Label, Plain),
    ("价格", Label, Plain),
    ("block", Label, Plain),
    ("区块", Label, Plain),
    ("區塊", Label, Plain),
    ("height", Label, Plain),
    ("高度", Label, Plain),
    ("fee", Label, Plain),
    ("fees", Label, Plain),
    ("手续费", Label, Plain),
    ("error", Label, Plain),
    ("错误", Label, Plain),
    ("错误码", Label, Plain),
    ("报错", Label, Plain),
    ("提示", Label, Plain),
    ("status", Label, Plain),
    ("zip", Label, Plain),
    ("postal", Label, Plain),
    ("邮编", Label, Plain),
    ("area", Label, Plain),
    ("country", Label, Plain),
    ("region", Label, Plain),
    ("区号", Label, Plain),
    ("qr", Label, Plain),
    ("source", Label, Plain),
    ("卡号", Label, Plain),
    ("card", Label, Plain),
    ("memo", Label, Plain),
    ("tag", Label, Plain),
    ("备注", Label, Plain),
    ("no.", Label, Plain),
    ("ending in", Label, Plain),
    ("last 4", Label, Plain),
    ("version", Label, Plain),
    ("版本", Label, Plain),
    ("room", Label, Plain),
    ("房间", Label, Plain),
    ("型号", Label, Plain),
    ("model", Label, Plain),
    ("code page", Label, Plain),
    ("codepage", Label, Plain),
    ("code point", Label, Plain),
    ("code points", Label, Plain),
    ("swift", Label, Plain),
    ("iban", Label, Plain),
    ("bic", Label, Plain),
    ("bank", Label, Plain),
    ("branch", Label, Plain),
    ("sort", Label, Plain),
    ("product", Label, Plain),
    ("color", Label, Plain),
    ("colour", Label, Plain),
    ("item", Label, Plain),
    ("sku", Label, Plain),
    ("port", Label, Plain),
    ("line", Label, Plain),
    ("page", Label, Plain),
    ("chapter", Label, Plain),
    ("patch", Label, Plain),
    ("issue", Label, Plain),
    // Password words.
    ("密码", Password, Plain),
    ("密碼", Password, Plain),
    ("口令", Password, Plain),
    ("password", Password, Plain),
    ("passwd", Password, Plain),
    ("pwd", Password, Plain),
    ("passcode", Password, Plain),
    ("passphrase", Password, Plain),
    ("pass", Password, NeedsAssign),
    ("pw", Password, NeedsAssign),
    ("pin", Password, NeedsAssign),
    ("pin code", Password, NeedsAssign),
    ("contraseña", Password, Plain),
    ("mot de passe", Password, Plain),
    ("パスワード", Password, Plain),
    ("비밀번호", Password, Plain),
    // Private-key words.
    ("private key", Key, Plain),
    ("privatekey", Key, Plain),
    ("private_key", Key, Plain),
    ("privkey", Key, Plain),
    ("priv key", Key, Plain),
    ("prv key", Key, Plain),
    ("secret key", Key, Plain),
    ("secretkey", Key, Plain),
    ("api secret", Key, Plain),
    ("secret", Key, Plain),
    ("key", Key, Plain),
    ("keys", Key, Plain),
    ("pk", Key, Plain),
    ("wif", Key, Plain),
    ("私钥", Key, Plain),
    ("私鑰", Key, Plain),
    ("密钥", Key, Plain),
    ("密鑰", Key, Plain),
    ("秘钥", Key, Plain),
    ("秘鑰", Key, Plain),
    // Transaction references.
    ("txid", Tx, Plain),
    ("tx id", Tx, Plain),
    ("tx", Tx, Plain),
    ("txn", Tx, Plain),
    ("txs", Tx, Plain),
    ("hash", Tx, Plain),
    ("txhash", Tx, Plain),
    ("tx hash", Tx, Plain),
    ("transaction", Tx, Plain),
    ("transactions", Tx, Plain),
    ("交易哈希", Tx, Plain),
    ("哈希", Tx, Plain),
    ("交易", Tx, Plain),
    ("转账", Tx, Plain),
    ("充值", Tx, Plain),
    ("提币", Tx, Plain),
    ("提现", Tx, Plain),
    ("地址", Tx, Plain),
    ("address", Tx, Plain),
    ("contract", Tx, Plain),
    ("合约", Tx, Plain),
    ("deposit", Tx, Plain),
    ("withdraw", Tx, Plain),
    ("withdrawal", Tx, Plain),
    ("explorer", Tx, Plain),
    ("etherscan", Tx, Plain),
    ("tronscan", Tx, Plain),
    ("bscscan", Tx, Plain),
    ("链上", Tx, Plain),
    ("凭证", Tx, Plain),
    ("记录", Tx, Plain),
    ("blockhash", Tx, Plain),
    // Passport words.
    ("passport", Passport, Plain),
    ("passports", Passport, Plain),
    ("passport no", Passport, Plain),
    ("passport number", Passport, Plain),
    ("护照", Passport, Plain),
    ("護照", Passport, Plain),
    ("护照号", Passport, Plain),
    ("护照号码", Passport, Plain),
    ("pasaporte", Passport, Plain),
    ("passeport", Passport, Plain),
    ("passaporto", Passport, Plain),
    ("passaporte", Passport, Plain),
    ("旅券", Passport, Plain),
    ("여권", Passport, Plain),
    ("travel document", Passport, Plain),
    // Identity-card words.
    ("身份证", Id, Plain),
    ("身份證", Id, Plain),
    ("身分证", Id, Plain),
    ("身分證", Id, Plain),
    ("身份证号", Id, Plain),
    ("证件号", Id, Plain),
    ("证件", Id, Plain),
    ("id card", Id, Plain),
    ("idcard", Id, Plain),
    ("id number", Id, Plain),
    ("id no", Id, Plain),
    ("hkid", Id, Plain),
    ("identity card", Id, Plain),
    ("national id", Id, Plain),
    ("香港身份证", Id, Plain),
    ("居民身份证", Id, Plain),
];

/// One context word found in the text.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Hit {
    pub cat: Cat,
    pub flag: Flag,
    pub start: usize,
    pub end: usize,
}

/// Longest pattern in bytes (bounds how far a hit's start can be from its end).
const MAX_PATTERN_LEN: usize = 64;

struct Automaton {
    ac: AhoCorasick,
    meta: Vec<(Cat, Flag, bool, bool)>, // cat, flag, needs left ASCII boundary, needs right ASCII boundary
}

static AUTOMATON: LazyLock<Automaton> = LazyLock::new(|| {
    let mut pats: Vec<String> = Vec::new();
    let mut meta = Vec::new();
    for &(p, cat, flag) in PATTERNS {
        let n = crate::text::normalize(p);
        // Identical (pattern, category) pairs after folding are dropped; the same word may carry two categories.
        if pats
            .iter()
            .zip(&meta)
            .any(|(q, m): (&String, &(Cat, Flag, bool, bool))| *q == n && m.0 == cat)
        {
            continue;
        }
        let left = n.chars().next().is_some_and(|c| c.is_ascii_alphanumeric());
        let right = n
            .chars()
            .next_back()
            .is_some_and(|c| c.is_ascii_alphanumeric());
        assert!(n.len() <= MAX_PATTERN_LEN, "pattern too long");
        pats.push(n);
        meta.push((cat, flag, left, right));
    }
    let ac = AhoCorasick::builder()
        .match_kind(MatchKind::Standard)
        .kind(Some(AhoCorasickKind::DFA))
        .build(&pats)
        .expect("guard keyword automaton");
    Automaton { ac, meta }
});

/// Every context word in `text`, in order of their end position, with ASCII word boundaries enforced.
///
/// A code word right after a label (`invite code`, `error code`, `ref code`) is turned into a label: that number
/// is not a verification code.
pub(crate) fn find(text: &str) -> Vec<Hit> {
    let a = &*AUTOMATON;
    let bytes = text.as_bytes();
    let mut hits: Vec<Hit> = Vec::new();
    for m in a.ac.find_overlapping_iter(text) {
        let (cat, flag, left, right) = a.meta[m.pattern().as_usize()];
        let (s, e) = (m.start(), m.end());
        if left && s > 0 && bytes[s - 1].is_ascii_alphanumeric() {
            continue;
        }
        // A letter-final word may touch digits (`otp482913`, `uid12345`), never more letters.
        if right
            && e < bytes.len()
            && (bytes[e].is_ascii_alphabetic()
                || bytes[e - 1].is_ascii_digit() && bytes[e].is_ascii_digit())
        {
            continue;
        }
        let mut cat = cat;
        if cat == Code && is_ascii_word(&text[s..e]) && preceded_by_label(&hits, bytes, s) {
            cat = Label;
        }
        hits.push(Hit {
            cat,
            flag,
            start: s,
            end: e,
        });
    }
    // Overlapping matches come in order of their end; keep it that way for the range queries below.
    hits.sort_by_key(|h| h.end);
    hits
}

fn is_ascii_word(s: &str) -> bool {
    s.bytes().all(|b| b.is_ascii_alphanumeric())
}

/// A label hit that ends right before `start` (only spaces, `_` or `-` between).
fn preceded_by_label(hits: &[Hit], bytes: &[u8], start: usize) -> bool {
    hits.iter().rev().take(6).any(|h| {
        h.cat == Label
            && h.end <= start
            && start - h.end <= 2
            && bytes[h.end..start]
                .iter()
                .all(|&b| matches!(b, b' ' | b'_' | b'-'))
    })
}

/// The hits whose end lies in `[lo, hi]` (hits are sorted by end).
fn ending_in(hits: &[Hit], lo: usize, hi: usize) -> &[Hit] {
    let s = hits.partition_point(|h| h.end < lo);
    let e = hits.partition_point(|h| h.end <= hi);
    &hits[s..e.max(s)]
}

/// Any hit of `cat` overlapping `[lo, hi)`.
pub(crate) fn any_in(hits: &[Hit], cat: Cat, lo: usize, hi: usize) -> bool {
    ending_in(hits, lo + 1, hi + MAX_PATTERN_LEN)
        .iter()
        .any(|h| h.cat == cat && h.start < hi && h.end > lo)
}

/// The hit among `cats` that ends closest before `pos` (ending at most `max_gap` bytes before it); of two ending
/// together, the longer.
pub(crate) fn nearest_before(
    hits: &[Hit],
    cats: &[Cat],
    pos: usize,
    max_gap: usize,
) -> Option<Hit> {
    ending_in(hits, pos.saturating_sub(max_gap), pos)
        .iter()
        .filter(|h| cats.contains(&h.cat))
        .max_by_key(|h| (h.end, h.end - h.start))
        .copied()
}

/// The hit among `cats` that starts closest after `pos` (starting at most `max_gap` bytes after it).
pub(crate) fn nearest_after(hits: &[Hit], cats: &[Cat], pos: usize, max_gap: usize) -> Option<Hit> {
    ending_in(hits, pos, pos + max_gap + MAX_PATTERN_LEN)
        .iter()
        .filter(|h| cats.contains(&h.cat) && h.start >= pos && h.start - pos <= max_gap)
        .min_by_key(|h| (h.start, usize::MAX - (h.end - h.start)))
        .copied()
}

/// Is there a hit of `cat` within `before` bytes before `[lo, hi)`, inside it, or within `after` bytes after it?
pub(crate) fn near(
    hits: &[Hit],
    cat: Cat,
    lo: usize,
    hi: usize,
    before: usize,
    after: usize,
) -> bool {
    ending_in(
        hits,
        lo.saturating_sub(before),
        hi + after + MAX_PATTERN_LEN,
    )
    .iter()
    .any(|h| h.cat == cat && h.start <= hi + after)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cats(text: &str) -> Vec<(Cat, &str)> {
        find(text)
            .into_iter()
            .map(|h| (h.cat, &text[h.start..h.end]))
            .collect()
    }

    #[test]
    fn ascii_words_need_boundaries() {
        assert!(cats("encode this").iter().all(|(_, w)| *w != "code"));
        assert!(
            cats("uid: 1")
                .iter()
                .any(|(c, w)| *c == Label && *w == "uid")
        );
        assert!(!cats("uid: 1").iter().any(|(_, w)| *w == "id"));
        assert!(cats("otp 1234").iter().any(|(c, _)| *c == Code));
    }

    #[test]
    fn han_words_match_without_spaces() {
        let t = crate::text::normalize("我的驗證碼是");
        assert!(cats(&t).iter().any(|(c, w)| *c == Code && *w == "验证码"));
        let t = crate::text::normalize("請問護照號碼");
        assert!(cats(&t).iter().any(|(c, _)| *c == Passport));
    }

    #[test]
    fn invite_code_is_a_label() {
        let hits = cats("invite code 123456");
        assert!(hits.iter().all(|(c, _)| *c == Label), "{hits:?}");
        let hits = cats("error code 1001");
        assert!(hits.iter().all(|(c, _)| *c == Label));
        let hits = cats("sms code 123456");
        assert!(hits.iter().any(|(c, w)| *c == Code && *w == "code"));
    }
}
