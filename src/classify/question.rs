//! Does a message read as a question? Members rarely type a question mark, so this looks for the words that
//! make one in either language.

use std::sync::LazyLock;

use aho_corasick::AhoCorasick;
use regex::Regex;

/// Chinese question markers (matched anywhere: Chinese has no spaces to anchor on).
const ZH: &[&str] = &[
    "?",
    "吗",
    "么",
    "呢",
    "怎",
    "如何",
    "哪",
    "什么",
    "啥",
    "几",
    "多久",
    "多少",
    "是否",
    "能否",
    "能不能",
    "可不可以",
    "可以不",
    "有没有",
    "是不是",
    "求",
    "请问",
    "问下",
    "问一下",
    "想问",
    "咋",
    "为何",
    "为什么",
    "要不要",
    "需不需要",
    "何时",
    "请教",
    "谁知道",
    "有人知道",
    "不知道",
    "该选",
    "用哪",
    "在哪",
];

/// English question words, matched as whole ASCII words. Bare auxiliaries ("did", "does") only count at the
/// start (see [`EN_START`]): mid-sentence they are statements ("someone did kyc in 5 mins lol").
const EN: &str = r"(?-u:\b)(how|what|whats|where|wheres|when|wen|which|why|who|is there|are there|can i|can u|can you|could|do i|do you|should|any ?one|anybody|pls|plz|please|help|need to know|wondering|idk|dunno|is it|are the|are they|will i|will it|wat|hw|whr)(?-u:\b)";

pub(super) static MARKERS: LazyLock<(AhoCorasick, Regex)> = LazyLock::new(|| {
    (
        AhoCorasick::new(ZH).expect("markers build"),
        Regex::new(EN).expect("markers compile"),
    )
});

/// English yes/no questions start with an auxiliary verb: "is the us supported", "can ppl from china register".
static EN_START: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\s*(is|are|can|do|does|did|will|would|should|could|any1|anyone)(?-u:\b)")
        .expect("compiles")
});

/// True when normalized text reads as a question.
pub fn is_question(normalized: &str) -> bool {
    let (zh, en) = &*MARKERS;
    zh.is_match(normalized)
        || en.is_match(normalized)
        || EN_START.is_match(normalized)
        || a_not_a(normalized)
        || a_or_b(normalized)
}

/// Characters that, right after 还是, make it "still" rather than "or": 还是没到, 还是不行, 还是挺快.
const STILL: &str = "没不很挺也都要会在是得觉有算一太好蛮那这能可";

/// Chinese "A还是B" choice questions: 提现用trc20还是bep20, 是实时的还是隔天. 还是 meaning "still"
/// (还是没到账, 还是觉得) or opening the message is not a choice.
fn a_or_b(text: &str) -> bool {
    text.match_indices("还是").any(|(i, m)| {
        let before = text[..i].trim_end();
        let after = text[i + m.len()..].trim_start();
        match (before.chars().last(), after.chars().next()) {
            (Some(b), Some(a)) => {
                !matches!(
                    b,
                    ',' | '，'
                        | '。'
                        | '!'
                        | '！'
                        | '~'
                        | '我'
                        | '你'
                        | '他'
                        | '她'
                        | '都'
                        | '但'
                        | '可'
                ) && !STILL.contains(a)
            }
            _ => false,
        }
    })
}

/// Chinese "A不A" questions: 贵不贵, 高不高, 能不能.
fn a_not_a(text: &str) -> bool {
    let chars: Vec<char> = text.chars().collect();
    chars
        .windows(3)
        .any(|w| w[1] == '不' && w[0] == w[2] && crate::text::is_han(w[0]))
}

#[cfg(test)]
mod tests {
    use super::is_question;

    #[test]
    fn questions_without_question_marks() {
        for q in [
            "注册链接在哪",
            "kyc要什么材料",
            "奖励几号发",
            "how to register",
            "wen rewards",
            "which network pls",
            "提现用trc20还是bep20",
            "返佣是每天结算还是每周",
            "did anyone get the airdrop",
            "does kyc need a selfie",
        ] {
            assert!(is_question(q), "{q}");
        }
    }

    #[test]
    fn statements_are_not_questions() {
        for s in [
            "kyc 终于过了",
            "fees are crazy lol",
            "谢谢大家",
            "gm",
            "rewards received, thanks",
            "还是没到账",
            "等了一天还是没到",
            "我还是觉得trc20好用",
            "提币还是挺快的",
            "someone did kyc here in 5 mins lol",
            "it does work now",
        ] {
            assert!(!is_question(s), "{s}");
        }
    }
}
