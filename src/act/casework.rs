//! Private cases on the acting side: the group handoff with a deep link, the member's private chat (opening,
//! evidence, done, reopen), agent commands and inline buttons. Pure rules live in [`crate::cases`]; this file
//! turns them into records and outbox rows.

use serde_json::{Value, json};
use sqlx::AnyConnection;

use super::{ActError, Actor, Plan, texts};
use crate::cases::{
    self, CaseCode, CaseStatus, EvidenceItem, EvidenceKind, StartToken, TransitionCtx,
};
use crate::classify;
use crate::config::Mode;
use crate::domain::{Incoming, Language, MediaKind, Tier, UserId};
use crate::library::render_links;
use crate::store::cases::{self as db, CaseRow, NewCase};
use crate::store::records::{self, Outcome};
use crate::store::{NewAction, Priority};

/// The intent used for cases a member opens with /new and no recognisable topic.
pub const GENERAL_INTENT: &str = "general";

/// The topic of the case offered after a seed phrase or private key was exposed.
pub const WALLET_INTENT: &str = "funds_abnormal";

impl Actor {
    /// Group side of a tier-2/3 question: open (or reuse) the member's case, reply with a deep link, alert
    /// moderators on tier 3. Nothing of the problem is repeated in the group.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn plan_handoff(
        &self,
        tx: &mut AnyConnection,
        inc: &Incoming,
        intent: String,
        tier: Tier,
        lang: Language,
        shadow: bool,
        now: i64,
        plan: &mut Plan,
    ) -> Result<(), ActError> {
        plan.question = Some((
            Some(intent.clone()),
            Some(tier.number()),
            if shadow {
                Outcome::Shadow
            } else {
                Outcome::Handoff
            },
        ));
        let key = format!(
            "{}:{}:{}",
            inc.chat.0,
            inc.message.0,
            inc.edit_date.unwrap_or(0)
        );
        if shadow {
            let alert = format!(
                "[shadow] frontdesk would have moved a tier-{} question ({intent}) from {} to a private case: {}",
                tier.number(),
                self.chat_label(inc),
                self.message_link(inc).unwrap_or_default()
            );
            self.alert_moderators(&alert, &format!("shadow:{key}"), now, plan);
            return Ok(());
        }
        let link = self.message_link(inc);
        let case = match db::open_case_for(tx, inc.user.0, &intent).await? {
            Some(c) => c,
            None => {
                let c = self
                    .open_case(
                        tx,
                        inc.user,
                        &intent,
                        tier,
                        lang,
                        Some((inc.chat.0, inc.message.0 as i64)),
                        link.as_deref(),
                        now,
                    )
                    .await?;
                if tier == Tier::Three {
                    self.alert_tier_three(&c, inc, &key, now, plan);
                }
                c
            }
        };
        let url = self.deep_link(tx, &case, inc.user, now).await?;
        let text = match (tier, lang) {
            (Tier::Three, Language::Zh) => format!(
                "{}，这个问题需要私下处理，请点击下方按钮私聊我们，不要在群里发送任何细节。\n{url}",
                inc.user_name
            ),
            (Tier::Three, Language::En) => format!(
                "{}, this needs to be handled privately. Tap the button to message us; please share no details in the group.\n{url}",
                inc.user_name
            ),
            (_, Language::Zh) => format!(
                "{}，这个问题需要核对你的账户状态，请点击下方按钮私聊，我们会帮你整理信息。\n{url}",
                inc.user_name
            ),
            (_, Language::En) => format!(
                "{}, this needs a check of your account. Tap the button to continue in private and we will help you put it together.\n{url}",
                inc.user_name
            ),
        };
        let button = match lang {
            Language::Zh => "私聊处理",
            Language::En => "Continue in private",
        };
        let mut payload = self.message(inc.chat.0, inc.thread_id, Some(inc.message.0), text);
        payload["reply_markup"] = json!({"inline_keyboard": [[{"text": button, "url": url}]]});
        plan.actions.push(NewAction {
            priority: Priority::GroupReply,
            chat_id: inc.chat.0,
            method: "sendMessage",
            payload,
            dedupe_key: format!("handoff:{key}"),
            not_before: now,
            delete_after: None,
        });
        Ok(())
    }

    /// After a seed phrase or private key was deleted in a group: open (or reuse) a private case about the
    /// member's funds and put its deep link on the deletion notice, so help is one tap away.
    pub(super) async fn offer_wallet_case(
        &self,
        tx: &mut AnyConnection,
        inc: &Incoming,
        lang: Language,
        now: i64,
        plan: &mut Plan,
    ) -> Result<(), ActError> {
        let lib = self.library();
        let Some(entry) = lib.get(WALLET_INTENT) else {
            return Ok(()); // a library without the topic: the notice's advice has to do
        };
        let case = match db::open_case_for(tx, inc.user.0, WALLET_INTENT).await? {
            Some(c) => c,
            None => {
                self.open_case(
                    tx,
                    inc.user,
                    WALLET_INTENT,
                    entry.tier,
                    lang,
                    None,
                    None,
                    now,
                )
                .await?
            }
        };
        let url = self.deep_link(tx, &case, inc.user, now).await?;
        let button = match lang {
            Language::Zh => "私聊获取帮助",
            Language::En => "Get help in private",
        };
        if let Some(notice) = plan
            .actions
            .iter_mut()
            .find(|a| a.dedupe_key.starts_with("notice:"))
        {
            let text = notice.payload["text"].as_str().unwrap_or("").to_string();
            notice.payload["text"] = Value::String(format!("{text}\n{url}"));
            notice.payload["reply_markup"] =
                json!({"inline_keyboard": [[{"text": button, "url": url}]]});
        }
        Ok(())
    }

    /// Issues a fresh single-member token for a case and returns its `t.me` deep link. Only the token's digest
    /// is stored, so a copy of the database opens nothing.
    async fn deep_link(
        &self,
        tx: &mut AnyConnection,
        case: &CaseRow,
        member: UserId,
        now: i64,
    ) -> Result<String, ActError> {
        let token = StartToken::generate(&mut rand::rng());
        let expires = now + self.config.cases.token_ttl_days * 86_400;
        db::insert_token(tx, &token.digest(), case.id, member.0, expires, now).await?;
        Ok(format!(
            "https://t.me/{}?start={}",
            self.bot_username,
            token.expose()
        ))
    }

    /// Creates a case with a fresh code and its `opened` event.
    #[allow(clippy::too_many_arguments)]
    async fn open_case(
        &self,
        tx: &mut AnyConnection,
        user: UserId,
        intent: &str,
        tier: Tier,
        lang: Language,
        origin: Option<(i64, i64)>,
        link: Option<&str>,
        now: i64,
    ) -> Result<CaseRow, ActError> {
        loop {
            let code = CaseCode::generate(&mut rand::rng());
            let new = NewCase {
                code: code.as_str(),
                user_id: user.0,
                origin_chat_id: origin.map(|o| o.0),
                origin_message_id: origin.map(|o| o.1),
                origin_link: link,
                tier: tier.number() as i64,
                intent,
                language: lang.code(),
                status: CaseStatus::INITIAL.as_str(),
            };
            if let Some(id) = db::insert_case(tx, &new, now).await? {
                db::insert_event(
                    tx,
                    id,
                    user.0,
                    cases::CaseEvent::Opened.as_str(),
                    Some(intent),
                    now,
                )
                .await?;
                tracing::info!(
                    case = code.as_str(),
                    tier = tier.number(),
                    intent,
                    "case opened"
                );
                return Ok(db::case_by_id(tx, id).await?.expect("case just inserted"));
            }
        }
    }

    fn alert_tier_three(
        &self,
        case: &CaseRow,
        inc: &Incoming,
        key: &str,
        now: i64,
        plan: &mut Plan,
    ) {
        let mut text = format!(
            "🚨 Tier-3 case {} ({})\nGroup: {}\nMember: {} (id {})\nOrigin: {}",
            case.code,
            case.intent,
            self.chat_label(inc),
            inc.user_name,
            inc.user.0,
            self.message_link(inc).unwrap_or_else(|| "-".into())
        );
        if case.intent == "content_complaint" {
            text.push_str("\nContent complaint: review the original material (posts, activity descriptions) and take down or correct it if needed. 请复核原始素材，必要时下架或修改。");
        }
        for m in &self.config.moderators {
            plan.actions.push(NewAction {
                priority: Priority::Alert,
                chat_id: m.0,
                method: "sendMessage",
                payload: json!({
                    "chat_id": m.0,
                    "text": text,
                    "link_preview_options": {"is_disabled": true},
                    "reply_markup": {"inline_keyboard": [[
                        {"text": "Claim", "callback_data": format!("claim:{}", case.code)},
                        {"text": "Open", "callback_data": format!("case:{}", case.code)}
                    ]]}
                }),
                dedupe_key: format!("tier3:{key}:{}", m.0),
                not_before: now,
                delete_after: None,
            });
        }
    }

    /// A private message that is not a secret: a command, evidence for the open case, or a question.
    #[allow(clippy::too_many_arguments)]
    pub(super) async fn plan_private(
        &self,
        tx: &mut AnyConnection,
        inc: &Incoming,
        normalized: &str,
        flagged: bool,
        lang: Language,
        now: i64,
        plan: &mut Plan,
    ) -> Result<(), ActError> {
        let user = inc.user.0;
        let text = inc.text.trim();
        if let Some(rest) = text.strip_prefix('/') {
            let (cmd, args) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
            let cmd = cmd.split('@').next().unwrap_or(cmd).to_lowercase();
            let reply = self.command(tx, inc, &cmd, args.trim(), lang, now).await?;
            self.dm(user, reply, inc, "cmd", plan, now);
            return Ok(());
        }
        if let Some(case) = db::active_case(tx, user).await? {
            let reply = if flagged {
                // Possibly a secret (moderators were alerted): never evidence.
                Reply::text(match lang {
                    Language::Zh => "这条消息可能包含敏感信息（密码、验证码、助记词等），没有保存。请去掉这些内容后再发。".into(),
                    Language::En => "This message may hold sensitive data (a password, code or seed words), so it was not saved. Please send it again without them.".into(),
                })
            } else {
                self.add_evidence(tx, inc, &case, now).await?
            };
            self.dm(user, reply, inc, "evidence", plan, now);
            return Ok(());
        }
        // No open case: treat it like a group message.
        let lib = self.library();
        let reply = match classify::best_entry(&lib, normalized) {
            Some(i) if lib.entry(i).tier == Tier::One => {
                let e = lib.entry(i);
                plan.question = Some((Some(e.id.clone()), Some(1), Outcome::Answered));
                Reply::text(lib.render(e, lang, &self.config.links))
            }
            Some(i) => {
                let e = lib.entry(i);
                let tier = e.tier;
                plan.question = Some((Some(e.id.clone()), Some(tier.number()), Outcome::Handoff));
                let case = match db::open_case_for(tx, user, &e.id).await? {
                    Some(c) => c,
                    None => {
                        let c = self
                            .open_case(tx, inc.user, &e.id.clone(), tier, lang, None, None, now)
                            .await?;
                        if tier == Tier::Three {
                            self.alert_tier_three(
                                &c,
                                inc,
                                &format!("private:{}", c.code),
                                now,
                                plan,
                            );
                        }
                        c
                    }
                };
                db::set_active_case(tx, user, Some(case.id), now).await?;
                self.greeting(tx, &case, lang).await?
            }
            None => {
                if classify::is_question(normalized) {
                    plan.question = Some((None, None, Outcome::Unmatched));
                }
                Reply::text(texts::help(lang))
            }
        };
        self.dm(user, reply, inc, "private", plan, now);
        Ok(())
    }

    fn dm(&self, user: i64, reply: Reply, inc: &Incoming, what: &str, plan: &mut Plan, now: i64) {
        let mut payload = json!({"chat_id": user, "text": reply.text, "link_preview_options": {"is_disabled": true}});
        if let Some(markup) = reply.markup {
            payload["reply_markup"] = markup;
        }
        plan.actions.push(NewAction {
            priority: Priority::Direct,
            chat_id: user,
            method: "sendMessage",
            payload,
            dedupe_key: format!(
                "{what}:{}:{}:{}",
                inc.chat.0,
                inc.message.0,
                inc.edit_date.unwrap_or(0)
            ),
            not_before: now,
            delete_after: None,
        });
        plan.actions.extend(reply.extra);
    }

    async fn command(
        &self,
        tx: &mut AnyConnection,
        inc: &Incoming,
        cmd: &str,
        args: &str,
        lang: Language,
        now: i64,
    ) -> Result<Reply, ActError> {
        let user = inc.user.0;
        match cmd {
            "start" => {
                records::member_started(tx, user, lang.code(), now).await?;
                if args.is_empty() {
                    return Ok(Reply::text(texts::help(lang)));
                }
                self.start_with_token(tx, inc, args, lang, now).await
            }
            "help" => {
                records::member_started(tx, user, lang.code(), now).await?;
                Ok(Reply::text(texts::help(lang)))
            }
            "new" => {
                records::member_started(tx, user, lang.code(), now).await?;
                let normalized = crate::text::normalize(args);
                let lib = self.library();
                let (intent, tier) = match classify::best_entry(&lib, &normalized) {
                    Some(i) if lib.entry(i).tier != Tier::One => {
                        (lib.entry(i).id.clone(), lib.entry(i).tier)
                    }
                    _ => (GENERAL_INTENT.to_string(), Tier::Two),
                };
                let case = self
                    .open_case(tx, inc.user, &intent, tier, lang, None, None, now)
                    .await?;
                db::set_active_case(tx, user, Some(case.id), now).await?;
                if !args.is_empty() {
                    db::insert_evidence(
                        tx,
                        case.id,
                        "description",
                        None,
                        args,
                        Some(inc.message.0 as i64),
                        now,
                    )
                    .await?;
                }
                self.greeting(tx, &case, lang).await
            }
            "mycases" => {
                let list = db::cases_of(tx, user).await?;
                if list.is_empty() {
                    return Ok(Reply::text(match lang {
                        Language::Zh => "你还没有工单。发送 /new 新建一个。".into(),
                        Language::En => "You have no cases yet. Send /new to open one.".into(),
                    }));
                }
                let lines: Vec<String> = list
                    .iter()
                    .map(|c| {
                        format!(
                            "{} · {} · {}",
                            c.code,
                            c.intent,
                            status_label(&c.status, lang)
                        )
                    })
                    .collect();
                Ok(Reply::text(lines.join("\n")))
            }
            "done" => match db::active_case(tx, user).await? {
                Some(case) => self.submit(tx, &case, inc.user, lang, now).await,
                None => Ok(Reply::text(no_open_case(lang))),
            },
            "reopen" => self.reopen(tx, inc.user, args, lang, now).await,
            "queue" | "case" | "claim" | "reply" | "note" | "escalate" | "resolve" | "export" => {
                if !self.config.is_agent(inc.user) {
                    return Ok(Reply::text(match lang {
                        Language::Zh => "这个命令只供客服使用。".into(),
                        Language::En => "This command is for support agents only.".into(),
                    }));
                }
                self.agent_command(tx, inc.user, cmd, args, now).await
            }
            _ => Ok(Reply::text(texts::help(lang))),
        }
    }

    async fn start_with_token(
        &self,
        tx: &mut AnyConnection,
        inc: &Incoming,
        raw: &str,
        lang: Language,
        now: i64,
    ) -> Result<Reply, ActError> {
        let invalid = Reply::text(match lang {
            Language::Zh => "这个链接无效或已过期。请在群里重新提问，或发送 /new 新建工单。".into(),
            Language::En => "This link is invalid or has expired. Ask again in the group, or send /new to open a case.".into(),
        });
        let Ok(token) = StartToken::parse(raw) else {
            return Ok(invalid);
        };
        let Some((case_id, owner, expires)) = db::find_token(tx, &token.digest()).await? else {
            return Ok(invalid);
        };
        if owner != inc.user.0 {
            tracing::warn!(
                user = inc.user.0,
                "someone opened another member's case link"
            );
            return Ok(Reply::text(match lang {
                Language::Zh => "这个链接不属于你。如需帮助，请在群里提问或发送 /new。".into(),
                Language::En => {
                    "This link is not yours. If you need help, ask in the group or send /new."
                        .into()
                }
            }));
        }
        if expires < now {
            return Ok(invalid);
        }
        let Some(case) = db::case_by_id(tx, case_id).await? else {
            return Ok(invalid);
        };
        if case.status == CaseStatus::Resolved.as_str() {
            return Ok(Reply::text(match lang {
                Language::Zh => format!(
                    "工单 {} 已处理完毕。如需重新打开，请发送 /reopen {}",
                    case.code, case.code
                ),
                Language::En => format!(
                    "Case {} is resolved. To reopen it, send /reopen {}",
                    case.code, case.code
                ),
            }));
        }
        db::set_active_case(tx, inc.user.0, Some(case.id), now).await?;
        self.greeting(tx, &case, lang).await
    }

    /// The case greeting: code, what happens next, the ticket link, the safety line and the checklist.
    async fn greeting(
        &self,
        tx: &mut AnyConnection,
        case: &CaseRow,
        lang: Language,
    ) -> Result<Reply, ActError> {
        let guidance = self
            .library()
            .get(&case.intent)
            .map(|e| render_links(&e.lang(lang).answer.text, &self.config.links))
            .unwrap_or_default();
        let (have, missing) = self.progress(tx, case).await?;
        let ticket = self.config.links.get("ticket").cloned();
        let mut text = match lang {
            Language::Zh => format!(
                "你好，你的工单编号是 {}。\n{}",
                case.code,
                texts::escalation(lang)
            ),
            Language::En => format!(
                "Hello, your case code is {}.\n{}",
                case.code,
                texts::escalation(lang)
            ),
        };
        if !guidance.is_empty() {
            text.push_str(&format!("\n\n{guidance}"));
        }
        if let Some(t) = ticket {
            text.push_str(&match lang {
                Language::Zh => format!("\n官方工单入口：{t}"),
                Language::En => format!("\nOfficial ticket page: {t}"),
            });
        }
        text.push_str(&format!("\n\n{}\n\n", texts::never_ask(lang)));
        text.push_str(&checklist_text(
            &self.checklist(case),
            &have,
            &missing,
            lang,
        ));
        Ok(Reply {
            text,
            markup: Some(done_button(&case.code, lang)),
            extra: Vec::new(),
        })
    }

    fn checklist(&self, case: &CaseRow) -> Vec<EvidenceKind> {
        let names: Vec<String> = self
            .library()
            .get(&case.intent)
            .map(|e| e.evidence.clone())
            .unwrap_or_else(|| vec!["description".into(), "time".into(), "screenshot".into()]);
        EvidenceKind::parse_list(&names).unwrap_or_default()
    }

    async fn progress(
        &self,
        tx: &mut AnyConnection,
        case: &CaseRow,
    ) -> Result<(Vec<EvidenceKind>, Vec<EvidenceKind>), ActError> {
        let rows = db::evidence_of(tx, case.id).await?;
        let have: Vec<EvidenceKind> = rows
            .iter()
            .filter_map(|r| EvidenceKind::parse(&r.kind).ok())
            .collect();
        let items: Vec<EvidenceItem> = rows
            .iter()
            .filter_map(|r| {
                let kind = EvidenceKind::parse(&r.kind).ok()?;
                let chain = r
                    .detail
                    .as_deref()
                    .and_then(|d| cases::Chain::parse(d).ok());
                Some(EvidenceItem {
                    kind: cases::EvidenceItemKind::from_parts(kind, chain).ok()?,
                    value: r.value.clone(),
                })
            })
            .collect();
        let missing = cases::missing(&self.checklist(case), &items);
        Ok((have, missing))
    }

    async fn add_evidence(
        &self,
        tx: &mut AnyConnection,
        inc: &Incoming,
        case: &CaseRow,
        now: i64,
    ) -> Result<Reply, ActError> {
        let lang = Language::parse(&case.language).unwrap_or(self.config.default_language);
        let status = CaseStatus::parse(&case.status).unwrap_or(CaseStatus::Collecting);
        let ctx = self.ctx(case, now);
        if let Err(e) =
            cases::transition(status, &cases::Action::AddEvidence { by: inc.user }, &ctx)
        {
            return Ok(Reply::text(e.to_string()));
        }
        let mut items = cases::extract(&inc.text, &self.patterns);
        if matches!(inc.media, Some(MediaKind::Photo | MediaKind::Document))
            && let Some(f) = &inc.file_id
        {
            items.push(EvidenceItem::screenshot(f.clone()));
        }
        if items.is_empty() {
            return Ok(Reply::text(match lang {
                Language::Zh => "收到。请补充更具体的信息（时间、截图、交易哈希、订单号等）。".into(),
                Language::En => "Got it. Please add something specific (time, screenshot, tx hash, order number…).".into(),
            }));
        }
        let mut recorded = Vec::new();
        for item in &items {
            let chain = item.kind.chain().map(|c| c.as_str());
            db::insert_evidence(
                tx,
                case.id,
                item.kind.kind().as_str(),
                chain,
                &item.value,
                Some(inc.message.0 as i64),
                now,
            )
            .await?;
            recorded.push(evidence_label(item.kind.kind(), lang));
        }
        db::insert_event(
            tx,
            case.id,
            inc.user.0,
            cases::CaseEvent::EvidenceAdded.as_str(),
            Some(&recorded.join(", ")),
            now,
        )
        .await?;
        db::update_case(
            tx,
            case.id,
            &case.status,
            case.assignee,
            case.resolved_at,
            case.conclusion.as_deref(),
            now,
        )
        .await?;
        let (_, missing) = self.progress(tx, case).await?;
        recorded.dedup();
        let mut text = match lang {
            Language::Zh => format!("已记录到工单 {}：{}。", case.code, recorded.join("、")),
            Language::En => format!("Added to case {}: {}.", case.code, recorded.join(", ")),
        };
        text.push('\n');
        text.push_str(&missing_text(&missing, lang));
        let markup = (status == CaseStatus::Collecting).then(|| done_button(&case.code, lang));
        Ok(Reply {
            text,
            markup,
            extra: Vec::new(),
        })
    }

    fn ctx(&self, case: &CaseRow, now: i64) -> TransitionCtx {
        TransitionCtx {
            now,
            member: UserId(case.user_id),
            assignee: case.assignee.map(UserId),
            resolved_at: case.resolved_at,
            reopen_window_secs: self.config.cases.reopen_days * 86_400,
        }
    }

    async fn submit(
        &self,
        tx: &mut AnyConnection,
        case: &CaseRow,
        by: UserId,
        lang: Language,
        now: i64,
    ) -> Result<Reply, ActError> {
        let status = CaseStatus::parse(&case.status).unwrap_or(CaseStatus::Collecting);
        match cases::transition(status, &cases::Action::Submit { by }, &self.ctx(case, now)) {
            Ok(next) => {
                db::update_case(tx, case.id, next.as_str(), case.assignee, None, None, now).await?;
                db::insert_event(
                    tx,
                    case.id,
                    by.0,
                    cases::CaseEvent::Submitted.as_str(),
                    None,
                    now,
                )
                .await?;
                Ok(Reply::text(match lang {
                    Language::Zh => format!(
                        "工单 {} 已提交给客服团队。{}\n你仍可以继续补充信息。",
                        case.code,
                        texts::escalation(lang)
                    ),
                    Language::En => format!(
                        "Case {} is now with the support team. {}\nYou can still add information here.",
                        case.code,
                        texts::escalation(lang)
                    ),
                }))
            }
            Err(e) => Ok(Reply::text(e.to_string())),
        }
    }

    async fn reopen(
        &self,
        tx: &mut AnyConnection,
        by: UserId,
        args: &str,
        lang: Language,
        now: i64,
    ) -> Result<Reply, ActError> {
        let Some(case) = self.find_case(tx, args).await? else {
            return Ok(Reply::text(no_such_case(args)));
        };
        if case.user_id != by.0 {
            return Ok(Reply::text(no_such_case(args)));
        }
        let status = CaseStatus::parse(&case.status).unwrap_or(CaseStatus::Collecting);
        match cases::transition(status, &cases::Action::Reopen { by }, &self.ctx(&case, now)) {
            Ok(next) => {
                db::update_case(tx, case.id, next.as_str(), None, None, None, now).await?;
                db::insert_event(
                    tx,
                    case.id,
                    by.0,
                    cases::CaseEvent::Reopened.as_str(),
                    None,
                    now,
                )
                .await?;
                db::set_active_case(tx, by.0, Some(case.id), now).await?;
                Ok(Reply::text(match lang {
                    Language::Zh => format!(
                        "工单 {} 已重新打开并回到客服队列。请补充新的信息。",
                        case.code
                    ),
                    Language::En => format!(
                        "Case {} is reopened and back in the agents' queue. Please add what is new.",
                        case.code
                    ),
                }))
            }
            Err(e) => Ok(Reply::text(e.to_string())),
        }
    }

    async fn find_case(
        &self,
        tx: &mut AnyConnection,
        arg: &str,
    ) -> Result<Option<CaseRow>, ActError> {
        let code = arg.split_whitespace().next().unwrap_or("");
        match CaseCode::parse(code) {
            Ok(c) => Ok(db::case_by_code(tx, c.as_str()).await?),
            Err(_) => Ok(None),
        }
    }

    /// Agent verbs: /queue, /case, /claim, /reply, /note, /escalate, /resolve, /export.
    async fn agent_command(
        &self,
        tx: &mut AnyConnection,
        agent: UserId,
        cmd: &str,
        args: &str,
        now: i64,
    ) -> Result<Reply, ActError> {
        if cmd == "queue" {
            let list = db::queue(tx).await?;
            if list.is_empty() {
                return Ok(Reply::text("The queue is empty.".into()));
            }
            let lines: Vec<String> = list
                .iter()
                .map(|c| {
                    let who = c
                        .assignee
                        .map(|a| format!(" · agent {a}"))
                        .unwrap_or_default();
                    format!(
                        "{} · tier {} · {} · {}{who}",
                        c.code, c.tier, c.intent, c.status
                    )
                })
                .collect();
            return Ok(Reply::text(format!(
                "Open cases ({}):\n{}",
                list.len(),
                lines.join("\n")
            )));
        }
        let (code_arg, rest) = args.split_once(char::is_whitespace).unwrap_or((args, ""));
        let rest = rest.trim();
        let Some(case) = self.find_case(tx, code_arg).await? else {
            return Ok(Reply::text(if code_arg.is_empty() {
                format!(
                    "Usage: /{cmd} CODE{}",
                    if matches!(cmd, "reply" | "note") {
                        " TEXT"
                    } else if cmd == "resolve" {
                        " CONCLUSION"
                    } else {
                        ""
                    }
                )
            } else {
                no_such_case(code_arg)
            }));
        };
        if matches!(cmd, "case" | "export") {
            return Ok(Reply::text(
                self.case_report(tx, &case, cmd == "export").await?,
            ));
        }
        let action = match cmd {
            "claim" => cases::Action::Claim { agent },
            "reply" if rest.is_empty() => return Ok(Reply::text("Usage: /reply CODE TEXT".into())),
            "reply" => cases::Action::Reply { agent },
            "note" if rest.is_empty() => return Ok(Reply::text("Usage: /note CODE TEXT".into())),
            "note" => cases::Action::Note { agent },
            "escalate" => cases::Action::Escalate { agent },
            "resolve" if rest.is_empty() => {
                return Ok(Reply::text("Usage: /resolve CODE CONCLUSION".into()));
            }
            _ => cases::Action::Resolve {
                agent,
                conclusion: rest.to_string(),
            },
        };
        let status = CaseStatus::parse(&case.status).unwrap_or(CaseStatus::Collecting);
        let next = match cases::transition(status, &action, &self.ctx(&case, now)) {
            Ok(n) => n,
            Err(e) => return Ok(Reply::text(format!("{}: {e}", case.code))),
        };
        let assignee = if matches!(action, cases::Action::Claim { .. }) {
            Some(agent.0)
        } else {
            case.assignee
        };
        let resolved = matches!(action, cases::Action::Resolve { .. });
        db::update_case(
            tx,
            case.id,
            next.as_str(),
            assignee,
            resolved.then_some(now),
            if resolved {
                Some(rest)
            } else {
                case.conclusion.as_deref()
            },
            now,
        )
        .await?;
        let detail = (!rest.is_empty()).then_some(rest);
        db::insert_event(tx, case.id, agent.0, action.event().as_str(), detail, now).await?;
        let lang = Language::parse(&case.language).unwrap_or(self.config.default_language);
        let mut extra = Vec::new();
        let member_text = match cmd {
            "reply" => Some(match lang {
                Language::Zh => format!("工单 {} 的客服回复：\n{rest}", case.code),
                Language::En => format!("Reply from support on case {}:\n{rest}", case.code),
            }),
            "escalate" => Some(match lang {
                Language::Zh => format!(
                    "工单 {} 已提交到官方渠道。{}",
                    case.code,
                    texts::escalation(lang)
                ),
                Language::En => format!(
                    "Case {} has been submitted through the official channel. {}",
                    case.code,
                    texts::escalation(lang)
                ),
            }),
            "resolve" => Some(match lang {
                Language::Zh => format!(
                    "工单 {} 已处理：{rest}\n如问题仍在，{} 天内可发送 /reopen {} 重新打开。",
                    case.code, self.config.cases.reopen_days, case.code
                ),
                Language::En => format!(
                    "Case {} is resolved: {rest}\nIf the problem persists, send /reopen {} within {} days.",
                    case.code, case.code, self.config.cases.reopen_days
                ),
            }),
            _ => None,
        };
        if let Some(t) = member_text {
            extra.push(NewAction {
                priority: Priority::Direct,
                chat_id: case.user_id,
                method: "sendMessage",
                payload: json!({"chat_id": case.user_id, "text": t}),
                dedupe_key: format!(
                    "member:{}:{}:{now}:{}",
                    case.code,
                    cmd,
                    rand::random::<u32>()
                ),
                not_before: now,
                delete_after: None,
            });
        }
        Ok(Reply {
            text: format!(
                "{}: {} → {}",
                case.code,
                action.event().as_str(),
                next.as_str()
            ),
            markup: None,
            extra,
        })
    }

    async fn case_report(
        &self,
        tx: &mut AnyConnection,
        case: &CaseRow,
        full: bool,
    ) -> Result<String, ActError> {
        let evidence = db::evidence_of(tx, case.id).await?;
        let mut s = format!(
            "Case {} · tier {} · {} · {} · lang {}\nMember: {}\nOrigin: {}\nOpened: {} UTC\nAssignee: {}\nConclusion: {}\n",
            case.code,
            case.tier,
            case.intent,
            case.status,
            case.language,
            case.user_id,
            case.origin_link.as_deref().unwrap_or("private chat"),
            super::format_time(case.created_at),
            case.assignee
                .map(|a| a.to_string())
                .unwrap_or_else(|| "-".into()),
            case.conclusion.as_deref().unwrap_or("-"),
        );
        s.push_str(&format!("\nEvidence ({}):\n", evidence.len()));
        for e in &evidence {
            let detail = e
                .detail
                .as_deref()
                .map(|d| format!(" [{d}]"))
                .unwrap_or_default();
            s.push_str(&format!(
                "- {} {}{detail}: {}\n",
                super::format_time(e.created_at),
                e.kind,
                e.value
            ));
        }
        if full {
            s.push_str("\nEvents:\n");
            for ev in db::events_of(tx, case.id).await? {
                let detail = ev.detail.map(|d| format!(": {d}")).unwrap_or_default();
                s.push_str(&format!(
                    "- {} {} by {}{detail}\n",
                    super::format_time(ev.created_at),
                    ev.kind,
                    ev.actor_id
                ));
            }
        }
        Ok(s)
    }

    /// Inline buttons: `done:CODE` (member), `claim:CODE` and `case:CODE` (agents and moderators).
    pub(super) async fn plan_callback(
        &self,
        tx: &mut AnyConnection,
        user: i64,
        data: &str,
        now: i64,
    ) -> Result<Option<String>, ActError> {
        let (verb, code) = data.split_once(':').unwrap_or((data, ""));
        let Some(case) = self.find_case(tx, code).await? else {
            return Ok(Some("unknown case".into()));
        };
        let lang = Language::parse(&case.language).unwrap_or(self.config.default_language);
        let staff = self.config.is_agent(UserId(user)) || self.config.is_moderator(UserId(user));
        let reply = match verb {
            "done" if case.user_id == user => {
                self.submit(tx, &case, UserId(user), lang, now).await?
            }
            "claim" | "case" if staff => {
                let cmd = if verb == "claim" { "claim" } else { "case" };
                self.agent_command(tx, UserId(user), cmd, &case.code, now)
                    .await?
            }
            _ => return Ok(Some("not allowed".into())),
        };
        Ok(Some(reply.text))
    }
}

/// A private reply: text, optional inline keyboard, and any further actions it causes.
pub(super) struct Reply {
    pub text: String,
    pub markup: Option<Value>,
    pub extra: Vec<NewAction>,
}

impl Reply {
    fn text(text: String) -> Self {
        Reply {
            text,
            markup: None,
            extra: Vec::new(),
        }
    }
}

fn done_button(code: &str, lang: Language) -> Value {
    let label = match lang {
        Language::Zh => "✅ 资料已齐，提交",
        Language::En => "✅ Done, submit",
    };
    json!({"inline_keyboard": [[{"text": label, "callback_data": format!("done:{code}")}]]})
}

fn no_open_case(lang: Language) -> String {
    match lang {
        Language::Zh => "你没有进行中的工单。发送 /new 新建一个。".into(),
        Language::En => "You have no open case. Send /new to open one.".into(),
    }
}

fn no_such_case(arg: &str) -> String {
    format!("No case {arg}. / 没有这个工单。")
}

fn status_label(status: &str, lang: Language) -> &'static str {
    match (status, lang) {
        ("collecting", Language::Zh) => "收集资料中",
        ("queued", Language::Zh) => "排队等待客服",
        ("claimed", Language::Zh) => "客服处理中",
        ("escalated", Language::Zh) => "已提交官方",
        ("resolved", Language::Zh) => "已处理",
        ("collecting", _) => "collecting evidence",
        ("queued", _) => "waiting for an agent",
        ("claimed", _) => "with an agent",
        ("escalated", _) => "submitted to the official channel",
        _ => "resolved",
    }
}

/// How an evidence kind is named to the member.
pub fn evidence_label(kind: EvidenceKind, lang: Language) -> &'static str {
    match (kind, lang) {
        (EvidenceKind::Time, Language::Zh) => "发生时间",
        (EvidenceKind::Description, Language::Zh) => "问题描述",
        (EvidenceKind::Screenshot, Language::Zh) => "页面截图",
        (EvidenceKind::TxHash, Language::Zh) => "交易哈希",
        (EvidenceKind::OrderNumber, Language::Zh) => "订单编号",
        (EvidenceKind::TicketNumber, Language::Zh) => "官方工单编号",
        (EvidenceKind::LinkSource, Language::Zh) => "注册链接来源",
        (EvidenceKind::Time, Language::En) => "time it happened",
        (EvidenceKind::Description, Language::En) => "description",
        (EvidenceKind::Screenshot, Language::En) => "screenshot",
        (EvidenceKind::TxHash, Language::En) => "transaction hash",
        (EvidenceKind::OrderNumber, Language::En) => "order number",
        (EvidenceKind::TicketNumber, Language::En) => "official ticket number",
        (EvidenceKind::LinkSource, Language::En) => "where your registration link came from",
    }
}

fn checklist_text(
    list: &[EvidenceKind],
    have: &[EvidenceKind],
    missing: &[EvidenceKind],
    lang: Language,
) -> String {
    let mut s = match lang {
        Language::Zh => "请在这里逐条发送以下信息（截图请直接发图片，遮住余额等敏感信息）：\n".to_string(),
        Language::En => "Please send the following here, one by one (send screenshots as images; hide balances and personal data):\n".to_string(),
    };
    for k in list {
        let mark = if have.contains(k) && !missing.contains(k) {
            "✅"
        } else {
            "▫️"
        };
        s.push_str(&format!("{mark} {}\n", evidence_label(*k, lang)));
    }
    s.push_str(match lang {
        Language::Zh => "发完后点「提交」或发送 /done。",
        Language::En => "When you are done, tap \"Done\" or send /done.",
    });
    s
}

fn missing_text(missing: &[EvidenceKind], lang: Language) -> String {
    if missing.is_empty() {
        return match lang {
            Language::Zh => "清单上的资料已齐，点「提交」或发送 /done 交给客服。".into(),
            Language::En => {
                "The checklist is complete: tap \"Done\" or send /done to hand it to the agents."
                    .into()
            }
        };
    }
    let names: Vec<&str> = missing.iter().map(|k| evidence_label(*k, lang)).collect();
    match lang {
        Language::Zh => format!("还缺：{}。", names.join("、")),
        Language::En => format!("Still missing: {}.", names.join(", ")),
    }
}

impl Actor {
    /// True when the chat is in shadow mode (helper for callers outside this file).
    pub fn is_shadow(&self, chat: i64) -> bool {
        self.config.mode(crate::domain::ChatId(chat)) == Mode::Shadow
    }
}
