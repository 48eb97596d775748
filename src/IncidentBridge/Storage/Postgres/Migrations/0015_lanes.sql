-- Claims take the inbox lane by lane (docs/ARCHITECTURE.md, "Lanes"): a storm on one Alertmanager route does not hold
-- up the deliveries of another. Order is kept per order key, not per shard: each delivery carries its order key's hash,
-- and one is claimed only behind the pending deliveries of its key stored before it. Rows stored before this version
-- have no order hash (NULL) and lane 0: they keep the order of their shard, and a keyed delivery waits for those of its
-- shard too, so a group's deliveries stay in order across the upgrade.
ALTER TABLE deliveries ADD COLUMN order_hash BIGINT NULL;
ALTER TABLE deliveries ADD COLUMN lane BIGINT NOT NULL DEFAULT 0;
-- It found the shards a retry held back; a waiting delivery now holds back its key through ix_deliveries_order.
DROP INDEX ix_deliveries_pending;
-- Covering what a claim reads of a lane's oldest (ClaimDueAsync): without it, on a young table whose statistics say
-- most rows are pending, PostgreSQL walked the primary key from the first delivery ever stored.
CREATE INDEX ix_deliveries_lane ON deliveries (lane, seq) INCLUDE (next_attempt_at, lease_until, order_hash, shard) WHERE state = 'pending';
CREATE INDEX ix_deliveries_order ON deliveries (order_hash, seq) WHERE state = 'pending';
CREATE INDEX ix_deliveries_unhashed ON deliveries (shard, seq) WHERE state = 'pending' AND order_hash IS NULL;
-- Replicas no longer choose shards to claim: a leased delivery holds back only its key.
DROP INDEX ix_deliveries_pending_shard;
