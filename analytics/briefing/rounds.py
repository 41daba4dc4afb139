"""The contest rule: rounds held in the month (contest.scoring.rank_history): the winner (the
subdistrict's briefing) and the largest climb since a community's previous round (a grid's briefing:
among its own communities)."""

from __future__ import annotations

import pandas as pd

from analytics.briefing.context import Context, dates
from analytics.briefing.model import Chart, Finding, last_day, say
from analytics.contest import scoring

CONTEST_CHART_ENTRIES = 8


def contest(ctx: Context) -> list[Finding]:
    rounds = scoring.rounds(ctx.con, scope=ctx.scope)
    held = dates(rounds["held_on"])
    rounds = rounds[(held >= ctx.month) & (held <= last_day(ctx.month))]
    if rounds.empty:
        return []
    history = scoring.rank_history(ctx.con, scope=ctx.scope)
    found = []
    for r in rounds.itertuples(index=False):
        rows = history[history["round_id"] == r.round_id].sort_values(["rank", "community_id"])
        if rows.empty:
            continue
        ours = rows if ctx.grid_id is None else rows[rows["community_id"].isin(ctx.names)]
        if ctx.grid_id is None:
            found.append(_contest_finding(ctx, r, rows, rows.iloc[0], "contest_winner", 100.0))
        climbed = ours[ours["previous_rank"].notna() & (ours["previous_rank"] > ours["rank"])]
        if len(climbed):
            up = climbed.assign(up=climbed["previous_rank"] - climbed["rank"]).sort_values(
                ["up", "rank", "community_id"], ascending=[False, True, True]
            )
            found.append(_contest_finding(ctx, r, rows, up.iloc[0], "contest_climb", float(up.iloc[0]["up"])))
    return found


def _contest_finding(ctx: Context, r: object, rows: pd.DataFrame, row: pd.Series, rule: str, weight: float) -> Finding:
    lang = ctx.lang
    name = str(row["short_name"] or row["community_name"])
    held_on = pd.Timestamp(r.held_on).date()  # type: ignore[attr-defined]
    day = f"{held_on.month}月{held_on.day}日" if lang == "zh" else held_on.isoformat()
    if rule == "contest_winner":
        sentence = say(
            "say.contest_winner",
            lang,
            day=day,
            round=r.name,  # type: ignore[attr-defined]
            entries=len(rows),
            community=name,
            score=f"{float(row['score']):.1f}",
        )
        value, measure, unit = float(row["score"]), "contest_score", "score"
    else:
        up = int(row["previous_rank"]) - int(row["rank"])
        sentence = say(
            "say.contest_climb",
            lang,
            round=r.name,  # type: ignore[attr-defined]
            community=name,
            before=int(row["previous_rank"]),
            rank=int(row["rank"]),
            up=up,
        )
        value, measure, unit = float(up), "contest_climb", "rank"
    top = rows.head(CONTEST_CHART_ENTRIES)
    shown = [str(s or c) for s, c in zip(top["short_name"], top["community_name"])]
    chart = Chart(
        say("chart.contest", lang, round=r.name, n=len(top)),  # type: ignore[attr-defined]
        tuple(shown),
        tuple(float(v) for v in top["score"]),
        "score",
        highlight=shown.index(name) if name in shown else None,
        horizontal=True,
    )
    return Finding(
        section="contest",
        rule=rule,
        sentence=sentence,
        value=value,
        measure=measure,
        unit=unit,
        place=f"{r.round_id}|{row['community_id']}",  # type: ignore[attr-defined]
        weight=weight,
        chart=chart,
        facts={"round_id": r.round_id, "community_id": row["community_id"], "rank": int(row["rank"])},  # type: ignore[attr-defined]
    )
