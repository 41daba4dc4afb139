import streamlit as st

from ui import data, downloads, fmt
from ui.i18n import label, t
from ui.session import scope

COLUMNS = ["occurred_at", "username", "role", "action", "detail"]

st.title(t("audit.title"))
st.caption(t("audit.caption"))
log = data.recent_audit(scope())  # never cached: the log must be current
if log.empty:
    # A fresh installation (or a store just moved): say what will appear here rather than draw an empty grid.
    st.info(t("audit.empty"), icon=":material/policy:")
    st.stop()
actions = sorted(log["action"].unique())
chosen = st.pills(
    t("audit.action"),
    actions,
    selection_mode="multi",
    key="audit_actions",
    format_func=lambda a: label("audit.action", a),
)
shown = log[log["action"].isin(chosen)] if chosen else log
failed = int((log["action"] == "sign_in_failed").sum())
st.metric(t("audit.failed_sign_ins"), fmt.count(failed))
# Roles and actions are stored as codes (the trail must not change with the language); show their names.
table = shown.assign(
    action=shown["action"].map(lambda a: label("audit.action", a)),
    role=shown["role"].map(lambda r: label("role", r) if isinstance(r, str) and r else fmt.MISSING),
)[COLUMNS].rename(columns={c: t(f"audit.col.{c}") for c in COLUMNS})
fmt.table(
    table,
    hide_index=True,
    key="audit_table",
    empty=t("audit.none_chosen"),
    column_config={t("audit.col.occurred_at"): st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm:ss")},
)
downloads.buttons(table, "操作日志", key="audit_download")
