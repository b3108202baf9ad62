//! Evidence parsing: what a member's private message says about the SOP's checklist (time, description,
//! transaction hash, order number, ticket number, where the registration link came from).
//!
//! [`extract`] reads the member's text as written, not [`crate::text::normalize`]d: normalization lowercases,
//! and a Solana signature is case-sensitive. Patterns are case-insensitive instead. Screenshots never come from
//! text: the caller records a photo or file with [`EvidenceItem::screenshot`].
//!
//! Members write Chinese without spaces, so nothing here trusts `\b` or whitespace next to Han text (the regex
//! crate counts Han as word characters, so `\b` between `是` and `0x…` does not exist). Instead every ASCII
//! token is checked by hand: the characters on either side must not be ASCII letters or digits.

use std::ops::Range;
use std::sync::LazyLock;

use regex::{Regex, RegexBuilder};

use super::CaseError;

/// The chain family a transaction hash belongs to, as far as its shape tells.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Chain {
    /// Ethereum and other EVM chains: `0x` and 64 hex digits.
    Evm,
    /// TRON or Bitcoin: 64 hex digits without `0x` (the shape does not tell them apart).
    TronOrBtc,
    /// Solana: a base58 signature of 64 bytes.
    Solana,
}

impl Chain {
    /// Every chain family.
    pub const ALL: [Chain; 3] = [Chain::Evm, Chain::TronOrBtc, Chain::Solana];

    /// The snake_case name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            Chain::Evm => "evm",
            Chain::TronOrBtc => "tron_or_btc",
            Chain::Solana => "solana",
        }
    }

    /// Parses a name written by [`Chain::as_str`].
    pub fn parse(s: &str) -> Result<Self, CaseError> {
        Self::ALL
            .into_iter()
            .find(|c| c.as_str() == s)
            .ok_or_else(|| CaseError::UnknownChain(s.to_owned()))
    }
}

/// A checklist entry: the kinds of evidence the SOP asks for, named as in the reply-library files.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EvidenceKind {
    /// When it happened.
    Time,
    /// The member's own account of the problem.
    Description,
    /// A photo or file.
    Screenshot,
    /// A transaction hash.
    TxHash,
    /// The platform's order number.
    OrderNumber,
    /// The platform's support-ticket number.
    TicketNumber,
    /// Where the registration link came from.
    LinkSource,
}

impl EvidenceKind {
    /// Every kind, in the order the SOP lists them.
    pub const ALL: [EvidenceKind; 7] = [
        EvidenceKind::Time,
        EvidenceKind::Description,
        EvidenceKind::Screenshot,
        EvidenceKind::TxHash,
        EvidenceKind::OrderNumber,
        EvidenceKind::TicketNumber,
        EvidenceKind::LinkSource,
    ];

    /// The snake_case name used in reply-library files and the database.
    pub fn as_str(self) -> &'static str {
        match self {
            EvidenceKind::Time => "time",
            EvidenceKind::Description => "description",
            EvidenceKind::Screenshot => "screenshot",
            EvidenceKind::TxHash => "tx_hash",
            EvidenceKind::OrderNumber => "order_number",
            EvidenceKind::TicketNumber => "ticket_number",
            EvidenceKind::LinkSource => "link_source",
        }
    }

    /// Parses a checklist name; an unknown name is an error naming it.
    pub fn parse(s: &str) -> Result<Self, CaseError> {
        Self::ALL
            .into_iter()
            .find(|k| k.as_str() == s)
            .ok_or_else(|| CaseError::UnknownEvidenceKind(s.to_owned()))
    }

    /// Parses a whole checklist, keeping its order; the first unknown name is the error.
    pub fn parse_list<S: AsRef<str>>(names: &[S]) -> Result<Vec<Self>, CaseError> {
        names.iter().map(|n| Self::parse(n.as_ref())).collect()
    }
}

/// The kind of one evidence item; a transaction hash also says its chain.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum EvidenceItemKind {
    /// A transaction hash of a validated shape.
    TxHash {
        /// Which chain family the shape belongs to.
        chain: Chain,
    },
    /// An order number.
    OrderNumber,
    /// A support-ticket number.
    TicketNumber,
    /// Where the registration link came from: a URL, or the clause that names the source.
    LinkSource,
    /// A date or time expression.
    Time,
    /// The member's account in their own words (the whole message).
    Description,
    /// A Telegram file id of a photo or file.
    Screenshot,
}

impl EvidenceItemKind {
    /// The checklist kind this item satisfies.
    pub fn kind(self) -> EvidenceKind {
        match self {
            EvidenceItemKind::TxHash { .. } => EvidenceKind::TxHash,
            EvidenceItemKind::OrderNumber => EvidenceKind::OrderNumber,
            EvidenceItemKind::TicketNumber => EvidenceKind::TicketNumber,
            EvidenceItemKind::LinkSource => EvidenceKind::LinkSource,
            EvidenceItemKind::Time => EvidenceKind::Time,
            EvidenceItemKind::Description => EvidenceKind::Description,
            EvidenceItemKind::Screenshot => EvidenceKind::Screenshot,
        }
    }

    /// The chain of a transaction hash; `None` for every other kind.
    pub fn chain(self) -> Option<Chain> {
        match self {
            EvidenceItemKind::TxHash { chain } => Some(chain),
            _ => None,
        }
    }

    /// Rebuilds an item kind from its two stored columns; a hash needs a chain and nothing else may have one.
    pub fn from_parts(kind: EvidenceKind, chain: Option<Chain>) -> Result<Self, CaseError> {
        Ok(match (kind, chain) {
            (EvidenceKind::TxHash, Some(chain)) => EvidenceItemKind::TxHash { chain },
            (EvidenceKind::TxHash, None) => {
                return Err(CaseError::BadEvidenceParts("tx_hash without a chain"));
            }
            (_, Some(_)) => return Err(CaseError::BadEvidenceParts("only tx_hash has a chain")),
            (EvidenceKind::OrderNumber, None) => EvidenceItemKind::OrderNumber,
            (EvidenceKind::TicketNumber, None) => EvidenceItemKind::TicketNumber,
            (EvidenceKind::LinkSource, None) => EvidenceItemKind::LinkSource,
            (EvidenceKind::Time, None) => EvidenceItemKind::Time,
            (EvidenceKind::Description, None) => EvidenceItemKind::Description,
            (EvidenceKind::Screenshot, None) => EvidenceItemKind::Screenshot,
        })
    }
}

/// One piece of evidence: its kind and its value as the member wrote it (hex hashes lowercased).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct EvidenceItem {
    /// What it is.
    pub kind: EvidenceItemKind,
    /// The hash, number, URL, clause or message; for a screenshot, the Telegram file id.
    pub value: String,
}

impl EvidenceItem {
    /// A screenshot (photo or file) by its Telegram file id.
    pub fn screenshot(file_id: impl Into<String>) -> Self {
        EvidenceItem {
            kind: EvidenceItemKind::Screenshot,
            value: file_id.into(),
        }
    }
}

/// Order-number and ticket-number patterns (config `[evidence] order = [...]`, `ticket = [...]`).
///
/// A pattern's value is its `value` named group, else its first group, else the whole match. Patterns are
/// compiled case-insensitive (write `(?-i)` to opt out), and a match glued to other ASCII letters or digits
/// (`order 123abc`) is ignored, so patterns need no `\b`, which fails next to Han text.
#[derive(Clone, Debug)]
pub struct EvidencePatterns {
    /// Order-number patterns. Patterns run in rounds, the first of each kind before the second of either, so
    /// list the most specific first.
    pub order: Vec<Regex>,
    /// Ticket-number patterns (rounds as for `order`).
    pub ticket: Vec<Regex>,
}

/// Default order-number patterns: a number after 订单号 / order no / order id, or a 16–20 digit number shortly
/// after 订单 / order.
pub const DEFAULT_ORDER_PATTERNS: [&str; 2] = [
    r"(?:订单号码|订单编号|订单号|订单id|订单|(?:^|[^a-z])order\s*(?:no\.?|number|id|#)?)[\s:：#=]*(?:is\s*|是|为)?[\s:：#=]*(?P<value>(?:[a-z]{1,4}-?)?\d(?:-?\d){5,29})",
    r"(?:订单|(?:^|[^a-z])order)[^\d\n工]{0,20}?(?P<value>\d{16,20})",
];

/// Default ticket-number patterns: a number (letters and dashes allowed, five digits or more) after 工单 /
/// ticket / case id, possibly with `#`.
pub const DEFAULT_TICKET_PATTERNS: [&str; 2] = [
    r"(?:工单号码|工单编号|工单号|工单|客服单号|投诉单号|案件号|(?:^|[^a-z])(?:ticket|case)\s*(?:no\.?|number|id|#)?)[\s:：#=]*(?:is\s*|是|为)?[\s:：#=]*(?P<value>(?:[a-z]{1,4}-?)?\d(?:-?\d){4,29})",
    r"(?:工单|(?:^|[^a-z])ticket)[^\d\n订]{0,10}?(?P<value>\d{5,12})",
];

impl Default for EvidencePatterns {
    /// The default patterns. This compiles regexes: build once at startup, not per message.
    fn default() -> Self {
        Self::from_config(&[], &[]).expect("default evidence patterns compile")
    }
}

impl EvidencePatterns {
    /// Compiles patterns from config. An empty list means that kind's defaults
    /// ([`DEFAULT_ORDER_PATTERNS`], [`DEFAULT_TICKET_PATTERNS`]), so a config that sets only one kind keeps the
    /// other working.
    pub fn from_config(order: &[String], ticket: &[String]) -> Result<Self, regex::Error> {
        Ok(EvidencePatterns {
            order: compile(order, &DEFAULT_ORDER_PATTERNS)?,
            ticket: compile(ticket, &DEFAULT_TICKET_PATTERNS)?,
        })
    }
}

fn compile(given: &[String], defaults: &[&str]) -> Result<Vec<Regex>, regex::Error> {
    let build = |p: &str| RegexBuilder::new(p).case_insensitive(true).build();
    if given.is_empty() {
        defaults.iter().map(|p| build(p)).collect()
    } else {
        given.iter().map(|p| build(p)).collect()
    }
}

/// Finds every piece of evidence in a private message. Items come in the order they appear in the text, without
/// repeats; a [`EvidenceItemKind::Description`] (the whole message) comes last when enough words are left once
/// the hashes, numbers, times and link sources are taken out.
pub fn extract(text: &str, patterns: &EvidencePatterns) -> Vec<EvidenceItem> {
    let mut found = Found::default();
    let urls: Vec<Range<usize>> = URL
        .find_iter(text)
        .map(|m| m.start()..m.start() + m.as_str().trim_end_matches(URL_TRAILING).len())
        .filter(|r| ascii_bounded(text, r))
        .collect();

    for m in ASCII_RUN.find_iter(text) {
        if let Some(item) = tx_hash(m.as_str()) {
            found.push(m.range(), m.range(), item);
        }
    }
    let in_url = |r: &Range<usize>| urls.iter().any(|u| overlaps(u, r));
    // In rounds (the first pattern of each kind, then the second, ...), so a specific pattern of one kind is not
    // beaten by a looser pattern of the other ("工单已提交，订单号 …" is an order number, not a ticket).
    let rounds = patterns.order.len().max(patterns.ticket.len());
    for round in 0..rounds {
        let this_round = [
            (patterns.ticket.get(round), EvidenceItemKind::TicketNumber),
            (patterns.order.get(round), EvidenceItemKind::OrderNumber),
        ];
        for (re, kind) in this_round {
            let Some(re) = re else { continue };
            for caps in re.captures_iter(text) {
                let whole = caps.get(0).expect("group 0 always matches");
                let value = caps.name("value").or_else(|| caps.get(1)).unwrap_or(whole);
                let (span, value_span) = (whole.range(), value.range());
                if value_span.is_empty()
                    || !word_bounded(text, &span)
                    || in_url(&span)
                    || found.taken(&value_span)
                {
                    continue;
                }
                let item = EvidenceItem {
                    kind,
                    value: value.as_str().to_owned(),
                };
                found.push(span, value_span, item);
            }
        }
    }
    for span in times(text) {
        if !in_url(&span) && !found.taken(&span) {
            let value = text[span.clone()].to_owned();
            found.push(
                span.clone(),
                span,
                EvidenceItem {
                    kind: EvidenceItemKind::Time,
                    value,
                },
            );
        }
    }
    link_sources(text, &urls, &mut found);
    found.finish(text)
}

/// What is still missing from a checklist, in checklist order and without repeats.
pub fn missing(checklist: &[EvidenceKind], have: &[EvidenceItem]) -> Vec<EvidenceKind> {
    let mut out: Vec<EvidenceKind> = Vec::new();
    for &k in checklist {
        if !have.iter().any(|i| i.kind.kind() == k) && !out.contains(&k) {
            out.push(k);
        }
    }
    out
}

/// Items found so far, with the text they cover.
#[derive(Default)]
struct Found {
    /// (covered span, value span, item). The covered span includes keywords like "order no", and is what the
    /// description check leaves out; the value span is what other value kinds must not overlap.
    items: Vec<(Range<usize>, Range<usize>, EvidenceItem)>,
}

impl Found {
    fn push(&mut self, covered: Range<usize>, value: Range<usize>, item: EvidenceItem) {
        self.items.push((covered, value, item));
    }
    fn taken(&self, r: &Range<usize>) -> bool {
        self.items
            .iter()
            .any(|(_, v, i)| i.kind != EvidenceItemKind::LinkSource && overlaps(v, r))
    }
    fn finish(mut self, text: &str) -> Vec<EvidenceItem> {
        let covered: Vec<Range<usize>> = self.items.iter().map(|(c, _, _)| c.clone()).collect();
        self.items.sort_by_key(|(_, v, _)| v.start);
        let mut out: Vec<EvidenceItem> = Vec::with_capacity(self.items.len() + 1);
        for (_, _, item) in self.items {
            if !out.contains(&item) {
                out.push(item);
            }
        }
        if description_weight(text, &covered) >= DESCRIPTION_MIN_WEIGHT {
            out.push(EvidenceItem {
                kind: EvidenceItemKind::Description,
                value: text.trim().to_owned(),
            });
        }
        out
    }
}

fn overlaps(a: &Range<usize>, b: &Range<usize>) -> bool {
    a.start < b.end && b.start < a.end
}

/// True when the span is not glued to ASCII letters or digits on either side: `\b` that also works next to Han.
fn ascii_bounded(text: &str, r: &Range<usize>) -> bool {
    let bytes = text.as_bytes();
    let before = r.start.checked_sub(1).map(|i| bytes[i]);
    let after = bytes.get(r.end).copied();
    !before.is_some_and(|b| b.is_ascii_alphanumeric())
        && !after.is_some_and(|b| b.is_ascii_alphanumeric())
}

/// Like [`ascii_bounded`], but only where the match itself starts or ends with an ASCII letter or digit; a
/// match that ends in `点` or `年` may touch digits.
fn word_bounded(text: &str, r: &Range<usize>) -> bool {
    let s = &text.as_bytes()[r.clone()];
    let (Some(first), Some(last)) = (s.first(), s.last()) else {
        return false;
    };
    let before_ok = !first.is_ascii_alphanumeric()
        || !r
            .start
            .checked_sub(1)
            .is_some_and(|i| text.as_bytes()[i].is_ascii_alphanumeric());
    let after_ok = !last.is_ascii_alphanumeric()
        || !text
            .as_bytes()
            .get(r.end)
            .is_some_and(|b| b.is_ascii_alphanumeric());
    before_ok && after_ok
}

static ASCII_RUN: LazyLock<Regex> =
    LazyLock::new(|| Regex::new("[0-9A-Za-z]+").expect("static regex"));

/// The transaction hash a whole ASCII token is, if any.
fn tx_hash(token: &str) -> Option<EvidenceItem> {
    let is_hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    let chain = match token.len() {
        66 if (token.starts_with("0x") || token.starts_with("0X")) && is_hex(&token[2..]) => {
            Chain::Evm
        }
        64 if is_hex(token) => Chain::TronOrBtc,
        // A 64-byte signature is 88 symbols at most; 86 or fewer happen for about 1 in 300 (small leading
        // bytes), so the decoded length, not the symbol count, is the real test.
        86..=88 if base58_decode(token).is_some_and(|b| b.len() == 64) => Chain::Solana,
        _ => return None,
    };
    let value = if chain == Chain::Solana {
        token.to_owned()
    } else {
        token.to_ascii_lowercase()
    };
    Some(EvidenceItem {
        kind: EvidenceItemKind::TxHash { chain },
        value,
    })
}

const BASE58_ALPHABET: &[u8; 58] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";

/// Decodes Bitcoin-alphabet base58 (the one Solana uses); `None` on a symbol outside it.
fn base58_decode(s: &str) -> Option<Vec<u8>> {
    // Little-endian big number, multiplied by 58 and added to per symbol.
    let mut num: Vec<u8> = Vec::with_capacity(s.len());
    for c in s.bytes() {
        let mut carry = BASE58_ALPHABET.iter().position(|&a| a == c)? as u32;
        for b in num.iter_mut() {
            carry += u32::from(*b) * 58;
            *b = carry as u8;
            carry >>= 8;
        }
        while carry > 0 {
            num.push(carry as u8);
            carry >>= 8;
        }
    }
    // Each leading '1' stands for one leading zero byte, which the number itself cannot show.
    let zeros = s.bytes().take_while(|&c| c == b'1').count();
    num.extend(std::iter::repeat_n(0, zeros));
    num.reverse();
    Some(num)
}

static URL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)(?:https?://|www\.|t\.me/)[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+")
        .expect("static regex")
});
/// Punctuation that ends a sentence rather than a URL.
const URL_TRAILING: &[char] = &['.', ',', ';', ':', '!', '?', ')', ']', '\''];

static TIME: LazyLock<Regex> = LazyLock::new(|| {
    const MONTH: &str = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)";
    const CN_NUM: &str = "[一二三四五六七八九十两]{1,3}";
    let alternatives = [
        // Dates with explicit numbers.
        r"(?P<ymd>\d{4})\s*年\s*(?P<ymd_m>\d{1,2})\s*月(?:\s*(?P<ymd_d>\d{1,2})\s*[日号])?".to_owned(),
        r"(?P<md_m>\d{1,2})\s*月\s*(?P<md_d>\d{1,2})\s*[日号]".to_owned(),
        r"(?P<iso>\d{4})[-/.](?P<iso_m>\d{1,2})[-/.](?P<iso_d>\d{1,2})".to_owned(),
        r"(?P<dmy_a>\d{1,2})[-/](?P<dmy_b>\d{1,2})[-/](?:\d{4}|\d{2})".to_owned(),
        r"(?P<sl_a>\d{1,2})/(?P<sl_b>\d{1,2})".to_owned(),
        // Clock times.
        r"(?P<hh>\d{1,2}):(?P<mm>\d{2})(?::\d{2})?(?:\s*[ap]\.?m\.?)?".to_owned(),
        r"(?P<h12>\d{1,2})\s*[ap]\.?m\.?".to_owned(),
        // Chinese relative days and parts of the day.
        r"大前天|前天|昨天|今天|昨日|今日|昨晚|今晚|今早|昨早|刚才|刚刚|上周[一二三四五六日天]?|这周[一二三四五六日天]?|本周|上个?月|这个?月|本月|(?:周|星期|礼拜)[一二三四五六日天]".to_owned(),
        format!(
            r"(?:凌晨|早上|上午|中午|下午|傍晚|晚上|半夜)(?:\s*(?:(?P<cn_h>\d{{1,2}})|{CN_NUM})\s*[点點时時](?:\s*(?:\d{{1,2}}\s*分|{CN_NUM}分|半|多|钟))?)?"
        ),
        r"(?P<dot_h>\d{1,2})\s*[点點](?:\s*(?:\d{1,2}\s*分|半|多|钟))?".to_owned(),
        // Chinese numerals before 点 are a clock time only with minutes after ("一点" alone means "a little").
        format!(r"{CN_NUM}[点點](?:{CN_NUM}分|\d{{1,2}}分|半|钟)"),
        format!(r"(?:\d{{1,3}}|{CN_NUM}|几|半)\s*个?\s*(?:分钟|小时|钟头|天|周|星期|个?月)之?前"),
        // English.
        r"yesterday|today|tonight|this\s+(?:morning|afternoon|evening)|last\s+(?:night|week|month)".to_owned(),
        r"(?:mon|tues|wednes|thurs|fri|satur|sun)day".to_owned(),
        r"\d{1,3}\s*(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\s+ago".to_owned(),
        format!(r"{MONTH}\.?\s+(?P<mon_d>\d{{1,2}})(?:st|nd|rd|th)?(?:,?\s+\d{{4}})?"),
        format!(r"(?P<d_mon>\d{{1,2}})(?:st|nd|rd|th)?\s+{MONTH}(?:,?\s+\d{{4}})?"),
    ];
    Regex::new(&format!("(?i){}", alternatives.join("|"))).expect("static regex")
});

/// Checks the numbers of a time match: months 1–12, days 1–31, hours 0–24, minutes 0–59.
fn plausible_time(caps: &regex::Captures<'_>) -> bool {
    let n = |name: &str| caps.name(name).and_then(|m| m.as_str().parse::<u32>().ok());
    let month = |name| n(name).is_none_or(|v| (1..=12).contains(&v));
    let day = |name| n(name).is_none_or(|v| (1..=31).contains(&v));
    let hour = |name| n(name).is_none_or(|v| v <= 24);
    let ok_pair = match (n("sl_a").or(n("dmy_a")), n("sl_b").or(n("dmy_b"))) {
        // Either order (12/1 or 1/12), as long as one of them can be a month.
        (Some(a), Some(b)) => {
            (1..=31).contains(&a) && (1..=31).contains(&b) && (a <= 12 || b <= 12)
        }
        _ => true,
    };
    month("ymd_m")
        && day("ymd_d")
        && month("md_m")
        && day("md_d")
        && month("iso_m")
        && day("iso_d")
        && ok_pair
        && hour("hh")
        && n("mm").is_none_or(|v| v < 60)
        && n("h12").is_none_or(|v| (1..=12).contains(&v))
        && hour("cn_h")
        && hour("dot_h")
        && day("mon_d")
        && day("d_mon")
}

/// Time expressions, with neighbours like `今天` `下午3点` or `yesterday at 3pm` merged into one.
fn times(text: &str) -> Vec<Range<usize>> {
    let mut out: Vec<Range<usize>> = Vec::new();
    for caps in TIME.captures_iter(text) {
        let m = caps.get(0).expect("group 0 always matches");
        if !word_bounded(text, &m.range()) || !plausible_time(&caps) {
            continue;
        }
        match out.last_mut() {
            Some(prev) if joins(&text[prev.end..m.start()]) => prev.end = m.end(),
            _ => out.push(m.range()),
        }
    }
    out
}

/// Whether the text between two time expressions makes them one ("昨天的下午3点", "12/1, 3pm", "today at 9").
fn joins(gap: &str) -> bool {
    matches!(
        gap.trim().to_ascii_lowercase().as_str(),
        "" | "," | "，" | "的" | "at" | "@" | "around" | "about" | "、"
    )
}

/// Words that name a place a link comes from: enough on their own.
static SOURCE_STRONG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)邀请链接|推荐链接|注册链接|推广链接|返佣链接|邀请码|推荐码|",
        r"(?:referral|invite|invitation|ref|affiliate|sign[\s-]?up|registration|register)\s+(?:link|code)|",
        r"推特|twitter|x\.com|油管|youtube|youtu\.be|(?:telegram|tg)\s*(?:群|group|channel)|电报群|facebook|脸书|",
        r"tiktok|抖音|快手|bilibili|b站|discord|reddit|instagram|小红书|微博|weibo|微信|公众号|wechat|",
        r"博主|kol|influencer|blogger|youtuber|主播|直播|广告|advert(?:isement)?s?|官网|official\s+(?:website|site)|",
        r"google|谷歌|百度|搜索"
    ))
    .expect("static regex")
});
/// Words that may name a source ("a friend", "the group") but are too common alone.
static SOURCE_WEAK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)朋友|好友|同事|家人|亲戚|群|社区|频道|friends?|colleagues?|group|community|channel",
    )
    .expect("static regex")
});
/// Words that make a weak source word about the link: from, via, link, invite, sign up.
static SOURCE_CONTEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)从|通过|链接|注册|邀请|推荐|分享|发给我|给我的|",
        r"from|via|through|link|register(?:ed)?|sign(?:ed)?[\s-]?up|invit(?:e|ed|ation)|referr(?:al|ed)|shared|sent\s+me"
    ))
    .expect("static regex")
});

/// Longest clause kept as a link source (a clause is a member's sentence; a run-on message is cut).
const LINK_CLAUSE_MAX_CHARS: usize = 200;

fn link_sources(text: &str, urls: &[Range<usize>], found: &mut Found) {
    let has = |re: &Regex, s: &str| re.find_iter(s).any(|m| word_bounded(s, &m.range()));
    for clause in clauses(text) {
        // An explorer link carrying a hash is the hash's evidence, not where the registration link came from.
        let clause_urls: Vec<&Range<usize>> = urls
            .iter()
            .filter(|u| clause.contains(&u.start))
            .filter(|u| {
                !found
                    .items
                    .iter()
                    .any(|(_, v, i)| i.kind.chain().is_some() && overlaps(u, v))
            })
            .collect();
        if !clause_urls.is_empty() {
            for u in clause_urls {
                let item = EvidenceItem {
                    kind: EvidenceItemKind::LinkSource,
                    value: text[u.clone()].to_owned(),
                };
                found.push(u.clone(), u.clone(), item);
            }
            continue;
        }
        let s = &text[clause.clone()];
        if urls.iter().any(|u| overlaps(u, &clause)) {
            continue;
        }
        if has(&SOURCE_STRONG, s) || (has(&SOURCE_WEAK, s) && has(&SOURCE_CONTEXT, s)) {
            let trimmed = s.trim();
            let start = clause.start + (s.len() - s.trim_start().len());
            let value: String = trimmed.chars().take(LINK_CLAUSE_MAX_CHARS).collect();
            let span = start..start + trimmed.len();
            found.push(
                span.clone(),
                span,
                EvidenceItem {
                    kind: EvidenceItemKind::LinkSource,
                    value,
                },
            );
        }
    }
}

/// Byte ranges of the clauses of a text: split at line breaks, commas and sentence ends (a `.` only when a space
/// or the end follows, so URLs and decimals stay whole).
fn clauses(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut it = text.char_indices().peekable();
    while let Some((i, c)) = it.next() {
        let ends = match c {
            '\n' | '。' | '！' | '？' | '!' | '?' | '；' | ';' | '，' | ',' | '、' => true,
            '.' => it.peek().is_none_or(|(_, n)| n.is_whitespace()),
            _ => false,
        };
        if ends {
            if i > start {
                out.push(start..i);
            }
            start = i + c.len_utf8();
        }
    }
    if start < text.len() {
        out.push(start..text.len());
    }
    out.retain(|r| !text[r.clone()].trim().is_empty());
    out
}

/// Weight a message needs, outside the other items and greetings, to count as a description: four Han
/// characters (3 each) or twelve Latin letters.
const DESCRIPTION_MIN_WEIGHT: usize = 12;

/// Greetings and acknowledgements that say nothing about the problem.
const ACK_WORDS: [&str; 14] = [
    "thanks", "thank", "thx", "ok", "okay", "hi", "hello", "hey", "done", "yes", "no", "sure",
    "please", "pls",
];
const ACK_PHRASES: [&str; 17] = [
    "谢谢",
    "感谢",
    "好的",
    "收到",
    "您好",
    "你好",
    "在吗",
    "已完成",
    "完成",
    "辛苦了",
    "麻烦了",
    "是的",
    "好",
    "嗯",
    "哦",
    "啊",
    "了",
];

fn description_weight(text: &str, covered: &[Range<usize>]) -> usize {
    let mut rest = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        rest.push(if covered.iter().any(|r| r.contains(&i)) {
            ' '
        } else {
            c
        });
    }
    for p in ACK_PHRASES {
        rest = rest.replace(p, " ");
    }
    let latin: usize = rest
        .split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| !w.is_empty() && !ACK_WORDS.contains(&w.to_ascii_lowercase().as_str()))
        .map(str::len)
        .sum();
    let other = rest
        .chars()
        .filter(|c| c.is_alphabetic() && !c.is_ascii())
        .count();
    latin + 3 * other
}

#[cfg(test)]
mod tests {
    use super::*;

    static PATTERNS: LazyLock<EvidencePatterns> = LazyLock::new(EvidencePatterns::default);

    fn ex(text: &str) -> Vec<EvidenceItem> {
        extract(text, &PATTERNS)
    }

    fn of(items: &[EvidenceItem], kind: EvidenceKind) -> Vec<String> {
        items
            .iter()
            .filter(|i| i.kind.kind() == kind)
            .map(|i| i.value.clone())
            .collect()
    }

    fn kinds(items: &[EvidenceItem]) -> Vec<EvidenceKind> {
        items.iter().map(|i| i.kind.kind()).collect()
    }

    const EVM: &str = "0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060";
    const HEX64: &str = "a1075db55d416d3ca199f55b6084e2115b9345e16c5cf302fc80e9d5fbf5d48d";

    fn base58_encode(bytes: &[u8]) -> String {
        let mut digits: Vec<u8> = Vec::new();
        for &b in bytes {
            let mut carry = u32::from(b);
            for d in digits.iter_mut() {
                carry += u32::from(*d) << 8;
                *d = (carry % 58) as u8;
                carry /= 58;
            }
            while carry > 0 {
                digits.push((carry % 58) as u8);
                carry /= 58;
            }
        }
        let zeros = bytes.iter().take_while(|&&b| b == 0).count();
        let mut s: String = std::iter::repeat_n('1', zeros).collect();
        s.extend(
            digits
                .iter()
                .rev()
                .map(|&d| BASE58_ALPHABET[usize::from(d)] as char),
        );
        s
    }

    fn solana_sig(seed: u8) -> String {
        let bytes: Vec<u8> = (0..64u8)
            .map(|i| i.wrapping_mul(37).wrapping_add(seed) | 0x80)
            .collect();
        let s = base58_encode(&bytes);
        assert_eq!(s.len(), 88);
        s
    }

    // ---- names ----

    #[test]
    fn kind_names_round_trip() {
        for k in EvidenceKind::ALL {
            assert_eq!(EvidenceKind::parse(k.as_str()).unwrap(), k);
        }
        for c in Chain::ALL {
            assert_eq!(Chain::parse(c.as_str()).unwrap(), c);
        }
        let names = [
            "time",
            "description",
            "screenshot",
            "tx_hash",
            "order_number",
            "ticket_number",
            "link_source",
        ];
        assert_eq!(EvidenceKind::parse_list(&names).unwrap(), EvidenceKind::ALL);
    }

    #[test]
    fn unknown_names_are_named_in_the_error() {
        let e = EvidenceKind::parse("txhash").unwrap_err().to_string();
        assert!(e.contains("`txhash`"), "{e}");
        let e = EvidenceKind::parse_list(&["time", "selfie"])
            .unwrap_err()
            .to_string();
        assert!(e.contains("selfie"), "{e}");
        assert!(EvidenceKind::parse("Time").is_err());
        assert!(Chain::parse("eth").unwrap_err().to_string().contains("eth"));
    }

    #[test]
    fn item_kind_parts_round_trip_and_reject_mismatches() {
        let all = [
            EvidenceItemKind::TxHash { chain: Chain::Evm },
            EvidenceItemKind::TxHash {
                chain: Chain::TronOrBtc,
            },
            EvidenceItemKind::TxHash {
                chain: Chain::Solana,
            },
            EvidenceItemKind::OrderNumber,
            EvidenceItemKind::TicketNumber,
            EvidenceItemKind::LinkSource,
            EvidenceItemKind::Time,
            EvidenceItemKind::Description,
            EvidenceItemKind::Screenshot,
        ];
        for k in all {
            assert_eq!(
                EvidenceItemKind::from_parts(k.kind(), k.chain()).unwrap(),
                k
            );
        }
        assert!(EvidenceItemKind::from_parts(EvidenceKind::TxHash, None).is_err());
        assert!(EvidenceItemKind::from_parts(EvidenceKind::Time, Some(Chain::Evm)).is_err());
    }

    // ---- transaction hashes ----

    #[test]
    fn base58_decodes_known_vectors() {
        assert_eq!(base58_decode("StV1DL6CwTryKyV").unwrap(), b"hello world");
        assert_eq!(base58_decode("1112").unwrap(), [0, 0, 0, 1]);
        assert_eq!(base58_decode("").unwrap(), Vec::<u8>::new());
        for bad in ["0", "O", "I", "l", "abc+"] {
            assert!(base58_decode(bad).is_none(), "{bad}");
        }
        let bytes: Vec<u8> = (0..64).collect();
        assert_eq!(base58_decode(&base58_encode(&bytes)).unwrap(), bytes);
    }

    #[test]
    fn evm_hash_found_and_lowercased() {
        let items = ex(&format!(
            "tx: {}",
            EVM.to_uppercase().replacen("0X", "0x", 1)
        ));
        assert_eq!(
            items[0],
            EvidenceItem {
                kind: EvidenceItemKind::TxHash { chain: Chain::Evm },
                value: EVM.into()
            }
        );
    }

    #[test]
    fn evm_hash_inside_chinese_without_spaces() {
        let items = ex(&format!("我昨天充值的交易哈希是{EVM}到现在还没到账"));
        assert_eq!(of(&items, EvidenceKind::TxHash), [EVM]);
        assert!(
            items
                .iter()
                .any(|i| i.kind == EvidenceItemKind::TxHash { chain: Chain::Evm })
        );
        assert!(kinds(&items).contains(&EvidenceKind::Description));
        assert!(kinds(&items).contains(&EvidenceKind::Time));
    }

    #[test]
    fn evm_hash_with_fullwidth_punctuation_around() {
        assert_eq!(
            of(&ex(&format!("哈希：{EVM}。")), EvidenceKind::TxHash),
            [EVM]
        );
        assert_eq!(of(&ex(&format!("（{EVM}）")), EvidenceKind::TxHash), [EVM]);
    }

    #[test]
    fn tron_or_btc_hash_found() {
        let items = ex(&format!("TRC20 提币哈希{}，请查一下", HEX64.to_uppercase()));
        assert_eq!(
            items[0],
            EvidenceItem {
                kind: EvidenceItemKind::TxHash {
                    chain: Chain::TronOrBtc
                },
                value: HEX64.into()
            }
        );
    }

    #[test]
    fn wrong_length_or_glued_hex_is_not_a_hash() {
        let cases = [
            format!("0x{}", &HEX64[..63]),                       // 63 hex after 0x
            format!("0x{HEX64}a"),                               // 65 hex after 0x
            HEX64[..63].to_owned(),                              // 63 hex
            format!("{HEX64}b"),                                 // 65 hex
            format!("x{HEX64}"),                                 // glued to a letter
            format!("{HEX64}9"),                                 // glued to a digit
            format!("0x{}g", &HEX64[..63]),                      // non-hex symbol
            "0x52908400098527886E0F7030069857D2E4169EE7".into(), // an address, not a hash
        ];
        for c in cases {
            assert!(of(&ex(&c), EvidenceKind::TxHash).is_empty(), "{c}");
        }
    }

    #[test]
    fn hash_in_an_explorer_url_is_a_hash_not_a_link_source() {
        let items = ex(&format!("https://etherscan.io/tx/{EVM}"));
        assert_eq!(of(&items, EvidenceKind::TxHash), [EVM]);
        assert!(of(&items, EvidenceKind::LinkSource).is_empty());
    }

    #[test]
    fn solana_signature_found_case_kept() {
        let sig = solana_sig(3);
        let items = ex(&format!("sol转账签名{sig}一直没到"));
        assert_eq!(
            items[0],
            EvidenceItem {
                kind: EvidenceItemKind::TxHash {
                    chain: Chain::Solana
                },
                value: sig
            }
        );
    }

    #[test]
    fn solana_87_symbol_signature_found() {
        let bytes: Vec<u8> = (0..64u8).map(|i| if i == 0 { 0x05 } else { i }).collect();
        let sig = base58_encode(&bytes);
        assert_eq!(sig.len(), 87);
        assert_eq!(of(&ex(&sig), EvidenceKind::TxHash), [sig]);
    }

    #[test]
    fn not_a_solana_signature() {
        let sig = solana_sig(9);
        let cases = [
            // Two symbols short: 58^86 < 2^504, so at most 63 bytes.
            sig[..86].to_owned(),
            // 89 symbols.
            format!("{sig}2"),
            // Symbols outside base58.
            format!("0{}", &sig[1..]),
            format!("l{}", &sig[1..]),
            format!("{}I", &sig[..87]),
            // A 32-byte address.
            "So11111111111111111111111111111111111111112".to_owned(),
            // 88 symbols that decode to more than 64 bytes.
            "z".repeat(88),
        ];
        for c in cases {
            assert!(of(&ex(&c), EvidenceKind::TxHash).is_empty(), "{c}");
        }
    }

    #[test]
    fn several_hashes_in_order_without_repeats() {
        let items = ex(&format!("{HEX64}\n{EVM}\n{EVM}"));
        assert_eq!(of(&items, EvidenceKind::TxHash), [HEX64, EVM]);
    }

    // ---- order and ticket numbers ----

    #[test]
    fn order_numbers_after_keywords() {
        for (text, want) in [
            ("订单号：202412010001", "202412010001"),
            ("订单号是2024120100012345，帮忙查下", "2024120100012345"),
            ("my order number is 88123456", "88123456"),
            ("Order ID: ORD-7788991", "ORD-7788991"),
            ("order no. 1234567", "1234567"),
            ("order #556677", "556677"),
            (
                "我的订单1234567890123456789一直显示处理中",
                "1234567890123456789",
            ),
            (
                "the order from last week 12345678901234567 is stuck",
                "12345678901234567",
            ),
        ] {
            assert_eq!(of(&ex(text), EvidenceKind::OrderNumber), [want], "{text}");
        }
    }

    #[test]
    fn not_order_numbers() {
        for text in [
            "订单号 12345",               // too short
            "border 12345678",            // "order" inside a word
            "order 12345678abc",          // glued to letters
            "我有1234567890123456这个数", // no keyword
            "my order is late",           // no number
        ] {
            assert!(
                of(&ex(text), EvidenceKind::OrderNumber).is_empty(),
                "{text}"
            );
        }
    }

    #[test]
    fn ticket_numbers_after_keywords() {
        for (text, want) in [
            ("工单号：88231", "88231"),
            ("我提交了工单，单号是 123456", "123456"),
            ("ticket #4455667", "4455667"),
            ("Ticket ID: TK-2024-00123", "TK-2024-00123"),
            ("case id 99887766", "99887766"),
            ("my ticket number is 12345", "12345"),
            ("客服单号CS20241201001", "CS20241201001"),
        ] {
            assert_eq!(of(&ex(text), EvidenceKind::TicketNumber), [want], "{text}");
        }
    }

    #[test]
    fn not_ticket_numbers() {
        for text in [
            "工单 1234",                 // too short
            "ticket 2024",               // a year
            "in case C-7Q2K",            // our own case code
            "ticket 123456xyz",          // glued
            "I opened a ticket already", // no number
        ] {
            assert!(
                of(&ex(text), EvidenceKind::TicketNumber).is_empty(),
                "{text}"
            );
        }
    }

    #[test]
    fn order_and_ticket_in_one_message_stay_apart() {
        let items = ex("订单号 20241201000123，工单号 556677");
        assert_eq!(of(&items, EvidenceKind::OrderNumber), ["20241201000123"]);
        assert_eq!(of(&items, EvidenceKind::TicketNumber), ["556677"]);
        let items = ex("工单已提交，订单号 202412010001");
        assert_eq!(of(&items, EvidenceKind::OrderNumber), ["202412010001"]);
        assert!(of(&items, EvidenceKind::TicketNumber).is_empty());
        let items = ex("I filed a ticket about order 556677889");
        assert_eq!(of(&items, EvidenceKind::OrderNumber), ["556677889"]);
        assert!(of(&items, EvidenceKind::TicketNumber).is_empty());
    }

    #[test]
    fn configured_patterns_replace_defaults_per_kind() {
        let p = EvidencePatterns::from_config(&[r"ORD(\d{4})".into()], &[]).unwrap();
        let items = extract("ord1234 and ticket 55667788", &p);
        assert_eq!(of(&items, EvidenceKind::OrderNumber), ["1234"]);
        assert_eq!(of(&items, EvidenceKind::TicketNumber), ["55667788"]);
        assert!(
            of(
                &extract("订单号 202412010001", &p),
                EvidenceKind::OrderNumber
            )
            .is_empty()
        );
        // Named group wins over group 1, and a pattern without groups gives the whole match.
        let p =
            EvidencePatterns::from_config(&[r"(no)\s*(?P<value>\d+)".into()], &[r"T-\d+".into()])
                .unwrap();
        let items = extract("no 42, T-77", &p);
        assert_eq!(of(&items, EvidenceKind::OrderNumber), ["42"]);
        assert_eq!(of(&items, EvidenceKind::TicketNumber), ["T-77"]);
    }

    #[test]
    fn bad_configured_pattern_is_an_error() {
        assert!(EvidencePatterns::from_config(&["(unclosed".into()], &[]).is_err());
        assert!(EvidencePatterns::from_config(&[], &["[z-a]".into()]).is_err());
    }

    // ---- time ----

    #[test]
    fn times_found() {
        for (text, want) in [
            ("2026-12-01 充值的", "2026-12-01"),
            ("2026/12/1", "2026/12/1"),
            ("12/1充值", "12/1"),
            ("2026年12月1日", "2026年12月1日"),
            ("12月1号晚上", "12月1号晚上"),
            ("昨天", "昨天"),
            ("今天下午3点左右充的", "今天下午3点"),
            ("下午三点半", "下午三点半"),
            ("三天前", "三天前"),
            ("3天前提的币", "3天前"),
            ("上周五", "上周五"),
            ("yesterday 3pm", "yesterday 3pm"),
            ("yesterday at 3 p.m.", "yesterday at 3 p.m."),
            ("at 15:30 UTC", "15:30"),
            ("on Dec 1st, 2026", "Dec 1st, 2026"),
            ("1 December", "1 December"),
            ("2 days ago", "2 days ago"),
            ("last night", "last night"),
            ("2026-12-01 15:30", "2026-12-01 15:30"),
            ("昨天晚上10点", "昨天晚上10点"),
        ] {
            assert_eq!(of(&ex(text), EvidenceKind::Time), [want], "{text}");
        }
    }

    #[test]
    fn not_times() {
        for text in [
            "2026-13-01",
            "13/13",
            "50/50",
            "25:00",
            "12:75",
            "快一点",
            "有一点问题",
            "monkey",
            "todays",
            "13pm",
        ] {
            assert!(of(&ex(text), EvidenceKind::Time).is_empty(), "{text}");
        }
    }

    #[test]
    fn separate_times_stay_separate() {
        let items = ex("昨天充的，今天还没到");
        assert_eq!(of(&items, EvidenceKind::Time), ["昨天", "今天"]);
    }

    #[test]
    fn numbers_inside_urls_or_orders_are_not_times() {
        assert!(of(&ex("https://example.com/12/1/page"), EvidenceKind::Time).is_empty());
        let items = ex("order id 2026-12-01-0001");
        assert!(of(&items, EvidenceKind::Time).is_empty(), "{items:?}");
    }

    // ---- link source ----

    #[test]
    fn urls_are_link_sources_without_trailing_punctuation() {
        let items = ex("我是用这个链接注册的https://example.com/register?ref=abc。");
        assert_eq!(
            of(&items, EvidenceKind::LinkSource),
            ["https://example.com/register?ref=abc"]
        );
        let items = ex("link: t.me/somegroup, thanks");
        assert_eq!(of(&items, EvidenceKind::LinkSource), ["t.me/somegroup"]);
    }

    #[test]
    fn source_words_are_link_sources() {
        for (text, want) in [
            ("我是从推特上看到的", "我是从推特上看到的"),
            ("从一个电报群里拿的链接", "从一个电报群里拿的链接"),
            ("朋友发给我的邀请链接", "朋友发给我的邀请链接"),
            (
                "I got the referral link from a YouTube video",
                "I got the referral link from a YouTube video",
            ),
            ("a friend sent me the link", "a friend sent me the link"),
            ("youtube", "youtube"),
            ("奖励没到。链接是群里分享的", "链接是群里分享的"),
        ] {
            assert_eq!(of(&ex(text), EvidenceKind::LinkSource), [want], "{text}");
        }
    }

    #[test]
    fn common_words_alone_are_not_link_sources() {
        for text in [
            "我在群里问过没人回",
            "my friend also did not get it",
            "asked in the group",
            "kolkata",
            "subscribe",
        ] {
            assert!(of(&ex(text), EvidenceKind::LinkSource).is_empty(), "{text}");
        }
    }

    #[test]
    fn long_link_clause_is_cut() {
        let text = format!("从推特{}", "很".repeat(400));
        let v = of(&ex(&text), EvidenceKind::LinkSource);
        assert_eq!(v[0].chars().count(), LINK_CLAUSE_MAX_CHARS);
    }

    // ---- description ----

    #[test]
    fn description_is_the_whole_message() {
        let text = "  我的新人奖励一直没有到账，已经过了七天了  ";
        assert_eq!(
            ex(text),
            [EvidenceItem {
                kind: EvidenceItemKind::Description,
                value: text.trim().into()
            }]
        );
        let text = "The deposit has not arrived yet";
        assert_eq!(of(&ex(text), EvidenceKind::Description), [text]);
    }

    #[test]
    fn short_or_formulaic_messages_are_not_descriptions() {
        for text in [
            "好的谢谢",
            "ok thanks",
            "done",
            "收到",
            "thank you very much",
            "123",
            "",
            "   ",
            "？？？",
            "奖励",
        ] {
            assert!(ex(text).is_empty(), "{text}: {:?}", ex(text));
        }
    }

    #[test]
    fn message_that_is_only_evidence_is_not_also_a_description() {
        assert_eq!(
            kinds(&ex(&format!("tx hash: {EVM}"))),
            [EvidenceKind::TxHash]
        );
        assert_eq!(
            kinds(&ex("订单号：202412010001")),
            [EvidenceKind::OrderNumber]
        );
        assert_eq!(
            kinds(&ex("my order number is 88123456")),
            [EvidenceKind::OrderNumber]
        );
        assert_eq!(kinds(&ex("今天下午3点")), [EvidenceKind::Time]);
        assert_eq!(kinds(&ex("我是从推特上看到的")), [EvidenceKind::LinkSource]);
    }

    #[test]
    fn a_full_message_yields_every_kind_in_text_order() {
        let text = format!(
            "昨天下午3点充值的USDT还没到账，哈希{EVM}，订单号 2024120100012345，工单号 556677，链接是从推特博主那里拿的"
        );
        let items = ex(&text);
        assert_eq!(
            kinds(&items),
            [
                EvidenceKind::Time,
                EvidenceKind::TxHash,
                EvidenceKind::OrderNumber,
                EvidenceKind::TicketNumber,
                EvidenceKind::LinkSource,
                EvidenceKind::Description
            ]
        );
        assert_eq!(items.last().unwrap().value, text);
    }

    #[test]
    fn extract_never_produces_screenshots() {
        let items = ex("截图已经发了 screenshot attached");
        assert!(of(&items, EvidenceKind::Screenshot).is_empty());
        assert_eq!(
            EvidenceItem::screenshot("AgACAgIAAxk").kind.kind(),
            EvidenceKind::Screenshot
        );
    }

    // ---- checklist ----

    #[test]
    fn missing_lists_what_the_checklist_still_needs() {
        let checklist = EvidenceKind::parse_list(&[
            "time",
            "description",
            "screenshot",
            "tx_hash",
            "link_source",
        ])
        .unwrap();
        assert_eq!(missing(&checklist, &[]), checklist);
        let mut have = ex(&format!("昨天充值的一直没有到账 {EVM}"));
        assert_eq!(
            missing(&checklist, &have),
            [EvidenceKind::Screenshot, EvidenceKind::LinkSource]
        );
        have.push(EvidenceItem::screenshot("file-1"));
        have.extend(ex("从推特"));
        assert!(missing(&checklist, &have).is_empty());
    }

    #[test]
    fn missing_keeps_order_and_drops_repeats() {
        let checklist = [
            EvidenceKind::TicketNumber,
            EvidenceKind::Time,
            EvidenceKind::TicketNumber,
        ];
        assert_eq!(
            missing(&checklist, &ex("今天")),
            [EvidenceKind::TicketNumber]
        );
        assert!(missing(&[], &[]).is_empty());
    }

    #[test]
    fn any_chain_satisfies_tx_hash() {
        for item in [ex(EVM), ex(HEX64), ex(&solana_sig(1))] {
            assert!(missing(&[EvidenceKind::TxHash], &item).is_empty());
        }
    }
}
