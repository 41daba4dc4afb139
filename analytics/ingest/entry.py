"""随手录入: one grid matter, one seed activity, or the close of an open matter, entered from a phone by a
grid worker or a secretary.

    add_case(con, community="鹤北一居", category="矛盾化解", reported="今天", scope=me, username="wang")
    add_activity(con, community=…, item="种树认养", held_on="6月3日", participants=30, …)
    close_case(con, "K-…", level="网格", closed="今天 16:30", satisfaction=5, scope=me, username="wang")

A form's fields are one row of a ledger: they are read by the importer's own readers and checks
(validate.Pipeline: short names of communities, vocabularies, Chinese dates, ranges, a close not
before the report), so an entry is refused for exactly what an import would be refused for. On top of
that come what only a form has: spoken dates (今天, 昨天, 6月3日: turned into full dates and then read by
the importer), no time after now, and the writer's scope (a secretary her community, a grid worker
her grid).

Each entry is one transaction: the row, its import batch (so the 数据导入 page's history lists it and an
administrator undoes it like any import), its entry_batches row, the rollups and stored results
(analytics.refresh in the same transaction: 0.45 s on the subdistrict's demo world, measured by
bench/entry_bench.py), and the audit event, written last before COMMIT so that a failed audit write
rolls the entry back. The audit trail lives in the shared store, not in DuckDB, so a COMMIT that fails
after it leaves one event for an entry that is not there; an "entry_failed" event then says so.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from analytics import refresh
from analytics.access import audit
from analytics.core import connection as db
from analytics.core import privacy
from analytics.core.errors import AccessDenied, DataError
from analytics.core.scope import Scope, community_predicate
from analytics.core.sql import Sql
from analytics.ingest import load
from analytics.ingest.specs import TABLES
from analytics.ingest.text import nfkc
from analytics.ingest.validate import Pipeline, Prepared
from words import Message, msg

ENTRY_ROLES = ("secretary", "grid_worker", "admin")
CLOSE_KIND = "case_closures"  # import_batches.table_name of a close (the rows it changed are grid_cases)
SHEET = "随手录入"
ROW = 1  # the one "row" of a form, as the importer's messages number it

Problem = tuple[str, Message | str]  # (the form's field: a grid_cases / seed_activities column, what is wrong)


class EntryRefused(DataError):
    """An entry with something wrong: nothing was written. `problems` says which field and what, in
    the importer's own words; the exception's message is the first of them."""

    def __init__(self, problems: list[Problem]):
        super().__init__(problems[0][1])
        self.problems = problems


@dataclass(frozen=True)
class Entered:
    batch_id: str
    record_id: str  # the case_id or activity_id
    community_id: str
    seconds: float  # the whole transaction, the refresh included


def may_enter(scope: Scope | None) -> bool:
    return scope is None or scope.role in ENTRY_ROLES


def _require(scope: Scope | None) -> None:
    if not may_enter(scope):
        raise AccessDenied(msg("err.entry.not_allowed"))


# ---------------------------------------------------------------------------------------------
# spoken dates: turned into the importer's full form, then read by its own reader
_BACK = {"今天": 0, "今日": 0, "昨天": 1, "昨日": 1, "前天": 2, "today": 0, "yesterday": 1}
_MONTH_DAY = re.compile(r"^(\d{1,2})\s*[月/.-]\s*(\d{1,2})\s*[日号]?(.*)$")


def spoken(text: str | None, now: dt.datetime, *, with_time: bool) -> str:
    """今天 / 昨天 / 前天 (optionally with a time: 今天 9:30) and a month and day without a year (6月3日: the
    latest such day not after today) as the importer's full date; any other text as written. A bare 今天
    for a time means now: a worker enters what just happened."""
    written = nfkc(text or "").strip()
    for word, back in _BACK.items():
        if written.casefold().startswith(word):
            rest = written[len(word) :].strip()
            when = now.date() - dt.timedelta(days=back)
            if not rest and back == 0 and with_time:
                return now.strftime("%Y-%m-%d %H:%M")
            return f"{when:%Y-%m-%d} {rest}".strip()
    match = _MONTH_DAY.match(written)
    if match:
        month, day, rest = int(match.group(1)), int(match.group(2)), match.group(3).strip()
        year = now.year - 1 if (month, day) > (now.month, now.day) else now.year
        return f"{year}年{month}月{day}日 {rest}".strip()
    return written


def _when(value: object) -> dt.datetime | None:
    if value is None or value is pd.NaT:
        return None
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    return None


# ---------------------------------------------------------------------------------------------
# the importer's checks over one row
def _checked(cur: duckdb.DuckDBPyConnection, table: str, fields: Mapping[str, object]) -> Prepared:
    """The form's fields read and checked as one ledger row of `table` (validate.Pipeline); the rows and
    errors are the importer's. A field left None is an empty cell."""
    spec = TABLES[table]
    names = [c.name for c in spec.columns if c.name in fields]
    columns = [pa.array(["" if fields[n] is None else str(fields[n])], type=pa.string()) for n in names]
    rows = np.array([ROW])
    prepared = Prepared(spec, SHEET, None, labels={n: spec.col(n).label for n in names})
    pipe = Pipeline(cur, spec)
    parsed = pipe.parse_columns(columns, rows, prepared, {n: i for i, n in enumerate(names)})
    pipe.finish(parsed, rows, prepared)
    return prepared


def _problems(prepared: Prepared) -> list[Problem]:
    field_of = {label: name for name, label in prepared.labels.items()}
    return [(field_of.get(label or "", ""), message) for _, label, _, message in prepared.errors]


def _community_in_scope(cur: duckdb.DuckDBPyConnection, community_id: str, scope: Scope | None) -> Problem | None:
    """A secretary writes for her community, a grid worker for the communities of her grid."""
    if scope is None or (scope.restricted_community is None and scope.restricted_grid is None):
        return None
    found = db.query(
        cur,
        "SELECT c.name, c.grid_id, g.name AS grid_name FROM communities c JOIN grids g USING (grid_id)"
        " WHERE c.community_id = $c",
        {"c": community_id},
        in_transaction=True,
    )
    name = str(found.iloc[0]["name"]) if not found.empty else community_id
    if scope.restricted_community is not None and community_id != scope.restricted_community:
        own = db.scalar(
            cur,
            "SELECT name FROM communities WHERE community_id = $c",
            {"c": scope.restricted_community},
            in_transaction=True,
        )
        return "community_id", msg("err.entry.other_community", own=own or scope.restricted_community, community=name)
    if scope.restricted_grid is not None and (found.empty or found.iloc[0]["grid_id"] != scope.restricted_grid):
        own = db.scalar(
            cur, "SELECT name FROM grids WHERE grid_id = $g", {"g": scope.restricted_grid}, in_transaction=True
        )
        return "community_id", msg("err.entry.other_grid", own=own or scope.restricted_grid, community=name)
    return None


def _not_after_now(row: Mapping[str, object], texts: Mapping[str, str], now: dt.datetime) -> list[Problem]:
    problems: list[Problem] = []
    for column, written in texts.items():
        when = _when(row.get(column))
        if when is not None and when > now:
            problems.append((column, msg("err.entry.future", text=written)))
    return problems


def _refuse_if(problems: list[Problem]) -> None:
    if problems:
        raise EntryRefused(problems)


def _digest(fields: Mapping[str, object], now: dt.datetime) -> str:
    text = json.dumps({k: None if v is None else str(v) for k, v in fields.items()}, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(f"{text}|{now.isoformat()}".encode()).hexdigest()


@contextmanager
def _audited_transaction(
    con: duckdb.DuckDBPyConnection, username: str, role: str | None
) -> Iterator[tuple[duckdb.DuckDBPyConnection, list[str]]]:
    """The entry's transaction; the audit event (the detail the body leaves in the list) is written last,
    before COMMIT, so that an audit trail that cannot be written leaves no entry behind."""
    detail: list[str] = []
    committing = False
    try:
        with db.transaction(con) as cur:
            yield cur, detail
            audit.log(username, "entry", " ".join(detail), role=role)
            committing = True
    except DataError:
        if committing:  # the event is in the trail but the COMMIT failed: say so there too
            audit.log(username, "entry_failed", " ".join(detail), role=role)
        raise


def _source_name(username: str) -> str:
    return str(msg("entry.source", user=username))


def _not_demo(con: duckdb.DuckDBPyConnection) -> None:
    # as the importer: real entries never mix with the simulated world that clear_demo deletes
    if db.is_demo(con):
        raise DataError(msg("err.entry.still_demo"))


def _add(
    con: duckdb.DuckDBPyConnection,
    table: str,
    fields: dict[str, object],
    dates: Mapping[str, str],
    *,
    scope: Scope | None,
    username: str,
    now: dt.datetime,
) -> Entered:
    _require(scope)
    _not_demo(con)
    started = time.perf_counter()
    key_column = TABLES[table].key[0]
    with _audited_transaction(con, username, scope.role if scope else None) as (cur, detail):
        prepared = _checked(cur, table, fields)
        problems = _problems(prepared)
        rows = prepared.rows
        if rows is not None and rows.num_rows == 1:
            row = rows.to_pylist()[0]
            problems += _not_after_now(row, dates, now)
            if row.get("community_id"):
                outside = _community_in_scope(cur, str(row["community_id"]), scope)
                problems += [outside] if outside else []
        _refuse_if(problems)
        row = prepared.checked_rows().to_pylist()[0]
        record_id, community_id = str(row[key_column]), str(row["community_id"])
        outcome = load.write_rows(cur, prepared, file_name=_source_name(username), sha256=_digest(fields, now))
        if not outcome["inserted"]:
            raise DataError(msg("err.entry.already", record=record_id))
        batch_id = str(outcome["batch_id"])
        _record(cur, batch_id, table, record_id, community_id, username, now)
        refresh.refresh(cur, transaction=False)
        detail += [f"batch {batch_id}:", table, record_id, community_id]
    return Entered(batch_id, record_id, community_id, time.perf_counter() - started)


def _record(
    cur: duckdb.DuckDBPyConnection,
    batch_id: str,
    kind: str,
    record_id: str,
    community_id: str,
    username: str,
    now: dt.datetime,
    close: Mapping[str, object] | None = None,
) -> None:
    close = close or {}
    db.execute(
        cur,
        """
        INSERT INTO entry_batches (batch_id, kind, record_id, community_id, entered_by, entered_at,
                                   closed_at, resolved_level, satisfaction, prior_satisfaction)
        VALUES ($batch, $kind, $record, $community, $user, $at, $closed, $level, $satisfaction, $prior)""",
        {
            "batch": batch_id,
            "kind": kind,
            "record": record_id,
            "community": community_id,
            "user": username,
            "at": now.replace(microsecond=0),
            "closed": close.get("closed_at"),
            "level": close.get("resolved_level"),
            "satisfaction": close.get("satisfaction"),
            "prior": close.get("prior_satisfaction"),
        },
    )


def _now(now: dt.datetime | None) -> dt.datetime:
    # to the minute: 今天 is written down as now, and a form's times are minutes
    return now if now is not None else dt.datetime.now().replace(second=0, microsecond=0)


# ---------------------------------------------------------------------------------------------
# the three entries
def add_case(
    con: duckdb.DuckDBPyConnection,
    *,
    community: str,
    category: str,
    reported: str = "今天",
    urgent: bool = False,
    description: str | None = None,
    scope: Scope | None = None,
    username: str = "system",
    now: dt.datetime | None = None,
) -> Entered:
    """One grid matter, open. `community`, `category` as a ledger writes them (鹤北一居, 矛盾化解);
    `reported` a date as a ledger or a person says it (2024-06-03 9:30, 6月3日, 今天)."""
    moment = _now(now)
    when = spoken(reported, moment, with_time=True)
    fields: dict[str, object] = {
        "community_id": community,
        "category": category,
        "reported_at": when,
        "urgent": "是" if urgent else "否",
        "description": (description or "").strip() or None,
    }
    return _add(con, "grid_cases", fields, {"reported_at": reported}, scope=scope, username=username, now=moment)


def add_activity(
    con: duckdb.DuckDBPyConnection,
    *,
    community: str,
    item: str,
    held_on: str = "今天",
    participants: object,
    volunteers: object,
    volunteer_hours: object,
    partner: str | None = None,
    scope: Scope | None = None,
    username: str = "system",
    now: dt.datetime | None = None,
) -> Entered:
    """One seed activity. Numbers as a ledger writes them (30, 30人, 2.5小时) or as numbers."""
    moment = _now(now)
    fields: dict[str, object] = {
        "held_on": spoken(held_on, moment, with_time=False),
        "community_id": community,
        "item_id": item,
        "partner_id": partner or None,
        "participants": participants,
        "volunteers": volunteers,
        "volunteer_hours": volunteer_hours,
    }
    return _add(con, "seed_activities", fields, {"held_on": held_on}, scope=scope, username=username, now=moment)


def close_case(
    con: duckdb.DuckDBPyConnection,
    case_id: str,
    *,
    level: str,
    closed: str = "今天",
    satisfaction: object = None,
    scope: Scope | None = None,
    username: str = "system",
    now: dt.datetime | None = None,
) -> Entered:
    """Close an open matter: the level it was settled at (网格, 居民区…), when, and the resident's score
    (1–5, None when not asked: a score the matter already had is kept). The stored matter with these
    fields filled in is checked as an imported row would be (a close before the report is refused)."""
    _require(scope)
    _not_demo(con)
    moment = _now(now)
    started = time.perf_counter()
    with _audited_transaction(con, username, scope.role if scope else None) as (cur, detail):
        stored = db.query(
            cur,
            "SELECT community_id, category, reported_at, closed_at, urgent, satisfaction FROM grid_cases"
            " WHERE case_id = $c",
            {"c": case_id},
            in_transaction=True,
        )
        if stored.empty:
            raise EntryRefused([("case_id", msg("err.entry.no_case", case=case_id))])
        case = stored.iloc[0]
        outside = _community_in_scope(cur, str(case["community_id"]), scope)
        if outside:  # another community's matter reads as no matter at all: its id tells nothing
            raise EntryRefused([("case_id", msg("err.entry.no_case", case=case_id))])
        if _when(case["closed_at"]) is not None:
            closed_at = _when(case["closed_at"])
            shown = f"{closed_at:%Y-%m-%d %H:%M}" if closed_at else ""
            raise EntryRefused([("case_id", msg("err.entry.closed_already", case=case_id, closed=shown))])
        prior = None if pd.isna(case["satisfaction"]) else int(case["satisfaction"])
        fields: dict[str, object] = {
            "community_id": case["community_id"],
            "category": case["category"],
            "reported_at": f"{_when(case['reported_at']):%Y-%m-%d %H:%M:%S}",
            "closed_at": spoken(closed, moment, with_time=True),
            "resolved_level": level,
            "urgent": "是" if bool(case["urgent"]) else "否",
            "satisfaction": prior if satisfaction is None or satisfaction == "" else satisfaction,
        }
        prepared = _checked(cur, "grid_cases", fields)
        problems = _problems(prepared)
        rows = prepared.rows
        if rows is not None and rows.num_rows == 1:
            problems += _not_after_now(rows.to_pylist()[0], {"closed_at": closed}, moment)
        _refuse_if(problems)
        row = prepared.checked_rows().to_pylist()[0]
        close = {
            "closed_at": row["closed_at"],
            "resolved_level": row["resolved_level"],
            "satisfaction": row["satisfaction"],
            "prior_satisfaction": prior,
        }
        batch_id = load.new_batch_id(cur, _digest({"case_id": case_id, **fields}, moment))
        db.execute(
            cur,
            "UPDATE grid_cases SET closed_at = $closed, resolved_level = $level, satisfaction = $satisfaction"
            " WHERE case_id = $c AND closed_at IS NULL",
            {
                "c": case_id,
                "closed": close["closed_at"],
                "level": close["resolved_level"],
                "satisfaction": close["satisfaction"],
            },
        )
        _batch_rows(cur, batch_id, username, moment)
        _record(cur, batch_id, CLOSE_KIND, case_id, str(case["community_id"]), username, moment, close)
        refresh.refresh(cur, transaction=False)
        detail += [f"batch {batch_id}:", "close", case_id, str(close["resolved_level"])]
    return Entered(batch_id, case_id, str(case["community_id"]), time.perf_counter() - started)


def _batch_rows(cur: duckdb.DuckDBPyConnection, batch_id: str, username: str, now: dt.datetime) -> None:
    """A close as an import batch of one row: the history lists it, the data version moves (caches and
    the rollups' freshness key on it), and undo finds it."""
    db.execute(
        cur,
        "INSERT INTO import_batches VALUES ($batch, $table, $file, $sha, 1, $at, 'imported')",
        {
            "batch": batch_id,
            "table": CLOSE_KIND,
            "file": _source_name(username)[:255],
            "sha": hashlib.sha256(batch_id.encode()).hexdigest(),
            "at": now.replace(microsecond=0),
        },
    )
    db.execute(
        cur, "INSERT INTO import_batch_info VALUES ($batch, $sheet, 0, 0, NULL)", {"batch": batch_id, "sheet": SHEET}
    )


# ---------------------------------------------------------------------------------------------
# undo of a close (an added row is undone by load.undo_batch, as any imported row)
def is_close(con: duckdb.DuckDBPyConnection, batch_id: str) -> bool:
    return db.scalar(con, "SELECT table_name FROM import_batches WHERE batch_id = $b", {"b": batch_id}) == CLOSE_KIND


def undo_close(con: duckdb.DuckDBPyConnection, batch_id: str) -> int:
    """Reopen the matter a close batch closed (its score as it was before), in one transaction with the
    rollups; returns 1, or 0 when the matter is gone (its own batch was undone first). Refused when
    the matter changed since (then it is not this close's to undo)."""
    with db.transaction(con) as cur:
        found = db.query(
            cur,
            "SELECT b.status, e.record_id, e.closed_at, e.resolved_level, e.satisfaction, e.prior_satisfaction"
            " FROM import_batches b JOIN entry_batches e USING (batch_id) WHERE b.batch_id = $b AND e.kind = $k",
            {"b": batch_id, "k": CLOSE_KIND},
            in_transaction=True,
        )
        if found.empty:
            raise DataError(msg("err.entry.not_entry", batch=batch_id))
        close = found.iloc[0]
        if close["status"] == "undone":
            raise DataError(msg("err.ingest.undone_already", batch=batch_id))
        case_id = str(close["record_id"])
        now_stored = db.query(
            cur,
            "SELECT closed_at, resolved_level, satisfaction FROM grid_cases WHERE case_id = $c",
            {"c": case_id},
            in_transaction=True,
        )
        reopened = 0
        if not now_stored.empty:
            current = now_stored.iloc[0]
            same = (
                _when(current["closed_at"]) == _when(close["closed_at"])
                and current["resolved_level"] == close["resolved_level"]
                and _same_score(current["satisfaction"], close["satisfaction"])
            )
            if not same:
                raise DataError(msg("err.entry.changed_since", case=case_id))
            prior = None if pd.isna(close["prior_satisfaction"]) else int(close["prior_satisfaction"])
            db.execute(
                cur,
                "UPDATE grid_cases SET closed_at = NULL, resolved_level = NULL, satisfaction = $prior WHERE case_id = $c",
                {"c": case_id, "prior": prior},
            )
            reopened = 1
        db.execute(cur, "UPDATE import_batches SET status = 'undone' WHERE batch_id = $b", {"b": batch_id})
        db.execute(
            cur,
            "UPDATE import_batch_info SET undone_at = $at WHERE batch_id = $b",
            {"b": batch_id, "at": dt.datetime.now().replace(microsecond=0)},
        )
        refresh.refresh(cur, transaction=False)
    return reopened


def _same_score(a: object, b: object) -> bool:
    def score(value: object) -> int | None:
        return None if value is None or bool(pd.isna(value)) else int(str(value))

    return score(a) == score(b)


# ---------------------------------------------------------------------------------------------
# what the form offers
def places(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> pd.DataFrame:
    """The communities the scope may write for (id, name, short name, grid): a secretary's one, a grid
    worker's grid's, everyone's for an administrator; by grid and id."""
    in_scope = community_predicate(scope, "c.community_id")
    sql = Sql.compose(
        """
        SELECT c.community_id, c.name, coalesce(nullif(c.short_name, ''), c.name) AS short_name, c.grid_id,
               g.name AS grid_name
        FROM communities c JOIN grids g USING (grid_id)
        WHERE {in_scope}
        ORDER BY c.grid_id, c.community_id""",
        in_scope=in_scope,
    )
    return db.query(con, sql)


def open_cases(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None, limit: int = 200) -> pd.DataFrame:
    """The open matters the scope may close, newest first: case_id, community, category, urgent,
    reported_at, description (masked for a role that reads personal data masked)."""
    in_scope = community_predicate(scope, "k.community_id")
    sql = Sql.compose(
        """
        SELECT k.case_id, k.community_id, coalesce(nullif(c.short_name, ''), c.name) AS community, k.category,
               k.urgent, k.reported_at, k.description
        FROM grid_cases k JOIN communities c USING (community_id)
        WHERE k.closed_at IS NULL AND {in_scope}
        ORDER BY k.reported_at DESC, k.case_id
        LIMIT $limit""",
        in_scope=in_scope,
    )
    frame = db.query(con, sql.bind(limit=int(limit)))
    if not privacy.sees_personal_data(scope):
        frame["description"] = frame["description"].map(lambda v: privacy.mask_text(v) if isinstance(v, str) else v)
    return frame
