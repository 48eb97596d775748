-- A PagerDuty incident raised by Alertmanager's own PagerDuty integration carries dedup_key = SHA-256(group key):
-- Alertmanager sources keep that hash in dedup_key, looked up when a page arrives. Sources added before this
-- migration have none (SQLite has no SHA-256 to fill them in): their groups link by raw group key or fingerprint only.
CREATE INDEX ix_incident_sources_dedup_key ON incident_sources (kind, dedup_key);
