-- An incident's latest alerts, and the pages after them, read by index (keyset on startsAt, fingerprint): the
-- detail of an incident with 100,000 alerts reads 50 rows, not 100,000 sorted.
CREATE INDEX ix_incident_alerts_starts ON incident_alerts (incident_id, starts_at, fingerprint);

-- Retention (Inbox:RetentionDays) deletes processed deliveries oldest first, a batch at a time: by index, so each
-- batch reads only the rows it deletes.
CREATE INDEX ix_deliveries_processed ON deliveries (processed_at) WHERE state = 'done';
