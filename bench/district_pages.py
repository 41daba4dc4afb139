"""The pages of one subdistrict at district scale: the same page calls for 江川 in the default database
(江川 alone) and in the district database (闵行区's 14 街镇), side by side in one run.

    python bench/district_pages.py                 # scale 1: builds bench/jc-1.duckdb and bench/district-1.duckdb once
    python bench/district_pages.py --scale 0.3 --repeat 7

Three ways of asking for 江川's numbers, each page's first view (the sidebar's lists and the calls the
overview, grid map, seeds, cases and contest pages make, last twelve months, one warehouse per page
run as the app makes it):

- one town:  the default database, a leader of the whole database (today's app);
- bound:     the district database, a leader whose account is bound to 江川 (Scope town_code);
- picked:    the district database, a district leader who picked 江川 in the sidebar (Filters town_codes).

Each page's time is the best of --repeat runs; the three ways run in turn within each repeat (so
the shared machine's noise falls on all three alike) after one warm-up run each. The ratios bound ÷
one town and picked ÷ one town are the measurement (target ≤ 1.2×); the answers are checked equal.
The picker narrows the calls that take the page filters; a district leader's reference lists and
contest rounds stay the district's, so "picked" times and compares those calls only.
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import duckdb  # noqa: E402
import pandas as pd  # noqa: E402

from analytics import cases, db, geo, grids, overview, places, seeds  # noqa: E402
from analytics.contest import panel, scoring, work  # noqa: E402
from analytics.core.hierarchy import JIANGCHUAN  # noqa: E402
from analytics.core.scope import Scope  # noqa: E402
from analytics.demo import generate as demo  # noqa: E402
from analytics.filters import Filters  # noqa: E402
from analytics.warehouse.source import Warehouse  # noqa: E402

GRID, ROUND = "G7", "R2024"
Call = Callable[[Any, Filters, Scope], Any]

# page -> the calls of its first view (the sidebar's own first)
PAGES: dict[str, dict[str, Call]] = {
    "sidebar": {
        "data_range": lambda c, f, s: places.data_range(c, scope=s),
        "grid_list": lambda c, f, s: places.grid_list(c, scope=s),
    },
    "overview": {
        "headline": lambda c, f, s: overview.headline(c, f, scope=s),
        "monthly_trend": lambda c, f, s: overview.monthly_trend(c, f, scope=s),
    },
    "grid_map": {
        "grid_summary": lambda c, f, s: grids.grid_summary(c, f, scope=s),
        "community_summary": lambda c, f, s: grids.community_summary(c, f, scope=s),
        "grid_trend": lambda c, f, s: grids.grid_trend(c, f, GRID, scope=s),
        "community_ranking": lambda c, f, s: grids.community_ranking(c, f, GRID, scope=s),
        "top_items": lambda c, f, s: grids.top_items(c, f, GRID, scope=s),
        "top_partners": lambda c, f, s: grids.top_partners(c, f, GRID, scope=s),
        "boundaries": lambda c, f, s: geo.boundaries_for_period(c, f.start, f.end, scope=s),
        "partner_list": lambda c, f, s: places.partner_list(c, scope=s),
    },
    "seeds": {
        "uptake": lambda c, f, s: seeds.uptake(c, f, ("seed_colour",), scope=s),
        "daily": lambda c, f, s: seeds.daily(c, f, scope=s),
        "item_ranking": lambda c, f, s: seeds.item_ranking(c, f, scope=s),
        "pairing_matrix": lambda c, f, s: seeds.pairing_matrix(c, f, scope=s),
        "partner_contribution": lambda c, f, s: seeds.partner_contribution(c, f, scope=s),
        "idle_pairings": lambda c, f, s: seeds.idle_pairings(c, f, scope=s),
        "uncovered": lambda c, f, s: seeds.uncovered_communities(c, f, scope=s),
        "funnel": lambda c, f, s: seeds.community_funnel(c, f, scope=s),
    },
    "cases": {
        "resolution grid": lambda c, f, s: cases.resolution(c, f, ("grid_id",), scope=s),
        "resolution": lambda c, f, s: cases.resolution(c, f, (), scope=s),
        "flows": lambda c, f, s: cases.flows(c, f, scope=s),
        "time_to_close": lambda c, f, s: cases.time_to_close(c, f, ("category",), scope=s),
        "satisfaction": lambda c, f, s: cases.satisfaction(c, f, ("category",), scope=s),
        "open_backlog": lambda c, f, s: cases.open_backlog(c, f, ("grid_id",), scope=s),
        "oldest_open": lambda c, f, s: cases.oldest_open(c, f, scope=s),
        "urgent": lambda c, f, s: cases.urgent_matters(c, f, ("grid_id",), scope=s),
        "community_table": lambda c, f, s: cases.community_table(c, f, GRID, scope=s),
        "table_totals": lambda c, f, s: cases.community_table_totals(c, f, GRID, scope=s),
        "targets": lambda c, f, s: cases.targets(c, scope=s),
        "scores": lambda c, f, s: cases.scores(c, f, ("grid_id", "month"), scope=s),
    },
    "contest": {
        "rounds": lambda c, f, s: scoring.rounds(c, scope=s),
        "compare_methods": lambda c, f, s: scoring.compare_methods(c, ROUND, scope=s),
        "rank_history": lambda c, f, s: scoring.rank_history(c, scope=s),
        "missing_scores": lambda c, f, s: scoring.missing_scores(c, ROUND, scope=s),
        "judge_matrix": lambda c, f, s: panel.judge_matrix(c, ROUND, scope=s),
        "agreement": lambda c, f, s: panel.agreement(c, ROUND, scope=s),
        "stage_and_match": lambda c, f, s: work.stage_and_match(c, ROUND, scope=s),
    },
}
# calls that take no page filters: a district leader's answer is the district's, not 江川's
UNFILTERED = {"data_range", "grid_list", "boundaries", "partner_list", "targets"} | set(PAGES["contest"])


@dataclasses.dataclass
class Way:
    name: str
    con: duckdb.DuckDBPyConnection
    scope: Scope
    filters: Filters


def build(path: Path, scale: float, district: bool) -> None:
    if path.exists():
        return
    started = time.perf_counter()
    building = path.with_suffix(".building")
    building.unlink(missing_ok=True)
    con = duckdb.connect(str(building))
    db.create_schema(con)
    demo.build(con, scale=scale, district=district)
    con.close()
    building.rename(path)
    print(f"built {path.name} in {time.perf_counter() - started:.1f} s", flush=True)


def run_page(way: Way, calls: dict[str, Call]) -> tuple[dict[str, float], dict[str, Any]]:
    """Each call's seconds and answer, through one warehouse for the page run as ui/data.py makes it."""
    warehouse = Warehouse(way.con)
    seconds, answers = {}, {}
    for name, call in calls.items():
        if way.name == "picked" and name in UNFILTERED:
            continue  # a district leader's lists and contest are the district's: not 江川's page
        started = time.perf_counter()
        answers[name] = call(warehouse, way.filters, way.scope)
        seconds[name] = time.perf_counter() - started
    return seconds, answers


def frames(result: Any) -> list[Any]:
    if isinstance(result, pd.DataFrame):
        return [result.reset_index(drop=True)]
    if isinstance(result, pd.Series):
        return [result.reset_index(drop=True).to_frame()]
    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return [x for f in dataclasses.fields(result) for x in frames(getattr(result, f.name))]
    if isinstance(result, (tuple, list)):
        return [x for item in result for x in frames(item)]
    return [result]


def same(a: Any, b: Any) -> bool:
    left, right = frames(a), frames(b)
    if len(left) != len(right):
        return False
    for x, y in zip(left, right):
        if isinstance(x, pd.DataFrame):
            try:
                pd.testing.assert_frame_equal(x, y, rtol=1e-9)
            except AssertionError:
                return False
        elif not (x == y or (isinstance(x, float) and isinstance(y, float) and pd.isna(x) and pd.isna(y))):
            return False
    return True


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    tag = f"{args.scale:g}"
    one_path, district_path = ROOT / "bench" / f"jc-{tag}.duckdb", ROOT / "bench" / f"district-{tag}.duckdb"
    build(one_path, args.scale, district=False)
    build(district_path, args.scale, district=True)
    one, district = db.connect(one_path, read_only=True), db.connect(district_path, read_only=True)
    first, last = places.data_range(one)
    period = Filters(max(first, last - dt.timedelta(days=365) + dt.timedelta(days=1)), last)
    ways = [
        Way("one town", one, Scope("leader"), period),
        Way("bound", district, Scope("leader", town_code=JIANGCHUAN), period),
        Way("picked", district, Scope("leader"), period.replace(town_codes=(JIANGCHUAN,))),
    ]
    sizes = {
        w.name: w.con.execute("SELECT (SELECT count(*) FROM grid_cases), (SELECT count(*) FROM towns)").fetchone()
        for w in ways[:2]
    }
    print(
        f"scale {tag}: one town {sizes['one town'][0]:,} cases; district {sizes['bound'][0]:,} cases "
        f"in {sizes['bound'][1]} towns; period {period.start} – {period.end}; best of {args.repeat}",
        flush=True,
    )
    best: dict[tuple[str, str], float] = {}  # (page, way) -> best page time
    best_filtered: dict[tuple[str, str], float] = {}  # the same over the calls that take the page filters
    agree: dict[str, list[str]] = {}
    for page, calls in PAGES.items():
        for way in ways:  # warm-up: the first run reads the files into DuckDB's cache
            run_page(way, calls)
        for r in range(args.repeat):
            order = ways[r % 3 :] + ways[: r % 3]
            answers = {}
            for way in order:
                seconds, answers[way.name] = run_page(way, calls)
                total = sum(seconds.values())
                filtered = sum(v for n, v in seconds.items() if n not in UNFILTERED)
                best[(page, way.name)] = min(best.get((page, way.name), float("inf")), total)
                best_filtered[(page, way.name)] = min(best_filtered.get((page, way.name), float("inf")), filtered)
        differ = [n for n in calls if not same(answers["bound"][n], answers["one town"][n])]
        differ += [f"{n} (picked)" for n in answers["picked"] if not same(answers["picked"][n], answers["one town"][n])]
        agree[page] = differ
    print()
    print(
        "| page | calls | one town ms | bound ms | bound ÷ one town "
        "| filtered calls | one town ms | picked ms | picked ÷ one town | answers |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
    sums = {key: 0.0 for key in ("one", "bound", "one_f", "picked")}
    for page, calls in PAGES.items():
        one_ms, bound_ms = best[(page, "one town")] * 1000, best[(page, "bound")] * 1000
        one_f, picked = best_filtered[(page, "one town")] * 1000, best_filtered[(page, "picked")] * 1000
        for key, value in zip(sums, (one_ms, bound_ms, one_f, picked)):
            sums[key] += value
        n_filtered = sum(1 for n in calls if n not in UNFILTERED)
        ratio = f"{picked / one_f:.2f}" if n_filtered else "—"
        verdict = "equal" if not agree[page] else "differ: " + ", ".join(agree[page])
        print(
            f"| {page} | {len(calls)} | {one_ms:,.0f} | {bound_ms:,.0f} | {bound_ms / one_ms:.2f} | {n_filtered} | "
            f"{one_f:,.0f} | {picked:,.0f} | {ratio} | {verdict} |"
        )
    n_all = sum(len(c) for c in PAGES.values())
    n_filtered_all = sum(1 for c in PAGES.values() for n in c if n not in UNFILTERED)
    print(
        f"| all | {n_all} | {sums['one']:,.0f} | {sums['bound']:,.0f} | {sums['bound'] / sums['one']:.2f} | "
        f"{n_filtered_all} | {sums['one_f']:,.0f} | {sums['picked']:,.0f} | {sums['picked'] / sums['one_f']:.2f} | |"
    )


if __name__ == "__main__":
    main()
