"""The lake: every table of a database as Parquet files in a folder, the facts partitioned by 街镇 and
month, so a district's facts can live on shared storage and Spark (or DuckDB) can read them.

    DIR/manifest.json                                   what the lake holds (see `Manifest`)
    DIR/facts/<table>/town=<code>/month=<YYYY-MM>/*.parquet     grid_cases, seed_activities
    DIR/ref/<table>/*.parquet                           every other table, whole
    DIR/schema/<fact table>.parquet                     its columns, no rows (a table still empty)
    DIR/derived/v<N>/<table>/town=<code>/*.parquet      rollups and stored contest results
    DIR/derived/v<N>/manifest.json

    python -m analytics.lake export --db FILE --to DIR          (analytics.lake.export)
    python -m analytics.lake import --lake DIR --town CODE --table TABLE FILE   (analytics.lake.load)
    python -m analytics.refresh --engine duckdb|spark --lake DIR (analytics.lake.derive)

The data version is a counter, not a content hash: export writes 1 and every import adds one. A hash
would have to read every file of a district's facts to tell whether anything changed; the counter is
advanced by the only two writers, so a derived result that records the counter it was built from is
stale exactly when the lake's counter has moved on. The schema version is the fingerprint of the schema
files (analytics/schema/*.sql) the tables were written with.

This package's root reads and writes the layout only; readers and writers are its modules.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path

from analytics.core.connection import SCHEMA_DIR
from analytics.core.errors import DataError
from words import msg

# Each fact table and the column that gives a row its month. Every other exported table is reference.
FACTS = {"grid_cases": "reported_at", "seed_activities": "held_on"}
# Derived tables are not exported: they are rebuilt from the facts into derived/ (analytics.lake.derive).
DERIVED_PREFIX = "rollup_"
MANIFEST = "manifest.json"
LAYOUT = 1  # the folder layout above; a reader refuses a lake of another layout


@dataclass
class Manifest:
    """DIR/manifest.json. `partitions` maps a fact table to {"town=…/month=…": rows}."""

    data_version: int
    schema_version: str
    exported_at: str
    towns: list[str]
    tables: dict[str, int]  # table → rows
    partitions: dict[str, dict[str, int]] = field(default_factory=dict)
    source: str = ""  # the database's own data version (analytics.core.connection.DATA_VERSION_SQL) at export
    updated_at: str = ""
    layout: int = LAYOUT


def schema_version() -> str:
    """Fingerprint of the schema files: a lake written with other tables says so."""
    digest = hashlib.sha256()
    for path in sorted(SCHEMA_DIR.glob("*.sql")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()[:16]


def now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()


def facts_dir(lake: Path, table: str) -> Path:
    return lake / "facts" / table


def ref_dir(lake: Path, table: str) -> Path:
    return lake / "ref" / table


def facts_glob(lake: Path, table: str) -> str:
    return str(facts_dir(lake, table) / "**" / "*.parquet")


def schema_file(lake: Path, table: str) -> Path:
    """A fact table's columns as an empty Parquet file: what a reader sees of a table with no rows."""
    return lake / "schema" / f"{table}.parquet"


def derived_dir(lake: Path, version: str) -> Path:
    return lake / "derived" / version


def read_manifest(path: Path) -> Manifest:
    """The manifest of the lake (or derived folder) at `path`; a missing or foreign one is refused."""
    target = path / MANIFEST
    try:
        raw = json.loads(target.read_text(encoding="utf-8"))
        manifest = Manifest(**raw)
    except FileNotFoundError as exc:
        raise DataError(msg("err.lake.no_manifest", path=path)) from exc
    except (ValueError, TypeError) as exc:
        raise DataError(msg("err.lake.bad_manifest", path=target, detail=str(exc))) from exc
    if manifest.layout != LAYOUT:
        raise DataError(msg("err.lake.layout", path=path, found=manifest.layout, expected=LAYOUT))
    # the readers write table names into SQL (a view per table) and town codes into paths: a manifest is a
    # file on shared storage, so what it names must look like a table and a code before anything uses it
    odd = [t for t in manifest.tables if not _TABLE_NAME.fullmatch(t)]
    odd += [c for c in manifest.towns if not _TOWN_CODE.fullmatch(c)]
    if odd:
        raise DataError(msg("err.lake.bad_manifest", path=target, detail=f"not a table or town: {odd[0]!r}"))
    return manifest


_TABLE_NAME = re.compile(r"[a-z][a-z0-9_]{0,62}")
_TOWN_CODE = re.compile(r"[0-9]{6,12}")


def write_json(path: Path, content: dict[str, object]) -> None:
    """A JSON file replaced whole (written beside it, then renamed): a reader sees the old or the new."""
    partial = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    with open(partial, "w", encoding="utf-8") as out:
        json.dump(content, out, ensure_ascii=False, indent=1, sort_keys=True)
        out.flush()
        os.fsync(out.fileno())
    os.replace(partial, path)


def write_manifest(path: Path, manifest: Manifest) -> None:
    write_json(path / MANIFEST, asdict(manifest))


def swap_in(staging: Path, target: Path) -> None:
    """A finished folder in place of the old one: two renames, then the old one removed. A reader sees
    the old folder, or none for the moment between the renames, or the new one; never half of one."""
    if not target.exists():
        staging.rename(target)
        return
    retired = target.with_name(f".{target.name}.replaced-{uuid.uuid4().hex}")
    target.rename(retired)
    staging.rename(target)
    shutil.rmtree(retired, ignore_errors=True)
