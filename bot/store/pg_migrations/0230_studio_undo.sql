-- Issue 17 (as bot/store/migrations/0230_studio_undo.sql): a TikTok Studio import is one action that /undo takes back as a whole, even one
-- that wrote no snapshot (an audience file alone).
--
-- One row per TikTok Studio import. `action` is the same number as its snapshots' `action`
-- (actions are numbered over both tables). For /history and /undo's preview: `files` (what
-- was sent), how many videos it added and updated, which audience parts it replaced
-- (`audience`: comma-separated territories, genders, active hours) and over how many days it
-- wrote profile views or viewers (`daily_days`).
CREATE TABLE studio_imports (
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    action         BIGINT NOT NULL,
    imported_at    TEXT NOT NULL,
    files          TEXT NOT NULL,
    videos_added   INTEGER NOT NULL DEFAULT 0,
    videos_updated INTEGER NOT NULL DEFAULT 0,
    audience       TEXT NOT NULL DEFAULT '',
    daily_days     INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (user_id, action)
);

-- What a Studio import changed outside the snapshots, as it was before: one row per row of
-- videos, audience_shares, audience_activity or studio_daily the import wrote or replaced.
--   row_key   JSON of the row's key columns (user_id aside)
--   row_data  JSON of the whole row (user_id aside) before the import; NULL: the import added it
-- /undo deletes each such row and writes row_data back where there is one.
CREATE TABLE studio_before (
    user_id   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    action    BIGINT NOT NULL,
    tbl       TEXT NOT NULL
              CHECK (tbl IN ('videos', 'audience_shares', 'audience_activity', 'studio_daily')),
    row_key   TEXT NOT NULL,
    row_data  TEXT,
    PRIMARY KEY (user_id, action, tbl, row_key)
);
