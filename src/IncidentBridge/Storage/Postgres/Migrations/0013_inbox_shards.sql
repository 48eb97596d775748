-- Deliveries that must stay in order (one Alertmanager group, one PagerDuty incident, one tracker's webhooks) share a
-- shard, set at ingest: replicas process different shards side by side, each shard by one replica at a time, and a
-- delivery that fails holds back the later ones of its shard until it is processed or dead-lettered. Rows stored
-- before this version are all in shard 0, so they keep their order too.
ALTER TABLE deliveries ADD COLUMN shard BIGINT NOT NULL DEFAULT 0;
CREATE INDEX ix_deliveries_pending_shard ON deliveries (shard, seq) WHERE state = 'pending';
