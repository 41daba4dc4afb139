"""A DuckDB connection whose tables are a lake's: each table a view over its Parquet files, so the
analysis functions run over a lake as over a database file (reading the facts raw: a lake's views hold
no rollup_state, so analytics.warehouse.source answers from the fact tables).

    con = read.connect("/data/lake")                  # every 街镇
    con = read.connect("/data/lake", towns=["310112001"])   # one 街镇's facts (its partitions only)
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import duckdb

from analytics import lake
from analytics.core import connection as db
from analytics.core.sql import Sql


def fact_source(folder: Path, table: str) -> str:
    """read_parquet over a fact table's partitions, town and month read as text (not guessed numbers)."""
    files = lake.facts_glob(folder, table).replace("'", "''")
    return (
        f"read_parquet('{files}', hive_partitioning = true, "
        "hive_types = {'town': VARCHAR, 'month': VARCHAR}, union_by_name = true)"
    )


def has_files(folder: Path, table: str) -> bool:
    return any(lake.facts_dir(folder, table).glob("town=*/month=*/*.parquet"))


def connect(folder: str | Path, *, towns: Sequence[str] | None = None) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB with a view per table of the lake at `folder` (facts of `towns` only, when
    given). The lake's manifest is checked first: a folder that is not a lake is refused."""
    root = Path(folder).resolve()
    manifest = lake.read_manifest(root)
    con = duckdb.connect(":memory:")
    db.configure(con)
    for table in manifest.tables:
        if table in lake.FACTS:
            _fact_view(con, root, table, towns)
        else:
            files = str(lake.ref_dir(root, table) / "*.parquet").replace("'", "''")
            con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{files}')")
    return con


def _fact_view(con: duckdb.DuckDBPyConnection, root: Path, table: str, towns: Sequence[str] | None) -> None:
    if not has_files(root, table):
        shape = str(lake.schema_file(root, table)).replace("'", "''")
        con.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{shape}')")
        return
    if towns is None:
        con.execute(f"CREATE VIEW {table} AS SELECT * EXCLUDE (town, month) FROM {fact_source(root, table)}")
        return
    # a view cannot hold bound values: the towns are checked codes, written in as literals by Sql
    where = Sql("town IN (SELECT unnest($towns))", {"towns": list(towns)}).printable()
    con.execute(f"CREATE VIEW {table} AS SELECT * EXCLUDE (town, month) FROM {fact_source(root, table)} WHERE {where}")
