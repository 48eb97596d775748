-- A delivery's body is written once and read once, at processing; its inbox row changes at the claim and again at
-- completion. The bodies get a table of their own, keyed by the delivery's seq and written once (on SQLite, each
-- change of a row rewrote its whole record, body and all; here it keeps the updated rows small).
CREATE TABLE delivery_bodies (
    seq  BIGINT PRIMARY KEY,
    body BYTEA  NOT NULL
);
INSERT INTO delivery_bodies (seq, body) SELECT seq, body FROM deliveries;
ALTER TABLE deliveries DROP COLUMN body;

-- alert_events keeps what identifies an alert state (its unique key), so a repeat changes nothing. Its copies of the
-- labels and annotations were written for every alert and never read (incident_alerts has them, and the delivery's
-- body has them while it is kept), nor was this index.
DROP INDEX ix_alert_events_fingerprint;
ALTER TABLE alert_events DROP COLUMN labels, DROP COLUMN annotations;
