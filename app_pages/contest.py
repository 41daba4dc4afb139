import streamlit as st

from analytics.contest import panel as contest_panel
from analytics.contest import scoring as contest
from analytics.contest import work as contest_work
from ui import contest_view as view
from ui import data, downloads, fmt
from ui.i18n import t
from ui.layout import page_header
from ui.session import scope

page_header("contest.title", "contest.caption", own_label=False)

rounds = data.call(contest.rounds, scope=scope())
if rounds.empty:
    st.info(t("contest.no_rounds"))
    st.stop()
labels = {row["round_id"]: view.round_label(row) for _, row in rounds.iterrows()}
round_id = st.selectbox(t("contest.round"), list(labels), format_func=labels.get, key="contest_round")
if int(rounds.set_index("round_id").loc[round_id, "judges"]) == 0:
    st.info(t("contest.no_scores"))
    st.stop()

compared = data.call(contest.compare_methods, round_id, scope=scope())
ranked = contest.method_ranking(compared, "trimmed_mean")
gaps = data.call(contest.missing_scores, round_id, scope=scope())
panel = data.call(contest_panel.agreement, round_id, scope=scope())

# --- the answer first: who won, how sure, do the methods and judges agree -------------------------
winner = ranked.iloc[0]
disagree = compared[~compared["methods_agree"]]
columns = st.columns(4)
columns[0].metric(
    t("contest.metric.winner"),
    winner["label"],
    t("contest.metric.winner_score", score=f"{winner['score']:.2f}"),
    delta_color="off",
    delta_arrow="off",
    border=True,
    help=t("contest.method_help.trimmed_mean"),
)
columns[1].metric(
    t("contest.metric.methods_agree"),
    t("contest.metric.methods_agree_value", agree=len(compared) - len(disagree), total=len(compared)),
    border=True,
    help=t("contest.method_help.judge_standardised"),
)
columns[2].metric(
    t("contest.metric.panel"),
    t(f"contest.level.{panel.level or 'unknown'}"),
    border=True,
    help=None
    if panel.level is None
    else t("contest.help.panel", w=f"{panel.kendall_w:.2f}", entries=panel.entries, judges=panel.judges),
)
columns[3].metric(
    t("contest.metric.missing"),
    t("contest.metric.missing_value", n=len(view.with_gaps(compared))),
    border=True,
)

lead = t(
    "contest.lead.certain" if winner["rank_high"] == 1 else "contest.lead.uncertain",
    winner=view.md(winner["label"]),
    score=f"{winner['score']:.2f}",
    high=winner["rank_high"],
)
lead += " " + (
    t("contest.lead.disagree", n=len(disagree), spread=int(disagree["rank_spread"].max()))
    if len(disagree)
    else t("contest.lead.all_agree")
)
st.info(lead, icon=":material/emoji_events:")

tabs = st.tabs(
    [
        t("contest.tab.ranking"),
        t("contest.tab.compare"),
        t("contest.tab.judges"),
        t("contest.tab.weights"),
        t("contest.tab.work"),
        t("contest.tab.history"),
    ],
    key="contest_tabs",
)

# --- ranking under the three methods ---------------------------------------------------------------
with tabs[0]:
    table, styled, formats = view.ranking_table(compared)
    fmt.table(
        styled,
        hide_index=True,
        key="contest_ranking_table",
        column_config=formats,
        height=min(38 + 35 * len(table), 640),
    )
    st.caption(" · ".join(f"**{view.method_name(m)}**：{t(f'contest.method_help.{m}')}" for m in contest.METHODS))
    downloads.buttons(table, t("contest.download.ranking"), key="contest_dl_ranking")
    left, right = st.columns([3, 2])
    with left:
        st.plotly_chart(view.interval_figure(ranked), key="contest_interval_chart")
    with right:
        st.markdown(f"**{t('contest.missing.title')}**")
        lines = view.missing_lines(gaps, compared)
        st.markdown("\n".join(f"- {line}" for line in lines) if lines else t("contest.missing.none"))
        st.caption(t("contest.ranking.note"))

# --- an entry's five beauties against the round, two entries head to head ----------------------------
with tabs[1]:
    profile = data.call(contest_panel.criterion_profile, round_id, scope=scope())
    entries = profile.drop_duplicates("entry_id")
    if entries.empty:
        st.info(t("contest.compare.none"))
    else:
        by_rank = [e for e in ranked["entry_id"] if e in set(entries["entry_id"])]
        names = dict(zip(entries["entry_id"], entries["label"]))
        pick_a, pick_b = st.columns(2)
        entry_a = pick_a.selectbox(t("contest.compare.entry_a"), by_rank, format_func=names.get, key="contest_entry_a")
        options_b = [None] + [e for e in by_rank if e != entry_a]
        entry_b = pick_b.selectbox(
            t("contest.compare.entry_b"),
            options_b,
            key="contest_entry_b",
            format_func=lambda e: t("contest.compare.average") if e is None else names[e],
        )
        chart, numbers = st.columns([3, 2])
        with chart:
            st.plotly_chart(view.radar_figure(profile, entry_a, entry_b), key="contest_radar")
        with numbers:
            side = view.profile_table(profile, entry_a, None)
            gap_col = t("contest.compare.gap")
            best, worst = side.loc[side[gap_col].idxmax()], side.loc[side[gap_col].idxmin()]
            crit_col = t("contest.compare.criterion")
            sentence = (
                "contest.compare.all_above"
                if worst[gap_col] > 0
                else "contest.compare.all_below"
                if best[gap_col] < 0
                else "contest.compare.strongest"
            )
            st.markdown(
                t(
                    sentence,
                    entry=view.md(names[entry_a]),
                    best=view.md(best[crit_col]),
                    gap=best[gap_col],
                    worst=view.md(worst[crit_col]),
                    gap2=worst[gap_col],
                )
            )
            fmt.table(
                view.profile_table(profile, entry_a, entry_b),
                hide_index=True,
                key="contest_profile_table",
                column_config={gap_col: st.column_config.NumberColumn(format="%+.1f")},
            )

# --- judges: who scored what, who is lenient, do they agree ---------------------------------------
with tabs[2]:
    leniency = data.call(contest_panel.judge_leniency, round_id, scope=scope())
    matrix = data.call(contest_panel.judge_matrix, round_id, scope=scope())
    (st.success if panel.level in ("strong", "moderate") else st.warning)(view.agreement_sentence(panel))
    st.plotly_chart(view.heatmap_figure(matrix, ranked["entry_id"].tolist()), key="contest_heatmap")
    downloads.buttons(
        view.matrix_table(matrix, ranked["entry_id"].tolist()), t("contest.download.matrix"), key="contest_dl_matrix"
    )
    chart, words = st.columns([3, 2])
    with chart:
        st.plotly_chart(view.leniency_figure(leniency), key="contest_leniency")
    with words:
        known = leniency.dropna(subset=["leniency"])
        if len(known) >= 2:
            loose, strict = known.loc[known["leniency"].idxmax()], known.loc[known["leniency"].idxmin()]
            st.markdown(
                t(
                    "contest.judges.lenient_note",
                    judge=view.judge_name(loose["judge_no"], loose["judge_kind"]),
                    points=loose["leniency"],
                    strict=view.judge_name(strict["judge_no"], strict["judge_kind"]),
                    points2=-strict["leniency"],
                )
            )

# --- what-if weights ---------------------------------------------------------------------------------
with tabs[3]:
    crit = data.call(contest.criteria, round_id, scope=scope())
    own = {row.criterion_id: round(float(row.weight) / float(crit["weight"].sum()) * 100) for row in crit.itertuples()}

    def restore_weights() -> None:
        for criterion_id, percent in own.items():
            st.session_state[f"contest_weight_{criterion_id}"] = percent

    st.markdown(t("contest.weights.intro"))
    chosen = {}
    for column, row in zip(st.columns(len(crit)), crit.itertuples()):
        with column:
            chosen[row.criterion_id] = st.slider(
                t("contest.weights.slider", name=row.name, weight=own[row.criterion_id]),
                0,
                100,
                own[row.criterion_id],
                step=5,
                format="%d%%",
                key=f"contest_weight_{row.criterion_id}",
            )
    st.button(
        t("contest.weights.reset"), on_click=restore_weights, key="contest_weights_reset", icon=":material/restart_alt:"
    )
    total = sum(chosen.values())
    if total == 0:
        st.warning(t("contest.weights.all_zero"))
    else:
        st.caption(
            t(
                "contest.weights.effective",
                parts="、".join(
                    f"{row.name} {fmt.pct(chosen[row.criterion_id] / total, 0)}" for row in crit.itertuples()
                ),
            )
        )
        # the sliders at rest are the round's own weights: the announced ranking itself
        what_if = (
            ranked
            if chosen == own
            else data.call(
                contest.ranking, round_id, "trimmed_mean", scope=scope(), weights=tuple(sorted(chosen.items()))
            )
        )
        frame, styled, moved = view.whatif_table(ranked, what_if)
        (st.warning if moved else st.success)(
            t("contest.weights.moved", n=moved) if moved else t("contest.weights.same")
        )
        fmt.table(
            styled,
            hide_index=True,
            key="contest_whatif_table",
            height=min(38 + 35 * len(frame), 640),
            column_config={t("contest.col.score"): st.column_config.NumberColumn(format="%.2f")},
        )
        downloads.buttons(frame, t("contest.download.weights"), key="contest_dl_weights")

# --- does the stage match the work? -----------------------------------------------------------------
with tabs[4]:
    stage_work = data.call(contest_work.stage_and_match, round_id, scope=scope())
    work, match = stage_work.frame, stage_work.match
    start, end = data.call(contest_work.window, round_id, scope=scope())
    st.markdown(t("contest.work.intro", start=fmt.date(start), end=fmt.date(end)))
    st.markdown(
        "\n".join(
            f"- {view.match_sentence(row)}" for _, row in match.iterrows() if row["measure"] != "participants_per_1k"
        )
    )
    if not work.empty:
        st.plotly_chart(
            view.work_figure(work, ("activities_per_1k", "in_grid_rate", "satisfaction"), stage_work.means),
            key="contest_work_chart",
        )
        work_frame = view.work_table(work)
        fmt.table(work_frame, hide_index=True, key="contest_work_table")
        downloads.buttons(work_frame, t("contest.download.work"), key="contest_dl_work")

# --- across rounds ---------------------------------------------------------------------------------
with tabs[5]:
    history = data.call(contest.rank_history, scope=scope())
    if history["round_id"].nunique() < 2:
        st.info(t("contest.history.none"))
    else:
        st.plotly_chart(view.history_figure(history), key="contest_history_chart")
        st.caption(t("contest.history.note"))
        history_frame = view.history_table(history)
        fmt.table(history_frame, hide_index=True, key="contest_history_table")
        downloads.buttons(history_frame, t("contest.download.history"), key="contest_dl_history")
