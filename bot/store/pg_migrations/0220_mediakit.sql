-- Issue 22 (as bot/store/migrations/0220_mediakit.sql): handle and niche for the media kit, and
-- the prices a creator pinned on their rate card.
ALTER TABLE user_settings ADD COLUMN handle TEXT;
ALTER TABLE user_settings ADD COLUMN niche TEXT;
CREATE TABLE rate_card (
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    deliverable TEXT NOT NULL,
    amount      DOUBLE PRECISION NOT NULL CHECK (amount > 0),
    currency    TEXT NOT NULL,
    set_at      TEXT NOT NULL,
    PRIMARY KEY (user_id, deliverable)
);
