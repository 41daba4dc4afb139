"""A replica serves a lake (analytics.lake.serving, JIANGCHUAN_LAKE): the lake's tables as views and its
current derived tables loaded, so the pages give the database file's answers — from the rollups while
the derived tables were built from the lake's current facts, from the facts otherwise."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analytics import cases, grids, overview, seeds
from analytics.contest import scoring
from analytics.core import connection as db
from analytics.core.hierarchy import JIANGCHUAN
from analytics.core.scope import Scope
from analytics.filters import Filters
from analytics.lake import derive, export, load, serving
from analytics.warehouse import rollups
from tests.app.helpers import assert_clean, run_page
from tests.unit.ingest_helpers import CASE_HEADER, case_rows, write_csv

CALLS = [
    (overview.headline, {}),
    (cases.resolution, {}),
    (seeds.uptake, {}),
    (seeds.item_ranking, {}),
    (grids.grid_summary, {}),
]


@pytest.fixture
def lake_dir(demo_db_path: Path, tmp_path: Path) -> Path:
    folder = tmp_path / "lake"
    export.export(demo_db_path, folder)
    return folder


def _answers(con, scope=None):
    return [fn(con, Filters(), scope=scope, **kw) for fn, kw in CALLS]


def _same(a, b) -> None:
    for x, y in zip(a, b, strict=True):
        if hasattr(x, "equals"):
            assert x.reset_index(drop=True).equals(y.reset_index(drop=True)), (x, y)
        else:
            assert x == y


def test_a_refreshed_lake_is_served_from_its_derived_tables_with_the_files_answers(demo_db_path, lake_dir):
    derive.refresh(lake_dir, engine="duckdb")
    con = serving.connect(lake_dir)
    assert rollups.ready(con) and scoring.rankings_current(con)
    file = db.connect(demo_db_path, read_only=True)
    try:
        for scope in (None, Scope("secretary", "C30")):
            _same(_answers(con, scope), _answers(file, scope))
    finally:
        file.close()


def test_a_lake_without_current_derived_tables_is_served_from_its_facts(demo_db_path, lake_dir):
    con = serving.connect(lake_dir)
    assert serving.derived_folder(lake_dir) is None and not rollups.ready(con)
    file = db.connect(demo_db_path, read_only=True)
    try:
        _same(_answers(con), _answers(file))
    finally:
        file.close()


def test_an_import_makes_the_derived_tables_stale_until_the_next_refresh(demo_db_path, lake_dir, tmp_path):
    # the importer refuses to mix ledgers into the demo world: this lake stands for a real one
    real = tmp_path / "real.duckdb"
    shutil.copy(demo_db_path, real)
    con = db.connect(real)
    con.execute("UPDATE app_meta SET value = 'imported' WHERE key = 'world'")
    con.close()
    export.export(real, lake_dir)
    derive.refresh(lake_dir, engine="duckdb")
    first = serving.generation(lake_dir)
    ledger = write_csv(tmp_path / "cases.csv", [CASE_HEADER, *case_rows(3, prefix="LS")])
    assert not load.import_ledger(lake_dir, JIANGCHUAN, "grid_cases", ledger).report.errors
    second = serving.generation(lake_dir)
    assert second != first and serving.derived_folder(lake_dir) is None
    stale = serving.connect(lake_dir)
    assert (
        not rollups.ready(stale)
        and stale.execute("SELECT count(*) FROM grid_cases WHERE case_id LIKE 'LS%'").fetchone()[0] == 3
    )
    derive.refresh(lake_dir, engine="duckdb")
    assert serving.generation(lake_dir) not in (first, second) and rollups.ready(serving.connect(lake_dir))


def test_the_app_serves_a_lake(demo_db_path, lake_dir, monkeypatch, tmp_path):
    derive.refresh(lake_dir, engine="duckdb")
    monkeypatch.setenv("JIANGCHUAN_LAKE", str(lake_dir))
    monkeypatch.setenv("JIANGCHUAN_DB", str(tmp_path / "never-made.duckdb"))
    monkeypatch.setenv("JIANGCHUAN_ACCOUNTS", str(tmp_path / "accounts.json"))
    for page in ("app_pages/overview.py", "app_pages/cases.py", "app_pages/seeds.py", "app_pages/contest.py"):
        at = run_page(page)
        assert_clean(at)
        assert at.metric
    assert not (tmp_path / "never-made.duckdb").exists()  # a replica builds nothing


def test_a_replica_sends_ledgers_to_the_lake_s_writer(lake_dir, monkeypatch, tmp_path):
    monkeypatch.setenv("JIANGCHUAN_LAKE", str(lake_dir))
    monkeypatch.setenv("JIANGCHUAN_DB", str(tmp_path / "never-made.duckdb"))
    monkeypatch.setenv("JIANGCHUAN_ACCOUNTS", str(tmp_path / "accounts.json"))
    at = run_page("app_pages/data_import.py", session_state={"auth_demo_role": "admin"})
    assert_clean(at)
    assert "只读数据湖" in at.info[0].value and not at.get("file_uploader")
