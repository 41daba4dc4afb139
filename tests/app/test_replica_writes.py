"""A replica of a district deployment (JIANGCHUAN_LAKE) reads the lake and writes no data: every form that
would change data says in Chinese where such changes are made instead of failing on the read-only lake,
and what lives in the shared store (saved console queries) is saved there as on one server."""

from __future__ import annotations

from pathlib import Path

import pytest

from analytics.explore import saved
from analytics.lake import derive, export
from tests.app.helpers import assert_clean, run_page

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
