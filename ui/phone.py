"""The phone layout: one small stylesheet, injected once per run, that changes nothing above 640 px
(but for Streamlit's skip link, drawn in the session's language at every width).

Streamlit stacks every st.columns row into full-width columns below its 640 px breakpoint, so a row of
four metrics became four screens of one number each. Below that width the stylesheet lets columns that
hold metrics (and no chart, map or table) take half the width, two per row, and labels the sidebar's
toggle: the filters stay in the one sidebar (no second set of widgets on the page whose state would
have to be kept in step), and the sidebar is where the page list is too, so a phone reader needs the
toggle anyway — it only had to say what it opens. Nothing is fetched: plain CSS on Streamlit's own
data-testid attributes (the browser tests in tests/browser/test_phone_browser.py hold these names to
the installed Streamlit)."""

from __future__ import annotations

import json

import streamlit as st

from ui.i18n import t

# Streamlit's own breakpoint for stacking columns (theme.breakpoints.columns).
NARROW = "640px"

_DRAWN = ", ".join(
    f"[data-testid='{name}']" for name in ("stPlotlyChart", "stVegaLiteChart", "stDeckGlJsonChart", "stDataFrame")
)
# A column of key numbers: it holds a metric and nothing drawn. (CSS cannot nest :has(), so the rule is
# per column: in a row of four metrics each takes half; a column of metrics beside a chart takes half
# too, and grows to the whole line since the chart's column cannot share it.) Two halves and the row's
# 1rem gap leave half a rem that flex-grow fills: when they summed to exactly the row's width, a sub-pixel
# of rounding could wrap the second number, and once in CI the first of three had a line to itself.
_METRIC_COLUMN = f"[data-testid='stColumn']:has([data-testid='stMetric']):not(:has({_DRAWN}))"


def stylesheet() -> str:
    label = json.dumps(t("phone.menu"), ensure_ascii=False)  # a CSS string is quoted like a JSON one
    skip = json.dumps(t("phone.skip"), ensure_ascii=False)
    # Streamlit's keyboard skip link has fixed English text: drawn in the session's language instead.
    return f"""<style>
[data-testid='stSkipToContent'] {{ font-size: 0; }}
[data-testid='stSkipToContent']::after {{ content: {skip}; font-size: 1rem; }}
@media (max-width: {NARROW}) {{
  {_METRIC_COLUMN} {{
    flex: 1 1 calc(50% - 0.75rem) !important;
    width: calc(50% - 0.75rem) !important;
    min-width: calc(50% - 0.75rem) !important;
  }}
  [data-testid='stMetricValue'] {{ font-size: 1.6rem; }}
  [data-testid='stMetricLabel'] p {{ white-space: normal; }}
  [data-testid='stExpandSidebarButton'] {{ gap: 0.25rem; padding-right: 0.5rem; }}
  [data-testid='stExpandSidebarButton']::after {{ content: {label}; font-size: 0.95rem; }}
  [data-testid='stMainBlockContainer'] h1 {{ font-size: 1.75rem; }}
}}
</style>"""


def apply() -> None:
    """Inject the stylesheet (Streamlit sends a style-only st.html to its event container: no space)."""
    st.html(stylesheet())
