"""The pages' answers computed in pandas as a pandas expert would: the tables loaded once (as
`st.cache_data` would keep them), then every question answered by vectorised filtering and one groupby.

What makes it the strong baseline rather than the naive one (issue 18, item 9):

- loaded once, only the columns the pages need; every code (community, grid, category, level, colour,
  item, partner) is a categorical whose categories are the reference table's ids in sorted order, so
  the frames are small, joins and `isin` work on integer codes, and every groupby runs with
  `observed=True` on codes;
- everything a question derives from a row alone is computed once at load: the grid of each row (from
  the codes, by array indexing), the month, hours to close, and the flags the counts add up (closed,
  settled at each level, urgent and closed, satisfied …); the open cases, measured at the data's latest
  moment, are a small frame of their own;
- the facts are kept sorted by date, so a period is a slice found by binary search (`searchsorted`), and
  places are a boolean mask on codes;
- each question reads only the columns it needs and is one groupby with named aggregation over them;
  the exact percentiles are positions in the durations, sorted by length once at load (group numbers
  and sizes pick each rank), never a Python loop over groups.

Each function returns the same numbers as the analytics function of the same name, in columns of the same
names, so that bench/pages_bench.py can check that the answers agree.

The definitions are those of docs/design.md (see analytics/cases.py, seeds.py, grids.py): a case belongs
to the period it was reported in; rates count closed cases only (NaN when nothing is closed); the median
interpolates, the 90th percentile is the smallest value whose cumulative share reaches 90% (numpy's
"inverted_cdf").
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pyarrow.compute as pc

from analytics import cases as cases_module
from analytics import funnel
from analytics.contest import scoring as contest
from analytics.contest import work as contest_work
from analytics.filters import Filters
from analytics.warehouse import source

LEVELS = ("grid", "community", "street", "district")

# The counts every case question adds up: name → (precomputed column, aggregation).
CASE_COUNTS = {
    "cases": ("closed", "size"),
    "closed": ("closed", "sum"),
    **{name: (f"at_{name}", "sum") for name in LEVELS},
    "settled_locally": ("local", "sum"),
    "urgent_cases": ("urgent", "sum"),
    "urgent_closed": ("urgent_closed", "sum"),
    "urgent_settled_locally": ("urgent_local", "sum"),
}


def _codes(ids) -> pd.CategoricalDtype:
    """A categorical type over a reference table's ids, sorted as SQL's ORDER BY sorts them."""
    return pd.CategoricalDtype(sorted(pd.unique(pd.Series(ids).dropna())))


def _recode(codes: pd.Series, lookup: pd.Series, dtype: pd.CategoricalDtype) -> pd.Categorical:
    """Map a categorical column through `lookup` (indexed by the column's categories) by indexing an
    array with the codes: one take, no hashing of the rows' strings."""
    per_category = dtype.categories.get_indexer(lookup.reindex(codes.cat.categories).to_numpy())
    mapped = np.append(per_category, -1)[codes.cat.codes.to_numpy()]  # code -1 (missing) stays missing
    return pd.Categorical.from_codes(mapped, dtype=dtype)


def _month(stamps: pd.Series) -> np.ndarray:
    return stamps.to_numpy().astype("datetime64[M]").astype(stamps.dtype)


class World:
    """The tables of one page, in pandas. `tables` ⊆ {"activities", "cases"}; the small reference
    tables always come along."""

    def __init__(self, con, tables: set[str]):
        def load(sql: str) -> pd.DataFrame:
            return con.execute(sql).df()

        communities = load("SELECT community_id, name, short_name, grid_id, residents FROM communities")
        grids = load("SELECT grid_id, name FROM grids")
        items = load("SELECT item_id, seed_colour, name, name_en FROM service_items")
        partners = load("SELECT partner_id, name, kind FROM partners")
        pairings = load("SELECT partner_id, community_id, since FROM pairings")

        self.types = {
            "community_id": _codes(communities["community_id"]),
            "grid_id": _codes(grids["grid_id"]),
            "item_id": _codes(items["item_id"]),
            "seed_colour": _codes(items["seed_colour"]),
            "partner_id": _codes(partners["partner_id"]),
        }
        self.communities = communities.astype({k: self.types[k] for k in ("community_id", "grid_id")})
        self.grids = grids.astype({"grid_id": self.types["grid_id"]})
        self.items = items.astype({k: self.types[k] for k in ("item_id", "seed_colour")})
        self.partners = partners.astype({"partner_id": self.types["partner_id"]})
        self._grid_of = self.communities.set_index("community_id")["grid_id"]
        pairings = pairings.astype({k: self.types[k] for k in ("partner_id", "community_id")})
        pairings["grid_id"] = self._grid_of_rows(pairings)
        pairings["since"] = pd.to_datetime(pairings["since"])
        self.pairings = pairings

        def load_facts(sql: str, codes: dict) -> pd.DataFrame:
            """A fact table through Arrow (DuckDB's .df() builds a Python string per cell), its code
            columns dictionary-encoded by Arrow and arriving as categoricals, recoded onto the
            reference tables' categories (a mapping of a few dozen codes, not of the rows)."""
            table = con.sql(sql).to_arrow_table()
            for name in codes:
                table = table.set_column(table.schema.get_field_index(name), name, pc.dictionary_encode(table[name]))
            # split_blocks + self_destruct: the Arrow buffers are freed column by column as they convert
            frame = table.to_pandas(date_as_object=False, split_blocks=True, self_destruct=True)
            del table
            return frame.astype({name: dtype for name, dtype in codes.items() if dtype is not None})

        def by_day(frame: pd.DataFrame, column: str) -> tuple[pd.DataFrame, np.ndarray]:
            """Sorted by day once, so that a period is a slice (sorting here is quicker than DuckDB's
            ORDER BY under the connection's 1 GB memory limit)."""
            order = np.argsort(frame[column].to_numpy())
            return frame.take(order).reset_index(drop=True), order

        self.acts = self.cases = self.open_cases = self.durations = None
        if "activities" in tables:
            acts = load_facts(
                "SELECT held_on, community_id, item_id, partner_id, participants, volunteers, volunteer_hours"
                " FROM seed_activities",
                {k: self.types[k] for k in ("community_id", "item_id", "partner_id")},
            )
            acts["held_on"] = acts["held_on"].astype("datetime64[us]")
            acts, _ = by_day(acts, "held_on")
            colour_of = self.items.set_index("item_id")["seed_colour"]
            acts["seed_colour"] = _recode(acts["item_id"], colour_of, self.types["seed_colour"])
            acts["grid_id"] = self._grid_of_rows(acts)
            acts["month"] = _month(acts["held_on"])
            self.acts = acts
            self._act_days = acts["held_on"].to_numpy()
        if "cases" in tables:
            cases = load_facts(
                "SELECT case_id, community_id, category, reported_at, closed_at, resolved_level, urgent,"
                " satisfaction FROM grid_cases",
                {"community_id": self.types["community_id"], "category": None, "resolved_level": None},
            )
            # the ids are read only for the open cases' list: kept aside, in the order loaded
            case_ids = cases.pop("case_id").to_numpy()
            cases, loaded_at = by_day(cases, "reported_at")
            cases["category"] = cases["category"].cat.reorder_categories(sorted(cases["category"].cat.categories))
            level = cases.pop("resolved_level").astype(pd.CategoricalDtype(sorted(["open", *LEVELS])))
            closed = level.notna().to_numpy()
            cases["level"] = level.fillna("open")
            cases["grid_id"] = self._grid_of_rows(cases)
            took = cases["closed_at"].to_numpy() - cases["reported_at"].to_numpy()
            cases["hours"] = took / np.timedelta64(1, "h")  # NaT (open) → NaN
            cases["month"] = _month(cases["reported_at"])
            urgent = cases["urgent"].to_numpy()
            cases["closed"] = closed
            for name in LEVELS:
                cases[f"at_{name}"] = (cases["level"] == name).to_numpy()
            cases["local"] = cases["at_grid"].to_numpy() | cases["at_community"].to_numpy()
            cases["urgent_closed"] = urgent & closed
            cases["urgent_local"] = urgent & cases["local"].to_numpy()
            # 1–5 or missing: as float (NaN when not surveyed), so that the flags are plain booleans
            score = cases["satisfaction"] = cases["satisfaction"].to_numpy(dtype="float64", na_value=np.nan)
            cases["satisfied"] = score >= 4
            cases["unsatisfied"] = score <= 2
            self.cases = cases
            self._case_days = cases["reported_at"].to_numpy()
            # The durations, sorted once by length (as the rollups keep theirs by bucket): a percentile
            # is then a position in each group, with no sort per question.
            timed = ~np.isnan(cases["hours"].to_numpy())
            durations = cases.loc[timed, ["reported_at", "grid_id", "community_id", "category", "urgent", "closed"]]
            durations["hours"] = cases["hours"].to_numpy()[timed]
            self.durations = durations.sort_values("hours", ignore_index=True)
            # The open cases at the data's latest moment: a few tens of thousands of rows, kept apart.
            as_of = max(cases["reported_at"].max(), cases["closed_at"].max())
            closed_at = cases["closed_at"]
            still = ((cases["reported_at"] <= as_of) & (closed_at.isna() | (closed_at > as_of))).to_numpy()
            still_open = cases[still].copy()
            still_open["case_id"] = case_ids[loaded_at[still]]
            age = (as_of - still_open["reported_at"]) / pd.Timedelta(days=1)
            still_open["age_days"] = age
            for name, low, high in cases_module.AGE_BUCKETS:
                inside = (age > low) if low else pd.Series(True, index=age.index)
                still_open[f"age_{name}"] = inside & (age <= high) if high is not None else inside
            self.open_cases = still_open
            self._open_days = still_open["reported_at"].to_numpy()

    def _grid_of_rows(self, frame: pd.DataFrame) -> pd.Categorical:
        return _recode(frame["community_id"], self._grid_of, self.types["grid_id"])

    # --- selections --------------------------------------------------------------------------
    @staticmethod
    def _places(frame: pd.DataFrame, f: Filters, scope) -> np.ndarray | None:
        keep = None

        def both(mask):
            return mask if keep is None else keep & mask

        if f.grid_ids is not None:
            keep = both(frame["grid_id"].isin(f.grid_ids).to_numpy())
        if f.community_ids is not None:
            keep = both(frame["community_id"].isin(f.community_ids).to_numpy())
        if scope is not None and scope.restricted_community is not None:
            keep = both((frame["community_id"] == scope.restricted_community).to_numpy())
        return keep

    @staticmethod
    def _period(frame: pd.DataFrame, days: np.ndarray, f: Filters) -> pd.DataFrame:
        """The rows of the period: `days` is the frame's sorted date column, so two binary searches."""
        lo = days.searchsorted(np.datetime64(f.start), "left") if f.start else 0
        hi = days.searchsorted(np.datetime64(f.end + dt.timedelta(days=1)), "left") if f.end else len(days)
        return frame.iloc[lo:hi]

    def _select(self, frame, days, f: Filters, scope, columns, extra=None) -> pd.DataFrame:
        """The rows of `f`: the period by binary search when `days` is the frame's sorted date column
        (else a mask), then places and `extra` as one boolean mask over only the `columns` wanted, so
        that the rows copied are narrow."""
        keep = None
        if days is not None:
            part = self._period(frame, days, f) if (f.start or f.end) else frame
        else:
            part, stamps = frame, frame["reported_at"]
            if f.start:
                keep = (stamps >= pd.Timestamp(f.start)).to_numpy()
            if f.end:
                before = (stamps < pd.Timestamp(f.end + dt.timedelta(days=1))).to_numpy()
                keep = before if keep is None else keep & before
        for mask in (self._places(part, f, scope), extra(part) if extra is not None else None):
            if mask is not None:
                keep = mask if keep is None else keep & mask
        part = part if columns is None else part[list(dict.fromkeys(columns))]
        return part if keep is None else part[keep]

    def communities_in(self, f: Filters, scope=None) -> pd.DataFrame:  # 200 rows: all columns
        keep = self._places(self.communities, f, scope)
        return self.communities if keep is None else self.communities[keep]

    def pairings_in(self, f: Filters, scope=None) -> pd.DataFrame:
        keep = self._places(self.pairings, f, scope)
        return self.pairings if keep is None else self.pairings[keep]

    def acts_in(self, f: Filters, scope=None, columns=None) -> pd.DataFrame:
        colours = None
        if f.seed_colours is not None:

            def colours(part):
                return part["seed_colour"].isin(f.seed_colours).to_numpy()

        return self._select(self.acts, self._act_days, f, scope, columns, colours)

    def cases_in(self, f: Filters, scope=None, columns=None, *, urgent_only: bool = False) -> pd.DataFrame:
        return self._select(self.cases, self._case_days, f, scope, columns, _urgent if urgent_only else None)

    def open_in(self, f: Filters, scope=None) -> pd.DataFrame:
        return self._select(self.open_cases, self._open_days, f, scope, None)

    def durations_in(self, f: Filters, scope=None, columns=None, extra=None) -> pd.DataFrame:
        """The timed cases of `f`, in the order of their durations."""
        return self._select(self.durations, None, f, scope, columns, extra)


def _urgent(part: pd.DataFrame) -> np.ndarray:
    return part["urgent"].to_numpy()


def _closed(part: pd.DataFrame) -> np.ndarray:
    return part["closed"].to_numpy()


def _needs(by, named: dict) -> list:
    """The columns a groupby over `by` with these named aggregations reads."""
    return [*by, *(column for column, _ in named.values())]


# ---------------------------------------------------------------------------------------------
# building blocks
def _aggregate(frame: pd.DataFrame, by, named: dict) -> pd.DataFrame:
    """One groupby with named aggregation over `by`; for by=() one row over the whole frame (also
    when it is empty, as SQL's aggregate without GROUP BY)."""
    if by:
        return frame.groupby(list(by), observed=True, sort=True).agg(**named).reset_index()
    return pd.DataFrame({name: [frame[column].agg(how)] for name, (column, how) in named.items()})


def _per(num: pd.Series, den: pd.Series) -> pd.Series:
    """num ÷ den, NaN where den is 0 (a rate with nothing to count is unknown, not 0)."""
    return num / den.where(den > 0)


def _case_rates(out: pd.DataFrame) -> pd.DataFrame:
    out["open"] = out["cases"] - out["closed"]
    if "urgent_closed" in out:
        out["urgent_open"] = out["urgent_cases"] - out["urgent_closed"]
        out["urgent_in_community_rate"] = _per(out["urgent_settled_locally"], out["urgent_closed"])
    out["in_grid_rate"] = _per(out["grid"], out["closed"])
    out["in_community_rate"] = _per(out["settled_locally"], out["closed"])
    return out


def _case_counts(w: World, f: Filters, scope, by, *names, urgent_only: bool = False, **more) -> pd.DataFrame:
    """The counts `names` (all of CASE_COUNTS when none) and aggregations `more` of the cases of `f`
    per group of `by`, with their rates: one narrow selection, one groupby."""
    named = {**{name: CASE_COUNTS[name] for name in (names or CASE_COUNTS)}, **more}
    k = w.cases_in(f, scope, _needs(by, named), urgent_only=urgent_only)
    return _case_rates(_aggregate(k, by, named))


def _percentiles(durations: pd.DataFrame, by, prefix: str = "hours") -> pd.DataFrame:
    """Per group of `by`: the median (interpolated, as np.median) and the 90th percentile (numpy's
    "inverted_cdf": rank ceil(0.9 n) − 1) of `durations`, whose rows are sorted by hours. A stable sort
    by group number keeps each group's hours in order; each group's percentiles are then positions in it."""
    keys = list(by) or np.zeros(len(durations), dtype=np.int8)
    grouped = durations.groupby(keys, observed=True, sort=True)
    ids = grouped.ngroup().to_numpy()
    sizes = grouped.size()
    hours = durations["hours"].to_numpy()[np.argsort(ids, kind="stable")]
    n = sizes.to_numpy()
    first = np.concatenate(([0], np.cumsum(n)[:-1]))
    index = n * 0.9 - 1  # the same float steps as numpy's _inverted_cdf
    below = np.floor(index)
    rank = np.where(index == below, below, below + 1).clip(0).astype(np.int64)
    out = pd.DataFrame(
        {
            f"median_{prefix}": (hours[first + (n - 1) // 2] + hours[first + n // 2]) / 2,
            f"p90_{prefix}": hours[first + rank],
        },
        index=sizes.index,
    )
    if not by:
        return out.reset_index(drop=True).reindex([0])  # one row, NaN when there was nothing
    return out.reset_index()


def _with(left: pd.DataFrame, right: pd.DataFrame, by) -> pd.DataFrame:
    if by:
        return left.merge(right, on=list(by), how="left")
    return pd.concat([left, right], axis=1)


# ---------------------------------------------------------------------------------------------
# overview
def headline(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    def totals(ff: Filters) -> dict:
        a = w.acts_in(ff, scope, ["participants", "partner_id"])
        counts = _case_counts(
            w, ff, scope, (), "cases", "closed", "grid", "settled_locally", satisfaction=("satisfaction", "mean")
        ).iloc[0]
        return {
            "residents": w.communities_in(ff, scope)["residents"].sum(),
            "activities": len(a),
            "participants": a["participants"].sum(),
            "partners_active": a["partner_id"].nunique(),
            "cases": counts["cases"],
            "in_grid_rate": counts["in_grid_rate"],
            "in_community_rate": counts["in_community_rate"],
            "satisfaction": counts["satisfaction"],
        }

    now = totals(f)
    before = totals(f.previous()) if f.previous() else {m: np.nan for m in now}
    return pd.DataFrame(
        {"metric": list(now), "current": [float(v) for v in now.values()], "previous": [float(before[m]) for m in now]}
    )


def monthly_trend(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    a = w.acts_in(f, scope, ["month", "participants", "partner_id"])
    up = a.groupby("month").agg(
        activities=("month", "size"), participants=("participants", "sum"), partners_active=("partner_id", "nunique")
    )
    matters = _case_counts(
        w, f, scope, ("month",), "cases", "closed", "grid", "settled_locally", satisfaction=("satisfaction", "mean")
    )
    matters = matters.set_index("month")[["cases", "in_grid_rate", "in_community_rate", "satisfaction"]]
    out = up.join(matters, how="outer").fillna({"activities": 0, "participants": 0, "partners_active": 0, "cases": 0})
    return out.rename_axis("month").reset_index()


# ---------------------------------------------------------------------------------------------
# grids
def _summary(w: World, f: Filters, scope, unit: str, units: pd.Series) -> pd.DataFrame:
    comms = w.communities_in(f, scope)
    places = comms.groupby(unit, observed=True).agg(
        residents=("residents", "sum"), communities=("community_id", "size")
    )
    work = (
        _case_counts(
            w,
            f,
            scope,
            (unit,),
            "cases",
            "closed",
            "grid",
            "settled_locally",
            "urgent_closed",
            "urgent_settled_locally",
            urgent_cases=("urgent", "sum"),
            satisfaction=("satisfaction", "mean"),
        )
        .set_index(unit)
        .drop(columns=["open", "urgent_open"])
    )
    up = (
        w.acts_in(f, scope, [unit, "participants", "volunteer_hours", "partner_id"])
        .groupby(unit, observed=True)
        .agg(
            activities=("participants", "size"),
            participants=("participants", "sum"),
            volunteer_hours=("volunteer_hours", "sum"),
            partners_active=("partner_id", "nunique"),
        )
    )
    out = pd.concat([places, work, up], axis=1).reindex(pd.Index(units, name=unit))
    counted = ["residents", "communities", "cases", "closed", "urgent_cases", "urgent_closed", "activities"]
    counted += ["participants", "volunteer_hours"]
    out = out.fillna({c: 0 for c in [*counted, "partners_active"]})
    out["activities_per_1k"] = _per(1000.0 * out["activities"], out["residents"])
    out["cases_per_1k"] = _per(1000.0 * out["cases"], out["residents"])
    return out.reset_index()


def grid_summary(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    return _summary(w, f, scope, "grid_id", w.grids["grid_id"])


def community_summary(w: World, f: Filters, *, grid_id=None, scope=None) -> pd.DataFrame:
    units = w.communities_in(f, scope)
    if grid_id is not None:
        units = units[units["grid_id"] == grid_id]
    return _summary(w, f, scope, "community_id", units["community_id"])


def community_ranking(w: World, f: Filters, grid_id: str, metric: str = "in_grid_rate", *, scope=None):
    frame = community_summary(w, f.replace(grid_ids=(grid_id,)), grid_id=grid_id, scope=scope)
    frame["rank"] = frame[metric].rank(method="min", ascending=False, na_option="bottom").astype(int)
    return frame


def grid_trend(w: World, f: Filters, grid_id: str, *, scope=None) -> pd.DataFrame:
    return monthly_trend(w, f.replace(grid_ids=(grid_id,)), scope=scope)


def _top(w: World, f: Filters, grid_id: str, column: str, limit: int, scope) -> pd.DataFrame:
    a = w.acts_in(f.replace(grid_ids=(grid_id,)), scope, [column, "participants", "community_id"])
    top = (
        a.groupby(column, observed=True)  # a missing partner is no group (dropna)
        .agg(activities=(column, "size"), participants=("participants", "sum"), communities=("community_id", "nunique"))
        .reset_index()
    )
    return top.sort_values(["activities", "participants", column], ascending=[False, False, True]).head(limit)


def top_items(w: World, f: Filters, grid_id: str, *, limit: int = 5, scope=None) -> pd.DataFrame:
    return _top(w, f, grid_id, "item_id", limit, scope)


def top_partners(w: World, f: Filters, grid_id: str, *, limit: int = 5, scope=None) -> pd.DataFrame:
    return _top(w, f, grid_id, "partner_id", limit, scope)


# ---------------------------------------------------------------------------------------------
# seeds
UPTAKE = {
    "activities": ("participants", "size"),
    "participants": ("participants", "sum"),
    "volunteers": ("volunteers", "sum"),
    "volunteer_hours": ("volunteer_hours", "sum"),
}


def _uptake_groups(w: World, f: Filters, scope, by) -> pd.DataFrame:
    if "week" in by:  # the Monday of the day's week; months are precomputed
        a = w.acts_in(f, scope, [*_needs([b for b in by if b != "week"], UPTAKE), "held_on"])
        a = a.assign(week=a["held_on"] - pd.to_timedelta(a["held_on"].dt.day_of_week, unit="D"))
    else:
        a = w.acts_in(f, scope, _needs(by, UPTAKE))
    return _aggregate(a, by, UPTAKE)


def uptake(w: World, f: Filters, by=("seed_colour",), *, scope=None) -> pd.DataFrame:
    by = (by,) if isinstance(by, str) else tuple(by)
    now = _uptake_groups(w, f, scope, by)
    if set(by) & {"month", "week"} or f.previous() is None:
        return now
    before = _uptake_groups(w, f.previous(), scope, by)
    if not by:
        return now.join(before.add_suffix("_prev")).fillna(0)
    out = now.merge(before, on=list(by), how="outer", suffixes=("", "_prev"))
    return out.fillna({c: 0 for c in out.columns if c not in by})


def community_funnel(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    comms = w.communities_in(f, scope)
    comms = comms[comms["residents"] > 0]
    counts = w.acts_in(f, scope, ["community_id"])["community_id"].value_counts()  # every category, 0 where none
    points = pd.DataFrame(
        {
            "community_id": comms["community_id"].to_numpy(),
            "residents": comms["residents"].to_numpy(),
            "activities": counts.reindex(comms["community_id"]).to_numpy(),
        }
    )
    points["activities_per_1k"] = points["activities"] * 1000.0 / points["residents"]
    pooled = points["activities"].sum() / points["residents"].sum()
    limits = funnel.rate_limits(pooled, points["residents"])
    points = pd.concat([points, limits.drop(columns="residents")], axis=1)
    points["band"] = funnel.band(points["activities"], points["expected"])
    return points


def item_ranking(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    per = (
        w.acts_in(f, scope, ["item_id", "participants", "volunteer_hours", "community_id"])
        .groupby("item_id", observed=True)
        .agg(
            activities=("item_id", "size"),
            participants=("participants", "sum"),
            volunteer_hours=("volunteer_hours", "sum"),
            communities_reached=("community_id", "nunique"),
        )
    )
    items = w.items if f.seed_colours is None else w.items[w.items["seed_colour"].isin(f.seed_colours)]
    out = items[["item_id", "seed_colour"]].merge(per, left_on="item_id", right_index=True, how="left")
    out = out.fillna({c: 0 for c in per.columns})
    key = out["participants"].astype(float) * 1e7 + out["activities"]
    by_colour = out.groupby("seed_colour", observed=True)
    out["rank_in_colour"] = (
        key.groupby(out["seed_colour"], observed=True).rank(method="min", ascending=False).astype(int)
    )
    out["share_of_colour"] = out["participants"] / by_colour["participants"].transform("sum")
    return out


def daily(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    counts = (
        w.acts_in(f, scope, ["held_on", "participants"])
        .groupby("held_on")
        .agg(activities=("held_on", "size"), participants=("participants", "sum"))
    )
    first = pd.Timestamp(f.start) if f.start else counts.index.min()
    last = pd.Timestamp(f.end) if f.end else counts.index.max()
    days = pd.date_range(first, last, freq="D")
    return counts.reindex(days, fill_value=0).rename_axis("day").reset_index()


def _partner_parts(w: World, f: Filters, scope):
    a = w.acts_in(f, scope, ["partner_id", "community_id", "participants", "volunteer_hours"])
    per_pair = (
        a.groupby(["partner_id", "community_id"], observed=True)  # activities without a partner drop out
        .agg(
            activities=("partner_id", "size"),
            participants=("participants", "sum"),
            volunteer_hours=("volunteer_hours", "sum"),
        )
        .reset_index()
    )
    paired = w.pairings_in(f, scope)
    if f.end:
        since = paired["since"]
        paired = paired[since.isna() | (since <= pd.Timestamp(f.end))]
    return a, per_pair, paired


def partner_contribution(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    a, per_pair, paired = _partner_parts(w, f, scope)
    per_partner = per_pair.groupby("partner_id", observed=True).agg(
        activities=("activities", "sum"),
        participants=("participants", "sum"),
        volunteer_hours=("volunteer_hours", "sum"),
        communities_reached=("community_id", "size"),
    )
    use = paired.merge(per_pair, on=["partner_id", "community_id"], how="left")
    use["idle"] = use["activities"].isna()
    pair_use = use.groupby("partner_id", observed=True).agg(
        paired_communities=("community_id", "size"), idle_pairings=("idle", "sum")
    )
    out = per_partner.join(pair_use, how="outer").fillna(0).reset_index()
    out["share_of_activities"] = out["activities"] / len(a) if len(a) else np.nan
    return out


def pairing_matrix(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    _, per_pair, paired = _partner_parts(w, f, scope)
    cells = paired.assign(paired=True).merge(per_pair, on=["partner_id", "community_id"], how="outer")
    cells["paired"] = cells["paired"].fillna(False).astype(bool)
    cells[["activities", "participants"]] = cells[["activities", "participants"]].fillna(0)
    cells["status"] = np.where(
        cells["paired"] & (cells["activities"] > 0), "delivered", np.where(cells["paired"], "idle", "unpaired")
    )
    return cells


def idle_pairings(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    matrix = pairing_matrix(w, f, scope=scope)
    return matrix[matrix["status"] == "idle"]


def uncovered_communities(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    a, _, paired = _partner_parts(w, f, scope)
    comms = w.communities_in(f, scope)["community_id"]
    # value_counts of a categorical counts every category, 0 where none: aligned by reindexing
    total = a["community_id"].value_counts().reindex(comms).to_numpy()
    with_partner = a.loc[a["partner_id"].notna(), "community_id"].value_counts().reindex(comms).to_numpy()
    pairs = paired["community_id"].value_counts().reindex(comms).to_numpy()
    out = pd.DataFrame({"community_id": comms.to_numpy(), "activities": total, "paired_partners": pairs})
    return out[with_partner == 0]


# ---------------------------------------------------------------------------------------------
# cases
def resolution(w: World, f: Filters, by=("grid_id",), *, scope=None) -> pd.DataFrame:
    return _case_counts(w, f, scope, tuple(by))


def flows(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    k = w.cases_in(f, scope, ["category", "level"])
    return k.groupby(["category", "level"], observed=True).size().rename("cases").reset_index()


def time_to_close(w: World, f: Filters, by=("category",), *, scope=None) -> pd.DataFrame:
    by = tuple(by)
    d = w.durations_in(f, scope, [*by, "hours"], _closed)
    counts = _aggregate(d, by, {"closed": ("hours", "size"), "mean_hours": ("hours", "mean")})
    return _with(counts, _percentiles(d, by), by)


def open_backlog(w: World, f: Filters, by=("grid_id",), *, scope=None) -> pd.DataFrame:
    by = tuple(by)
    named = {
        "open": ("age_days", "size"),
        "urgent_open": ("urgent", "sum"),
        **{f"age_{name}": (f"age_{name}", "sum") for name, _, _ in cases_module.AGE_BUCKETS},
        "median_age_days": ("age_days", "median"),
        "oldest_age_days": ("age_days", "max"),
    }
    return _aggregate(w.open_in(f, scope), by, named)


def oldest_open(w: World, f: Filters, *, limit: int = 20, scope=None) -> pd.DataFrame:
    k = w.open_in(f, scope)
    return k.sort_values(["age_days", "case_id"], ascending=[False, True]).head(limit)


def urgent_matters(w: World, f: Filters, by=("grid_id",), *, scope=None) -> pd.DataFrame:
    by = tuple(by)
    counts = _case_counts(w, f, scope, by, "cases", "closed", "grid", "settled_locally", urgent_only=True)
    counts = counts[[*by, "cases", "closed", "open", "in_grid_rate", "in_community_rate"]]
    return _with(counts, _percentiles(w.durations_in(f, scope, [*by, "hours"], _urgent), by), by)


def satisfaction(w: World, f: Filters, by=("category",), *, scope=None) -> pd.DataFrame:
    by = tuple(by)
    named = {
        "cases": ("closed", "size"),
        "closed": ("closed", "sum"),
        "surveyed": ("satisfaction", "count"),
        "mean_score": ("satisfaction", "mean"),
        "satisfied": ("satisfied", "sum"),
        "unsatisfied": ("unsatisfied", "sum"),
    }
    out = _aggregate(w.cases_in(f, scope, _needs(by, named)), by, named)
    out["response_rate"] = _per(out["surveyed"], out["closed"])
    out["satisfied_share"] = _per(out.pop("satisfied"), out["surveyed"])
    out["unsatisfied_share"] = _per(out.pop("unsatisfied"), out["surveyed"])
    return out


def community_table(w: World, f: Filters, grid_id: str, *, scope=None) -> pd.DataFrame:
    comms = w.communities_in(f, scope)
    comms = comms.loc[comms["grid_id"] == grid_id, ["community_id", "residents"]]
    # only the grid's communities are kept below, so its cases are all that is read
    in_grid = f.replace(grid_ids=(grid_id,))
    counts = _case_counts(w, in_grid, scope, ("community_id",), mean_score=("satisfaction", "mean"))
    hours = _percentiles(w.durations_in(in_grid, scope, ["community_id", "hours"], _closed), ("community_id",))
    out = comms.merge(counts, on="community_id", how="left").merge(hours, on="community_id", how="left")
    counted = [c for c in counts.columns if c.endswith(("cases", "closed", "open")) or c in LEVELS]
    out = out.fillna({c: 0 for c in counted})
    out["cases_per_1k"] = _per(out["cases"] * 1000.0, out["residents"])
    return out


def targets(w: World, *, scope=None) -> pd.DataFrame:
    """The defaults (the benchmark's demo world has no stored targets)."""
    places = [None, *w.grids["grid_id"].astype(str)]
    return pd.DataFrame(
        [
            {"grid_id": g, "metric": m, "target": cases_module.DEFAULT_TARGETS[m]}
            for g in places
            for m in cases_module.TARGET_METRICS
        ]
    )


def scores(w: World, f: Filters, by=("grid_id", "month"), *, scope=None) -> pd.DataFrame:
    by = list(by)
    counts = _case_counts(w, f, scope, by)
    bases = {"in_grid_rate": "closed", "in_community_rate": "closed", "urgent_in_community_rate": "urgent_closed"}
    scored = {}
    for metric in cases_module.TARGET_METRICS:  # three metrics: columns, not groups
        target = cases_module.DEFAULT_TARGETS[metric]
        scored[metric] = counts[by].assign(
            metric=metric,
            base=counts[bases[metric]],
            actual=counts[metric],
            target=target,
            score=counts[metric] / target,
        )
    city = counts[by].assign(
        metric="cityscore",
        base=counts["closed"],
        actual=np.nan,
        target=np.nan,
        score=pd.concat([scored[m]["score"] for m in cases_module.CITYSCORE_METRICS], axis=1).mean(axis=1),
    )
    return pd.concat([*scored.values(), city], ignore_index=True)


# ---------------------------------------------------------------------------------------------
# contest: the record of each entrant's community (the scoring itself is the project's, on a few
# hundred score rows, run on the raw contest tables)
def stage_vs_work(w: World, con, round_id: str, method: str = "trimmed_mean", *, months: int = 12) -> pd.DataFrame:
    start, end = contest_work.window(con, round_id, months)
    period = Filters(start=start, end=end)
    entries = con.execute(
        "SELECT entry_id, community_id FROM contest_entries WHERE round_id = $r", {"r": round_id}
    ).df()
    entries = entries.astype({"community_id": w.types["community_id"]})
    entries = entries.merge(w.communities[["community_id", "residents"]], on="community_id")
    entrants = period.replace(community_ids=tuple(entries["community_id"].astype(str)))
    up = (
        w.acts_in(entrants, None, ["community_id", "participants"])
        .groupby("community_id", observed=True)
        .agg(activities=("participants", "size"), participants=("participants", "sum"))
    )
    named = {"closed_cases": ("closed", "sum"), "settled": ("at_grid", "sum"), "satisfaction": ("satisfaction", "mean")}
    matters = (
        w.cases_in(entrants, None, _needs(["community_id"], named)).groupby("community_id", observed=True).agg(**named)
    )
    out = entries.merge(up, left_on="community_id", right_index=True, how="left").merge(
        matters, left_on="community_id", right_index=True, how="left"
    )
    out = out.fillna({"activities": 0, "participants": 0, "closed_cases": 0, "settled": 0})
    out["activities_per_1k"] = 1000.0 * out["activities"] / out["residents"]
    out["participants_per_1k"] = 1000.0 * out["participants"] / out["residents"]
    out["in_grid_rate"] = _per(out["settled"], out["closed_cases"])
    # the judges' sheets scored, as without the stored rankings
    stage = contest.ranking(source.raw(con), round_id, method, resamples=0)[["entry_id", "score", "rank"]]
    return stage.merge(out, on="entry_id")


def stage_work_match(w: World, con, round_id: str, method: str = "trimmed_mean") -> pd.DataFrame:
    return _match(stage_vs_work(w, con, round_id, method))


def stage_and_match(w: World, con, round_id: str, method: str = "trimmed_mean") -> contest_work.StageWork:
    frame = stage_vs_work(w, con, round_id, method)
    return contest_work.StageWork(frame, _match(frame))


def _match(frame: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for measure in contest_work.WORK_MEASURES:  # four measures: columns, not groups
        pair = frame[["score", measure]].dropna()
        rho = float(pair["score"].rank().corr(pair[measure].rank())) if len(pair) >= 3 else np.nan
        rows.append({"measure": measure, "rho": rho, "entries": len(pair)})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# explorer
def pivot(w: World, subject: str, rows: tuple, measures: tuple, f: Filters) -> pd.DataFrame:
    """The two pivots the benchmark asks: activities by grid × colour, and cases by month."""
    if subject == "activities":
        a = w.acts_in(f, None, ["grid_id", "seed_colour", "participants"])
        names = w.grids.set_index("grid_id")["name"]
        grid = a["grid_id"].cat.rename_categories(names.reindex(a["grid_id"].cat.categories).to_numpy())
        out = a.groupby([grid.rename("grid"), a["seed_colour"]], observed=True).agg(
            activities=("participants", "size"), participants=("participants", "sum")
        )
        return out.reset_index()[[*rows, *measures]]
    out = _case_counts(w, f, None, ("month",), "cases", "closed", "grid", "settled_locally")
    return out[[*rows, *measures]]
