"""Download buttons for any table a page shows (CSV with BOM and Excel, formulas neutralised)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from analytics import export
from ui.i18n import t


def buttons(frame: pd.DataFrame, name: str, *, key: str) -> None:
    """CSV and Excel downloads of `frame`; `name` is the file name without extension (Chinese is fine)."""
    left, right = st.columns(2)
    with left:
        st.download_button(t("common.download_csv"), export.to_csv_bytes(frame), file_name=f"{name}.csv",
                           mime="text/csv", key=f"{key}_csv", icon=":material/download:",
                           on_click="ignore")
    with right:
        st.download_button(t("common.download_xlsx"), export.to_xlsx_bytes(frame), file_name=f"{name}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"{key}_xlsx", icon=":material/table_view:", on_click="ignore")
