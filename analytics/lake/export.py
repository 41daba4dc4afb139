"""A database written out as a lake (the layout: analytics.lake): every table through DuckDB's COPY,
the facts partitioned by 街镇 (community → grid → town_code) and by the month of their own date.

The whole export is written into a hidden sibling folder and renamed into place at the end, so a reader
never sees half an export: it finds the old lake, or no lake for the moment of two renames, or the new
one. Replacing a lake continues its data version (the counter goes up), so results derived from the old
one read as stale. The files hold residents' personal data: the owner's only, like the database.
"""

from __future__ import annotations

import shutil
import uuid
from pathlib import Path

import duckdb

from analytics import lake
from analytics.core import connection as db
from analytics.core.connection import owner_only
from analytics.core.errors import DataError
from words import msg

# A fact row's town and month: its community's grid's town, the month of its date column.
_PLACED = """
    SELECT f.*, g.town_code AS town, strftime(f.{date}, '%Y-%m') AS month
    FROM {table} f LEFT JOIN communities c ON c.community_id = f.community_id
         LEFT JOIN grids g ON g.grid_id = c.grid_id"""


def literal(path: Path) -> str:
    """A path as a SQL string literal (COPY takes no bound target)."""
    return "'" + str(path).replace("'", "''") + "'"


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    """The database's own tables, without the derived ones."""
    names = db.query(
        con,
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' AND table_type = 'BASE TABLE' "
        "ORDER BY table_name",
    )["table_name"]
    return [n for n in names if not n.startswith(lake.DERIVED_PREFIX)]


def placed(table: str) -> str:
    """The rows of fact table `table` with their `town` and `month` (the partition columns)."""
    return _PLACED.format(table=table, date=lake.FACTS[table])


def write_facts(con: duckdb.DuckDBPyConnection, table: str, select: str, target: Path, pattern: str) -> dict[str, int]:
    """The rows of `select` (with town and month) as hive partitions under `target`; rows per partition.
    Refused when a row has no town: its community is unknown, so no 街镇's ledger holds it."""
    counts = db.query(con, f"SELECT town, month, count(*) AS n FROM ({select}) GROUP BY ALL ORDER BY ALL")
    orphans = int(counts.loc[counts["town"].isna(), "n"].sum())
    if orphans:
        raise DataError(msg("err.lake.no_town", table=table, rows=orphans))
    if len(counts):
        target.mkdir(parents=True, exist_ok=True)
        con.execute(
            f"COPY ({select}) TO {literal(target)} (FORMAT parquet, PARTITION_BY (town, month), "
            f"FILENAME_PATTERN '{pattern}', OVERWRITE_OR_IGNORE true)"
        )
    return {f"town={t}/month={m}": int(n) for t, m, n in counts.itertuples(index=False)}


def export(db_file: str | Path, to: str | Path) -> lake.Manifest:
    """Write the database `db_file` as a lake at `to` (replacing a lake there) and return its manifest."""
    target = Path(to).resolve()
    previous = None
    if target.exists():
        previous = lake.read_manifest(target)  # refuses to replace a folder that is not a lake
    con = db.connect(db_file, read_only=True)
    staging = target.with_name(f".{target.name}.export-{uuid.uuid4().hex}")
    try:
        with owner_only():
            staging.mkdir(parents=True)
            manifest = _write(con, staging, 1 if previous is None else previous.data_version + 1)
            lake.swap_in(staging, target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        con.close()
    return manifest


def _write(con: duckdb.DuckDBPyConnection, staging: Path, version: int) -> lake.Manifest:
    rows: dict[str, int] = {}
    partitions: dict[str, dict[str, int]] = {}
    for table in tables(con):
        rows[table] = int(db.scalar(con, f"SELECT count(*) FROM {table}"))
        if table in lake.FACTS:
            partitions[table] = write_facts(con, table, placed(table), lake.facts_dir(staging, table), "export-{i}")
            # a fact table with no rows yet has no partition: its columns are kept beside
            shape = lake.schema_file(staging, table)
            shape.parent.mkdir(parents=True, exist_ok=True)
            con.execute(f"COPY (SELECT * FROM {table} LIMIT 0) TO {literal(shape)} (FORMAT parquet)")
        else:
            folder = lake.ref_dir(staging, table)
            folder.mkdir(parents=True)
            con.execute(f"COPY {table} TO {literal(folder / 'data.parquet')} (FORMAT parquet)")
    towns = sorted({key.split("/")[0].removeprefix("town=") for parts in partitions.values() for key in parts})
    known = db.query(con, "SELECT town_code FROM towns ORDER BY town_code")["town_code"].tolist()
    manifest = lake.Manifest(
        data_version=version,
        schema_version=lake.schema_version(),
        exported_at=lake.now(),
        updated_at=lake.now(),
        towns=sorted(set(known) | set(towns)),
        tables=rows,
        partitions=partitions,
        source=db.data_version(con),
    )
    lake.write_manifest(staging, manifest)
    return manifest
