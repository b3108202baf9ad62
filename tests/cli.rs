//! The `frontdesk` binary as operators and scripts meet it: exit codes, one-line errors, JSON output, eval floors.

use std::path::Path;
use std::process::{Command, Output};

fn frontdesk(args: &[&str], dir: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(args)
        .current_dir(dir)
        .env_remove("TELOXIDE_TOKEN")
        .env_remove("FRONTDESK_DATABASE_URL")
        .output()
        .expect("binary runs")
}

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn check_passes_on_the_shipped_library() {
    let out = frontdesk(&["--config", "frontdesk.example.toml", "check"], root());
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok: replies"));
}

#[test]
fn a_broken_library_exits_2_naming_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("replies")).unwrap();
    std::fs::write(
        dir.path().join("replies/bad.toml"),
        "id = \"bad\"\ntier = 1\n[zh]\npatterns = [\"注册(\"]\nanswer = \"x\"\n[en]\npatterns = [\"register\"]\nanswer = \"y\"\n",
    )
    .unwrap();
    let out = frontdesk(&["check"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml:4:") && err.contains("does not compile"),
        "{err}"
    );
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
}

#[test]
fn a_config_typo_exits_2_and_run_without_token_names_the_variable() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("bot.toml"),
        "cooldown_secs = 5\nmoderatorz = [1]\n",
    )
    .unwrap();
    let out = frontdesk(&["--config", "bot.toml", "check"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bot.toml:2: key `moderatorz`"));
    let out = frontdesk(&["run"], dir.path());
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("TELOXIDE_TOKEN"));
}

#[test]
fn classify_prints_the_design_json_and_never_the_secret() {
    let out = frontdesk(
        &[
            "--config",
            "frontdesk.example.toml",
            "classify",
            "提币选哪个网络",
        ],
        root(),
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["action"], "answer");
    assert_eq!(v["tier"], 1);
    assert_eq!(v["intent"], "withdraw_network");
    assert_eq!(v["language"], "zh");
    let out = frontdesk(
        &[
            "--config",
            "frontdesk.example.toml",
            "classify",
            "验证码 384920",
        ],
        root(),
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["action"], "delete");
    assert_eq!(v["findings"][0]["kind"], "verification_code");
    assert!(!text.contains("384920"));
}

#[test]
fn classify_jsonl_answers_each_line_in_order() {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_frontdesk"))
        .args(["--config", "frontdesk.example.toml", "classify", "--jsonl"])
        .current_dir(root())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            b"{\"text\":\"gm\",\"label\":\"chatter\"}\n{\"text\":\"my account is frozen\"}\n",
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let lines: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["action"], "ignore");
    assert_eq!(
        (lines[1]["action"].as_str(), lines[1]["tier"].as_i64()),
        (Some("handoff"), Some(3))
    );
}

/// The floor issue 3 sets on the labeled corpus, through the whole pipeline: secret recall ≥ 0.99, chatter
/// deleted ≤ 0.5%.
#[test]
fn eval_holds_the_floor_on_the_guard_corpus() {
    let out = frontdesk(
        &[
            "--config",
            "frontdesk.example.toml",
            "eval",
            "tests/corpus/guard.jsonl",
            "--json",
        ],
        root(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let recall = v["labels"]["secret"]["recall"].as_f64().unwrap();
    let chatter_deleted = v["chatter_deleted"].as_f64().unwrap();
    assert!(recall >= 0.99, "secret recall {recall}");
    assert!(
        chatter_deleted <= 0.005,
        "chatter deleted {chatter_deleted}"
    );
    for kind in [
        "seed_phrase",
        "id_number",
        "mrz",
        "verification_code",
        "password",
        "private_key",
    ] {
        assert!(
            v["secret_kinds"][kind]["total"].as_u64().unwrap_or(0) > 0,
            "corpus covers {kind}"
        );
    }
}

/// The support corpus (`tests/corpus/support.jsonl`, 405 member messages) keeps the classifier honest: the library
/// was tuned on it, so these floors guard against regressions rather than measure generalisation.
#[test]
fn eval_holds_the_floor_on_the_support_corpus() {
    let out = frontdesk(
        &[
            "--config",
            "frontdesk.example.toml",
            "eval",
            "tests/corpus/support.jsonl",
            "--json",
        ],
        root(),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for (label, precision, recall) in [
        ("tier1", 0.97, 0.95),
        ("tier2", 0.95, 0.9),
        ("tier3", 0.95, 0.9),
        ("chatter", 0.9, 0.97),
    ] {
        let p = v["labels"][label]["precision"].as_f64().unwrap();
        let r = v["labels"][label]["recall"].as_f64().unwrap();
        assert!(
            p >= precision && r >= recall,
            "{label}: precision {p}, recall {r}"
        );
    }
    assert!(v["tier1_intent_accuracy"].as_f64().unwrap() >= 0.95);
    assert_eq!(v["confusion"]["chatter"]["secret"], 0, "no chatter deleted");
}
