//! Update received → `deleteMessages` handed to HTTP, under load: the whole running bot (polling, guard, store,
//! outbox) against the fake Bot API of the end-to-end tests, fed 1,000 group messages a second, 30% secrets.
//!
//! The latency of a secret is measured from the moment the fake answered the `getUpdates` call that delivered it to
//! the moment the `deleteMessages` request naming it arrived (loopback HTTP both ways, no real network).
//! `cargo bench --bench delete_path` prints p50/p99/max and criterion's mean per secret; `FD_BENCH_DEBUG=1` also
//! prints the size of, and the gaps between, the `deleteMessages` calls (how the batching behaves).

#[path = "../tests/api/fake_bot.rs"]
mod fake_bot;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use criterion::{Criterion, criterion_group};
use serde_json::{Value, json};

use fake_bot::FakeBotApi;
use frontdesk::app::{AppOptions, RunningApp};
use frontdesk::config::Config;
use frontdesk::domain::SystemClock;

const GROUP: i64 = -1001234567890;

fn update(msg: i64, text: &str) -> Value {
    json!({"message": {
        "message_id": msg,
        "from": {"id": 10_000 + msg % 500, "is_bot": false, "first_name": "M", "language_code": "en"},
        "chat": {"id": GROUP, "type": "supergroup", "title": "Bench"},
        "date": SystemClock.now_secs(),
        "text": text
    }})
}

trait Now {
    fn now_secs(&self) -> i64;
}
impl Now for SystemClock {
    fn now_secs(&self) -> i64 {
        frontdesk::domain::Clock::now(self)
    }
}

async fn start(dir: &tempfile::TempDir) -> (FakeBotApi, RunningApp) {
    let fake = FakeBotApi::start().await;
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut config = Config::load(&root.join("frontdesk.example.toml")).unwrap();
    config.database_url = format!("sqlite://{}/bench.db", dir.path().display());
    config.replies_dir = root.join("replies");
    let app = frontdesk::app::start(AppOptions {
        config,
        token: "1:BENCH".into(),
        api_url: Some(fake.url()),
        clock: Arc::new(SystemClock),
        poll_timeout_secs: 1,
    })
    .await
    .unwrap();
    (fake, app)
}

/// Feeds `n` messages at 1,000/s starting at message id `first`; returns the latency of every secret.
async fn run_load(fake: &FakeBotApi, first: i64, n: i64) -> Vec<Duration> {
    let mut secrets = Vec::new();
    let mut tick = tokio::time::interval(Duration::from_millis(10));
    for chunk in 0..n / 10 {
        tick.tick().await;
        for j in 0..10 {
            let msg = first + chunk * 10 + j;
            let text = match msg % 10 {
                0..=2 => {
                    secrets.push(msg);
                    format!("my otp code is {}", 100_000 + msg % 900_000)
                }
                3 => "how do i register?".to_string(),
                _ => format!("gm everyone {msg}"),
            };
            fake.push_update(update(msg, &text));
        }
    }
    let want = secrets.len();
    fake.wait_for(
        |calls| {
            let ids: std::collections::HashSet<i64> = calls
                .iter()
                .filter(|c| c.method == "deletemessages")
                .flat_map(|c| c.message_ids())
                .collect();
            secrets.iter().filter(|s| ids.contains(s)).count() == want
        },
        Duration::from_secs(60),
    )
    .await
    .expect("every secret deleted");
    let calls = fake.calls();
    let mut delivered: HashMap<i64, Instant> = HashMap::new();
    let mut deleted: HashMap<i64, Instant> = HashMap::new();
    for c in &calls {
        if c.method == "getupdates"
            && let (Some(at), Some(resp)) = (c.answered_at, &c.response)
        {
            for u in resp["result"].as_array().into_iter().flatten() {
                if let Some(id) = u["message"]["message_id"].as_i64() {
                    delivered.entry(id).or_insert(at);
                }
            }
        }
        if c.method == "deletemessages" {
            for id in c.message_ids() {
                deleted.entry(id).or_insert(c.at);
            }
        }
    }
    if std::env::var("FD_BENCH_DEBUG").is_ok() {
        let d: Vec<&fake_bot::Call> = calls
            .iter()
            .filter(|c| c.method == "deletemessages")
            .collect();
        let sizes: Vec<usize> = d.iter().map(|c| c.message_ids().len()).collect();
        let errs = d.iter().filter(|c| !c.is_ok()).count();
        let gaps: Vec<u128> = d
            .windows(2)
            .map(|w| w[1].at.duration_since(w[0].at).as_millis())
            .collect();
        eprintln!(
            "delete calls {} (errors {errs}), sizes {:?} gaps {:?}",
            d.len(),
            &sizes[..sizes.len().min(40)],
            &gaps[..gaps.len().min(40)]
        );
    }
    secrets
        .iter()
        .map(|id| deleted[id].saturating_duration_since(delivered[id]))
        .collect()
}

fn bench(c: &mut Criterion) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let (fake, app) = rt.block_on(start(&dir));
    let mut next_id = 1i64;
    // One 3-second run at 1,000 messages/s for the distribution.
    let mut lat = rt.block_on(run_load(&fake, next_id, 3000));
    next_id += 3000;
    lat.sort();
    let pct = |p: usize| lat[(lat.len() * p / 100).min(lat.len() - 1)];
    println!(
        "\nupdate delivered → deleteMessages sent, {} secrets at 1,000 updates/s: p50 {:?}, p99 {:?}, max {:?}",
        lat.len(),
        pct(50),
        pct(99),
        lat[lat.len() - 1]
    );
    let mut g = c.benchmark_group("delete_path");
    g.sample_size(10);
    g.bench_function("per_secret_at_1000_updates_per_s", |b| {
        b.iter_custom(|iters| {
            // Each sample: 300 ms of load; the mean latency per secret, scaled to `iters`.
            let lat = rt.block_on(run_load(&fake, next_id, 300));
            next_id += 300;
            let mean = lat.iter().sum::<Duration>() / lat.len() as u32;
            mean * iters as u32
        })
    });
    g.finish();
    rt.block_on(app.shutdown());
}

criterion_group!(delete_path, bench);

fn main() {
    delete_path();
    Criterion::default().configure_from_args().final_summary();
}
