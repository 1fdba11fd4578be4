-- Issue 21: the batch of due subscriptions the weekly poster has taken (see the PostgreSQL
-- migration of the same number). One process per SQLite file, so a lease here only keeps the
-- poster's own stream from reading a post it is already sending; a new run releases them.
ALTER TABLE subscriptions ADD COLUMN lease_owner INTEGER;
ALTER TABLE subscriptions ADD COLUMN lease_until TEXT;
