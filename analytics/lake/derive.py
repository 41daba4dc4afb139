"""What the pages read, built from a lake's facts: the rollups and the stored contest results of every
街镇, by DuckDB on one machine (the reference) or by Spark (local or a cluster), with the same SQL.

    python -m analytics.refresh --engine duckdb --lake DIR
    python -m analytics.refresh --engine spark --lake DIR [--master local[2] | spark://host:7077 | sc://host:15002]

Each rollup is the SELECT of analytics.warehouse.rollups (_BUILDS) and each round's stored record the
SELECT of analytics.contest.work.record_select, run as written by DuckDB and carried to Spark SQL by
analytics.warehouse.dialect.to_spark. The contest rankings are scored by analytics.contest.scoring on
the driver for both engines: a resampling bootstrap in numpy over the contest tables, which are a few
thousand rows for a whole district (reference tables, not facts), so they are not Spark's work.

The results go to DIR/derived/v<N>/<table>/town=<code>/*.parquet, N being the lake's data version they
were built from, with DIR/derived/v<N>/manifest.json (the definitions' versions, the data version, rows
per table and per 街镇). The folder is written beside and renamed into place, as the export is.
"""

from __future__ import annotations

import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import duckdb

from analytics import lake
from analytics.contest import scoring as contest
from analytics.contest import work as contest_work
from analytics.core import connection as db
from analytics.core.connection import SCHEMA_DIR, owner_only
from analytics.core.errors import DataError
from analytics.lake import read
from analytics.lake.export import literal
from analytics.warehouse import rollups
from words import msg

if TYPE_CHECKING:
    from types import ModuleType

    from pyspark.sql import DataFrame, SparkSession

ENGINES = ("duckdb", "spark")
RANKINGS, WORK = "rollup_contest_rankings", "rollup_contest_work"
TABLES = (*rollups.TABLES, RANKINGS, WORK)
_SCHEMA_FILES = ("60_rollups.sql", "61_contest_rollups.sql", "62_contest_work_rollups.sql")
# A derived row's 街镇: its community's (a contest ranking's through its entry).
_TOWN_OF = "SELECT c.community_id, g.town_code AS town FROM communities c JOIN grids g ON g.grid_id = c.grid_id"
_SPARK_TYPES = {
    "BIGINT": "bigint",
    "INTEGER": "int",
    "SMALLINT": "smallint",
    "DOUBLE": "double",
    "VARCHAR": "string",
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp_ntz",
}


@dataclass(frozen=True)
class Derived:
    engine: str
    folder: Path
    seconds: float
    rows: dict[str, int]  # derived table → rows
    partitions: dict[str, dict[str, int]]  # derived table → {"town=…": rows}


def placed(table: str) -> str:
    """The rows of derived table `table` with their `town`."""
    if table == RANKINGS:
        return (
            f"SELECT r.*, t.town FROM {table} r JOIN contest_entries e ON e.round_id = r.round_id "
            f"AND e.entry_id = r.entry_id JOIN ({_TOWN_OF}) t ON t.community_id = e.community_id"
        )
    return f"SELECT r.*, t.town FROM {table} r JOIN ({_TOWN_OF}) t ON t.community_id = r.community_id"


def derived_tables(con: duckdb.DuckDBPyConnection) -> None:
    """The derived tables (empty) on `con`, as the schema defines them."""
    for name in _SCHEMA_FILES:
        con.execute((SCHEMA_DIR / name).read_text(encoding="utf-8"))


def columns() -> dict[str, list[tuple[str, str]]]:
    """Each derived table's (column, DuckDB type), from the schema: the shape both engines write."""
    con = duckdb.connect(":memory:")
    try:
        derived_tables(con)
        return {
            t: [
                (str(n), str(ty))
                for n, ty in con.execute(f"SELECT column_name, column_type FROM (DESCRIBE {t})").fetchall()
            ]
            for t in TABLES
        }
    finally:
        con.close()


def refresh(folder: str | Path, *, engine: str = "duckdb", master: str = "local[2]") -> Derived:
    """Build the derived tables of the lake at `folder` with `engine` into DIR/derived/v<N>/."""
    if engine not in ENGINES:
        raise ValueError(f"engine must be one of {ENGINES}, not {engine!r}")
    started = time.perf_counter()
    root = Path(folder).resolve()
    manifest = lake.read_manifest(root)
    target = lake.derived_dir(root, f"v{manifest.data_version}")
    staging = target.with_name(f".{target.name}.build-{uuid.uuid4().hex}")
    try:
        with owner_only():
            staging.mkdir(parents=True)
            con = read.connect(root)
            try:
                _rankings(con, staging)
                if engine == "duckdb":
                    _duckdb(con, staging)
                else:
                    _spark(root, manifest, staging, master)
                rows, partitions = _counted(con, staging)
            finally:
                con.close()
            seconds = time.perf_counter() - started
            lake.write_json(
                staging / lake.MANIFEST,
                {
                    "engine": engine,
                    "master": master if engine == "spark" else "",
                    "built_from": manifest.data_version,
                    "schema_version": manifest.schema_version,
                    "definitions": {
                        "rollups": f"v{rollups.VERSION}",
                        "contest rankings": f"v{contest.VERSION}",
                        "contest work": f"v{contest_work.VERSION}",
                    },
                    "built_at": lake.now(),
                    "seconds": round(seconds, 3),
                    "tables": rows,
                    "partitions": partitions,
                },
            )
            lake.swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Derived(engine, target, seconds, rows, partitions)


def _write(con: duckdb.DuckDBPyConnection, staging: Path, table: str) -> None:
    folder = staging / table
    folder.mkdir()
    con.execute(
        f"COPY ({placed(table)}) TO {literal(folder)} (FORMAT parquet, PARTITION_BY (town), OVERWRITE_OR_IGNORE true)"
    )


def _rankings(con: duckdb.DuckDBPyConnection, staging: Path) -> None:
    """The contest rankings, scored on the driver (see the module docstring), for either engine."""
    derived_tables(con)
    frame = contest.scored_rankings(con, in_transaction=True)
    if len(frame):
        con.register("contest_rankings_scored", frame)
        names = ", ".join(frame.columns)
        con.execute(f"INSERT INTO {RANKINGS} ({names}) SELECT {names} FROM contest_rankings_scored")
        con.unregister("contest_rankings_scored")
    _write(con, staging, RANKINGS)


def _duckdb(con: duckdb.DuckDBPyConnection, staging: Path) -> None:
    """The reference: the refresh's own statements (analytics.refresh) over the lake's views."""
    rollups.rebuild(con)
    contest_work.store_record(con)
    for table in (*rollups.TABLES, WORK):
        _write(con, staging, table)


def _rounds(con: duckdb.DuckDBPyConnection) -> list[tuple[str, Any]]:
    held = db.query(con, "SELECT round_id, held_on FROM contest_rounds ORDER BY round_id", in_transaction=True)
    return [(r, h.date() if hasattr(h, "date") else h) for r, h in zip(held["round_id"], held["held_on"])]


def _spark(root: Path, manifest: lake.Manifest, staging: Path, master: str) -> None:
    """The same SELECTs on Spark: the lake's tables as Spark views, each rollup a cached view of its own
    (the monthly ones read the daily), every round's record, each written partitioned by town."""
    # Here, not at the top: analytics.refresh imports this module and the importer (so every page)
    # imports analytics.refresh; dialect loads pyspark, which one subdistrict never needs (ALLOWED_LATE).
    from analytics.warehouse import dialect

    try:
        spark = dialect.spark_session(master)
    except Exception as exc:  # no Java, a cluster that does not answer
        raise DataError(msg("err.lake.engine", engine="spark", detail=str(exc)[:300])) from exc
    shapes = columns()
    probe = read.connect(root)
    try:
        rounds = _rounds(probe)
    finally:
        probe.close()
    cached: list[DataFrame] = []
    try:
        for table in manifest.tables:
            _spark_view(spark, root, table)
        for table, select in rollups._BUILDS.items():
            frame = _typed(spark.sql(dialect.to_spark(select)), shapes[table]).cache()
            cached.append(frame)
            frame.createOrReplaceTempView(table)
        for table in rollups.TABLES:
            _spark_write(spark, dialect, staging, table, "overwrite")
        # each round's record read from the rollups as written: planned over the cached rollups, the
        # record's union of monthly and daily rows trips Spark 4.1 ("key not found: month#…")
        for table in rollups.TABLES:
            _files_view(spark, staging / table, table)
        for round_id, held_on in rounds:
            one = _typed(spark.sql(dialect.to_spark(contest_work.record_select(round_id, held_on))), shapes[WORK])
            one.createOrReplaceTempView(WORK)
            _spark_write(spark, dialect, staging, WORK, "append")
    finally:
        for frame in cached:
            frame.unpersist()


def _spark_write(spark: SparkSession, dialect: ModuleType, staging: Path, table: str, mode: str) -> None:
    spark.sql(dialect.to_spark(placed(table))).write.mode(mode).partitionBy("town").parquet(str(staging / table))


def _files_view(spark: SparkSession, folder: Path, table: str) -> None:
    """The Parquet files under `folder` as a view, without partition columns (the table's own columns)."""
    spark.read.option("recursiveFileLookup", "true").parquet(str(folder)).createOrReplaceTempView(table)


def _spark_view(spark: SparkSession, root: Path, table: str) -> None:
    if table in lake.FACTS and read.has_files(root, table):
        _files_view(spark, lake.facts_dir(root, table), table)
    elif table in lake.FACTS:
        spark.read.parquet(str(lake.schema_file(root, table))).createOrReplaceTempView(table)
    else:
        spark.read.parquet(str(lake.ref_dir(root, table))).createOrReplaceTempView(table)


def _typed(frame: DataFrame, shape: list[tuple[str, str]]) -> DataFrame:
    """A Spark result in the derived table's column names (by position, as INSERT reads them) and types."""
    renamed = frame.toDF(*(name for name, _ in shape))
    return renamed.selectExpr(*(f"CAST(`{n}` AS {_SPARK_TYPES[t]}) AS `{n}`" for n, t in shape))


def _counted(con: duckdb.DuckDBPyConnection, staging: Path) -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """Rows per derived table and per town, read back from the files written (whichever engine)."""
    rows: dict[str, int] = {}
    partitions: dict[str, dict[str, int]] = {}
    for table in TABLES:
        files = list((staging / table).glob("town=*/*.parquet"))
        if not files:
            rows[table], partitions[table] = 0, {}
            continue
        pattern = literal(staging / table / "*" / "*.parquet")
        counts = con.execute(
            f"SELECT town, count(*) FROM read_parquet({pattern}, hive_partitioning = true, "
            "hive_types = {'town': VARCHAR}) GROUP BY ALL ORDER BY ALL"
        ).fetchall()
        partitions[table] = {f"town={t}": int(n) for t, n in counts}
        rows[table] = sum(partitions[table].values())
    return rows, partitions


def read_derived(folder: Path, table: str) -> str:
    """read_parquet over one derived table of a derived folder (DIR/derived/v<N>), town as text."""
    pattern = literal(folder / table / "*" / "*.parquet")
    return f"read_parquet({pattern}, hive_partitioning = true, hive_types = {{'town': VARCHAR}})"
