"""Every statement the overview, grid map, seeds, cases and contest pages run — for a leader and for
the demo secretary (C30), through the rollups and from the raw tables — executed on a local Spark over
the same tables, with DuckDB's answer (issue #20, item 5).

The pages run under streamlit's AppTest, so every query a page makes is caught, whichever function
makes it (tests/spark/capture.py)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from analytics.core import connection
from tests.app.helpers import assert_clean, run_page
from tests.spark.answers import load_tables
from tests.spark.capture import Recorder, Seen, differing, stale

pytestmark = [pytest.mark.spark, pytest.mark.slow]

PAGES = (
    "app_pages/overview.py",
    "app_pages/grid_map.py",
    "app_pages/seeds.py",
    "app_pages/cases.py",
    "app_pages/contest.py",
)
VIEWERS = {
    "leader": {"auth_demo_role": "leader"},
    "secretary C30": {"auth_demo_role": "secretary", "auth_demo_community": "C30"},
}


@pytest.fixture(scope="module")
def statements(demo_db_path, tmp_path_factory) -> Iterator[Seen]:
    folder = tmp_path_factory.mktemp("pages-on-spark")
    with Recorder() as recorder, pytest.MonkeyPatch.context() as monkeypatch:
        for source in ("rollups", "raw"):
            path = folder / f"{source}.duckdb"
            shutil.copy(demo_db_path, path)
            if source == "raw":
                stale(path)
            monkeypatch.setenv(connection.ENV_DB_PATH, str(path))
            for viewer, state in VIEWERS.items():
                for page in PAGES:
                    recorder.where = f"{source} / {viewer} / {Path(page).stem}"
                    at = run_page(page, session_state=dict(state), timeout=180)
                    assert_clean(at)
    yield recorder.seen


def test_every_statement_of_the_pages_gives_duckdbs_answer_on_spark(spark, statements, demo_db_path, tmp_path):
    con = duckdb.connect(str(demo_db_path), read_only=True)
    load_tables(spark, con, tmp_path)
    failures = differing(spark, con, statements, "the subdistrict's pages")
    con.close()
    assert len(statements) > 100, "the pages ran far fewer statements than they do"
    assert not failures, "\n\n".join(failures)
