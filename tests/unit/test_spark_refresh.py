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
