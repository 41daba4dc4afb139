"""Deadlines of grid matters (办理时限) per category × urgency, versioned by the date they take effect.

The rule, in one place:
- a matter's deadline is the one in force on the DAY it was reported: the latest version of its
  category and urgency whose valid_from is on or before that day, else the built-in default
  (DEFAULT_DEADLINES), which stands as the version from the beginning of time;
- the deadline counts calendar days, weekends and public holidays included: due_at = reported_at +
  days × 24 hours, to the second. A 网格 works on weekends too (网格员 rosters, 12345 hotline cases run
  on calendar days), and a calendar rule is one every reader can check by hand;
- a matter closed at or before its due time is closed within deadline (the edge counts as in time); an
  open matter is overdue at a moment strictly after its due time.

Administrators add versions on the 网格事务 page; rows are never changed in place, so what was overdue
in a past month stays overdue when a deadline changes later.
"""

from __future__ import annotations

import datetime as dt

import duckdb
import pandas as pd

from analytics.cases import CATEGORIES
from analytics.core import connection as db
from analytics.core.errors import AccessDenied, DataError
from analytics.core.scope import Scope
from analytics.core.sql import Sql
from words import listing, msg

# Days to settle a matter, by (category, urgent). Why these numbers:
# - an urgent 矛盾化解 (a dispute between neighbours, a threat of escalation) must be met the same day and
#   settled within 1 day; other urgent matters (a service a resident cannot wait for, an urgent opinion
#   before a decision) within 2 days;
# - a non-urgent 矛盾化解 within 7 days: a dispute left longer hardens and moves up to the street level;
# - 服务代办 within 10 days: most proxy services pass one office's ten-working-day cycle;
# - 党建工作 and 民意征集 within 15 days: a branch or residents' meeting must be convened and answered,
#   which takes about two weekly cycles.
DEFAULT_DEADLINES: dict[tuple[str, bool], int] = {
    ("party_building", False): 15,
    ("opinion", False): 15,
    ("service_proxy", False): 10,
    ("dispute", False): 7,
    ("party_building", True): 2,
    ("opinion", True): 2,
    ("service_proxy", True): 2,
    ("dispute", True): 1,
}
MAX_DAYS = 365
EARLIEST = dt.date(2000, 1, 1)  # the table's own floor for valid_from (the defaults stand before it)


def versions_cte(con: duckdb.DuckDBPyConnection) -> Sql:
    """The CTE `deadline_versions` (category, urgent, valid_from, valid_to, days, source, set_at, set_by):
    every version with the day the next one takes over (valid_to, exclusive; NULL = still in force).
    source is 'default' for the built-in row or 'set' for an administrator's."""
    keys = list(DEFAULT_DEADLINES)
    stored = (
        "SELECT category, urgent, valid_from, days, 'set' AS source, set_at, set_by FROM case_deadlines"
        if _has_table(con)
        else "SELECT NULL::VARCHAR, NULL::BOOLEAN, NULL::DATE, NULL::INTEGER, NULL::VARCHAR, NULL::TIMESTAMP,"
        " NULL::VARCHAR WHERE false"
    )
    # one SELECT per default joined by UNION ALL (not unnest of parallel lists): plain SQL that Spark
    # runs as DuckDB does (tests/spark/test_pages_on_spark.py)
    defaults = " UNION ALL ".join(
        f"SELECT $dl_category_{i} AS category, $dl_urgent_{i} AS urgent, CAST($dl_days_{i} AS INTEGER) AS days"
        for i in range(len(keys))
    )
    return Sql(
        f"""deadline_defaults AS ({defaults}),
        deadline_rows AS (
            SELECT category, urgent, DATE '1900-01-01' AS valid_from, days, 'default' AS source,
                   CAST(NULL AS TIMESTAMP) AS set_at, CAST(NULL AS VARCHAR) AS set_by
            FROM deadline_defaults
            UNION ALL {stored}
        ),
        deadline_versions AS (
            SELECT category, urgent, valid_from,
                   lead(valid_from) OVER (PARTITION BY category, urgent ORDER BY valid_from) AS valid_to,
                   days, source, set_at, set_by
            FROM deadline_rows
        )""",
        {
            **{f"dl_category_{i}": c for i, (c, _) in enumerate(keys)},
            **{f"dl_urgent_{i}": u for i, (_, u) in enumerate(keys)},
            **{f"dl_days_{i}": DEFAULT_DEADLINES[k] for i, k in enumerate(keys)},
        },
    )


def _has_table(con: duckdb.DuckDBPyConnection) -> bool:
    # A database opened read-only that predates the deadlines table still has the default deadlines.
    # Asked of the standard catalog and kept out of capture_sql(), as cases._has_target_table: a question
    # about the database, not part of the query a page shows or another engine runs.
    return bool(
        db.scalar(
            con,
            "SELECT count(*) FROM information_schema.tables WHERE table_name = 'case_deadlines'",
            record=False,
        )
    )


def deadlines(
    con: duckdb.DuckDBPyConnection,
    *,
    on: dt.date | str | None = None,
    history: bool = False,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """The deadlines in force on the day `on` (default: today), a row per category and urgency:
    category, urgent, days, valid_from (None for a built-in default), source ('default' or 'set'),
    set_at, set_by. With history=True every version instead, valid_to added (exclusive, None = open).
    Deadlines are not personal data: every role may read them."""
    day = _day(on) if on is not None else dt.date.today()
    chosen = "TRUE" if history else "valid_from <= $dl_on AND (valid_to IS NULL OR valid_to > $dl_on)"
    # the categories' own order, as a CASE (not list_position): plain SQL that Spark runs too
    order = " ".join(f"WHEN $dl_order_{i} THEN {i}" for i in range(len(CATEGORIES)))
    sql = Sql.compose(
        f"""
        WITH {{versions}},
        final AS (
            SELECT category, urgent, days,
                   CASE WHEN source = 'default' THEN NULL ELSE valid_from END AS valid_from,
                   CASE WHEN source = 'default' THEN NULL ELSE valid_to END AS valid_to,
                   source, set_at, set_by
            FROM deadline_versions
            WHERE {chosen}
        )
        SELECT * FROM final
        ORDER BY CASE category {order} END, urgent DESC, valid_from NULLS FIRST""",
        versions=versions_cte(con),
    ).bind(**{f"dl_order_{i}": c for i, c in enumerate(CATEGORIES)}, **({} if history else {"dl_on": day}))
    frame = db.query(con, *sql)
    return frame if history else frame.drop(columns=["valid_to"])


def _day(value: dt.date | str) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError as exc:
        raise DataError(msg("err.overdue.bad_date", value=value)) from exc


def _check_change(category: str, scope: Scope | None) -> None:
    if scope is not None and scope.role != "admin":
        raise AccessDenied(msg("err.overdue.admins_only"))
    if category not in CATEGORIES:
        raise DataError(msg("err.overdue.unknown_category", category=category, categories=listing(CATEGORIES)))


def set_deadline(
    con: duckdb.DuckDBPyConnection,
    category: str,
    urgent: bool,
    days: int,
    *,
    valid_from: dt.date | str,
    set_by: str | None = None,
    scope: Scope | None = None,
) -> None:
    """A new version of the deadline of (category, urgent): `days` calendar days for the matters
    reported on or after `valid_from`. A version on the same day replaces that day's. Only an admin
    may (scope None = the file's holder)."""
    _check_change(category, scope)
    try:
        value = float(days)
    except (TypeError, ValueError) as exc:
        raise DataError(msg("err.overdue.days_range", days=days, most=MAX_DAYS)) from exc
    number = int(value) if value.is_integer() else 0  # 1.5 days is refused, "7" and 7.0 are 7
    if not 1 <= number <= MAX_DAYS:
        raise DataError(msg("err.overdue.days_range", days=days, most=MAX_DAYS))
    day = _day(valid_from)
    if day < EARLIEST:
        raise DataError(msg("err.overdue.too_early", day=day.isoformat(), earliest=EARLIEST.isoformat()))
    row = {
        "category": category,
        "urgent": bool(urgent),
        "valid_from": day,
        "days": number,
        "set_at": dt.datetime.now().replace(microsecond=0),
        "set_by": set_by,
    }
    _write(
        con,
        Sql(
            "INSERT OR REPLACE INTO case_deadlines (category, urgent, valid_from, days, set_at, set_by)"
            " VALUES ($category, $urgent, $valid_from, $days, $set_at, $set_by)",
            row,
        ),
    )


def remove_deadline(
    con: duckdb.DuckDBPyConnection,
    category: str,
    urgent: bool,
    *,
    valid_from: dt.date | str,
    scope: Scope | None = None,
) -> int:
    """Remove one version set by mistake (the one before it applies again); the rows removed (0 or 1)."""
    _check_change(category, scope)
    key = {"category": category, "urgent": bool(urgent), "valid_from": _day(valid_from)}
    where = "category = $category AND urgent = $urgent AND valid_from = $valid_from"
    found = int(db.scalar(con, f"SELECT count(*) FROM case_deadlines WHERE {where}", key))
    _write(con, Sql(f"DELETE FROM case_deadlines WHERE {where}", key))
    return found


def _write(con: duckdb.DuckDBPyConnection, statement: Sql) -> None:
    cur = con.cursor()  # a transaction of its own: the app's connection is shared between sessions
    try:
        db.execute(cur, "BEGIN TRANSACTION")
        db.execute(cur, statement)
        db.execute(cur, "COMMIT")
    except BaseException:
        cur.execute("ROLLBACK")
        raise
    finally:
        cur.close()
