-- A snapshot dated by day alone is marked so (see the SQLite migration of the same number):
-- the imported rows stored at noon UTC, each read as dated by day alone until now, stay so.
ALTER TABLE snapshots ADD COLUMN dated BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE snapshots SET dated = TRUE
    WHERE source = 'import' AND substr(taken_at, 11) = 'T12:00:00+00:00';
