-- When a row was written, the day an import put it on (and whether its time was written
-- without an offset) and the day of the import row that replaced a hidden one (see the SQLite migration of the same number); the store then works
-- out recorded_at for imported rows and every creator's days in the same transaction.
ALTER TABLE snapshots ADD COLUMN recorded_at TEXT;
ALTER TABLE snapshots ADD COLUMN import_day TEXT;
ALTER TABLE snapshots ADD COLUMN replaced_day TEXT;
ALTER TABLE snapshots ADD COLUMN wall BOOLEAN NOT NULL DEFAULT FALSE;
UPDATE snapshots SET recorded_at = taken_at WHERE source <> 'import';
UPDATE snapshots SET import_day = day WHERE source = 'import';
UPDATE snapshots SET replaced_day = day WHERE replaced_by IS NOT NULL;
