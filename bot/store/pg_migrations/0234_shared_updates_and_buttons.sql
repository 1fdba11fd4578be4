-- Issue 21, no per-process truth with several workers:
-- a Telegram button whose command line is longer than the 64 bytes of callback_data carries a
-- key into this table, so any worker can run it when it is pressed (owner: the person who may
-- press it, for /forget; data: the button in its short form, "e<owner>:<command line>").
CREATE TABLE long_buttons (
    platform   TEXT NOT NULL,
    key        TEXT NOT NULL,
    owner      TEXT,
    data       TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (platform, key)
);
CREATE INDEX long_buttons_expiry ON long_buttons (expires_at);
-- Updates already received (Telegram's update_id): a redelivered one (a webhook retry) is
-- recognised by whichever worker it reaches. Kept for a short while (see the store).
CREATE TABLE seen_updates (
    platform TEXT NOT NULL,
    event_id TEXT NOT NULL,
    seen_at  TEXT NOT NULL,
    PRIMARY KEY (platform, event_id)
);
CREATE INDEX seen_updates_age ON seen_updates (seen_at);
