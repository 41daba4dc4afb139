"""The district demo world: 闵行区's 14 街镇 by their public codes, 江川路街道 exactly as the default
world, the other 13 simulated (labelled so, plausible sizes, placed around their towns), deterministic."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from analytics import db
from analytics.core.hierarchy import JIANGCHUAN, MINHANG_TOWNS
from analytics.demo import generate as demo
from analytics.demo.district import TOWN_CENTRES
from tests.conftest import ROOT

SCALE = 0.02
FACTS = {
    "grid_cases": "case_id",
    "seed_activities": "activity_id",
    "communities": "community_id",
    "grids": "grid_id",
    "contest_entries": "entry_id",
    "contest_scores": "entry_id",
    "pairings": "community_id",
    "partners": "partner_id",
}


def _built(path: Path, **kwargs: object) -> Path:
    con = duckdb.connect(str(path))
    db.create_schema(con)
    demo.build(con, scale=SCALE, **kwargs)  # type: ignore[arg-type]
    con.close()
    return path


@pytest.fixture(scope="module")
def worlds(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[duckdb.DuckDBPyConnection, ...]]:
    folder = tmp_path_factory.mktemp("worlds")
    one = db.connect(_built(folder / "one.duckdb"), read_only=True)
    district = db.connect(_built(folder / "district.duckdb", district=True), read_only=True)
    yield one, district
    one.close()
    district.close()


def _digest(con: duckdb.DuckDBPyConnection, table: str, where: str = "TRUE") -> tuple:
    row = con.execute(f"SELECT count(*), sum(hash(t)) FROM {table} t WHERE {where}").fetchone()
    assert row is not None
    return tuple(row)


def test_the_fourteen_towns_by_their_public_codes(worlds: tuple[duckdb.DuckDBPyConnection, ...]) -> None:
    _, district = worlds
    towns = district.execute("SELECT town_code, name, simulated, lon, lat FROM towns ORDER BY town_code").fetchall()
    assert [(code, name) for code, name, *_ in towns] == sorted((t.code, t.name) for t in MINHANG_TOWNS)
    assert [code for code, _, simulated, *_ in towns if not simulated] == [JIANGCHUAN]
    for code, _, _, lon, lat in towns:
        assert (lon, lat) == pytest.approx(TOWN_CENTRES[code])


def test_jiangchuan_is_the_default_world(worlds: tuple[duckdb.DuckDBPyConnection, ...]) -> None:
    one, district = worlds
    for table, key in FACTS.items():
        jiangchuan = f"{key} NOT LIKE '3101%'"
        assert _digest(district, table, jiangchuan) == _digest(one, table), table
    assert one.execute("SELECT count(*) FROM towns").fetchone() == (1,)
    for table in ("service_items", "judges", "rollup_cases"):
        assert _digest(one, table) == _digest(
            district, table, "community_id NOT LIKE '3101%'" if "rollup" in table else "TRUE"
        )


def test_simulated_towns_are_plausible_and_labelled(worlds: tuple[duckdb.DuckDBPyConnection, ...]) -> None:
    one, district = worlds
    low, high = one.execute("SELECT min(residents), max(residents) FROM communities").fetchone()  # type: ignore[misc]
    towns = district.execute(
        """SELECT t.town_code, t.name, t.lon, t.lat, count(DISTINCT g.grid_id) AS grids,
                  count(c.community_id) AS communities, min(c.residents), max(c.residents),
                  bool_and(c.name LIKE t.name || '·模拟居民区%' AND c.community_id LIKE t.town_code || '-%'),
                  bool_and(g.name LIKE t.name || '·模拟网格%'),
                  max(abs(c.lon - t.lon)), max(abs(c.lat - t.lat))
           FROM towns t JOIN grids g USING (town_code) JOIN communities c USING (grid_id)
           WHERE t.simulated GROUP BY ALL"""
    ).fetchall()
    assert len(towns) == 13
    for code, _, _, _, grids, communities, smallest, largest, named, grids_named, dlon, dlat in towns:
        assert 4 <= grids <= 9 and 15 <= communities <= 45, code
        assert low <= smallest and largest <= high
        assert named and grids_named
        assert dlon < 0.04 and dlat < 0.04  # within a few km of the town's centre
    # every town has facts of its own, and no id is shared between towns
    per_town = district.execute(
        """SELECT g.town_code, count(*) FROM grid_cases k JOIN communities c USING (community_id)
           JOIN grids g USING (grid_id) GROUP BY ALL"""
    ).fetchall()
    assert len(per_town) == 14 and min(n for _, n in per_town) > 0
    assert district.execute("SELECT count(*) FROM partners WHERE name LIKE '%·模拟共建单位%'").fetchone()[0] >= 13 * 8  # type: ignore[index]
    # every simulated round is held by entrants of its town (a round with no entrant there is left out)
    rounds = district.execute(
        """SELECT count(*), count(*) FILTER (WHERE round_id IN (SELECT round_id FROM contest_entries))
           FROM contest_rounds WHERE name LIKE '%·模拟%'"""
    ).fetchone()
    assert rounds is not None and 13 * 2 <= rounds[0] <= 13 * 3 and rounds[0] == rounds[1]


def test_the_cli_builds_the_same_world_again(worlds: tuple[duckdb.DuckDBPyConnection, ...], tmp_path: Path) -> None:
    _, district = worlds
    target = tmp_path / "cli.duckdb"
    subprocess.run(
        [sys.executable, "-m", "analytics.demo", "--district", "--db", str(target), "--scale", str(SCALE)],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    again = db.connect(target, read_only=True)
    try:
        for table in ("grid_cases", "seed_activities", "communities", "contest_scores", "towns"):
            assert _digest(again, table) == _digest(district, table), table
    finally:
        again.close()
