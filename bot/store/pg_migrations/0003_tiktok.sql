-- As the SQLite migration 0018: TikTok connections (tokens as ciphertext), authorizations in
-- progress, per-video fields a sync reads, and per-day video totals.
CREATE TABLE tiktok_connections (
    user_id            BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    open_id            TEXT NOT NULL,
    display_name       TEXT NOT NULL DEFAULT '',
    scope              TEXT NOT NULL DEFAULT '',
    access_token       BYTEA NOT NULL,
    access_expires_at  TEXT NOT NULL,
    refresh_token      BYTEA NOT NULL,
    refresh_expires_at TEXT,
    status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    notified           INTEGER NOT NULL DEFAULT 0,
    chat_platform      TEXT,
    chat_id            TEXT,
    connected_at       TEXT NOT NULL,
    last_sync_at       TEXT,
    likes_total        DOUBLE PRECISION,
    video_count        DOUBLE PRECISION
);
CREATE INDEX tiktok_connections_due ON tiktok_connections (status, last_sync_at);

CREATE TABLE tiktok_auth_states (
    state         TEXT PRIMARY KEY,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    verifier      BYTEA NOT NULL,
    chat_platform TEXT,
    chat_id       TEXT,
    expires_at    TEXT NOT NULL
);

ALTER TABLE videos ADD COLUMN posted_at TEXT;
ALTER TABLE videos ADD COLUMN duration DOUBLE PRECISION;
ALTER TABLE videos ADD COLUMN source TEXT NOT NULL DEFAULT 'import';

CREATE TABLE video_totals (
    user_id  BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day      TEXT NOT NULL,
    views    DOUBLE PRECISION NOT NULL,
    likes    DOUBLE PRECISION NOT NULL,
    comments DOUBLE PRECISION NOT NULL,
    shares   DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (user_id, day)
);
