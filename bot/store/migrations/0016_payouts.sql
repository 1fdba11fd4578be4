-- Numbered 0016 (issue 16), not the assigned 0005: main already holds 0006 and 0014, and the
-- runner applies only versions above a database's user_version, so a database already at 6
-- or 14 would skip a 0005 and never get these tables.
-- What creators actually earned (/payout): the evidence that narrows their estimate.
-- route: an estimator route key; amount in currency; views (Creator Rewards) and diamonds
-- (LIVE) are what the payout was for; month is YYYY-MM when given.
CREATE TABLE payouts (
    id          INTEGER PRIMARY KEY,
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    route       TEXT NOT NULL,
    amount      REAL NOT NULL CHECK (amount > 0),
    currency    TEXT NOT NULL,
    month       TEXT,
    views       REAL,
    diamonds    REAL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX payouts_by_user ON payouts (user_id, recorded_at, id);
-- The routes a creator says they already earn from (comma-separated route keys): only those
-- count in an estimate's "now".
ALTER TABLE user_settings ADD COLUMN does TEXT;
-- Age in years when the creator gives it (South Korea's routes need 19, not 18).
ALTER TABLE user_settings ADD COLUMN age INTEGER;
