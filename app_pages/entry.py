import streamlit as st

from analytics.ingest import entry
from ui import data, entry_view
from ui.i18n import label, t
from ui.layout import page_header
from ui.session import scope

page_header("entry.title")
who = scope()  # app.py lists this page for grid workers, secretaries and administrators; analytics checks again
if not entry.may_enter(who):
    st.warning(t("entry.not_allowed_role"))
    st.stop()
if data.is_demo():
    st.info(t("entry.demo"), icon=":material/science:")
    st.stop()

entry_view.touch_sized()
st.caption(t("entry.intro"))
entry_view.flash()
places = entry_view.communities()
names = entry_view.community_names(places)
case_tab, activity_tab, close_tab = st.tabs([t("entry.tab.case"), t("entry.tab.activity"), t("entry.tab.close")])

CASE_KEYS = ("entry_case_category", "entry_case_reported", "entry_case_urgent", "entry_case_description")
with case_tab, st.form("entry_case_form", border=False):
    community = st.selectbox(t("entry.community"), list(names), format_func=names.get, key="entry_case_community")
    category = st.selectbox(
        t("entry.category"),
        entry_view.codes("category"),
        format_func=lambda c: label("category", c),
        index=None,
        placeholder=t("entry.category"),
        key="entry_case_category",
    )
    reported = st.text_input(
        t("entry.reported_at"), t("entry.today"), help=t("entry.when_help"), key="entry_case_reported"
    )
    urgent = st.toggle(t("entry.urgent"), key="entry_case_urgent")
    description = st.text_area(
        t("entry.description"), help=t("entry.description_help"), height=90, key="entry_case_description"
    )
    if st.form_submit_button(t("entry.submit_case"), type="primary", width="stretch", key="entry_case_submit"):
        entry_view.submit(
            entry.add_case,
            "entry.done_case",
            CASE_KEYS,
            community=community,
            category=category or "",
            reported=reported,
            urgent=urgent,
            description=description,
        )

ACTIVITY_KEYS = (
    "entry_activity_item",
    "entry_activity_held_on",
    "entry_activity_partner",
    "entry_activity_participants",
    "entry_activity_volunteers",
    "entry_activity_hours",
)
with activity_tab, st.form("entry_activity_form", border=False):
    items, partners = entry_view.items(), entry_view.partners()
    community = st.selectbox(t("entry.community"), list(names), format_func=names.get, key="entry_activity_community")
    item = st.selectbox(
        t("entry.item"),
        list(items),
        format_func=items.get,
        index=None,
        placeholder=t("entry.item"),
        key="entry_activity_item",
    )
    held_on = st.text_input(
        t("entry.held_on"), t("entry.today"), help=t("entry.when_help"), key="entry_activity_held_on"
    )
    partner = st.selectbox(
        t("entry.partner"),
        [None, *partners],
        format_func=lambda p: t("entry.no_partner") if p is None else partners[p],
        key="entry_activity_partner",
    )
    participants = st.number_input(
        t("entry.participants"), min_value=0, step=1, value=None, key="entry_activity_participants"
    )
    volunteers = st.number_input(
        t("entry.volunteers"), min_value=0, step=1, value=None, key="entry_activity_volunteers"
    )
    hours = st.number_input(t("entry.volunteer_hours"), min_value=0.0, step=0.5, value=None, key="entry_activity_hours")
    if st.form_submit_button(t("entry.submit_activity"), type="primary", width="stretch", key="entry_activity_submit"):
        entry_view.submit(
            entry.add_activity,
            "entry.done_activity",
            ACTIVITY_KEYS,
            community=community,
            item=item or "",
            held_on=held_on,
            partner=partner,
            participants=participants,
            volunteers=volunteers,
            volunteer_hours=hours,
        )

CLOSE_KEYS = ("entry_close_case", "entry_close_level", "entry_close_closed", "entry_close_satisfaction")
with close_tab:
    matters = entry_view.open_matters()
    if not matters:
        st.info(t("entry.no_open"))
    else:
        with st.form("entry_close_form", border=False):
            case = st.selectbox(t("entry.open_case"), list(matters), format_func=matters.get, key="entry_close_case")
            level = st.selectbox(
                t("entry.level"),
                entry_view.codes("level"),
                format_func=lambda c: label("level", c),
                key="entry_close_level",
            )
            closed = st.text_input(
                t("entry.closed_at"), t("entry.today"), help=t("entry.when_help"), key="entry_close_closed"
            )
            satisfaction = st.segmented_control(
                t("entry.satisfaction"),
                ["1", "2", "3", "4", "5"],
                help=t("entry.satisfaction_help"),
                key="entry_close_satisfaction",
            )
            if st.form_submit_button(
                t("entry.submit_close"), type="primary", width="stretch", key="entry_close_submit"
            ):
                entry_view.submit(
                    entry.close_case,
                    "entry.done_close",
                    CLOSE_KEYS,
                    case_id=case,
                    level=level,
                    closed=closed,
                    satisfaction=satisfaction,
                )
