-- Follow-up: the week-4 review's outcome, overdue flags, status sync watermarks, digest sends,
-- and repeat incidents (a new incident like an earlier one whose follow-ups are still open).
ALTER TABLE postmortems ADD COLUMN reviewed_at INTEGER NULL;
ALTER TABLE postmortems ADD COLUMN review TEXT NULL;

ALTER TABLE action_items ADD COLUMN done_at INTEGER NULL;
ALTER TABLE action_items ADD COLUMN overdue_flagged_at INTEGER NULL;
ALTER TABLE action_items ADD COLUMN overdue_flag_error TEXT NULL;
CREATE INDEX ix_action_items_incident ON action_items (incident_id);

ALTER TABLE incidents ADD COLUMN related_incident_id TEXT NULL;
CREATE INDEX ix_incidents_service_alertname ON incidents (service, alertname, seq);

-- Per tracker target: the newest change seen, in the tracker's clock (the next sync asks for changes since).
CREATE TABLE tracker_sync (
    tracker     TEXT    NOT NULL,
    target      TEXT    NOT NULL,
    synced_from INTEGER NOT NULL,
    PRIMARY KEY (tracker, target)
);

-- One digest per owner per week (ISO week in the digest's time zone): a re-run sends only what failed.
CREATE TABLE digest_sends (
    owner      TEXT    NOT NULL,
    period     TEXT    NOT NULL,
    email      TEXT    NULL,
    items      INTEGER NOT NULL,
    attempts   INTEGER NOT NULL,
    sent_at    INTEGER NULL,
    last_error TEXT    NULL,
    PRIMARY KEY (owner, period)
);
