"""Every page at city scale: our analytics calls beside one straightforward DuckDB query over the raw
tables and beside the pandas way, then the app itself from `streamlit run` to its first answered page.

    python bench/pages_bench.py                       # scale 150: builds bench/demo-150.duckdb once, then reuses it
    python bench/pages_bench.py --db path.duckdb      # any demo-world database (rollups are refreshed if stale)
    python bench/pages_bench.py --repeat 3 --pages overview,cases --skip-app

For each page the calls it makes on first view and on a filter change (grid G3 picked, or another
round / pivot) run three ways, each in a fresh child process (so its memory is its own, and DuckDB's
cache starts cold, as after a restart):

- ours: the analytics functions as the app calls them (rollups while current, raw tables otherwise);
- raw DuckDB: the same functions over a raw-only warehouse (analytics.warehouse.source.raw): the same
  query per call over every row of seed_activities / grid_cases instead of the rollups;
- pandas: the tables the page needs loaded into pandas once (first view = load + group; the filter
  change = group only, the frames cached as `st.cache_data` would), then filtered and grouped
  (bench/pandas_way.py).

It checks the three answers agree to a relative 1e-9 (ours = raw on every column; ours = pandas on the
listed columns, which the pandas answer must have, and on every other column both answers have),
prints ratios and each approach's peak memory (peak resident memory of its process above what it held
after opening the database), the rollup refresh time, and then starts the app: server start → health
check → a headless Chromium (/usr/bin/chromium via Playwright) showing the overview's metrics, then every
page, with the server's peak resident memory. Times are best of --repeat runs. The machine is shared:
read the ratios, measured side by side in one run, rather than the absolute times.
"""

from __future__ import annotations

import argparse
import calendar
import datetime as dt
import json
import os
import pickle
import platform
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402

from analytics.filters import Filters  # noqa: E402

APPROACHES = ("ours", "raw", "pandas")
PAGES = ("overview", "grid_map", "seeds", "cases", "contest", "explorer")
CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
GRID = "G3"


# ---------------------------------------------------------------------------------------------
# what each page asks
@dataclass
class Call:
    label: str
    fn: str  # "module.function" in analytics
    args: tuple = ()
    kwargs: dict = field(default_factory=dict)
    pandas: object = None  # (World, con) -> DataFrame, the same answer the pandas way
    keys: tuple = ()  # columns that identify a row, to compare answers
    cols: tuple = ()  # columns compared with the pandas answer
    shared: bool = False  # the same code in every approach (the contest panel, a few hundred rows)


@dataclass
class Page:
    tables: set
    first: list
    change: list


def pages(start: dt.date, end: dt.date) -> dict[str, Page]:
    import pandas_way as pw

    from analytics.contest import scoring as contest_module
    from analytics.explore import pivot
    from analytics.warehouse import source as warehouse

    f = Filters(start, end)
    g = f.replace(grid_ids=(GRID,))
    res_cols = (
        "cases",
        "closed",
        "open",
        "grid",
        "community",
        "street",
        "district",
        "in_grid_rate",
        "in_community_rate",
        "urgent_cases",
        "urgent_closed",
        "urgent_open",
        "urgent_in_community_rate",
    )
    ttc_cols = ("closed", "median_hours", "p90_hours", "mean_hours")
    sat_cols = ("cases", "closed", "surveyed", "response_rate", "mean_score", "satisfied_share", "unsatisfied_share")
    backlog_cols = (
        "open",
        "urgent_open",
        "age_0_7",
        "age_8_30",
        "age_31_90",
        "age_over_90",
        "median_age_days",
        "oldest_age_days",
    )
    urgent_cols = ("cases", "closed", "open", "in_grid_rate", "in_community_rate", "median_hours", "p90_hours")
    summary_cols = (
        "residents",
        "communities",
        "cases",
        "closed",
        "in_grid_rate",
        "in_community_rate",
        "urgent_in_community_rate",
        "satisfaction",
        "activities",
        "participants",
        "volunteer_hours",
        "partners_active",
        "activities_per_1k",
        "cases_per_1k",
    )
    trend_cols = (
        "activities",
        "participants",
        "partners_active",
        "cases",
        "in_grid_rate",
        "in_community_rate",
        "satisfaction",
    )
    uptake_cols = ("activities", "participants", "volunteers", "volunteer_hours")
    prev_cols = uptake_cols + tuple(f"{c}_prev" for c in uptake_cols)

    def cases_calls(ff: Filters, grid: str) -> list[Call]:
        calls = [
            Call(
                "resolution ()",
                "cases.resolution",
                (ff, ()),
                pandas=lambda w, c: pw.resolution(w, ff, ()),
                cols=res_cols,
            ),
            Call(
                "targets",
                "cases.targets",
                pandas=lambda w, c: pw.targets(w),
                keys=("grid_id", "metric"),
                cols=("target",),
            ),
        ]
        for by in (("grid_id",), (), ("grid_id", "month"), ("month",)):
            calls.append(
                Call(
                    f"scores {by}",
                    "cases.scores",
                    (ff, by),
                    pandas=lambda w, c, by=by: pw.scores(w, ff, by),
                    keys=(*by, "metric"),
                    cols=("base", "actual", "target", "score"),
                )
            )
        calls.append(
            Call(
                "flows",
                "cases.flows",
                (ff,),
                pandas=lambda w, c: pw.flows(w, ff),
                keys=("category", "level"),
                cols=("cases",),
            )
        )
        for by in (("grid_id",), ("grid_id", "category")):
            calls.append(
                Call(
                    f"resolution {by}",
                    "cases.resolution",
                    (ff, by),
                    pandas=lambda w, c, by=by: pw.resolution(w, ff, by),
                    keys=by,
                    cols=res_cols,
                )
            )
        for by in (("category",), ("grid_id",), ("grid_id", "category")):
            calls.append(
                Call(
                    f"time_to_close {by}",
                    "cases.time_to_close",
                    (ff, by),
                    pandas=lambda w, c, by=by: pw.time_to_close(w, ff, by),
                    keys=by,
                    cols=ttc_cols,
                )
            )
        for by in ((), ("grid_id",)):
            calls.append(
                Call(
                    f"open_backlog {by}",
                    "cases.open_backlog",
                    (ff, by),
                    pandas=lambda w, c, by=by: pw.open_backlog(w, ff, by),
                    keys=by,
                    cols=backlog_cols,
                )
            )
        calls.append(
            Call(
                "oldest_open",
                "cases.oldest_open",
                (ff,),
                pandas=lambda w, c: pw.oldest_open(w, ff),
                keys=("case_id",),
                cols=("age_days", "grid_id", "category"),
            )
        )
        calls.append(
            Call(
                "oldest_open (download)",
                "cases.oldest_open",
                (ff,),
                {"limit": 100_000},
                pandas=lambda w, c: pw.oldest_open(w, ff, limit=100_000),
                keys=("case_id",),
                cols=("age_days",),
            )
        )
        for by in ((), ("grid_id",)):
            calls.append(
                Call(
                    f"urgent_matters {by}",
                    "cases.urgent_matters",
                    (ff, by),
                    pandas=lambda w, c, by=by: pw.urgent_matters(w, ff, by),
                    keys=by,
                    cols=urgent_cols,
                )
            )
        for by in (("category",), ("grid_id",), ("level",), ("grid_id", "category")):
            calls.append(
                Call(
                    f"satisfaction {by}",
                    "cases.satisfaction",
                    (ff, by),
                    pandas=lambda w, c, by=by: pw.satisfaction(w, ff, by),
                    keys=by,
                    cols=sat_cols,
                )
            )
        calls.append(
            Call(
                f"community_table {grid}",
                "cases.community_table",
                (ff, grid),
                pandas=lambda w, c: pw.community_table(w, ff, grid),
                keys=("community_id",),
                cols=(
                    "residents",
                    "cases",
                    "cases_per_1k",
                    "closed",
                    "open",
                    "in_grid_rate",
                    "in_community_rate",
                    "urgent_cases",
                    "urgent_in_community_rate",
                    "median_hours",
                    "p90_hours",
                    "mean_score",
                ),
            )
        )
        return calls

    def seeds_calls(ff: Filters) -> list[Call]:
        return [
            Call("uptake ()", "seeds.uptake", (ff, ()), pandas=lambda w, c: pw.uptake(w, ff, ()), cols=prev_cols),
            Call(
                "uptake (seed_colour)",
                "seeds.uptake",
                (ff, ("seed_colour",)),
                pandas=lambda w, c: pw.uptake(w, ff, ("seed_colour",)),
                keys=("seed_colour",),
                cols=prev_cols,
            ),
            Call(
                "uptake (month, seed_colour)",
                "seeds.uptake",
                (ff, ("month", "seed_colour")),
                pandas=lambda w, c: pw.uptake(w, ff, ("month", "seed_colour")),
                keys=("month", "seed_colour"),
                cols=uptake_cols,
            ),
            Call(
                "community_funnel",
                "seeds.community_funnel",
                (ff,),
                pandas=lambda w, c: pw.community_funnel(w, ff),
                keys=("community_id",),
                cols=("residents", "activities", "activities_per_1k", "expected", "band"),
            ),
            Call(
                "item_ranking",
                "seeds.item_ranking",
                (ff,),
                pandas=lambda w, c: pw.item_ranking(w, ff),
                keys=("item_id",),
                cols=(
                    "activities",
                    "participants",
                    "volunteer_hours",
                    "communities_reached",
                    "rank_in_colour",
                    "share_of_colour",
                ),
            ),
            Call(
                "daily",
                "seeds.daily",
                (ff,),
                pandas=lambda w, c: pw.daily(w, ff),
                keys=("day",),
                cols=("activities", "participants"),
            ),
            Call(
                "partner_contribution",
                "seeds.partner_contribution",
                (ff,),
                pandas=lambda w, c: pw.partner_contribution(w, ff),
                keys=("partner_id",),
                cols=(
                    "activities",
                    "participants",
                    "volunteer_hours",
                    "communities_reached",
                    "paired_communities",
                    "idle_pairings",
                    "share_of_activities",
                ),
            ),
            Call(
                "pairing_matrix",
                "seeds.pairing_matrix",
                (ff,),
                pandas=lambda w, c: pw.pairing_matrix(w, ff),
                keys=("partner_id", "community_id"),
                cols=("paired", "activities", "participants", "status"),
            ),
            Call(
                "uncovered_communities",
                "seeds.uncovered_communities",
                (ff,),
                pandas=lambda w, c: pw.uncovered_communities(w, ff),
                keys=("community_id",),
                cols=("activities", "paired_partners"),
            ),
            Call(
                "idle_pairings",
                "seeds.idle_pairings",
                (ff,),
                pandas=lambda w, c: pw.idle_pairings(w, ff),
                keys=("partner_id", "community_id"),
                cols=("activities",),
            ),
        ]

    def contest_calls(round_id: str) -> list[Call]:
        # The rankings: ours reads the stored rankings (analytics/schema/61_contest_rollups.sql) and the
        # stored stage-vs-work record (62_contest_work_rollups.sql); raw DuckDB and the pandas way score
        # the judges' sheets and sum the record on every view, as the page did before them (the pandas way
        # scores through the project's own code: its numpy bootstrap is already vectorised).
        def scored(fn, *args, **kwargs):
            def run(w, c):
                return fn(warehouse.raw(c), *args, **kwargs)

            return run

        calls = [
            Call(
                "compare_methods",
                "contest.compare_methods",
                (round_id,),
                keys=("entry_id",),
                pandas=scored(contest_module.compare_methods, round_id),
                cols=tuple(
                    f"{c}_{m}" for m in contest_module.METHODS for c in ("score", "rank", "rank_low", "rank_high")
                ),
            ),
            Call(
                "stage_and_match",
                "contest.work.stage_and_match",
                (round_id,),
                pandas=lambda w, c: pw.stage_and_match(w, c, round_id),
                keys=("entry_id",),
                cols=(
                    "score",
                    "rank",
                    "activities",
                    "activities_per_1k",
                    "participants_per_1k",
                    "closed_cases",
                    "in_grid_rate",
                    "satisfaction",
                ),
            ),
        ]
        if round_id == "R2024":
            calls.insert(
                0,
                Call(
                    "rank_history",
                    "contest.rank_history",
                    keys=("round_id", "community_id"),
                    pandas=scored(contest_module.rank_history),
                    cols=("score", "rank"),
                ),
            )
        # The judges' panel: straightforward SQL over the contest tables (a few hundred score rows, the
        # same at every scale), the same code in every approach; timed and reported beside the page.
        panel = [
            ("rounds", "contest.rounds", ()),
            ("missing_scores", "contest.missing_scores", (round_id,)),
            ("agreement", "contest.panel.agreement", (round_id,)),
            ("criterion_profile", "contest.panel.criterion_profile", (round_id,)),
            ("judge_leniency", "contest.panel.judge_leniency", (round_id,)),
            ("judge_matrix", "contest.panel.judge_matrix", (round_id,)),
            ("criteria", "contest.criteria", (round_id,)),
            ("window", "contest.work.window", (round_id,)),
        ]
        return calls + [Call(f"{label} (panel)", fn, args, shared=True) for label, fn, args in panel]

    act_spec = pivot.PivotSpec("activities", ("grid", "seed_colour"), ("activities", "participants"), f)
    act_spec_g = pivot.PivotSpec("activities", ("grid", "seed_colour"), ("activities", "participants"), g)
    case_spec = pivot.PivotSpec("cases", ("month",), ("in_grid_rate", "cases"), f)
    return {
        "overview": Page(
            {"activities", "cases"},
            [
                Call(
                    "headline",
                    "overview.headline",
                    (f,),
                    pandas=lambda w, c: pw.headline(w, f),
                    keys=("metric",),
                    cols=("current", "previous"),
                ),
                Call(
                    "monthly_trend",
                    "overview.monthly_trend",
                    (f,),
                    pandas=lambda w, c: pw.monthly_trend(w, f),
                    keys=("month",),
                    cols=trend_cols,
                ),
            ],
            [
                Call(
                    f"headline {GRID}",
                    "overview.headline",
                    (g,),
                    pandas=lambda w, c: pw.headline(w, g),
                    keys=("metric",),
                    cols=("current", "previous"),
                ),
                Call(
                    f"monthly_trend {GRID}",
                    "overview.monthly_trend",
                    (g,),
                    pandas=lambda w, c: pw.monthly_trend(w, g),
                    keys=("month",),
                    cols=trend_cols,
                ),
            ],
        ),
        "grid_map": Page(
            {"activities", "cases"},
            [
                Call(
                    "grid_summary",
                    "grids.grid_summary",
                    (f,),
                    pandas=lambda w, c: pw.grid_summary(w, f),
                    keys=("grid_id",),
                    cols=summary_cols,
                ),
                Call(
                    "community_summary",
                    "grids.community_summary",
                    (f,),
                    pandas=lambda w, c: pw.community_summary(w, f),
                    keys=("community_id",),
                    cols=summary_cols,
                ),
            ],
            [
                Call(
                    f"grid_summary {GRID}",
                    "grids.grid_summary",
                    (g,),
                    pandas=lambda w, c: pw.grid_summary(w, g),
                    keys=("grid_id",),
                    cols=summary_cols,
                ),
                Call(
                    f"community_summary {GRID}",
                    "grids.community_summary",
                    (g,),
                    pandas=lambda w, c: pw.community_summary(w, g),
                    keys=("community_id",),
                    cols=summary_cols,
                ),
                Call(
                    f"community_ranking {GRID}",
                    "grids.community_ranking",
                    (g, GRID, "in_grid_rate"),
                    pandas=lambda w, c: pw.community_ranking(w, g, GRID),
                    keys=("community_id",),
                    cols=("rank", "in_grid_rate", "cases", "activities"),
                ),
                Call(
                    f"grid_trend {GRID}",
                    "grids.grid_trend",
                    (g, GRID),
                    pandas=lambda w, c: pw.grid_trend(w, g, GRID),
                    keys=("month",),
                    cols=trend_cols,
                ),
                Call(
                    f"top_items {GRID}",
                    "grids.top_items",
                    (g, GRID),
                    pandas=lambda w, c: pw.top_items(w, g, GRID),
                    keys=("item_id",),
                    cols=("activities", "participants", "communities"),
                ),
                Call(
                    f"top_partners {GRID}",
                    "grids.top_partners",
                    (g, GRID),
                    pandas=lambda w, c: pw.top_partners(w, g, GRID),
                    keys=("partner_id",),
                    cols=("activities", "participants", "communities"),
                ),
            ],
        ),
        "seeds": Page({"activities"}, seeds_calls(f), seeds_calls(g)),
        "cases": Page({"cases"}, cases_calls(f, "G1"), cases_calls(g, GRID)),
        "contest": Page({"activities", "cases"}, contest_calls("R2024"), contest_calls("R2023B")),
        "explorer": Page(
            {"activities", "cases"},
            [
                Call(
                    "pivot activities grid×colour",
                    "explore.pivot.pivot",
                    (act_spec,),
                    pandas=lambda w, c: pw.pivot(
                        w, "activities", ("grid", "seed_colour"), ("activities", "participants"), f
                    ),
                    keys=("grid", "seed_colour"),
                    cols=("activities", "participants"),
                )
            ],
            [
                Call(
                    f"pivot activities {GRID}",
                    "explore.pivot.pivot",
                    (act_spec_g,),
                    pandas=lambda w, c: pw.pivot(
                        w, "activities", ("grid", "seed_colour"), ("activities", "participants"), g
                    ),
                    keys=("grid", "seed_colour"),
                    cols=("activities", "participants"),
                ),
                Call(
                    "pivot cases by month",
                    "explore.pivot.pivot",
                    (case_spec,),
                    pandas=lambda w, c: pw.pivot(w, "cases", ("month",), ("in_grid_rate", "cases"), f),
                    keys=("month",),
                    cols=("in_grid_rate", "cases"),
                ),
            ],
        ),
    }


# ---------------------------------------------------------------------------------------------
# the child process: one page, one approach
def _status() -> dict[str, float]:
    """This process's resident memory now and at its peak since the last reset, in MB."""
    values = {}
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, amount = line.split(":")
                values[name] = int(amount.split()[0]) / 1024
    return {"rss": values["VmRSS"], "peak": values["VmHWM"]}


def _reset_peak() -> None:
    with open("/proc/self/clear_refs", "w") as handle:
        handle.write("5")


def _frame(result) -> pd.DataFrame:
    """A call's answer as a DataFrame (a funnel's points, a pivot's frame, a pair of dates…)."""
    if isinstance(result, pd.DataFrame):
        return result
    for attribute in ("points", "frame"):
        if hasattr(result, attribute):
            return getattr(result, attribute)
    if isinstance(result, tuple):
        return pd.DataFrame({f"v{i}": [v] for i, v in enumerate(result)})
    return pd.DataFrame({"value": [result]})


def child(approach: str, page: str, db_path: str, out: str, start: str, end: str) -> None:
    import importlib

    from analytics import db
    from analytics.warehouse import source

    spec = pages(dt.date.fromisoformat(start), dt.date.fromisoformat(end))[page]
    con = db.connect(db_path, read_only=True)
    # A running app has its modules imported and its connection open: only the data is cold here.
    for call in spec.first + spec.change:
        importlib.import_module(f"analytics.{call.fn.rsplit('.', 1)[0]}")
    import pandas_way  # noqa: F401

    con.execute("SELECT 1").fetchall()
    _reset_peak()
    baseline = _status()["rss"]
    record = {"approach": approach, "page": page, "views": {}, "baseline_mb": baseline}
    world = None
    for view in ("first", "change"):
        timings, answers, shared = [], [], 0.0
        started = time.perf_counter()
        if approach == "pandas" and world is None:
            import pandas_way as pw

            loaded = time.perf_counter()
            world = pw.World(con, spec.tables)
            timings.append(("load tables", time.perf_counter() - loaded))
            answers.append(None)
        # as ui/data.py: one warehouse per run of a page (one freshness check of the rollups); raw DuckDB
        # reads the raw tables only
        wh = source.raw(con) if approach == "raw" else source.Warehouse(con)
        for call in getattr(spec, view):
            tick = time.perf_counter()
            if approach == "pandas" and call.pandas is not None:
                result = call.pandas(world, con)
            else:
                module, name = call.fn.rsplit(".", 1)
                fn = getattr(importlib.import_module(f"analytics.{module}"), name)
                result = fn(wh, *call.args, **call.kwargs)
            timings.append((call.label, time.perf_counter() - tick))
            answers.append(_frame(result))
            shared += timings[-1][1] if call.shared else 0.0
        status = _status()
        record["views"][view] = {
            "seconds": time.perf_counter() - started - shared,
            "shared": shared,
            "calls": timings,
            "answers": answers,
            "peak_mb": status["peak"] - baseline,
        }
    if approach != "pandas":
        record["duckdb_mb"] = float(
            con.execute("SELECT coalesce(sum(memory_usage_bytes), 0) / 1e6 FROM duckdb_memory()").fetchone()[0]
        )
    con.close()
    with open(out, "wb") as handle:
        pickle.dump(record, handle)


def run_child(approach: str, page: str, db_path: Path, start: dt.date, end: dt.date) -> dict:
    with tempfile.NamedTemporaryFile(suffix=".pkl", delete=False) as tmp:
        out = tmp.name
    try:
        subprocess.run(
            [
                sys.executable,
                __file__,
                "--child",
                approach,
                page,
                str(db_path),
                out,
                start.isoformat(),
                end.isoformat(),
            ],
            check=True,
            cwd=ROOT,
        )
        with open(out, "rb") as handle:
            return pickle.load(handle)
    finally:
        Path(out).unlink(missing_ok=True)


# ---------------------------------------------------------------------------------------------
# comparing answers
def _key(value):
    if value is None or (isinstance(value, float) and np.isnan(value)) or value is pd.NA or value is pd.NaT:
        return "<null>"
    if isinstance(value, (dt.date, pd.Timestamp, np.datetime64)):
        return pd.Timestamp(value).isoformat()
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer,)):
        return int(value)
    return value


def _aligned(frame: pd.DataFrame, keys, cols) -> pd.DataFrame:
    frame = frame[list(keys) + list(cols)].copy()
    for key in keys:
        frame[key] = [str(_key(v)) for v in frame[key]]
    return frame.sort_values(list(keys)).reset_index(drop=True) if keys else frame.reset_index(drop=True)


def agree(ours: pd.DataFrame, other: pd.DataFrame, keys=(), cols=None, *, rtol: float) -> str | None:
    """None when the two answers agree on `cols` (all columns when None), row by row after sorting by
    `keys`; else a short reason."""
    cols = list(ours.columns.difference(list(keys), sort=False)) if cols is None else list(cols)
    try:
        a, b = _aligned(ours, keys, cols), _aligned(other, keys, cols)
    except KeyError as exc:
        return f"missing column {exc}"
    if len(a) != len(b):
        return f"{len(a)} rows vs {len(b)}"
    if keys and (a[list(keys)].to_numpy() != b[list(keys)].to_numpy()).any():
        return "different rows"
    for col in cols:
        x, y = a[col], b[col]
        try:
            xs, ys = x.astype(float).to_numpy(), y.astype(float).to_numpy()
        except (TypeError, ValueError):
            if [_key(v) for v in x] != [_key(v) for v in y]:
                return f"{col} differs"
            continue
        if not np.allclose(xs, ys, rtol=rtol, atol=1e-9, equal_nan=True):
            worst = int(np.nanargmax(np.abs(xs - ys)))
            return f"{col} differs ({xs[worst]!r} vs {ys[worst]!r})"
    return None


# ---------------------------------------------------------------------------------------------
# the database
def prepare(path: Path, scale: float, refresh: bool) -> dict:
    """Build the demo world at `scale` if the file is missing; refresh its rollups (timed, in a child
    process so that its peak memory is its own)."""
    facts = {}
    if not path.exists():
        print(f"building the demo world at scale {scale:g} into {path} (a few minutes)…", flush=True)
        code = (
            "import json, resource, sys, time; sys.path.insert(0, {root!r}); import duckdb;"
            "from analytics import db, demo; con = duckdb.connect({path!r}); db.create_schema(con);"
            "t = time.perf_counter(); demo.build(con, scale={scale}); con.execute('CHECKPOINT');"
            "print(json.dumps({{'seconds': time.perf_counter() - t,"
            " 'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))"
        )
        out = subprocess.run(
            [sys.executable, "-c", code.format(root=str(ROOT), path=str(path), scale=scale)],
            check=True,
            capture_output=True,
            text=True,
        )
        facts["build"] = json.loads(out.stdout.strip().splitlines()[-1])
    code = (
        "import json, resource, sys, time; sys.path.insert(0, {root!r});"
        "from analytics import db, refresh; from analytics.contest import scoring as contest, work as contest_work;"
        "from analytics.warehouse import rollups; con = db.connect({path!r});"
        "fresh = rollups.ready(con) and contest.rankings_current(con) and contest_work.record_current(con);"
        "done = refresh.refresh(con) if ({refresh} or not fresh) else None; con.execute('CHECKPOINT');"
        "print(json.dumps({{'was_ready': fresh, 'seconds': done and done.seconds, 'rows': done and done.rows,"
        " 'peak_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,"
        " 'cases': con.execute('SELECT count(*) FROM grid_cases').fetchone()[0],"
        " 'activities': con.execute('SELECT count(*) FROM seed_activities').fetchone()[0],"
        " 'scale': db.meta(con, 'demo_scale'),"
        " 'last_day': str(con.execute('SELECT max(day) FROM rollup_cases').fetchone()[0])}}))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code.format(root=str(ROOT), path=str(path), refresh=refresh)],
        check=True,
        capture_output=True,
        text=True,
    )
    facts["refresh"] = json.loads(out.stdout.strip().splitlines()[-1])
    facts["file_mb"] = path.stat().st_size / 1e6
    return facts


def last_twelve_months(last: dt.date) -> tuple[dt.date, dt.date]:
    """The app's default period ("近12个月", ui.filters): the 12 months ending on the data's last day."""
    year, month = divmod(last.year * 12 + last.month - 1 - 12, 12)
    day = min(last.day, calendar.monthrange(year, month + 1)[1])
    return dt.date(year, month + 1, day) + dt.timedelta(days=1), last


# ---------------------------------------------------------------------------------------------
# the app
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _proc_memory(pid: int) -> dict[str, float]:
    values = {}
    with open(f"/proc/{pid}/status") as handle:
        for line in handle:
            if line.startswith(("VmRSS:", "VmHWM:")):
                name, amount = line.split(":")
                values[name] = int(amount.split()[0]) / 1024
    return values


def app_run(db_path: Path, visit_pages: bool = True) -> dict:
    """Server start → health → the overview's metrics in Chromium; then every page; the server's peak
    resident memory (VmHWM of the `streamlit run` process)."""
    from playwright.sync_api import sync_playwright

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    accounts = Path(tempfile.mkdtemp()) / "none.json"  # no accounts: the app's demo sign-in
    env = {
        **os.environ,
        "JIANGCHUAN_DB": str(db_path),
        "JIANGCHUAN_ACCOUNTS": str(accounts),
        "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
    }
    result: dict = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)  # ready before the clock
        page = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN").new_page()
        log = open(Path(tempfile.gettempdir()) / f"pages_bench_server_{port}.log", "w")
        # The server's answer: the websocket message that carries the last of the overview's eight
        # metrics (the browser then still has to draw them: "shown").
        last_metric = "居民满意度".encode()
        received: list[float] = []

        def watch(ws) -> None:
            ws.on(
                "framereceived",
                lambda payload: (
                    received.append(time.perf_counter())
                    if not received and isinstance(payload, bytes) and last_metric in payload
                    else None
                ),
            )

        page.on("websocket", watch)
        started = time.perf_counter()
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
            ],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            while True:
                try:
                    urllib.request.urlopen(base + "/_stcore/health", timeout=1)
                    break
                except OSError as exc:
                    if server.poll() is not None or time.perf_counter() - started > 120:
                        raise RuntimeError(f"the app did not start; see {log.name}") from exc
                    time.sleep(0.05)
            result["health_s"] = time.perf_counter() - started
            page.goto(base + "/")
            result["loaded_s"] = time.perf_counter() - started
            page.wait_for_selector("[data-test-script-state='running']", timeout=120_000)
            result["script_s"] = time.perf_counter() - started
            page.wait_for_function(
                "document.querySelectorAll('[data-testid=\"stMetricValue\"]').length >= 8", timeout=120_000
            )
            result["first_page_s"] = time.perf_counter() - started
            result["answered_s"] = received[0] - started if received else None
            page.wait_for_selector("[data-test-script-state='notRunning']", timeout=120_000)
            result["first_run_done_s"] = time.perf_counter() - started
            result["pages_s"] = {}
            for name in (*PAGES[1:], "overview") if visit_pages else ():
                tick = time.perf_counter()
                page.goto(f"{base}/{name}")
                page.wait_for_selector("[data-test-script-state='notRunning']", timeout=180_000)
                page.wait_for_timeout(300)
                page.wait_for_selector("[data-test-script-state='notRunning']", timeout=180_000)
                if page.locator("[data-testid='stException']").count():
                    raise RuntimeError(f"the page {name} shows an exception")
                result["pages_s"][name] = time.perf_counter() - tick
            memory = _proc_memory(server.pid) if visit_pages else {"VmHWM": None, "VmRSS": None}
            result["server_peak_mb"], result["server_rss_mb"] = memory["VmHWM"], memory["VmRSS"]
        finally:
            server.terminate()
            server.wait(timeout=30)
            browser.close()
    return result


# ---------------------------------------------------------------------------------------------
# the parent: run, compare, print
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--db", type=Path, help="a demo-world database (default: bench/demo-<scale>.duckdb, built once)"
    )
    parser.add_argument("--scale", type=float, default=150.0)
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs per approach (default 1)")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument(
        "--no-refresh", action="store_true", help="do not time a rollup refresh (only refresh if stale)"
    )
    parser.add_argument("--skip-pandas", action="store_true")
    parser.add_argument("--skip-app", action="store_true")
    parser.add_argument(
        "--app-starts", type=int, default=3, help="server starts timed (default 3; the last visits every page)"
    )
    parser.add_argument("--child", nargs=6, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return

    db_path = args.db or ROOT / "bench" / f"demo-{args.scale:g}.duckdb"
    facts = prepare(db_path, args.scale, refresh=not args.no_refresh)
    refresh = facts["refresh"]
    last = dt.date.fromisoformat(refresh["last_day"])
    start, end = last_twelve_months(last)
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"load average {os.getloadavg()[0]:.1f} at start"
    )
    print(
        f"database: {db_path} ({facts['file_mb']:.0f} MB): {refresh['cases']:,} grid_cases, "
        f"{refresh['activities']:,} seed_activities (demo scale {refresh['scale']})"
    )
    if "build" in facts:
        print(f"demo build (with rollups): {facts['build']['seconds']:.1f} s, peak {facts['build']['peak_mb']:.0f} MB")
    if refresh["seconds"] is not None:
        print(
            f"analytics.refresh: {refresh['seconds']:.1f} s, peak {refresh['peak_mb']:.0f} MB; rows "
            + ", ".join(f"{t} {n:,}" for t, n in refresh["rows"].items())
        )
    print(
        f"filters: {start} – {end} (the app's default 'last 12 months'); filter change: grid {GRID} "
        "(contest: another round; explorer: that grid and a cases pivot)\n"
    )

    chosen = [p for p in args.pages.split(",") if p]
    approaches = [a for a in APPROACHES if not (a == "pandas" and args.skip_pandas)]
    specs = pages(start, end)
    summary, details, problems = [], [], []
    for page in chosen:
        runs = {a: [] for a in approaches}
        for rep in range(args.repeat):
            order = approaches[rep % len(approaches) :] + approaches[: rep % len(approaches)]
            for approach in order:
                runs[approach].append(run_child(approach, page, db_path, start, end))
        for view in ("first", "change"):
            calls = getattr(specs[page], view)
            best = {a: min(r["views"][view]["seconds"] for r in runs[a]) for a in approaches}
            best_shared = {a: min(r["views"][view]["shared"] for r in runs[a]) for a in approaches}
            best_whole = {
                a: min(r["views"][view]["seconds"] + r["views"][view]["shared"] for r in runs[a]) for a in approaches
            }
            peak = {
                a: max(
                    r["views"]["change"]["peak_mb"] if view == "change" else r["views"]["first"]["peak_mb"]
                    for r in runs[a]
                )
                for a in approaches
            }
            answers = {a: runs[a][0]["views"][view]["answers"] for a in approaches}
            offset = {a: (1 if a == "pandas" and view == "first" else 0) for a in approaches}
            disagreements = []
            for i, call in enumerate(calls):
                ours = answers["ours"][i]
                reason = agree(ours, answers["raw"][i], rtol=1e-9)
                if reason:
                    disagreements.append(f"{call.label}: ours≠raw ({reason})")
                if "pandas" in approaches and call.pandas is not None:
                    theirs = answers["pandas"][i + offset["pandas"]]
                    # the listed columns must be there; every other column both answers have is compared too
                    also = [c for c in ours.columns if c in theirs.columns and c not in (*call.keys, *call.cols)]
                    reason = agree(ours, theirs, call.keys, [*call.cols, *also], rtol=1e-9)
                    if reason:
                        disagreements.append(f"{call.label}: ours≠pandas ({reason})")
                per_call = {a: min(dict(r["views"][view]["calls"])[call.label] for r in runs[a]) for a in approaches}
                details.append((page, view, call.label, per_call))
            if "pandas" in approaches and view == "first":
                load = min(dict(r["views"]["first"]["calls"])["load tables"] for r in runs["pandas"])
                details.append((page, view, "(pandas: load tables)", {"pandas": load}))
            problems += [f"{page}/{view}: {d}" for d in disagreements]
            summary.append(
                (
                    page,
                    view,
                    sum(not c.shared for c in calls),
                    best,
                    peak,
                    not disagreements,
                    (sum(c.shared for c in calls), best_shared, best_whole),
                )
            )

    _print_summary(summary, approaches)
    _print_details(details, approaches)
    if problems:
        print("\nANSWERS DISAGREE:\n  " + "\n  ".join(problems))
    else:
        print(
            "\nall answers agree to 1e-9 (ours = raw DuckDB on every column; ours = pandas on the listed columns"
            " and every other column both answers have)"
        )

    if not args.skip_app:
        if not CHROMIUM.exists():
            print(f"\nno Chromium at {CHROMIUM}: app start-up not measured")
            return
        starts = [app_run(db_path, visit_pages=False) for _ in range(max(args.app_starts - 1, 0))]
        app = app_run(db_path)
        starts.append(app)
        print(
            f"\napp, {len(starts)} starts (`streamlit run app.py`, Chromium already running), seconds after the start:"
        )
        print(
            "| start | health check | page loaded | script running | first page answered | metrics shown |"
            " run finished |\n|---|---|---|---|---|---|---|"
        )
        for i, one in enumerate(starts, start=1):
            print(
                f"| {i} | {one['health_s']:.2f} | {one['loaded_s']:.2f} | {one['script_s']:.2f} | "
                f"{_s(one['answered_s'])} | {one['first_page_s']:.2f} | {one['first_run_done_s']:.2f} |"
            )
        median = {
            k: float(np.median([one[k] for one in starts if one[k] is not None] or [np.nan]))
            for k in ("answered_s", "first_page_s")
        }
        print(
            f"median: first page answered {median['answered_s']:.2f} s (the server's message with the overview's"
            f" eight metrics received), metrics shown {median['first_page_s']:.2f} s (drawn by Chromium)"
        )
        print("pages (first visit, s): " + ", ".join(f"{k} {v:.1f}" for k, v in app["pages_s"].items()))
        print(
            f"app process peak resident memory {app['server_peak_mb']:.0f} MB "
            f"(now {app['server_rss_mb']:.0f} MB) after visiting every page"
        )


def _s(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds:.2f}"


def _ms(seconds: float | None) -> str:
    return "—" if seconds is None else f"{seconds * 1000:,.0f}"


def _print_summary(summary, approaches) -> None:
    with_pandas = "pandas" in approaches
    head = (
        ["page", "view", "calls", "ours ms", "raw DuckDB ms"]
        + (["pandas ms"] if with_pandas else [])
        + ["ours÷raw"]
        + (["ours÷pandas"] if with_pandas else [])
        + ["peak MB ours / raw" + (" / pandas" if with_pandas else ""), "agree"]
    )
    print("| " + " | ".join(head) + " |")
    print("|" + "---|" * len(head))
    notes = []
    for page, view, calls, best, peak, ok, (n_shared, shared, whole) in summary:
        if n_shared:
            notes.append(
                f"{page} {view}: besides, {n_shared} panel calls that read only the contest tables (a few "
                f"hundred rows) and run the same SQL in every approach took ours {_ms(shared['ours'])} ms, "
                f"raw {_ms(shared['raw'])} ms; with them the whole view takes ours {_ms(whole['ours'])} ms, "
                f"raw {_ms(whole['raw'])} ms: ours÷raw {whole['ours'] / whole['raw']:.2f}"
                + (f", ours÷pandas 1/{whole['pandas'] / whole['ours']:.0f}" if "pandas" in whole else "")
            )
        cells = [
            page,
            "first view" if view == "first" else "filter change",
            str(calls),
            _ms(best["ours"]),
            _ms(best["raw"]),
        ]
        if with_pandas:
            cells.append(_ms(best["pandas"]))
        cells.append(f"{best['ours'] / best['raw']:.2f}")
        if with_pandas:
            cells.append(f"1/{best['pandas'] / best['ours']:.0f}")
        cells.append(" / ".join(f"{max(peak[a], 0):.0f}" for a in approaches))
        cells.append("yes" if ok else "NO")
        print("| " + " | ".join(cells) + " |")
    for note in notes:
        print(f"\n{note}")


def _print_details(details, approaches) -> None:
    print("\nper call (best of the runs, ms):\n")
    print("| page | view | call | ours | raw DuckDB | ours÷raw |" + (" pandas |" if "pandas" in approaches else ""))
    print("|---|---|---|---|---|---|" + ("---|" if "pandas" in approaches else ""))
    for page, view, label, t in details:
        ratio = f"{t['ours'] / t['raw']:.2f}" if "ours" in t and "raw" in t and t["raw"] else ""
        cells = [page, view, label, _ms(t.get("ours")), _ms(t.get("raw")), ratio]
        if "pandas" in approaches:
            cells.append(_ms(t.get("pandas")))
        print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
