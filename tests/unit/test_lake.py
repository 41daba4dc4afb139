"""The lake (analytics.lake): export, the DuckDB reader, a 街镇's import and the DuckDB refresh over it,
on real files and a real DuckDB."""

from __future__ import annotations

import json
import math
import shutil
from pathlib import Path

import duckdb
import pytest

from analytics import demo, lake
from analytics.contest import work
from analytics.core import connection as db
from analytics.core.errors import DataError
from analytics.core.hierarchy import JIANGCHUAN, MINHANG_TOWNS
from analytics.lake import derive, export, load, read
from analytics.lake.__main__ import main as lake_main
from analytics.refresh import main as refresh_main
from analytics.refresh import refresh
from tests.unit.ingest_helpers import CASE_HEADER, case_rows, write_csv

OTHER = next(t for t in MINHANG_TOWNS if t.code != JIANGCHUAN)


@pytest.fixture(scope="module")
def district_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small demo world whose last grid belongs to a second 街镇, marked as real data (the importer
    refuses to mix a ledger into the demo world)."""
    path = tmp_path_factory.mktemp("lake") / "world.duckdb"
    con = duckdb.connect(str(path))
    db.create_schema(con)
    demo.build(con, seed=7, scale=0.1)
    con.execute(
        "INSERT INTO towns (town_code, name, name_en, simulated) VALUES ($1, $2, $3, TRUE)",
        [OTHER.code, OTHER.name, OTHER.name_en],
    )
    con.execute(  # not the grid of 鹤北一居, whose cases the ledgers below bring
        "UPDATE grids SET town_code = $1 WHERE grid_id = (SELECT max(grid_id) FROM grids WHERE grid_id NOT IN "
        "(SELECT grid_id FROM communities WHERE name LIKE '鹤北%'))",
        [OTHER.code],
    )
    con.execute("UPDATE app_meta SET value = 'imported' WHERE key = 'world'")
    # the rollups name each community's town: moved by hand here, so refreshed by hand (an import
    # of the reference lists makes them stale and refreshes them itself)
    refresh(con)
    con.close()
    return path


@pytest.fixture()
def lake_dir(district_file: Path, tmp_path: Path) -> Path:
    return export.export(district_file, tmp_path / "lake") and tmp_path / "lake"


def _rows(con: duckdb.DuckDBPyConnection, sql: str) -> list[tuple]:
    return sorted(con.execute(sql).fetchall(), key=repr)


def test_export_partitions_facts_by_town_and_month_and_counts_them(district_file: Path, lake_dir: Path) -> None:
    manifest = lake.read_manifest(lake_dir)
    source = duckdb.connect(str(district_file), read_only=True)
    assert manifest.data_version == 1 and manifest.schema_version == lake.schema_version()
    assert manifest.towns == sorted([JIANGCHUAN, OTHER.code])
    assert manifest.tables["grid_cases"] == source.execute("SELECT count(*) FROM grid_cases").fetchone()[0]
    assert not any(t.startswith("rollup_") for t in manifest.tables)
    expected = source.execute(
        """SELECT 'town=' || g.town_code || '/month=' || strftime(f.reported_at, '%Y-%m'), count(*)
           FROM grid_cases f JOIN communities c USING (community_id) JOIN grids g USING (grid_id) GROUP BY ALL"""
    ).fetchall()
    assert manifest.partitions["grid_cases"] == dict(expected)
    for key, rows in manifest.partitions["grid_cases"].items():
        files = list((lake.facts_dir(lake_dir, "grid_cases") / key).glob("*.parquet"))
        assert (
            files
            and duckdb.connect().execute(f"SELECT count(*) FROM read_parquet({[str(f) for f in files]})").fetchone()[0]
            == rows
        )
    assert sum(manifest.partitions["grid_cases"].values()) == manifest.tables["grid_cases"]
    assert {p.split("/")[0] for p in manifest.partitions["seed_activities"]} == {f"town={t}" for t in manifest.towns}
    assert json.loads((lake_dir / "manifest.json").read_text())["source"] == manifest.source
    assert not [p for p in lake_dir.parent.iterdir() if p.name.startswith(".")]  # no staging left behind
    source.close()


def test_the_reader_gives_back_every_table_as_exported(district_file: Path, lake_dir: Path) -> None:
    source = duckdb.connect(str(district_file), read_only=True)
    con = read.connect(lake_dir)
    for table in ("grid_cases", "seed_activities", "communities", "contest_scores"):
        assert _rows(con, f"SELECT * FROM {table}") == _rows(source, f"SELECT * FROM {table}"), table
    one = read.connect(lake_dir, towns=[OTHER.code])
    other = _rows(
        source,
        f"SELECT f.* FROM grid_cases f JOIN communities c USING (community_id) JOIN grids g USING (grid_id) "
        f"WHERE g.town_code = '{OTHER.code}'",
    )
    assert other and _rows(one, "SELECT * FROM grid_cases") == other
    source.close()


def test_export_replaces_a_lake_whole_and_counts_on(district_file: Path, lake_dir: Path) -> None:
    (lake.facts_dir(lake_dir, "grid_cases") / "town=stale").mkdir()
    assert export.export(district_file, lake_dir).data_version == 2
    assert not (lake.facts_dir(lake_dir, "grid_cases") / "town=stale").exists()
    not_a_lake = lake_dir.parent / "photos"
    not_a_lake.mkdir()
    with pytest.raises(DataError, match="不是数据湖目录"):
        export.export(district_file, not_a_lake)


def test_a_town_s_ledger_goes_into_its_partitions_only(lake_dir: Path, tmp_path: Path) -> None:
    before = {p for p in lake_dir.rglob("*.parquet")}
    ledger = write_csv(tmp_path / "cases.csv", [CASE_HEADER, *case_rows(3, prefix="LK")])
    done = load.import_ledger(lake_dir, JIANGCHUAN, "grid_cases", ledger)
    assert not done.report.errors and done.report.rows_imported == 3
    assert done.partitions == {f"town={JIANGCHUAN}/month=2024-03": 3}
    manifest = lake.read_manifest(lake_dir)
    assert manifest.data_version == 2 and manifest.partitions["grid_cases"][f"town={JIANGCHUAN}/month=2024-03"] > 3
    new = {p for p in lake_dir.rglob("*.parquet")} - before
    assert [p.parent.relative_to(lake_dir).as_posix() for p in new if "facts" in p.parts] == [
        f"facts/grid_cases/town={JIANGCHUAN}/month=2024-03"
    ]
    con = read.connect(lake_dir)
    assert con.execute("SELECT count(*) FROM grid_cases WHERE case_id LIKE 'LK%'").fetchone()[0] == 3
    assert con.execute("SELECT count(*) FROM import_batches WHERE status = 'imported'").fetchone()[0] == 1
    assert con.execute("SELECT count(*) FROM grid_cases").fetchone()[0] == manifest.tables["grid_cases"]
    # the same file again: the importer's duplicate check, over the lake's bookkeeping
    again = load.import_ledger(lake_dir, JIANGCHUAN, "grid_cases", ledger)
    assert again.report.duplicate_of == done.report.batch_id and again.data_version == 2


def test_rows_of_another_town_refuse_the_whole_ledger(district_file: Path, lake_dir: Path, tmp_path: Path) -> None:
    source = duckdb.connect(str(district_file), read_only=True)
    theirs = source.execute(
        "SELECT c.name FROM communities c JOIN grids g USING (grid_id) WHERE g.town_code = $1 LIMIT 1", [OTHER.code]
    ).fetchone()[0]
    source.close()
    rows = case_rows(2, prefix="XT")
    rows[1][1] = theirs
    ledger = write_csv(tmp_path / "mixed.csv", [CASE_HEADER, *rows])
    before = sorted(str(p) for p in lake_dir.rglob("*"))
    with pytest.raises(DataError, match="属于其他街镇"):
        load.import_ledger(lake_dir, JIANGCHUAN, "grid_cases", ledger)
    assert sorted(str(p) for p in lake_dir.rglob("*") if p.name != ".import.lock") == before
    assert lake.read_manifest(lake_dir).data_version == 1
    with pytest.raises(DataError, match="参照表"):
        load.import_ledger(lake_dir, JIANGCHUAN, "communities", ledger)
    with pytest.raises(DataError, match="没有街镇编号"):
        load.import_ledger(lake_dir, "999999999", "grid_cases", ledger)


def test_a_ledger_with_errors_leaves_the_lake_as_it_was(lake_dir: Path, tmp_path: Path) -> None:
    rows = case_rows(2, prefix="BAD")
    rows[0][1] = "不存在的居民区"
    ledger = write_csv(tmp_path / "bad.csv", [CASE_HEADER, *rows])
    done = load.import_ledger(lake_dir, JIANGCHUAN, "grid_cases", ledger)
    assert done.report.errors and done.data_version == 1
    assert (
        read.connect(lake_dir).execute("SELECT count(*) FROM grid_cases WHERE case_id LIKE 'BAD%'").fetchone()[0] == 0
    )


def _derived(folder: Path, table: str, columns: list[str]) -> list[tuple]:
    return _rows(duckdb.connect(), f"SELECT {', '.join(columns)} FROM {derive.read_derived(folder, table)}")


def test_the_duckdb_refresh_of_a_lake_equals_the_database_s_own(district_file: Path, lake_dir: Path) -> None:
    """The reference engine writes, per 街镇, exactly what analytics.refresh stored in the database."""
    built = derive.refresh(lake_dir, engine="duckdb")
    assert built.folder == lake.derived_dir(lake_dir, "v1")
    manifest = json.loads((built.folder / "manifest.json").read_text())
    assert manifest["built_from"] == 1 and manifest["definitions"]["contest work"] == f"v{work.VERSION}"
    source = duckdb.connect(str(district_file), read_only=True)
    for table, shape in derive.columns().items():
        names = [n for n, _ in shape]
        got = _derived(built.folder, table, names)
        assert got == _rows(source, f"SELECT {', '.join(names)} FROM {table}") or table == derive.RANKINGS, table
        assert manifest["tables"][table] == len(got)
        assert sum(manifest["partitions"][table].values()) == len(got)
    assert set(manifest["partitions"]["rollup_cases"]) == {f"town={JIANGCHUAN}", f"town={OTHER.code}"}
    # the rankings: the same scores (floats to 1e-9; the bootstrap is seeded)
    names = [n for n, _ in derive.columns()[derive.RANKINGS]]
    got = _derived(built.folder, derive.RANKINGS, names)
    want = _rows(source, f"SELECT {', '.join(names)} FROM rollup_contest_rankings")
    assert len(got) == len(want) > 0
    for a, b in zip(got, want):
        assert all(x == y or (isinstance(x, float) and math.isclose(x, y, abs_tol=1e-9)) for x, y in zip(a, b))
    source.close()


def test_the_commands(district_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    target = tmp_path / "cli-lake"
    assert lake_main(["export", "--db", str(district_file), "--to", str(target)]) == 0
    assert refresh_main(["--engine", "duckdb", "--lake", str(target)]) == 0
    assert "rollup_cases" in capsys.readouterr().out
    assert (lake.derived_dir(target, "v1") / "manifest.json").exists()
    ledger = write_csv(tmp_path / "c.csv", [CASE_HEADER, *case_rows(2, prefix="CLI")])
    assert lake_main(["import", "--lake", str(target), "--town", JIANGCHUAN, "--table", "grid_cases", str(ledger)]) == 0
    assert (
        lake_main(["import", "--lake", str(tmp_path), "--town", JIANGCHUAN, "--table", "grid_cases", str(ledger)]) == 1
    )
    with pytest.raises(SystemExit):
        refresh_main(["--engine", "spark"])  # Spark needs a lake
    shutil.rmtree(target)


def test_a_manifest_naming_something_that_is_not_a_table_is_refused(lake_dir: Path) -> None:
    """Table names from the manifest become view names in SQL: a tampered manifest stops at the door."""
    manifest = json.loads((lake_dir / lake.MANIFEST).read_text(encoding="utf-8"))
    for bad in ({"tables": {**manifest["tables"], "x; DROP TABLE towns; --": 1}}, {"towns": ["../../etc"]}):
        (lake_dir / lake.MANIFEST).write_text(json.dumps({**manifest, **bad}), encoding="utf-8")
        with pytest.raises(DataError, match="not a table or town"):
            read.connect(lake_dir)
