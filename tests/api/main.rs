//! End-to-end tests: one integration test binary (`cargo test --test api`), a module per capability.
//! Each test runs the real app against [`fake_bot::FakeBotApi`] (a fake Telegram Bot API server over HTTP) with a
//! fresh database ([`helpers::TestDb`]). Incoming updates come from [`fixtures`] (JSON templates in
//! `tests/fixtures/`).

mod cases;
mod fake_bot;
mod fake_bot_selftest;
mod fixtures;
mod guard;
mod helpers;
mod outbox;
mod tier_one;
