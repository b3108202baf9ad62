//! Every sentence the bot says, in both languages, in one place (so wording reviews touch one file).

use crate::domain::{Language, SecretKind};

/// The SOP's escalation wording: never an outcome promise.
pub fn escalation(lang: Language) -> &'static str {
    match lang {
        Language::Zh => "我们会协助整理信息并提交给官方渠道，最终处理以平台规则和官方反馈为准。",
        Language::En => {
            "We will help organise the information and submit it through the official channel; the final handling follows the platform's rules and official feedback."
        }
    }
}

/// Anti-impersonation line.
pub fn never_ask(lang: Language) -> &'static str {
    match lang {
        Language::Zh => {
            "我们绝不会索要助记词、私钥、密码或验证码，任何人（包括自称客服的人）索要都是诈骗。"
        }
        Language::En => {
            "We never ask for seed phrases, private keys, passwords or codes. Anyone who does, even \"support\", is a scammer."
        }
    }
}

/// How a secret kind is named to members (never the secret itself).
pub fn kind_name(kind: SecretKind, lang: Language) -> &'static str {
    match (kind, lang) {
        (SecretKind::SeedPhrase, Language::Zh) => "助记词",
        (SecretKind::SeedPhrase, Language::En) => "a seed phrase",
        (SecretKind::IdNumber, Language::Zh) => "证件号码",
        (SecretKind::IdNumber, Language::En) => "an ID document number",
        (SecretKind::Mrz, Language::Zh) => "证件机读码",
        (SecretKind::Mrz, Language::En) => "an ID document's machine-readable zone",
        (SecretKind::VerificationCode, Language::Zh) => "验证码",
        (SecretKind::VerificationCode, Language::En) => "a verification code",
        (SecretKind::Password, Language::Zh) => "密码",
        (SecretKind::Password, Language::En) => "a password",
        (SecretKind::PrivateKey, Language::Zh) => "私钥",
        (SecretKind::PrivateKey, Language::En) => "a private key",
        (SecretKind::IdDocument, Language::Zh) => "证件照片",
        (SecretKind::IdDocument, Language::En) => "an ID document image",
    }
}

/// The short group notice after a deletion.
pub fn group_notice(kind: SecretKind, lang: Language, name: &str) -> String {
    match lang {
        Language::Zh => format!(
            "{name}，你的消息包含{}，已为安全删除。请勿在群里发送证件、密码、验证码、助记词或私钥。",
            kind_name(kind, lang)
        ),
        Language::En => format!(
            "{name}, your message contained {} and was removed for your safety. Never post ID documents, passwords, codes, seed phrases or private keys in the group.",
            kind_name(kind, lang)
        ),
    }
}

/// Advice when the secret controls funds.
pub fn wallet_advice(lang: Language) -> &'static str {
    match lang {
        Language::Zh => {
            "你的钱包可能已经泄露：请立即用新钱包（新助记词）转移资金，并停止使用旧钱包。"
        }
        Language::En => {
            "Your wallet may be compromised: move your funds to a new wallet (new seed phrase) now and stop using the old one."
        }
    }
}

/// Private safety guidance after a deletion.
pub fn safety_dm(kind: SecretKind, lang: Language) -> String {
    let mut s = match lang {
        Language::Zh => format!(
            "刚才你在群里发送的消息包含{}，我们已删除。请不要把它发给任何人，包括客服和管理员。",
            kind_name(kind, lang)
        ),
        Language::En => format!(
            "The message you just posted contained {}, so we removed it. Do not share it with anyone, support and admins included.",
            kind_name(kind, lang)
        ),
    };
    s.push('\n');
    if matches!(kind, SecretKind::SeedPhrase | SecretKind::PrivateKey) {
        s.push_str(wallet_advice(lang));
        s.push('\n');
    }
    if kind == SecretKind::Password {
        s.push_str(match lang {
            Language::Zh => "请立即修改该密码。",
            Language::En => "Change that password now.",
        });
        s.push('\n');
    }
    s.push_str(never_ask(lang));
    s
}

/// Reply in a private chat after deleting a secret there.
pub fn private_deleted(kind: SecretKind, lang: Language) -> String {
    let head = match lang {
        Language::Zh => format!(
            "你发来的消息包含{}，已删除，不会被保存。请不要把它发给任何人，包括我们。",
            kind_name(kind, lang)
        ),
        Language::En => format!(
            "Your message contained {} and was deleted; it is not stored. Never send it to anyone, us included.",
            kind_name(kind, lang)
        ),
    };
    let mut s = head;
    if matches!(kind, SecretKind::SeedPhrase | SecretKind::PrivateKey) {
        s.push('\n');
        s.push_str(wallet_advice(lang));
    }
    s.push('\n');
    s.push_str(never_ask(lang));
    s
}

/// Pointer to an earlier answer during the cooldown.
pub fn pointer(lang: Language, link: Option<&str>) -> String {
    match (lang, link) {
        (Language::Zh, Some(l)) => format!("这个问题刚刚回答过，请看这里：{l}"),
        (Language::Zh, None) => "这个问题刚刚回答过，请往上翻看标准回复。".into(),
        (Language::En, Some(l)) => format!("This was just answered here: {l}"),
        (Language::En, None) => {
            "This was just answered: please scroll up for the standard reply.".into()
        }
    }
}

/// Private-chat greeting for `/start` without a case token and `/help`.
pub fn help(lang: Language) -> String {
    match lang {
        Language::Zh => format!(
            "你好，我是社群客服助手。\n• 在群里提问公开规则（注册链接、活动页面、KYC 材料、奖励时间、提币网络、手续费、地区限制），我会用标准回复回答。\n• 涉及你个人账户或资金的问题，我会在私聊里为你建立工单、整理证据。{}\n• 发送 /new 开始一个新工单，/mycases 查看你的工单。\n{}",
            escalation(lang),
            never_ask(lang)
        ),
        Language::En => format!(
            "Hi, I'm the community support assistant.\n• Ask public-rule questions in the group (registration link, activity page, KYC materials, reward timing, withdrawal network, fees, restricted regions) and I answer with the standard reply.\n• Questions about your own account or funds move to a private case here, where I collect the evidence. {}\n• Send /new to open a case, /mycases to see yours.\n{}",
            escalation(lang),
            never_ask(lang)
        ),
    }
}
