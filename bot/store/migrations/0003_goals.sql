-- A creator's targets: one per metric (a metric name from bot.domain.metrics, or "income").
CREATE TABLE goals (
    user_id    INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    metric     TEXT NOT NULL,
    target     REAL NOT NULL,
    deadline   TEXT,
    created_at TEXT NOT NULL,
    PRIMARY KEY (user_id, metric)
);
