"""Every number a chart prints equals the table beside it, for a leader and for a secretary (C30).

The figures are built by the same ui functions the pages call, from the demo world, and the numbers are
read from the figure objects: each printed text is resolved to the cell or bar plotly.js draws it on,
then parsed (万, %, decimals) and compared with the value in the page's table within the rounding the
text shows. A heatmap's text is written by plotly.js at the *index* of the axis' category array (its
colour follows the category): `drawn_at` models that, so a heatmap whose rows are listed in another
order than its axis prints another row's numbers — and fails here."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator

import pandas as pd
import plotly.graph_objects as go
import pytest

from analytics import cases, seeds
from analytics.access import Scope
from analytics.contest import panel as contest_panel
from analytics.contest import scoring as contest
from analytics.contest import work as contest_work
from analytics.filters import Filters
from ui import cases_view, contest_view, seed_charts
from ui.i18n import t

YEAR = Filters(dt.date(2024, 1, 1), dt.date(2024, 12, 31))
VIEWERS = [pytest.param(Scope("leader"), id="leader"), pytest.param(Scope("secretary", "C30"), id="secretary-C30")]
NUMBER = re.compile(r"[+-−]?\d[\d,]*(?:\.\d+)?\s*(?:万|%)?")


def parse(text: str) -> tuple[float, float]:
    """The first number printed in `text` and half a unit of its last digit (what rounding may hide)."""
    found = NUMBER.search(text)
    assert found, f"no number in {text!r}"
    token = found.group(0).replace(",", "").replace("−", "-").strip()
    scale = 1.0
    if token.endswith("万"):
        token, scale = token[:-1].strip(), 10_000.0
    elif token.endswith("%"):
        token, scale = token[:-1].strip(), 0.01
    decimals = len(token.split(".")[1]) if "." in token else 0
    return float(token) * scale, 0.5 * 10**-decimals * scale + 1e-9


def agrees(text: str, value: float) -> bool:
    shown, slack = parse(text)
    return not pd.isna(value) and math.isclose(shown, float(value), abs_tol=slack)


def _axis(figure: go.Figure, trace: go.BaseTraceType, letter: str) -> dict:
    name = getattr(trace, f"{letter}axis", None) or letter
    return figure.layout[name.replace(letter, f"{letter}axis", 1)].to_plotly_json()


def drawn_at(figure: go.Figure, trace: go.BaseTraceType, letter: str) -> list:
    """The categories in the order whose index plotly.js writes a heatmap's text at."""
    axis = _axis(figure, trace, letter)
    values = list(getattr(trace, letter))
    if axis.get("categoryorder") == "array" and axis.get("categoryarray") is not None:
        ordered = list(axis["categoryarray"])
        return ordered + [v for v in values if v not in ordered]
    return values


def printed(figure: go.Figure) -> Iterator[tuple[str, object, object, str]]:
    """(trace name, row category, column category, text) for every text the figure prints."""
    for trace in figure.data:
        if isinstance(trace, go.Heatmap):
            if trace.texttemplate in (None, ""):
                continue
            if trace.texttemplate == "%{z}":  # plotly.js writes the value itself (NaN: nothing)
                lines = [["" if pd.isna(v) else f"{v:g}" for v in row] for row in trace.z]
            else:
                assert trace.texttemplate == "%{text}", f"a heatmap template the test cannot read: {trace.texttemplate}"
                lines = trace.text
            rows, cols = drawn_at(figure, trace, "y"), drawn_at(figure, trace, "x")
            for i, line in enumerate(lines):
                for j, text in enumerate(line):
                    if text:
                        yield trace.name or "", rows[i], cols[j], str(text)
        elif isinstance(trace, go.Bar) and trace.text is not None:
            where = trace.y if trace.orientation == "h" else trace.x
            for category, text in zip(where, trace.text):
                if text:
                    yield trace.name or "", category, None, str(text)


def check(figure: go.Figure, expected: dict, *, trace: str | None = None) -> int:
    """Each printed number equals `expected[(row, col)]` (or `expected[row]`); returns how many were read."""
    seen = 0
    for name, row, col, text in printed(figure):
        if trace is not None and name != trace:
            continue
        key = (row, col) if col is not None else row
        assert key in expected, f"{text!r} printed at {key} where the table has no row"
        assert agrees(text, expected[key]), f"{key}: the chart prints {text!r}, the table says {expected[key]}"
        seen += 1
    return seen


def test_the_reader_catches_a_misplaced_number() -> None:
    """The checker itself: a heatmap whose rows run against its axis is read at the drawn positions."""
    figure = go.Figure(go.Heatmap(z=[[1], [2]], x=["c"], y=["a", "b"], text=[["1"], ["2"]], texttemplate="%{text}"))
    figure.update_yaxes(categoryorder="array", categoryarray=["b", "a"])
    with pytest.raises(AssertionError, match="the chart prints"):
        check(figure, {("a", "c"): 1, ("b", "c"): 2})
    assert agrees("1.3万", 13_245) and not agrees("1.3万", 14_000)
    assert agrees("83.4%", 0.8336) and agrees("608（+5%）", 608) and agrees("-0.5", -0.49)


# --- 四色种子 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", VIEWERS)
def test_seed_charts_print_their_tables(demo_con, who: Scope) -> None:
    per_colour = seeds.uptake(demo_con, YEAR, ("seed_colour",), scope=who)
    shown = seed_charts.table(per_colour, ["seed_colour", "activities", "participants", "volunteer_hours"])
    for metric in ("activities", "participants", "volunteer_hours"):
        column = shown.set_index(t("seeds.col.seed_colour"))[t(f"seeds.col.{metric}")]
        assert check(seed_charts.colour_totals(per_colour, metric, None), column.to_dict()) > 0

    items = seeds.item_ranking(demo_con, YEAR, scope=who)
    table = seed_charts.table(items, ["seed_colour", "item_name", "participants"])
    expected = dict(zip(table[t("seeds.col.item_name")], table[t("seeds.col.participants")]))
    assert check(seed_charts.item_bars(items), expected) == len(items)

    partners = seeds.partner_contribution(demo_con, YEAR, scope=who)
    table = seed_charts.table(partners, ["partner_name", "activities"])
    expected = dict(zip(table[t("seeds.col.partner_name")], table[t("seeds.col.activities")]))
    assert check(seed_charts.partner_bars(partners), expected) == len(partners)


@pytest.mark.parametrize("who", VIEWERS)
def test_partner_heatmap_prints_the_pairing_table(demo_con, who: Scope) -> None:
    matrix = seeds.pairing_matrix(demo_con, YEAR, scope=who)
    uncovered = seeds.uncovered_communities(demo_con, YEAR, scope=who)
    table = seed_charts.table(matrix, ["partner_name", "community_name", "activities"])
    short = dict(zip(matrix["community_name"], matrix["community_short_name"]))
    expected = {
        (p, short[c]): a
        for p, c, a in zip(
            table[t("seeds.col.partner_name")], table[t("seeds.col.community_name")], table[t("seeds.col.activities")]
        )
    }
    delivered = int((table[t("seeds.col.activities")] > 0).sum())
    assert delivered > 0
    assert check(seed_charts.pairing_matrix(matrix, uncovered), expected) == delivered


# --- 网格事务 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", VIEWERS)
def test_case_charts_print_their_tables(demo_con, who: Scope) -> None:
    by_grid_month = cases.scores(demo_con, YEAR, ("grid_id", "month"), scope=who)
    by_month = cases.scores(demo_con, YEAR, ("month",), scope=who)
    whole = t("cases.score.subdistrict", unit=t("unit.subdistrict"))  # the page names the whole row (全街道)
    for metric in ("cityscore", *cases.TARGET_METRICS):
        expected = {
            (cases_view.short_grid(r.grid_name), cases_view.month_label(r.month)): r.score
            for r in by_grid_month[by_grid_month["metric"] == metric].itertuples()
        }
        expected.update(
            {
                (whole, cases_view.month_label(r.month)): r.score
                for r in by_month[by_month["metric"] == metric].itertuples()
            }
        )
        assert check(cases_view.score_heatmap(by_grid_month, by_month, metric, whole=whole), expected) > 0

    for by in ("category", "grid_id"):
        frame = cases.time_to_close(demo_con, YEAR, (by,), scope=who)
        ordered, names = cases_view.named(frame, by)
        figure = cases_view.time_bars(frame, by)
        for column, trace in (("median_days", t("cases.time.median")), ("p90_days", t("cases.time.p90"))):
            assert check(figure, dict(zip(names, ordered[column])), trace=trace) > 0

    for by in ("category", "grid_id", "level"):
        frame = cases.satisfaction(demo_con, YEAR, (by,), scope=who)
        ordered, names = cases_view.named(frame[frame["surveyed"] > 0], by)
        assert check(cases_view.satisfaction_bars(frame, by), dict(zip(names, ordered["mean_score"]))) > 0
        for (_, row, _, text), share in zip(
            printed(cases_view.satisfaction_bars(frame, by)), ordered["unsatisfied_share"]
        ):
            part = text.split("（")[1]
            shown = pd.isna(share) if part.startswith("—") else agrees(part, share)
            assert shown, f"{row}: {text!r} against {share}"

    urgent = cases.urgent_matters(demo_con, YEAR, ("grid_id",), scope=who)
    figure = cases_view.urgent_bars(urgent, cases.targets(demo_con, scope=who))
    expected = dict(zip(urgent["grid_name"].map(cases_view.short_grid), urgent["in_community_rate"]))
    assert check(figure, expected) == len(urgent)


# --- 书记擂台 ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", VIEWERS)
def test_contest_charts_print_their_tables(demo_con, who: Scope) -> None:
    for round_id in contest.rounds(demo_con, scope=who)["round_id"]:
        compared = contest.compare_methods(demo_con, round_id, scope=who)
        ranked = contest.method_ranking(compared, "trimmed_mean")
        order = ranked["entry_id"].tolist()
        matrix = contest_panel.judge_matrix(demo_con, round_id, scope=who)
        figure = contest_view.heatmap_figure(matrix, order)
        table = contest_view.matrix_table(matrix, order).set_index(t("contest.col.community"))
        columns = dict(zip(table.columns, figure.data[0].x))
        expected = {
            (entry, columns[judge]): value
            for entry, row in table.iterrows()
            for judge, value in row.items()
            if not pd.isna(value)
        }
        not_scored = t("contest.judges.not_scored")
        for _name, row, col, text in printed(figure):
            if text == not_scored:
                assert (row, col) not in expected, (
                    f"{row} · {col}: 'not scored' where the table has {expected[(row, col)]}"
                )
            else:
                assert agrees(text, expected[(row, col)]), f"{row} · {col}: {text!r} against {expected[(row, col)]}"

        leniency = contest_panel.judge_leniency(demo_con, round_id, scope=who).dropna(subset=["leniency"])
        names = [contest_view.judge_name(r.judge_no, r.judge_kind) for r in leniency.itertuples()]
        assert check(contest_view.leniency_figure(leniency), dict(zip(names, leniency["leniency"]))) == len(names)


def test_a_secretary_sees_her_dot_against_the_subdistricts_funnel(demo_con) -> None:
    """Her one point, the subdistrict's pooled rate and limits: the same line a leader sees, her band
    the same as in the leader's view, and no other community's row."""
    everyone = seeds.community_funnel(demo_con, YEAR)
    hers = seeds.community_funnel(demo_con, YEAR, scope=Scope("secretary", "C30"))
    assert hers.points["community_id"].tolist() == ["C30"]
    assert hers.pooled_per_1k == pytest.approx(everyone.pooled_per_1k)
    assert hers.compared == everyone.compared == len(everyone.points) > 1
    pd.testing.assert_frame_equal(hers.curve, everyone.curve)
    own = everyone.points.set_index("community_id").loc["C30"]
    assert hers.points.iloc[0]["band"] == own["band"]
    assert hers.points.iloc[0]["upper_998"] == pytest.approx(own["upper_998"])
    figure = seed_charts.funnel_plot(hers, None)
    dots = [d for d in figure.data if d.mode == "markers+text"]
    assert len(dots) == 1 and list(dots[0].text) == [own["community_short_name"]]


def test_community_table_totals_are_the_grids_and_the_subdistricts(demo_con) -> None:
    """The two rows a secretary's row is read against equal the grid's and the whole's own figures, and
    are the same whoever asks."""
    totals = cases.community_table_totals(demo_con, YEAR, "G7").set_index("place")
    assert totals.equals(
        cases.community_table_totals(demo_con, YEAR, "G7", scope=Scope("secretary", "C30")).set_index("place")
    )
    by_grid = cases.resolution(demo_con, YEAR, ("grid_id",)).set_index("grid_id").loc["G7"]
    whole = cases.resolution(demo_con, YEAR, ()).iloc[0]
    timing = cases.time_to_close(demo_con, YEAR, ()).iloc[0]
    for place, expected in (("grid", by_grid), ("subdistrict", whole)):
        for column in ("cases", "closed", "open", "in_grid_rate", "in_community_rate", "urgent_cases"):
            assert totals.loc[place, column] == pytest.approx(expected[column]), (place, column)
    assert totals.loc["subdistrict", "median_hours"] == pytest.approx(timing["median_days"] * 24, abs=0.01)
    listed = cases.community_table(demo_con, YEAR, "G7")
    assert totals.loc["grid", "residents"] == listed["residents"].sum()
    assert totals.loc["grid", "cases"] == listed["cases"].sum()


def test_a_secretarys_stage_dot_is_drawn_against_the_rounds_means(demo_con) -> None:
    """Her one dot in each panel with the round's mean (over every entry) as dashed lines; too few
    entries for a mean that hides the others (the three-entry round) draw none."""
    everyone = contest_work.stage_and_match(demo_con, "R2024")
    hers = contest_work.stage_and_match(demo_con, "R2024", scope=Scope("secretary", "C30"))
    assert hers.frame["community_id"].tolist() == ["C30"] and hers.means is not None
    expected = everyone.frame[["score", *contest_work.WORK_MEASURES]].mean()
    pd.testing.assert_series_equal(hers.means, expected)
    measures = ("activities_per_1k", "in_grid_rate", "satisfaction")
    figure = contest_view.work_figure(hers.frame, measures, hers.means)
    lines = sorted(
        (s.type, round(s.x0 if s.type == "line" and s.x0 == s.x1 else s.y0, 6)) for s in figure.layout.shapes
    )
    assert len(lines) == 2 * len(measures)  # a vertical and a horizontal line per panel
    assert {round(float(expected[m]), 6) for m in (*measures, "score")} == {v for _, v in lines}
    assert contest_work.stage_and_match(demo_con, "R2023A", scope=Scope("secretary", "C30")).means is None
