-- The data model of ../shared/DESIGN.md. Every statement is idempotent: connect() runs this file on
-- every read-write open, so a database made by an older version gains new tables without a migration
-- step. Other modules add their own tables as further files in this folder (run in name order).

CREATE TABLE IF NOT EXISTS app_meta (
    key   VARCHAR PRIMARY KEY,
    value VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS import_batches (
    batch_id    VARCHAR PRIMARY KEY,
    table_name  VARCHAR NOT NULL,
    file_name   VARCHAR NOT NULL,
    sha256      VARCHAR NOT NULL,
    rows        BIGINT  NOT NULL CHECK (rows >= 0),
    imported_at TIMESTAMP NOT NULL,
    status      VARCHAR NOT NULL CHECK (status IN ('imported', 'undone', 'demo'))
);

CREATE TABLE IF NOT EXISTS grids (
    grid_id VARCHAR PRIMARY KEY,
    name    VARCHAR NOT NULL UNIQUE,
    name_en VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS grid_boundaries (
    grid_id    VARCHAR NOT NULL REFERENCES grids (grid_id),
    version    INTEGER NOT NULL CHECK (version >= 1),
    valid_from DATE    NOT NULL,
    valid_to   DATE,
    geometry   VARCHAR NOT NULL,
    PRIMARY KEY (grid_id, version),
    CHECK (valid_to IS NULL OR valid_to > valid_from)
);

CREATE TABLE IF NOT EXISTS communities (
    community_id  VARCHAR PRIMARY KEY,
    name          VARCHAR NOT NULL UNIQUE,
    short_name    VARCHAR,
    grid_id       VARCHAR NOT NULL REFERENCES grids (grid_id),
    households    INTEGER NOT NULL CHECK (households >= 0),
    residents     INTEGER NOT NULL CHECK (residents >= 0),
    party_members INTEGER NOT NULL CHECK (party_members >= 0),
    built_year    INTEGER CHECK (built_year BETWEEN 1900 AND 2100),
    sample_tier   VARCHAR CHECK (sample_tier IN ('city', 'jiangchuan')),
    lon           DOUBLE CHECK (lon BETWEEN -180 AND 180),
    lat           DOUBLE CHECK (lat BETWEEN -90 AND 90)
);

CREATE TABLE IF NOT EXISTS secretaries (
    secretary_id VARCHAR PRIMARY KEY,
    community_id VARCHAR NOT NULL REFERENCES communities (community_id),
    display_name VARCHAR NOT NULL,
    since        DATE
);

CREATE TABLE IF NOT EXISTS partners (
    partner_id VARCHAR PRIMARY KEY,
    name       VARCHAR NOT NULL UNIQUE,
    kind       VARCHAR NOT NULL CHECK (kind IN ('enterprise', 'hospital', 'school', 'agency', 'social_org')),
    lon        DOUBLE CHECK (lon BETWEEN -180 AND 180),
    lat        DOUBLE CHECK (lat BETWEEN -90 AND 90),
    joined_on  DATE
);

CREATE TABLE IF NOT EXISTS pairings (
    partner_id   VARCHAR NOT NULL REFERENCES partners (partner_id),
    community_id VARCHAR NOT NULL REFERENCES communities (community_id),
    since        DATE,
    PRIMARY KEY (partner_id, community_id)
);

CREATE TABLE IF NOT EXISTS service_items (
    item_id     VARCHAR PRIMARY KEY,
    seed_colour VARCHAR NOT NULL CHECK (seed_colour IN ('red', 'green', 'white', 'blue')),
    name        VARCHAR NOT NULL UNIQUE,
    name_en     VARCHAR NOT NULL
);

-- Fact tables carry no foreign keys: DuckDB checks a foreign key row by row, which makes the
-- ten-million-row builds and imports of the city scale crawl. Their references are checked by the
-- importer (every row, before the transaction commits) and by the demo builder's own tests.
CREATE TABLE IF NOT EXISTS seed_activities (
    activity_id     VARCHAR PRIMARY KEY,
    held_on         DATE    NOT NULL,
    community_id    VARCHAR NOT NULL,
    item_id         VARCHAR NOT NULL,
    partner_id      VARCHAR,
    participants    INTEGER NOT NULL CHECK (participants >= 0),
    volunteers      INTEGER NOT NULL CHECK (volunteers >= 0),
    volunteer_hours DOUBLE  NOT NULL CHECK (volunteer_hours >= 0),
    batch_id        VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS grid_cases (
    case_id        VARCHAR PRIMARY KEY,
    community_id   VARCHAR NOT NULL,
    category       VARCHAR NOT NULL CHECK (category IN ('party_building', 'opinion', 'service_proxy', 'dispute')),
    reported_at    TIMESTAMP NOT NULL,
    closed_at      TIMESTAMP,
    resolved_level VARCHAR CHECK (resolved_level IN ('grid', 'community', 'street', 'district')),
    urgent         BOOLEAN NOT NULL DEFAULT false,
    satisfaction   TINYINT CHECK (satisfaction BETWEEN 1 AND 5),
    lon            DOUBLE CHECK (lon BETWEEN -180 AND 180),
    lat            DOUBLE CHECK (lat BETWEEN -90 AND 90),
    reporter_name  VARCHAR,
    reporter_phone VARCHAR,
    description    VARCHAR,
    batch_id       VARCHAR NOT NULL,
    -- a closed case has a level and a closing time no earlier than its report; an open case has neither
    CHECK ((closed_at IS NULL) = (resolved_level IS NULL)),
    CHECK (closed_at IS NULL OR closed_at >= reported_at)
);

CREATE TABLE IF NOT EXISTS contest_rounds (
    round_id VARCHAR PRIMARY KEY,
    name     VARCHAR NOT NULL,
    held_on  DATE    NOT NULL
);

CREATE TABLE IF NOT EXISTS contest_criteria (
    round_id     VARCHAR NOT NULL REFERENCES contest_rounds (round_id),
    criterion_id VARCHAR NOT NULL,
    name         VARCHAR NOT NULL,
    weight       DOUBLE  NOT NULL CHECK (weight >= 0),
    max_score    DOUBLE  NOT NULL CHECK (max_score > 0),
    PRIMARY KEY (round_id, criterion_id)
);

CREATE TABLE IF NOT EXISTS contest_entries (
    round_id     VARCHAR NOT NULL REFERENCES contest_rounds (round_id),
    entry_id     VARCHAR NOT NULL,
    community_id VARCHAR NOT NULL REFERENCES communities (community_id),
    secretary_id VARCHAR REFERENCES secretaries (secretary_id),
    theme        VARCHAR,
    PRIMARY KEY (round_id, entry_id)
);

CREATE TABLE IF NOT EXISTS judges (
    judge_id     VARCHAR PRIMARY KEY,
    display_name VARCHAR NOT NULL,
    kind         VARCHAR NOT NULL CHECK (kind IN ('leader', 'expert', 'resident'))
);

CREATE TABLE IF NOT EXISTS contest_scores (
    round_id     VARCHAR NOT NULL,
    entry_id     VARCHAR NOT NULL,
    judge_id     VARCHAR NOT NULL REFERENCES judges (judge_id),
    criterion_id VARCHAR NOT NULL,
    score        DOUBLE  NOT NULL CHECK (score >= 0),
    PRIMARY KEY (round_id, entry_id, judge_id, criterion_id),
    FOREIGN KEY (round_id, entry_id) REFERENCES contest_entries (round_id, entry_id),
    FOREIGN KEY (round_id, criterion_id) REFERENCES contest_criteria (round_id, criterion_id)
);
