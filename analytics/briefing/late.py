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
    history = {m: _holders(ctx, m, (key,)) for m in (shift(ctx.month, -k) for k in range(HISTORY - 1, -1, -1))}
    now = history[ctx.month].set_index(key)
    now.index = now.index.astype(str)
    late = now[now["overdue"] > 0].sort_values(["overdue", "urgent_overdue"], ascending=False)
    found = [
        Finding(
            section="overdue",
            rule="overdue_count",
            sentence=say(
                "say.overdue_count",
                lang,
                day=day,
                n=count,
                urgent=int(first["urgent_overdue"]),
                days=int(first["most_days_overdue"]),
                soon=int(first["due_soon"]),
            ),
            value=float(count),
            measure="overdue",
            unit="count",
            place=WHOLE,
            weight=1e6,  # the count leads the section
            chart=Chart(
                say("chart.overdue", lang, day=day),
                tuple(ctx.names.get(p, p) for p in late.index),
                tuple(float(v) for v in late["overdue"]),
                "count",
                horizontal=True,
            ),
            facts={"as_of": month_end(ctx.month), "urgent": int(first["urgent_overdue"])},
        )
    ]
    months = list(history)
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
