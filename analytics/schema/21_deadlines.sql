-- Deadlines of grid matters (办理时限) per category × urgency, set by an administrator on the 网格事务 page.
-- Versioned by date: a row applies to the matters REPORTED on or after its valid_from, until the next
-- row of the same category and urgency; before a category's first row the built-in default of
-- analytics.overdue.deadlines.DEFAULT_DEADLINES applies. Rows are never edited, only added (or a
-- mistaken one removed), so a past month's overdue count stays what it was when it was reported.
CREATE TABLE IF NOT EXISTS case_deadlines (
    category   VARCHAR   NOT NULL CHECK (category IN ('party_building', 'opinion', 'service_proxy', 'dispute')),
    urgent     BOOLEAN   NOT NULL,
    valid_from DATE      NOT NULL CHECK (valid_from >= DATE '2000-01-01'),
    days       INTEGER   NOT NULL CHECK (days BETWEEN 1 AND 365),
    set_at     TIMESTAMP NOT NULL,
    set_by     VARCHAR,
    PRIMARY KEY (category, urgent, valid_from)
);
