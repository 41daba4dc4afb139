-- Targets for the grid-work rates (网格事务目标), set by an administrator on the 网格事务 page.
-- A row with grid_id NULL is the subdistrict-wide target; a row with a grid_id overrides it for that
-- grid. With no row at all the built-in defaults of analytics.cases.DEFAULT_TARGETS apply.
-- A key cannot hold a NULL column, so analytics.cases.set_target keeps (metric, grid_id) unique by
-- replacing inside one transaction, and readers take the latest row by set_at should two ever exist.
CREATE TABLE IF NOT EXISTS case_targets (
    metric  VARCHAR   NOT NULL CHECK (metric IN ('in_grid_rate', 'in_community_rate', 'urgent_in_community_rate')),
    grid_id VARCHAR,   -- checked against grids by set_target; no foreign key, so grids can be re-imported
    target  DOUBLE    NOT NULL CHECK (target > 0 AND target <= 1),
    set_at  TIMESTAMP NOT NULL,
    set_by  VARCHAR
);
