-- The importer's bookkeeping (analytics/ingest). import_batches (00_core.sql) holds one row per batch;
-- these tables hold what undo and the import history need beyond it.

-- Keys of the rows a batch added to a table without a batch_id column (reference lists, contests),
-- so that undoing the batch removes exactly those rows.
CREATE TABLE IF NOT EXISTS import_batch_keys (
    batch_id   VARCHAR NOT NULL,
    table_name VARCHAR NOT NULL,
    key_1      VARCHAR NOT NULL,
    key_2      VARCHAR,
    key_3      VARCHAR,
    key_4      VARCHAR
);

-- What the history shows besides import_batches: the sheet, rows skipped as already present, conflicts
-- left alone, and when the batch was undone.
CREATE TABLE IF NOT EXISTS import_batch_info (
    batch_id  VARCHAR PRIMARY KEY,
    sheet     VARCHAR,
    skipped   BIGINT NOT NULL DEFAULT 0,
    conflicts BIGINT NOT NULL DEFAULT 0,
    undone_at TIMESTAMP
);
