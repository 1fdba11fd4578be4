-- TikTok Studio downloads (/import): per-video lifetime numbers and the audience files.
-- Snapshots (30-day totals, followers) go to the snapshots table like any other import.

-- One row per video, keyed by the id in its link: a re-import updates the same video.
CREATE TABLE videos (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    video_id   TEXT NOT NULL,
    title      TEXT NOT NULL,
    link       TEXT NOT NULL,
    posted_on  TEXT,
    as_of      TEXT NOT NULL,
    views      REAL,
    likes      REAL,
    comments   REAL,
    shares     REAL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (user_id, video_id)
);

-- Shares of followers (0-1) by territory or gender; a new file replaces that dimension.
CREATE TABLE audience_shares (
    user_id   INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    dimension TEXT NOT NULL CHECK (dimension IN ('territory', 'gender')),
    label     TEXT NOT NULL,
    share     REAL NOT NULL,
    as_of     TEXT NOT NULL,
    PRIMARY KEY (user_id, dimension, label)
);

-- Active followers by day and hour of day (FollowerActivity); a new file replaces it.
CREATE TABLE audience_activity (
    user_id          INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day              TEXT NOT NULL,
    hour             INTEGER NOT NULL CHECK (hour BETWEEN 0 AND 23),
    active_followers REAL NOT NULL,
    PRIMARY KEY (user_id, day, hour)
);

-- Daily series the snapshot model has no column for (profile views, unique viewers).
CREATE TABLE studio_daily (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day     TEXT NOT NULL,
    series  TEXT NOT NULL,
    value   REAL NOT NULL,
    PRIMARY KEY (user_id, day, series)
);
