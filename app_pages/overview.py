import streamlit as st

from analytics import overview
from ui import comparison, data, fmt, palette
from ui import overdue_view as watch
from ui.filters import current
from ui.i18n import has, t
from ui.layout import page_header
from ui.session import scope, scoped
from ui.sql import show_sql

page_header("overview.title", "overview.caption")
filters = current()
numbers = data.call(overview.headline, filters, scope=scope()).set_index("metric")
trend = data.call(overview.monthly_trend, filters, scope=scope())
beside = comparison.figures()  # a secretary's subdistrict, grid and rank figures; None for other roles

if numbers.loc["cases", "current"] == 0 and numbers.loc["activities", "current"] == 0:
    st.info(t("common.no_data"))
    st.stop()


def written(metric: str, value: float) -> str:
    if metric in overview.RATE_METRICS:
        return fmt.pct(value)
    return f"{value:.2f}" if metric == "satisfaction" else fmt.number(value)


def show(metric: str, column) -> None:
    now, before = numbers.loc[metric, "current"], numbers.loc[metric, "previous"]
    is_rate = metric in overview.RATE_METRICS
    value = written(metric, now)
    delta = fmt.change(now, before, as_points=is_rate)
    if metric == "satisfaction" and delta is not None:
        delta = f"{now - before:+.2f}"
    spark = trend[metric].dropna().tolist() if metric in trend.columns and len(trend) > 1 else None
    help_key = f"overview.help.{metric}"
    with column:
        st.metric(
            t(f"overview.metric.{metric}"),
            value,
            delta,
            border=True,
            chart_data=spark,
            chart_type="bar" if metric in ("activities", "cases") else "line",
            help=scoped(help_key) if has(help_key) else None,
            delta_color="off" if metric == "residents" else "normal",
            # named, as on 网格事务 (where the badge is the distance to the target): here it is the change
            delta_description=t("common.vs_previous") if delta is not None else None,
        )
        comparison.caption(metric, beside, lambda v: written(metric, v))


for row in (overview.METRICS[:4], overview.METRICS[4:]):
    for metric, column in zip(row, st.columns(4)):
        show(metric, column)

st.subheader(t("overview.trend"))
trend_data, trend_spec = palette.dual_axis_trend(
    trend,
    "month",
    {
        "activities": (t("overview.trend.activities"), palette.SEED_COLOURS["blue"]),
        "cases": (t("overview.trend.cases"), "#90A4AE"),
    },
    ("in_grid_rate", t("overview.trend.in_grid_rate"), palette.PRIMARY),
    t("overview.month"),
)
st.vega_lite_chart(trend_data, trend_spec, theme=None, key="overview_trend")
show_sql(overview.monthly_trend, filters, scope=scope(), key="overview_sql")

if scope().restricted_community is not None:  # a secretary's own matters to chase, where she lands
    watch.watch_list(filters, scope(), key="overview_watch", compact=True)
