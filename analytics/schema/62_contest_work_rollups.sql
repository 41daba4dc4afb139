-- The operational record beside each contest entry (issue 11): for every round, what the entry's
-- community did in the twelve months before the round (analytics.contest_work: seed activities and
-- participants held, closed cases, those settled in the grid, mean satisfaction). The window is fixed by
-- the round's date, so the record is computed once per refresh (analytics.contest_work.store_record, run
-- by analytics.rollups.refresh in the same transaction as the rollups) instead of on every view of the
-- contest page. It is read only while the rollups are current (the fact tables are as they were at that
-- refresh), the stored contest rankings are current (the entries and the rounds' dates are unchanged) and
-- the record's definition is the one recorded here; otherwise the record is computed. Residents (for the
-- rates per 1,000) and names are joined when a query runs.
CREATE TABLE IF NOT EXISTS rollup_contest_work (
    round_id         VARCHAR NOT NULL,
    entry_id         VARCHAR NOT NULL,
    community_id     VARCHAR NOT NULL,
    window_start     DATE    NOT NULL,
    window_end       DATE    NOT NULL,
    activities       BIGINT  NOT NULL,
    participants     BIGINT  NOT NULL,
    closed_cases     BIGINT  NOT NULL,
    settled_in_grid  BIGINT,
    satisfaction     DOUBLE
);

CREATE TABLE IF NOT EXISTS rollup_contest_work_state (
    id           INTEGER PRIMARY KEY,
    definition   VARCHAR NOT NULL,      -- "v" + analytics.contest.work.VERSION (the record's SQL and its window)
    refreshed_at TIMESTAMP
);
