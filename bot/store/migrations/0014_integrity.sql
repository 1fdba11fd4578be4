-- foreign_keys: off
-- (The runner turns foreign keys off for this migration, runs it in one transaction, checks
-- PRAGMA foreign_key_check before committing, then turns them back on: dropping `users` with
-- foreign keys on would cascade-delete every snapshot.)
--
-- 1. A user id is never reused: AUTOINCREMENT keeps the highest id ever handed out, so a stale
--    id held by a racing command can never point at the next new user's account.
CREATE TABLE users_new (
    id               INTEGER PRIMARY KEY AUTOINCREMENT,
    platform         TEXT NOT NULL,
    platform_user_id TEXT NOT NULL,
    display_name     TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    UNIQUE (platform, platform_user_id)
);
INSERT INTO users_new (id, platform, platform_user_id, display_name, created_at)
    SELECT id, platform, platform_user_id, display_name, created_at FROM users ORDER BY id;
DROP TABLE users;
ALTER TABLE users_new RENAME TO users;

-- 2. The weekly outbox keys a post by its destination (platform, chat, kind and, for a personal
--    digest, the user), not by the subscription row: subscribing again (another time, or after
--    unsubscribing) makes a new row, and the week already posted must still count. Its rows
--    outlive the subscription (subscription_id set to NULL) and go with the user on /forget.
--    `attempted_at` is set right before the first send: a claim without it was never sent.
CREATE TABLE posted_tips_new (
    id              INTEGER PRIMARY KEY AUTOINCREMENT,
    subscription_id INTEGER REFERENCES subscriptions (id) ON DELETE SET NULL,
    user_id         INTEGER REFERENCES users (id) ON DELETE CASCADE,
    destination     TEXT,
    week_key        TEXT NOT NULL,
    rule_id         TEXT,
    status          TEXT NOT NULL,
    error           TEXT,
    created_at      TEXT NOT NULL,
    attempted_at    TEXT,
    sent_at         TEXT,
    UNIQUE (subscription_id, week_key)
);
INSERT INTO posted_tips_new (id, subscription_id, user_id, destination, week_key, rule_id,
                             status, error, created_at, attempted_at, sent_at)
    SELECT p.id, p.subscription_id, s.user_id,
           s.platform || ':' || s.chat_id || ':' || s.kind || ':' || coalesce(s.user_id, ''),
           p.week_key, p.rule_id, p.status, p.error, p.created_at,
           CASE WHEN p.status = 'sending' THEN p.created_at END, p.sent_at
    FROM posted_tips AS p LEFT JOIN subscriptions AS s ON s.id = p.subscription_id
    ORDER BY p.id;
DROP TABLE posted_tips;
ALTER TABLE posted_tips_new RENAME TO posted_tips;
CREATE UNIQUE INDEX posted_tips_one_a_week ON posted_tips (destination, week_key);
CREATE INDEX posted_tips_status ON posted_tips (status, created_at);
CREATE INDEX posted_tips_by_user ON posted_tips (user_id);
