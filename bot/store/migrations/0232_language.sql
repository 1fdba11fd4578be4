-- Issue 20: languages. A creator's chosen language (/settings language=de; NULL: the platform's
-- locale decides), and the language of a chat's weekly post (/subscribe language=fr; NULL:
-- the language of whoever subscribed it at the time, kept in the row when it is made).
ALTER TABLE user_settings ADD COLUMN language TEXT;
ALTER TABLE subscriptions ADD COLUMN language TEXT;
