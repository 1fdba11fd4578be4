-- Where exactly a weekly post goes, and a destination that refuses it for now.
-- thread_id: the Telegram forum topic (message_thread_id) the subscription was made in; NULL is
-- the chat itself (General in a forum).
ALTER TABLE subscriptions ADD COLUMN thread_id TEXT;
-- A destination that refused the last post for a reason that can be fixed (a closed topic, a
-- missing permission): the subscription stays on, is retried every week, shows the reason in
-- /subscriptions, and resumes by itself after the next post that goes through.
ALTER TABLE subscriptions ADD COLUMN paused_reason TEXT;
ALTER TABLE subscriptions ADD COLUMN paused_at TEXT;
