-- The analysts' saved console queries (数据探索 · SQL 控制台). Idempotent: runs on every read-write open.
CREATE TABLE IF NOT EXISTS saved_queries (
    name     VARCHAR PRIMARY KEY CHECK (length(trim(name)) BETWEEN 1 AND 60),
    sql      VARCHAR NOT NULL CHECK (length(trim(sql)) > 0),
    note     VARCHAR,
    saved_by VARCHAR,
    saved_at TIMESTAMP NOT NULL
);
