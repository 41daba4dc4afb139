"""The monthly briefing page (月度简报) under AppTest: the findings on screen are the briefing's own, the
month and place pickers change them, a month without data says so, and secretaries are sent away."""

from __future__ import annotations

import datetime as dt

import duckdb
import pytest

from analytics import briefing, refresh
from tests.app.helpers import assert_clean, run_page

PAGE = "app_pages/briefing.py"


def _app_connection():
    from ui import data  # the app's own connection: DuckDB allows one configuration per file per process

    return data.connection()


def _shown(at) -> str:
    return "\n".join(m.value.replace("\\", "") for m in at.markdown)


@pytest.mark.slow
def test_a_leader_reads_the_month_the_command_writes(app_db):
    at = run_page(PAGE)
    assert_clean(at)
    assert at.title[0].value == "月度简报"
    assert [b.label for b in at.download_button] == ["PDF（A4）", "PPT（16:9）"]
    month = at.selectbox(key="briefing_month")
    assert month.value == dt.date(2024, 12, 1) and month.options[:2] == ["2024年12月", "2024年11月"]
    month.set_value(dt.date(2024, 11, 1)).run()
    assert_clean(at)
    b = briefing.briefing(_app_connection(), "2024-11")
    shown = _shown(at)
    assert b.findings and all(f.sentence in shown for f in b.findings)
    assert len(at.get("plotly_chart")) == len(b.findings)
    for caption, value in b.headline:
        assert next(m for m in at.metric if m.label == caption).value == value


@pytest.mark.slow
def test_a_grid_briefing_and_the_quiet_sections(app_db):
    at = run_page(PAGE)
    at.selectbox(key="briefing_month").set_value(dt.date(2024, 6, 1))
    at.selectbox(key="briefing_place").set_value("G1").run()
    assert_clean(at)
    assert "北街河东片区网格" in at.subheader[0].value
    b = briefing.briefing(_app_connection(), "2024-06", grid_id="G1")
    captions = "\n".join(c.value for c in at.caption)
    for section in briefing.SECTIONS:
        if not b.section(section):
            assert b.t(f"none.{section}") in captions


def test_a_month_without_data_says_so(app_db):
    con = duckdb.connect(str(app_db))
    try:  # June 2024 emptied: the months around it keep the picker's range
        con.execute("DELETE FROM seed_activities WHERE held_on >= DATE '2024-06-01' AND held_on < DATE '2024-07-01'")
        con.execute(
            "DELETE FROM grid_cases WHERE reported_at >= TIMESTAMP '2024-06-01' AND reported_at < TIMESTAMP '2024-07-01'"
        )
        refresh.refresh(con)
    finally:
        con.close()
    at = run_page(PAGE)
    at.selectbox(key="briefing_month").set_value(dt.date(2024, 6, 1)).run()
    assert_clean(at)
    assert "2024年6月没有任何服务活动或网格事务记录" in at.info[0].value
    assert not at.download_button and not at.get("plotly_chart")


def test_secretaries_are_sent_to_their_showcase(app_db):
    at = run_page(PAGE, session_state={"auth_demo_role": "secretary", "auth_demo_community": "C30"})
    assert_clean(at)
    assert "只对" in at.warning[0].value
    assert not at.metric and not at.download_button


def test_the_page_speaks_english(app_db):
    at = run_page(PAGE, session_state={"lang": "en"})
    assert_clean(at)
    assert at.title[0].value == "Monthly briefing"
    assert [b.label for b in at.download_button] == ["PDF (A4)", "Slides (16:9)"]


def test_a_download_is_built_on_click_and_recorded(app_db):
    from analytics.access import Scope, audit
    from ui import briefing_view

    run_page(PAGE)  # the app's connection to the private copy
    b = briefing.briefing(_app_connection(), "2024-06", grid_id="G1")
    body = briefing_view.export_callable(b, "pptx", "leader1", Scope("leader"))()
    assert body[:2] == b"PK"  # a PPTX is a zip
    events = audit.recent(_app_connection())
    assert "briefing G1 2024-06 pptx" in set(events[events["action"] == "export"]["detail"])
