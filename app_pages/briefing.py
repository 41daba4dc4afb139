"""月度简报: the month's findings for the party working committee, on screen and as PDF / PPTX.

Leaders, analysts and admins (app.py's catalogue): the briefing compares every grid and names every
idle pairing; a secretary's own-community view is the showcase."""

import streamlit as st

from analytics import briefing
from analytics.briefing import charts
from ui import briefing_view as view
from ui import data
from ui.contest_view import md
from ui.i18n import lang, t
from ui.session import scope, username

me = scope()
st.title(t("briefing.title"))
head, badge = st.columns([5, 1])
head.caption(t("briefing.caption"))
if data.is_demo():
    badge.badge(t("common.demo_badge"), icon=":material/science:", color="orange", help=t("common.demo_help"))

months = view.months(me)
places = view.place_options(me)
pick_month, pick_place = st.columns(2)
month = pick_month.selectbox(
    t("briefing.month"), months, format_func=view.month_label, key="briefing_month", help=t("briefing.month_help")
)
grid_id = pick_place.selectbox(t("briefing.place"), list(places), format_func=lambda g: places[g], key="briefing_place")

with st.spinner(t("briefing.working")):  # a few seconds at city scale, the first time a month is asked
    b = data.call(briefing.briefing, f"{month:%Y-%m}", grid_id=grid_id, lang=lang(), scope=me)
if not b.has_data:
    st.info(t("briefing.no_data", month=view.month_label(month)), icon=":material/event_busy:")
    st.stop()

with st.container(border=True):
    st.markdown(f"**{t('briefing.downloads')}** · {md(b.place_name)} · {md(b.title)}")
    icons = {"pdf": ":material/picture_as_pdf:", "pptx": ":material/slideshow:"}
    for file_format, column in zip(briefing.FORMATS, st.columns(len(briefing.FORMATS))):
        column.download_button(
            t(f"briefing.download.{file_format}"),
            view.export_callable(b, file_format, username(), me),
            file_name=briefing.file_name(b, file_format),
            mime=briefing.MIME[file_format],
            key=f"briefing_dl_{file_format}",
            icon=icons[file_format],
            on_click="ignore",
            width="stretch",
        )
    st.caption(t("briefing.downloads_help"))

st.subheader(f"{md(b.place_name)} · {md(b.title)}")
st.markdown(f"#### {b.t('headline')}")
for start in range(0, len(b.headline), 4):
    for (caption, value), column in zip(b.headline[start : start + 4], st.columns(4)):
        column.metric(caption, value, border=True)

for section in briefing.SECTIONS:
    st.markdown(f"#### {b.t(f'section.{section}')}")
    found = [(i, f) for i, f in enumerate(b.findings) if f.section == section]
    if not found:
        st.caption(b.t(f"none.{section}"))
        continue
    for i, f in found:
        with st.container(border=True):
            st.markdown(md(f.sentence))
            st.caption(md(f.chart.title))
            # the files' figure, fitted to the screen: its title is the caption above, a phone is narrow
            figure = charts.figure(f.chart, b.lang).update_layout(
                width=None, title=None, margin={"t": 20, "r": 90 if f.chart.target is not None else 20}
            )
            st.plotly_chart(figure, theme=None, key=f"briefing_chart_{i}")

with st.expander(t("briefing.method_title"), icon=":material/info:"):
    st.caption(b.t("method"))
    if b.demo:
        st.caption(b.t("demo_note"))
