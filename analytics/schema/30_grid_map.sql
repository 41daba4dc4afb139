-- Boundary uploads (issue 3, the grid map). grid_boundaries itself is in 00_core.sql; each upload adds a
-- version of all grids there and records here where it came from. import_batches gets a row too, so the
-- app's caches (keyed on the data version) see the new boundaries at once.
CREATE TABLE IF NOT EXISTS boundary_uploads (
    version      INTEGER   PRIMARY KEY CHECK (version >= 1),
    batch_id     VARCHAR   NOT NULL,
    file_name    VARCHAR   NOT NULL,
    sha256       VARCHAR   NOT NULL,
    source_crs   VARCHAR   NOT NULL,
    valid_from   DATE      NOT NULL,
    uploaded_at  TIMESTAMP NOT NULL,
    repaired     VARCHAR   NOT NULL DEFAULT '',   -- comma-separated grid ids repaired with make_valid
    features     INTEGER   NOT NULL CHECK (features >= 0),
    uploaded_by  VARCHAR
);
