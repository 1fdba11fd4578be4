-- Where each snapshot came from, so a creator can see (/history) and correct (/undo) it.
--   source      'log' (typed with /log) or 'import' (a row of an imported file)
--   action      the user's action that wrote it: one number per /log and per import, rising;
--               /undo removes the rows of the highest one
--   replaced_by the action that replaced this imported row (the same date imported again);
--               such rows are hidden, and come back if that action is undone
-- Rows stored before this version get one action each, in the order they were written.
ALTER TABLE snapshots ADD COLUMN source TEXT NOT NULL DEFAULT 'log';
ALTER TABLE snapshots ADD COLUMN action INTEGER NOT NULL DEFAULT 0;
ALTER TABLE snapshots ADD COLUMN replaced_by INTEGER;
UPDATE snapshots SET action = id;
-- The order of a user's snapshots: by day, then by action (a newer action wins within a day).
CREATE INDEX snapshots_by_user_day ON snapshots (user_id, substr(taken_at, 1, 10), action, id)
    WHERE replaced_by IS NULL;
