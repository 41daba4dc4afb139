"""The Spark refresh of a lake agrees with the DuckDB refresh (the reference): every derived table, the
same rows per 街镇, integers equal, floats to 1e-9. Local Spark (Java 17); skip with -m 'not spark'.

The world is the demo at scale 0.2 (12,800 cases, 4,000 activities, every contest round) with one grid
moved to a second 街镇, not scale 1: on the shared 2-core machine Spark takes minutes for scale 1 (the
scale-1 agreement is printed by bench/lake_refresh.py), and the statements run are the same ones.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import duckdb
import pytest

from analytics import demo, lake
from analytics.core import connection as db
from analytics.core.hierarchy import JIANGCHUAN, MINHANG_TOWNS
from analytics.lake import derive, export
from analytics.warehouse import dialect, rollups
from tests.lake_compare import differences

pytestmark = [pytest.mark.spark, pytest.mark.slow]
OTHER = next(t for t in MINHANG_TOWNS if t.code != JIANGCHUAN)


@pytest.fixture(scope="module")
def lakes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    base = tmp_path_factory.mktemp("spark")
    path = base / "world.duckdb"
    con = duckdb.connect(str(path))
    db.create_schema(con)
    demo.build(con, seed=11, scale=0.2)
    con.execute(
        "INSERT INTO towns (town_code, name, name_en, simulated) VALUES ($1, $2, $3, TRUE)",
        [OTHER.code, OTHER.name, OTHER.name_en],
    )
    con.execute("UPDATE grids SET town_code = $1 WHERE grid_id = (SELECT max(grid_id) FROM grids)", [OTHER.code])
    con.close()
    export.export(path, base / "by-duckdb")
    shutil.copytree(base / "by-duckdb", base / "by-spark")
    return base / "by-duckdb", base / "by-spark"


def test_spark_and_duckdb_write_the_same_derived_tables(lakes: tuple[Path, Path]) -> None:
    reference, other = lakes
    by_duckdb = derive.refresh(reference, engine="duckdb")
    by_spark = derive.refresh(other, engine="spark", master="local[2]")
    assert by_spark.folder == lake.derived_dir(other, "v1")
    assert differences(by_duckdb.folder, by_spark.folder) == []
    assert by_spark.rows == by_duckdb.rows and by_spark.partitions == by_duckdb.partitions
    assert all(by_spark.rows[t] > 0 for t in derive.TABLES)
    assert set(by_spark.partitions["rollup_cases"]) == {f"town={JIANGCHUAN}", f"town={OTHER.code}"}
    manifest = json.loads((by_spark.folder / "manifest.json").read_text())
    assert manifest["engine"] == "spark" and manifest["built_from"] == 1
    assert manifest["tables"] == by_spark.rows


def test_the_comparison_sees_a_changed_value(lakes: tuple[Path, Path], tmp_path: Path) -> None:
    """The agreement above cannot pass by comparing nothing: floats moved by 1e-6 are found."""
    reference, _ = lakes
    built = lake.derived_dir(reference, "v1")
    if not built.exists():
        derive.refresh(reference, engine="duckdb")
    changed = tmp_path / "changed"
    shutil.copytree(built, changed)
    target = next((changed / "rollup_cases" / f"town={JIANGCHUAN}").glob("*.parquet"))
    con = duckdb.connect()
    con.execute(
        f"COPY (SELECT * REPLACE (hours_to_close + 1e-6 AS hours_to_close) FROM read_parquet('{target}')) "
        f"TO '{target}.new' (FORMAT parquet)"
    )
    Path(f"{target}.new").replace(target)
    found = differences(built, changed)
    assert len(found) == 1 and found[0].startswith("rollup_cases:")


def test_times_to_close_with_seconds_and_fractions_agree(tmp_path: Path) -> None:
    """The demo's times are whole minutes; a ledger's are not. The rollups' hours and minutes to close
    (epoch, date_diff('minute')) give DuckDB's numbers on Spark for times that cross a minute by one
    second, close in under a minute, or carry fractions of a second."""
    con = duckdb.connect(":memory:")
    db.create_schema(con)
    con.execute(
        """INSERT INTO grid_cases (case_id, community_id, category, reported_at, closed_at, resolved_level, urgent,
                                   satisfaction, batch_id) VALUES
           ('a', 'C01', 'opinion', TIMESTAMP '2024-03-01 10:00:59', TIMESTAMP '2024-03-01 10:01:00', 'grid', false, 5, 'b'),
           ('b', 'C01', 'opinion', TIMESTAMP '2024-03-01 10:00:00.250', TIMESTAMP '2024-03-01 12:30:10.750', 'grid', false, 4, 'b'),
           ('c', 'C02', 'dispute', TIMESTAMP '2024-03-02 23:59:30', TIMESTAMP '2024-03-04 00:00:29', 'community', true, NULL, 'b'),
           ('d', 'C02', 'dispute', TIMESTAMP '2024-03-02 08:00:00', NULL, NULL, false, NULL, 'b')"""
    )
    # the rollups name each community's town (one here, and C02 left out of the lists: no town)
    con.execute("INSERT INTO grids (grid_id, name, name_en) VALUES ('G1', '一号网格', 'Grid 1')")
    con.execute(
        "INSERT INTO communities (community_id, name, grid_id, households, residents, party_members)"
        " VALUES ('C01', '甲居民区', 'G1', 100, 250, 10)"
    )
    spark = dialect.spark_session()
    for name in ("grid_cases", "communities", "grids"):
        facts = tmp_path / f"{name}.parquet"
        con.execute(f"COPY {name} TO '{facts}' (FORMAT parquet)")
        spark.read.parquet(str(facts)).createOrReplaceTempView(name)
    for table in ("rollup_cases", "rollup_case_hours"):
        select = rollups._BUILDS[table]
        want = sorted(con.execute(select).fetchall(), key=repr)
        got = sorted((tuple(row) for row in spark.sql(dialect.to_spark(select)).collect()), key=repr)
        assert len(got) == len(want) > 0
        for a, b in zip(got, want):
            assert all(
                (x == y) or (isinstance(y, float) and x is not None and abs(x - y) <= 1e-9) for x, y in zip(a, b)
            ), (table, a, b)
