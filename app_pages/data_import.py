import pandas as pd
import streamlit as st

from analytics import access, ingest
from analytics.access import audit
from analytics.core.errors import DataError
from ui import data, downloads, fmt, import_view, uploads
from ui.contest_view import md
from ui.i18n import lang, said, t
from ui.layout import page_header
from ui.session import scope, username

CONTEST_KINDS = ("contest_entries", "contest_criteria", "contest_scores")
# The monthly ledgers first; reference lists and contest set-up after them.
KINDS = (
    "grid_cases",
    "seed_activities",
    "contest_scores",
    "contest_entries",
    "communities",
    "partners",
    "pairings",
    "service_items",
    "contest_rounds",
    "contest_criteria",
    "judges",
)
EXCEL_TYPES = ["xlsx", "xlsm", "xls", "ods", "csv", "txt", "tsv"]

page_header("import.title", "import.caption")

who = scope()  # app.py shows this page to administrators only; analytics.ingest checks the role again
if not ingest.may_import(who):
    st.warning(t("import.need_role"))
    st.stop()
if data.writes_elsewhere("import.lake_replica"):
    # a replica of a district deployment reads the lake and writes nothing: ledgers go into the lake
    # through its one writer (python -m analytics.lake import), followed by the refresh
    st.code(
        "python -m analytics.lake import --lake DIR --town CODE --table grid_cases FILE\n"
        "python -m analytics.refresh --engine spark --lake DIR --master spark://…",
        language="bash",
    )
    st.stop()
con = data.connection()


def kind_label(kind: str) -> str:
    return t(f"import.kind.{kind}")


def problems_table(frame: pd.DataFrame, key: str) -> None:
    shown = frame.rename(
        columns={
            "row": t("import.col.row"),
            "column": t("import.col.column"),
            "value": t("import.col.value"),
            "message": t("import.col.message"),
        }
    )
    fmt.table(
        shown,
        hide_index=True,
        width="stretch",
        height=min(420, 38 + 35 * len(shown)),
        key=key,
        column_config={
            t("import.col.row"): st.column_config.NumberColumn(width="small"),
            t("import.col.column"): st.column_config.TextColumn(width="small"),
            t("import.col.message"): st.column_config.TextColumn(width="large"),
        },
    )


def with_progress(label: str, run):
    bar = st.progress(0.0, text=label)
    try:
        return run(
            lambda fraction, message: bar.progress(min(max(fraction, 0.0), 1.0), text=f"{label} {said(message)}")
        )
    finally:
        bar.empty()


def review(upload, kind: str, round_id: str | None) -> None:
    """Preview, validation report and the confirm button for one uploaded file."""
    limit = uploads.max_upload_bytes()
    try:
        path, digest = uploads.saved(upload)
        visible, hidden = ingest.sheet_names(path, max_bytes=limit, file_name=upload.name)
        sheet = None
        confirm_step = "③"  # the steps are numbered as shown: ③ is the sheet only when there is one to pick
        if len(visible) + len(hidden) > 1 or (hidden and not visible):
            sheet = st.selectbox(
                t("import.sheet"),
                [*visible, *hidden],
                key="import_sheet",
                format_func=lambda s: t("import.sheet_hidden", name=s) if s in hidden else s,
            )
            confirm_step = "④"
        elif not upload.name.lower().endswith((".csv", ".txt", ".tsv")):
            sheet = visible[0] if visible else None
        cache_key = (digest, kind, sheet, round_id, data.data_version())
        cached = st.session_state.get("import_preview")
        if cached and cached[0] == cache_key:
            report = cached[1]
        else:
            report = with_progress(
                t("import.checking"),
                lambda progress: ingest.preview(
                    con,
                    path,
                    kind,
                    sheet=sheet,
                    round_id=round_id,
                    progress=progress,
                    scope=who,
                    max_bytes=limit,
                    file_name=upload.name,
                ),
            )
            st.session_state["import_preview"] = (cache_key, report)
    except DataError as exc:
        st.error(t("import.refused", message=md(said(exc))), icon=":material/block:")
        return

    cols = st.columns(5)
    cols[0].metric(t("import.metric.read"), f"{report.rows_read:,}", border=True)
    cols[1].metric(t("import.metric.ready"), f"{report.rows_ready:,}", border=True)
    cols[2].metric(t("import.metric.skipped"), f"{report.skipped:,}", border=True)
    cols[3].metric(t("import.metric.conflicts"), f"{len(report.conflicts):,}", border=True)
    cols[4].metric(t("import.metric.errors"), f"{len(report.errors):,}", border=True)
    if report.duplicate_of:
        st.info(t("import.duplicate", batch=report.duplicate_of), icon=":material/content_copy:")
    if report.errors:
        st.error(t("import.errors"), icon=":material/error:")
        errors = report.error_frame(lang())
        problems_table(errors.head(500), key="import_errors_table")
        if len(errors) > 500:
            st.caption(t("import.errors_more", n=f"{len(errors):,}"))
        downloads.buttons(errors, f"导入错误_{upload.name}", key="import_errors_download")
    if report.conflicts:
        st.warning(t("import.conflicts"), icon=":material/warning:")
        problems_table(report.conflict_frame(lang()).head(500), key="import_conflicts_table")
    if report.notes:
        with st.expander(t("import.notes"), expanded=not report.errors):
            for note in report.notes:
                st.markdown(f"- {md(said(note))}")  # notes quote sheet names and header cells
    if report.preview is not None and not report.errors:
        st.caption(t("import.preview", n=len(report.preview)))
        fmt.table(
            import_view.named(report.preview, kind),
            hide_index=True,
            width="stretch",
            height=260,
            key="import_preview_table",
        )
    if data.is_demo():
        st.warning(t("import.blocked_demo"), icon=":material/science:")
    elif report.ok and not report.duplicate_of and report.rows_ready == 0:
        st.info(t("import.nothing_new"))
    ready = report.ok and not report.duplicate_of and report.rows_ready > 0 and not data.is_demo()
    if st.button(
        t("import.confirm", step=confirm_step, n=fmt.count(report.rows_ready)),
        key="import_confirm",
        type="primary",
        disabled=not ready,
        icon=":material/upload:",
    ):
        try:
            done = with_progress(
                t("import.importing"),
                lambda progress: ingest.import_file(
                    con,
                    path,
                    kind,
                    sheet=sheet,
                    round_id=round_id,
                    progress=progress,
                    scope=who,
                    max_bytes=limit,
                    file_name=upload.name,
                ),
            )
        except DataError as exc:
            st.error(t("import.refused", message=md(said(exc))), icon=":material/block:")
            return
        if done.errors:
            st.error(t("import.errors"), icon=":material/error:")
            problems_table(done.error_frame(lang()), key="import_errors_after")
        else:
            audit.record(
                con,
                username(),
                "import",
                f"{upload.name} → {kind}: batch {done.batch_id}, {done.rows_imported} rows",
                role=who.role,
            )
            message = t("import.done", batch=done.batch_id, n=f"{done.rows_imported:,}")
            if done.skipped:
                message += " " + t("import.done_skipped", n=f"{done.skipped:,}")
            if done.conflicts:
                message += " " + t("import.done_conflicts", n=f"{len(done.conflicts):,}")
            st.session_state["import_flash"] = message
            st.session_state.pop("import_preview", None)
            st.rerun()


if data.is_demo():
    with st.container(border=True):
        st.markdown(f"**:orange[{t('import.demo.title')}]**")
        st.write(t("import.demo.body"))
        if not access.load_accounts():
            st.caption(t("import.demo.accounts_note"))
        reference = st.checkbox(t("import.demo.reference"), key="import_clear_reference")
        sure = st.checkbox(t("import.demo.confirm"), key="import_clear_confirm")
        if st.button(
            t("import.demo.button"),
            key="import_clear",
            type="primary",
            disabled=not sure,
            icon=":material/delete_sweep:",
        ):
            ingest.clear_demo(con, reference_lists=reference, scope=who)
            audit.record(con, username(), "undo_import", "cleared the demo world", role=who.role)
            st.session_state["import_flash"] = t("import.demo.done")
            st.rerun()

if "import_flash" in st.session_state:
    st.success(st.session_state.pop("import_flash"), icon=":material/check_circle:")

upload_tab, history_tab, template_tab = st.tabs(
    [t("import.tab.upload"), t("import.tab.history"), t("import.tab.templates")]
)

with upload_tab:
    left, right = st.columns([1, 1])
    with left:
        kind = st.selectbox(t("import.kind"), KINDS, format_func=kind_label, key="import_kind")
    round_id = None
    if kind in CONTEST_KINDS:
        rounds = data.call(ingest.round_choices)
        names = dict(zip(rounds["round_id"], rounds["name"]))
        with right:
            round_id = st.selectbox(
                t("import.round"),
                [None, *names],
                key="import_round",
                format_func=lambda r: t("import.round.from_file") if r is None else f"{names[r]}（{r}）",
            )
    upload = st.file_uploader(
        t("import.file", limit=uploads.limit_text()), type=EXCEL_TYPES, key="import_file", help=t("import.file_help")
    )
    if upload is not None:
        review(upload, kind, round_id)

with history_tab:
    batches = ingest.history(con, scope=who)
    if batches.empty:
        st.info(t("import.history.empty"))
    else:
        shown = pd.DataFrame(
            {
                t("import.history.time"): batches["imported_at"],
                t("import.history.kind"): batches["table_name"].map(kind_label),
                t("import.history.file"): batches["file_name"],
                t("import.history.sheet"): batches["sheet"],
                t("import.history.rows"): batches["rows"],
                t("import.history.skipped"): batches["skipped"],
                t("import.history.conflicts"): batches["conflicts"],
                t("import.history.status"): batches["status"].map(lambda s: t(f"import.status.{s}")),
                t("import.history.batch"): batches["batch_id"],
                t("import.history.sha"): batches["sha256"],
            }
        )
        fmt.table(
            shown,
            hide_index=True,
            width="stretch",
            key="import_history_table",
            column_config={t("import.history.time"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm")},
        )
        open_batches = batches[batches["status"] == "imported"]
        if not open_batches.empty:
            st.subheader(t("import.undo"))
            labels = {
                b: f"{b} · {kind_label(k)} · {f} · {r:,}"
                for b, k, f, r in zip(
                    open_batches["batch_id"],
                    open_batches["table_name"],
                    open_batches["file_name"],
                    open_batches["rows"],
                )
            }
            chosen = st.selectbox(t("import.undo.pick"), list(labels), format_func=labels.get, key="import_undo_batch")
            sure = st.checkbox(t("import.undo.confirm"), key="import_undo_confirm")
            if st.button(t("import.undo.button"), key="import_undo", disabled=not sure, icon=":material/undo:"):
                try:
                    removed = ingest.undo_batch(con, chosen, scope=who)
                except DataError as exc:
                    st.error(md(said(exc)), icon=":material/block:")
                else:
                    audit.record(con, username(), "undo_import", f"batch {chosen}: {removed} rows", role=who.role)
                    st.session_state["import_flash"] = t("import.undo.done", batch=chosen, n=f"{removed:,}")
                    st.session_state.pop("import_preview", None)
                    st.rerun()

with template_tab:
    st.caption(t("import.templates.intro"))
    columns = st.columns(3)
    for i, kind_name in enumerate(KINDS):
        with columns[i % 3]:
            st.download_button(
                t("import.templates.download", label=kind_label(kind_name)),
                data.call(ingest.template_bytes, kind_name),
                file_name=f"导入模板_{ingest.TABLES[kind_name].label}.xlsx",
                mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                key=f"import_template_{kind_name}",
                icon=":material/download:",
                on_click="ignore",
            )
