-- The analysts' saved console queries (数据探索 · SQL 控制台) as earlier versions kept them. They live in the
-- shared store now (analytics/explore/saved.py), which moves these rows there when the app opens the file;
-- the table stays, empty, so that older databases keep their schema. Idempotent: runs on every read-write open.
CREATE TABLE IF NOT EXISTS saved_queries (
    name     VARCHAR PRIMARY KEY CHECK (length(trim(name)) BETWEEN 1 AND 60),
    sql      VARCHAR NOT NULL CHECK (length(trim(sql)) > 0),
    note     VARCHAR,
    saved_by VARCHAR,
    saved_at TIMESTAMP NOT NULL
);
-- Whose query it is (the account name), moved with the query: each user lists and changes only their own.
-- NULL for queries saved before accounts were recorded.
ALTER TABLE saved_queries ADD COLUMN IF NOT EXISTS owner VARCHAR;
