"""The pivot builder: dimensions, measures and filters picked from lists, turned into one SQL query.

Only names from the allow-lists below are ever formatted into the SQL; every value a user picks
(period, grids, codes to keep) is bound. The SQL text comes back with the answer so that the page can
show it, and the analyst can paste it into the console (with `explore.inline_params`).

Measures follow docs/design.md: rates count closed matters only; a matter belongs to the period
it was reported in; per-1,000 measures divide by the residents of the row's community or grid (or of
every community in the selection when the rows are not split by place).

The query reads the source its warehouse gives (analytics.warehouse.source): the daily rollups while they
are current, else the fact tables in the same columns. Every measure here adds up, so the answer is the
same, and the SQL shown is the one that ran.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import duckdb
import pandas as pd

from analytics.core import connection as db
from analytics.core import privacy
from analytics.core.errors import DataError
from analytics.core.filters import Filters
from analytics.core.scope import Scope
from analytics.core.sql import Sql
from analytics.explore import console as explore
from analytics.warehouse import source as warehouse
from analytics.warehouse.source import Source
from words import listing, msg

SUBJECTS = ("activities", "cases")
MAX_DIMENSIONS = 3
_LIST = ",\n           "

# What a pivot reads: the rows of its subject's source (analytics.warehouse.source; a row is a day or month ×
# community × item × partner (activities) or × category × level × urgent (cases) with its counts),
# joined to the places and names its dimensions show.
_FROM = {
    "activities": """{rows} a
        JOIN service_items i ON i.item_id = a.item_id
        JOIN communities c ON c.community_id = a.community_id
        JOIN grids g ON g.grid_id = c.grid_id
        LEFT JOIN partners p ON p.partner_id = a.partner_id""",
    "cases": """{rows} k
        JOIN communities c ON c.community_id = k.community_id
        JOIN grids g ON g.grid_id = c.grid_id""",
}
_DATE = {"activities": "a.day", "cases": "k.day"}
_COMMUNITY = {"activities": "a.community_id", "cases": "k.community_id"}
_COLOUR = {"activities": "i.seed_colour", "cases": None}


def _in_order(expr: str, codes: tuple[str, ...]) -> str:
    """Sort `expr` in the domain's order of its codes (the seed plan's colours, the levels upwards…)."""
    whens = " ".join(f"WHEN '{code}' THEN {n}" for n, code in enumerate(codes, start=1))
    return f"CASE {expr} {whens} ELSE {len(codes) + 1} END"


COLOURS = ("red", "green", "white", "blue")
KINDS = ("enterprise", "hospital", "school", "agency", "social_org")
CATEGORIES = ("party_building", "opinion", "service_proxy", "dispute")
LEVELS = ("grid", "community", "street", "district", "open")
_LEVEL = "k.level"


@dataclass(frozen=True)
class Dimension:
    expr: str  # the value shown; {date} is the subject's date column
    sort: str  # what rows are ordered by
    subjects: tuple[str, ...] = SUBJECTS
    place: bool = False  # a place: per-1,000 measures divide by its residents
    codes: tuple | None = None  # the values a filter may keep (codes that ui.i18n.label names)


DIMENSIONS: dict[str, Dimension] = {
    "year": Dimension("CAST(date_trunc('year', {date}) AS DATE)", "CAST(date_trunc('year', {date}) AS DATE)"),
    "quarter": Dimension("CAST(date_trunc('quarter', {date}) AS DATE)", "CAST(date_trunc('quarter', {date}) AS DATE)"),
    "month": Dimension("CAST(date_trunc('month', {date}) AS DATE)", "CAST(date_trunc('month', {date}) AS DATE)"),
    "grid": Dimension("g.name", "g.grid_id", place=True),
    "community": Dimension("c.name", "c.community_id", place=True),
    "seed_colour": Dimension("i.seed_colour", _in_order("i.seed_colour", COLOURS), ("activities",), codes=COLOURS),
    "item": Dimension("i.name", "i.item_id", ("activities",)),
    "partner": Dimension("p.name", "coalesce(p.partner_id, 'ZZZ')", ("activities",)),
    "partner_kind": Dimension("p.kind", _in_order("p.kind", KINDS), ("activities",), codes=KINDS),
    "category": Dimension("k.category", _in_order("k.category", CATEGORIES), ("cases",), codes=CATEGORIES),
    "resolved_level": Dimension(_LEVEL, _in_order(_LEVEL, LEVELS), ("cases",), codes=LEVELS),
    "urgent": Dimension("k.urgent", "k.urgent", ("cases",), codes=(True, False)),
}

_CLOSED = "coalesce(CAST(sum(k.cases) FILTER (WHERE k.level <> 'open') AS BIGINT), 0)"


_GRID, _LOCAL, _OPEN_NOT = "k.level = 'grid'", "k.level IN ('grid', 'community')", "k.level <> 'open'"


def _cases(condition: str) -> str:
    return f"coalesce(CAST(sum(k.cases) FILTER (WHERE {condition}) AS BIGINT), 0)"


MEASURES: dict[str, dict[str, str]] = {
    "activities": {
        "activities": "coalesce(CAST(sum(a.activities) AS BIGINT), 0)",
        "participants": "coalesce(sum(a.participants), 0)",
        "volunteers": "coalesce(sum(a.volunteers), 0)",
        "volunteer_hours": "coalesce(sum(a.volunteer_hours), 0)",
        "partners_active": "count(DISTINCT a.partner_id)",
        "communities_active": "count(DISTINCT a.community_id)",
        "activities_per_1k": "per_1k:activities",
        "participants_per_1k": "per_1k:participants",
    },
    "cases": {
        "cases": "coalesce(CAST(sum(k.cases) AS BIGINT), 0)",
        "closed": _CLOSED,
        "open": _cases("k.level = 'open'"),
        "urgent_cases": _cases("k.urgent"),
        "in_grid_rate": f"{_cases(_GRID)} / nullif({_CLOSED}, 0)",
        "in_community_rate": f"{_cases(_LOCAL)} / nullif({_CLOSED}, 0)",
        "urgent_in_community_rate": f"{_cases('k.urgent AND ' + _LOCAL)} / nullif({_cases('k.urgent AND ' + _OPEN_NOT)}, 0)",
        "satisfaction": "sum(k.satisfaction_sum) / nullif(sum(k.surveyed), 0)",
        "days_to_close": "sum(k.minutes_to_close) / nullif(sum(k.cases) FILTER (WHERE k.level <> 'open'), 0) / 1440.0",
        "cases_per_1k": "per_1k:cases",
    },
}
RATE_MEASURES = ("in_grid_rate", "in_community_rate", "urgent_in_community_rate")


@dataclass(frozen=True)
class PivotSpec:
    """What to count (subject), split by which dimensions (rows), with which measures, for which
    filters; `keep` narrows coded dimensions: (("category", ("dispute",)), ...). Frozen: a cache key."""

    subject: str
    rows: tuple[str, ...] = ()
    measures: tuple[str, ...] = ()
    filters: Filters = field(default_factory=Filters)
    keep: tuple[tuple[str, tuple], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", tuple(self.rows))
        object.__setattr__(self, "measures", tuple(self.measures))
        object.__setattr__(self, "keep", tuple((d, tuple(v)) for d, v in self.keep))


@dataclass(frozen=True)
class PivotResult:
    frame: pd.DataFrame
    sql: str
    params: dict

    @property
    def sql_inline(self) -> str:
        """The same query with its values written in: runs as it stands in the console."""
        return explore.inline_params(self.sql, self.params)


def dimensions_for(subject: str) -> list[str]:
    return [name for name, d in DIMENSIONS.items() if subject in d.subjects]


def filterable_for(subject: str) -> list[str]:
    return [name for name in dimensions_for(subject) if DIMENSIONS[name].codes is not None]


def pivot(con: duckdb.DuckDBPyConnection, spec: PivotSpec, *, scope: Scope | None = None) -> PivotResult:
    """A row per combination of the spec's dimensions (in their natural order) with its measures.
    For roles other than leader, small counts of disputes are suppressed (`_suppressed`)."""
    src = warehouse.reader(con).source
    sql, params = build_sql(spec, scope=scope, source=src)
    frame = db.query(con, sql, params)
    if privacy.suppresses_small_counts(scope) and spec.subject == "cases":
        frame = _suppressed(con, spec, frame, scope=scope, source=src)
    return PivotResult(frame, sql, params)


# The counts behind the measures of matters, read for suppression alone (analytics.core.privacy.suppress_pivot).
_AUDIT = {
    name: _cases(condition)
    for name, condition in {
        "cases": "TRUE",
        "closed": "k.level <> 'open'",
        "open": "k.level = 'open'",
        "urgent_cases": "k.urgent",
        "grid": "k.level = 'grid'",
        "local": "k.level IN ('grid', 'community')",
        "urgent_closed": "k.urgent AND k.level <> 'open'",
        "urgent_local": "k.urgent AND k.level IN ('grid', 'community')",
    }.items()
} | {"surveyed": "coalesce(CAST(sum(k.surveyed) AS BIGINT), 0)"}


def _suppressed(
    con: duckdb.DuckDBPyConnection, spec: PivotSpec, frame: pd.DataFrame, *, scope: Scope | None, source: Source
) -> pd.DataFrame:
    """The pivot with small dispute counts hidden, and what would give them back: the rows count
    disputes alone where category is a dimension (its dispute rows) or the only category kept."""
    kept = dict(spec.keep).get("category")
    if "category" in spec.rows:
        sensitive = frame["category"] == "dispute"
    elif kept is not None and set(kept) == {"dispute"}:
        sensitive = pd.Series(True, index=frame.index)
    else:
        return frame
    if not sensitive.any():
        return frame
    audit = PivotSpec(spec.subject, spec.rows, tuple(_AUDIT), spec.filters, spec.keep)
    sql, params = build_sql(audit, scope=scope, source=source, measures=_AUDIT)
    counts = db.query(con, sql, params)
    rows = list(spec.rows)
    counts = (frame[rows].merge(counts, on=rows, how="left") if rows else counts).drop(columns=rows)
    counts.index = frame.index
    return privacy.suppress_pivot(frame, counts.fillna(0).astype("int64"), sensitive, spec.rows)


def build_sql(
    spec: PivotSpec,
    *,
    scope: Scope | None = None,
    source: Source = warehouse.RAW,
    measures: dict[str, str] | None = None,
) -> Sql:
    """The pivot's SQL and its bound values, reading `source` (analytics.warehouse.source.ROLLUPS or
    RAW; a warehouse's `.source`). `measures` replaces the measures' definitions (the counts read for
    suppression)."""
    _validate(spec, measures)
    subject = spec.subject
    measures = measures or MEASURES[subject]
    where = spec.filters.where(
        date_col=_DATE[subject],
        community_col=_COMMUNITY[subject],
        colour_col=_COLOUR[subject],
        scope=scope,
        prefix="f",
    )
    conditions: list[Sql | str] = [where]
    for n, (name, values) in enumerate(spec.keep):
        conditions.append(Sql(f"list_contains($keep_{n}, {_expr(name, subject)})", {f"keep_{n}": list(values)}))

    dims = [f"{_expr(d, subject)} AS {d}" for d in spec.rows]
    sorts = [f"min({_expr(d, subject, sort=True)}) AS sort_{d}" for d in spec.rows]
    per_1k = [m for m in spec.measures if measures[m].startswith("per_1k:")]
    bases = sorted({measures[m].split(":", 1)[1] for m in per_1k})
    aggregates = [f"{measures[m]} AS {m}" for m in spec.measures if m not in per_1k]
    aggregates += [f"{measures[b]} AS base_{b}" for b in bases]
    read = source.activities if subject == "activities" else source.cases
    facts = Sql.compose(
        f"""facts AS (
    SELECT {_LIST.join(dims + sorts + aggregates)}
    FROM {_FROM[subject]}
    WHERE {{conditions}}
    GROUP BY ALL
)""",
        rows=read([(spec.filters.start, spec.filters.end)], prefix="rows"),
        conditions=Sql.join(conditions),
    )
    ctes: list[Sql | str] = [facts]
    outputs = [f"f.{d}" for d in spec.rows] + [
        f"f.{m}"
        if m not in per_1k
        else f"f.base_{measures[m].split(':', 1)[1]} * 1000.0 / nullif(r.residents, 0) AS {m}"
        for m in spec.measures
    ]
    from_clause = "facts f"
    if per_1k:
        place = next((d for d in ("community", "grid") if d in spec.rows), None)
        people_where = spec.filters.where(date_col=None, community_col="c.community_id", scope=scope, prefix="r")
        key = f"{_expr(place, subject)} AS place, " if place else ""
        ctes.append(
            Sql.compose(
                f"""people AS (
    SELECT {key}sum(c.residents) AS residents
    FROM communities c JOIN grids g ON g.grid_id = c.grid_id
    WHERE {{where}}
    GROUP BY ALL
)""",
                where=people_where,
            )
        )
        from_clause += f" JOIN people r ON r.place = f.{place}" if place else " CROSS JOIN people r"
    ctes.append(f"""final AS (
    SELECT {_LIST.join(outputs + [f"f.sort_{d}" for d in spec.rows])}
    FROM {from_clause}
)""")
    order = f"\nORDER BY {', '.join(f'sort_{d}' for d in spec.rows)}" if spec.rows else ""
    columns = ", ".join(list(spec.rows) + list(spec.measures))
    return Sql.compose("WITH {ctes}" + f"\nSELECT {columns}\nFROM final{order}", ctes=Sql.join(ctes, ",\n"))


def _expr(name: str, subject: str, *, sort: bool = False) -> str:
    dim = DIMENSIONS[name]
    return (dim.sort if sort else dim.expr).format(date=_DATE[subject])


def _validate(spec: PivotSpec, measures: dict[str, str] | None = None) -> None:
    if spec.subject not in SUBJECTS:
        raise DataError(msg("err.pivot.subject", subject=spec.subject, choices=listing(SUBJECTS)))
    allowed = dimensions_for(spec.subject)
    if len(spec.rows) > MAX_DIMENSIONS:
        raise DataError(msg("err.pivot.too_many", limit=MAX_DIMENSIONS))
    if len(set(spec.rows)) != len(spec.rows):
        raise DataError(msg("err.pivot.dimension_twice"))
    for name in spec.rows:
        if name not in allowed:
            raise DataError(msg("err.pivot.dimension_unfit", name=name, subject=spec.subject))
    if not spec.measures:
        raise DataError(msg("err.pivot.no_measure"))
    for name in spec.measures:
        if name not in (measures or MEASURES[spec.subject]):
            raise DataError(msg("err.pivot.measure_unfit", name=name, subject=spec.subject))
    if len(set(spec.measures)) != len(spec.measures):
        raise DataError(msg("err.pivot.measure_twice"))
    for name, values in spec.keep:
        codes = DIMENSIONS[name].codes if name in DIMENSIONS else None
        if name not in allowed or codes is None:
            raise DataError(msg("err.pivot.no_filter", name=name))
        unknown = [v for v in values if v not in codes]
        if unknown or not values:
            raise DataError(msg("err.pivot.bad_values", name=name, values=unknown or msg("err.pivot.empty")))
