-- Within a creator's day and one action, a row dated by day alone (an imported date with no
-- time of day) comes after that action's rows with a time of day: it is the day's number as the
-- day ends. The order key carries it (day, action, dated, id), so it holds in any time zone,
-- not only in the order an import wrote its rows (after a /settings timezone change, a timed
-- row of the same import can move onto the dated row's day with a higher id). The index follows
-- the order, so the latest snapshot and a history with LIMIT stay read in index order.
DROP INDEX snapshots_by_user_day;
CREATE INDEX snapshots_by_user_day ON snapshots (user_id, day, action, dated, id);
