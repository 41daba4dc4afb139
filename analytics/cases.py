"""Grid work (网格事务): where matters are settled, how fast, what is still open, and against which targets.

Definitions follow docs/design.md, in one place:
- a case belongs to the period (and month) it was REPORTED in; its grid is its community's grid;
- in-grid rate (小事不出网格) = closed cases settled at level grid ÷ closed cases;
- in-community rate (急事不出社区) = closed cases settled at grid or community ÷ closed cases, for all cases
  and for urgent ones; open cases are counted as open and are never in a rate's denominator, and a rate
  with nothing closed is NaN (unknown), not 0;
- time to close = closed_at − reported_at of closed cases. The median is DuckDB's `median` (interpolated,
  Spark's MEDIAN); the 90th percentile is `quantile_disc(x, 0.9)`: the smallest observed value whose
  cumulative share reaches 90% (the SQL standard PERCENTILE_DISC, numpy's method="inverted_cdf"). It is
  exact and always a real case's duration; analytics.warehouse.dialect writes it as Spark's
  percentile_disc(0.9) WITHIN GROUP (ORDER BY x);
- satisfaction: mean of the 1–5 scores of surveyed cases; satisfied = score ≥ 4, unsatisfied = score ≤ 2;
- targets follow Boston's CityScore: score = actual ÷ target, so 1.0 is exactly on target; a place's
  overall score (`cityscore`) is the mean of its in-grid and in-community scores (CITYSCORE_METRICS).

Every query reads its cases from the source its warehouse gives (analytics.warehouse.source): the
daily and monthly rollups while they are current, else grid_cases in the rollups' columns; the open
cases at the data's latest moment and the exact percentiles come from the same source. The query is
written once; the answer is the same either way. Open cases at another moment read grid_cases itself.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable

import duckdb
import pandas as pd

from analytics.core import connection as db
from analytics.core import privacy
from analytics.core.errors import AccessDenied, DataError
from analytics.core.filters import Filters
from analytics.core.scope import Scope, grid_predicate
from analytics.core.sql import Sql
from analytics.warehouse import source
from analytics.warehouse.source import Source
from words import listing, msg

CATEGORIES = ("party_building", "opinion", "service_proxy", "dispute")
LEVELS = ("grid", "community", "street", "district")
LEVELS_AND_OPEN = (*LEVELS, "open")

# The groupings each function accepts: name → expression over the `cases` CTE. Only these names are
# ever formatted into SQL.
_GROUPS = {
    "grid_id": "grid_id",
    "community_id": "community_id",
    "category": "category",
    "month": "month",
    "urgent": "urgent",
    "level": "level",
}
RESOLUTION_BY = ("grid_id", "community_id", "category", "month")
TIME_BY = (*RESOLUTION_BY, "urgent", "level")
SATISFACTION_BY = (*RESOLUTION_BY, "urgent", "level")
BACKLOG_BY = ("grid_id", "community_id", "category", "urgent")
SCORE_BY = ("grid_id", "month")

# Age of an open case in days: (label, lowest day, highest day or None).
AGE_BUCKETS = (("0_7", 0, 7), ("8_30", 7, 30), ("31_90", 30, 90), ("over_90", 90, None))

TARGET_METRICS = ("in_grid_rate", "in_community_rate", "urgent_in_community_rate")
DEFAULT_TARGETS = {"in_grid_rate": 0.70, "in_community_rate": 0.90, "urgent_in_community_rate": 0.90}
# The overall score averages the two headline rates only: urgent matters are too few per grid and month
# (about two in the demo world) for their score to move a headline; they have their own target and view.
CITYSCORE_METRICS = ("in_grid_rate", "in_community_rate")

_RESOLUTION_COLUMNS = (
    "cases",
    "closed",
    "open",
    "grid",
    "community",
    "street",
    "district",
    "share_grid",
    "share_community",
    "share_street",
    "share_district",
    "in_grid_rate",
    "in_community_rate",
    "urgent_cases",
    "urgent_closed",
    "urgent_open",
    "urgent_in_community_rate",
)


# ---------------------------------------------------------------------------------------------
# building blocks
def _check_by(by: str | Iterable[str], allowed: tuple[str, ...]) -> tuple[str, ...]:
    by = (by,) if isinstance(by, str) else tuple(by)
    unknown = [b for b in by if b not in allowed]
    if unknown or len(set(by)) != len(by):
        raise ValueError(f"by must be distinct names from {allowed}; got {by}")
    return by


def _cases_cte(filters: Filters, scope: Scope | None, src: Source, *, urgent_only: bool = False) -> Sql:
    """The `cases` CTE: the cases reported in the period that the filters and the scope let through, a
    row per day × community × category × level × urgent of the source with its count in `n` and
    satisfaction's count, sum and bands; count them with `_count`."""
    where = filters.where(
        date_col="k.day", community_col="k.community_id", town_col=source.town_col(src, "k"), scope=scope, prefix="k"
    )
    return Sql.compose(
        """cases AS (
            SELECT k.community_id, c.grid_id, k.category, k.urgent,
                   CAST(date_trunc('month', k.day) AS DATE) AS month, k.level,
                   k.cases AS n, k.surveyed, k.satisfaction_sum, k.satisfied, k.unsatisfied,
                   k.hours_to_close AS hours_sum
            FROM {rows} k LEFT JOIN communities c ON c.community_id = k.community_id
            WHERE {where}{urgent}
        )""",
        rows=src.cases([(filters.start, filters.end)], prefix="kr"),
        where=where,
        urgent=" AND k.urgent" if urgent_only else "",
    )


def _group_sql(by: tuple[str, ...]) -> tuple[str, str, str, str]:
    """(select list prefix, names select, names joins, order by) for the grouped step `s`."""
    keys = "".join(f"{_GROUPS[b]} AS {b}, " for b in by)
    columns, joins = [], []
    for b in by:
        columns.append(f"s.{b}")
        if b == "grid_id":
            columns.append("g.name AS grid_name")
            joins.append("LEFT JOIN grids g ON g.grid_id = s.grid_id")
        elif b == "community_id":
            columns.append("cm.name AS community_name")
            joins.append("LEFT JOIN communities cm ON cm.community_id = s.community_id")
    head = ", ".join(columns)
    order = ("ORDER BY " + ", ".join(by)) if by else ""
    return keys, (head + ", ") if head else "", " ".join(joins), order


def _count(condition: str | None = None) -> str:
    """The number of cases among the `cases` rows (that meet `condition`): the sum of their counts, a
    BIGINT and 0 when nothing matches, exactly as count(*) would be."""
    where = f" FILTER (WHERE {condition})" if condition else ""
    return f"coalesce(CAST(sum(n){where} AS BIGINT), 0)"


def _with_percentiles(by: tuple[str, ...], table: str = "counted", pct: str = "pct") -> str:
    """`table` beside its groups' exact median_hours and p90_hours (from analytics.warehouse.percentiles)."""
    on = " AND ".join([f"p.{b} IS NOT DISTINCT FROM t.{b}" for b in by] or ["TRUE"])
    return f"SELECT t.*, p.median_hours, p.p90_hours FROM {table} t LEFT JOIN {pct} p ON {on}"


def _counts_sql() -> str:
    n = _count
    return f"""{n()} AS cases,
                   {n("level <> 'open'")} AS closed,
                   {n("level = 'open'")} AS open,
                   {n("level = 'grid'")} AS grid,
                   {n("level = 'community'")} AS community,
                   {n("level = 'street'")} AS street,
                   {n("level = 'district'")} AS district,
                   {n("urgent")} AS urgent_cases,
                   {n("urgent AND level <> 'open'")} AS urgent_closed,
                   {n("urgent AND level = 'open'")} AS urgent_open,
                   {n("urgent AND level IN ('grid', 'community')")} AS urgent_settled_locally"""


_RATES_SQL = """s.cases, s.closed, s.open, s.grid, s.community, s.street, s.district,
               s.grid / nullif(s.closed, 0) AS share_grid,
               s.community / nullif(s.closed, 0) AS share_community,
               s.street / nullif(s.closed, 0) AS share_street,
               s.district / nullif(s.closed, 0) AS share_district,
               s.grid / nullif(s.closed, 0) AS in_grid_rate,
               (s.grid + s.community) / nullif(s.closed, 0) AS in_community_rate,
               s.urgent_cases, s.urgent_closed, s.urgent_open,
               s.urgent_settled_locally / nullif(s.urgent_closed, 0) AS urgent_in_community_rate"""


# ---------------------------------------------------------------------------------------------
# where matters are settled
@privacy.suppress_small_disputes(
    "cases",
    counts=("grid", "community", "street", "district", "open", "urgent_cases", "urgent_closed", "urgent_open"),
    shares={level: f"share_{level}" for level in ("grid", "community", "street", "district")},
)
def resolution(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    by: str | Iterable[str] = ("grid_id",),
    *,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """Counts per resolved level and open, and the rates, per group of `by` ⊆ grid_id, community_id,
    category, month (in that order of columns as given; () gives one total row).

    Columns: the `by` keys (and grid_name / community_name for grid_id / community_id), cases, closed,
    open, grid, community, street, district (closed counts per level), share_<level> (÷ closed),
    in_grid_rate, in_community_rate, urgent_cases, urgent_closed, urgent_open, urgent_in_community_rate.
    """
    by = _check_by(by, RESOLUTION_BY)
    keys, head, joins, order = _group_sql(by)
    sql = Sql.compose(
        f"""
        WITH {{cases}},
        s AS (
            SELECT {keys}{_counts_sql()}
            FROM cases
            GROUP BY ALL
        ),
        final AS (
            SELECT {head}{_RATES_SQL}
            FROM s {joins}
        )
        SELECT * FROM final {order}""",
        cases=_cases_cte(filters, scope, source.reader(con).source),
    )
    return db.query(con, *sql)


@privacy.suppress_small_disputes("cases")
def flows(con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: Scope | None = None) -> pd.DataFrame:
    """Category → level for a Sankey diagram: category, level (grid … district, or open), cases."""
    sql = Sql.compose(
        f"""
        WITH {{cases}},
        final AS (
            SELECT category, level, {_count()} AS cases FROM cases GROUP BY ALL
        )
        SELECT * FROM final ORDER BY category, level""",
        cases=_cases_cte(filters, scope, source.reader(con).source),
    )
    return db.query(con, *sql)


# ---------------------------------------------------------------------------------------------
# how fast
@privacy.suppress_small_disputes("closed")
def time_to_close(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    by: str | Iterable[str] = ("category",),
    *,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """Time from report to close of the closed cases per group of `by` ⊆ grid_id, community_id, category,
    month, urgent, level: closed, median_hours, p90_hours, mean_hours, median_days, p90_days.
    See the module docstring for the percentile definitions."""
    by = _check_by(by, TIME_BY)
    src = source.reader(con).source
    keys, head, joins, order = _group_sql(by)
    sql = Sql.compose(
        f"""
        WITH {{cases}},
        counted AS (
            SELECT {keys}{_count()} AS closed, sum(hours_sum) / sum(n) AS mean_hours
            FROM cases
            WHERE level <> 'open'
            GROUP BY ALL
        ),
        {{pct}},
        s AS ({_with_percentiles(by)}),
        final AS (
            SELECT {head}s.closed, s.median_hours, s.p90_hours, s.mean_hours,
                   s.median_hours / 24 AS median_days, s.p90_hours / 24 AS p90_days
            FROM s {joins}
        )
        SELECT * FROM final {order}""",
        cases=_cases_cte(filters, scope, src),
        pct=src.percentiles(filters, scope, by),
    )
    return db.query(con, *sql)


# ---------------------------------------------------------------------------------------------
# what is still open
def _open_cte(filters: Filters, scope: Scope | None, as_of: dt.date | str | None, src: Source) -> Sql:
    """CTEs `moment` and `open_cases` (case_id, community_id, grid_id, category, urgent, reported_at, as_of,
    age_days): the cases reported in the period and still open at `as_of`."""
    # the open cases of `src` carry their town; the cases themselves (another moment) do not
    town = source.town_col(src, "o") if as_of is None else None
    where = filters.where(
        date_col="o.reported_at", community_col="o.community_id", town_col=town, scope=scope, prefix="k"
    )
    if as_of is None:
        # At the data's latest moment every case closed by then is closed, so the open ones are exactly
        # those without closed_at, which the source keeps apart (rollup_open_cases), with that moment.
        rows, moment = src.open_cases()
        still_open = Sql("TRUE")
    else:
        # Another moment includes cases closed after it: only the cases themselves tell.
        rows, moment = (
            Sql("grid_cases"),
            Sql("CAST($as_of AS TIMESTAMP)", {"as_of": pd.Timestamp(as_of).to_pydatetime()}),
        )
        still_open = Sql("(o.closed_at IS NULL OR o.closed_at > moment.as_of)")
    return Sql.compose(
        """moment AS (SELECT {moment} AS as_of),
        open_cases AS (
            SELECT o.case_id, o.community_id, c.grid_id, o.category, o.urgent, o.reported_at, moment.as_of,
                   (epoch(moment.as_of) - epoch(o.reported_at)) / 86400.0 AS age_days
            FROM {rows} o LEFT JOIN communities c ON c.community_id = o.community_id, moment
            WHERE {where} AND o.reported_at <= moment.as_of AND {still_open}
        )""",
        moment=moment,
        rows=rows,
        where=where,
        still_open=still_open,
    )


def _age_condition(low: int, high: int | None) -> str:
    parts = [f"age_days > {low}" if low else "TRUE"]
    if high is not None:
        parts.append(f"age_days <= {high}")
    return " AND ".join(parts)


@privacy.suppress_small_disputes("open", counts=("urgent_open", "age_0_7", "age_8_30", "age_31_90", "age_over_90"))
def open_backlog(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    by: str | Iterable[str] = ("grid_id",),
    *,
    as_of: dt.date | str | None = None,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """Cases reported in the period and still open at `as_of` (default: the data's latest timestamp),
    per group of `by` ⊆ grid_id, community_id, category, urgent: open, urgent_open, one count per
    AGE_BUCKETS entry (age_0_7, age_8_30, age_31_90, age_over_90), median_age_days, oldest_age_days,
    as_of."""
    by = _check_by(by, BACKLOG_BY)
    open_sql = _open_cte(filters, scope, as_of, source.reader(con).source)
    keys, head, joins, order = _group_sql(by)
    buckets = ",\n".join(
        f"count(*) FILTER (WHERE {_age_condition(low, high)}) AS age_{name}" for name, low, high in AGE_BUCKETS
    )
    bucket_cols = ", ".join(f"s.age_{name}" for name, _, _ in AGE_BUCKETS)
    sql = Sql.compose(
        f"""
        WITH {{open_cases}},
        s AS (
            SELECT {keys}count(*) AS open, count(*) FILTER (WHERE urgent) AS urgent_open,
                   {buckets},
                   median(age_days) AS median_age_days, max(age_days) AS oldest_age_days,
                   max(as_of) AS as_of
            FROM open_cases
            GROUP BY ALL
        ),
        final AS (
            SELECT {head}s.open, s.urgent_open, {bucket_cols}, s.median_age_days, s.oldest_age_days, s.as_of
            FROM s {joins}
        )
        SELECT * FROM final {order}""",
        open_cases=open_sql,
    )
    return db.query(con, *sql)


def oldest_open(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    *,
    limit: int = 20,
    as_of: dt.date | str | None = None,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """The open cases waiting longest, oldest first: case_id, grid_id, grid_name, community_id,
    community_name, category, urgent, reported_at, age_days. No reporter or description: those are
    personal data and this list is for chasing, not for reading. Roles that work on masked data
    (analyst, admin) get no category: counting a list's dispute rows per community would give the
    small counts of disputes back that every table hides from them (analytics.core.privacy)."""
    sql = Sql.compose(
        """
        WITH {open_cases},
        final AS (
            SELECT o.case_id, o.grid_id, g.name AS grid_name, o.community_id, cm.name AS community_name,
                   o.category, o.urgent, o.reported_at, o.age_days
            FROM open_cases o
            LEFT JOIN grids g ON g.grid_id = o.grid_id
            LEFT JOIN communities cm ON cm.community_id = o.community_id
        )
        SELECT * FROM final ORDER BY age_days DESC, case_id LIMIT $limit""",
        open_cases=_open_cte(filters, scope, as_of, source.reader(con).source),
    ).bind(limit=max(0, int(limit)))
    frame = db.query(con, *sql)
    if privacy.suppresses_small_counts(scope) and not privacy.sees_personal_data(scope):
        frame["category"] = pd.Series([None] * len(frame), index=frame.index, dtype=object)
    return frame


# ---------------------------------------------------------------------------------------------
# urgent matters and satisfaction
@privacy.suppress_small_disputes("cases", counts=("grid", "community", "street", "district", "open"))
def urgent_matters(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    by: str | Iterable[str] = ("grid_id",),
    *,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """Urgent cases alone per group of `by` ⊆ grid_id, community_id, category, month: cases, closed, open,
    counts per level, in_grid_rate and in_community_rate among the urgent cases, median_hours and
    p90_hours to close."""
    by = _check_by(by, RESOLUTION_BY)
    src = source.reader(con).source
    keys, head, joins, order = _group_sql(by)
    sql = Sql.compose(
        f"""
        WITH {{cases}},
        counted AS (
            SELECT {keys}{_counts_sql()} FROM cases GROUP BY ALL
        ),
        {{pct}},
        s AS ({_with_percentiles(by)}),
        final AS (
            SELECT {head}s.cases, s.closed, s.open, s.grid, s.community, s.street, s.district,
                   s.grid / nullif(s.closed, 0) AS in_grid_rate,
                   (s.grid + s.community) / nullif(s.closed, 0) AS in_community_rate,
                   s.median_hours, s.p90_hours
            FROM s {joins}
        )
        SELECT * FROM final {order}""",
        cases=_cases_cte(filters, scope, src, urgent_only=True),
        pct=src.percentiles(filters, scope, by, urgent_only=True),
    )
    return db.query(con, *sql)


@privacy.suppress_small_disputes("cases", counts=("surveyed",))
def satisfaction(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    by: str | Iterable[str] = ("category",),
    *,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """Residents' satisfaction per group of `by` ⊆ grid_id, community_id, category, month, urgent, level:
    cases, closed, surveyed, response_rate (surveyed ÷ closed), mean_score (1–5), satisfied_share
    (score ≥ 4) and unsatisfied_share (score ≤ 2), both ÷ surveyed."""
    by = _check_by(by, SATISFACTION_BY)
    keys, head, joins, order = _group_sql(by)
    sql = Sql.compose(
        f"""
        WITH {{cases}},
        s AS (
            SELECT {keys}{_count()} AS cases,
                   {_count("level <> 'open'")} AS closed,
                   coalesce(CAST(sum(surveyed) AS BIGINT), 0) AS surveyed,
                   sum(satisfaction_sum) / nullif(sum(surveyed), 0) AS mean_score,
                   coalesce(CAST(sum(satisfied) AS BIGINT), 0) AS satisfied,
                   coalesce(CAST(sum(unsatisfied) AS BIGINT), 0) AS unsatisfied
            FROM cases
            GROUP BY ALL
        ),
        final AS (
            SELECT {head}s.cases, s.closed, s.surveyed,
                   s.surveyed / nullif(s.closed, 0) AS response_rate,
                   s.mean_score,
                   s.satisfied / nullif(s.surveyed, 0) AS satisfied_share,
                   s.unsatisfied / nullif(s.surveyed, 0) AS unsatisfied_share
            FROM s {joins}
        )
        SELECT * FROM final {order}""",
        cases=_cases_cte(filters, scope, source.reader(con).source),
    )
    return db.query(con, *sql)


# The measures of a row of the community table (`p` the place's residents, `s` its counts and
# percentiles): one definition for a community's row and for the totals it is read against.
_TABLE_MEASURES = """coalesce(s.cases, 0) AS cases,
                   coalesce(s.cases, 0) * 1000.0 / nullif(p.residents, 0) AS cases_per_1k,
                   coalesce(s.closed, 0) AS closed, coalesce(s.open, 0) AS open,
                   s.grid / nullif(s.closed, 0) AS in_grid_rate,
                   (s.grid + s.community) / nullif(s.closed, 0) AS in_community_rate,
                   coalesce(s.urgent_cases, 0) AS urgent_cases,
                   s.urgent_settled_locally / nullif(s.urgent_closed, 0) AS urgent_in_community_rate,
                   s.median_hours, s.p90_hours, s.mean_score"""


def community_table(
    con: duckdb.DuckDBPyConnection, filters: Filters, grid_id: str, *, scope: Scope | None = None
) -> pd.DataFrame:
    """Every community of one grid (also those without cases in the period): community_id,
    community_name, residents, cases, cases_per_1k, closed, open, in_grid_rate, in_community_rate,
    urgent_cases, urgent_in_community_rate, median_hours, p90_hours, mean_score."""
    # Only this grid's cases can reach a row (`places` keeps the grid's communities that pass the
    # filters), so only they are read: the exact percentiles are the costly part.
    mine = filters.replace(grid_ids=(str(grid_id),))
    src = source.reader(con).source
    sql = Sql.compose(
        f"""
        WITH {{cases}},
        places AS (
            SELECT c.community_id, c.name AS community_name, c.residents
            FROM communities c
            WHERE c.grid_id = $grid_id AND {{places}}
        ),
        counted AS (
            SELECT community_id, {_counts_sql()},
                   sum(satisfaction_sum) / nullif(sum(surveyed), 0) AS mean_score
            FROM cases
            GROUP BY ALL
        ),
        {{pct}},
        s AS ({_with_percentiles(("community_id",))}),
        final AS (
            SELECT p.community_id, p.community_name, p.residents,
                   {_TABLE_MEASURES}
            FROM places p LEFT JOIN s ON s.community_id = p.community_id
        )
        SELECT * FROM final ORDER BY community_id""",
        cases=_cases_cte(mine, scope, src),
        places=filters.where(date_col=None, community_col="c.community_id", scope=scope, prefix="c"),
        pct=src.percentiles(mine, scope, ("community_id",)),
    ).bind(grid_id=str(grid_id))
    return db.query(con, *sql)


def community_table_totals(
    con: duckdb.DuckDBPyConnection, filters: Filters, grid_id: str, *, scope: Scope | None = None
) -> pd.DataFrame:
    """The columns of `community_table` (without community_id and community_name) for the whole grid and
    for every community in the filters (place = 'grid', 'subdistrict'): the comparison a secretary's one
    row is read against. Totals only, whoever asks, so no other community's row is revealed."""
    frames = []
    src = source.reader(con).source  # one freshness check for both totals
    whole = filters.in_town_of(scope)
    for place, chosen in (("grid", whole.replace(grid_ids=(str(grid_id),))), ("subdistrict", whole)):
        sql = Sql.compose(
            f"""
            WITH {{cases}},
            places AS (
                SELECT sum(c.residents) AS residents FROM communities c WHERE {{places}}
            ),
            counted AS (
                SELECT {_counts_sql()}, sum(satisfaction_sum) / nullif(sum(surveyed), 0) AS mean_score
                FROM cases
            ),
            {{pct}},
            s AS ({_with_percentiles(())}),
            final AS (
                SELECT $place AS place, p.residents,
                       {_TABLE_MEASURES}
                FROM places p CROSS JOIN s
            )
            SELECT * FROM final""",
            cases=_cases_cte(chosen, None, src),
            places=chosen.where(date_col=None, community_col="c.community_id", prefix="c"),
            pct=src.percentiles(chosen, None, ()),
        ).bind(place=place)
        frames.append(db.query(con, *sql))
    return pd.concat(frames, ignore_index=True)


# ---------------------------------------------------------------------------------------------
# targets (CityScore: actual ÷ target)
def _targets_cte(con: duckdb.DuckDBPyConnection, scope: Scope | None = None) -> Sql:
    """`effective`: a row per place (grid_id NULL = the whole subdistrict, then every grid) and metric
    with the target in force and where it comes from (grid, subdistrict or default)."""
    defaults = " UNION ALL ".join(
        f"SELECT '{m}' AS metric, CAST($default_{m} AS DOUBLE) AS target" for m in TARGET_METRICS
    )
    params = {f"default_{m}": DEFAULT_TARGETS[m] for m in TARGET_METRICS}
    stored = (
        "SELECT metric, grid_id, target, set_at FROM case_targets"
        if _has_target_table(con)
        else "SELECT NULL::VARCHAR AS metric, NULL::VARCHAR AS grid_id, NULL::DOUBLE AS target,"
        " NULL::TIMESTAMP AS set_at WHERE false"
    )
    return Sql.compose(
        f"""defaults AS ({defaults}),
        stored AS ({stored}),
        latest AS (
            SELECT metric, grid_id, arg_max(target, set_at) AS target, max(set_at) AS set_at
            FROM stored GROUP BY ALL
        ),
        places AS (
            SELECT CAST(NULL AS VARCHAR) AS grid_id UNION ALL SELECT grid_id FROM grids WHERE {{mine}}
        ),
        effective AS (
            SELECT p.grid_id, d.metric,
                   coalesce(own.target, whole.target, d.target) AS target,
                   CASE WHEN own.target IS NOT NULL THEN 'grid'
                        WHEN whole.target IS NOT NULL THEN 'subdistrict' ELSE 'default' END AS source,
                   coalesce(own.set_at, whole.set_at) AS set_at
            FROM places p CROSS JOIN defaults d
            LEFT JOIN latest whole ON whole.metric = d.metric AND whole.grid_id IS NULL
            LEFT JOIN latest own ON own.metric = d.metric AND own.grid_id = p.grid_id
        )""",
        mine=grid_predicate(scope, "grid_id", "targets_town", town_col="town_code"),
    ).bind(**params)


def _has_target_table(con: duckdb.DuckDBPyConnection) -> bool:
    # A database opened read-only that predates the targets table still shows the default targets.
    # Asked of the standard catalog (not DuckDB's duckdb_tables()) and kept out of capture_sql(): a
    # question about the database, not part of the query a page shows or another engine runs.
    return bool(
        db.scalar(
            con,
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'case_targets'",
            record=False,
        )
    )


def targets(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> pd.DataFrame:
    """The targets in force: a row per place (grid_id None = subdistrict-wide, then each grid) and metric
    with grid_name, target (share 0–1), source ('grid', 'subdistrict' or 'default') and set_at.
    Targets are not personal data: every role may read them."""
    sql = Sql.compose(
        """
        WITH {targets},
        final AS (
            SELECT e.grid_id, g.name AS grid_name, e.metric, e.target, e.source, e.set_at
            FROM effective e LEFT JOIN grids g ON g.grid_id = e.grid_id
        )
        SELECT * FROM final ORDER BY grid_id NULLS FIRST, metric""",
        targets=_targets_cte(con, scope),
    )
    return db.query(con, *sql)


def _check_target_change(con: duckdb.DuckDBPyConnection, metric: str, grid_id: str | None, scope: Scope | None) -> None:
    if scope is not None and scope.role != "admin":
        raise AccessDenied(msg("err.cases.admins_only"))
    if metric not in TARGET_METRICS:
        raise DataError(msg("err.cases.unknown_metric", metric=metric, metrics=listing(TARGET_METRICS)))
    if grid_id is not None and not db.scalar(con, "SELECT count(*) FROM grids WHERE grid_id = $g", {"g": str(grid_id)}):
        raise DataError(msg("err.cases.unknown_grid", grid=grid_id))


def set_target(
    con: duckdb.DuckDBPyConnection,
    metric: str,
    target: float,
    *,
    grid_id: str | None = None,
    set_by: str | None = None,
    scope: Scope | None = None,
) -> None:
    """Set the target of `metric` (one of TARGET_METRICS) as a share in (0, 1] for one grid, or for the
    whole subdistrict when grid_id is None. Only an admin may (scope None = the file's holder)."""
    _check_target_change(con, metric, grid_id, scope)
    try:
        value = float(target)
    except (TypeError, ValueError) as exc:
        raise DataError(msg("err.cases.target_not_number", target=target)) from exc
    if not math.isfinite(value) or not 0 < value <= 1:
        raise DataError(msg("err.cases.target_range", target=target))
    params = {
        "metric": metric,
        "grid_id": grid_id,
        "target": value,
        "set_at": dt.datetime.now().replace(microsecond=0),
        "set_by": set_by,
    }
    _replace(con, params, insert=True)


def clear_target(
    con: duckdb.DuckDBPyConnection, metric: str, *, grid_id: str | None = None, scope: Scope | None = None
) -> None:
    """Remove a set target: a grid falls back to the subdistrict's, the subdistrict to the default."""
    _check_target_change(con, metric, grid_id, scope)
    _replace(con, {"metric": metric, "grid_id": grid_id}, insert=False)


def _replace(con: duckdb.DuckDBPyConnection, params: dict, *, insert: bool) -> None:
    cur = con.cursor()  # a transaction of its own: the app's connection is shared between sessions
    try:
        db.execute(cur, "BEGIN TRANSACTION")
        db.execute(
            cur,
            "DELETE FROM case_targets WHERE metric = $metric AND grid_id IS NOT DISTINCT FROM $grid_id",
            {"metric": params["metric"], "grid_id": params["grid_id"]},
        )
        if insert:
            db.execute(
                cur,
                "INSERT INTO case_targets (metric, grid_id, target, set_at, set_by)"
                " VALUES ($metric, $grid_id, $target, $set_at, $set_by)",
                params,
            )
        db.execute(cur, "COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    finally:
        cur.close()


def scores(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    by: str | Iterable[str] = ("grid_id", "month"),
    *,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """Actual ÷ target per group of `by` ⊆ grid_id, month and metric (CityScore): a row per group and
    metric with base (the closed cases the rate counts), actual, target, score and on_target, plus a
    metric 'cityscore' row whose score is the mean of the group's CITYSCORE_METRICS scores. Without grid_id in
    `by` the subdistrict-wide target applies."""
    by = _check_by(by, SCORE_BY)
    keys, head, joins, _ = _group_sql(by)
    cols = "".join(f"{b}, " for b in by)
    grid_key = "r.grid_id" if "grid_id" in by else "CAST(NULL AS VARCHAR)"
    rates = " UNION ALL ".join(
        f"SELECT {cols}'{metric}' AS metric, {base} AS base, ({num}) / nullif({base}, 0) AS actual FROM counted"
        for metric, num, base in (
            ("in_grid_rate", "grid", "closed"),
            ("in_community_rate", "grid + community", "closed"),
            ("urgent_in_community_rate", "urgent_settled_locally", "urgent_closed"),
        )
    )
    order = ", ".join([*by, "metric"])
    sql = Sql.compose(
        f"""
        WITH {{cases}},
        {{targets}},
        counted AS (
            SELECT {keys}{_counts_sql()} FROM cases GROUP BY ALL
        ),
        rates AS ({rates}),
        scored AS (
            SELECT r.*, t.target, r.actual / t.target AS score
            FROM rates r JOIN effective t ON t.metric = r.metric AND t.grid_id IS NOT DISTINCT FROM {grid_key}
        ),
        overall AS (
            SELECT {cols}'cityscore' AS metric, max(base) AS base, CAST(NULL AS DOUBLE) AS actual,
                   CAST(NULL AS DOUBLE) AS target, avg(score) AS score
            FROM scored
            WHERE list_contains($cityscore_metrics, metric)
            GROUP BY ALL
        ),
        s AS (
            SELECT * FROM scored UNION ALL SELECT * FROM overall
        ),
        final AS (
            SELECT {head}s.metric, s.base, s.actual, s.target, s.score, s.score >= 1 AS on_target
            FROM s {joins}
        )
        SELECT * FROM final ORDER BY {order}""",
        cases=_cases_cte(filters, scope, source.reader(con).source),
        targets=_targets_cte(con, scope),
    ).bind(cityscore_metrics=list(CITYSCORE_METRICS))
    return db.query(con, *sql)
