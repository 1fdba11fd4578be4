-- Issue 20 (as bot/store/migrations/0232_language.sql): a creator's chosen language and the
-- language of each weekly post.
ALTER TABLE user_settings ADD COLUMN language TEXT;
ALTER TABLE subscriptions ADD COLUMN language TEXT;
