"""The pages' answers computed the way many Streamlit apps compute them: the tables loaded into pandas
once (as `st.cache_data` would keep them), then filtered and grouped in pandas for every chart.

Only the columns a page needs are loaded (a kinder baseline than `SELECT *`), and the loaded frames
are enriched once (colour, grid, level, hours to close), as such an app would do after loading. Each
function returns the same numbers as the analytics function of the same name, in columns of the same
names, so that bench/pages_bench.py can check that the answers agree.

The definitions are those of docs/design.md (see analytics/*.py): a case belongs to the period it
was reported in; rates count closed cases only; the median interpolates, the 90th percentile is the
smallest value whose cumulative share reaches 90% (numpy's "inverted_cdf").
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from analytics import cases as cases_module
from analytics import funnel
from analytics.contest import scoring as contest
from analytics.contest import work as contest_work
from analytics.filters import Filters
from analytics.warehouse import source

LEVELS = ("grid", "community", "street", "district")
COLOURS = ("red", "green", "white", "blue")


def _ts(day: dt.date) -> pd.Timestamp:
    return pd.Timestamp(day)


class World:
    """The tables of one page, in pandas. `tables` ⊆ {"activities", "cases"}; the small reference
    tables always come along."""

    def __init__(self, con, tables: set[str]):
        def load(sql: str) -> pd.DataFrame:
            return con.execute(sql).df()

        self.communities = load("SELECT community_id, name, short_name, grid_id, residents FROM communities")
        self.grids = load("SELECT grid_id, name FROM grids")
        self.items = load("SELECT item_id, seed_colour, name, name_en FROM service_items")
        self.partners = load("SELECT partner_id, name, kind FROM partners")
        self.pairings = load("SELECT partner_id, community_id, since FROM pairings")
        self.grid_of = dict(zip(self.communities["community_id"], self.communities["grid_id"]))
        self.acts = self.cases = None
        if "activities" in tables:
            acts = load(
                "SELECT held_on, community_id, item_id, partner_id, participants, volunteers, volunteer_hours"
                " FROM seed_activities"
            )
            acts["held_on"] = pd.to_datetime(acts["held_on"])
            acts["seed_colour"] = acts["item_id"].map(dict(zip(self.items["item_id"], self.items["seed_colour"])))
            acts["grid_id"] = acts["community_id"].map(self.grid_of)
            self.acts = acts
        if "cases" in tables:
            cases = load(
                "SELECT case_id, community_id, category, reported_at, closed_at, resolved_level, urgent,"
                " satisfaction FROM grid_cases"
            )
            cases["grid_id"] = cases["community_id"].map(self.grid_of)
            cases["level"] = cases["resolved_level"].fillna("open")
            cases["hours"] = (cases["closed_at"] - cases["reported_at"]).dt.total_seconds() / 3600.0
            cases["month"] = cases["reported_at"].dt.to_period("M").dt.start_time
            self.cases = cases

    # --- selections --------------------------------------------------------------------------
    def _places(self, frame: pd.DataFrame, f: Filters, scope) -> np.ndarray:
        keep = np.ones(len(frame), dtype=bool)
        if f.grid_ids is not None:
            keep &= frame["community_id"].map(self.grid_of).isin(f.grid_ids).to_numpy()
        if f.community_ids is not None:
            keep &= frame["community_id"].isin(f.community_ids).to_numpy()
        if scope is not None and scope.restricted_community is not None:
            keep &= (frame["community_id"] == scope.restricted_community).to_numpy()
        return keep

    def communities_in(self, f: Filters, scope=None) -> pd.DataFrame:
        return self.communities[self._places(self.communities, f, scope)]

    def acts_in(self, f: Filters, scope=None) -> pd.DataFrame:
        a = self.acts
        keep = self._places(a, f, scope)
        if f.start:
            keep &= (a["held_on"] >= _ts(f.start)).to_numpy()
        if f.end:
            keep &= (a["held_on"] < _ts(f.end + dt.timedelta(days=1))).to_numpy()
        if f.seed_colours is not None:
            keep &= a["seed_colour"].isin(f.seed_colours).to_numpy()
        return a[keep]

    def cases_in(self, f: Filters, scope=None, *, urgent_only: bool = False) -> pd.DataFrame:
        k = self.cases
        keep = self._places(k, f, scope)
        if f.start:
            keep &= (k["reported_at"] >= _ts(f.start)).to_numpy()
        if f.end:
            keep &= (k["reported_at"] < _ts(f.end + dt.timedelta(days=1))).to_numpy()
        if urgent_only:
            keep &= k["urgent"].to_numpy()
        return k[keep]


# ---------------------------------------------------------------------------------------------
# building blocks
def _group(frame: pd.DataFrame, by) -> list:
    """[(key tuple, part)] for `by` columns; one group of everything for by=()."""
    by = list(by)
    if not by:
        return [((), frame)]
    return [
        ((k,) if not isinstance(k, tuple) else k, part)
        for k, part in frame.groupby(by, dropna=False, sort=True, observed=True)
    ]


def _ratio(num, den):
    return num / den if den else np.nan


def _case_counts(part: pd.DataFrame) -> dict:
    level = part["level"]
    urgent = part["urgent"].to_numpy()
    closed = (level != "open").to_numpy()
    row = {"cases": len(part), "closed": int(closed.sum()), "open": int((~closed).sum())}
    for name in LEVELS:
        row[name] = int((level == name).sum())
    local = level.isin(["grid", "community"]).to_numpy()
    row["urgent_cases"] = int(urgent.sum())
    row["urgent_closed"] = int((urgent & closed).sum())
    row["urgent_open"] = int((urgent & ~closed).sum())
    row["urgent_settled_locally"] = int((urgent & local).sum())
    row["in_grid_rate"] = _ratio(row["grid"], row["closed"])
    row["in_community_rate"] = _ratio(row["grid"] + row["community"], row["closed"])
    row["urgent_in_community_rate"] = _ratio(row["urgent_settled_locally"], row["urgent_closed"])
    return row


def _percentiles(hours: pd.Series) -> dict:
    values = hours.dropna().to_numpy()
    if not len(values):
        return {"median_hours": np.nan, "p90_hours": np.nan}
    return {
        "median_hours": float(np.median(values)),
        "p90_hours": float(np.quantile(values, 0.9, method="inverted_cdf")),
    }


def _frame(rows: list[dict], by) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=None) if rows else pd.DataFrame(columns=list(by))


# ---------------------------------------------------------------------------------------------
# overview
def headline(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    def totals(ff: Filters) -> dict:
        a, k = w.acts_in(ff, scope), w.cases_in(ff, scope)
        counts = _case_counts(k)
        return {
            "residents": w.communities_in(ff, scope)["residents"].sum(),
            "activities": len(a),
            "participants": a["participants"].sum(),
            "partners_active": a["partner_id"].nunique(),
            "cases": len(k),
            "in_grid_rate": counts["in_grid_rate"],
            "in_community_rate": counts["in_community_rate"],
            "satisfaction": k["satisfaction"].mean(),
        }

    now = totals(f)
    before = totals(f.previous()) if f.previous() else {m: np.nan for m in now}
    return pd.DataFrame(
        {"metric": list(now), "current": [float(v) for v in now.values()], "previous": [float(before[m]) for m in now]}
    )


def monthly_trend(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    a = w.acts_in(f, scope)
    up = a.groupby(a["held_on"].dt.to_period("M").dt.start_time).agg(
        activities=("held_on", "size"), participants=("participants", "sum"), partners_active=("partner_id", "nunique")
    )
    k = w.cases_in(f, scope)
    rows = {}
    for month, part in k.groupby("month"):
        counts = _case_counts(part)
        rows[month] = {
            "cases": len(part),
            "in_grid_rate": counts["in_grid_rate"],
            "in_community_rate": counts["in_community_rate"],
            "satisfaction": part["satisfaction"].mean(),
        }
    matters = pd.DataFrame.from_dict(rows, orient="index")
    out = up.join(matters, how="outer").fillna({"activities": 0, "participants": 0, "partners_active": 0, "cases": 0})
    return out.rename_axis("month").reset_index()


# ---------------------------------------------------------------------------------------------
# grids
def _summary(w: World, f: Filters, scope, unit: str, units: pd.DataFrame) -> pd.DataFrame:
    comms = w.communities_in(f, scope)
    a, k = w.acts_in(f, scope), w.cases_in(f, scope)
    rows = []
    for key in units[unit]:
        places = comms[comms[unit] == key]
        mine_a, mine_k = a[a[unit] == key], k[k[unit] == key]
        counts = _case_counts(mine_k)
        residents = int(places["residents"].sum())
        rows.append(
            {
                unit: key,
                "residents": residents,
                "communities": len(places),
                "cases": len(mine_k),
                "closed": counts["closed"],
                "in_grid_rate": counts["in_grid_rate"],
                "in_community_rate": counts["in_community_rate"],
                "urgent_in_community_rate": counts["urgent_in_community_rate"],
                "satisfaction": mine_k["satisfaction"].mean(),
                "activities": len(mine_a),
                "participants": int(mine_a["participants"].sum()),
                "volunteer_hours": float(mine_a["volunteer_hours"].sum()),
                "partners_active": mine_a["partner_id"].nunique(),
                "activities_per_1k": _ratio(1000.0 * len(mine_a), residents),
                "cases_per_1k": _ratio(1000.0 * len(mine_k), residents),
            }
        )
    return pd.DataFrame(rows)


def grid_summary(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    return _summary(w, f, scope, "grid_id", w.grids)


def community_summary(w: World, f: Filters, *, grid_id=None, scope=None) -> pd.DataFrame:
    units = w.communities_in(f, scope)
    if grid_id is not None:
        units = units[units["grid_id"] == grid_id]
    return _summary(w, f, scope, "community_id", units)


def community_ranking(w: World, f: Filters, grid_id: str, metric: str = "in_grid_rate", *, scope=None):
    frame = community_summary(w, f.replace(grid_ids=(grid_id,)), grid_id=grid_id, scope=scope)
    frame["rank"] = frame[metric].rank(method="min", ascending=False, na_option="bottom").astype(int)
    return frame


def grid_trend(w: World, f: Filters, grid_id: str, *, scope=None) -> pd.DataFrame:
    return monthly_trend(w, f.replace(grid_ids=(grid_id,)), scope=scope)


def _top(w: World, f: Filters, grid_id: str, column: str, limit: int, scope) -> pd.DataFrame:
    a = w.acts_in(f.replace(grid_ids=(grid_id,)), scope)
    a = a[a[column].notna()]
    top = (
        a.groupby(column)
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
_SEED_DIMS = {
    "seed_colour": "seed_colour",
    "grid_id": "grid_id",
    "community_id": "community_id",
    "item_id": "item_id",
    "partner_id": "partner_id",
}


def _uptake_groups(a: pd.DataFrame, by) -> pd.DataFrame:
    a = a.assign(
        month=a["held_on"].dt.to_period("M").dt.start_time,
        week=a["held_on"] - pd.to_timedelta(a["held_on"].dt.day_of_week, unit="D"),
    )
    rows = []
    for key, part in _group(a, by):
        rows.append(
            {
                **dict(zip(by, key)),
                "activities": len(part),
                "participants": int(part["participants"].sum()),
                "volunteers": int(part["volunteers"].sum()),
                "volunteer_hours": float(part["volunteer_hours"].sum()),
            }
        )
    return pd.DataFrame(rows, columns=[*by, "activities", "participants", "volunteers", "volunteer_hours"])


def uptake(w: World, f: Filters, by=("seed_colour",), *, scope=None) -> pd.DataFrame:
    by = (by,) if isinstance(by, str) else tuple(by)
    now = _uptake_groups(w.acts_in(f, scope), by)
    if set(by) & {"month", "week"} or f.previous() is None:
        return now
    before = _uptake_groups(w.acts_in(f.previous(), scope), by)
    if not by:
        out = now.join(before.add_suffix("_prev"))
        return out.fillna(0)
    out = now.merge(before, on=list(by), how="outer", suffixes=("", "_prev"))
    return out.fillna({c: 0 for c in out.columns if c not in by})


def community_funnel(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    comms = w.communities_in(f, scope)
    comms = comms[comms["residents"] > 0]
    counts = w.acts_in(f, scope)["community_id"].value_counts()
    points = pd.DataFrame(
        {
            "community_id": comms["community_id"].to_numpy(),
            "residents": comms["residents"].to_numpy(),
            "activities": comms["community_id"].map(counts).fillna(0).astype(int).to_numpy(),
        }
    )
    points["activities_per_1k"] = points["activities"] * 1000.0 / points["residents"]
    pooled = points["activities"].sum() / points["residents"].sum()
    limits = funnel.rate_limits(pooled, points["residents"])
    points = pd.concat([points, limits.drop(columns="residents")], axis=1)
    points["band"] = funnel.band(points["activities"], points["expected"])
    return points


def item_ranking(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    a = w.acts_in(f, scope)
    per = a.groupby("item_id").agg(
        activities=("item_id", "size"),
        participants=("participants", "sum"),
        volunteer_hours=("volunteer_hours", "sum"),
        communities_reached=("community_id", "nunique"),
    )
    items = w.items if f.seed_colours is None else w.items[w.items["seed_colour"].isin(f.seed_colours)]
    out = items[["item_id", "seed_colour"]].merge(per, left_on="item_id", right_index=True, how="left").fillna(0)
    key = out["participants"].astype(float) * 1e7 + out["activities"]
    out["rank_in_colour"] = key.groupby(out["seed_colour"]).rank(method="min", ascending=False).astype(int)
    out["share_of_colour"] = out["participants"] / out.groupby("seed_colour")["participants"].transform("sum")
    return out


def daily(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    a = w.acts_in(f, scope)
    counts = a.groupby("held_on").agg(activities=("held_on", "size"), participants=("participants", "sum"))
    first = _ts(f.start) if f.start else counts.index.min()
    last = _ts(f.end) if f.end else counts.index.max()
    days = pd.date_range(first, last, freq="D")
    return counts.reindex(days, fill_value=0).rename_axis("day").reset_index()


def _partner_parts(w: World, f: Filters, scope):
    a = w.acts_in(f, scope)
    with_partner = a[a["partner_id"].notna()]
    per_pair = (
        with_partner.groupby(["partner_id", "community_id"])
        .agg(
            activities=("partner_id", "size"),
            participants=("participants", "sum"),
            volunteer_hours=("volunteer_hours", "sum"),
        )
        .reset_index()
    )
    paired = w.pairings[w._places(w.pairings, f, scope)]
    if f.end:
        since = pd.to_datetime(paired["since"])
        paired = paired[since.isna() | (since <= _ts(f.end))]
    return a, per_pair, paired


def partner_contribution(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    a, per_pair, paired = _partner_parts(w, f, scope)
    per_partner = per_pair.groupby("partner_id").agg(
        activities=("activities", "sum"),
        participants=("participants", "sum"),
        volunteer_hours=("volunteer_hours", "sum"),
        communities_reached=("community_id", "size"),
    )
    use = paired.merge(per_pair, on=["partner_id", "community_id"], how="left")
    pair_use = use.groupby("partner_id").agg(
        paired_communities=("community_id", "size"), idle_pairings=("activities", lambda s: int(s.isna().sum()))
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
    comms = w.communities_in(f, scope)
    total = a["community_id"].value_counts()
    with_partner = a.loc[a["partner_id"].notna(), "community_id"].value_counts()
    pairs = paired["community_id"].value_counts()
    out = comms[["community_id"]].copy()
    out["activities"] = out["community_id"].map(total).fillna(0).astype(int)
    out["paired_partners"] = out["community_id"].map(pairs).fillna(0).astype(int)
    return out[out["community_id"].map(with_partner).fillna(0).to_numpy() == 0]


# ---------------------------------------------------------------------------------------------
# cases
def resolution(w: World, f: Filters, by=("grid_id",), *, scope=None) -> pd.DataFrame:
    by = tuple(by)
    return pd.DataFrame(
        [{**dict(zip(by, key)), **_case_counts(part)} for key, part in _group(w.cases_in(f, scope), by)]
    )


def flows(w: World, f: Filters, *, scope=None) -> pd.DataFrame:
    return w.cases_in(f, scope).groupby(["category", "level"]).size().rename("cases").reset_index()


def time_to_close(w: World, f: Filters, by=("category",), *, scope=None) -> pd.DataFrame:
    by = tuple(by)
    k = w.cases_in(f, scope)
    k = k[k["level"] != "open"]
    return pd.DataFrame(
        [
            {
                **dict(zip(by, key)),
                "closed": len(part),
                **_percentiles(part["hours"]),
                "mean_hours": part["hours"].mean(),
            }
            for key, part in _group(k, by)
        ]
    )


def _open_cases(w: World, f: Filters, scope) -> pd.DataFrame:
    all_cases = w.cases
    as_of = max(all_cases["reported_at"].max(), all_cases["closed_at"].max())
    k = w.cases_in(f, scope)
    k = k[(k["reported_at"] <= as_of) & (k["closed_at"].isna() | (k["closed_at"] > as_of))]
    return k.assign(age_days=(as_of - k["reported_at"]).dt.total_seconds() / 86400.0)


def open_backlog(w: World, f: Filters, by=("grid_id",), *, scope=None) -> pd.DataFrame:
    by = tuple(by)
    rows = []
    for key, part in _group(_open_cases(w, f, scope), by):
        age = part["age_days"]
        row = {**dict(zip(by, key)), "open": len(part), "urgent_open": int(part["urgent"].sum())}
        for name, low, high in cases_module.AGE_BUCKETS:
            inside = (age > low) if low else pd.Series(True, index=age.index)
            if high is not None:
                inside &= age <= high
            row[f"age_{name}"] = int(inside.sum())
        row["median_age_days"] = age.median()
        row["oldest_age_days"] = age.max()
        rows.append(row)
    return pd.DataFrame(rows)


def oldest_open(w: World, f: Filters, *, limit: int = 20, scope=None) -> pd.DataFrame:
    k = _open_cases(w, f, scope)
    return k.sort_values(["age_days", "case_id"], ascending=[False, True]).head(limit)


def urgent_matters(w: World, f: Filters, by=("grid_id",), *, scope=None) -> pd.DataFrame:
    by = tuple(by)
    rows = []
    for key, part in _group(w.cases_in(f, scope, urgent_only=True), by):
        counts = _case_counts(part)
        rows.append(
            {
                **dict(zip(by, key)),
                "cases": len(part),
                "closed": counts["closed"],
                "open": counts["open"],
                "in_grid_rate": counts["in_grid_rate"],
                "in_community_rate": counts["in_community_rate"],
                **_percentiles(part["hours"]),
            }
        )
    return pd.DataFrame(rows)


def satisfaction(w: World, f: Filters, by=("category",), *, scope=None) -> pd.DataFrame:
    by = tuple(by)
    rows = []
    for key, part in _group(w.cases_in(f, scope), by):
        score = part["satisfaction"]
        closed = int((part["level"] != "open").sum())
        surveyed = int(score.notna().sum())
        rows.append(
            {
                **dict(zip(by, key)),
                "cases": len(part),
                "closed": closed,
                "surveyed": surveyed,
                "response_rate": _ratio(surveyed, closed),
                "mean_score": score.mean(),
                "satisfied_share": _ratio(int((score >= 4).sum()), surveyed),
                "unsatisfied_share": _ratio(int((score <= 2).sum()), surveyed),
            }
        )
    return pd.DataFrame(rows)


def community_table(w: World, f: Filters, grid_id: str, *, scope=None) -> pd.DataFrame:
    comms = w.communities_in(f, scope)
    comms = comms[comms["grid_id"] == grid_id]
    k = w.cases_in(f, scope)
    rows = []
    for community_id, residents in zip(comms["community_id"], comms["residents"]):
        part = k[k["community_id"] == community_id]
        counts = _case_counts(part)
        closed = part[part["level"] != "open"]
        rows.append(
            {
                "community_id": community_id,
                "residents": residents,
                "cases": len(part),
                "cases_per_1k": _ratio(len(part) * 1000.0, residents),
                "closed": counts["closed"],
                "open": counts["open"],
                "in_grid_rate": counts["in_grid_rate"],
                "in_community_rate": counts["in_community_rate"],
                "urgent_cases": counts["urgent_cases"],
                "urgent_in_community_rate": counts["urgent_in_community_rate"],
                **_percentiles(closed["hours"]),
                "mean_score": part["satisfaction"].mean(),
            }
        )
    return pd.DataFrame(rows)


def targets(w: World, *, scope=None) -> pd.DataFrame:
    """The defaults (the benchmark's demo world has no stored targets)."""
    places = [None, *w.grids["grid_id"]]
    return pd.DataFrame(
        [
            {"grid_id": g, "metric": m, "target": cases_module.DEFAULT_TARGETS[m]}
            for g in places
            for m in cases_module.TARGET_METRICS
        ]
    )


def scores(w: World, f: Filters, by=("grid_id", "month"), *, scope=None) -> pd.DataFrame:
    by = tuple(by)
    rows = []
    for key, part in _group(w.cases_in(f, scope), by):
        counts = _case_counts(part)
        base = {**dict(zip(by, key))}
        metrics = (
            ("in_grid_rate", counts["closed"]),
            ("in_community_rate", counts["closed"]),
            ("urgent_in_community_rate", counts["urgent_closed"]),
        )
        scored = []
        for metric, n in metrics:
            target = cases_module.DEFAULT_TARGETS[metric]
            actual = counts[metric]
            scored.append(
                {**base, "metric": metric, "base": n, "actual": actual, "target": target, "score": actual / target}
            )
        rows.extend(scored)
        overall = [s["score"] for s in scored if s["metric"] in cases_module.CITYSCORE_METRICS]
        rows.append(
            {
                **base,
                "metric": "cityscore",
                "base": max(s["base"] for s in scored[:2]),
                "actual": np.nan,
                "target": np.nan,
                "score": float(np.nanmean(overall)) if not all(np.isnan(overall)) else np.nan,
            }
        )
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# contest: the record of each entrant's community (the scoring itself is the project's, on a few
# hundred score rows, run on the raw contest tables)
def stage_vs_work(w: World, con, round_id: str, method: str = "trimmed_mean", *, months: int = 12) -> pd.DataFrame:
    start, end = contest_work.window(con, round_id, months)
    period = Filters(start=start, end=end)
    entries = con.execute(
        "SELECT entry_id, community_id FROM contest_entries WHERE round_id = $r", {"r": round_id}
    ).df()
    entries = entries.merge(w.communities[["community_id", "residents"]], on="community_id")
    a, k = w.acts_in(period), w.cases_in(period)
    a = a[a["community_id"].isin(entries["community_id"])]
    k = k[k["community_id"].isin(entries["community_id"])]
    up = a.groupby("community_id").agg(activities=("community_id", "size"), participants=("participants", "sum"))
    closed = k[k["level"] != "open"]
    matters = pd.DataFrame(
        {
            "closed_cases": closed.groupby("community_id").size(),
            "settled": closed[closed["level"] == "grid"].groupby("community_id").size(),
            "satisfaction": k.groupby("community_id")["satisfaction"].mean(),
        }
    )
    out = entries.merge(up, left_on="community_id", right_index=True, how="left").merge(
        matters, left_on="community_id", right_index=True, how="left"
    )
    out[["activities", "participants", "closed_cases"]] = out[["activities", "participants", "closed_cases"]].fillna(0)
    out["activities_per_1k"] = 1000.0 * out["activities"] / out["residents"]
    out["participants_per_1k"] = 1000.0 * out["participants"] / out["residents"]
    out["in_grid_rate"] = out["settled"].fillna(0) / out["closed_cases"].replace(0, np.nan)
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
    for measure in contest_work.WORK_MEASURES:
        pair = frame[["score", measure]].dropna()
        rho = float(pair["score"].rank().corr(pair[measure].rank())) if len(pair) >= 3 else np.nan
        rows.append({"measure": measure, "rho": rho, "entries": len(pair)})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------------------------------------
# explorer
def pivot(w: World, subject: str, rows: tuple, measures: tuple, f: Filters) -> pd.DataFrame:
    """The two pivots the benchmark asks: activities by grid × colour, and cases by month."""
    if subject == "activities":
        a = w.acts_in(f).assign(grid=lambda x: x["grid_id"].map(dict(zip(w.grids["grid_id"], w.grids["name"]))))
        out = a.groupby(list(rows)).agg(activities=("held_on", "size"), participants=("participants", "sum"))
        return out.reset_index()[[*rows, *measures]]
    k = w.cases_in(f)
    out = pd.DataFrame(
        [
            {"month": month, "cases": len(part), "in_grid_rate": _case_counts(part)["in_grid_rate"]}
            for month, part in k.groupby("month")
        ]
    )
    return out[[*rows, *measures]]
