-- As the SQLite migration 0017: where exactly a weekly post goes (the Telegram forum topic;
-- NULL is the chat itself), and a destination that refuses it for now (paused, still retried).
ALTER TABLE subscriptions ADD COLUMN thread_id TEXT;
ALTER TABLE subscriptions ADD COLUMN paused_reason TEXT;
ALTER TABLE subscriptions ADD COLUMN paused_at TEXT;
