"""What an app replica serves from in a district deployment (JIANGCHUAN_LAKE=DIR): the lake's tables as
views (analytics.lake.read) and, while the lake's derived folder was built from its current facts by
this code's definitions, the rollups and the stored contest results loaded into the replica's memory,
with their state rows written as a refresh writes them — so the pages read the derived tables while
they are current and the facts otherwise, exactly as they do from a database file. Nothing is written
to the lake: a replica only reads.

    con = serving.connect("/srv/jiangchuan/lake")
    serving.generation("/srv/jiangchuan/lake")   # changes when an import or a refresh lands
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb

from analytics import lake
from analytics.contest import scoring as contest
from analytics.contest import work as contest_work
from analytics.core import connection as db
from analytics.lake import derive, read
from analytics.warehouse import rollups


def generation(folder: str | Path) -> str:
    """A token that changes whenever what a replica should read changes: the lake's data version (an
    import) and whether its derived tables for that version exist (a refresh). Cheap: two small files."""
    root = Path(folder).resolve()
    manifest = lake.read_manifest(root)
    built = lake.derived_dir(root, f"v{manifest.data_version}") / lake.MANIFEST
    return f"{manifest.data_version}/{manifest.updated_at}/{built.exists()}"


def _current_definitions() -> dict[str, str]:
    return {
        "rollups": f"v{rollups.VERSION}",
        "contest rankings": f"v{contest.VERSION}",
        "contest work": f"v{contest_work.VERSION}",
    }


def derived_folder(root: Path) -> Path | None:
    """The derived folder built from the lake's current data version by this code's definitions."""
    manifest = lake.read_manifest(root)
    folder = lake.derived_dir(root, f"v{manifest.data_version}")
    try:
        built = json.loads((folder / lake.MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if built.get("built_from") != manifest.data_version or built.get("definitions") != _current_definitions():
        return None
    return folder


def connect(folder: str | Path) -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB over the lake at `folder`, with its current derived tables loaded (if any)."""
    root = Path(folder).resolve()
    con = read.connect(root)
    derived = derived_folder(root)
    if derived is None:
        return con  # no current derived tables: the pages read the facts (slower, the same answers)
    derive.derived_tables(con)
    for table in derive.TABLES:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * EXCLUDE (town) FROM {derive.read_derived(derived, table)}")
    now = dt.datetime.now().replace(microsecond=0)
    rollups.record_state(con, 0.0)
    # the contest state as analytics.contest.store_rankings / store_record write it: the derived rankings
    # were scored from the very contest tables the lake holds (the same data version)
    db.execute(
        con,
        f"INSERT OR REPLACE INTO rollup_contest_state SELECT 1, $definition, ({contest._CONTEST_SQL}), $at",
        {"definition": f"v{contest.VERSION}", "at": now},
    )
    db.execute(
        con,
        "INSERT OR REPLACE INTO rollup_contest_work_state SELECT 1, $definition, $at",
        {"definition": f"v{contest_work.VERSION}", "at": now},
    )
    return con
