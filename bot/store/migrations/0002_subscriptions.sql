-- One community subscription per chat and one personal digest per user and chat: SQLite treats
-- NULL user_id values as distinct in a UNIQUE constraint, so partial unique indexes say it.
CREATE UNIQUE INDEX subscriptions_one_community
    ON subscriptions (platform, chat_id) WHERE kind = 'community';
CREATE UNIQUE INDEX subscriptions_one_personal
    ON subscriptions (platform, chat_id, user_id) WHERE kind = 'personal';
CREATE INDEX subscriptions_due ON subscriptions (next_run_at) WHERE active = 1;
CREATE INDEX posted_tips_status ON posted_tips (status, created_at);
