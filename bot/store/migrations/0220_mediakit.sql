-- Issue 22: the media kit and the rate card.
-- The creator's public handle and niche, printed on their media kit (/settings handle=… niche=…).
ALTER TABLE user_settings ADD COLUMN handle TEXT;
ALTER TABLE user_settings ADD COLUMN niche TEXT;
-- Prices the creator pinned on their rate card (/ratecard video=450): one row per deliverable,
-- in the currency they were typed in.
CREATE TABLE rate_card (
    user_id     INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    deliverable TEXT NOT NULL,
    amount      REAL NOT NULL CHECK (amount > 0),
    currency    TEXT NOT NULL,
    set_at      TEXT NOT NULL,
    PRIMARY KEY (user_id, deliverable)
);
