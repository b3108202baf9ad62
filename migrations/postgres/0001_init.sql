-- frontdesk schema (PostgreSQL). migrations/sqlite holds the same schema. Times are unix seconds, UTC.
-- No table holds a secret: incidents keep kind and rule only; questions keep text only of messages the guard passed.

CREATE TABLE processed_messages (
    chat_id    BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    edit_date  BIGINT NOT NULL,
    update_id  BIGINT NOT NULL,
    seen_at    BIGINT NOT NULL,
    PRIMARY KEY (chat_id, message_id, edit_date)
);
CREATE INDEX processed_messages_seen ON processed_messages (seen_at);

CREATE TABLE outbox (
    id                BIGSERIAL PRIMARY KEY,
    priority          BIGINT NOT NULL,
    chat_id           BIGINT NOT NULL,
    method            TEXT NOT NULL,
    payload           TEXT NOT NULL,
    dedupe_key        TEXT NOT NULL UNIQUE,
    status            TEXT NOT NULL DEFAULT 'pending',
    attempts          BIGINT NOT NULL DEFAULT 0,
    not_before        BIGINT NOT NULL,
    created_at        BIGINT NOT NULL,
    sent_at           BIGINT,
    result_message_id BIGINT,
    delete_after      BIGINT,
    error             TEXT
);
CREATE INDEX outbox_due ON outbox (status, priority, not_before);

CREATE TABLE questions (
    id         BIGSERIAL PRIMARY KEY,
    chat_id    BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    intent     TEXT,
    tier       BIGINT,
    language   TEXT NOT NULL,
    outcome    TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    text       TEXT NOT NULL
);
CREATE INDEX questions_chat_intent ON questions (chat_id, intent, created_at);
CREATE INDEX questions_created ON questions (created_at);

CREATE TABLE incidents (
    id         BIGSERIAL PRIMARY KEY,
    chat_id    BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    message_id BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    rule       TEXT NOT NULL,
    confidence TEXT NOT NULL,
    action     TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX incidents_created ON incidents (created_at);

CREATE TABLE members (
    user_id     BIGINT PRIMARY KEY,
    language    TEXT NOT NULL,
    started_at  BIGINT NOT NULL
);

CREATE TABLE cases (
    id                BIGSERIAL PRIMARY KEY,
    code              TEXT NOT NULL UNIQUE,
    user_id           BIGINT NOT NULL,
    origin_chat_id    BIGINT,
    origin_message_id BIGINT,
    origin_link       TEXT,
    tier              BIGINT NOT NULL,
    intent            TEXT NOT NULL,
    language          TEXT NOT NULL,
    status            TEXT NOT NULL,
    assignee          BIGINT,
    created_at        BIGINT NOT NULL,
    updated_at        BIGINT NOT NULL,
    resolved_at       BIGINT,
    conclusion        TEXT
);
CREATE INDEX cases_user ON cases (user_id, status);
CREATE INDEX cases_status ON cases (status, updated_at);

CREATE TABLE case_tokens (
    digest     TEXT PRIMARY KEY,
    case_id    BIGINT NOT NULL REFERENCES cases (id),
    user_id    BIGINT NOT NULL,
    expires_at BIGINT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE evidence (
    id         BIGSERIAL PRIMARY KEY,
    case_id    BIGINT NOT NULL REFERENCES cases (id),
    kind       TEXT NOT NULL,
    detail     TEXT,
    value      TEXT NOT NULL,
    message_id BIGINT,
    created_at BIGINT NOT NULL
);
CREATE INDEX evidence_case ON evidence (case_id);

CREATE TABLE case_events (
    id         BIGSERIAL PRIMARY KEY,
    case_id    BIGINT NOT NULL REFERENCES cases (id),
    actor_id   BIGINT NOT NULL,
    kind       TEXT NOT NULL,
    detail     TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX case_events_case ON case_events (case_id);

CREATE TABLE member_state (
    user_id      BIGINT PRIMARY KEY,
    open_case_id BIGINT REFERENCES cases (id),
    updated_at   BIGINT NOT NULL
);
