import streamlit as st

from ui import data, downloads
from ui.i18n import label, t
from ui.session import scope

st.title(t("audit.title"))
st.caption(t("audit.caption"))
log = data.recent_audit(scope())  # never cached: the log must be current
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
st.metric(t("audit.failed_sign_ins"), failed)
table = shown.assign(action=shown["action"].map(lambda a: label("audit.action", a)))[
    ["occurred_at", "username", "role", "action", "detail"]
].rename(columns={c: t(f"audit.col.{c}") for c in ["occurred_at", "username", "role", "action", "detail"]})
st.dataframe(table, hide_index=True, key="audit_table")
downloads.buttons(table, "操作日志", key="audit_download")
