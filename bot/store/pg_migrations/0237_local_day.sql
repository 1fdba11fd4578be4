-- A snapshot's day is the creator's, kept in a column of its own (see the SQLite migration of
-- the same number); filled as the UTC date, then the store works each other creator's days out
-- in their time zone in the same transaction.
ALTER TABLE snapshots ADD COLUMN day TEXT NOT NULL DEFAULT '';
UPDATE snapshots SET day = substr(taken_at, 1, 10);
DROP INDEX snapshots_by_user_day;
CREATE INDEX snapshots_by_user_day ON snapshots (user_id, day, action, id);
