-- PostgreSQL twin of Sqlite/Migrations/0005_follow_up.sql: the same tables, columns and indexes. Every integer is BIGINT,
-- because Dapper maps rows to records by exact CLR type and SQLite's INTEGER reads as Int64; seq is an identity.
-- Follow-up: the week-4 review's outcome, overdue flags, status sync watermarks, digest sends,
-- and repeat incidents (a new incident like an earlier one whose follow-ups are still open).
ALTER TABLE postmortems ADD COLUMN reviewed_at BIGINT  NULL;
ALTER TABLE postmortems ADD COLUMN review TEXT NULL;

ALTER TABLE action_items ADD COLUMN done_at BIGINT  NULL;
ALTER TABLE action_items ADD COLUMN overdue_flagged_at BIGINT  NULL;
ALTER TABLE action_items ADD COLUMN overdue_flag_error TEXT NULL;
CREATE INDEX ix_action_items_incident ON action_items (incident_id);

ALTER TABLE incidents ADD COLUMN related_incident_id TEXT NULL;
CREATE INDEX ix_incidents_service_alertname ON incidents (service, alertname, seq);

-- Per tracker target: the newest change seen, in the tracker's clock (the next sync asks for changes since).
CREATE TABLE tracker_sync (
    tracker     TEXT    NOT NULL,
    target      TEXT    NOT NULL,
    synced_from BIGINT  NOT NULL,
    PRIMARY KEY (tracker, target)
);

-- One digest per owner per week (ISO week in the digest's time zone): a re-run sends only what failed.
CREATE TABLE digest_sends (
    owner      TEXT    NOT NULL,
    period     TEXT    NOT NULL,
    email      TEXT    NULL,
    items      BIGINT  NOT NULL,
    attempts   BIGINT  NOT NULL,
    sent_at    BIGINT  NULL,
    last_error TEXT    NULL,
    PRIMARY KEY (owner, period)
);
