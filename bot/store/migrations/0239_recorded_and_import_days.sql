-- Three facts a time zone change must not lose (see bot.domain.daily):
--   recorded_at   when the row was written (a /log's or a sync's own moment; an import's time).
--                 A row dated by day alone never counts on a day that had not begun when it
--                 was recorded, in the creator's zone (daily.counted_day): after a move from
--                 Tokyo to Los Angeles, today's imported row is no newer than a later /log.
--   import_day    an imported row's day as the import put it (its date, or the day of its time
--                 in the creator's zone then), never moved.
--   wall          an imported row whose time of day was written without an offset (the
--                 creator's wall time then): its import_day is the date its file wrote, which
--                 a later import of that date replaces in any zone (daily.replaced_on), so a
--                 file re-imported after a time zone change replaces what it wrote. Rows from
--                 before are not marked (their days follow the zone, as until now).
--   replaced_day  a hidden row's: the day of the import row that replaced it (that row's
--                 import_day), so /undo date= takes it with that row in any zone.
-- Filled here from the days as they stand (what the stores matched by until now); the store
-- then works out recorded_at for imported rows and every creator's days, in this migration's
-- transaction.
ALTER TABLE snapshots ADD COLUMN recorded_at TEXT;
ALTER TABLE snapshots ADD COLUMN import_day TEXT;
ALTER TABLE snapshots ADD COLUMN replaced_day TEXT;
ALTER TABLE snapshots ADD COLUMN wall INTEGER NOT NULL DEFAULT 0;
UPDATE snapshots SET recorded_at = taken_at WHERE source <> 'import';
UPDATE snapshots SET import_day = day WHERE source = 'import';
UPDATE snapshots SET replaced_day = day WHERE replaced_by IS NOT NULL;
