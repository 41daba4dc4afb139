"""Four-colour seed services (四色种子): which services reach residents, where, through which partners,
and whether it is growing.

Definitions (docs/design.md): uptake is counted from `seed_activities` held in the period —
activities (场次), participants (服务居民人次), volunteers (志愿者人次) and volunteer hours; where
communities or grids of different sizes are compared it is also given per 1,000 residents. A colour
filter applies to the activity's service item; grid and community filters and the caller's scope to the
community the activity was held in.

The activities are read from the source the warehouse gives (analytics.warehouse.source): the rollups
while they are current, else seed_activities in the same columns; the same answer either way. Every
step below works on `facts`, whose rows are days (or months) × community × item × partner with their
count in `n`; `_count` counts them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from analytics import funnel
from analytics.core import connection as db
from analytics.core.filters import Filters
from analytics.core.scope import Scope
from analytics.core.sql import Sql
from analytics.warehouse import source
from analytics.warehouse.source import Source

COLOURS = ("red", "green", "white", "blue")
METRICS = ("activities", "participants", "volunteers", "volunteer_hours")
RATE_METRICS = ("activities", "participants")  # the ones given per 1,000 residents

# The allow-list of `by` dimensions: name → SQL over the `facts` step of the pipeline below.
DIMENSIONS = {
    "seed_colour": "seed_colour",
    "grid_id": "grid_id",
    "community_id": "community_id",
    "item_id": "item_id",
    "partner_id": "partner_id",
    "month": "CAST(date_trunc('month', held_on) AS DATE)",
    "week": "CAST(date_trunc('week', held_on) AS DATE)",  # ISO weeks, starting on Monday
}
TIME_DIMENSIONS = ("month", "week")
PLACE_DIMENSIONS = ("grid_id", "community_id")
# Display names joined to the id dimensions: dimension → (column, table alias, SQL).
NAME_COLUMNS = {
    "grid_id": (("grid_name", "gn.name"),),
    "community_id": (("community_name", "cn.name"), ("community_short_name", "coalesce(cn.short_name, cn.name)")),
    "item_id": (("item_name", "itn.name"), ("item_name_en", "itn.name_en")),
    "partner_id": (("partner_name", "pn.name"),),
}
NAME_JOINS = {
    "grid_id": "LEFT JOIN grids gn ON gn.grid_id = joined.grid_id",
    "community_id": "LEFT JOIN communities cn ON cn.community_id = joined.community_id",
    "item_id": "LEFT JOIN service_items itn ON itn.item_id = joined.item_id",
    "partner_id": "LEFT JOIN partners pn ON pn.partner_id = joined.partner_id",
}


def _dimensions(by: str | Iterable[str]) -> tuple[str, ...]:
    if isinstance(by, str):
        by = (by,)
    dims: list[str] = []
    for name in by:
        if name not in DIMENSIONS:
            raise ValueError(f"unknown uptake dimension {name!r}; expected some of {tuple(DIMENSIONS)}")
        if name not in dims:
            dims.append(name)
    return tuple(dims)


def _order(dimension: str, column: str | None = None) -> str:
    """Sort seed colours in the plan's order (red, green, white, blue), everything else as it comes."""
    column = column or dimension
    if dimension == "seed_colour":
        return f"CASE {column} " + " ".join(f"WHEN '{c}' THEN {i}" for i, c in enumerate(COLOURS)) + " END NULLS LAST"
    return f"{column} NULLS LAST"


def _period(filters: Filters, prefix: str) -> Sql:
    """The held_on condition of `filters`' period (open ends allowed)."""
    parts = []
    if filters.start:
        parts.append(Sql(f"held_on >= ${prefix}_start", {f"{prefix}_start": filters.start}))
    if filters.end:
        parts.append(Sql(f"held_on < ${prefix}_end", {f"{prefix}_end": filters.end + dt.timedelta(days=1)}))
    return Sql.join(parts)


def _count(condition: str | None = None) -> str:
    """The number of activities among the `facts` rows (that meet `condition`)."""
    return source.count("n", condition)


def _facts_sql(
    filters: Filters,
    scope: Scope | None,
    src: Source,
    *,
    with_previous: bool,
    grain: str = "month",
    needs: tuple[str, ...] = ("seed_colour", "grid_id"),
) -> Sql:
    """The `facts` step: activities of the period (and the previous one) with colour and grid, read
    from `src`. The colour and grid are joined only when the caller `needs` them (or a colour filter
    does); otherwise those columns are NULL. Both joins are LEFT joins, so leaving one out changes no
    count."""
    current = _period(filters, "cur")
    periods = [(filters.start, filters.end)]
    period = current
    # the caller asks for the previous period only when the filters have one
    previous = filters.previous() if with_previous else None
    if previous is not None:
        periods.append((previous.start, previous.end))
        period = Sql.compose("(({current}) OR ({previous}))", current=current, previous=_period(previous, "prev"))
    colour = "seed_colour" in needs or filters.seed_colours is not None
    grid = "grid_id" in needs
    town = f"{src.town_column}, " if src.town_column else ""  # where the rows carry it (Filters.where)
    # the period conditions name held_on: the source's day, under that name
    return Sql.compose(
        f"""
        facts AS (
            SELECT a.held_on, a.community_id, a.item_id, a.partner_id, a.participants, a.volunteers,
                   a.volunteer_hours, {"i.seed_colour" if colour else "CAST(NULL AS VARCHAR) AS seed_colour"},
                   {"c.grid_id" if grid else "CAST(NULL AS VARCHAR) AS grid_id"},
                   ({{current}}) AS is_current, a.n
            FROM (SELECT day AS held_on, community_id, {town}item_id, partner_id, participants, volunteers,
                         volunteer_hours, activities AS n FROM {{rows}}) a
            {"LEFT JOIN service_items i ON i.item_id = a.item_id" if colour else ""}
            {"LEFT JOIN communities c ON c.community_id = a.community_id" if grid else ""}
            WHERE {{where}} AND {{period}}
        )""",
        current=current,
        rows=src.activities(periods, grain=grain, prefix="fr"),
        where=filters.where(
            date_col=None,
            community_col="a.community_id",
            colour_col="i.seed_colour",
            town_col=source.town_col(src, "a"),
            scope=scope,
            prefix="f",
        ),
        period=period,
    )


def _aggregates(suffix: str, condition: str) -> str:
    return f"""
               {_count(condition)} AS activities{suffix},
               CAST(coalesce(sum(participants) FILTER (WHERE {condition}), 0) AS BIGINT) AS participants{suffix},
               CAST(coalesce(sum(volunteers) FILTER (WHERE {condition}), 0) AS BIGINT) AS volunteers{suffix},
               coalesce(sum(volunteer_hours) FILTER (WHERE {condition}), 0) AS volunteer_hours{suffix}"""


def uptake(
    con: duckdb.DuckDBPyConnection,
    filters: Filters,
    by: str | Iterable[str] = ("seed_colour",),
    *,
    scope: Scope | None = None,
) -> pd.DataFrame:
    """Seed-service uptake grouped by any of seed_colour, grid_id, community_id, item_id, partner_id,
    month, week (unknown names raise ValueError; `by=()` gives one row of totals).

    Columns: the `by` columns (and the display names of id columns: grid_name, community_name,
    community_short_name, item_name, item_name_en, partner_name), then activities, participants,
    volunteers, volunteer_hours. A row with partner_id NULL counts the activities no partner took part in.
    - With grid_id or community_id in `by`: residents, activities_per_1k, participants_per_1k. When `by`
      holds place dimensions only, every community (grid) in the filters appears, with zeros where
      nothing was held, so that the quiet ones are seen.
    - With no time dimension in `by` and a closed period: the previous period of equal length
      (`<metric>_prev`) and the relative change `<metric>_change` = (now − before) / before (a share;
      NULL when before is 0). Groups active only in the previous period appear with zeros now.
    Weeks start on Monday; the first and last week of a period may be partial.
    """
    dims = _dimensions(by)
    with_previous = not set(dims) & set(TIME_DIMENSIONS) and filters.previous() is not None
    facts = _facts_sql(
        filters,
        scope,
        source.reader(con).source,
        with_previous=with_previous,
        grain="day" if "week" in dims else "month",
        needs=dims,
    )

    keys = ", ".join(f"{DIMENSIONS[d]} AS {d}" for d in dims)
    aggregates = _aggregates("", "is_current")
    if with_previous:
        aggregates += "," + _aggregates("_prev", "NOT is_current")
    grouped = f"""
        grouped AS (
            SELECT {keys + "," if keys else ""} {aggregates}
            FROM facts
            {"GROUP BY ALL" if dims else ""}
        )"""

    places = [d for d in dims if d in PLACE_DIMENSIONS]
    metric_cols = [f"g.{m}" for m in METRICS] + ([f"g.{m}_prev" for m in METRICS] if with_previous else [])
    steps: list[Sql | str] = [facts, grouped]
    if places:
        people_where = filters.where(date_col=None, community_col="c.community_id", scope=scope, prefix="p")
        place_keys = ", ".join(f"c.{d}" for d in places)
        steps.append(
            Sql.compose(
                f"""
        people AS (
            SELECT {place_keys}, CAST(sum(c.residents) AS BIGINT) AS residents
            FROM communities c
            WHERE {{where}}
            GROUP BY ALL
        )""",
                where=people_where,
            )
        )
        using = ", ".join(places)
        other = [d for d in dims if d not in places]
        if other:  # sparse: a row per observed combination
            joined_from = f"grouped g LEFT JOIN people p USING ({using})"
            key_cols = [f"g.{d}" for d in dims]
        else:  # dense: every community / grid of the filters, zeros where nothing was held
            joined_from = f"people p FULL JOIN grouped g USING ({using})"
            key_cols = list(dims)
        metrics = [f"coalesce({c}, 0) AS {c[2:]}" for c in metric_cols]
        steps.append(f"""
        joined AS (
            SELECT {", ".join(key_cols)}, {", ".join(metrics)}, p.residents
            FROM {joined_from}
        )""")
    else:
        steps.append(f"""
        joined AS (
            SELECT {", ".join([f"g.{d}" for d in dims] + metric_cols)} FROM grouped g
        )""")

    names = [f"{sql} AS {col}" for d in dims for col, sql in NAME_COLUMNS.get(d, ())]
    derived = []
    if places:
        derived += [f"joined.{m} * 1000.0 / nullif(joined.residents, 0) AS {m}_per_1k" for m in RATE_METRICS]
        if with_previous:
            derived += [
                f"joined.{m}_prev * 1000.0 / nullif(joined.residents, 0) AS {m}_per_1k_prev" for m in RATE_METRICS
            ]
    if with_previous:
        derived += [f"(joined.{m} - joined.{m}_prev) / nullif(joined.{m}_prev, 0) AS {m}_change" for m in METRICS]
    joins = "\n".join(NAME_JOINS[d] for d in dims if d in NAME_JOINS)
    carried = (
        list(METRICS) + ([f"{m}_prev" for m in METRICS] if with_previous else []) + (["residents"] if places else [])
    )
    columns = [f"joined.{c}" for c in (*dims,)] + names + [f"joined.{c}" for c in carried] + derived
    steps.append(f"""
        final AS (
            SELECT {", ".join(columns)}
            FROM joined
            {joins}
        )""")
    order = f" ORDER BY {', '.join(_order(d) for d in dims)}" if dims else ""
    sql = Sql.compose("WITH {steps}\nSELECT * FROM final" + order, steps=Sql.join(steps, ","))
    return db.query(con, *sql)


# ---------------------------------------------------------------------------------------------
# communities compared per 1,000 residents
@dataclass(frozen=True)
class Funnel:
    """A funnel plot of activities per 1,000 residents (see analytics/funnel.py for the formula).

    points: a row per community with residents — community_id, community_name, community_short_name,
        grid_id, grid_name, residents, activities, activities_per_1k, expected, lower_95, upper_95,
        lower_998, upper_998, band (high_998, high_95, within, low_95, low_998).
    curve: the limits over a range of community sizes, to draw the funnel (residents, expected,
        lower_95, upper_95, lower_998, upper_998).
    pooled_per_1k: the pooled rate of the communities compared (NaN when there are none).
    compared: how many communities the pooled rate and the limits come from. For a secretary that is
        every community in the filters while `points` holds her own row only: the limits are the
        subdistrict's, and no other community's row leaves the function.
    """

    points: pd.DataFrame
    curve: pd.DataFrame
    pooled_per_1k: float
    compared: int = 0


def community_funnel(
    con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: Scope | None = None, steps: int = 80
) -> Funnel:
    """Each community's activities per 1,000 residents against the pooled rate of the communities in
    the filters (the whole town unless grids are chosen), with 95 % and 99.8 % Poisson control
    limits for its size. A community outside the 99.8 % band differs by more than chance.

    The pooled rate and the funnel are always those of every community in the filters, whoever asks: a
    secretary's one dot is set against her town, not against itself. Of the others only totals
    are used (their activities and residents summed, the smallest and largest size for the curve's
    span); `points` keeps the rows the scope may read."""
    frame = uptake(con, filters.in_town_of(scope), ("grid_id", "community_id"), scope=None)
    frame = frame[frame["residents"] > 0]
    columns = [
        "community_id",
        "community_name",
        "community_short_name",
        "grid_id",
        "grid_name",
        "residents",
        "activities",
        "activities_per_1k",
    ]
    everyone = frame[columns].reset_index(drop=True)
    own = scope.restricted_community if scope is not None else None
    points = everyone if own is None else everyone[everyone["community_id"] == own].reset_index(drop=True)
    if everyone.empty:
        empty = funnel.rate_limits(0.0, np.array([]))
        return Funnel(
            points.assign(**{c: pd.Series(dtype=float) for c in empty.columns[1:]}, band=pd.Series(dtype=str)),
            empty,
            float("nan"),
        )
    pooled = everyone["activities"].sum() / everyone["residents"].sum()
    limits = funnel.rate_limits(pooled, points["residents"])
    points = pd.concat([points, limits.drop(columns="residents")], axis=1)
    points["band"] = funnel.band(points["activities"], points["expected"])
    low, high = everyone["residents"].min(), everyone["residents"].max()
    sizes = np.geomspace(max(low * 0.6, 1.0), high * 1.15, steps)
    return Funnel(points, funnel.rate_limits(pooled, sizes), float(pooled * 1000), len(everyone))


# ---------------------------------------------------------------------------------------------
# service items, days
def item_ranking(con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: Scope | None = None) -> pd.DataFrame:
    """Service items ranked within their colour by participants (residents served), then activities.

    Every item of the selected colours appears, zeros included. Columns: seed_colour, item_id, item_name,
    item_name_en, activities, participants, volunteer_hours, communities_reached, rank_in_colour,
    share_of_colour (the item's share of its colour's participants, 0–1)."""
    facts = _facts_sql(filters, scope, source.reader(con).source, with_previous=False, needs=())
    item_where = Sql("TRUE")
    if filters.seed_colours is not None:
        item_where = Sql("list_contains($item_colours, seed_colour)", {"item_colours": list(filters.seed_colours)})
    sql = f"""
        WITH {{facts}},
        per_item AS (
            SELECT item_id, {_count()} AS activities, CAST(sum(participants) AS BIGINT) AS participants,
                   sum(volunteer_hours) AS volunteer_hours, count(DISTINCT community_id) AS communities_reached
            FROM facts
            GROUP BY ALL
        ),
        items AS (
            SELECT item_id, seed_colour, name AS item_name, name_en AS item_name_en
            FROM service_items
            WHERE {{item_where}}
        ),
        counted AS (
            SELECT it.seed_colour, it.item_id, it.item_name, it.item_name_en,
                   coalesce(p.activities, 0) AS activities, coalesce(p.participants, 0) AS participants,
                   coalesce(p.volunteer_hours, 0) AS volunteer_hours,
                   coalesce(p.communities_reached, 0) AS communities_reached
            FROM items it LEFT JOIN per_item p USING (item_id)
        ),
        final AS (
            SELECT *,
                   rank() OVER (PARTITION BY seed_colour ORDER BY participants DESC, activities DESC) AS rank_in_colour,
                   participants / nullif(sum(participants) OVER (PARTITION BY seed_colour), 0) AS share_of_colour
            FROM counted
        )
        SELECT * FROM final ORDER BY {_order("seed_colour")}, rank_in_colour, item_id"""
    return db.query(con, *Sql.compose(sql, facts=facts, item_where=item_where))


def daily(con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: Scope | None = None) -> pd.DataFrame:
    """A row per day of the period (every day, zeros included) for a calendar heatmap: day, week (its
    Monday), weekday (0 = Monday … 6 = Sunday), activities, participants. An open-ended period runs
    from the first to the last day with an activity."""
    sql = Sql.compose(
        f"""
        WITH {{facts}},
        final AS (
            SELECT held_on AS day, {_count()} AS activities, CAST(sum(participants) AS BIGINT) AS participants
            FROM facts
            GROUP BY ALL
        )
        SELECT * FROM final ORDER BY day""",
        facts=_facts_sql(filters, scope, source.reader(con).source, with_previous=False, grain="day", needs=()),
    )
    counts = db.query(con, *sql)
    counts["day"] = pd.to_datetime(counts["day"])
    first = pd.Timestamp(filters.start) if filters.start else counts["day"].min()
    last = pd.Timestamp(filters.end) if filters.end else counts["day"].max()
    days = pd.date_range(first, last, freq="D") if pd.notna(first) and pd.notna(last) else pd.DatetimeIndex([])
    frame = (
        counts.set_index("day")
        .reindex(days, fill_value=0)
        .rename_axis("day")
        .reset_index()
        .astype({"activities": "int64", "participants": "int64"})
    )
    frame["weekday"] = frame["day"].dt.day_of_week
    frame["week"] = frame["day"] - pd.to_timedelta(frame["weekday"], unit="D")
    return frame[["day", "week", "weekday", "activities", "participants"]]


# ---------------------------------------------------------------------------------------------
# partners
def _pairings_sql(filters: Filters, scope: Scope | None) -> Sql:
    """The `paired` step: pairings whose community is in the filters and scope and that had begun by
    the end of the period (a pairing signed later cannot have been idle in it)."""
    where = filters.where(date_col=None, community_col="pr.community_id", scope=scope, prefix="pr")
    if filters.end:
        where = Sql.compose("{w} AND (pr.since IS NULL OR pr.since <= $pr_end)", w=where).bind(pr_end=filters.end)
    return Sql.compose(
        """
        paired AS (
            SELECT pr.partner_id, pr.community_id, pr.since FROM pairings pr WHERE {where}
        )""",
        where=where,
    )


def _partner_steps(con: duckdb.DuckDBPyConnection | source.Warehouse, filters: Filters, scope: Scope | None) -> Sql:
    return Sql.compose(
        f"""{{facts}},{{paired}},
        per_pair AS (
            SELECT partner_id, community_id, {_count()} AS activities,
                   CAST(sum(participants) AS BIGINT) AS participants, sum(volunteer_hours) AS volunteer_hours
            FROM facts
            WHERE partner_id IS NOT NULL
            GROUP BY ALL
        )""",
        facts=_facts_sql(filters, scope, source.reader(con).source, with_previous=False, needs=()),
        paired=_pairings_sql(filters, scope),
    )


def partner_contribution(
    con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: Scope | None = None
) -> pd.DataFrame:
    """What each partner contributed in the period: a row per partner with a pairing or an activity in
    the filters — partner_id, partner_name, kind, activities, participants, volunteer_hours,
    communities_reached, paired_communities, idle_pairings (paired communities it held nothing in),
    share_of_activities (its share of all seed activities in the filters, 0–1). Most active first."""
    sql = f"""
        WITH {{steps}},
        totals AS (
            SELECT {_count()} AS all_activities FROM facts
        ),
        per_partner AS (
            SELECT partner_id, sum(activities) AS activities, sum(participants) AS participants,
                   sum(volunteer_hours) AS volunteer_hours, count(*) AS communities_reached
            FROM per_pair
            GROUP BY ALL
        ),
        pair_use AS (
            SELECT pr.partner_id, count(*) AS paired_communities,
                   count(*) FILTER (WHERE pp.activities IS NULL) AS idle_pairings
            FROM paired pr LEFT JOIN per_pair pp USING (partner_id, community_id)
            GROUP BY ALL
        ),
        final AS (
            SELECT p.partner_id, p.name AS partner_name, p.kind,
                   CAST(coalesce(u.activities, 0) AS BIGINT) AS activities,
                   CAST(coalesce(u.participants, 0) AS BIGINT) AS participants,
                   coalesce(u.volunteer_hours, 0) AS volunteer_hours,
                   coalesce(u.communities_reached, 0) AS communities_reached,
                   coalesce(pu.paired_communities, 0) AS paired_communities,
                   coalesce(pu.idle_pairings, 0) AS idle_pairings,
                   coalesce(u.activities, 0) / nullif(t.all_activities, 0) AS share_of_activities
            FROM partners p
            LEFT JOIN per_partner u ON u.partner_id = p.partner_id
            LEFT JOIN pair_use pu ON pu.partner_id = p.partner_id
            CROSS JOIN totals t
            WHERE u.partner_id IS NOT NULL OR pu.partner_id IS NOT NULL
        )
        SELECT * FROM final ORDER BY activities DESC, participants DESC, partner_id"""
    return db.query(con, *Sql.compose(sql, steps=_partner_steps(con, filters, scope)))


def pairing_matrix(con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: Scope | None = None) -> pd.DataFrame:
    """The partner ↔ community view in long form: a row per pairing in force in the period, and per
    partner–community pair that held activities without a recorded pairing. Columns: partner_id,
    partner_name, kind, community_id, community_name, community_short_name, grid_id, grid_name, paired, since,
    activities, participants, status — delivered (paired and active), idle (paired, nothing held in the
    period, of the selected colours if a colour filter is set), unpaired (active without a pairing)."""
    sql = """
        WITH {steps},
        cells AS (
            SELECT partner_id, community_id, pr.since, pr.partner_id IS NOT NULL AS paired,
                   coalesce(pp.activities, 0) AS activities, coalesce(pp.participants, 0) AS participants
            FROM paired pr FULL JOIN per_pair pp USING (partner_id, community_id)
        ),
        final AS (
            SELECT cl.partner_id, p.name AS partner_name, p.kind, cl.community_id, c.name AS community_name,
                   coalesce(c.short_name, c.name) AS community_short_name, c.grid_id, g.name AS grid_name,
                   cl.paired, cl.since,
                   cl.activities, cl.participants,
                   CASE WHEN cl.paired AND cl.activities > 0 THEN 'delivered'
                        WHEN cl.paired THEN 'idle' ELSE 'unpaired' END AS status
            FROM cells cl
            LEFT JOIN partners p ON p.partner_id = cl.partner_id
            LEFT JOIN communities c ON c.community_id = cl.community_id
            LEFT JOIN grids g ON g.grid_id = c.grid_id
        )
        SELECT * FROM final ORDER BY partner_id, community_id"""
    return db.query(con, *Sql.compose(sql, steps=_partner_steps(con, filters, scope)))


def idle_pairings(con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: Scope | None = None) -> pd.DataFrame:
    """Pairings in force in the period that delivered nothing in it (rows of `pairing_matrix`)."""
    matrix = pairing_matrix(con, filters, scope=scope)
    return matrix[matrix["status"] == "idle"].reset_index(drop=True)


def uncovered_communities(
    con: duckdb.DuckDBPyConnection, filters: Filters, *, scope: Scope | None = None
) -> pd.DataFrame:
    """Communities in the filters where no partner took part in any activity in the period: community_id,
    community_name, community_short_name, grid_id, grid_name, residents, activities (held without a
    partner), paired_partners (pairings in force)."""
    sql = f"""
        WITH {{steps}},
        per_community AS (
            SELECT community_id, {_count()} AS activities,
                   {_count("partner_id IS NOT NULL")} AS partner_activities
            FROM facts
            GROUP BY ALL
        ),
        pairs AS (
            SELECT community_id, count(*) AS paired_partners FROM paired GROUP BY ALL
        ),
        final AS (
            SELECT c.community_id, c.name AS community_name, coalesce(c.short_name, c.name) AS community_short_name,
                   c.grid_id, g.name AS grid_name, c.residents, coalesce(pc.activities, 0) AS activities,
                   coalesce(pa.paired_partners, 0) AS paired_partners
            FROM communities c
            LEFT JOIN grids g ON g.grid_id = c.grid_id
            LEFT JOIN per_community pc ON pc.community_id = c.community_id
            LEFT JOIN pairs pa ON pa.community_id = c.community_id
            WHERE {{where}} AND coalesce(pc.partner_activities, 0) = 0
        )
        SELECT * FROM final ORDER BY grid_id, community_id"""
    where = filters.where(date_col=None, community_col="c.community_id", scope=scope, prefix="cm")
    return db.query(con, *Sql.compose(sql, steps=_partner_steps(con, filters, scope), where=where))
