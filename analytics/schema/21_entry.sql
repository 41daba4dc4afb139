-- 随手录入 (analytics/ingest/entry.py): each entry is an import batch of one row (import_batches), and this
-- table says who entered it and, for the close of an open matter, what was set and what it replaced, so
-- that undoing the batch reopens exactly that matter. Bookkeeping: leaders and administrators read it.
CREATE TABLE IF NOT EXISTS entry_batches (
    batch_id           VARCHAR   PRIMARY KEY,
    kind               VARCHAR   NOT NULL CHECK (kind IN ('grid_cases', 'seed_activities', 'case_closures')),
    record_id          VARCHAR   NOT NULL,   -- the case_id or activity_id entered or closed
    community_id       VARCHAR   NOT NULL,
    entered_by         VARCHAR   NOT NULL,
    entered_at         TIMESTAMP NOT NULL,
    closed_at          TIMESTAMP,            -- a close: what it set
    resolved_level     VARCHAR,
    satisfaction       INTEGER,
    prior_satisfaction INTEGER               -- a close: the score the open matter had before
);
