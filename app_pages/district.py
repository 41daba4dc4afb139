import streamlit as st

from analytics import district
from ui import data, district_charts, district_view, fmt
from ui.filters import current
from ui.i18n import lang, t
from ui.layout import page_header
from ui.session import scope
from ui.sql import show_sql
from words import listing

page_header("district.title", "district.caption", own_label=False)
district_view.follow_drill()
if not district_view.several_towns():
    st.info(t("district.unavailable"), icon=":material/info:")
    st.stop()

filters = current()
result = data.call(district.comparison, filters, scope=scope())
towns = result.towns
english = lang() == "en"
names = dict(zip(towns["town_code"], towns["name_en" if english else "name"]))

simulated = int(towns["simulated"].astype(bool).sum())
if simulated:
    if not data.is_demo():  # the header carries the badge in a demo database
        st.badge(t("common.demo_badge"), icon=":material/science:", color="orange")
    st.caption(t("district.simulated_note", n=simulated))

# --- the measure, the district mean ---------------------------------------------------------
measures = [m for m in district.MEASURES if m != "contest_best_rank"]
left, right = st.columns([2, 3])
measure = left.selectbox(
    t("district.measure"), measures, key="district_measure", format_func=lambda m: t(f"district.measure.{m}")
)
whole = result.district.iloc[0]
if measure in whole.index:
    right.metric(
        t("district.mean"),
        district_view.measure_text(measure, whole[measure]),
        help=t("district.mean_help"),
        border=True,
    )
st.caption(
    t(
        "district.targets",
        in_grid=fmt.pct(result.targets.get("in_grid_rate"), 0),
        in_community=fmt.pct(result.targets.get("in_community_rate"), 0),
        urgent=fmt.pct(result.targets.get("urgent_in_community_rate"), 0),
    )
)

# --- the towns on a map: a click opens that town's dashboard --------------------------------
st.subheader(t("district.map"))


def drill_from_map() -> None:
    state = st.session_state.get("district_map") or {}
    for picked in (state.get("selection") or {}).get("objects", {}).get(district_charts.LAYER_ID) or []:
        code = picked.get("town_code")
        if code in names:
            district_view.drill_to(code)
            return


def drill_from_list() -> None:
    code = st.session_state.get("district_drill")
    if code in names:
        district_view.drill_to(code)


deck = district_charts.town_deck(towns, measure, english=english)
if deck is not None:
    st.pydeck_chart(
        deck,
        on_select=drill_from_map,
        selection_mode="single-object",
        key="district_map",
        height=district_charts.MAP_HEIGHT,
        alt=t("district.map_alt"),
    )
    st.caption(t("district.map_caption"))
missing = towns[towns["lon"].isna() | towns["lat"].isna()]
if len(missing):
    st.caption(t("district.map_missing", names=listing(names[c] for c in missing["town_code"])))
st.selectbox(
    t("district.drill"),
    list(names),
    index=None,
    key="district_drill",
    format_func=lambda c: names.get(c, c),
    placeholder=t("district.drill_placeholder"),
    help=t("district.drill_help"),
    on_change=drill_from_list,
)

# --- the funnel ------------------------------------------------------------------------------
st.subheader(t("district.funnel", measure=t(f"district.measure.{measure}")))
if measure in district.BANDED:
    st.caption(t("district.funnel.explain"))
    st.plotly_chart(
        district_charts.funnel_plot(result, measure, english=english), key="district_funnel", width="stretch"
    )
else:
    why = "contest" if measure.startswith("contest") else measure
    st.caption(t("district.funnel.none", why=t(f"district.funnel.why.{why}")))

# --- every town in one table ----------------------------------------------------------------
st.subheader(t("district.table"))
district_view.town_table(towns, measure, english=english)
show_sql(district.comparison, filters, scope=scope(), key="district_sql")
