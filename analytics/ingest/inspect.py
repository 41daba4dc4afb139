"""What a workbook declares and holds, checked before any parser sees it.

An .xlsx or .ods is a zip of XML parts: its directory says how many parts there are and how big each
becomes once uncompressed, so a zip bomb is refused from the directory alone. The worksheets are then
streamed through a bounded reader (never decompressed whole into memory) to find the declared
<dimension>, the last row and column that hold a cell, the merged ranges and any DTD (OOXML never has
one: a DTD in a part is an entity-expansion attack). Each check refuses with its reason and what to do.

Runs inside the parsing worker (analytics.core.isolate), so even a surprise here costs one refusal.
"""

from __future__ import annotations

import os
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

from analytics.core.errors import DataError
from words import Message, msg

EXCEL_ROWS, EXCEL_COLUMNS = 1_048_576, 16_384
MAX_PARTS = 5_000
CHUNK = 1 << 20


class FileRefused(DataError):
    """The file cannot be read at all (size, encoding, format, declared size, a parser that failed);
    nothing in it was looked at further. (Defined here, the first module to refuse, and re-exported by
    analytics.ingest.reading.)"""


def _limit(name: str, default: int) -> int:
    try:
        value = int(os.environ.get(name, "") or default)
    except ValueError:
        return default
    return value if value > 0 else default


def max_cells() -> int:
    """Cells one sheet may span (rows × columns of its used area): a 50 MB ledger has a few million."""
    return _limit("JIANGCHUAN_PARSE_MAX_CELLS", 20_000_000)


def max_uncompressed() -> int:
    return _limit("JIANGCHUAN_PARSE_MAX_UNZIPPED_MB", 1024) * 1024 * 1024


MAX_RATIO = 200  # deflate of real sheet XML gives 5–40×; whitespace bombs give 1000×
RATIO_FLOOR = 20 * 1024 * 1024  # a part smaller than this is harmless whatever its ratio
MAX_MERGES = 100_000

_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\b[^>]*?\bref="([^"]+)"')
_ROW = re.compile(rb'<(?:\w+:)?row\b[^>]*?\br="(\d+)"')
# Cells from column AA on: rare in ledgers, so finding them stays cheap; columns A–Z need no match.
_WIDE_CELL = re.compile(rb'<(?:\w+:)?c\b[^>]*?\br="([A-Z]{2,})(\d+)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([^"]+)"')
_DTD = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ODS_REPEAT = re.compile(rb'number-(rows|columns)-repeated="(\d+)"')
_REF = re.compile(r"^\$?([A-Z]{1,7})\$?(\d{1,12})$")


def column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ord(ch) - 64)
    return number


def parse_ref(ref: str) -> tuple[tuple[int, int], tuple[int, int]] | None:
    """'B2:D9' → ((2, 2), (9, 4)) as 1-based (row, column); a single cell spans itself."""
    parts = ref.upper().split(":")
    cells = []
    for part in parts[:2]:
        match = _REF.match(part.strip())
        if not match:
            return None
        cells.append((int(match.group(2)), column_number(match.group(1))))
    if len(cells) == 1:
        cells.append(cells[0])
    return cells[0], cells[1]


def _area(ref: tuple[tuple[int, int], tuple[int, int]]) -> int:
    (r0, c0), (r1, c1) = ref
    return (abs(r1 - r0) + 1) * (abs(c1 - c0) + 1)


XLS_ROWS, XLS_COLUMNS = 65_536, 256
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_workbook(path: Path, file_name: str) -> None:
    """Refuse a workbook whose directory or sheets declare more than can be read safely."""
    with open(path, "rb") as handle:
        if handle.read(8) == _OLE:
            _check_xls(path, file_name)
            return
    if not zipfile.is_zipfile(path):
        return
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise FileRefused(msg("err.ingest.bad_zip", file=file_name)) from exc
    with archive:
        infos = archive.infolist()
        _check_directory(infos, file_name)
        names = {i.filename for i in infos}
        if "[Content_Types].xml" not in names and "mimetype" not in names:
            raise FileRefused(msg("err.ingest.not_workbook", file=file_name))
        for info in infos:
            if info.filename.endswith((".xml", ".rels")):
                with archive.open(info) as part:
                    if _DTD.search(part.read(4096)):
                        raise FileRefused(msg("err.ingest.dtd", file=file_name, part=info.filename[:60]))
        for info in infos:
            if info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml"):
                _check_sheet(archive, info, file_name)
            elif info.filename == "content.xml":
                _check_ods(archive, info, file_name)


def _check_directory(infos: list[zipfile.ZipInfo], file_name: str) -> None:
    if len(infos) > MAX_PARTS:
        raise FileRefused(msg("err.ingest.too_many_parts", file=file_name, parts=len(infos)))
    total = 0
    for info in infos:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > RATIO_FLOOR and ratio > MAX_RATIO:
            raise FileRefused(
                msg(
                    "err.ingest.zip_bomb",
                    file=file_name,
                    part=info.filename[:60],
                    mb=info.file_size / 2**20,
                    ratio=ratio,
                )
            )
    if total > max_uncompressed():
        raise FileRefused(
            msg("err.ingest.too_big_unpacked", file=file_name, mb=total / 2**20, limit=max_uncompressed() / 2**20)
        )


def _scan(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> Iterator[tuple[bytes, int]]:
    """The part's bytes in chunks, each with the tail of the previous one so no tag is cut in two."""
    tail = b""
    with archive.open(info) as part:
        while True:
            block = part.read(CHUNK)
            if not block:
                return
            yield tail + block, len(tail)
            tail = block[-512:]


def _check_sheet(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file_name: str) -> None:
    sheet = msg("err.ingest.sheet_part", part=info.filename.rsplit("/", 1)[-1][:40])
    budget = max_cells()
    max_row = max_col = merges = 0
    first = True
    for chunk, overlap in _scan(archive, info):
        if first:
            match = _DIMENSION.search(chunk[:65536])
            declared = parse_ref(match.group(1).decode("ascii", "replace")) if match else None
            if declared:
                _check_extent(declared[1][0], declared[1][1], file_name, sheet, msg("err.ingest.extent.declared"))
            first = False
        for match in _ROW.finditer(chunk):
            max_row = max(max_row, int(match.group(1)))
        for match in _WIDE_CELL.finditer(chunk):
            max_col = max(max_col, column_number(match.group(1).decode()))
            max_row = max(max_row, int(match.group(2)))
        for match in _MERGE.finditer(chunk):
            if match.end() <= overlap:  # whole in the previous chunk's tail: counted there
                continue
            merges += 1
            ref = parse_ref(match.group(1).decode("ascii", "replace"))
            if ref is None:
                continue
            _check_extent(ref[1][0], ref[1][1], file_name, sheet, msg("err.ingest.extent.merge"))
            if _area(ref) > budget:
                raise FileRefused(
                    msg(
                        "err.ingest.huge_merge",
                        file=file_name,
                        sheet=sheet,
                        ref=match.group(1).decode()[:40],
                        cells=_area(ref),
                    )
                )
        _check_extent(max_row, max_col, file_name, sheet, "")
    if merges > MAX_MERGES:
        raise FileRefused(msg("err.ingest.many_merges", file=file_name, sheet=sheet, merges=merges))
    area = max_row * max(max_col, 26)
    if area > budget:
        raise FileRefused(
            msg(
                "err.ingest.too_many_cells",
                file=file_name,
                sheet=sheet,
                row=max_row,
                col=max(max_col, 26),
                cells=area,
                limit=budget,
            )
        )


def _check_extent(row: int, col: int, file_name: str, sheet: Message | str, what: Message | str) -> None:
    if row > EXCEL_ROWS or col > EXCEL_COLUMNS:
        reach = msg("err.ingest.reach_cell", row=row, col=col) if col else msg("err.ingest.reach_row", row=row)
        raise FileRefused(
            msg(
                "err.ingest.beyond_excel",
                file=file_name,
                sheet=sheet,
                what=what,
                reach=reach,
                rows=EXCEL_ROWS,
                cols=EXCEL_COLUMNS,
            )
        )


def _check_ods(archive: zipfile.ZipFile, info: zipfile.ZipInfo, file_name: str) -> None:
    """OpenDocument repeats rows and columns by count: one row repeated a million times is a few bytes."""
    biggest_rows = biggest_cols = 0
    for chunk, _ in _scan(archive, info):
        for match in _ODS_REPEAT.finditer(chunk):
            count = int(match.group(2))
            if match.group(1) == b"rows":
                biggest_rows = max(biggest_rows, count)
            else:
                biggest_cols = max(biggest_cols, count)
    _check_extent(biggest_rows, biggest_cols, file_name, "", msg("err.ingest.extent.repeated"))


def _check_xls(path: Path, file_name: str) -> None:
    """An .xls (BIFF8) holds its sheets' records in the compound file's Workbook stream: walk the
    records (4-byte headers, no parsing of their content) and check each sheet's DIMENSIONS record
    against what the format itself can hold. A file xlrd cannot even locate the stream in is left to
    the parser, which refuses it."""
    from xlrd import compdoc

    try:
        with open(os.devnull, "w") as quiet:
            document = compdoc.CompDoc(path.read_bytes(), logfile=quiet)
            memory, start, length = document.locate_named_stream("Workbook")
    except Exception:  # a damaged compound file: the parser gives the message
        return
    if not memory:
        return
    position, end = start, start + length
    while position + 4 <= end:
        kind = int.from_bytes(memory[position : position + 2], "little")
        size = int.from_bytes(memory[position + 2 : position + 4], "little")
        body = memory[position + 4 : position + 4 + size]
        if kind == 0x0200 and size >= 14:  # DIMENSIONS: first row, last row + 1, first col, last col + 1
            rows = int.from_bytes(body[4:8], "little")
            cols = int.from_bytes(body[10:12], "little")
            if rows > XLS_ROWS or cols > XLS_COLUMNS:
                raise FileRefused(
                    msg(
                        "err.ingest.beyond_xls",
                        file=file_name,
                        rows=rows,
                        cols=cols,
                        max_rows=XLS_ROWS,
                        max_cols=XLS_COLUMNS,
                    )
                )
        position += 4 + size
