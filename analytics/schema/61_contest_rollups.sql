-- The contest rankings as published (issue 11): every round's entries scored and ranked by all three
-- methods with the round's own weights and the default rule for torn sheets (partial = 'rescale'),
-- with their bootstrap rank intervals. The contest page, the showcase and the stage-vs-work comparison
-- read them instead of scoring 2,000 resampled panels on every view. They hold nothing the contest
-- tables do not: analytics.contest.store_rankings rebuilds them (from analytics.rollups.refresh, after
-- the demo build, every import and every undo), and they are read only while the fingerprint of the
-- contest tables and of the scoring code equals the one recorded here; otherwise the ranking is computed.
-- Names and labels are joined when a query runs.
CREATE TABLE IF NOT EXISTS rollup_contest_rankings (
    round_id                VARCHAR NOT NULL,
    entry_id                VARCHAR NOT NULL,
    entry_no                INTEGER,        -- the entry's number in its round (as analytics.contest labels it)
    entries_of_community    INTEGER,        -- entries of its community in the round (2 or more: labelled 1号, 2号)
    judges_scored           INTEGER NOT NULL,
    missing_scores          INTEGER NOT NULL,
    score_mean              DOUBLE,
    rank_mean               INTEGER,
    rank_low_mean           INTEGER,
    rank_high_mean          INTEGER,
    score_trimmed_mean      DOUBLE,
    rank_trimmed_mean       INTEGER,
    rank_low_trimmed_mean   INTEGER,
    rank_high_trimmed_mean  INTEGER,
    score_judge_standardised      DOUBLE,
    rank_judge_standardised       INTEGER,
    rank_low_judge_standardised   INTEGER,
    rank_high_judge_standardised  INTEGER
);
-- a database from before these two columns gets them (NULL until the next refresh, not read until then)
ALTER TABLE rollup_contest_rankings ADD COLUMN IF NOT EXISTS entry_no INTEGER;
ALTER TABLE rollup_contest_rankings ADD COLUMN IF NOT EXISTS entries_of_community INTEGER;

CREATE TABLE IF NOT EXISTS rollup_contest_state (
    id           INTEGER PRIMARY KEY,
    definition   VARCHAR NOT NULL,      -- "v" + analytics.contest.scoring.VERSION (the scoring code and its constants)
    contest      VARCHAR NOT NULL,      -- fingerprint of the contest tables the rankings were scored from
    refreshed_at TIMESTAMP
);
