-- Issue 21, several workers sending one fan-out: a worker takes a batch of due subscriptions
-- by leasing them (lease_owner: the worker's key, whose session advisory lock it holds while it
-- runs; lease_until: when the lease lapses), so workers walk disjoint batches instead of every
-- worker meeting every due post. A lease whose owner is gone (killed) or that lapsed is free.
ALTER TABLE subscriptions ADD COLUMN lease_owner BIGINT;
ALTER TABLE subscriptions ADD COLUMN lease_until TEXT;
