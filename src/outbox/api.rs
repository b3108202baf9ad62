//! A minimal Bot API client for the sender. teloxide's own client sleeps 10 s after any 5xx before returning, and
//! hides `retry_after` behind its own retry policy; the delete path needs both answers at once.

use std::time::Duration;

use serde_json::Value;

/// How a call failed, sorted by what the sender should do about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// 429: wait this many seconds, then try again.
    RetryAfter(u64),
    /// 5xx, timeouts, connection errors: try again with backoff.
    Transient(String),
    /// Any other refusal: record and stop.
    Permanent {
        /// Telegram's error code.
        code: i64,
        /// Telegram's description (never holds member text: the bot only sends its own words).
        description: String,
    },
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::RetryAfter(s) => write!(f, "429 retry after {s}s"),
            ApiError::Transient(e) => write!(f, "transient: {e}"),
            ApiError::Permanent { code, description } => write!(f, "{code}: {description}"),
        }
    }
}

/// Bot API endpoint and token.
#[derive(Clone)]
pub struct BotApi {
    client: reqwest::Client,
    base: url::Url,
    token: String,
}

impl std::fmt::Debug for BotApi {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("BotApi")
            .field("base", &self.base.as_str())
            .finish_non_exhaustive()
    }
}

impl BotApi {
    /// A client for `base` (e.g. `https://api.telegram.org/`).
    pub fn new(base: url::Url, token: String) -> Self {
        let client = reqwest::Client::builder()
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .build()
            .expect("HTTP client builds");
        BotApi {
            client,
            base,
            token,
        }
    }

    /// Calls a method with JSON parameters and returns its `result`.
    pub async fn call(&self, method: &str, params: &Value) -> Result<Value, ApiError> {
        let url = format!("{}bot{}/{}", self.base, self.token, method);
        // Never let the URL (it holds the token) into an error message.
        let resp = self
            .client
            .post(url)
            .json(params)
            .send()
            .await
            .map_err(|e| ApiError::Transient(e.without_url().to_string()))?;
        let status = resp.status();
        let body: Value = match resp.json().await {
            Ok(v) => v,
            Err(e) if status.is_server_error() || status.as_u16() == 429 => {
                return Err(ApiError::Transient(format!(
                    "HTTP {status}: {}",
                    e.without_url()
                )));
            }
            Err(e) => {
                return Err(ApiError::Transient(format!(
                    "HTTP {status}: unreadable answer: {}",
                    e.without_url()
                )));
            }
        };
        if body["ok"].as_bool() == Some(true) {
            return Ok(body["result"].clone());
        }
        let code = body["error_code"]
            .as_i64()
            .unwrap_or(status.as_u16() as i64);
        let description = body["description"].as_str().unwrap_or("").to_string();
        if code == 429 {
            let after = body["parameters"]["retry_after"].as_u64().unwrap_or(1);
            return Err(ApiError::RetryAfter(after.max(1)));
        }
        if code >= 500 {
            return Err(ApiError::Transient(format!("{code}: {description}")));
        }
        Err(ApiError::Permanent { code, description })
    }
}
