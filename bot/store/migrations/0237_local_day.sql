-- A snapshot's day is the creator's (daily.snapshot_day in their /settings time zone), kept in
-- a column of its own: the user's snapshots are ordered by it, then by action and id (the latest,
-- the row a /log merges into, what carries forward, /history, /undo, thinning). It was the UTC
-- date of taken_at, which put a morning /log in Tokyo on the day before. Filled here as that
-- UTC date (right for creators in UTC and for rows dated by day alone); the store then works
-- each other creator's days out in their time zone, in this migration's transaction.
ALTER TABLE snapshots ADD COLUMN day TEXT NOT NULL DEFAULT '';
UPDATE snapshots SET day = substr(taken_at, 1, 10);
DROP INDEX snapshots_by_user_day;
CREATE INDEX snapshots_by_user_day ON snapshots (user_id, day, action, id);
