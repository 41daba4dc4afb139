"""The showcase page (擂台展示) under AppTest."""

import pytest

from analytics import showcase
from analytics.access import audit
from analytics.showcase.text import number, pct
from tests.app.helpers import assert_clean, run_page

PAGE = "app_pages/showcase.py"


def _app_connection():
    from ui import data  # the app's own connection: DuckDB allows one configuration per file per process

    return data.connection()


def _metric(at, label):
    return next(m for m in at.metric if m.label == label)


@pytest.mark.slow
def test_leader_sees_a_community_with_downloads(app_db):
    at = run_page(PAGE)
    assert_clean(at)
    assert at.title[0].value.startswith("擂台展示")
    assert [b.label for b in at.download_button] == ["演示文稿 PPT", "A4 简报 PDF", "微信海报 PNG", "离线网页 HTML"]
    assert not at.selectbox(key="showcase_community").disabled
    assert len(at.selectbox(key="showcase_community").options) == 35
    labels = [m.label for m in at.metric]
    for wanted in ("常住人口", "服务居民人次", "小事不出网格率", "急事不出社区率"):
        assert wanted in labels
    assert at.success  # the highlights
    assert at.text_area(key="showcase_story_C01").value == ""


@pytest.mark.slow
def test_the_page_shows_the_numbers_the_files_print(app_db):
    at = run_page(PAGE, session_state={"auth_demo_role": "secretary", "auth_demo_community": "C30"})
    assert_clean(at)
    assert at.selectbox(key="showcase_period").value == "filters"
    period = at.session_state["filters"]
    s = showcase.content(_app_connection(), "C30", start=period.start, end=period.end)
    assert _metric(at, "服务居民人次").value == number(s.totals["participants"])
    assert _metric(at, "小事不出网格率").value == pct(s.grid_work["in_grid_rate"])
    shown = at.success[0].value.replace("\\", "")  # markdown escapes taken out
    assert all(line in shown for line in s.highlights)


def test_a_secretary_is_fixed_to_her_own_community(app_db):
    at = run_page(PAGE, session_state={"auth_demo_role": "secretary", "auth_demo_community": "C30"})
    assert_clean(at)
    picker = at.selectbox(key="showcase_community")
    assert picker.disabled and picker.options == ["鹤北新村第一居民区"] and picker.value == "C30"
    assert at.subheader[0].value.startswith("鹤北新村第一居民区")


@pytest.mark.slow
def test_story_is_saved_from_the_page(app_db):
    at = run_page(PAGE, session_state={"auth_demo_role": "secretary", "auth_demo_community": "C30"})
    at.text_area(key="showcase_story_C30").set_value("楼组长带着志愿者，一年服务居民近六千人次。<b>x</b>").run()
    at.button(key="showcase_story_save").click().run()
    assert_clean(at)
    con = _app_connection()
    assert showcase.get_story(con, "C30").story == "楼组长带着志愿者，一年服务居民近六千人次。<b>x</b>"
    last = audit.recent(con).iloc[0]
    assert (last["action"], last["username"]) == ("story_edit", "demo:secretary")
    assert any("上次保存" in c.value for c in at.caption)


@pytest.mark.slow
def test_analyst_reads_but_does_not_edit_the_story(app_db):
    at = run_page(PAGE, session_state={"auth_demo_role": "analyst"})
    assert_clean(at)
    assert at.text_area(key="showcase_story_C01").disabled
    assert not [b for b in at.button if b.key == "showcase_story_save"]


@pytest.mark.slow
def test_a_contest_window_as_the_period(app_db):
    at = run_page(PAGE)
    at.selectbox(key="showcase_period").set_value("R2024").run()
    assert_clean(at)
    assert any("2023年11月20日 至 2024年11月19日" in c.value for c in at.caption)


def test_showcase_in_english(app_db):
    at = run_page(PAGE, session_state={"lang": "en"})
    assert_clean(at)
    assert at.title[0].value.startswith("Showcase")
    assert "Residents served" in [m.label for m in at.metric]
    assert at.download_button[0].label == "Slides (PPTX)"


def test_an_imported_community_name_shows_as_text(app_db):
    """Community names come from imported files: the page's heading shows them as text, no link."""
    from analytics import db

    con = db.connect(app_db)
    con.execute("""INSERT INTO communities SELECT * REPLACE ('C99' AS community_id, '[x](http://e.com)北街' AS name)
                   FROM communities WHERE community_id = 'C01'""")
    con.close()
    at = run_page(PAGE, session_state={"showcase_community": "C99"})
    assert_clean(at)
    heading = at.subheader[0].value
    assert "北街" in heading and "[x](" not in heading


SECRETARY = {"auth_demo_role": "secretary", "auth_demo_community": "C30"}


def test_a_paste_over_the_limit_is_cut_with_a_notice_and_the_rest_kept(app_db):
    at = run_page(PAGE, session_state=SECRETARY)
    head, tail = "甲" * showcase.MAX_STORY_CHARS, "乙" * 95
    at.text_area(key="showcase_story_C30").set_value(head + tail).run()
    assert_clean(at)
    assert at.text_area(key="showcase_story_C30").value == head
    assert any("多出的 95 字" in w.value for w in at.warning)
    assert [c.value for c in at.code] == [tail]
    at.button(key="showcase_story_save").click().run()
    assert_clean(at)
    assert showcase.get_story(_app_connection(), "C30").story == head
    assert not at.code and not any("多出" in w.value for w in at.warning)


def test_a_draft_outlives_a_visit_to_another_page(app_db):
    at = run_page(PAGE, session_state=SECRETARY)
    at.text_area(key="showcase_story_C30").set_value("还没保存的草稿").run()
    assert any("有未保存的修改" in c.value for c in at.caption)
    at.switch_page("app_pages/overview.py").run()
    assert_clean(at)
    assert not [a for a in at.text_area if a.key == "showcase_story_C30"]
    at.switch_page(PAGE).run()
    assert_clean(at)
    assert at.text_area(key="showcase_story_C30").value == "还没保存的草稿"
    assert showcase.get_story(_app_connection(), "C30").story == ""  # a draft, not saved behind her back
