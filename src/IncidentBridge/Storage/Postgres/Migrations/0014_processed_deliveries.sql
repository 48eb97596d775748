-- On SQLite the inbox moved to a file of its own, and a delivery's processing marks itself here, in its own
-- transaction, since its done mark in the inbox file commits after it. On PostgreSQL the inbox is in this database and
-- the done mark commits with the processing, so this table stays empty; it is made so that the schemas stay twins.
CREATE TABLE processed_deliveries (
    delivery_id  TEXT   PRIMARY KEY,
    processed_at BIGINT NOT NULL
);
