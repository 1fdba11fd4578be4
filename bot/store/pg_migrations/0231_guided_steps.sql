-- Issue 21: a guided step (a bare /log waiting for the numbers in the person's next message)
-- lives in the database, not in one process: with several workers, whichever receives that
-- next message knows it is the answer.
CREATE TABLE guided_steps (
    platform   TEXT NOT NULL,
    chat_id    TEXT NOT NULL,
    sender_id  TEXT NOT NULL,
    command    TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    PRIMARY KEY (platform, chat_id, sender_id)
);
