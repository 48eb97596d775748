-- Incidents: what correlation draws from alerts and pages. Lookups are by index only
-- (group key, fingerprint, correlation hash, PagerDuty id), never a scan of open incidents.
CREATE TABLE incident_counters (
    year INTEGER PRIMARY KEY,
    last INTEGER NOT NULL
);

CREATE TABLE incidents (
    seq               INTEGER PRIMARY KEY,
    id                TEXT    NOT NULL UNIQUE,
    title             TEXT    NOT NULL,
    service           TEXT    NULL,
    alertname         TEXT    NULL,
    severity          INTEGER NOT NULL,
    status            TEXT    NOT NULL,
    started_at        INTEGER NOT NULL,
    acknowledged_at   INTEGER NULL,
    resolved_at       INTEGER NULL,
    status_changed_at INTEGER NOT NULL,
    last_activity_at  INTEGER NOT NULL,
    correlation_hash  TEXT    NULL,
    labels            TEXT    NOT NULL,
    created_at        INTEGER NOT NULL
);
CREATE INDEX ix_incidents_correlation ON incidents (correlation_hash, last_activity_at);
CREATE INDEX ix_incidents_status ON incidents (status, seq);
CREATE INDEX ix_incidents_service ON incidents (service, seq);
CREATE INDEX ix_incidents_started ON incidents (started_at);

-- Where an incident came from: Alertmanager group keys and PagerDuty incidents.
CREATE TABLE incident_sources (
    incident_id   TEXT    NOT NULL,
    kind          TEXT    NOT NULL,
    key           TEXT    NOT NULL,
    url           TEXT    NULL,
    dedup_key     TEXT    NULL,
    status        TEXT    NULL,
    status_at     INTEGER NULL,
    added_at      INTEGER NOT NULL,
    PRIMARY KEY (incident_id, kind, key)
);
CREATE INDEX ix_incident_sources_key ON incident_sources (kind, key);

CREATE TABLE incident_alerts (
    incident_id   TEXT    NOT NULL,
    fingerprint   TEXT    NOT NULL,
    group_key     TEXT    NOT NULL,
    status        TEXT    NOT NULL,
    starts_at     INTEGER NOT NULL,
    ends_at       INTEGER NULL,
    labels        TEXT    NOT NULL,
    annotations   TEXT    NOT NULL,
    generator_url TEXT    NULL,
    updated_at    INTEGER NOT NULL,
    PRIMARY KEY (incident_id, fingerprint)
);
CREATE INDEX ix_incident_alerts_fingerprint ON incident_alerts (fingerprint);
CREATE INDEX ix_incident_alerts_status ON incident_alerts (incident_id, status);

-- Append-only; dedup_key makes reprocessing add nothing twice.
CREATE TABLE incident_timeline (
    seq         INTEGER PRIMARY KEY,
    incident_id TEXT    NOT NULL,
    at          INTEGER NOT NULL,
    kind        TEXT    NOT NULL,
    message     TEXT    NOT NULL,
    actor       TEXT    NULL,
    dedup_key   TEXT    NOT NULL,
    UNIQUE (incident_id, dedup_key)
);
CREATE INDEX ix_incident_timeline_incident ON incident_timeline (incident_id, at, seq);
