"""Download buttons for any table a page shows (CSV with BOM and Excel, formulas neutralised; Parquet
on request)."""
from __future__ import annotations

from functools import partial

import pandas as pd
import streamlit as st

from analytics import export
from ui.i18n import t


def buttons(frame: pd.DataFrame, name: str, *, key: str, parquet: bool = False) -> None:
    """CSV and Excel downloads of `frame` (and Parquet with `parquet=True`); `name` is the file name
    without extension (Chinese is fine). The files are made when a button is clicked, not on every run
    of the page: an Excel file of tens of thousands of rows takes seconds to write."""
    frame = frame.copy()   # the page may go on changing its own frame; the file shows it as it is now
    left, right, *rest = st.columns(3 if parquet else 2)
    with left:
        st.download_button(t("common.download_csv"), partial(export.to_csv_bytes, frame), file_name=f"{name}.csv",
                           mime="text/csv", key=f"{key}_csv", icon=":material/download:",
                           on_click="ignore")
    with right:
        st.download_button(t("common.download_xlsx"), partial(export.to_xlsx_bytes, frame), file_name=f"{name}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           key=f"{key}_xlsx", icon=":material/table_view:", on_click="ignore")
    if parquet:
        with rest[0]:
            st.download_button(t("common.download_parquet"), partial(export.to_parquet_bytes, frame),
                               file_name=f"{name}.parquet", mime="application/vnd.apache.parquet",
                               key=f"{key}_parquet", icon=":material/database:", on_click="ignore")
