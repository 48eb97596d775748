-- Deliveries that must stay in order (one Alertmanager group, one PagerDuty incident, one tracker's webhooks) share a
-- shard, set at ingest: a delivery that fails holds back the later ones of its shard until it is processed or
-- dead-lettered, and no other. Rows stored before this version are all in shard 0. The schema is the same as on
-- PostgreSQL, where replicas also process different shards side by side.
ALTER TABLE deliveries ADD COLUMN shard INTEGER NOT NULL DEFAULT 0;
