-- Lanes and order hashes are columns of the inbox's tables, which on SQLite are in the inbox's own file (its migration
-- 0002_lanes). This one keeps the numbering of PostgreSQL's migrations, where the inbox is in the main database.
SELECT 1;
