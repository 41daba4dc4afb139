"""Charts and display tables of the contest page (书记擂台). Presentation only: the numbers come from
analytics.contest*, this module turns them into Chinese-labelled tables and plotly figures.

Judges and secretaries are named by role only: "评委3（专家）", and the community's short name."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from ui import charts, fmt
from ui.i18n import t

if TYPE_CHECKING:  # for the annotation only: the page imports the contest package itself
    from analytics.contest.panel import Agreement

DISAGREE = "background-color: #FFF3CD"  # a row whose methods disagree
DIFFERS = "background-color: #FFD966; font-weight: 600"  # the rank that differs from the announced one
MOVED_UP = "color: #2E7D32; font-weight: 600"
MOVED_DOWN = "color: #C62828; font-weight: 600"
AVERAGE_GREY = "#78909C"
SECOND_BLUE = "#1565C0"


_MARKDOWN_SPECIALS = str.maketrans({c: "\\" + c for c in "\\`*_{}[]()<>#+-.!|~$"})


def md(text: object) -> str:
    """Imported text (a community's name) made inert inside st.markdown: no links, images or HTML, which
    on an intranet could also make the browser fetch something from outside."""
    return str(text).translate(_MARKDOWN_SPECIALS)


def judge_name(no: int, kind: str | None, *, short: bool = False) -> str:
    if short:
        return t("contest.judge_short", no=int(no))
    kind_key = f"contest.judge_kind.{kind}"
    return t("contest.judge", no=int(no), kind=t(kind_key) if kind else "—")


def round_label(row: pd.Series) -> str:
    return t(
        "contest.round_option",
        name=row["name"],
        date=fmt.date(pd.Timestamp(row["held_on"]).date()),
        entries=int(row["entries"]),
        judges=int(row["judges"]),
    )


def method_name(method: str) -> str:
    return t(f"contest.method.{method}")


def interval_text(low: Any, high: Any) -> str:
    if pd.isna(low) or pd.isna(high):
        return "—"
    if low == high:
        return t("contest.interval_single", low=int(low))
    return t("contest.interval_value", low=int(low), high=int(high))


def _ranks(values: pd.Series) -> pd.Series:
    """Whole-number ranks; an entry without a rank stays missing (shown as —)."""
    return values.astype("Float64").round().astype("Int64")


# --- the ranking -------------------------------------------------------------------------------


def ranking_table(compared: pd.DataFrame) -> tuple[pd.DataFrame, object, dict]:
    """The three methods side by side (announced method first) as a Chinese table, a Styler that marks
    the rows where the methods disagree and the ranks that differ from the announced one, and the
    column formats (st.dataframe shows a Styler's colours but not its number formats)."""
    order = ["trimmed_mean", "mean", "judge_standardised"]
    columns = {"community": t("contest.col.community")}
    frame = pd.DataFrame({columns["community"]: compared["label"]})
    rank_cols, score_cols = [], []
    for method in order:
        rank_col = t("contest.col.rank_of", method=method_name(method))
        score_col = t("contest.col.score_of", method=method_name(method))
        frame[rank_col] = _ranks(compared[f"rank_{method}"])
        frame[score_col] = compared[f"score_{method}"].round(2)
        rank_cols.append(rank_col)
        score_cols.append(score_col)
        if method == "trimmed_mean":
            frame[t("contest.col.interval")] = [
                interval_text(lo, hi)
                for lo, hi in zip(compared["rank_low_trimmed_mean"], compared["rank_high_trimmed_mean"])
            ]
    frame[t("contest.col.missing")] = [
        "" if not n else t("contest.col.missing_value", n=int(n)) for n in compared["missing_scores"]
    ]
    frame[t("contest.col.theme")] = compared["theme"].fillna("")
    frame = frame.reset_index(drop=True)
    agree = compared["methods_agree"].reset_index(drop=True)

    def paint(data: pd.DataFrame) -> pd.DataFrame:
        css = pd.DataFrame("", index=data.index, columns=data.columns)
        announced = data[rank_cols[0]]
        for i in data.index:
            if not agree.iloc[i]:
                css.loc[i, :] = DISAGREE
                for col in rank_cols[1:]:
                    if pd.isna(data.loc[i, col]) or data.loc[i, col] != announced.iloc[i]:
                        css.loc[i, col] = DIFFERS
        return css

    styler = frame.style.apply(paint, axis=None)
    config = {c: st.column_config.NumberColumn(format="%.2f") for c in score_cols}
    config.update({c: st.column_config.NumberColumn(format="%d") for c in rank_cols})
    return frame, styler, config


def interval_figure(ranked: pd.DataFrame) -> go.Figure:
    """Each entry's rank as a dot on a line from rank_low to rank_high; first place at the top."""
    data = ranked.dropna(subset=["rank"]).iloc[::-1]
    figure = go.Figure()
    for row in data.itertuples(index=False):
        certain = row.rank_low == row.rank_high
        figure.add_scatter(
            x=[row.rank_low, row.rank_high],
            y=[row.label, row.label],
            mode="lines",
            line={"color": "#B0BEC5" if not certain else charts.PRIMARY, "width": 8},
            hoverinfo="skip",
            showlegend=False,
        )
    figure.add_scatter(
        x=data["rank"].astype(int),
        y=data["label"],
        mode="markers",
        marker={"color": charts.PRIMARY, "size": 13, "line": {"color": "white", "width": 2}},
        customdata=[
            [f"{s:.2f}", interval_text(lo, hi)] for s, lo, hi in zip(data["score"], data["rank_low"], data["rank_high"])
        ],
        hovertemplate="%{y}：%{customdata[0]}，%{customdata[1]}<extra></extra>",
        showlegend=False,
    )
    n = int(ranked["rank"].max()) if ranked["rank"].notna().any() else 1
    figure.update_xaxes(range=[0.5, n + 0.5], dtick=1, side="top")
    figure.update_layout(
        height=max(240, 28 * len(data) + 100),
        title=t("contest.interval_chart"),
        margin={"l": 10, "r": 10, "t": 80, "b": 10},
    )
    return figure


def with_gaps(compared: pd.DataFrame) -> pd.DataFrame:
    """The entries with an empty judge × criterion cell: the one definition the headline counts and the
    missing-scores panel lists (public for every entry, like the ranking's 缺分 column)."""
    return compared[compared["missing_scores"] > 0]


def missing_lines(gaps: pd.DataFrame, compared: pd.DataFrame) -> list[str]:
    """A line per judge × entry sheet with a gap the viewer may read in detail (`gaps`, from
    `contest.missing_scores`), then a line per other entry of `with_gaps(compared)`: a secretary sees
    that it has gaps and how many, not which judge left them."""
    lines = []
    for row in gaps.itertuples(index=False):
        judge = judge_name(row.judge_no, row.judge_kind)
        if row.whole_sheet:
            lines.append(t("contest.missing.whole", entry=md(row.label), judge=judge))
        else:
            lines.append(t("contest.missing.partial", entry=md(row.label), judge=judge, names=md(row.missing_names)))
    detailed = set(gaps["entry_id"])
    for row in with_gaps(compared).itertuples(index=False):
        if row.entry_id not in detailed:
            lines.append(t("contest.missing.withheld", entry=md(row.label), n=int(row.missing_scores)))
    return lines


# --- entry profiles ----------------------------------------------------------------------------


def radar_figure(profile: pd.DataFrame, entry_a: str, entry_b: str | None) -> go.Figure:
    """Entry A's criteria against the round average, and entry B when one is chosen."""
    first = profile[profile["entry_id"] == entry_a]
    theta = first["criterion"].tolist()
    figure = go.Figure()
    # (values, name, colour, dash, fill colour or None)
    traces: list[tuple[pd.Series, str, str, str, str | None]] = [
        (first["round_mean"], t("contest.compare.average"), AVERAGE_GREY, "dash", None)
    ]
    if entry_b:
        second = profile[profile["entry_id"] == entry_b]
        traces.append((second["entry_mean"], second["label"].iloc[0], SECOND_BLUE, "solid", "rgba(21,101,192,0.12)"))
    traces.append((first["entry_mean"], first["label"].iloc[0], charts.PRIMARY, "solid", "rgba(183,28,28,0.18)"))
    values = []
    for r, name, colour, dash, fill in traces:
        r = r.tolist()
        values += [v for v in r if v == v]
        figure.add_scatterpolar(
            r=[*r, r[0]],
            theta=[*theta, theta[0]],
            name=name,
            mode="lines+markers",
            line={"color": colour, "dash": dash, "width": 3 if fill else 2},
            fill="toself" if fill else None,
            fillcolor=fill,
            hovertemplate="%{theta}：%{r:.1f}<extra>" + name + "</extra>",
        )
    top = float(first["max_score"].max())
    low = max(0.0, math.floor((min(values) if values else 0) / 5) * 5 - 5)
    # the radial scale sits between two spokes so its numbers never cover a criterion's name
    figure.update_layout(
        polar={
            "radialaxis": {
                "range": [low, top],
                "angle": 54,
                "tickangle": 54,
                "tickfont": {"size": 10, "color": "#90A4AE"},
            },
            "angularaxis": {"direction": "clockwise", "tickfont": {"size": 15}},
        },
        height=440,
        title=t("contest.compare.radar"),
        legend={"orientation": "h", "y": -0.08, "x": 0.5, "xanchor": "center"},
    )
    return figure


def profile_table(profile: pd.DataFrame, entry_a: str, entry_b: str | None) -> pd.DataFrame:
    first = profile[profile["entry_id"] == entry_a].reset_index(drop=True)
    label_a = first["label"].iloc[0]
    out = pd.DataFrame(
        {
            t("contest.compare.criterion"): first["criterion"],
            t("contest.compare.weight"): [fmt.pct(w, 0) for w in first["weight"]],
            label_a: first["entry_mean"].round(1),
        }
    )
    if entry_b:
        second = profile[profile["entry_id"] == entry_b].reset_index(drop=True)
        other, other_values = second["label"].iloc[0], second["entry_mean"].round(1)
    else:
        other, other_values = t("contest.compare.average"), first["round_mean"].round(1)
    out[other] = other_values
    out[t("contest.compare.gap")] = (out[label_a] - out[other]).round(1)
    return out


# --- judges ------------------------------------------------------------------------------------


def heatmap_figure(matrix: pd.DataFrame, order: list[str]) -> go.Figure:
    """Entries (in rank order, first at the top) × judges; colour = deviation from the other judges."""
    judges = matrix.drop_duplicates("judge_no").sort_values("judge_no")
    x = [judge_name(r.judge_no, r.judge_kind).replace("（", "<br>（") for r in judges.itertuples(index=False)]
    labels = matrix.drop_duplicates("entry_id").set_index("entry_id")["label"]
    rows = [e for e in order if e in labels.index]
    z, text = [], []
    for entry in rows:
        cells = matrix[matrix["entry_id"] == entry].set_index("judge_no").reindex(judges["judge_no"])
        z.append([None if pd.isna(d) else float(d) for d in cells["deviation"]])
        text.append([t("contest.judges.not_scored") if pd.isna(v) else f"{v:.1f}" for v in cells["total"]])
    bound = max([abs(v) for row in z for v in row if v is not None] or [1.0])
    figure = go.Figure(
        go.Heatmap(
            z=z,
            x=x,
            y=[labels[e] for e in rows],
            text=text,
            texttemplate="%{text}",
            textfont={"size": 12},
            colorscale=[[0, "#1565C0"], [0.5, "#FAFAFA"], [1, "#C62828"]],
            zmin=-bound,
            zmax=bound,
            zmid=0,
            hoverongaps=False,
            xgap=2,
            ygap=2,
            colorbar={"title": {"text": t("contest.judges.points_unit")}, "thickness": 12},
            hovertemplate="%{y} · %{x}<br>%{text}（%{z:+.1f}）<extra></extra>",
        )
    )
    figure.update_yaxes(autorange="reversed")
    figure.update_xaxes(side="top")
    figure.update_layout(
        height=max(260, 30 * len(rows) + 120),
        title=t("contest.judges.heatmap"),
        plot_bgcolor="#ECEFF1",
        margin={"l": 10, "r": 10, "t": 110, "b": 10},
    )
    return figure


def leniency_figure(leniency: pd.DataFrame) -> go.Figure:
    data = leniency.dropna(subset=["leniency"]).sort_values("leniency")
    names = [judge_name(r.judge_no, r.judge_kind) for r in data.itertuples(index=False)]
    colours = ["#C62828" if v > 0 else "#1565C0" for v in data["leniency"]]
    figure = go.Figure(
        go.Bar(
            x=data["leniency"],
            y=names,
            orientation="h",
            marker_color=colours,
            text=[f"{v:+.1f}" for v in data["leniency"]],
            textposition="outside",
            hovertemplate="%{y}：%{x:+.2f}<extra></extra>",
        )
    )
    reach = max(1.0, float(data["leniency"].abs().max() or 1)) * 1.25
    figure.update_xaxes(
        title=t("contest.judges.leniency_axis"), range=[-reach, reach], zeroline=True, zerolinecolor="#546E7A"
    )
    figure.update_layout(height=max(220, 34 * len(data) + 100), title=t("contest.judges.leniency"))
    return figure


def agreement_sentence(result: Agreement) -> str:
    if result.level is None:
        return t("contest.agreement.unknown")
    chance = t("contest.agreement.significant") if result.p_value < 0.05 else t("contest.agreement.not_significant")
    left_out = t("contest.agreement.left_out", n=result.entries_left_out) if result.entries_left_out else ""
    return t(
        "contest.agreement.sentence",
        level=t(f"contest.agreement.{result.level}"),
        how=t(f"contest.agreement.how.{result.level}"),
        w=result.kendall_w,
        entries=result.entries,
        judges=result.judges,
        chance=chance,
        left_out=left_out,
    )


def matrix_table(matrix: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """Entry × judge totals as a download (judges by role)."""
    judges = matrix.drop_duplicates("judge_no").sort_values("judge_no")
    names = {r.judge_no: judge_name(r.judge_no, r.judge_kind) for r in judges.itertuples(index=False)}
    wide = matrix.pivot_table(index="entry_id", columns="judge_no", values="total", aggfunc="first", dropna=False)
    wide = wide.reindex([e for e in order if e in wide.index]).rename(columns=names)
    labels = matrix.drop_duplicates("entry_id").set_index("entry_id")["label"]
    wide.insert(0, t("contest.col.community"), labels.reindex(wide.index).to_numpy())
    return wide.round(2).reset_index(drop=True)


# --- what-if weights ---------------------------------------------------------------------------


def whatif_table(official: pd.DataFrame, what_if: pd.DataFrame) -> tuple[pd.DataFrame, object, int]:
    before = official.set_index("entry_id")["rank"]
    merged = what_if.assign(official_rank=what_if["entry_id"].map(before))
    moves = (merged["official_rank"].astype(float) - merged["rank"].astype(float)).fillna(0).astype(int)

    def change(n: int) -> str:
        return (
            t("contest.weights.up", n=n)
            if n > 0
            else t("contest.weights.down", n=-n)
            if n < 0
            else t("contest.weights.flat")
        )

    change_col = t("contest.col.change")
    frame = pd.DataFrame(
        {
            t("contest.col.new_rank"): _ranks(merged["rank"]),
            t("contest.col.community"): merged["label"],
            t("contest.col.score"): merged["score"].round(2),
            t("contest.col.official_rank"): _ranks(merged["official_rank"]),
            change_col: [change(n) for n in moves],
        }
    ).reset_index(drop=True)
    styles = [MOVED_UP if n > 0 else MOVED_DOWN if n < 0 else "" for n in moves]
    styler = frame.style.apply(lambda _: styles, subset=[change_col])
    return frame, styler, int((moves != 0).sum())


# --- stage versus work -------------------------------------------------------------------------


def work_figure(frame: pd.DataFrame, measures: tuple[str, ...], means: pd.Series | None = None) -> go.Figure:
    """Stage score against each work measure, a dot per entry the viewer may read. `means` (over every
    entry of the round) draws the round's mean as dashed lines, so that a secretary's one dot is read
    against the round; its label sits in the legend, never on the dots. Entry names are placed where
    they cover no other name or dot."""
    figure = make_subplots(
        rows=1,
        cols=len(measures),
        shared_yaxes=True,
        horizontal_spacing=0.04,
        subplot_titles=[t(f"contest.work.measure.{m}") for m in measures],
    )
    reference = {"color": "#78909C", "dash": "dash", "width": 1.5}
    y_range = _span(frame["score"], None if means is None else means.get("score"))
    for i, measure in enumerate(measures, start=1):
        is_rate = measure == "in_grid_rate"
        xs, ys = frame[measure].astype(float), frame["score"].astype(float)
        mean = None if means is None or pd.isna(means.get(measure)) else float(means[measure])
        x_range = _span(xs, mean)
        names, spots = frame["label"].astype(str).tolist(), ["top center"] * len(frame)
        if len(frame) > 1:
            found = charts.label_spots(
                xs, ys, names, width=int(900 / len(measures)), height=300, font=10, x_range=x_range, y_range=y_range
            )
            names, spots = charts.placed(names, found)
        figure.add_scatter(
            x=xs,
            y=ys,
            mode="markers+text",
            text=names,
            customdata=frame["label"],
            textposition=spots,
            textfont={"size": 10, "color": "#546E7A"},
            marker={"size": 11, "color": charts.PRIMARY, "opacity": 0.85},
            hovertemplate="%{customdata}<br>%{x"
            + (":.1%" if is_rate else ":.2f")
            + "}<br>"
            + t("contest.work.stage_score")
            + " %{y:.2f}<extra></extra>",
            showlegend=False,
            row=1,
            col=i,
        )
        if mean is not None:
            figure.add_vline(x=mean, line=reference, row=1, col=i)
        figure.update_xaxes(range=list(x_range), row=1, col=i)
        if is_rate:
            figure.update_xaxes(tickformat=".0%", row=1, col=i)
    if means is not None and not pd.isna(means.get("score")):
        figure.add_hline(y=float(means["score"]), line=reference, row=1, col="all")
        # a legend entry for the dashed lines (shapes have none): an empty trace drawn as a dashed line
        figure.add_scatter(x=[None], y=[None], mode="lines", line=reference, name=t("contest.work.round_mean"))
        figure.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.2, "x": 0}, margin={"b": 60})
    figure.update_yaxes(range=list(y_range))
    figure.update_yaxes(title=t("contest.work.stage_score"), row=1, col=1)
    figure.update_layout(height=440, margin={"l": 10, "r": 10, "t": 50})
    return figure


def _span(values: pd.Series, mean: float | None) -> tuple[float, float]:
    """An axis range holding every value and the round's mean, with a margin for the labels."""
    numbers = [float(v) for v in values if not pd.isna(v)] + ([] if mean is None or pd.isna(mean) else [float(mean)])
    if not numbers:
        return (0.0, 1.0)
    low, high = min(numbers), max(numbers)
    pad = (high - low) * 0.1 or abs(high) * 0.05 or 1.0
    return (low - pad, high + pad)


def match_sentence(row: pd.Series) -> str:
    measure = t(f"contest.work.measure.{row['measure']}")
    if row["level"] is None or pd.isna(row["level"]):
        return t("contest.work.match.too_few", n=int(row["entries"]), measure=measure)
    return t(f"contest.work.match.{row['level']}", measure=measure) + t("contest.work.rho", rho=row["rho"])


def work_table(frame: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame(
        {
            t("contest.col.rank"): _ranks(frame["rank"]),
            t("contest.col.community"): frame["label"],
            t("contest.work.stage_score"): frame["score"].round(2),
            t("contest.work.residents"): frame["residents"].astype(int),
            t("contest.work.measure.activities_per_1k"): frame["activities_per_1k"].round(1),
            t("contest.work.measure.participants_per_1k"): frame["participants_per_1k"].round(0),
            t("contest.work.closed"): frame["closed_cases"].astype(int),
            t("contest.work.measure.in_grid_rate"): [fmt.pct(v) for v in frame["in_grid_rate"]],
            t("contest.work.measure.satisfaction"): frame["satisfaction"].round(2),
        }
    )


# --- across rounds -----------------------------------------------------------------------------


def _round_labels(history: pd.DataFrame) -> dict:
    rounds = history.drop_duplicates("round_id")
    return {
        r.round_id: t("contest.history.round_label", name=r.round_name, n=int(r.entries_in_round))
        for r in rounds.itertuples(index=False)
    }


def history_figure(history: pd.DataFrame) -> go.Figure:
    labels = _round_labels(history)
    order = list(dict.fromkeys(history["round_id"]))
    figure = go.Figure()
    repeat = history[history["rounds_entered"] >= 2]
    palette = [
        *charts.GRID_COLOURS.values(),
        "#B71C1C",
        "#1565C0",
        "#6A1B9A",
        "#00838F",
        "#5D4037",
        "#F9A825",
        "#455A64",
        "#AD1457",
    ]
    for i, (_, rows) in enumerate(repeat.groupby("community_id", sort=False)):
        rows = rows.sort_values("held_on")
        name = rows["short_name"].iloc[0]
        figure.add_scatter(
            x=[labels[r] for r in rows["round_id"]],
            y=rows["rank"].astype(int),
            mode="lines+markers+text",
            name=name,
            line={"width": 3, "color": palette[i % len(palette)]},
            marker={"size": 10},
            text=[""] * (len(rows) - 1) + [name],
            textposition="middle right",
            customdata=[
                t("contest.history.rank_of", rank=int(r), n=int(n))
                for r, n in zip(rows["rank"], rows["entries_in_round"])
            ],
            hovertemplate=name + "：%{customdata}<extra></extra>",
        )
    figure.update_xaxes(
        categoryorder="array", categoryarray=[labels[r] for r in order], range=[-0.25, len(order) - 1 + 0.45]
    )
    top = int(history["entries_in_round"].max()) if len(history) else 1
    figure.update_yaxes(autorange=False, range=[top + 0.5, 0.5], dtick=1, title=t("contest.history.axis"))
    figure.update_layout(
        height=520, title=t("contest.history.title"), showlegend=False, margin={"l": 10, "r": 20, "t": 60, "b": 10}
    )
    return figure


def history_table(history: pd.DataFrame) -> pd.DataFrame:
    labels = _round_labels(history)
    order = [labels[r] for r in dict.fromkeys(history["round_id"])]
    cell = history.assign(
        round_label=history["round_id"].map(labels),
        shown=[
            t("contest.history.rank_of", rank=int(r), n=int(n))
            for r, n in zip(history["rank"], history["entries_in_round"])
        ],
    )
    wide = cell.pivot_table(index="short_name", columns="round_label", values="shown", aggfunc="first")
    # A blank cell read as "missing data"; say that the community did not enter that round.
    wide = wide.reindex(columns=[c for c in order if c in wide.columns]).fillna(t("contest.history.absent"))
    latest = history.sort_values("held_on").groupby("short_name").tail(1).set_index("short_name")
    moves = latest["previous_rank"].astype(float) - latest["rank"].astype(float)
    wide[t("contest.history.change")] = [
        t("contest.history.once")  # no previous round: its first entry is its latest
        if pd.isna(moves.get(name))
        else (
            t("contest.weights.up", n=int(moves[name]))
            if moves[name] > 0
            else t("contest.weights.down", n=int(-moves[name]))
            if moves[name] < 0
            else t("contest.weights.flat")
        )
        for name in wide.index
    ]
    last = order[-1] if order else None
    sort_key = latest["rank"].astype(float).reindex(wide.index)
    if last:
        sort_key = sort_key.where(wide[last] != t("contest.history.absent"), sort_key + 1000)
    wide = wide.loc[sort_key.sort_values().index]
    wide.index.name = t("contest.col.community")
    return wide.reset_index()
