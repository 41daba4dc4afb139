"""Importing the ledgers people keep (台账): Excel and CSV files as they really are.

    report = import_file(con, "2024年3月网格事务.xlsx", "grid_cases")
    report.errors        # [(row as seen in Excel, column as written, value, what to fix)]

`preview()` does everything but write. An import is one transaction: all its rows or none. The same
file imported twice adds nothing; a row whose key exists with different content is a conflict, reported
and left alone; an identical row is skipped. Each import is a batch that `undo_batch()` removes again.

Modules: reading (files, encodings, workbooks), headers (finding and naming columns), values (cell
parsing), lookups (codes and names), specs (the tables), validate (a sheet to checked rows), scores
(wide contest score sheets), load (the transaction, undo, history), templates (downloadable .xlsx),
entry (随手录入: one row from a phone form, read by the same checks, undone here like an import).
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from analytics import refresh
from analytics.core import connection as db
from analytics.core import privacy
from analytics.core.errors import AccessDenied, DataError
from analytics.core.scope import Scope
from analytics.ingest import entry, load
from analytics.ingest.headers import find_layout
from analytics.ingest.reading import FileRefused, Sheet, Workbook, check_size, open_file
from analytics.ingest.scores import WideScores, find_round
from analytics.ingest.specs import IMPORTABLE, TABLES, VOCABULARY_LABELS, TableSpec
from analytics.ingest.templates import template_xlsx
from analytics.ingest.validate import Pipeline, Prepared, Progress
from words import in_language, listing, msg

__all__ = [
    "IMPORTABLE",
    "IMPORT_ROLES",
    "TABLES",
    "VOCABULARY_LABELS",
    "FileRefused",
    "ImportReport",
    "clear_demo",
    "history",
    "import_file",
    "may_import",
    "preview",
    "round_choices",
    "sheet_names",
    "template_bytes",
    "template_xlsx",
    "undo_batch",
]

IMPORT_ROLES = ("admin",)
PREVIEW_ROWS = 50
MAX_LISTED = 50_000  # errors and conflicts listed; the count beyond is said in a note

Error = tuple[int | None, str | None, str | None, str]


@dataclass
class ImportReport:
    """What an import (or a preview) found. `errors` block the import; `conflicts` are rows whose key
    is already stored with different content (reported, not written); `skipped` rows were already
    stored exactly so."""

    table: str
    file_name: str
    sha256: str
    sheet: str | None = None
    batch_id: str | None = None
    rows_imported: int = 0
    errors: list[Error] = field(default_factory=list)
    duplicate_of: str | None = None
    conflicts: list[Error] = field(default_factory=list)
    skipped: int = 0
    rows_read: int = 0
    rows_ready: int = 0
    notes: list[str] = field(default_factory=list)
    sheets: list[str] = field(default_factory=list)
    hidden_sheets: list[str] = field(default_factory=list)
    columns: dict[str, str] = field(default_factory=dict)
    preview: pd.DataFrame | None = None
    encoding: str | None = None

    @property
    def ok(self) -> bool:
        return not self.errors

    def error_frame(self, lang: str = "zh") -> pd.DataFrame:
        """The errors as a table, their messages written in `lang`."""
        return _problems(self.errors, lang)

    def conflict_frame(self, lang: str = "zh") -> pd.DataFrame:
        return _problems(self.conflicts, lang)


def _problems(items: list[Error], lang: str) -> pd.DataFrame:
    written = [(row, column, value, in_language(message, lang)) for row, column, value, message in items]
    frame = pd.DataFrame(written, columns=["row", "column", "value", "message"])
    frame["row"] = frame["row"].astype("Int64")
    return frame


def may_import(scope: Scope | None) -> bool:
    """Importing, undoing and clearing change everyone's data: administrators only
    (None is whoever holds the database file: a notebook, a test)."""
    return scope is None or scope.role in IMPORT_ROLES


def _require(scope: Scope | None) -> None:
    if not may_import(scope):
        raise AccessDenied(msg("err.ingest.not_allowed"))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def sheet_names(
    path: str | os.PathLike, *, max_bytes: int | None = None, file_name: str | None = None
) -> tuple[list[str], list[str]]:
    """(visible sheets, hidden sheets) of a workbook; a CSV has one sheet named after the file.
    `file_name` is the name the user gave the file, for messages."""
    book = open_file(path, max_bytes=max_bytes, file_name=file_name)
    hidden = set(book.hidden)
    return [s.name for s in book.sheets if s.name not in hidden], list(book.hidden)


def _spec(table: str) -> TableSpec:
    if table not in TABLES:
        kinds = listing(msg(f"err.ingest.table.{name}") for name in TABLES)
        raise DataError(msg("err.ingest.unknown_kind", table=table, kinds=kinds))
    return TABLES[table]


def _choose_sheet(book: Workbook, sheet: str | None, spec: TableSpec, notes: list[str]) -> Sheet:
    visible = [s for s in book.sheets if s.name not in book.hidden]
    if sheet is not None:
        chosen = next((s for s in book.sheets if s.name == sheet), None)
        if chosen is None:
            sheets = listing(s.name for s in book.sheets)
            raise DataError(msg("err.ingest.no_such_sheet", file=book.file_name, sheet=sheet, sheets=sheets))
        if sheet in book.hidden:
            notes.append(msg("ingest.note.hidden_chosen", sheet=sheet))
        return chosen
    if book.hidden:
        notes.append(msg("ingest.note.hidden_ignored", sheets=listing(book.hidden)))
    if not visible:
        raise DataError(msg("err.ingest.only_hidden", file=book.file_name, sheets=listing(book.hidden)))
    if len(visible) == 1:
        return visible[0]
    scored = []
    for candidate in visible:
        layout = find_layout(candidate.head, spec, candidate.merged)
        scored.append((len(set(layout.mapping.values())) if layout else 0, candidate))
    best = max(score for score, _ in scored)
    winners = [s for score, s in scored if score == best and best > 0]
    if len(winners) != 1:
        raise DataError(
            msg(
                "err.ingest.pick_sheet",
                file=book.file_name,
                sheets=listing(s.name for s in visible),
                kind=msg(f"err.ingest.table.{spec.table}"),
            )
        )
    notes.append(msg("ingest.note.sheet_chosen", count=len(visible), sheet=winners[0].name))
    return winners[0]


def _run(
    cur: duckdb.DuckDBPyConnection,
    chosen: Sheet,
    spec: TableSpec,
    *,
    round_id: str | None,
    progress: Progress | None,
    notes: list[str],
    town: str | None = None,
) -> Prepared:
    pipe = Pipeline(cur, spec, round_id=round_id, town=town)
    if spec.table != "contest_scores":
        prepared = pipe.run(chosen, progress)
        prepared.notes[:0] = notes
        return prepared
    wide = WideScores(pipe)
    prepared = pipe.prepare(chosen, extra=wide.recognise)
    prepared.notes[:0] = notes
    if prepared.layout is None:
        return prepared
    targets = set(prepared.layout.mapping.values())
    if {"judge_id", "score"} <= targets:
        return pipe.run(chosen, progress)
    columns, rows = pipe.read_body(chosen, prepared)
    columns, rows = pipe.skip_rows(columns, rows, prepared, sorted(prepared.layout.mapping) or [0])
    prepared.errors = [e for e in prepared.errors if "都对应" not in e[3]]
    round_id, problem = find_round(pipe, prepared, columns, rows)
    if problem:
        prepared.errors.append((None, "场次", pipe.round_id, problem))
        return prepared
    assert round_id is not None  # find_round names either a round or a problem
    table = wide.read(columns, rows, prepared, round_id)
    if table is not None:
        prepared.rows = pipe.file_duplicates(table, prepared)
        prepared.labels.update({"judge_id": "评委", "criterion_id": "评分标准", "score": "得分"})
    return prepared


def _report(spec: TableSpec, book: Workbook, sha: str, prepared: Prepared | None, notes: list[str]) -> ImportReport:
    hidden = set(book.hidden)
    report = ImportReport(
        spec.table,
        book.file_name,
        sha,
        encoding=book.encoding,
        sheets=[s.name for s in book.sheets if s.name not in hidden],
        hidden_sheets=list(book.hidden),
    )
    if prepared is None:
        report.notes = notes
        return report
    report.sheet = prepared.sheet
    report.notes = list(dict.fromkeys(prepared.notes))
    report.rows_read = prepared.source_rows
    errors = sorted(prepared.errors, key=lambda e: (e[0] is not None, e[0] or 0))
    if len(errors) > MAX_LISTED:
        report.notes.append(msg("ingest.note.listed", count=len(errors), shown=MAX_LISTED))
    report.errors = errors[:MAX_LISTED]
    if prepared.layout:
        report.columns = {prepared.layout.labels[p]: c for p, c in prepared.layout.mapping.items()}
    if prepared.rows is not None and prepared.rows.num_rows:
        head = prepared.rows.slice(0, PREVIEW_ROWS).to_pandas()
        labels = {c.name: c.label for c in spec.columns}
        head = head.rename(columns={"_row": "行号", **labels})
        report.preview = head[["行号", *[labels.get(c, c) for c in prepared.rows.column_names if c != "_row"]]]
    return report


def _masked_preview(spec: TableSpec, preview: pd.DataFrame) -> pd.DataFrame:
    """The preview as the README says an administrator reads personal fields: masked, like every page."""
    labels = {c.name: c.label for c in spec.columns}
    preview = preview.copy()
    for column, _ in privacy.PERSONAL_COLUMNS.get(spec.table, ()):
        label = labels.get(column, column)
        if label in preview.columns:
            mask = load.masker(spec.table, column)
            preview[label] = preview[label].map(lambda v, mask=mask: mask(v) if isinstance(v, str) else v)
    return preview


def _town(scope: Scope | None) -> str | None:
    """The 街镇 the signed-in account imports for (None: any town of the district)."""
    return scope.restricted_town if scope is not None else None


def _open(
    con: duckdb.DuckDBPyConnection,
    path: str | os.PathLike,
    table: str,
    *,
    scope: Scope | None,
    max_bytes: int | None,
    file_name: str | None,
) -> tuple[TableSpec, str, Workbook]:
    _require(scope)
    spec = _spec(table)
    path = Path(path)
    check_size(path, max_bytes, file_name)
    sha = _sha256(path)
    book = open_file(path, max_bytes=max_bytes, file_name=file_name)
    return spec, sha, book


def preview(
    con: duckdb.DuckDBPyConnection,
    path: str | os.PathLike,
    table: str,
    *,
    sheet: str | None = None,
    round_id: str | None = None,
    progress: Progress | None = None,
    scope: Scope | None = None,
    max_bytes: int | None = None,
    file_name: str | None = None,
) -> ImportReport:
    """Everything import_file does except writing: the report says what would be imported."""
    report_progress = progress or (lambda f, m: None)
    spec, sha, book = _open(con, path, table, scope=scope, max_bytes=max_bytes, file_name=file_name)
    notes: list[str] = []
    chosen = _choose_sheet(book, sheet, spec, notes)
    cur = con.cursor()
    try:
        prepared = _run(cur, chosen, spec, round_id=round_id, progress=progress, notes=notes, town=_town(scope))
        report = _report(spec, book, sha, prepared, notes)
        if report.preview is not None and not privacy.sees_personal_data(scope):
            report.preview = _masked_preview(spec, report.preview)
        report.duplicate_of = load.find_duplicate(con, spec.table, sha, prepared.sheet)
        if prepared.rows is not None and not prepared.errors:
            report_progress(0.6, msg("ingest.step.compare"))
            cur.register("ingest_rows", prepared.rows)
            try:
                insert, identical, conflicts = load.compare(cur, prepared, masked=not privacy.sees_personal_data(scope))
            finally:
                cur.unregister("ingest_rows")
            report.rows_ready = int(insert.sum())
            report.skipped = int(identical.sum())
            report.conflicts = conflicts[:MAX_LISTED]
    finally:
        cur.close()
    if report.duplicate_of:
        report.notes.insert(0, msg("ingest.note.imported_before", batch=report.duplicate_of))
    better = _better_kind(chosen, spec) if report.errors else None
    if better:
        hint = msg("ingest.note.better_kind", kind=msg(f"err.ingest.table.{better}"))
        report.notes.insert(0, hint)
        report.errors.insert(0, (None, None, None, hint))
    report_progress(1.0, msg("ingest.step.done"))
    return report


def _better_kind(sheet: Sheet, spec: TableSpec) -> str | None:
    """Another table whose columns the sheet's header names clearly more of (a wrong choice of kind)."""

    def score(candidate: TableSpec) -> int:
        layout = find_layout(sheet.head, candidate, sheet.merged)
        return len(set(layout.mapping.values())) if layout else 0

    mine = score(spec)
    others = sorted(((score(s), t) for t, s in TABLES.items() if t != spec.table), reverse=True)
    best_score, best = others[0]
    return best if best_score >= mine + 2 else None


def import_file(
    con: duckdb.DuckDBPyConnection,
    path: str | os.PathLike,
    table: str,
    *,
    sheet: str | None = None,
    round_id: str | None = None,
    progress: Progress | None = None,
    scope: Scope | None = None,
    max_bytes: int | None = None,
    file_name: str | None = None,
) -> ImportReport:
    """Import one sheet of a ledger into `table` (one of IMPORTABLE) in one transaction.

    Refused (FileRefused) when the file is too big (`max_bytes`), empty, or not decodable; returned
    with `errors` (and nothing written) when any cell or column is wrong; `duplicate_of` names the batch
    when this very file was imported before. `progress(fraction, message)` is called along the way."""
    report_progress = progress or (lambda f, m: None)
    spec, sha, book = _open(con, path, table, scope=scope, max_bytes=max_bytes, file_name=file_name)
    if db.is_demo(con):
        raise DataError(msg("err.ingest.still_demo"))
    notes: list[str] = []
    report_progress(0.05, msg("ingest.step.file"))
    chosen = _choose_sheet(book, sheet, spec, notes)
    duplicate = load.find_duplicate(con, spec.table, sha, chosen.name)
    if duplicate:
        report = _report(spec, book, sha, None, [msg("ingest.note.duplicate", batch=duplicate)])
        report.duplicate_of, report.sheet = duplicate, chosen.name
        return report
    with _one_import_of(sha, book.file_name), _write_failures(book.file_name), db.transaction(con) as cur:
        prepared = _run(cur, chosen, spec, round_id=round_id, progress=progress, notes=notes, town=_town(scope))
        report = _report(spec, book, sha, prepared, notes)
        if prepared.errors or prepared.rows is None:
            return report
        report_progress(0.6, msg("ingest.step.compare"))
        outcome = load.write_rows(
            cur,
            prepared,
            file_name=book.file_name,
            sha256=sha,
            progress=progress,
            masked=not privacy.sees_personal_data(scope),
        )
    report.batch_id = outcome["batch_id"]
    report.rows_imported = outcome["inserted"]
    if outcome["inserted"]:
        report_progress(0.95, msg("ingest.step.rollups"))
        refresh.refresh(con)  # pages read rollups only while they match the facts (analytics.warehouse.rollups)
    report.skipped = outcome["skipped"]
    report.conflicts = outcome["conflicts"][:MAX_LISTED]
    if report.skipped:
        report.notes.append(msg("ingest.note.identical", rows=report.skipped))
    if report.conflicts:
        report.notes.append(msg("ingest.note.conflicts", rows=len(outcome["conflicts"])))
    report_progress(1.0, msg("ingest.step.done"))
    return report


_importing_lock = threading.Lock()
_importing: set[str] = set()


@contextmanager
def _one_import_of(sha: str, file_name: str) -> Iterator[None]:
    """One import of a given file at a time in this server: two administrators (or two clicks) racing
    with one file would otherwise both pass the duplicate check before either commits."""
    with _importing_lock:
        if sha in _importing:
            raise DataError(msg("err.ingest.in_progress", file=file_name))
        _importing.add(sha)
    try:
        yield
    finally:
        with _importing_lock:
            _importing.discard(sha)


@contextmanager
def _write_failures(file_name: str) -> Iterator[None]:
    """The engine's words for a failed write, as the administrator's next step. The transaction has
    rolled back by then: nothing of the file was stored."""
    try:
        yield
    except duckdb.ConstraintException as exc:
        raise DataError(msg("err.ingest.raced_keys", file=file_name)) from exc
    except duckdb.IOException as exc:
        raise DataError(msg("err.ingest.cannot_write", file=file_name)) from exc
    except DataError as exc:
        if isinstance(exc.__cause__, duckdb.TransactionException):
            raise DataError(msg("err.ingest.raced_write", file=file_name)) from exc
        raise


def undo_batch(con: duckdb.DuckDBPyConnection, batch_id: str, *, scope: Scope | None = None) -> int:
    """Remove the rows batch `batch_id` added (one transaction); returns how many were removed."""
    _require(scope)
    if entry.is_close(con, batch_id):  # a close from the phone form reopens its matter (and refreshes)
        return entry.undo_close(con, batch_id)
    removed = load.undo_batch(con, batch_id)
    refresh.refresh(con)
    return removed


def history(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> pd.DataFrame:
    """Every import batch, newest first (file name, sha256, rows, time, status, sheet, skipped, conflicts)."""
    _require(scope)
    frame = load.history(con)
    frame.insert(2, "table_label", frame["table_name"].map(_table_label))
    return frame


def _table_label(table: str) -> str:
    if table in TABLES:
        return TABLES[table].label
    return str(msg("import.kind.case_closures")) if table == entry.CLOSE_KIND else "演示数据"


def clear_demo(
    con: duckdb.DuckDBPyConnection, *, reference_lists: bool = False, scope: Scope | None = None
) -> dict[str, int]:
    """Delete the demo world's simulated rows and mark the database real (see load.clear_demo)."""
    _require(scope)
    cleared = load.clear_demo(con, reference_lists=reference_lists)
    refresh.refresh(con)
    return cleared


def round_choices(con: duckdb.DuckDBPyConnection, *, scope: Scope | None = None) -> pd.DataFrame:
    """Contest rounds to pick from when a score sheet does not name its round (newest first)."""
    return db.query(con, "SELECT round_id, name, held_on FROM contest_rounds ORDER BY held_on DESC, round_id")


def template_bytes(con: duckdb.DuckDBPyConnection, table: str, *, scope: Scope | None = None) -> bytes:
    """template_xlsx in the connection-first shape the app's cache wrapper calls."""
    return template_xlsx(table)
