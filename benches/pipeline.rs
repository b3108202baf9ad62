//! Per-message cost of the hot path (normalize → guard → classify) on a realistic mixed zh/en corpus, with the
//! shipped library and with a generated 300-pattern library; plus library load + compile time.
//!
//! `cargo bench --bench pipeline` prints criterion's figures, then a per-message latency distribution
//! (p50/p99 over every message of the corpus) and the resident memory after loading the 300-pattern library.

use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::Instant;

use criterion::{Criterion, criterion_group};
use frontdesk::classify;
use frontdesk::config::Config;
use frontdesk::domain::Language;
use frontdesk::library::Library;
use frontdesk::text;

/// About 2,400 messages of the kinds a support group sees: questions, problems, chatter, a few secrets.
fn corpus() -> Vec<String> {
    let questions = [
        "注册链接在哪里",
        "kyc要什么材料",
        "奖励什么时候发",
        "提币选哪个网络",
        "手续费在哪看",
        "哪些地区不能注册",
        "活动页面在哪",
        "风险提示在哪里看",
        "how do i register",
        "where is the activity page",
        "wen rewards",
        "which network for usdt withdraw",
        "where can i see the fees",
        "is my country restricted",
        "kyc documents needed?",
        "註冊連結在哪裡",
        "提幣網絡選哪個",
        "reg link pls",
        "有人知道活动规则吗",
        "手续费怎么算的",
    ];
    let problems = [
        "我的奖励还没到账",
        "kyc被拒了怎么办",
        "充值三个小时了还没到",
        "my deposit is still pending after 2 hours",
        "账户被冻结了",
        "my account got frozen",
        "资金少了一半",
        "订单状态一直是处理中",
        "我要投诉",
        "群里说保本稳赚结果亏了",
        "my withdrawal has been stuck for a day",
        "风控审核要多久",
    ];
    let chatter = [
        "gm",
        "冲冲冲",
        "今天行情不错",
        "谢谢管理员",
        "btc to the moon",
        "有人一起玩合约吗",
        "早上好各位",
        "lol",
        "这波涨得好猛",
        "thanks a lot!",
        "刚吃完饭",
        "nice pump today",
        "哈哈哈哈",
        "ok",
        "收到",
        "我也是这样",
        "明天见",
        "eth looks strong",
        "周末愉快",
        "this group is great",
        "KYC 终于过了",
        "fees are crazy lol",
        "tx: 0x5c504ed432cb51138bcf09aa5e8a410dd4a1e204ef84bfed1be16dfba1b22060 已经确认了",
        "订单号 2024112612345678 已经提交",
        "price is 67000 now",
        "我的地址 TXYZabc123 收到了",
    ];
    let secrets = [
        "我的助记词 abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon abandon about",
        "验证码 384920 帮我看下",
        "密码是 Hunter2024!",
        "身份证 11010519491231002X",
    ];
    let mut out = Vec::new();
    for i in 0..2400usize {
        let pick = i % 20;
        let s = if pick < 7 {
            questions[i % questions.len()]
        } else if pick < 10 {
            problems[i % problems.len()]
        } else if pick < 19 {
            chatter[i % chatter.len()]
        } else {
            secrets[i % secrets.len()]
        };
        // Vary the text a little so caches see distinct strings.
        out.push(if i % 3 == 0 {
            format!("{s} {}", i % 97)
        } else {
            s.to_string()
        });
    }
    out
}

fn shipped() -> Library {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = Config::load(&root.join("frontdesk.example.toml")).expect("example config");
    Library::load(&root.join("replies"), &config.link_names()).expect("shipped library")
}

/// A library of 300 patterns: 30 topics × 5 patterns per language, shaped like real ones.
fn generated_sources() -> Vec<(PathBuf, String)> {
    let mut sources = Vec::new();
    for t in 0..30 {
        let zh: Vec<String> = (0..5)
            .map(|p| format!("\"话题{t}关键{p}.{{0,6}}(怎么|在哪|多久)\""))
            .collect();
        let en: Vec<String> = (0..5)
            .map(|p| format!("\"(?-u:\\\\b)topic{t}word{p}(?-u:\\\\b).{{0,20}}(how|where|when)\""))
            .collect();
        let text = format!(
            "id = \"topic_{t}\"\ntier = 1\n[zh]\npatterns = [{}]\nanswer = \"答案 {t}\"\n[en]\npatterns = [{}]\nanswer = \"answer {t}\"\n",
            zh.join(", "),
            en.join(", ")
        );
        sources.push((PathBuf::from(format!("topic_{t}.toml")), text));
    }
    sources
}

fn percentiles(lib: &Library, msgs: &[String]) -> (f64, f64) {
    let mut times = Vec::with_capacity(msgs.len() * 5);
    for _ in 0..5 {
        for m in msgs {
            let t = Instant::now();
            black_box(classify::decide(lib, black_box(m), Language::Zh));
            times.push(t.elapsed().as_nanos() as f64 / 1000.0);
        }
    }
    times.sort_by(|a, b| a.partial_cmp(b).unwrap());
    (times[times.len() / 2], times[times.len() * 99 / 100])
}

fn rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

fn benches(c: &mut Criterion) {
    let msgs = corpus();
    let lib = shipped();
    let big = Library::from_sources(&generated_sources(), &[]).expect("generated library");
    assert_eq!(big.pattern_count(), 300);
    classify::warm_up();

    let mut g = c.benchmark_group("pipeline");
    g.throughput(criterion::Throughput::Elements(msgs.len() as u64));
    g.bench_function("normalize/corpus", |b| {
        let mut buf = String::new();
        b.iter(|| {
            for m in &msgs {
                text::normalize_into(black_box(m), &mut buf);
            }
        })
    });
    g.bench_function("guard/corpus", |b| {
        let normalized: Vec<String> = msgs.iter().map(|m| text::normalize(m)).collect();
        b.iter(|| {
            for (m, n) in msgs.iter().zip(&normalized) {
                black_box(frontdesk::guard::scan_message(m, n));
            }
        })
    });
    g.bench_function("decide/shipped_library", |b| {
        b.iter(|| {
            for m in &msgs {
                black_box(classify::decide(&lib, black_box(m), Language::Zh));
            }
        })
    });
    g.bench_function("decide/300_patterns", |b| {
        b.iter(|| {
            for m in &msgs {
                black_box(classify::decide(&big, black_box(m), Language::Zh));
            }
        })
    });
    g.finish();
    c.bench_function("startup/load_shipped_library", |b| b.iter(shipped));
    let sources = generated_sources();
    c.bench_function("startup/compile_300_patterns", |b| {
        b.iter(|| Library::from_sources(black_box(&sources), &[]).unwrap())
    });

    let (p50, p99) = percentiles(&lib, &msgs);
    let (b50, b99) = percentiles(&big, &msgs);
    println!(
        "\nper message, whole pipeline ({} messages × 5):",
        msgs.len()
    );
    println!("  shipped library : p50 {p50:.2} µs, p99 {p99:.2} µs");
    println!("  300 patterns    : p50 {b50:.2} µs, p99 {b99:.2} µs");
    if let Some(kib) = rss_kib() {
        println!(
            "  resident memory with both libraries loaded: {:.1} MiB",
            kib as f64 / 1024.0
        );
    }
}

criterion_group!(pipeline, benches);

fn main() {
    pipeline();
    Criterion::default().configure_from_args().final_summary();
}
