-- Creator Advisor schema, version 1.
CREATE TABLE users (
    id               INTEGER PRIMARY KEY,
    platform         TEXT NOT NULL,
    platform_user_id TEXT NOT NULL,
    display_name     TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    UNIQUE (platform, platform_user_id)
);

-- One row per /log. Every metric column holds the full picture at that time (values not
-- typed are carried forward from the previous row); `given` lists the fields typed in it.
CREATE TABLE snapshots (
    id               INTEGER PRIMARY KEY,
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    taken_at         TEXT NOT NULL,
    followers        REAL,
    views            REAL,
    avg_views        REAL,
    likes            REAL,
    comments         REAL,
    shares           REAL,
    saves            REAL,
    videos_per_week  REAL,
    avg_watch_time   REAL,
    completion_rate  REAL,
    avg_video_length REAL,
    live_hours       REAL,
    live_viewers     REAL,
    diamonds         REAL,
    given            TEXT NOT NULL
);
CREATE INDEX snapshots_by_user_time ON snapshots (user_id, taken_at, id);

CREATE TABLE user_settings (
    user_id    INTEGER PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,
    currency   TEXT,
    timezone   TEXT,
    region     TEXT,
    adult      INTEGER,
    updated_at TEXT NOT NULL
);

-- Weekly posts (community tips in a chat, or a personal digest in a private chat).
CREATE TABLE subscriptions (
    id                 INTEGER PRIMARY KEY,
    platform           TEXT NOT NULL,
    chat_id            TEXT NOT NULL,
    chat_kind          TEXT NOT NULL,
    kind               TEXT NOT NULL CHECK (kind IN ('community', 'personal')),
    user_id            INTEGER REFERENCES users (id) ON DELETE CASCADE,
    created_by         INTEGER REFERENCES users (id) ON DELETE SET NULL,
    weekday            INTEGER NOT NULL,
    local_time         TEXT NOT NULL,
    timezone           TEXT NOT NULL,
    topics             TEXT NOT NULL DEFAULT '',
    active             INTEGER NOT NULL DEFAULT 1,
    deactivated_reason TEXT,
    next_run_at        TEXT,
    created_at         TEXT NOT NULL,
    UNIQUE (platform, chat_id, kind, user_id)
);

-- The outbox: one row per destination and week, written before sending.
CREATE TABLE posted_tips (
    id              INTEGER PRIMARY KEY,
    subscription_id INTEGER NOT NULL REFERENCES subscriptions (id) ON DELETE CASCADE,
    week_key        TEXT NOT NULL,
    rule_id         TEXT,
    status          TEXT NOT NULL,
    error           TEXT,
    created_at      TEXT NOT NULL,
    sent_at         TEXT,
    UNIQUE (subscription_id, week_key)
);
