-- TikTok connections (Display API, read-only), per-video lifetime counts, and where each
-- snapshot's values came from.

-- A sync's snapshot is marked source = 'sync' in issue 13's provenance column (0007).

-- One TikTok account per user. Tokens are stored encrypted (Fernet), never in plain text.
CREATE TABLE tiktok_connections (
    user_id            INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    open_id            TEXT NOT NULL,
    display_name       TEXT NOT NULL DEFAULT '',
    scope              TEXT NOT NULL DEFAULT '',
    access_token       BLOB NOT NULL,
    access_expires_at  TEXT NOT NULL,
    refresh_token      BLOB NOT NULL,
    refresh_expires_at TEXT,
    status             TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'revoked')),
    notified           INTEGER NOT NULL DEFAULT 0,
    chat_platform      TEXT,
    chat_id            TEXT,
    connected_at       TEXT NOT NULL,
    last_sync_at       TEXT,
    likes_total        REAL,
    video_count        REAL
);
CREATE INDEX tiktok_connections_due ON tiktok_connections (status, last_sync_at);

-- An authorization in progress: the state sent to TikTok, bound to one user, with its PKCE
-- verifier (encrypted); used once, then deleted.
CREATE TABLE tiktok_auth_states (
    state         TEXT PRIMARY KEY,
    user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    verifier      BLOB NOT NULL,
    chat_platform TEXT,
    chat_id       TEXT,
    expires_at    TEXT NOT NULL
);

-- Issue 17's per-video table (0006) holds the synced videos too: one table, one set of store
-- methods. The Display API also gives the exact post time and the length; `source` says where
-- a row was last read from: 'import' (TikTok Studio's Content file) or 'sync'.
ALTER TABLE videos ADD COLUMN posted_at TEXT;
ALTER TABLE videos ADD COLUMN duration REAL;
ALTER TABLE videos ADD COLUMN source TEXT NOT NULL DEFAULT 'import';

-- Sum of every stored video's lifetime counts, one row per user and UTC day: the 30-day
-- totals are the growth between two of these rows.
CREATE TABLE video_totals (
    user_id  INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day      TEXT NOT NULL,
    views    REAL NOT NULL,
    likes    REAL NOT NULL,
    comments REAL NOT NULL,
    shares   REAL NOT NULL,
    PRIMARY KEY (user_id, day)
);
