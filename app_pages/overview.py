import streamlit as st
from plotly.subplots import make_subplots

from analytics import overview
from ui import charts, data, fmt
from ui.filters import current
from ui.i18n import has, t
from ui.layout import page_header
from ui.session import scope
from ui.sql import show_sql

page_header("overview.title", "overview.caption")
filters = current()
numbers = data.call(overview.headline, filters, scope=scope()).set_index("metric")
trend = data.call(overview.monthly_trend, filters, scope=scope())

if numbers.loc["cases", "current"] == 0 and numbers.loc["activities", "current"] == 0:
    st.info(t("common.no_data"))
    st.stop()


def show(metric: str, column) -> None:
    now, before = numbers.loc[metric, "current"], numbers.loc[metric, "previous"]
    is_rate = metric in overview.RATE_METRICS
    value = (fmt.pct(now) if is_rate else f"{now:.2f}" if metric == "satisfaction" else fmt.number(now))
    delta = fmt.change(now, before, as_points=is_rate)
    if metric == "satisfaction" and delta is not None:
        delta = f"{now - before:+.2f}"
    spark = trend[metric].dropna().tolist() if metric in trend.columns and len(trend) > 1 else None
    help_key = f"overview.help.{metric}"
    with column:
        st.metric(t(f"overview.metric.{metric}"), value, delta, border=True, chart_data=spark,
                  chart_type="bar" if metric in ("activities", "cases") else "line",
                  help=t(help_key) if has(help_key) else None,
                  delta_color="off" if metric == "residents" else "normal")


for row in (overview.METRICS[:4], overview.METRICS[4:]):
    for metric, column in zip(row, st.columns(4)):
        show(metric, column)

st.subheader(t("overview.trend"))
figure = make_subplots(specs=[[{"secondary_y": True}]])
figure.add_bar(x=trend["month"], y=trend["activities"], name=t("overview.trend.activities"),
               marker_color=charts.SEED_COLOURS["blue"], opacity=0.8)
figure.add_bar(x=trend["month"], y=trend["cases"], name=t("overview.trend.cases"), marker_color="#90A4AE")
figure.add_scatter(x=trend["month"], y=trend["in_grid_rate"], name=t("overview.trend.in_grid_rate"),
                   mode="lines+markers", line={"color": charts.PRIMARY, "width": 3}, secondary_y=True)
figure.update_yaxes(tickformat=".0%", range=[0, 1], secondary_y=True)
figure.update_layout(barmode="group", height=380, xaxis_title=t("overview.month"))
st.plotly_chart(figure, key="overview_trend")
show_sql(overview.monthly_trend, filters, scope=scope())
