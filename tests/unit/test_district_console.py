"""The analysts' console for an account bound to a 街镇: its query runs on a copy holding that town's
rows alone (and masked as the role's copy is), so no SQL reaches another town."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from analytics import db
from analytics.access import Scope
from analytics.core.hierarchy import JIANGCHUAN
from analytics.demo import generate as demo
from analytics.explore import console

GUMEI = "310112006"


@pytest.fixture(scope="module")
def district_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("district_console") / "two_towns.duckdb"
    con = duckdb.connect(str(path))
    db.create_schema(con)
    demo.build(con, scale=0.02, district=True, towns=(GUMEI,))
    con.close()
    return path


def _one(path: Path, sql: str, scope: Scope) -> object:
    return console.run_readonly(path, sql, scope=scope, timeout_s=120).frame.iloc[0, 0]


@pytest.mark.parametrize("role", ["analyst", "leader"])
def test_a_town_bound_console_reads_its_town_alone(district_path: Path, role: str) -> None:
    con = db.connect(district_path, read_only=True)
    try:
        expected = {
            town: con.execute(
                """SELECT count(*) FROM grid_cases k JOIN communities c USING (community_id)
                   JOIN grids g USING (grid_id) WHERE g.town_code = ?""",
                [town],
            ).fetchone()[0]  # type: ignore[index]
            for town in (JIANGCHUAN, GUMEI)
        }
    finally:
        con.close()
    for town in (GUMEI, JIANGCHUAN):
        scope = Scope(role, town_code=town)
        assert _one(district_path, "SELECT count(*) FROM grid_cases", scope) == expected[town]
        assert _one(district_path, "SELECT count(DISTINCT town_code) FROM grids", scope) == 1
        assert _one(district_path, "SELECT min(town_code) FROM towns", scope) == town
        own_rounds = "SELECT count(*) FROM contest_rounds WHERE round_id NOT IN (SELECT round_id FROM contest_entries)"
        assert _one(district_path, own_rounds, scope) == 0
        assert _one(district_path, "SELECT count(*) FROM rollup_cases", scope) > 0
    district = _one(district_path, "SELECT count(*) FROM grid_cases", Scope(role))
    assert district == expected[JIANGCHUAN] + expected[GUMEI]
