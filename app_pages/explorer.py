import streamlit as st

from analytics.explore import catalog, pivot
from analytics.explore import console as explore
from ui import data, downloads, fmt, sql
from ui import explore as view
from ui.contest_view import md  # names typed by users: text in notices, never markdown
from ui.filters import current
from ui.i18n import lang, said, t
from ui.layout import page_header
from ui.session import scope

SECTIONS = ("pivot", "tables", "console")
DEFAULT_ROWS = {"activities": ["grid", "seed_colour"], "cases": ["month"]}
DEFAULT_MEASURES = {"activities": ["activities", "participants"], "cases": ["in_grid_rate", "cases"]}

page_header("explore.title", "explore.caption")
section = st.segmented_control(
    t("explore.section"),
    SECTIONS,
    default="pivot",
    required=True,
    key="explorer_section",
    format_func=lambda s: t(f"explore.section.{s}"),
    label_visibility="collapsed",
)


def open_in_console(text: str) -> None:
    st.session_state["explorer_sql"] = text
    st.session_state["explorer_section"] = "console"
    st.session_state["explorer_saved"] = ""


def pivot_section() -> None:
    left, middle, right = st.columns([1, 2, 2])
    with left:
        subject = st.radio(
            t("explore.subject"),
            pivot.SUBJECTS,
            key="explorer_subject",
            format_func=lambda s: t(f"explore.subject.{s}"),
        )
    with middle:
        rows = st.multiselect(
            t("explore.rows"),
            pivot.dimensions_for(subject),
            default=DEFAULT_ROWS[subject],
            key=f"explorer_rows_{subject}",
            max_selections=pivot.MAX_DIMENSIONS,
            format_func=view.dimension_label,
            placeholder=t("explore.rows_placeholder"),
            select_all=False,  # English-only in Streamlit, and pointless with at most three to pick
        )
    with right:
        measures = st.multiselect(
            t("explore.measures"),
            list(pivot.MEASURES[subject]),
            default=DEFAULT_MEASURES[subject],
            key=f"explorer_measures_{subject}",
            format_func=view.measure_label,
            placeholder=t("explore.measures_placeholder"),
            select_all=False,  # Streamlit's bulk action is English-only
            help=t("explore.per_1k_help"),
        )
    keep = []
    with st.expander(t("explore.keep"), icon=":material/filter_alt:"):
        filterable = pivot.filterable_for(subject)
        for column, name in zip(st.columns(len(filterable)), filterable):
            with column:
                chosen = st.multiselect(
                    view.dimension_label(name),
                    list(pivot.DIMENSIONS[name].codes),
                    key=f"explorer_keep_{subject}_{name}",
                    placeholder=t("explore.keep_placeholder"),
                    select_all=False,  # English-only; keeping none already means keeping all
                    format_func=lambda v, n=name: view.value_label(n, v),
                )
            if chosen:
                keep.append((name, tuple(chosen)))
    if not measures:
        st.info(t("explore.pick_measure"))
        return
    spec = pivot.PivotSpec(subject, tuple(rows), tuple(measures), current(), tuple(keep))
    result = data.call(pivot.pivot, spec, scope=scope())
    if result.frame.empty:
        st.info(t("explore.no_rows"))
    figure = view.chart(result.frame, spec)
    if figure is not None:
        st.markdown(f"**{view.chart_title(spec)}**")
        st.plotly_chart(figure, key="explorer_pivot_chart")
    elif not spec.rows and not result.frame.empty:
        for column, measure in zip(st.columns(min(len(measures), 4)), measures[:4]):
            value = result.frame[measure].iloc[0]
            column.metric(view.measure_label(measure), view.metric_text(measure, value), border=True)
    table = view.display_frame(result.frame, spec)
    st.caption(t("explore.result_rows", rows=len(table)))
    fmt.table(table, hide_index=True, column_config=view.column_config(spec), key="explorer_pivot_table")
    downloads.buttons(table, t("explore.download_name.pivot"), key="explorer_pivot_dl", parquet=True)
    with st.expander(t("explore.sql.show"), icon=":material/code:"):
        st.caption(t("explore.sql.caption"))
        st.code(result.sql_inline, language="sql", wrap_lines=True)
        st.button(
            t("explore.to_console"),
            key="explorer_to_console",
            icon=":material/terminal:",
            on_click=open_in_console,
            args=(result.sql_inline,),
        )


def tables_section() -> None:
    listing = data.call(catalog.tables, scope=scope())
    meaning = "meaning_en" if lang() == "en" else "meaning_zh"
    st.markdown(f"**{t('explore.tables.list')}**")
    fmt.table(
        listing.assign(kind=[t(f"explore.tables.kind.{k}") for k in listing["kind"]])[
            ["table_name", "kind", "rows", "columns", meaning]
        ].rename(
            columns={
                "table_name": t("explore.tables.name"),
                "kind": t("explore.tables.kind"),
                "rows": t("explore.tables.rows"),
                "columns": t("explore.tables.columns"),
                meaning: t("explore.tables.meaning"),
            }
        ),
        hide_index=True,
        key="explorer_tables_list",
        column_config={t("explore.tables.rows"): st.column_config.NumberColumn(format="localized")},
    )
    notes = dict(zip(listing["table_name"], listing[meaning]))
    table = st.selectbox(
        t("explore.tables.pick"),
        listing["table_name"].tolist(),
        key="explorer_table",
        format_func=lambda n: f"{n} · {notes.get(n, '')}",
    )
    if table is None:
        return
    fields = data.call(catalog.columns, table, scope=scope())
    left, right = st.columns([2, 3])
    with left:
        st.markdown(f"**{t('explore.tables.fields')}**")
        fmt.table(
            fields[["column_name", "data_type", "nullable", meaning]].rename(
                columns={
                    "column_name": t("explore.tables.column"),
                    "data_type": t("explore.tables.type"),
                    "nullable": t("explore.tables.nullable"),
                    meaning: t("explore.tables.meaning"),
                }
            ),
            hide_index=True,
            key="explorer_fields",
        )
    with right:
        rows = data.call(catalog.sample, table, n=20, scope=scope())
        st.markdown(f"**{t('explore.tables.sample', n=len(rows))}**")
        fmt.table(rows, hide_index=True, key="explorer_sample")
        downloads.buttons(explore.flat_for_export(rows), table, key="explorer_sample_dl", parquet=True)


def load_saved(saved: dict) -> None:
    name = st.session_state.get("explorer_saved")
    if name:
        st.session_state["explorer_sql"] = saved[name]
        st.session_state["explorer_save_name"] = name


def save() -> None:
    """Button callbacks run before the page, so the list of saved queries below is already up to date."""
    name = st.session_state.get("explorer_save_name", "")
    try:
        sql.save_query(name, st.session_state.get("explorer_sql", ""), scope())
        st.session_state["explorer_notice"] = ("ok", t("explore.console.saved_ok", name=md(name.strip())))
    except explore.QueryRefused as refusal:
        st.session_state["explorer_notice"] = ("warning", md(said(refusal)))


def delete() -> None:
    name = st.session_state.get("explorer_saved")
    if name:
        sql.delete_saved_query(name, scope())
        st.session_state["explorer_saved"] = ""
        st.session_state["explorer_notice"] = ("ok", t("explore.console.deleted", name=md(name)))


def console_section() -> None:
    if not explore.can_use_console(scope()):
        st.info(t("explore.console.not_allowed"))
        return
    st.caption(t("explore.console.intro", timeout=sql.CONSOLE_TIMEOUT_S, rows=f"{sql.CONSOLE_MAX_ROWS:,}"))
    saved = sql.saved_queries(scope())
    by_name = dict(zip(saved["name"], saved["sql"]))
    st.selectbox(
        t("explore.console.saved"),
        ["", *by_name],
        key="explorer_saved",
        format_func=lambda n: n or t("explore.console.new"),
        on_change=load_saved,
        args=(by_name,),
    )
    text = st.text_area(
        t("explore.console.sql"), key="explorer_sql", height=180, placeholder=t("explore.console.placeholder")
    )
    run_col, name_col, save_col, delete_col = st.columns([1, 3, 1, 1], vertical_alignment="bottom")
    run = run_col.button(t("explore.console.run"), key="explorer_run", type="primary", icon=":material/play_arrow:")
    name_col.text_input(
        t("explore.console.save_name"), key="explorer_save_name", placeholder=t("explore.console.save_placeholder")
    )
    save_col.button(t("explore.console.save"), key="explorer_save", icon=":material/bookmark_add:", on_click=save)
    delete_col.button(
        t("explore.console.delete"),
        key="explorer_delete",
        icon=":material/delete:",
        disabled=not st.session_state.get("explorer_saved"),
        on_click=delete,
    )
    notice = st.session_state.pop("explorer_notice", None)
    if notice and notice[0] == "ok":
        st.toast(notice[1], icon=":material/check:")
    elif notice:
        st.warning(notice[1])
    if run:
        st.session_state.pop("explorer_result", None)
        st.session_state.pop("explorer_error", None)
        progress = st.empty()
        try:
            st.session_state["explorer_result"] = sql.run_console(
                text,
                scope(),
                on_wait=lambda s: progress.caption(
                    t("explore.console.running", seconds=s, timeout=sql.CONSOLE_TIMEOUT_S)
                ),
            )
        except explore.QueryRefused as refusal:
            st.session_state["explorer_error"] = refusal.message  # shown in the language of the moment
        progress.empty()
    if "explorer_error" in st.session_state:
        st.error(md(said(st.session_state["explorer_error"])), icon=":material/block:")  # quotes the query
    result = st.session_state.get("explorer_result")
    if result is not None:
        note = t("explore.console.snapshot") if result.source == "snapshot" else ""
        st.caption(t("explore.console.stats", rows=f"{len(result.frame):,}", seconds=result.elapsed) + note)
        if result.truncated_by == "bytes":
            st.warning(
                t("explore.console.truncated_bytes", mb=sql.CONSOLE_MAX_BYTES // 2**20, rows=f"{len(result.frame):,}")
            )
        elif result.truncated:
            st.warning(t("explore.console.truncated", rows=f"{sql.CONSOLE_MAX_ROWS:,}"))
        fmt.table(result.frame, hide_index=True, key="explorer_console_table")
        downloads.buttons(
            explore.flat_for_export(result.frame),
            t("explore.download_name.console"),
            key="explorer_console_dl",
            parquet=True,
        )
    tables = data.call(catalog.tables, scope=scope())["table_name"]
    st.caption(t("explore.console.tables_hint", tables="、".join(tables)))


{"pivot": pivot_section, "tables": tables_section, "console": console_section}[section or "pivot"]()
