"""Each matter's due time, what is overdue, who holds it, and the share closed within deadline.

The calendar rule and the deadline edges are analytics.overdue.deadlines's: due_at = reported_at +
the deadline's days (calendar days, weekends included); closed at or before due_at is within
deadline; open and strictly after due_at is overdue. "Due this week" means due within the next
WEEK_DAYS days after the moment asked about.

A matter's holder is the community it sits with and that community's grid (the grid's 网格长 and the
community's secretary chase it). Matters are read one by one from grid_cases: a deadline is to the
second of each matter, which the daily rollups do not keep. The filters and the scope are applied as
on every page (Filters.where, community_predicate), so a secretary reads only her own community's
matters and a 街镇 leader only the town's.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import duckdb
import pandas as pd

from analytics.core import connection as db
from analytics.core import privacy
from analytics.core.errors import AccessDenied, DataError
from analytics.core.filters import Filters
from analytics.core.scope import Scope
from analytics.core.sql import Sql
from analytics.overdue.deadlines import versions_cte
from words import msg

WEEK_DAYS = 7
STATUSES = ("overdue", "due_soon", "later")
ON_TIME_BY = ("grid_id", "community_id", "month")
HOLDER_BY = ("grid_id", "community_id")
# The data's latest moment: what "now" is for data imported up to some day (as in analytics.cases).
_LATEST = "(SELECT max(greatest(reported_at, coalesce(closed_at, reported_at))) FROM grid_cases)"


def as_of_value(value: dt.date | dt.datetime | str | None) -> dt.datetime | None:
    """`value` as a moment: a date is its midnight (the start of the day), a text is read as ISO."""
    if value is None or isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time())
    try:
        return pd.Timestamp(str(value).strip()).to_pydatetime()
    except ValueError as exc:
        raise DataError(msg("err.overdue.bad_date", value=value)) from exc


def matters_cte(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    scope: Scope | None,
    as_of: dt.date | dt.datetime | str | None = None,
) -> Sql:
    """CTEs `moment` (as_of) and `matters`: each matter reported in the period that the filters and the
    scope let through, with case_id, community_id, category, urgent, reported_at, closed_at (None while
    open at as_of), deadline_days, due_at. Its grid is joined by the callers after they narrow or sum the
    matters: joining communities to every matter costs more than the rest of the query together."""
    moment = as_of_value(as_of)
    where = filters.where(date_col="k.reported_at", community_col="k.community_id", scope=scope, prefix="dl")
    return Sql.compose(
        """{versions},
        moment AS (SELECT {moment} AS as_of),
        matters AS (
            SELECT k.case_id, k.community_id, k.category, k.urgent, k.reported_at,
                   CASE WHEN k.closed_at <= moment.as_of THEN k.closed_at END AS closed_at,
                   v.days AS deadline_days, k.reported_at + v.days * INTERVAL 1 DAY AS due_at
            FROM grid_cases k
            JOIN deadline_versions v
              ON v.category = k.category AND v.urgent = k.urgent
             AND CAST(k.reported_at AS DATE) >= v.valid_from
             AND (v.valid_to IS NULL OR CAST(k.reported_at AS DATE) < v.valid_to)
            CROSS JOIN moment
            WHERE {where} AND k.reported_at <= moment.as_of
        )""",
        versions=versions_cte(con),
        moment=Sql(_LATEST) if moment is None else Sql("CAST($dl_as_of AS TIMESTAMP)", {"dl_as_of": moment}),
        where=where,
    )


def overdue_matters(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    scope: Scope | None = None,
    as_of: dt.date | dt.datetime | str | None = None,
    *,
    within_days: float | None = WEEK_DAYS,
) -> pd.DataFrame:
    """The open matters at `as_of` (default: the data's latest moment) that are overdue or due within
    `within_days` days (None: every open matter), most overdue first: case_id, grid_id, grid_name,
    community_id, community_name, category, urgent, reported_at, deadline_days, due_at, status
    ('overdue', 'due_soon', 'later'), days_overdue (overdue only), days_left (the others), as_of.

    No reporter or description: this list is for chasing, not for reading (a secretary opens the
    matter itself). Roles that work on masked data (analyst, admin) may not read it: a deadline is its
    category's, so a matter's deadline, due time or days overdue beside its report time (which
    analytics.cases.oldest_open shows them) would give back the category that every list hides from
    them, and with it the small counts of disputes (analytics.core.privacy)."""
    _chasers_only(scope)
    horizon = Sql("TRUE") if within_days is None else Sql("o.days_left <= $dl_within", {"dl_within": within_days})
    sql = Sql.compose(
        """
        WITH {matters},
        open_matters AS (
            SELECT m.*, moment.as_of,
                   (epoch(moment.as_of) - epoch(m.due_at)) / 86400.0 AS late,
                   (epoch(m.due_at) - epoch(moment.as_of)) / 86400.0 AS days_left
            FROM matters m, moment
            WHERE m.closed_at IS NULL
        ),
        final AS (
            SELECT o.case_id, cm.grid_id, g.name AS grid_name, o.community_id, cm.name AS community_name,
                   o.category, o.urgent, o.reported_at, o.deadline_days, o.due_at,
                   CASE WHEN o.as_of > o.due_at THEN 'overdue'
                        WHEN o.days_left <= $dl_week THEN 'due_soon' ELSE 'later' END AS status,
                   CASE WHEN o.as_of > o.due_at THEN o.late END AS days_overdue,
                   CASE WHEN o.as_of <= o.due_at THEN o.days_left END AS days_left,
                   o.as_of
            FROM open_matters o
            LEFT JOIN communities cm ON cm.community_id = o.community_id
            LEFT JOIN grids g ON g.grid_id = cm.grid_id
            WHERE {horizon}
        )
        SELECT * FROM final ORDER BY due_at, case_id""",
        matters=matters_cte(con, filters, scope, as_of),
        horizon=horizon,
    ).bind(dl_week=WEEK_DAYS)
    return db.query(con, *sql)


def _chasers_only(scope: Scope | None) -> None:
    if not privacy.sees_personal_data(scope):
        raise AccessDenied(msg("err.overdue.chasers_only"))


def holders(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    scope: Scope | None = None,
    as_of: dt.date | dt.datetime | str | None = None,
    *,
    by: str | Iterable[str] = HOLDER_BY,
) -> pd.DataFrame:
    """Per holder (`by` ⊆ grid_id, community_id; () = one total row) at `as_of`: open, overdue,
    due_soon (due within WEEK_DAYS days, not yet overdue), urgent_overdue, most_days_overdue, as_of, and
    the grid_name / community_name. Only holders with an open matter have a row (the total row always).
    Per community only for the roles that chase matters: a community holds few open matters, whose
    ages a masked role reads in the oldest list, and its overdue count beside them could tell which
    had a short deadline, that is a dispute (see overdue_matters); per grid the numbers are too large."""
    by = _check_by(by, HOLDER_BY)
    if "community_id" in by:
        _chasers_only(scope)
    keys = "".join(f"{b}, " for b in by)
    names = {"grid_id": "g.name AS grid_name", "community_id": "cm.name AS community_name"}
    head = "".join(f"s.{b}, {names[b]}, " for b in by)
    joins = " ".join(
        {
            "grid_id": "LEFT JOIN grids g ON g.grid_id = s.grid_id",
            "community_id": "LEFT JOIN communities cm ON cm.community_id = s.community_id",
        }[b]
        for b in by
    )
    order = ("ORDER BY " + ", ".join(f"s.{b}" for b in by)) if by else ""
    sql = Sql.compose(
        f"""
        WITH {{matters}},
        open_matters AS (
            SELECT m.*, c.grid_id, moment.as_of, (epoch(m.due_at) - epoch(moment.as_of)) / 86400.0 AS days_left
            FROM (SELECT * FROM matters WHERE closed_at IS NULL) m
            LEFT JOIN communities c ON c.community_id = m.community_id
            CROSS JOIN moment
        ),
        s AS (
            SELECT {keys}count(*) AS open,
                   count(*) FILTER (WHERE as_of > due_at) AS overdue,
                   count(*) FILTER (WHERE as_of <= due_at AND days_left <= $dl_week) AS due_soon,
                   count(*) FILTER (WHERE as_of > due_at AND urgent) AS urgent_overdue,
                   max(-days_left) FILTER (WHERE as_of > due_at) AS most_days_overdue
            FROM open_matters
            GROUP BY ALL
        )
        SELECT {head}s.open, s.overdue, s.due_soon, s.urgent_overdue, s.most_days_overdue,
               (SELECT as_of FROM moment) AS as_of
        FROM s {joins} {order}""",
        matters=matters_cte(con, filters, scope, as_of),
    ).bind(dl_week=WEEK_DAYS)
    return db.query(con, *sql)


def closed_within_deadline(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    scope: Scope | None = None,
    *,
    by: str | Iterable[str] = (),
) -> pd.DataFrame:
    """The share of matters closed within deadline (按期办结率), beside 小事不出网格 and with its period,
    filter and scope semantics: the matters REPORTED in the period and closed (by the data's latest
    moment), per group of `by` ⊆ grid_id, community_id, month (() = one total row). Columns: the `by`
    keys (with grid_name / community_name), closed, on_time (closed_at ≤ due_at), late, on_time_rate
    (on_time ÷ closed; NaN when nothing is closed: unknown, not 0)."""
    by = _check_by(by, ON_TIME_BY)
    keys = "".join(f"{'c' if b == 'grid_id' else 'p'}.{b} AS {b}, " for b in by)
    names = {"grid_id": "g.name AS grid_name, ", "community_id": "cm.name AS community_name, ", "month": ""}
    head = "".join(f"s.{b}, {names[b]}" for b in by)
    joins = " ".join(
        {
            "grid_id": "LEFT JOIN grids g ON g.grid_id = s.grid_id",
            "community_id": "LEFT JOIN communities cm ON cm.community_id = s.community_id",
            "month": "",
        }[b]
        for b in by
    )
    order = ("ORDER BY " + ", ".join(f"s.{b}" for b in by)) if by else ""
    sql = Sql.compose(
        f"""
        WITH {{matters}},
        per_community AS (
            SELECT community_id, CAST(date_trunc('month', reported_at) AS DATE) AS month, count(*) AS closed,
                   count(*) FILTER (WHERE closed_at <= due_at) AS on_time,
                   count(*) FILTER (WHERE closed_at > due_at) AS late
            FROM matters
            WHERE closed_at IS NOT NULL
            GROUP BY ALL
        ),
        s AS (
            SELECT {keys}coalesce(CAST(sum(p.closed) AS BIGINT), 0) AS closed,
                   coalesce(CAST(sum(p.on_time) AS BIGINT), 0) AS on_time,
                   coalesce(CAST(sum(p.late) AS BIGINT), 0) AS late
            FROM per_community p LEFT JOIN communities c ON c.community_id = p.community_id
            GROUP BY ALL
        )
        SELECT {head}s.closed, s.on_time, s.late, s.on_time / nullif(s.closed, 0) AS on_time_rate
        FROM s {joins} {order}""",
        matters=matters_cte(con, filters, scope),
    )
    frame = db.query(con, *sql)
    frame["on_time_rate"] = frame["on_time_rate"].astype("float64")
    return frame


def _check_by(by: str | Iterable[str], allowed: tuple[str, ...]) -> tuple[str, ...]:
    by = (by,) if isinstance(by, str) else tuple(by)
    if any(b not in allowed for b in by) or len(set(by)) != len(by):
        raise ValueError(f"by must be distinct names from {allowed}; got {by}")
    return by
