-- Rollups (issue 11, city scale): the fact tables summed per day and per month, so that every page answers from a few
-- hundred thousand rows instead of ten million. They hold nothing the fact tables do not: they are
-- rebuilt from them by analytics.rollups.refresh(con) (after the demo build, every import and every
-- undo) and can be dropped and rebuilt at any time. Keys are the fact tables' own columns, and each
-- community's 街镇 (town_code: a town's pages compare it in the scan instead of joining every row with
-- the town's communities; reference lists change only by import, which makes the rollups stale until
-- the refresh that follows); names, colours and grids are joined at query time. No primary keys: refresh replaces every row in one transaction, and the tests check
-- that the keys are unique.

-- grid_cases per day reported × community × category × level (resolved_level, or 'open') × urgent.
CREATE TABLE IF NOT EXISTS rollup_cases (
    day              DATE    NOT NULL,
    community_id     VARCHAR NOT NULL,
    town_code        VARCHAR,          -- its 街镇 (grids.town_code), NULL for a community not in the lists
    category         VARCHAR NOT NULL,
    level            VARCHAR NOT NULL,
    urgent           BOOLEAN NOT NULL,
    cases            BIGINT  NOT NULL,
    surveyed         BIGINT  NOT NULL,   -- cases with a satisfaction score
    satisfaction_sum BIGINT  NOT NULL,   -- sum of those scores
    satisfied        BIGINT  NOT NULL,   -- score >= 4
    unsatisfied      BIGINT  NOT NULL,   -- score <= 2
    hours_to_close   DOUBLE,             -- sum of (closed_at - reported_at) in hours; NULL for open cases
    minutes_to_close BIGINT              -- sum of date_diff('minute', reported_at, closed_at); NULL for open
);

-- seed_activities per day held × community × service item × partner (NULL: no partner took part).
CREATE TABLE IF NOT EXISTS rollup_activities (
    day             DATE    NOT NULL,
    community_id    VARCHAR NOT NULL,
    town_code       VARCHAR,          -- its 街镇 (grids.town_code), NULL for a community not in the lists
    item_id         VARCHAR NOT NULL,
    partner_id      VARCHAR,
    activities      BIGINT  NOT NULL,
    participants    BIGINT  NOT NULL,
    volunteers      BIGINT  NOT NULL,
    volunteer_hours DOUBLE  NOT NULL
);

-- The same per month (month = its first day): what a period's whole months read (rollups.source).
CREATE TABLE IF NOT EXISTS rollup_cases_monthly (
    month            DATE    NOT NULL,
    community_id     VARCHAR NOT NULL,
    town_code        VARCHAR,          -- its 街镇 (grids.town_code), NULL for a community not in the lists
    category         VARCHAR NOT NULL,
    level            VARCHAR NOT NULL,
    urgent           BOOLEAN NOT NULL,
    cases            BIGINT  NOT NULL,
    surveyed         BIGINT  NOT NULL,
    satisfaction_sum BIGINT  NOT NULL,
    satisfied        BIGINT  NOT NULL,
    unsatisfied      BIGINT  NOT NULL,
    hours_to_close   DOUBLE,
    minutes_to_close BIGINT
);

CREATE TABLE IF NOT EXISTS rollup_activities_monthly (
    month           DATE    NOT NULL,
    community_id    VARCHAR NOT NULL,
    town_code       VARCHAR,          -- its 街镇 (grids.town_code), NULL for a community not in the lists
    item_id         VARCHAR NOT NULL,
    partner_id      VARCHAR,
    activities      BIGINT  NOT NULL,
    participants    BIGINT  NOT NULL,
    volunteers      BIGINT  NOT NULL,
    volunteer_hours DOUBLE  NOT NULL
);

-- The cases still open (no closed_at): the backlog and its oldest cases, without scanning every case.
CREATE TABLE IF NOT EXISTS rollup_open_cases (
    case_id      VARCHAR   NOT NULL,
    community_id VARCHAR   NOT NULL,
    town_code    VARCHAR,            -- its 街镇 (grids.town_code), NULL for a community not in the lists
    category     VARCHAR   NOT NULL,
    urgent       BOOLEAN   NOT NULL,
    reported_at  TIMESTAMP NOT NULL
);

-- The closed cases' time to close (hours, as analytics.cases computes it) and its bucket (eight per
-- doubling, analytics.rollups.BUCKET_SQL), one row per closed case sorted by bucket and day; and the
-- buckets counted per month. Exact percentiles read the counts to find the bucket that holds the wanted
-- rank, then only that bucket's durations (analytics.percentiles).
CREATE TABLE IF NOT EXISTS rollup_case_hours (
    day          DATE     NOT NULL,
    community_id VARCHAR  NOT NULL,
    town_code    VARCHAR,           -- its 街镇 (grids.town_code), NULL for a community not in the lists
    category     VARCHAR  NOT NULL,
    level        VARCHAR  NOT NULL,
    urgent       BOOLEAN  NOT NULL,
    hours        DOUBLE   NOT NULL,
    bucket       SMALLINT NOT NULL
);

CREATE TABLE IF NOT EXISTS rollup_case_hours_monthly (
    month        DATE     NOT NULL,
    community_id VARCHAR  NOT NULL,
    town_code    VARCHAR,           -- its 街镇 (grids.town_code), NULL for a community not in the lists
    category     VARCHAR  NOT NULL,
    level        VARCHAR  NOT NULL,
    urgent       BOOLEAN  NOT NULL,
    bucket       SMALLINT NOT NULL,
    cases        BIGINT   NOT NULL
);

-- What the rollups were built from: they are used only while these still describe the fact tables.
CREATE TABLE IF NOT EXISTS rollup_state (
    id           INTEGER   PRIMARY KEY CHECK (id = 1),
    definition   VARCHAR   NOT NULL,   -- "v" + analytics.warehouse.rollups.VERSION (a new version rebuilds them)
    data_version VARCHAR   NOT NULL,   -- analytics.db.data_version at the refresh
    cases        BIGINT    NOT NULL,   -- rows of grid_cases then
    activities   BIGINT    NOT NULL,   -- rows of seed_activities then
    latest       TIMESTAMP,            -- the data's latest moment (open cases' ages are measured from it)
    refreshed_at TIMESTAMP NOT NULL,
    seconds      DOUBLE    NOT NULL
);
