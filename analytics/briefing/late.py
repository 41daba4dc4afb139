"""The overdue rule (超期事项): the matters open and past their deadline at the month's end
(analytics.overdue.holders at the first moment of the next month: a matter closed later still counts as
open then, so a past month's briefing says what was overdue in it), in all and per holder (the grids,
or a grid's communities), most overdue holder first. Deadlines and the calendar-day rule are
analytics.overdue.deadlines's."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from analytics import overdue as deadlines
from analytics.briefing.context import WHOLE, Context
from analytics.briefing.model import Chart, Finding, last_day, say, shift
from analytics.core import privacy
from analytics.core.filters import Filters

HISTORY = 6  # month-ends drawn on a holder's chart


def month_end(month: dt.date) -> dt.datetime:
    """The month's last moment as the overdue functions take it: midnight starting the next month."""
    return dt.datetime.combine(shift(month, 1), dt.time())


def _holders(ctx: Context, month: dt.date, by: tuple[str, ...]) -> pd.DataFrame:
    grids = (ctx.grid_id,) if ctx.grid_id else None
    every_matter = Filters(None, last_day(month), grid_ids=grids)  # reported any time up to the month's end
    return deadlines.holders(ctx.con, every_matter, ctx.scope, month_end(month), by=by)


def overdue(ctx: Context) -> list[Finding]:
    total = _holders(ctx, ctx.month, ())
    count = int(total["overdue"].sum()) if len(total) else 0
    if count == 0:
        return []
    lang, key = ctx.lang, ctx.parts_by
    first = total.iloc[0]
    day = f"{ctx.month.month}月{last_day(ctx.month).day}日" if lang == "zh" else last_day(ctx.month).isoformat()
    months = [shift(ctx.month, -k) for k in range(HISTORY - 1, -1, -1)]
    if ctx.grid_id is not None and not privacy.sees_personal_data(ctx.scope):
        # per community only for the roles that chase matters (analytics.overdue.holders): the grid's
        # own count at each month's end instead
        return [_total(ctx, first, day, months, [float(_holders(ctx, m, ())["overdue"].sum()) for m in months])]
    history = {m: _holders(ctx, m, (key,)) for m in months}
    now = history[ctx.month].set_index(key)
    now.index = now.index.astype(str)
    late = now[now["overdue"] > 0].sort_values(["overdue", "urgent_overdue"], ascending=False)
    by_holder = Chart(
        say("chart.overdue", lang, day=day),
        tuple(ctx.names.get(p, p) for p in late.index),
        tuple(float(v) for v in late["overdue"]),
        "count",
        horizontal=True,
    )
    found = [_total(ctx, first, day, months, by_holder)]
    for place, row in late.iterrows():
        per_month = []
        for m in months:
            frame = history[m]
            mine = frame[frame[key].astype(str) == place]
            per_month.append(float(mine["overdue"].sum()))
        name = ctx.names.get(str(place), str(place))
        found.append(
            Finding(
                section="overdue",
                rule="overdue_holder",
                sentence=say(
                    "say.overdue_holder",
                    lang,
                    place=name,
                    n=int(row["overdue"]),
                    urgent=int(row["urgent_overdue"]),
                    days=int(row["most_days_overdue"]),
                ),
                value=float(row["overdue"]),
                measure="overdue",
                unit="count",
                place=str(place),
                weight=float(row["overdue"]) + float(row["urgent_overdue"]),
                chart=Chart(
                    say("chart.overdue_holder", lang, place=name),
                    tuple(ctx.short_month(m) for m in months),
                    tuple(per_month),
                    "count",
                    highlight=len(months) - 1,
                ),
                facts={"as_of": month_end(ctx.month), "urgent": int(row["urgent_overdue"])},
            )
        )
    return found


def _total(ctx: Context, first: pd.Series, day: str, months: list[dt.date], chart: Chart | list[float]) -> Finding:
    """The month-end count in all; its chart the holders' counts, or the count at each month's end."""
    lang = ctx.lang
    if not isinstance(chart, Chart):
        chart = Chart(
            say("chart.overdue_holder", lang, place=ctx.names[WHOLE]),
            tuple(ctx.short_month(m) for m in months),
            tuple(chart),
            "count",
            highlight=len(months) - 1,
        )
    return Finding(
        section="overdue",
        rule="overdue_count",
        sentence=say(
            "say.overdue_count",
            lang,
            day=day,
            n=int(first["overdue"]),
            urgent=int(first["urgent_overdue"]),
            days=int(first["most_days_overdue"]),
            soon=int(first["due_soon"]),
        ),
        value=float(first["overdue"]),
        measure="overdue",
        unit="count",
        place=WHOLE,
        weight=1e6,  # the count leads the section
        chart=chart,
        facts={"as_of": month_end(ctx.month), "urgent": int(first["urgent_overdue"])},
    )
