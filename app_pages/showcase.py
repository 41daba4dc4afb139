import streamlit as st

from analytics import places, showcase
from analytics.core.errors import DataError
from analytics.showcase import charts, facts
from analytics.showcase.text import label as show_label
from ui import data, fmt
from ui import showcase_view as view
from ui.contest_view import md
from ui.filters import current
from ui.i18n import lang, said, t
from ui.layout import page_header
from ui.session import scope, username

page_header("showcase.title", "showcase.caption")
me = scope()

# --- which community, which period ---------------------------------------------------------------
communities = data.call(places.community_list, scope=me)
names = dict(zip(communities["community_id"], communities["name"]))
own = me.restricted_community
choices = [own] if own else list(names)
periods = view.period_options(current(), me)
pick_community, pick_period = st.columns([2, 3])
community = pick_community.selectbox(
    t("showcase.community"),
    choices,
    format_func=lambda c: names.get(c, c),
    key="showcase_community",
    disabled=bool(own),
    help=t("showcase.community_fixed") if own else None,
)
period_key = pick_period.selectbox(
    t("showcase.period"), list(periods), format_func=lambda k: periods[k][2], key="showcase_period"
)
start, end, _ = periods[period_key]

s = data.call(showcase.content, community, start=start, end=end, lang=lang(), scope=me)
figures = charts.figures(s)

# --- downloads: built on click ---------------------------------------------------------------------
with st.container(border=True):
    st.markdown(f"**{t('showcase.downloads')}** · {md(s.name)} · {md(facts.period_text(s))}")
    icons = {
        "pptx": ":material/slideshow:",
        "pdf": ":material/picture_as_pdf:",
        "png": ":material/image:",
        "html": ":material/language:",
    }
    for file_format, column in zip(showcase.FORMATS, st.columns(len(showcase.FORMATS))):
        column.download_button(
            t(f"showcase.download.{file_format}"),
            view.export_callable(s, file_format, username(), me),
            file_name=showcase.file_name(s, file_format),
            mime=showcase.MIME[file_format],
            key=f"showcase_dl_{file_format}",
            icon=icons[file_format],
            on_click="ignore",
            width="stretch",
        )
    st.caption(t("showcase.downloads_help"))

if not s.totals.get("activities") and not s.grid_work.get("cases"):
    st.info(t("showcase.no_activity"))

# --- the showcase, as the files show it ------------------------------------------------------------
st.subheader(f"{md(s.name)} · {s.t('title')}")  # an imported name: text, not markdown
st.caption(" · ".join([facts.period_text(s), facts.compared_text(s)]))

st.markdown(f"#### {s.t('section.highlights')}")
st.success("\n".join(f"- {md(line)}" for line in s.highlights), icon=":material/star:")

st.markdown(f"#### {s.t('section.profile')}")
profile = facts.profile_facts(s)
for (caption, value), column in zip(profile[:4], st.columns(4)):
    column.metric(caption, value, border=True)
partners = "、".join(facts.partner_names(s)) or s.t("profile.partners_none")
st.markdown(
    "  \n".join(
        [
            " · ".join(f"**{caption}**：{md(value)}" for caption, value in profile[4:]),
            f"**{s.t('profile.partners')}**：{md(partners)}",
        ]
    )
)

st.markdown(f"#### {s.t('section.services')}")
for (caption, value, note), column in zip(facts.service_numbers(s), st.columns(4)):
    column.metric(caption, value, note, border=True, delta_color="off", delta_arrow="off")
left, right = st.columns([3, 2])
with left:
    st.plotly_chart(figures["services"], theme=None, key="showcase_chart_services")
with right:
    for colour, line in facts.colour_lines(s):
        st.markdown(f"**{show_label('colour', colour, s.lang)}**  \n{md(line)}")
if "monthly" in figures:
    st.plotly_chart(figures["monthly"], theme=None, key="showcase_chart_monthly")
left, right = st.columns([3, 2])
if "items" in figures:
    left.plotly_chart(figures["items"], theme=None, key="showcase_chart_items")
right.markdown(f"**{s.t('section.items')}**\n\n" + "\n".join(f"- {md(line)}" for line in facts.item_lines(s)))

st.markdown(f"#### {s.t('section.grid_work')}")
for (caption, value, note), column in zip(facts.grid_numbers(s), st.columns(3)):
    column.metric(caption, value, note or None, border=True, delta_color="off", delta_arrow="off")
if "grid_work" in figures:
    st.plotly_chart(figures["grid_work"], theme=None, key="showcase_chart_grid_work")
else:
    st.caption(s.t("grid.none"))
st.caption(s.t("grid.note"))

if len(s.ranks):
    with st.expander(t("showcase.ranks", unit=t(s.unit)), icon=":material/leaderboard:"):
        for row, column in zip(s.ranks.itertuples(index=False), st.columns(len(s.ranks))):
            column.metric(
                s.t(f"rank.{row.metric}"),
                t(
                    "showcase.rank_value",
                    rank=row.rank,
                    of=row.of,
                    value=showcase.measure_value(row.metric, row.value, s.lang),
                ),
            )

st.markdown(f"#### {s.t('section.contest')}")
left, right = st.columns([3, 2])
if "contest" in figures:
    left.plotly_chart(figures["contest"], theme=None, key="showcase_chart_contest")
right.markdown("\n".join(f"- {md(line)}" for line in facts.contest_lines(s)))

# --- the story -------------------------------------------------------------------------------------
st.markdown(f"#### {s.t('section.story')}")
may_edit = me.role in showcase.STORY_EDITORS
if may_edit and data.writes_elsewhere("replica.settings", what=t("replica.what.story")):
    may_edit = False  # a replica shows the saved story and says where it is changed
# No max_chars: the browser would silently refuse a longer paste. The draft lives in session state
# (view.story_keys), so a rerun or a visit to another page does not lose it.
box, draft, cut = view.story_keys(community)
if not may_edit:
    st.session_state[box] = s.story.story  # a reader always sees the saved text, as others change it
elif box not in st.session_state:
    st.session_state[box] = st.session_state.get(draft, s.story.story)
story = st.text_area(
    t("showcase.story_editor"),
    height=220,
    key=box,
    disabled=not may_edit,
    placeholder=s.t("story.empty"),
    help=t("showcase.story_help", n=showcase.MAX_STORY_CHARS),
    on_change=view.keep_draft,
    args=(community,),
)
if st.session_state.get(cut):
    st.warning(
        t("showcase.story_cut", limit=showcase.MAX_STORY_CHARS, chars=len(st.session_state[cut])),
        icon=":material/content_cut:",
    )
    st.code(st.session_state[cut], language=None, wrap_lines=True)
if may_edit:
    count = t("showcase.story_count", n=len(showcase.clean_story(story)), limit=showcase.MAX_STORY_CHARS)
    unsaved = showcase.clean_story(story) != s.story.story
    st.caption(count + (" · " + t("showcase.story_unsaved") if unsaved else ""))
if s.story.updated_at is not None:
    st.caption(
        t(
            "showcase.story_meta",
            when=fmt.date(s.story.updated_at.date()) + s.story.updated_at.strftime(" %H:%M"),
            who=s.story.updated_by or "—",
        )
    )
if not may_edit:
    st.caption(t("showcase.story_read_only"))
elif st.button(t("showcase.story_save"), key="showcase_story_save", icon=":material/save:", type="primary"):
    try:
        data.write(showcase.set_story, community, story, updated_by=username(), scope=me)
    except DataError as exc:
        st.error(said(exc))
    else:
        st.session_state.pop(draft, None)
        st.session_state.pop(cut, None)
        st.session_state["showcase_story_saved"] = True
        st.rerun()
if st.session_state.pop("showcase_story_saved", False):
    st.toast(t("showcase.story_saved"), icon=":material/check:")

if s.demo:
    st.caption(s.t("demo_note"))
