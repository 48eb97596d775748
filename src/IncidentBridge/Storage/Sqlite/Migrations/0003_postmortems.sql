-- Postmortems (one per incident) and their action items. An action item row is also its own
-- outbox entry: sync_state 'pending' is work for the dispatcher, committed with the postmortem.
CREATE TABLE postmortems (
    seq          INTEGER PRIMARY KEY,
    id           TEXT    NOT NULL UNIQUE,
    incident_id  TEXT    NOT NULL UNIQUE,
    title        TEXT    NOT NULL,
    status       TEXT    NOT NULL,
    severity     TEXT    NULL,
    date         TEXT    NULL,
    published_at INTEGER NULL,
    format       TEXT    NOT NULL,
    document     TEXT    NOT NULL,
    body         TEXT    NOT NULL,
    created_at   INTEGER NOT NULL,
    updated_at   INTEGER NOT NULL
);
CREATE INDEX ix_postmortems_published ON postmortems (status, published_at);

CREATE TABLE action_items (
    seq             INTEGER PRIMARY KEY,
    id              TEXT    NOT NULL UNIQUE,
    postmortem_id   TEXT    NOT NULL,
    incident_id     TEXT    NOT NULL,
    item_key        TEXT    NOT NULL,
    position        INTEGER NOT NULL,
    marker          TEXT    NOT NULL UNIQUE,
    description     TEXT    NOT NULL,
    type            TEXT    NULL,
    owner           TEXT    NOT NULL,
    priority        TEXT    NOT NULL,
    due_date        TEXT    NULL,
    status          TEXT    NOT NULL,
    removed_at      INTEGER NULL,
    tracker         TEXT    NULL,
    tracker_target  TEXT    NULL,
    tracker_key     TEXT    NULL,
    tracker_url     TEXT    NULL,
    -- sync: held (postmortem not published), pending, synced, rejected (the tracker refused: retried later)
    sync_state      TEXT    NOT NULL,
    needs_update    INTEGER NOT NULL DEFAULT 0,
    -- 1 once a create has been sent without its answer recorded: the next attempt searches for the marker first
    uncertain       INTEGER NOT NULL DEFAULT 0,
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    lease_owner     TEXT    NULL,
    lease_until     INTEGER NULL,
    sync_error      TEXT    NULL,
    created_at      INTEGER NOT NULL,
    updated_at      INTEGER NOT NULL,
    UNIQUE (postmortem_id, item_key)
);
CREATE INDEX ix_action_items_due ON action_items (next_attempt_at, seq) WHERE sync_state IN ('pending', 'rejected');
CREATE INDEX ix_action_items_owner ON action_items (owner);
CREATE INDEX ix_action_items_status ON action_items (status, due_date);
CREATE INDEX ix_action_items_tracker ON action_items (tracker, tracker_key);
