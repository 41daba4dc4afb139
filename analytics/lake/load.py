"""One 街镇's ledger into a lake, with the importer's checks.

    python -m analytics.lake import --lake DIR --town 310112001 --table grid_cases 2024年3月网格事务.xlsx

The importer (analytics.ingest) runs as it does for a database, on a working DuckDB made from the lake's
reference tables and that 街镇's partitions: the same reading, header finding, cell checks, duplicate
and conflict detection against what the 街镇 already holds. Only then is the lake touched: rows of
another 街镇 refuse the whole file; otherwise the new rows go as new part files into that town's
partitions (written beside and renamed in), the importer's bookkeeping tables are replaced whole, and
the manifest's data version goes up by one, last. One import at a time per lake (a lock file).
"""

from __future__ import annotations

import fcntl
import os
import shutil
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from analytics import ingest, lake
from analytics.core import connection as db
from analytics.core.connection import owner_only
from analytics.core.errors import DataError
from analytics.core.sql import sql_literal
from analytics.lake import export, read
from words import msg

# The importer's bookkeeping, replaced whole after an import (reference tables, small).
_BOOKKEEPING = ("import_batches", "import_batch_info", "import_batch_keys")


@dataclass(frozen=True)
class LakeImport:
    report: ingest.ImportReport
    data_version: int  # the lake's after the import (unchanged when nothing was imported)
    partitions: dict[str, int]  # "town=…/month=…" → rows added


@contextmanager
def _locked(root: Path) -> Iterator[None]:
    with open(root / ".import.lock", "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _in_reference_order(con: duckdb.DuckDBPyConnection, tables: list[str]) -> list[str]:
    """The tables with each after those its foreign keys name (the working copy keeps the schema's keys)."""
    refs = con.execute(
        "SELECT table_name, referenced_table FROM duckdb_constraints() WHERE constraint_type = 'FOREIGN KEY'"
    ).fetchall()
    needs: dict[str, set[str]] = {t: set() for t in tables}
    for table, referenced in refs:
        if table in needs and referenced in needs and referenced != table:
            needs[table].add(referenced)
    ordered: list[str] = []
    while needs:
        ready = sorted(t for t, wanted in needs.items() if wanted <= set(ordered))
        ordered.extend(ready)
        for t in ready:
            del needs[t]
        if not ready:  # a cycle the schema does not have; keep going rather than loop
            ordered.extend(sorted(needs))
            break
    return ordered


def working_copy(root: Path, manifest: lake.Manifest, town: str) -> duckdb.DuckDBPyConnection:
    """An in-memory database with the schema, the lake's reference tables and `town`'s facts."""
    con = db.connect(":memory:")
    source = read.connect(root, towns=[town])
    try:
        frames = {t: source.sql(f"SELECT * FROM {t}").to_arrow_table() for t in manifest.tables}
    finally:
        source.close()
    for table in _in_reference_order(con, list(manifest.tables)):
        con.register("lake_rows", frames[table])
        con.execute(f"DELETE FROM {table}")  # the schema's own first rows (the towns' default)
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM lake_rows")
        con.unregister("lake_rows")
    return con


def import_ledger(
    folder: str | Path, town: str, table: str, file: str | Path, *, sheet: str | None = None
) -> LakeImport:
    """Import `file` into fact table `table` of the lake at `folder` for 街镇 `town` (see the module
    docstring). The report says what the importer found; nothing is written when it found errors."""
    root = Path(folder).resolve()
    if table not in lake.FACTS:
        raise DataError(msg("err.lake.not_fact", table=table, tables="、".join(lake.FACTS)))
    with _locked(root):
        manifest = lake.read_manifest(root)
        if town not in manifest.towns:
            raise DataError(msg("err.lake.unknown_town", town=town, towns="、".join(manifest.towns)))
        con = working_copy(root, manifest, town)
        try:
            report = ingest.import_file(con, file, table, sheet=sheet)
            if report.errors or not report.batch_id or not report.rows_imported:
                return LakeImport(report, manifest.data_version, {})
            _refuse_other_towns(con, table, town, report.batch_id)
            with owner_only():
                added = _write(con, root, table, report.batch_id)
                rows = {t: int(db.scalar(con, f"SELECT count(*) FROM {t}")) for t in _BOOKKEEPING}
            manifest.data_version += 1
            manifest.updated_at = lake.now()
            manifest.tables.update(rows)
            manifest.tables[table] = manifest.tables.get(table, 0) + sum(added.values())
            parts = manifest.partitions.setdefault(table, {})
            for key, n in added.items():
                parts[key] = parts.get(key, 0) + n
            if town not in manifest.towns:
                manifest.towns = sorted([*manifest.towns, town])
            lake.write_manifest(root, manifest)  # last: the import counts from here
            return LakeImport(report, manifest.data_version, added)
        finally:
            con.close()


def _refuse_other_towns(con: duckdb.DuckDBPyConnection, table: str, town: str, batch: str) -> None:
    found = db.query(
        con,
        f"""SELECT count(*) AS n, min(f.community_id) AS community, min(g.town_code) AS other
            FROM {table} f JOIN communities c ON c.community_id = f.community_id JOIN grids g ON g.grid_id = c.grid_id
            WHERE f.batch_id = $batch AND g.town_code <> $town""",
        {"batch": batch, "town": town},
    ).iloc[0]
    if int(found["n"]):
        raise DataError(
            msg(
                "err.lake.other_town",
                rows=int(found["n"]),
                community=found["community"],
                other=found["other"],
                town=town,
            )
        )


def _write(con: duckdb.DuckDBPyConnection, root: Path, table: str, batch: str) -> dict[str, int]:
    """The batch's rows as new part files in their partitions, then the bookkeeping tables replaced."""
    staging = root / f".import-{uuid.uuid4().hex}"
    try:
        select = f"SELECT * FROM ({export.placed(table)}) WHERE batch_id = {sql_literal(batch)}"
        added = export.write_facts(con, table, select, staging, f"import-{uuid.uuid4().hex[:12]}-{{i}}")
        for part in sorted(staging.rglob("*.parquet")):
            final = lake.facts_dir(root, table) / part.relative_to(staging)
            final.parent.mkdir(parents=True, exist_ok=True)
            os.rename(part, final)  # a new name in the partition: never a file half written
        for name in _BOOKKEEPING:
            folder = lake.ref_dir(root, name)
            folder.mkdir(parents=True, exist_ok=True)
            partial = folder / f".data-{uuid.uuid4().hex}.tmp"
            con.execute(f"COPY {name} TO {export.literal(partial)} (FORMAT parquet)")
            os.replace(partial, folder / "data.parquet")
        return added
    finally:
        shutil.rmtree(staging, ignore_errors=True)
