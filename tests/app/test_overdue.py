"""The watch list (超期预警) on 网格事务 and a secretary's overview, the 按期办结率 tile, and the deadline
settings: the numbers are the analysis functions', a secretary sees only hers, an admin's new deadline
changes what is overdue at once and is audited."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from analytics import overdue
from analytics.access import audit
from analytics.core.filters import Filters
from analytics.core.scope import Scope
from tests.app.helpers import assert_clean, run_page
from ui import data

CASES = "app_pages/cases.py"
OVERVIEW = "app_pages/overview.py"


def metric(at, label: str) -> str:
    return next(m for m in at.metric if m.label == label).value


def table_with(at, column: str) -> pd.DataFrame:
    tables = [frame.value for frame in at.dataframe if column in frame.value.columns]
    assert len(tables) == 1, [list(t.columns) for t in tables]
    return tables[0]


def expected(scope: Scope | None) -> pd.Series:
    """The totals from the analysis function, on the app's own connection (it holds the file)."""
    return overdue.holders(data.connection(), Filters(), scope, by=()).iloc[0]


@pytest.mark.slow
def test_the_watch_list_on_grid_work_for_a_leader(app_db):
    at = run_page(CASES)
    assert_clean(at)
    total = expected(Scope("leader"))
    assert any(s.value.startswith("超期预警") for s in at.subheader)
    assert metric(at, "已超期") == f"{int(total['overdue']):,}"
    assert metric(at, "7 天内到期") == f"{int(total['due_soon']):,}"
    assert metric(at, "按期办结率").endswith("%")
    holders = table_with(at, "最长超期天数")
    assert holders["已超期"].sum() == total["overdue"]
    listed = table_with(at, "到期时间")
    assert len(listed) == total["overdue"] + total["due_soon"]
    assert set(listed["状态"]) <= {"已超期", "即将到期"}
    assert {"事务编号", "网格", "居民区", "类别", "超期天数"} <= set(listed.columns)
    for personal in ("reporter_name", "reporter_phone", "description"):
        assert personal not in listed.columns
    deadlines = table_with(at, "时限来源")
    assert len(deadlines) == len(overdue.DEFAULT_DEADLINES)
    assert any("仅管理员可修改办理时限" in c.value for c in at.caption)


@pytest.mark.slow
def test_a_secretary_sees_only_her_matters_on_both_pages(app_db):
    mine = expected(Scope("secretary", "C30"))
    for page in (CASES, OVERVIEW):
        at = run_page(page, session_state={"auth_demo_role": "secretary", "auth_demo_community": "C30"})
        assert_clean(at)
        assert any(s.value == "超期预警（本居民区 · 鹤北一居）" for s in at.subheader)
        assert metric(at, "已超期") == f"{int(mine['overdue']):,}"
        listed = table_with(at, "到期时间")
        assert len(listed) == mine["overdue"] + mine["due_soon"]
        assert "网格" not in listed.columns and "居民区" not in listed.columns  # all hers
        assert not [t for t in at.dataframe if "最长超期天数" in t.value.columns]  # no table of holders
    hers = overdue.overdue_matters(data.connection(), Filters(), Scope("secretary", "C30"))
    assert set(listed["事务编号"]) == set(hers["case_id"])
    assert set(hers["community_id"]) == {"C30"}


@pytest.mark.slow
def test_an_admin_sets_a_deadline_and_what_is_overdue_changes(app_db):
    at = run_page(CASES, session_state={"auth_demo_role": "admin"})
    assert_clean(at)
    before = int(metric(at, "已超期").replace(",", ""))
    at.selectbox(key="overdue_form_category").set_value("service_proxy")
    at.selectbox(key="overdue_form_urgent").set_value(False)
    at.number_input(key="overdue_form_days").set_value(1)
    at.date_input(key="overdue_form_from").set_value(dt.date(2000, 1, 1))
    at.button(key="overdue_form_save").click().run()
    assert_clean(at)
    after = int(metric(at, "已超期").replace(",", ""))
    # one day for every proxy service: those due within the week (10 days, so 3 or more days old) are late
    assert after > before
    history = table_with(at, "停用日期")
    assert history.iloc[0]["时限（天）"] == 1 and history.iloc[0]["时限来源"] == "管理员设置"
    events = audit.recent()
    assert (events["action"] == "set_deadline").sum() == 1
    assert expected(None)["overdue"] == after


@pytest.mark.slow
def test_an_analyst_reads_counts_per_grid_and_no_matter(app_db):
    at = run_page(CASES, session_state={"auth_demo_role": "analyst"})
    assert_clean(at)
    total = expected(None)
    assert metric(at, "已超期") == f"{int(total['overdue']):,}"
    by_grid = table_with(at, "最长超期天数")
    assert "居民区" not in by_grid.columns and by_grid["已超期"].sum() == total["overdue"]
    assert not [t for t in at.dataframe if "到期时间" in t.value.columns]
    assert any("只对领导和居民区书记显示" in c.value for c in at.caption)


@pytest.mark.slow
def test_in_english(app_db):
    at = run_page(CASES, session_state={"lang": "en"})
    assert_clean(at)
    assert "Closed within deadline" in [m.label for m in at.metric]
    assert any(s.value.startswith("Overdue matters") for s in at.subheader)
