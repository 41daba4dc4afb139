"""Writing a prepared file: one transaction per import (all rows or none), rows already present
skipped, conflicting rows reported and left alone; undo of a batch; the history; clearing the demo."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from analytics.core import connection as db
from analytics.core import privacy
from analytics.core.errors import DataError
from analytics.ingest.specs import TABLES, TableSpec
from analytics.ingest.validate import Prepared
from words import listing, msg

CHUNK_ROWS = 200_000
DEMO_BATCH = "demo"


def find_duplicate(con: duckdb.DuckDBPyConnection, table: str, sha256: str, sheet: str | None) -> str | None:
    """The batch that already imported this very file (same bytes, same table and sheet), if any."""
    return db.scalar(
        con,
        """
        SELECT b.batch_id FROM import_batches b LEFT JOIN import_batch_info i USING (batch_id)
        WHERE b.sha256 = $sha AND b.table_name = $table AND b.status = 'imported'
          AND coalesce(i.sheet, '') = coalesce($sheet, '')
        ORDER BY b.imported_at DESC LIMIT 1""",
        {"sha": sha256, "table": table, "sheet": sheet},
    )


_MASKERS: dict[str, Callable[[str | None], str | None]] = {
    "name": privacy.mask_name,
    "phone": privacy.mask_phone,
    "text": privacy.mask_text,
}


def masker(table: str, column: str) -> Callable[[str | None], str | None] | None:
    """How a personal column of `table` is shown to a role that reads personal data masked (None: as is)."""
    kinds = dict(privacy.PERSONAL_COLUMNS.get(table, ()))
    return _MASKERS[kinds[column]] if column in kinds else None


def compare(
    cur: duckdb.DuckDBPyConnection, prepared: Prepared, *, masked: bool = False
) -> tuple[np.ndarray, np.ndarray, list]:
    """(rows to insert mask, rows identical to stored ones mask, conflicts) against the database.
    `prepared.rows` must be registered on `cur` as ingest_rows. With `masked`, the conflicts quote the
    personal fields (stored and incoming) masked: a conflict must not be a way to read stored data."""
    spec = prepared.spec
    table = prepared.checked_rows()
    n = table.num_rows
    rows = table["_row"].to_numpy()
    position = {int(r): i for i, r in enumerate(rows)} if n else {}
    content = [c for c in spec.stored_columns if c not in spec.key]
    on = " AND ".join(f"r.{k} = t.{k}" for k in spec.key)
    same = " AND ".join(f"r.{c} IS NOT DISTINCT FROM t.{c}" for c in content) or "TRUE"
    batch = ", t.batch_id" if spec.fact else ", NULL AS batch_id"
    matched = db.query(
        cur,
        f"""
        SELECT r._row, ({same}) AS same {batch},
               {", ".join(f"CAST(t.{c} AS VARCHAR) AS db_{c}, CAST(r.{c} AS VARCHAR) AS file_{c}" for c in content) or "NULL AS x"}
        FROM ingest_rows r JOIN {spec.table} t ON {on}""",
        in_transaction=True,
    )
    insert = np.ones(n, dtype=bool)
    identical = np.zeros(n, dtype=bool)
    conflicts = []
    key_label = prepared.label(spec.key[-1])
    key_values = table.select(list(spec.key)).to_pandas()
    for record in matched.itertuples(index=False):
        i = position[int(record[0])]
        insert[i] = False
        if record.same:
            identical[i] = True
            continue
        differs = []
        for c in content:
            stored, incoming = getattr(record, f"db_{c}"), getattr(record, f"file_{c}")
            if _text(stored) != _text(incoming):
                mask = masker(spec.table, c) if masked else None
                if mask is not None:
                    stored, incoming = mask(_text(stored)), mask(_text(incoming))
                empty = msg("ingest.check.empty")
                differs.append(
                    msg(
                        "ingest.check.differs",
                        column=prepared.label(c),
                        stored=_text(stored) or empty,
                        incoming=_text(incoming) or empty,
                    )
                )
        from_batch = getattr(record, "batch_id", None)
        where = msg("ingest.check.from_batch", batch=from_batch) if from_batch else ""
        key_text = " / ".join(str(v) for v in key_values.iloc[i].tolist())
        conflicts.append(
            (
                int(rows[i]),
                key_label,
                key_text,
                msg(
                    "ingest.check.conflict",
                    key=key_label,
                    value=key_text,
                    where=where,
                    differs=listing(differs[:4], ("；", "; ")),
                ),
            )
        )
    for column in spec.unique:
        clash = db.query(
            cur,
            f"""
            SELECT r._row, r.{column} AS value, t.{spec.key[0]} AS owner
            FROM ingest_rows r JOIN {spec.table} t ON r.{column} = t.{column}
            WHERE NOT ({" AND ".join(f"r.{k} = t.{k}" for k in spec.key)})""",
            in_transaction=True,
        )
        for record in clash.itertuples(index=False):
            i = position[int(record[0])]
            if insert[i]:
                insert[i] = False
                conflicts.append(
                    (
                        int(rows[i]),
                        prepared.label(column),
                        record.value,
                        msg("ingest.check.name_taken", name=record.value, owner=record.owner),
                    )
                )
    conflicts.sort(key=lambda c: c[0])
    return insert, identical, conflicts


def _text(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return ""
    return str(value)


def new_batch_id(cur: duckdb.DuckDBPyConnection, sha256: str) -> str:
    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    base = f"B{stamp}-{sha256[:6]}"
    candidate, n = base, 1
    while db.scalar(
        cur, "SELECT count(*) FROM import_batches WHERE batch_id = $b", {"b": candidate}, in_transaction=True
    ):
        n += 1
        candidate = f"{base}-{n}"
    return candidate


def write_rows(
    cur: duckdb.DuckDBPyConnection,
    prepared: Prepared,
    *,
    file_name: str,
    sha256: str,
    progress: Callable[[float, str], None] | None = None,
    masked: bool = False,
) -> dict[str, Any]:
    """Insert the new rows of `prepared` on `cur`, a cursor inside the import's transaction (the caller
    commits or rolls back). Returns batch_id (None when nothing was new), rows inserted, rows skipped as
    already present, and the conflicts."""
    report = progress or (lambda f, m: None)
    spec: TableSpec = prepared.spec
    rows = prepared.checked_rows()
    cur.register("ingest_rows", rows)
    try:
        insert, identical, conflicts = compare(cur, prepared, masked=masked)
    finally:
        cur.unregister("ingest_rows")
    new = rows.filter(pa.array(insert)).drop_columns(["_row"])
    if new.num_rows == 0:
        return {"batch_id": None, "inserted": 0, "skipped": int(identical.sum()), "conflicts": conflicts}
    batch_id = new_batch_id(cur, sha256)
    columns = ", ".join(spec.stored_columns)
    total = new.num_rows
    for start in range(0, total, CHUNK_ROWS):
        chunk = new.slice(start, CHUNK_ROWS)
        cur.register("ingest_chunk", chunk)
        try:
            if spec.fact:
                db.execute(
                    cur,
                    f"INSERT INTO {spec.table} ({columns}, batch_id) SELECT {columns}, $batch FROM ingest_chunk",
                    {"batch": batch_id},
                )
            else:
                db.execute(cur, f"INSERT INTO {spec.table} ({columns}) SELECT {columns} FROM ingest_chunk")
                keys = ", ".join(list(spec.key) + ["NULL"] * (4 - len(spec.key)))
                db.execute(
                    cur,
                    f"INSERT INTO import_batch_keys SELECT $batch, $table, {keys} FROM ingest_chunk",
                    {"batch": batch_id, "table": spec.table},
                )
        finally:
            cur.unregister("ingest_chunk")
        done = start + len(chunk)
        report(0.65 + 0.3 * done / total, msg("ingest.step.writing", done=done, total=total))
    db.execute(
        cur,
        "INSERT INTO import_batches VALUES ($batch, $table, $file, $sha, $rows, $at, 'imported')",
        {
            "batch": batch_id,
            "table": spec.table,
            "file": file_name[:255],
            "sha": sha256,
            "rows": total,
            "at": dt.datetime.now().replace(microsecond=0),
        },
    )
    db.execute(
        cur,
        "INSERT INTO import_batch_info VALUES ($batch, $sheet, $skipped, $conflicts, NULL)",
        {"batch": batch_id, "sheet": prepared.sheet, "skipped": int(identical.sum()), "conflicts": len(conflicts)},
    )
    if db.scalar(cur, "SELECT value FROM app_meta WHERE key = 'world'", in_transaction=True) is None:
        db.execute(cur, "INSERT INTO app_meta VALUES ('world', 'real')")
    return {"batch_id": batch_id, "inserted": total, "skipped": int(identical.sum()), "conflicts": conflicts}


def undo_batch(con: duckdb.DuckDBPyConnection, batch_id: str) -> int:
    """Remove the rows a batch added, in one transaction; returns how many. Refused while other data
    still points at them (undo those batches first) and for the demo world (use clear_demo)."""
    found = db.query(con, "SELECT table_name, status FROM import_batches WHERE batch_id = $b", {"b": batch_id})
    if found.empty:
        raise DataError(msg("err.ingest.no_batch", batch=batch_id))
    table_name, status = found.iloc[0]["table_name"], found.iloc[0]["status"]
    if status == "demo":
        raise DataError(msg("err.ingest.demo_batch"))
    if status == "undone":
        raise DataError(msg("err.ingest.undone_already", batch=batch_id))
    spec = TABLES[table_name]
    with db.transaction(con) as cur:
        if spec.fact:
            removed = db.scalar(
                cur, f"SELECT count(*) FROM {spec.table} WHERE batch_id = $b", {"b": batch_id}, in_transaction=True
            )
            db.execute(cur, f"DELETE FROM {spec.table} WHERE batch_id = $b", {"b": batch_id})
        else:
            match = " AND ".join(f"t.{k} = k.key_{i}" for i, k in enumerate(spec.key, start=1))
            batch_keys = f"SELECT * FROM import_batch_keys k WHERE k.batch_id = $b AND k.table_name = '{spec.table}'"
            blockers = []
            for ref_table, ref_cols, my_cols in spec.referenced_by:
                on = " AND ".join(f"x.{rc} = t.{mc}" for rc, mc in zip(ref_cols, my_cols))
                used = db.scalar(
                    cur,
                    f"""
                    WITH mine AS (SELECT t.* FROM {spec.table} t WHERE EXISTS ({batch_keys} AND {match}))
                    SELECT count(*) FROM {ref_table} x JOIN mine t ON {on}""",
                    {"b": batch_id},
                    in_transaction=True,
                )
                if used:
                    kind = msg(f"err.ingest.table.{ref_table}") if ref_table in TABLES else ref_table
                    blockers.append(msg("err.ingest.blocker", kind=kind, rows=used))
            if blockers:
                raise DataError(
                    msg(
                        "err.ingest.still_used",
                        batch=batch_id,
                        kind=msg(f"err.ingest.table.{spec.table}"),
                        blockers=listing(blockers),
                    )
                )
            removed = db.scalar(
                cur,
                f"SELECT count(*) FROM {spec.table} t WHERE EXISTS ({batch_keys} AND {match})",
                {"b": batch_id},
                in_transaction=True,
            )
            db.execute(cur, f"DELETE FROM {spec.table} t WHERE EXISTS ({batch_keys} AND {match})", {"b": batch_id})
        db.execute(cur, "UPDATE import_batches SET status = 'undone' WHERE batch_id = $b", {"b": batch_id})
        db.execute(
            cur,
            "UPDATE import_batch_info SET undone_at = $at WHERE batch_id = $b",
            {"b": batch_id, "at": dt.datetime.now().replace(microsecond=0)},
        )
    return int(removed or 0)


def history(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Every batch, newest first: file, table, sha256, rows, time, status, sheet, skipped, conflicts."""
    return db.query(
        con,
        """
        SELECT b.batch_id, b.table_name, b.file_name, b.sha256, b.rows, b.imported_at, b.status,
               i.sheet, coalesce(i.skipped, 0) AS skipped, coalesce(i.conflicts, 0) AS conflicts, i.undone_at
        FROM import_batches b LEFT JOIN import_batch_info i USING (batch_id)
        ORDER BY b.imported_at DESC, b.batch_id DESC""",
    )


# Demo rows, children before parents: DuckDB checks a foreign key against rows deleted earlier in the
# same transaction, so each step commits on its own; a stopped run is finished by running it again.
_DEMO_FACTS = (
    ("contest_scores", None),
    ("contest_entries", None),
    ("contest_criteria", None),
    ("contest_rounds", None),
    ("judges", None),
    ("seed_activities", DEMO_BATCH),
    ("grid_cases", DEMO_BATCH),
)
_DEMO_REFERENCE = ("pairings", "secretaries", "communities", "partners", "service_items")


def clear_demo(con: duckdb.DuckDBPyConnection, *, reference_lists: bool = False) -> dict[str, int]:
    """Delete the simulated data so that real imports do not mix with it, and mark the database real.

    Always removed: seed activities and grid cases of the demo world, and the demo contest (rounds,
    criteria, judges, entries, scores). With `reference_lists`, also the communities, secretaries,
    partners, pairings and service items (their names are public, their sizes simulated); then import
    those lists first. The seven grids and their illustrative boundaries stay."""
    if db.meta(con, "world") != "demo":
        raise DataError(msg("err.ingest.no_demo"))
    removed: dict[str, int] = {}
    steps = list(_DEMO_FACTS) + ([(t, None) for t in _DEMO_REFERENCE] if reference_lists else [])
    for table, batch in steps:
        with db.transaction(con) as cur:
            where, params = ("WHERE batch_id = $b", {"b": batch}) if batch else ("", None)
            removed[table] = int(db.scalar(cur, f"SELECT count(*) FROM {table} {where}", params, in_transaction=True))
            db.execute(cur, f"DELETE FROM {table} {where}", params)
    with db.transaction(con) as cur:
        db.execute(cur, "UPDATE import_batches SET status = 'undone' WHERE status = 'demo'")
        db.execute(cur, "INSERT OR REPLACE INTO app_meta VALUES ('world', 'real')")
    return removed
