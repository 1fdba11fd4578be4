-- Within a creator's day and one action, a row dated by day alone comes after that action's
-- rows with a time of day, in any time zone (see the SQLite migration of the same number): the
-- order is (day, action, dated, id), and the index follows it.
DROP INDEX snapshots_by_user_day;
CREATE INDEX snapshots_by_user_day ON snapshots (user_id, day, action, dated, id);
