-- The inbox moved to a file of its own (InboxMigrations/0001_inbox.sql). A delivery's processing commits here and its
-- done mark in the inbox after it: between the two commits a crash, a lost lease or a refused write can leave the
-- delivery pending although its work is here. Its mark, written in the processing's own transaction, makes the next
-- attempt find that and only mark it done. Forgotten once the inbox's done mark is on disk (InboxRetention), looked at in order of this key.
-- The inbox's tables in this file are emptied into the inbox file and dropped when it is first opened
-- (SqliteDatabase.MoveInboxAsync), in code, since the copy must come first.
CREATE TABLE processed_deliveries (
    delivery_id  TEXT    PRIMARY KEY,
    processed_at INTEGER NOT NULL
) WITHOUT ROWID;
