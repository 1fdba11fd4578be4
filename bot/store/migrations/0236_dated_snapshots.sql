-- A snapshot dated by day alone (an imported row with a date and no time of day: a CSV's
-- 2026-03-01, a TikTok Studio file's day) is marked so, instead of being recognized by its
-- stored time (noon UTC), which a row written with the time 12:00 UTC has too. Until now every
-- imported row at noon UTC was read as dated by day alone, so those stay so.
ALTER TABLE snapshots ADD COLUMN dated INTEGER NOT NULL DEFAULT 0;
UPDATE snapshots SET dated = 1
    WHERE source = 'import' AND substr(taken_at, 11) = 'T12:00:00+00:00';
