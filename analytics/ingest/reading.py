"""Reading a ledger file into sheets of text cells, numbered as the user sees them in Excel.

CSV and text exports are decoded in Python (UTF-8 with or without a byte-order mark, UTF-16 with one,
else GB18030, the superset of GBK); a file that is none of these is refused rather than garbled. The
body of a large CSV is split by Arrow's reader; workbooks (.xlsx, .xlsm, .xls, .ods) are read with
calamine, which returns the values Excel saved: formulas are never executed, and a formula cell with
no saved value is marked so that validation can say so.

All of that runs in a worker process (analytics.core.isolate) after a check of what a workbook
declares (analytics.ingest.inspect): `open_file` in the app's process only asks the worker for the sheet
names, the first rows and the rows of the chosen sheet, which come back as Arrow tables. A CSV that
decodes as GBK into mostly rare characters (Latin-1, Shift-JIS or Big5 bytes) is refused, naming the
encoding it more likely is.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import functools
import html
import io
import os
import re
import threading
import zipfile
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pa_csv

from analytics.core import isolate
from analytics.core.errors import DataError
from analytics.ingest.encodings import decode
from analytics.ingest.inspect import EXCEL_COLUMNS, FileRefused, check_workbook
from analytics.ingest.text import FORMULA_MARK
from words import msg

if TYPE_CHECKING:  # for the annotations only: python_calamine is imported where a workbook is opened
    from python_calamine import CalamineWorkbook

# the tasks below run in the parse worker: the forkserver imports them before it forks one
isolate.preload(__name__, "analytics.ingest.inspect", "analytics.ingest.encodings")

Grid = list[list[str]]  # rows of text cells
Merged = tuple[tuple[int, int], tuple[int, int]]  # a merged range's (row, column) corners, 0-based
Loaded = tuple[Grid, list[Merged], list[str]]  # a sheet's cells, merged ranges and notes
Body = tuple[list[pa.Array], np.ndarray]  # columns of text and each row's Excel row number
_T = TypeVar("_T")

HEAD_ROWS = 40  # header search looks at this many rows from the top
CSV_DELIMITERS = (",", "\t", ";", "|")
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".ods")
TEXT_SUFFIXES = (".csv", ".txt", ".tsv")


class Sheet:
    """One sheet as rows of text cells. `head` holds the first rows (row 0 is Excel row 1); `body(start,
    width)` returns `width` columns from 0-based row `start` down, with each row's Excel row number.
    A workbook's sheets are read on first use, so listing the sheets of a big workbook stays cheap."""

    def __init__(
        self,
        name: str,
        load: Callable[[], Loaded],
        body: Callable[[int, int], Body],
    ):
        self.name = name
        self._load = load
        self._loaded: Loaded | None = None
        self.body = body
        self.extra_notes: list[str] = []

    def _get(self) -> Loaded:
        if self._loaded is None:
            self._loaded = self._load()
        return self._loaded

    @property
    def head(self) -> list[list[str]]:
        return self._get()[0][:HEAD_ROWS]

    @property
    def merged(self) -> list[Merged]:
        return self._get()[1]

    @property
    def notes(self) -> list[str]:
        return self._get()[2] + self.extra_notes


@dataclass
class Workbook:
    file_name: str
    kind: str  # "csv" or "excel"
    sheets: list[Sheet]  # visible sheets first, in workbook order
    hidden: list[str] = field(default_factory=list)
    encoding: str | None = None


def check_size(path: Path, max_bytes: int | None, file_name: str | None = None) -> int:
    size = path.stat().st_size
    name = file_name or path.name
    if max_bytes is not None and size > max_bytes:
        raise FileRefused(msg("err.ingest.too_big", file=name, size=_mb(size), limit=_mb(max_bytes)))
    if size == 0:
        raise FileRefused(msg("err.ingest.empty_file", file=name))
    return size


def _mb(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def sniff_kind(path: Path, data_head: bytes, file_name: str | None = None) -> str:
    name = file_name or path.name
    if data_head.startswith(b"PK\x03\x04"):
        return "excel"
    if data_head.startswith(b"\xd0\xcf\x11\xe0"):
        return "excel"
    lowered = data_head[:512].lstrip().lower()
    if lowered.startswith((b"<html", b"<!doctype", b"<table", b"<?xml")) or b"<html" in lowered[:200]:
        raise FileRefused(msg("err.ingest.html", file=name, suffix=path.suffix or msg("err.ingest.html.spreadsheet")))
    if path.suffix.lower() in EXCEL_SUFFIXES:
        raise FileRefused(msg("err.ingest.not_excel", file=name))
    return "csv"


def open_file(path: str | os.PathLike[str], *, max_bytes: int | None = None, file_name: str | None = None) -> Workbook:
    """The file's sheets, read in a worker process (analytics.core.isolate): this process only ever
    holds the sheet names, the first rows and the rows asked for, as Arrow tables."""
    path = Path(path)
    name = file_name or path.name
    check_size(path, max_bytes, name)
    info = _described(path, name)
    if info["kind"] == "csv":
        head = info["head"]
        sheet = Sheet(
            name,
            lambda: (head, [], []),
            lambda start, width: _split(_isolated(_task_csv_body, path, name, start, width)),
        )
        return Workbook(name, "csv", [sheet], encoding=info["encoding"])
    sheets = [_remote_sheet(path, name, sheet) for sheet in info["sheets"]]
    for sheet in sheets:
        if sheet.name in info["hidden"]:
            sheet.extra_notes.append(msg("ingest.note.hidden_sheet", sheet=sheet.name))
    return Workbook(name, "excel", sheets, hidden=list(info["hidden"]))


_describe_lock = threading.Lock()
_describe_cache: OrderedDict[tuple, dict] = OrderedDict()


def _described(path: Path, name: str) -> dict:
    """The worker's description of a file (or its refusal), kept for the few files being looked at: the
    import page asks for the sheet names on every rerun, and the same bytes get the same answer."""
    stat = path.stat()
    limits = tuple(sorted((k, v) for k, v in os.environ.items() if k.startswith("JIANGCHUAN_PARSE_")))
    key = (str(path), stat.st_size, stat.st_mtime_ns, name, limits)
    with _describe_lock:
        info = _describe_cache.get(key)
        if info is not None:
            _describe_cache.move_to_end(key)
    if info is None:
        try:
            info = _isolated(_task_describe, path, name)
        except FileRefused as exc:
            if isinstance(exc.__cause__, isolate.Busy):
                raise
            # A refusal is remembered too: a file that ran into the time limit must not cost it again.
            info = {"refused": exc.message}
        with _describe_lock:
            _describe_cache[key] = info
            while len(_describe_cache) > 8:
                _describe_cache.popitem(last=False)
    if "refused" in info:
        raise FileRefused(info["refused"])
    return info


def _isolated(task: Callable[..., _T], path: Path, name: str, *args: object) -> _T:
    try:
        return isolate.run(task, str(path), name, *args, file_name=name)
    except FileRefused:
        raise
    except DataError as exc:
        raise FileRefused(exc.message) from exc


def _remote_sheet(path: Path, file_name: str, sheet_name: str) -> Sheet:
    table_of: dict[str, pa.Table] = {}

    def load() -> Loaded:
        table, merged, notes = _isolated(_task_sheet, path, file_name, sheet_name)
        table_of["table"] = table
        head = [
            list(row)
            for row in zip(*(table.column(i).slice(0, HEAD_ROWS).to_pylist() for i in range(table.num_columns)))
        ]
        return head, merged, notes

    def body(start: int, width: int) -> Body:
        result._get()
        return _table_body(table_of["table"], start, width)

    result = Sheet(sheet_name, load, body)
    return result


def _table_body(table: pa.Table, start: int, width: int) -> Body:
    """`width` columns from row `start` down, as _columns gives them (cells beyond `width` joined in one
    extra column when any row has them)."""
    part = table.slice(start)
    n = part.num_rows
    columns = [
        _one_chunk(part.column(i)) if i < part.num_columns else pa.array([""] * n, type=pa.string())
        for i in range(width)
    ]
    if part.num_columns > width:
        beyond = [
            part.column(i).to_pylist()
            for i in range(width, part.num_columns)
            if pc.any(pc.not_equal(pc.utf8_trim_whitespace(part.column(i)), "")).as_py()
        ]
        if beyond:
            columns.append(
                pa.array(["\t".join(c for c in cells if c.strip()) for cells in zip(*beyond)], type=pa.string())
            )
    return columns, np.arange(start + 1, start + 1 + n, dtype=np.int64)


def _one_chunk(column: pa.ChunkedArray) -> pa.Array:
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _split(table: pa.Table) -> Body:
    rows = table.column("_row").to_numpy()
    return [_one_chunk(table.column(i)) for i in range(table.num_columns - 1)], rows


def _open_local(path: Path, name: str) -> Workbook:
    """The file read in this process: only ever called inside the worker."""
    with open(path, "rb") as handle:
        head = handle.read(4096)
    if sniff_kind(path, head, name) == "excel":
        check_workbook(path, name)
        return _open_excel(path, name)
    book = _open_csv(path.read_bytes(), name)
    widest = max((len(row) for row in book.sheets[0].head), default=0)
    if widest > EXCEL_COLUMNS:
        raise FileRefused(msg("err.ingest.too_wide", file=name, columns=widest, limit=EXCEL_COLUMNS))
    return book


def _csv_errors(task: Callable[..., _T]) -> Callable[..., _T]:
    """Python's csv reader stops at a cell over 131,072 characters: say so, in the user's terms."""

    @functools.wraps(task)
    def run(path: str, name: str, *args: object) -> _T:
        try:
            return task(path, name, *args)
        except csv.Error as exc:
            raise FileRefused(msg("err.ingest.huge_cell", file=name)) from exc

    return run


@_csv_errors
def _task_describe(path: str, name: str) -> dict[str, Any]:
    book = _open_local(Path(path), name)
    info: dict[str, Any] = {
        "kind": book.kind,
        "encoding": book.encoding,
        "hidden": list(book.hidden),
        "sheets": [s.name for s in book.sheets],
    }
    if book.kind == "csv":
        info["head"] = book.sheets[0].head
    return info


def _task_sheet(path: str, name: str, sheet_name: str) -> tuple[pa.Table, list[Merged], list[str]]:
    book = _open_local(Path(path), name)
    sheet = next(s for s in book.sheets if s.name == sheet_name)
    grid, merged, notes = sheet._get()
    width = max((len(row) for row in grid), default=0)
    columns = [pa.array([row[i] if i < len(row) else "" for row in grid], type=pa.string()) for i in range(width)]
    grid.clear()
    table = pa.Table.from_arrays(columns, names=[f"c{i}" for i in range(width)])
    return table, [((r0, c0), (r1, c1)) for (r0, c0), (r1, c1) in merged], notes


@_csv_errors
def _task_csv_body(path: str, name: str, start: int, width: int) -> pa.Table:
    book = _open_local(Path(path), name)
    columns, rows = book.sheets[0].body(start, width)
    return pa.Table.from_arrays([*columns, pa.array(rows)], names=[*(f"c{i}" for i in range(len(columns))), "_row"])


# ---------------------------------------------------------------------------------------------
# text files
def _sniff_delimiter(lines: list[str]) -> str:
    best, best_score = ",", -1
    for delimiter in CSV_DELIMITERS:
        rows = list(csv.reader(lines, delimiter=delimiter))
        widths = [len([c for c in row if c.strip()]) for row in rows]
        score = sum(1 for w in widths if w >= 2) * 1000 + max(widths or [0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


HEAD_BYTES = 256 * 1024


def _utf8_head(data: bytes) -> str | None:
    """The first lines of a file without a byte-order mark, if they are UTF-8 (cut at a line break, so
    no character is split). The rest is checked by Arrow, which refuses invalid UTF-8."""
    head = data[:HEAD_BYTES]
    if len(data) > HEAD_BYTES and b"\n" in head:
        head = head[: head.rindex(b"\n") + 1]
    try:
        return head.decode("utf-8")
    except UnicodeDecodeError:
        return None


def _open_csv(data: bytes, file_name: str) -> Workbook:
    if not data.strip():
        raise FileRefused(msg("err.ingest.no_content", file=file_name))
    head_text = (
        None if data.startswith((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)) else _utf8_head(data)
    )
    if head_text is not None and b"\x00" not in data:
        # Most files are UTF-8: decoding all of it in Python would cost time and memory for nothing.
        encoding, utf8, text_of = "UTF-8", data, None
    else:
        text, encoding = decode(data, file_name)
        if not text.strip():
            raise FileRefused(msg("err.ingest.no_content", file=file_name))
        utf8 = data[3:] if data.startswith(codecs.BOM_UTF8) else (data if encoding == "UTF-8" else text.encode("utf-8"))
        head_text, text_of = text[:HEAD_BYTES], text
    full = len(head_text) >= len(data) if text_of is None else len(head_text) == len(text_of)
    head_lines = head_text.splitlines(keepends=True)
    if not full and len(head_lines) > 1 and text_of is not None:
        head_lines = head_lines[:-1]
    delimiter = _sniff_delimiter(head_lines[:HEAD_ROWS])
    head_records = list(csv.reader(io.StringIO("".join(head_lines), newline=""), delimiter=delimiter))
    # Every head record must be one physical line for Arrow's skip_rows to land where ours do.
    single_lines = len(head_records) == len(head_lines)

    def body(start: int, width: int) -> Body:
        if single_lines:
            fast = _arrow_body(utf8, delimiter, start, width)
            if fast is not None:
                return fast
        # Ragged rows, line breaks in cells, or bytes Arrow would not take as UTF-8: the careful way
        # (which also refuses a file that is not text, or decodes a GBK file whose first lines were ASCII).
        text = text_of if text_of is not None else decode(data, file_name)[0]
        return _python_body(text, delimiter, start, width)

    head = head_records[:HEAD_ROWS]
    return Workbook(file_name, "csv", [Sheet(file_name, lambda: (head, [], []), body)], encoding=encoding)


def _arrow_body(utf8: bytes, delimiter: str, start: int, width: int) -> Body | None:
    invalid: list[object] = []

    def on_invalid(row: object) -> str:
        invalid.append(row)
        return "skip"

    # A line break inside a value needs a quoted cell; without any quote Arrow may split the file
    # between lines and parse the blocks in parallel (three times faster on two cores).
    quoted = b'"' in utf8
    try:
        table = pa_csv.read_csv(
            io.BytesIO(utf8),
            read_options=pa_csv.ReadOptions(
                skip_rows=start, autogenerate_column_names=True, block_size=(8 << 20) if quoted else (1 << 20)
            ),
            parse_options=pa_csv.ParseOptions(
                delimiter=delimiter, newlines_in_values=quoted, ignore_empty_lines=False, invalid_row_handler=on_invalid
            ),
            convert_options=pa_csv.ConvertOptions(
                column_types={f"f{i}": pa.string() for i in range(width)},
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
                null_values=[],
            ),
        )
    except pa.ArrowInvalid:
        return None
    # Ragged rows (more or fewer cells than the first data row) would shift the row numbers: read those
    # files the slow way, which keeps every row where the user sees it.
    if invalid or table.num_columns != width or any(t != pa.string() for t in table.schema.types):
        return None
    columns = [
        table.column(i).combine_chunks() if table.column(i).num_chunks != 1 else table.column(i).chunk(0)
        for i in range(width)
    ]
    return columns, np.arange(start + 1, start + 1 + table.num_rows, dtype=np.int64)


def _python_body(text: str, delimiter: str, start: int, width: int) -> Body:
    rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))[start:]
    return _columns(rows, start, width)


def _columns(rows: Grid, start: int, width: int) -> Body:
    """Rows of text to `width` Arrow columns; cells beyond `width` are kept in one extra column (so
    a row that spills past the header can be reported) when any row has them."""
    extra = any(len(row) > width and any(c.strip() for c in row[width:]) for row in rows)
    cols = [[row[i] if i < len(row) else "" for row in rows] for i in range(width)]
    if extra:
        cols.append(["\t".join(c for c in row[width:] if c.strip()) if len(row) > width else "" for row in rows])
    return [pa.array(c, type=pa.string()) for c in cols], np.arange(start + 1, start + 1 + len(rows), dtype=np.int64)


# ---------------------------------------------------------------------------------------------
# workbooks
def cell_text(value: object) -> str:
    """A cell as text the way Excel shows it, with whole numbers as integers (IDs and phone numbers
    saved as numbers would otherwise grow a '.0')."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return repr(value)
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return str(value)
    return str(value)


def _open_excel(path: Path, file_name: str) -> Workbook:
    from python_calamine import CalamineError, CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        book = CalamineWorkbook.from_path(str(path))
    except (CalamineError, OSError, ValueError) as exc:
        text = str(exc).lower()
        hint = msg(
            "err.ingest.excel.password"
            if ("password" in text or "encrypt" in text or "cfb" in text)
            else "err.ingest.excel.damaged"
        )
        raise FileRefused(msg("err.ingest.excel_unreadable", file=file_name, hint=hint)) from exc
    visible: list[str] = []
    hidden: list[str] = []
    for meta in book.sheets_metadata:
        if meta.typ != SheetTypeEnum.WorkSheet:
            continue
        (visible if meta.visible == SheetVisibleEnum.Visible else hidden).append(meta.name)
    formulas = _formula_sheets(path)
    sheets = [_excel_sheet(book, name, path, formulas) for name in visible]
    hidden_sheets = [_excel_sheet(book, name, path, formulas) for name in hidden]
    for sheet in hidden_sheets:
        sheet.extra_notes.append(msg("ingest.note.hidden_sheet", sheet=sheet.name))
    workbook = Workbook(file_name, "excel", sheets + hidden_sheets, hidden=hidden)
    if not visible and not hidden:
        raise FileRefused(msg("err.ingest.no_sheets", file=file_name))
    return workbook


def _excel_sheet(book: CalamineWorkbook, name: str, path: Path, formula_sheets: set[str]) -> Sheet:
    grid_of: dict[str, list[list[str]]] = {}

    def load() -> Loaded:
        sheet = book.get_sheet_by_name(name)
        grid = [[cell_text(v) for v in row] for row in sheet.to_python(skip_empty_area=False)]
        merged = sheet.merged_cell_ranges or []
        _fill_merged(grid, merged)
        notes = _mark_formulas(grid, path, name) if name in formula_sheets else []
        grid_of["grid"] = grid
        return grid, merged, notes

    result = Sheet(name, load, lambda start, width: _columns(result._get()[0][start:], start, width))
    return result


def _fill_merged(grid: Grid, merged: list[Merged]) -> None:
    """A merged range shows its top-left value in every cell it covers; so does the grid."""
    # A range reaching past the cells (a whole-sheet merge A1:XFD1048576) fills only the area the
    # sheet holds: expanding it would be 17 billion cells.
    width = max((len(row) for row in grid), default=0)
    for (r0, c0), (r1, c1) in merged:
        if r0 >= len(grid) or c0 >= width:
            continue
        c1 = min(c1, width - 1)
        value = grid[r0][c0] if c0 < len(grid[r0]) else ""
        for r in range(r0, min(r1, len(grid) - 1) + 1):
            row = grid[r]
            if len(row) <= c1:
                row.extend([""] * (c1 + 1 - len(row)))
            for c in range(c0, c1 + 1):
                row[c] = value


_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[ >/]")


def _formula_sheets(path: Path) -> set[str]:
    """Names of the .xlsx sheets that contain formulas (a cheap scan of the worksheet XML)."""
    if not zipfile.is_zipfile(path):
        return set()
    try:
        with zipfile.ZipFile(path) as archive:
            parts = [n for n in archive.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml")]
            with_formulas = {n for n in parts if _FORMULA_TAG.search(archive.read(n))}
            if not with_formulas:
                return set()
            workbook = archive.read("xl/workbook.xml").decode("utf-8", "replace")
            rels = archive.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except (KeyError, zipfile.BadZipFile, OSError):
        return set()
    targets = {}
    for match in re.finditer(r"<Relationship\b[^>]*>", rels):
        tag = match.group(0)
        rid, target = re.search(r'Id="([^"]+)"', tag), re.search(r'Target="([^"]+)"', tag)
        if rid and target:
            value = target.group(1)
            targets[rid.group(1)] = value.lstrip("/") if value.startswith("/") else "xl/" + value
    names = set()
    for match in re.finditer(r"<sheet\b[^>]*>", workbook):
        tag = match.group(0)
        name, rid = re.search(r'name="([^"]+)"', tag), re.search(r'r:id="([^"]+)"', tag)
        if name and rid and targets.get(rid.group(1)) in with_formulas:
            names.add(html.unescape(name.group(1)))
    return names


def _mark_formulas(grid: list[list[str]], path: Path, name: str) -> list[str]:
    """Formula cells keep the value Excel saved; one without a saved value is marked for validation."""
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    try:
        if name not in book.sheetnames:
            return []
        sheet = book[name]
        with_value = without = 0
        for row in sheet.iter_rows():
            for cell in row:
                value = getattr(cell, "value", None)
                if isinstance(value, str) and value.startswith("=") and getattr(cell, "data_type", "") == "f":
                    r, c = cell.row - 1, cell.column - 1
                    if r < len(grid) and c < len(grid[r]) and grid[r][c] != "":
                        with_value += 1
                    else:
                        while len(grid) <= r:
                            grid.append([])
                        if len(grid[r]) <= c:
                            grid[r].extend([""] * (c + 1 - len(grid[r])))
                        grid[r][c] = FORMULA_MARK + value
                        without += 1
    finally:
        book.close()
    notes: list[str] = []
    if with_value:
        notes.append(msg("ingest.note.formulas", count=with_value))
    if without:
        notes.append(msg("ingest.note.formulas_unsaved", count=without))
    return notes
