//! Builds and runs the whole bot from a [`Config`]. `main` and every end-to-end test call [`start`], so tests run
//! exactly what production runs.

use std::sync::Arc;

use crate::config::Config;
use crate::domain::Clock;

/// Everything the app needs from outside.
pub struct AppOptions {
    /// The checked configuration.
    pub config: Config,
    /// Bot token (`TELOXIDE_TOKEN`).
    pub token: String,
    /// Bot API base URL (`TELOXIDE_API_URL`), e.g. a local Bot API server or a test fake.
    pub api_url: Option<url::Url>,
    /// Time source.
    pub clock: Arc<dyn Clock>,
    /// Long-poll timeout passed to getUpdates, in seconds.
    pub poll_timeout_secs: u32,
}
