"""A replica of a district deployment (JIANGCHUAN_LAKE) reads the lake and writes no data: every form that
would change data says in Chinese where such changes are made instead of failing on the read-only lake,
and what lives in the shared store (saved console queries) is saved there as on one server."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics import cases
from analytics.access import Scope
from analytics.core.errors import DataError
from analytics.explore import saved
from analytics.lake import derive, export
from tests.app.helpers import assert_clean, run_page
from ui import data

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lake(demo_db_path: Path, tmp_path_factory) -> Path:
    folder = tmp_path_factory.mktemp("replica") / "lake"
    export.export(demo_db_path, folder)
    derive.refresh(folder, engine="duckdb")
    return folder


@pytest.fixture
def replica(lake: Path, monkeypatch, tmp_path: Path) -> Path:
    """This test's app serves the lake read-only; the database file it would otherwise make must stay unmade."""
    never = tmp_path / "never-made.duckdb"
    monkeypatch.setenv("JIANGCHUAN_LAKE", str(lake))
    monkeypatch.setenv("JIANGCHUAN_DB", str(never))
    yield never
    assert not never.exists()


def test_a_replica_saves_console_queries_in_the_shared_store(replica):
    at = run_page("app_pages/explorer.py", session_state={"auth_demo_role": "analyst"})
    at.segmented_control(key="explorer_section").set_value("console").run()
    at.text_area(key="explorer_sql").set_value("SELECT name FROM grids ORDER BY grid_id").run()
    at.text_input(key="explorer_save_name").set_value("七个网格").run()
    at.button(key="explorer_save").click().run()
    assert_clean(at)
    assert "七个网格" in at.selectbox(key="explorer_saved").options
    assert saved.saved_queries()["sql"].tolist() == ["SELECT name FROM grids ORDER BY grid_id"]
    at.selectbox(key="explorer_saved").set_value("七个网格").run()
    at.button(key="explorer_delete").click().run()
    assert_clean(at)
    assert saved.saved_queries().empty


REPLICA = "区级部署中的一个副本，只读数据湖"


def _said(at, *words: str) -> bool:
    return any(REPLICA in i.value and all(w in i.value for w in words) for i in at.info)


def test_the_entry_page_sends_entries_to_the_ledger(replica):
    at = run_page("app_pages/entry.py", session_state={"auth_demo_role": "secretary", "auth_demo_community": "C30"})
    assert_clean(at)
    assert _said(at, "不能在这里录入", "台账", "唯一写入端")
    assert not [b for b in at.button if b.key and b.key.startswith("entry_")]


def test_an_admin_on_a_replica_is_told_where_targets_and_deadlines_change(replica):
    at = run_page("app_pages/cases.py", session_state={"auth_demo_role": "admin"})
    assert_clean(at)
    assert _said(at, "目标值", "区级管理员") and _said(at, "办结时限", "区级管理员")
    keys = {b.key for b in at.button}
    assert not keys & {"cases_target_save", "cases_target_reset", "overdue_form_save", "overdue_remove"}
    assert at.metric  # the page itself is drawn from the lake


def test_the_showcase_story_is_read_only_on_a_replica(replica):
    at = run_page("app_pages/showcase.py", session_state={"auth_demo_role": "secretary", "auth_demo_community": "C30"})
    assert_clean(at)
    assert _said(at, "擂台展示的故事")
    assert at.text_area(key="showcase_story_C30").disabled
    assert "showcase_story_save" not in {b.key for b in at.button}


def test_grid_boundaries_are_not_uploaded_to_a_replica(replica):
    at = run_page("app_pages/grid_map.py", session_state={"auth_demo_role": "admin"})
    assert_clean(at)
    assert _said(at, "网格边界")
    assert not at.get("file_uploader")


def test_a_write_that_reaches_a_replica_is_refused_in_words(replica):
    """The pages offer no form on a replica; anything that still calls data.write is told why, not handed
    DuckDB's read-only error."""
    with pytest.raises(DataError) as refused:
        data.write(cases.set_target, "in_grid_rate", 0.5, set_by="admin", scope=Scope("admin"))
    assert REPLICA in str(refused.value) and "写入端" in str(refused.value)
