"""Exact percentiles of the time to close, read from the rollups in two passes.

A median cannot be added up from daily sums, and computing it over millions of durations costs as much
as reading them. So the durations are kept in buckets (analytics.warehouse.rollups: eight per doubling, counted
per month in rollup_case_hours_monthly, one row per closed case in rollup_case_hours):

1. the bucket counts of the selected cases say, for every group, which bucket holds each wanted rank
   and at which position inside it (a few thousand rows: whole months from the monthly counts, days at
   the period's edges from the daily rows);
2. only the durations of those buckets are read and sorted, and the value at that position is picked
   (rollup_case_hours is sorted by bucket, so DuckDB skips the row groups of the other buckets).

The answer is exactly DuckDB's: `median` interpolates between the middle values as
lo + (hi − lo) × ((n − 1) / 2 − ⌊(n − 1) / 2⌋), and `quantile_disc(x, 0.9)` takes the value at 1-based
position max(1, n − ⌊n − 0.9 n⌋) (both checked against DuckDB by tests/unit/test_rollups.py). Only window
functions, unnest, list aggregation and joins are used, which SQLGlot writes for Spark as well.

`ctes(...)` returns CTEs ending in `{prefix}` with the group keys, `closed`, `median_hours` and
`p90_hours`, to be joined to the counts a function computes from the other rollups.
"""

from __future__ import annotations

from analytics.core.filters import Filters
from analytics.core.scope import Scope
from analytics.core.sql import Sql
from analytics.warehouse import rollups

# Group keys a caller may ask for: name → expression over a rollup row `r` joined to its community `c`.
KEYS = {
    "grid_id": "c.grid_id",
    "community_id": "r.community_id",
    "category": "r.category",
    "month": "CAST(date_trunc('month', r.day) AS DATE)",
    "urgent": "r.urgent",
    "level": "r.level",
}

_RANK_LOW = "CAST(floor((total - 1) * CAST(0.5 AS DOUBLE)) AS BIGINT) + 1"
_RANK_HIGH = "CAST(ceil((total - 1) * CAST(0.5 AS DOUBLE)) AS BIGINT) + 1"
_RANK_P90 = "greatest(1, total - CAST(floor(total - total * CAST(0.9 AS DOUBLE)) AS BIGINT))"
_FRACTION = "((k.total - 1) * CAST(0.5 AS DOUBLE) - floor((k.total - 1) * CAST(0.5 AS DOUBLE)))"


def ctes(
    filters: Filters, scope: Scope | None, by: tuple[str, ...], *, urgent_only: bool = False, prefix: str = "pct"
) -> Sql:
    """CTEs (text to follow `WITH` or a comma) whose last, named `prefix`, holds a row per group of `by`
    (⊆ KEYS) with closed (the closed cases counted), median_hours and p90_hours of the closed cases
    reported in the filters' period that the filters and the scope let through (urgent ones only with
    `urgent_only`). Groups without a closed case have no row."""
    unknown = [b for b in by if b not in KEYS]
    if unknown:
        raise ValueError(f"unknown percentile group {unknown}; expected some of {tuple(KEYS)}")
    where = filters.where(
        date_col="r.day", community_col="r.community_id", town_col="r.town_code", scope=scope, prefix=f"{prefix}f"
    )
    if urgent_only:
        where = Sql.compose("{where} AND r.urgent", where=where)
    counts = rollups.source("case_hours", [(filters.start, filters.end)], prefix=f"{prefix}s")
    p = prefix
    keys = list(by)
    select = "".join(f"{KEYS[k]} AS {k}, " for k in keys)
    cols = "".join(f"{k}, " for k in keys)
    part = f"PARTITION BY {', '.join(keys)} " if keys else ""

    # Only a grid can be unknown (a community missing from `communities`): the other keys are NOT NULL
    # columns of the rollups and join on plain equality, which DuckDB hashes faster.
    def same(a: str, b: str) -> str:
        return " AND ".join(
            [f"{a}.{k} IS NOT DISTINCT FROM {b}.{k}" if k == "grid_id" else f"{a}.{k} = {b}.{k}" for k in keys]
            or ["TRUE"]
        )

    grid = "LEFT JOIN communities c ON c.community_id = r.community_id" if "grid_id" in keys else ""

    def of(alias: str) -> str:
        return "".join(f"{alias}.{k}, " for k in keys)

    sql = f"""{p}_hist AS (
            SELECT {select}r.bucket, sum(r.cases) AS n
            FROM {{counts}} r {grid}
            WHERE {{where}}
            GROUP BY ALL
        ),
        {p}_cum AS (
            SELECT {cols}bucket, n, sum(n) OVER ({part}ORDER BY bucket) - n AS before,
                   sum(n) OVER ({part.strip()}) AS total
            FROM {p}_hist
        ),
        {p}_ranks AS (
            SELECT DISTINCT {cols}total, {_RANK_LOW} AS r_low, {_RANK_HIGH} AS r_high, {_RANK_P90} AS r_p90
            FROM {p}_cum
        ),
        {p}_wanted AS (
            SELECT DISTINCT {cols}r FROM (SELECT {cols}unnest([r_low, r_high, r_p90]) AS r FROM {p}_ranks)
        ),
        {p}_located AS (
            SELECT {of("w")}w.r, u.bucket, CAST(w.r - u.before AS BIGINT) AS pos
            FROM {p}_wanted w JOIN {p}_cum u ON {same("w", "u")} AND w.r > u.before AND w.r <= u.before + u.n
        ),
        {p}_buckets AS (
            SELECT DISTINCT {cols}bucket FROM {p}_located
        ),
        {p}_sorted AS (
            SELECT {of("v")}v.bucket, list_sort(list(v.hours)) AS hours
            FROM (
                SELECT {select}r.bucket, r.hours
                FROM rollup_case_hours r {grid}
                WHERE {{where}}
            ) v JOIN {p}_buckets b ON {same("v", "b")} AND v.bucket = b.bucket
            GROUP BY ALL
        ),
        {p}_values AS (
            SELECT {of("l")}l.r, s.hours[l.pos] AS hours
            FROM {p}_located l JOIN {p}_sorted s ON {same("l", "s")} AND s.bucket = l.bucket
        ),
        {p} AS (
            SELECT {of("k")}k.total AS closed,
                   lo.hours + (hi.hours - lo.hours) * {_FRACTION} AS median_hours,
                   p90.hours AS p90_hours
            FROM {p}_ranks k
            JOIN {p}_values lo ON {same("lo", "k")} AND lo.r = k.r_low
            JOIN {p}_values hi ON {same("hi", "k")} AND hi.r = k.r_high
            JOIN {p}_values p90 ON {same("p90", "k")} AND p90.r = k.r_p90
        )"""
    return Sql.compose(sql, counts=counts, where=where)
