import streamlit as st

from analytics.ingest import entry
from ui import data, entry_view
from ui.entry_view import value
from ui.i18n import label, t
from ui.layout import page_header
from ui.session import scope

page_header("entry.title")
who = scope()  # app.py lists this page for grid workers, secretaries and administrators; analytics checks again
if not entry.may_enter(who):
    st.warning(t("entry.not_allowed_role"))
    st.stop()
if data.writes_elsewhere("replica.entry"):
    st.stop()
if data.is_demo():
    st.info(t("entry.demo"), icon=":material/science:")
    st.stop()

entry_view.touch_sized()
st.caption(t("entry.intro"))
entry_view.flash()
places = entry_view.communities()
names = entry_view.community_names(places)
today = t("entry.today")
# A keyed tab bar remembers where she was: closing five matters in a row stays on 办结事务.
case_tab, activity_tab, close_tab = st.tabs(
    [t("entry.tab.case"), t("entry.tab.activity"), t("entry.tab.close")], key="entry_tab", on_change="rerun"
)

with case_tab, st.form("entry_case_form", border=False):
    st.selectbox(t("entry.community"), list(names), format_func=names.get, key="entry_case_community")
    st.selectbox(
        t("entry.category"),
        entry_view.codes("category"),
        format_func=lambda c: label("category", c),
        index=None,
        placeholder=t("entry.category"),
        key="entry_case_category",
    )
    st.text_input(t("entry.reported_at"), today, help=t("entry.when_help"), key="entry_case_reported")
    st.toggle(t("entry.urgent"), key="entry_case_urgent")
    st.text_area(t("entry.description"), help=t("entry.description_help"), height=90, key="entry_case_description")
    st.form_submit_button(
        t("entry.submit_case"),
        type="primary",
        width="stretch",
        key="entry_case_submit",
        on_click=entry_view.on_submit,
        args=(
            "entry_case",
            entry.add_case,
            "entry.done_case",
            lambda: {
                "community": value("entry_case_community"),
                "category": value("entry_case_category") or "",
                "reported": value("entry_case_reported"),
                "urgent": bool(value("entry_case_urgent")),
                "description": value("entry_case_description"),
            },
            lambda: {
                "entry_case_category": None,
                "entry_case_reported": today,
                "entry_case_urgent": False,
                "entry_case_description": "",
            },
        ),
    )
    entry_view.problems("entry_case")

with activity_tab, st.form("entry_activity_form", border=False):
    items, partners = entry_view.items(), entry_view.partners()
    st.selectbox(t("entry.community"), list(names), format_func=names.get, key="entry_activity_community")
    st.selectbox(
        t("entry.item"),
        list(items),
        format_func=items.get,
        index=None,
        placeholder=t("entry.item"),
        key="entry_activity_item",
    )
    st.text_input(t("entry.held_on"), today, help=t("entry.when_help"), key="entry_activity_held_on")
    st.selectbox(
        t("entry.partner"),
        [None, *partners],
        format_func=lambda p: t("entry.no_partner") if p is None else partners[p],
        key="entry_activity_partner",
    )
    st.number_input(t("entry.participants"), min_value=0, step=1, value=None, key="entry_activity_participants")
    st.number_input(t("entry.volunteers"), min_value=0, step=1, value=None, key="entry_activity_volunteers")
    st.number_input(t("entry.volunteer_hours"), min_value=0.0, step=0.5, value=None, key="entry_activity_hours")
    st.form_submit_button(
        t("entry.submit_activity"),
        type="primary",
        width="stretch",
        key="entry_activity_submit",
        on_click=entry_view.on_submit,
        args=(
            "entry_activity",
            entry.add_activity,
            "entry.done_activity",
            lambda: {
                "community": value("entry_activity_community"),
                "item": value("entry_activity_item") or "",
                "held_on": value("entry_activity_held_on"),
                "partner": value("entry_activity_partner"),
                "participants": value("entry_activity_participants"),
                "volunteers": value("entry_activity_volunteers"),
                "volunteer_hours": value("entry_activity_hours"),
            },
            lambda: {
                "entry_activity_item": None,
                "entry_activity_held_on": today,
                "entry_activity_partner": None,
                "entry_activity_participants": None,
                "entry_activity_volunteers": None,
                "entry_activity_hours": None,
            },
        ),
    )
    entry_view.problems("entry_activity")

with close_tab:
    matters = entry_view.open_matters()
    if not matters:
        st.info(t("entry.no_open"))
    else:
        with st.form("entry_close_form", border=False):
            st.selectbox(t("entry.open_case"), list(matters), format_func=matters.get, key="entry_close_case")
            st.selectbox(
                t("entry.level"),
                entry_view.codes("level"),
                format_func=lambda c: label("level", c),
                key="entry_close_level",
            )
            st.text_input(t("entry.closed_at"), today, help=t("entry.when_help"), key="entry_close_closed")
            st.segmented_control(
                t("entry.satisfaction"),
                ["1", "2", "3", "4", "5"],
                help=t("entry.satisfaction_help"),
                key="entry_close_satisfaction",
            )
            st.form_submit_button(
                t("entry.submit_close"),
                type="primary",
                width="stretch",
                key="entry_close_submit",
                on_click=entry_view.on_submit,
                args=(
                    "entry_close",
                    entry.close_case,
                    "entry.done_close",
                    lambda: {
                        "case_id": value("entry_close_case"),
                        "level": value("entry_close_level"),
                        "closed": value("entry_close_closed"),
                        "satisfaction": value("entry_close_satisfaction"),
                    },
                    lambda: {
                        **entry_view.next_open(),
                        "entry_close_closed": today,
                        "entry_close_satisfaction": None,
                    },
                ),
            )
            entry_view.problems("entry_close")
