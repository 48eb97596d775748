-- The inbox: every webhook delivery, raw, committed before the sender gets its 2xx.
-- Times are Unix milliseconds (UTC) in both providers, so comparisons are plain integers.
CREATE TABLE deliveries (
    seq             INTEGER PRIMARY KEY,
    id              TEXT    NOT NULL UNIQUE,
    source          TEXT    NOT NULL,
    event_id        TEXT    NULL,
    webhook_id      TEXT    NULL,
    received_at     INTEGER NOT NULL,
    content_type    TEXT    NOT NULL,
    body            BLOB    NOT NULL,
    state           TEXT    NOT NULL DEFAULT 'pending',
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_owner     TEXT    NULL,
    lease_until     INTEGER NULL,
    last_error      TEXT    NULL,
    processed_at    INTEGER NULL
);

-- PagerDuty delivers at least once: its event id (and X-Webhook-Id) identify a retry.
CREATE UNIQUE INDEX ux_deliveries_event ON deliveries (source, event_id);
CREATE UNIQUE INDEX ux_deliveries_webhook ON deliveries (source, webhook_id);
CREATE INDEX ix_deliveries_pending ON deliveries (next_attempt_at, seq) WHERE state = 'pending';
CREATE INDEX ix_deliveries_state ON deliveries (state, seq);

-- Alerts as Alertmanager reported them. Repeat notifications (repeat_interval, retries) carry the
-- same group key, fingerprint, status and startsAt: the unique key makes them change nothing.
CREATE TABLE alert_events (
    seq           INTEGER PRIMARY KEY,
    delivery_id   TEXT    NOT NULL,
    receiver      TEXT    NOT NULL,
    group_key     TEXT    NOT NULL,
    fingerprint   TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NULL,
    labels        TEXT    NOT NULL,
    annotations   TEXT    NOT NULL,
    generator_url TEXT    NULL,
    received_at   INTEGER NOT NULL,
    UNIQUE (group_key, fingerprint, status, starts_at)
);
CREATE INDEX ix_alert_events_fingerprint ON alert_events (fingerprint);

-- PagerDuty V3 events, one per event id.
CREATE TABLE pagerduty_events (
    seq           INTEGER PRIMARY KEY,
    event_id      TEXT    NOT NULL UNIQUE,
    delivery_id   TEXT    NOT NULL,
    event_type    TEXT    NOT NULL,
    resource_type TEXT    NULL,
    occurred_at   INTEGER NOT NULL,
    incident_id   TEXT    NULL,
    incident_key  TEXT    NULL,
    agent         TEXT    NULL,
    data          TEXT    NULL,
    received_at   INTEGER NOT NULL
);
CREATE INDEX ix_pagerduty_events_incident ON pagerduty_events (incident_id, occurred_at);
