-- The inbox's own file (docs/ARCHITECTURE.md, Storage): every webhook delivery, raw, committed before the sender gets
-- its 2xx, and its state of processing. Kept apart from the main file so that storing a webhook and processing the inbox
-- take different write locks. The tables are those the main file had up to its migration 0013; a file from before
-- this version has its deliveries moved here when it is first opened (SqliteDatabase.MoveInboxAsync).
-- Times are Unix milliseconds (UTC).
CREATE TABLE deliveries (
    seq             INTEGER PRIMARY KEY,
    id              TEXT    NOT NULL UNIQUE,
    source          TEXT    NOT NULL,
    event_id        TEXT    NULL,
    webhook_id      TEXT    NULL,
    received_at     INTEGER NOT NULL,
    content_type    TEXT    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_owner     TEXT    NULL,
    lease_until     INTEGER NULL,
    last_error      TEXT    NULL,
    processed_at    INTEGER NULL,
    -- A GitHub delivery's kind is in a header (X-GitHub-Event), not in its body: kept beside the body.
    event_type      TEXT    NULL,
    -- Deliveries that must stay in order (one Alertmanager group, one PagerDuty incident, one tracker's webhooks)
    -- share a shard, set at ingest.
    shard           INTEGER NOT NULL DEFAULT 0
);

-- PagerDuty delivers at least once: its event id (and X-Webhook-Id) identify a retry.
CREATE UNIQUE INDEX ux_deliveries_event ON deliveries (source, event_id);
CREATE UNIQUE INDEX ux_deliveries_webhook ON deliveries (source, webhook_id);
CREATE INDEX ix_deliveries_pending ON deliveries (next_attempt_at, seq) WHERE state = 'pending';
CREATE INDEX ix_deliveries_state ON deliveries (state, seq);
-- Retention deletes processed deliveries oldest first, a batch at a time, by this index.
CREATE INDEX ix_deliveries_processed ON deliveries (processed_at) WHERE state = 'done';

-- A body is written once and read once, at processing; the delivery's row changes at the claim and at completion.
CREATE TABLE delivery_bodies (
    seq  INTEGER PRIMARY KEY,
    body BLOB    NOT NULL
);
