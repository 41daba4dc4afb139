"""The rules that find what a month's briefing says. Each rule is one function `rule(ctx) -> [Finding]`
over the public analysis functions the pages use, listed in RULES; a new rule is one more function.

- targets: a measure of grid work (cases.scores, the targets of the 网格事务 page) that was on target last
  month and is not now, or the reverse — for the subdistrict and each grid (a grid's briefing: the grid).
- moves: the largest moves against last month and the same month last year of seed activities, matters
  reported (Poisson counts) and the in-grid / in-community rates, for the whole and each part (grids, or
  a grid's communities), reported only when real by the funnel's notion (analytics.funnel): this month's
  count falls outside the 99.8% Poisson control limits around the count the baseline's level expects
  (scaled by the months' lengths). A rate is judged on the count of its rarer side among the matters
  closed this month (settled at the level, or not), where the Poisson limits fit a binomial count well.
  The baseline is itself a count with noise of its own, and a briefing makes a few dozen comparisons:
  the 99.8% limits (not 95%) keep chance from filling the section. A count expected below MIN_EXPECTED
  is not judged: the continuous limits call 0 against an expected 1 "low" although chance gives it 37%
  of the time; from 10 on the lower limit holds its 0.1%. Of a place's two baselines the stronger move
  is told.
- overdue (analytics.briefing.late), idle pairings (analytics.briefing.pairs) and contest rounds
  (analytics.briefing.rounds): each in its own module.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable

import pandas as pd

from analytics import cases, funnel, seeds
from analytics.briefing import late, pairs, rounds
from analytics.briefing.context import WHOLE, Context, dates
from analytics.briefing.model import Chart, Finding, days, month_name, plain, say, shift
from analytics.showcase.text import number, pct

TARGET_HISTORY = 6  # months drawn on a target finding's chart
TARGET_MEASURES = cases.TARGET_METRICS
FULL_BASE = 20  # closed matters from which a target crossing weighs fully
COUNT_MEASURES = ("activities", "cases")
RATE_MEASURES = ("in_grid_rate", "in_community_rate")
BASELINES = (("previous", -1), ("last_year", -12))
REAL_BANDS = ("high_998", "low_998")
MIN_EXPECTED = 10.0


# --- targets -------------------------------------------------------------------------------------


def targets(ctx: Context) -> list[Finding]:
    first = shift(ctx.month, -(TARGET_HISTORY - 1))
    window = ctx.filters(first, TARGET_HISTORY)
    frames = [cases.scores(ctx.con, window, ("grid_id", "month"), scope=ctx.scope)]
    if ctx.grid_id is None:  # the subdistrict as a whole, against the subdistrict's target
        frames.append(cases.scores(ctx.con, window, ("month",), scope=ctx.scope).assign(grid_id=WHOLE))
    scored = pd.concat(frames, ignore_index=True)
    scored = scored[scored["metric"].isin(TARGET_MEASURES)].assign(month=lambda f: dates(f["month"]))
    months = [shift(first, i) for i in range(TARGET_HISTORY)]
    found = []
    if ctx.grid_id is not None:  # a grid's briefing: the grid is its whole
        scored = scored.assign(grid_id=scored["grid_id"].where(scored["grid_id"] != ctx.grid_id, WHOLE))
    for (place, measure), rows in scored.groupby(["grid_id", "metric"], sort=True):
        by_month = rows.set_index("month")
        if ctx.month not in by_month.index or shift(ctx.month, -1) not in by_month.index:
            continue
        now, before = by_month.loc[ctx.month], by_month.loc[shift(ctx.month, -1)]
        if (
            pd.isna(now["on_target"])
            or pd.isna(before["on_target"])
            or bool(now["on_target"]) == bool(before["on_target"])
        ):
            continue
        below = not bool(now["on_target"])
        name = ctx.names.get(str(place), str(place))
        label = say(f"measure.{measure}", ctx.lang)
        sentence = say(
            "say.target_below" if below else "say.target_above",
            ctx.lang,
            place=name,
            measure=label,
            month=month_name(ctx.month, ctx.lang),
            value=pct(now["actual"]),
            base=number(now["base"], ctx.lang),
            target=pct(now["target"]),
            before=pct(before["actual"]),
        )
        history = by_month.reindex(months)["actual"]
        chart = Chart(
            say("chart.target", ctx.lang, place=name, measure=label),
            tuple(ctx.short_month(m) for m in months),
            tuple(plain(v) for v in history),
            "share",
            highlight=len(months) - 1,
            target=float(now["target"]),
        )
        found.append(
            Finding(
                section="targets",
                rule="target_below" if below else "target_above",
                sentence=sentence,
                value=float(now["actual"]),
                measure=str(measure),
                unit="share",
                place=str(place),
                # slipping first; then by how far from target, a rate of a few matters counting for less
                weight=(2.0 if below else 1.0) + abs(float(now["score"]) - 1.0) * min(1.0, now["base"] / FULL_BASE),
                chart=chart,
                facts={
                    "actual": float(now["actual"]),
                    "before": float(before["actual"]),
                    "target": float(now["target"]),
                    "base": int(now["base"]),
                },
            )
        )
    return found


# --- moves ---------------------------------------------------------------------------------------


def month_numbers(ctx: Context, month: dt.date) -> pd.DataFrame:
    """Per place (WHOLE and every part): activities, cases, closed, grid (settled in the grid) and local
    (settled in grid or community) of one month, from seeds.uptake and cases.resolution."""
    f = ctx.filters(month)
    key = ctx.parts_by
    whole = pd.DataFrame(
        {
            "activities": seeds.uptake(ctx.con, f, (), scope=ctx.scope)["activities"].sum(),
            **_case_counts(cases.resolution(ctx.con, f, (), scope=ctx.scope)).sum().to_dict(),
        },
        index=[WHOLE],
    )
    parts = seeds.uptake(ctx.con, f, (key,), scope=ctx.scope).set_index(key)[["activities"]]
    resolved = cases.resolution(ctx.con, f, (key,), scope=ctx.scope).set_index(key)
    parts = parts.join(_case_counts(resolved), how="outer")
    table = pd.concat([whole, parts]).fillna(0)
    table.index = table.index.astype(str)
    return table


def _case_counts(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "cases": frame["cases"],
            "closed": frame["closed"],
            "grid": frame["grid"],
            "local": frame["grid"] + frame["community"],
        },
        index=frame.index,
    ).astype(float)


def judge(measure: str, now: pd.Series, before: pd.Series, now_days: int, before_days: int) -> dict | None:
    """The funnel's verdict on one measure of one place against one baseline, or None when it cannot be
    judged (nothing to compare with). Keys: now, before (the measure's values), observed, expected (the
    counts judged), band, real, up."""
    if measure in COUNT_MEASURES:
        if before[measure] <= 0:
            return None
        observed, expected = float(now[measure]), float(before[measure]) * now_days / before_days
        value_now, value_before = float(now[measure]), float(before[measure])
        up = observed > expected
        # the raw numbers must move the way the day-adjusted judgement says, or the sentence would lie
        agrees = (value_now > value_before) == up and value_now != value_before
    else:
        settled = "grid" if measure == "in_grid_rate" else "local"
        if now["closed"] <= 0 or before["closed"] <= 0:
            return None
        value_now, value_before = now[settled] / now["closed"], before[settled] / before["closed"]
        n = float(now["closed"])
        if value_before <= 0.5:
            observed, expected = float(now[settled]), value_before * n
        else:  # the rarer side: matters that went beyond the level
            observed, expected = n - float(now[settled]), (1 - value_before) * n
        up = value_now > value_before
        agrees = value_now != value_before
    if expected < MIN_EXPECTED:
        return None
    band = str(funnel.band([observed], [expected])[0])
    return {
        "now": float(value_now),
        "before": float(value_before),
        "observed": observed,
        "expected": expected,
        "band": band,
        "real": band in REAL_BANDS and agrees,
        "up": bool(up),
        "strength": abs(observed - expected) / math.sqrt(max(expected, 1.0)),
    }


def _shown(measure: str, value: float, lang: str) -> str:
    if measure in RATE_MEASURES:
        return pct(value)
    return say(f"unit.{measure}", lang, n=number(value, lang))


def moves(ctx: Context) -> list[Finding]:
    now_month = ctx.month
    tables = {0: month_numbers(ctx, now_month)}
    for _, offset in BASELINES:
        tables[offset] = month_numbers(ctx, shift(now_month, offset))
    chart_months = [shift(now_month, -12), shift(now_month, -1), now_month]
    found = []
    for place in tables[0].index:
        for measure in (*COUNT_MEASURES, *RATE_MEASURES):
            told: Finding | None = None
            for baseline, offset in BASELINES:
                before_table = tables[offset]
                if place not in before_table.index:
                    continue
                verdict = judge(
                    measure,
                    tables[0].loc[place],
                    before_table.loc[place],
                    days(now_month),
                    days(shift(now_month, offset)),
                )
                if verdict is None or not verdict["real"]:
                    continue
                move = _move(ctx, place, measure, baseline, verdict, tables, chart_months)
                if told is None or move.weight > told.weight:
                    told = move
            if told is not None:
                found.append(told)
    return found


def _measure_value(table: pd.DataFrame, place: str, measure: str) -> float:
    if place not in table.index:
        return float("nan")
    row = table.loc[place]
    if measure in COUNT_MEASURES:
        return float(row[measure])
    settled = "grid" if measure == "in_grid_rate" else "local"
    return float(row[settled] / row["closed"]) if row["closed"] > 0 else float("nan")


def _move(
    ctx: Context,
    place: str,
    measure: str,
    baseline: str,
    verdict: dict,
    tables: dict[int, pd.DataFrame],
    chart_months: list[dt.date],
) -> Finding:
    lang, name = ctx.lang, ctx.names.get(place, place)
    label = say(f"measure.{measure}", lang)
    common = {
        "place": name,
        "measure": label,
        "month": month_name(ctx.month, lang),
        "baseline": say(f"baseline.{baseline}", lang),
        "now": _shown(measure, verdict["now"], lang),
        "before": _shown(measure, verdict["before"], lang),
    }
    direction = "up" if verdict["up"] else "down"
    if measure in RATE_MEASURES:
        base = number(tables[0].loc[place, "closed"], lang)
        points = say("points", lang, points=abs(verdict["now"] - verdict["before"]) * 100)
        sentence = say(f"say.rate_{direction}", lang, base=base, points=points, **common)
        unit = "share"
    else:
        change = pct(abs(verdict["now"] - verdict["before"]) / verdict["before"])
        sentence = say(f"say.count_{direction}", lang, change=change, **common)
        unit = "count"
    offsets = (-12, -1, 0)
    chart = Chart(
        say("chart.move", lang, place=name, measure=label),
        tuple(ctx.short_month(m) if o != -12 else f"{m:%Y-%m}" for m, o in zip(chart_months, offsets)),
        tuple(_measure_value(tables[o], place, measure) for o in offsets),
        unit,
        highlight=2,
    )
    return Finding(
        section="moves",
        rule=f"move_{direction}",
        sentence=sentence,
        value=verdict["now"],
        measure=measure,
        unit=unit,
        place=place,
        weight=verdict["strength"],
        chart=chart,
        facts={**verdict, "baseline": baseline},
    )


Rule = Callable[[Context], list[Finding]]
RULES: tuple[Rule, ...] = (targets, moves, late.overdue, pairs.idle, rounds.contest)
