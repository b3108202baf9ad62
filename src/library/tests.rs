use super::*;
use crate::classify::{self, Action};

fn lib(files: &[(&str, &str)], links: &[&str]) -> Result<Library, LibraryError> {
    let sources: Vec<(PathBuf, String)> = files
        .iter()
        .map(|(n, t)| (PathBuf::from(n), t.to_string()))
        .collect();
    let links: Vec<String> = links.iter().map(|s| s.to_string()).collect();
    Library::from_sources(&sources, &links)
}

const REGISTER: &str = r#"
id = "register_link"
tier = 1
[zh]
patterns = ["注册链接", "(怎么|如何).{0,8}注册"]
answer = "注册请用 {links.register}"
examples = ["注册链接在哪", "怎么用链接注册啊"]
not_examples = ["注册好了"]
[en]
patterns = ["(?-u:\\b)(register|sign ?up)"]
answer = "Register at {links.register}"
examples = ["how do i register"]
"#;

const FROZEN: &str = r#"
id = "account_frozen"
tier = 3
evidence = ["time", "description"]
[zh]
patterns = ["冻结"]
answer = "私聊说明"
examples = ["我的账户被冻结了"]
[en]
patterns = ["frozen|freeze"]
answer = "Tell us in private"
examples = ["my account is frozen"]
"#;

#[test]
fn loads_and_classifies_its_examples() {
    let l = lib(&[("a.toml", REGISTER), ("b.toml", FROZEN)], &["register"]).unwrap();
    assert_eq!(l.entries().len(), 2);
    assert!(
        classify::self_test(&l).is_empty(),
        "{:?}",
        classify::self_test(&l)
    );
    let d = classify::decide(&l, "註冊鏈接在哪裡", Language::En);
    assert_eq!(d.action, Action::Answer(0));
    assert_eq!(d.language, Language::Zh);
}

#[test]
fn higher_tier_wins_over_more_matches() {
    let l = lib(&[("a.toml", REGISTER), ("b.toml", FROZEN)], &["register"]).unwrap();
    let d = classify::decide(&l, "账户冻结了，怎么重新注册？注册链接呢", Language::Zh);
    assert_eq!(d.action, Action::Handoff(1, Tier::Three));
}

#[test]
fn statements_do_not_get_tier_one_answers() {
    let l = lib(&[("a.toml", REGISTER)], &["register"]).unwrap();
    assert_eq!(
        classify::decide(&l, "我用注册链接注册好了", Language::Zh).action,
        Action::Ignore
    );
}

#[test]
fn renders_links() {
    let l = lib(&[("a.toml", REGISTER)], &["register"]).unwrap();
    let links = BTreeMap::from([("register".to_string(), "https://x.example/r".to_string())]);
    assert_eq!(
        l.render(l.entry(0), Language::En, &links),
        "Register at https://x.example/r"
    );
}

fn problems(r: Result<Library, LibraryError>) -> Vec<String> {
    match r {
        Err(LibraryError::Problems(p)) => p.iter().map(|p| p.to_string()).collect(),
        other => panic!("expected problems, got {other:?}"),
    }
}

#[test]
fn unknown_placeholder_is_reported_with_line() {
    let p = problems(lib(&[("a.toml", REGISTER)], &[]));
    assert!(
        p.iter()
            .any(|m| m.starts_with("a.toml:6:") && m.contains("links.register")),
        "{p:?}"
    );
}

#[test]
fn regex_error_names_file_and_line() {
    let bad = REGISTER.replace("\"注册链接\"", "\"注册(链接\"");
    let p = problems(lib(&[("bad.toml", &bad)], &["register"]));
    assert!(
        p.iter()
            .any(|m| m.starts_with("bad.toml:5:") && m.contains("does not compile")),
        "{p:?}"
    );
}

#[test]
fn missing_language_is_reported() {
    let no_en = REGISTER.split("[en]").next().unwrap().to_string();
    let p = problems(lib(&[("a.toml", &no_en)], &["register"]));
    assert!(p.iter().any(|m| m.contains("missing [en]")), "{p:?}");
}

#[test]
fn duplicate_ids_are_reported() {
    let p = problems(lib(
        &[("a.toml", REGISTER), ("c.toml", REGISTER)],
        &["register"],
    ));
    assert!(
        p.iter().any(|m| m.contains("duplicate id `register_link`")),
        "{p:?}"
    );
}

#[test]
fn unicode_word_boundary_is_refused() {
    let bad = REGISTER.replace("(?-u:\\\\b)(register", "\\\\b(register");
    let p = problems(lib(&[("a.toml", &bad)], &["register"]));
    assert!(p.iter().any(|m| m.contains("word boundary")), "{p:?}");
}

#[test]
fn unknown_key_and_bad_tier_are_reported() {
    let bad = REGISTER.replace("tier = 1", "tier = 4\nanswers = 1");
    let p = problems(lib(&[("a.toml", &bad)], &["register"]));
    assert!(
        p.iter()
            .any(|m| m.starts_with("a.toml:4:") && m.contains("unknown field")),
        "{p:?}"
    );
}

#[test]
fn failing_example_is_a_check_problem() {
    let bad = REGISTER.replace("\"how do i register\"", "\"where is the activity page\"");
    let l = lib(&[("a.toml", &bad)], &["register"]).unwrap();
    let p: Vec<String> = classify::self_test(&l)
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert!(
        p.iter()
            .any(|m| m.contains("activity page") && m.contains("nothing")),
        "{p:?}"
    );
}

#[test]
fn prefilter_keeps_unrelated_text_off_the_regexes() {
    let l = lib(&[("a.toml", REGISTER), ("b.toml", FROZEN)], &["register"]).unwrap();
    assert!(l.unfiltered.is_empty());
    assert_eq!(classify::best_entry(&l, "gm gm, nice pump today"), None);
}

/// The shipped library must pass `check` with the example config's links: the library testing itself.
#[test]
fn shipped_library_passes_check() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("replies");
    let config = crate::config::Config::load(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("frontdesk.example.toml"),
    )
    .expect("example config parses");
    let l = Library::load(&dir, &config.link_names()).unwrap_or_else(|e| panic!("{e}"));
    let problems: Vec<String> = classify::self_test(&l)
        .iter()
        .map(|p| p.to_string())
        .collect();
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
    assert!(l.warnings().is_empty(), "{:?}", l.warnings());
    for id in [
        "register_link",
        "activity_page",
        "kyc_materials",
        "risk_notice",
        "reward_timing",
        "withdraw_network",
        "fees",
        "region_restriction",
    ] {
        let e = l
            .get(id)
            .unwrap_or_else(|| panic!("shipped library lacks {id}"));
        assert_eq!(e.tier, Tier::One);
        for lang in [Language::Zh, Language::En] {
            assert!(
                e.lang(lang).examples.len() >= 8,
                "{id} {} has fewer than 8 examples",
                lang.code()
            );
        }
    }
}

#[test]
fn unknown_evidence_name_is_reported_with_line() {
    let bad = FROZEN.replace("\"description\"]", "\"receipt\"]");
    let p = problems(lib(&[("f.toml", &bad)], &[]));
    assert!(
        p.iter()
            .any(|m| m.starts_with("f.toml:4:") && m.contains("unknown evidence kind `receipt`")),
        "{p:?}"
    );
}
