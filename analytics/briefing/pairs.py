"""The idle-pairings rule: pairings in force that held nothing this month (seeds.idle_pairings), and
how many months in a row (up to IDLE_MONTHS) each has been idle; the ones idle IDLE_LONG months or
more by name, each with its partner's activities in the community over the last PAIR_HISTORY months."""

from __future__ import annotations

import pandas as pd

from analytics import seeds
from analytics.briefing.context import WHOLE, Context, dates
from analytics.briefing.model import Chart, Finding, last_day, month_name, say, shift
from analytics.core.filters import Filters

IDLE_MONTHS = 6
IDLE_LONG = 3
PAIR_HISTORY = 12


def idle_months(ctx: Context) -> pd.DataFrame:
    """The pairings idle this month (seeds.idle_pairings) with `months`: how many months in a row, up to
    IDLE_MONTHS, they have been in force and idle."""
    idle = seeds.idle_pairings(ctx.con, ctx.filters(ctx.month), scope=ctx.scope)
    idle = idle.assign(months=1)
    for k in range(2, IDLE_MONTHS + 1):
        first = shift(ctx.month, -(k - 1))
        longer = seeds.idle_pairings(ctx.con, ctx.filters(first, k), scope=ctx.scope)
        since = pd.to_datetime(longer["since"]).dt.date
        whole_window = longer[longer["since"].isna() | (since <= first)]
        keys = set(zip(whole_window["partner_id"], whole_window["community_id"]))
        still = pd.Series([(p, c) in keys for p, c in zip(idle["partner_id"], idle["community_id"])], index=idle.index)
        idle.loc[still & (idle["months"] == k - 1), "months"] = k
    return idle


def idle(ctx: Context) -> list[Finding]:
    frame = idle_months(ctx)
    if frame.empty:
        return []
    lang = ctx.lang
    in_force = seeds.pairing_matrix(ctx.con, ctx.filters(ctx.month), scope=ctx.scope)
    total = int(in_force["paired"].sum())
    long = int((frame["months"] >= IDLE_LONG).sum())
    buckets = [int((frame["months"] == k).sum()) for k in range(1, IDLE_MONTHS + 1)]
    labels = [say("chart.months_bucket", lang, n=k) for k in range(1, IDLE_MONTHS)]
    labels.append(say("chart.months_bucket_more", lang, n=IDLE_MONTHS))
    found = [
        Finding(
            section="idle",
            rule="idle_count",
            sentence=say(
                "say.idle_count",
                lang,
                month=month_name(ctx.month, lang),
                n=len(frame),
                total=total,
                long=long,
                months=IDLE_LONG,
            ),
            value=float(len(frame)),
            measure="idle_pairings",
            unit="count",
            place=WHOLE,
            weight=float(IDLE_MONTHS + 1),  # the count leads the section
            chart=Chart(say("chart.idle", lang), tuple(labels), tuple(float(b) for b in buckets), "count"),
            facts={"idle": len(frame), "total": total, "long": long},
        )
    ]
    for row in frame[frame["months"] >= IDLE_LONG].itertuples(index=False):
        found.append(_idle_pair(ctx, row))
    return found


def _idle_pair(ctx: Context, row: object) -> Finding:
    lang = ctx.lang
    partner, community, months = str(row.partner_name), str(row.community_short_name), int(row.months)  # type: ignore[attr-defined]
    grid = ctx.grid_names.get(str(row.grid_id), str(row.grid_id))  # type: ignore[attr-defined]
    key = "say.idle_pair_long" if months >= IDLE_MONTHS else "say.idle_pair"
    first = shift(ctx.month, -(PAIR_HISTORY - 1))
    window = Filters(first, last_day(ctx.month), community_ids=(str(row.community_id),))  # type: ignore[attr-defined]
    monthly = seeds.uptake(ctx.con, window, ("month", "partner_id"), scope=ctx.scope)
    monthly = monthly[monthly["partner_id"] == row.partner_id]  # type: ignore[attr-defined]
    per_month = dict(zip(dates(monthly["month"]), monthly["activities"]))
    months_drawn = [shift(first, i) for i in range(PAIR_HISTORY)]
    return Finding(
        section="idle",
        rule="idle_pair",
        sentence=say(
            key,
            lang,
            partner=partner,
            community=community,
            grid=grid,
            months=say("unit.months", lang, n=months),
        ),
        value=float(months),
        measure="idle_months",
        unit="months",
        place=f"{row.partner_id}|{row.community_id}",  # type: ignore[attr-defined]
        weight=float(months),
        chart=Chart(
            say("chart.idle_pair", lang, partner=partner, community=community),
            tuple(ctx.short_month(m) for m in months_drawn),
            tuple(float(per_month.get(m, 0)) for m in months_drawn),
            "count",
            highlight=PAIR_HISTORY - 1,
        ),
        facts={"partner_id": row.partner_id, "community_id": row.community_id, "months": months},  # type: ignore[attr-defined]
    )
