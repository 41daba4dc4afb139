"""Hostile-input benchmark (issue 17): files built to hurt a parser, through the import page's path.

    .venv/bin/python -m bench.hostile_files                   # this checkout
    .venv/bin/python -m bench.hostile_files --code /work/main # another checkout (e.g. before the fix)

Each file is generated in a temporary folder, run and deleted (at most ~50 MB on disk at a time). It is
run in a child process standing in for the app's server (so the benchmark survives a native abort),
exactly as app_pages/data_import.py does: sheet_names, preview, then import_file. The child has a
4 GB address-space cap so that the code before the fix cannot take the shared machine down: a file that
needed more shows as "MemoryError/abort at the bench's 4 GB cap". Printed: file, size, outcome, the
server's peak resident memory increase, the parser worker's peak, time, and whether the database was
unchanged (checksums of every table before and after).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
UPLOAD_LIMIT = 50 * 1024 * 1024
SERVER_CAP = 4 << 30

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
HEADER = ["事务编号", "居民区", "事务类别", "上报时间", "办结时间", "办结层级", "是否紧急", "满意度"]


# ---------------------------------------------------------------------------------------------
# builders (also used by tests/unit/test_ingest_hostile.py with small sizes)
def xlsx(
    path: Path,
    sheet_xml: bytes | str | None = None,
    *,
    parts: dict[str, bytes | str] | None = None,
    sheet_stream=None,
    sheets: int = 1,
) -> Path:
    """A minimal .xlsx with `sheets` worksheets whose first holds `sheet_xml` (or what `sheet_stream`
    yields, written without holding it in memory)."""
    ct = (
        '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + "".join(
            f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-'
            f'officedocument.spreadsheetml.worksheet+xml"/>'
            for i in range(1, sheets + 1)
        )
        + "</Types>"
    )
    rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
        'officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    book = (
        f'<?xml version="1.0"?><workbook {NS} xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships"><sheets>'
        + "".join(f'<sheet name="表{i}" sheetId="{i}" r:id="rId{i}"/>' for i in range(1, sheets + 1))
        + "</sheets></workbook>"
    )
    book_rels = (
        '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(
            f'<Relationship Id="rId{i}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
            f'relationships/worksheet" Target="worksheets/sheet{i}.xml"/>'
            for i in range(1, sheets + 1)
        )
        + "</Relationships>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", ct)
        archive.writestr("_rels/.rels", rels)
        archive.writestr("xl/workbook.xml", book)
        archive.writestr("xl/_rels/workbook.xml.rels", book_rels)
        if sheet_stream is not None:
            with archive.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
                for block in sheet_stream:
                    part.write(block)
        else:
            archive.writestr("xl/worksheets/sheet1.xml", sheet_xml or sheet([]))
        for i in range(2, sheets + 1):
            archive.writestr(f"xl/worksheets/sheet{i}.xml", sheet([["x"]]))
        for name, data in (parts or {}).items():
            archive.writestr(name, data)
    return path


def cell(ref: str, text: str) -> str:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def column_letters(n: int) -> str:
    letters = ""
    while n:
        n, rem = divmod(n - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def sheet(rows: list[list[str]], *, dimension: str | None = None, merges: list[str] = (), extra_rows: str = "") -> str:
    body = "".join(
        f'<row r="{r}">' + "".join(cell(f"{column_letters(c)}{r}", v) for c, v in enumerate(row, 1) if v) + "</row>"
        for r, row in enumerate(rows, 1)
    )
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    merged = (
        (f'<mergeCells count="{len(merges)}">' + "".join(f'<mergeCell ref="{m}"/>' for m in merges) + "</mergeCells>")
        if merges
        else ""
    )
    return f'<?xml version="1.0"?><worksheet {NS}>{dim}<sheetData>{body}{extra_rows}</sheetData>{merged}</worksheet>'


def ledger_rows(n: int) -> list[list[str]]:
    return [HEADER] + [
        [
            f"H{i}",
            "鹤北一居",
            "矛盾化解",
            f"2024-03-{i % 28 + 1:02d} 09:30",
            f"2024-03-{i % 28 + 1:02d} 18:00",
            "网格",
            "否",
            "5",
        ]
        for i in range(1, n + 1)
    ]


def crashing_xlsx(path: Path) -> Path:
    """Under 2 KB: one cell in A1 and one in XFD1048576. calamine allocates the whole rectangle
    (17 billion cells × 32 bytes = 512 GiB), the allocation fails and Rust aborts the process."""
    return xlsx(
        path,
        sheet([], extra_rows=f'<row r="1">{cell("A1", "x")}</row><row r="1048576">{cell("XFD1048576", "y")}</row>'),
    )


def whole_sheet_merge_xlsx(path: Path, rows: int = 3) -> Path:
    return xlsx(path, sheet(ledger_rows(rows), merges=["A1:XFD1048576"]))


def dtd_xlsx(path: Path) -> Path:
    lol = (
        '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        + "".join(
            f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">' for i in range(1, 10)
        )
        + f']><worksheet {NS}><sheetData><row r="1">{cell("A1", "&lol9;")}</row></sheetData></worksheet>'
    )
    return xlsx(path, lol)


def whitespace_bomb(path: Path, megabytes: int) -> Path:
    def stream():
        yield f'<?xml version="1.0"?><worksheet {NS}><sheetData><row r="1">{cell("A1", "x")}</row>'.encode()
        block = b" " * (1 << 20)
        for _ in range(megabytes):
            yield block
        yield b"</sheetData></worksheet>"

    return xlsx(path, sheet_stream=stream())


def empty_rows_xlsx(path: Path, rows: int, *, styled_cell: bool = False) -> Path:
    def stream():
        yield f'<?xml version="1.0"?><worksheet {NS}><sheetData>'.encode()
        yield "".join(
            f'<row r="{r}">' + "".join(cell(f"{column_letters(c)}{r}", v) for c, v in enumerate(row, 1)) + "</row>"
            for r, row in enumerate(ledger_rows(2), 1)
        ).encode()
        batch = []
        for r in range(4, rows + 1):
            batch.append(
                f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t></t></is></c></row>'
                if styled_cell
                else f'<row r="{r}"/>'
            )
            if len(batch) == 100_000:
                yield "".join(batch).encode()
                batch = []
        yield (
            "".join(batch) + f'<row r="{rows + 1}">{cell(f"H{rows + 1}", "5")}</row></sheetData></worksheet>'
        ).encode()

    return xlsx(path, sheet_stream=stream())


def corrupt_xls(p: Path) -> Path:
    data = bytearray((ROOT / "tests/data/ingest/cases.xls").read_bytes())
    for i in range(1200, len(data), 97):
        data[i] = (data[i] * 31 + 7) % 256
    p.write_bytes(bytes(data))
    return p


def xls_huge_dimensions(p: Path) -> Path:
    data = bytearray((ROOT / "tests/data/ingest/cases.xls").read_bytes())
    at = data.find(b"\x00\x02\x0e\x00")  # DIMENSIONS record: rwMic, rwMac (4 bytes each), colMic, colMac
    if at >= 0:
        data[at + 4 : at + 18] = (
            (0).to_bytes(4, "little") + (0xFFFFFFFF).to_bytes(4, "little") + b"\x00\x00\xff\xff\x00\x00"
        )
    p.write_bytes(bytes(data))
    return p


def csv_bytes(rows: list[list[str]], encoding: str = "utf-8") -> bytes:
    return "".join(",".join(row) + "\r\n" for row in rows).encode(encoding)


LATIN1_ROWS = [
    ["Nom", "Prénom", "Adresse", "Téléphone", "Remarque"],
    ["Lefèvre", "Hélène", "12 rue de l'Église", "0612345678", "Déjà contacté, très satisfaite"],
    ["Müller", "Jürgen", "Bahnhofstraße 5", "0171234567", "Größe: groß, Grüße"],
    ["Núñez", "José", "Calle Señor 3", "0034911", "Año próximo: revisión"],
    ["Gonçalves", "Inês", "Praça São João", "0351", "Atenção à situação"],
]


# ---------------------------------------------------------------------------------------------
# the corpus
def corpus():
    """(name, file name, kind of data, builder(path)) for every hostile file."""

    def raw(data):
        return lambda p: p.write_bytes(data() if callable(data) else data)

    def nested_zip(p):
        inner = io.BytesIO()
        with zipfile.ZipFile(inner, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("a.csv", "x," * 100)
        outer_path = p.with_suffix(".inner.xlsx")
        xlsx(outer_path, sheet(ledger_rows(1)), parts={"xl/embeddings/nested.zip": inner.getvalue() * 1})
        with zipfile.ZipFile(p, "w", zipfile.ZIP_STORED) as z:
            z.write(outer_path, "ledger.xlsx")
        outer_path.unlink()

    def many_parts(p):
        xlsx(p, sheet(ledger_rows(1)), parts={f"xl/media/p{i}.xml": "<a/>" for i in range(6000)})

    def many_merges(p):
        xlsx(p, sheet(ledger_rows(2), merges=[f"J{r}:K{r}" for r in range(1, 150_001)]))

    def ods_repeat(p):
        oasis = "urn:oasis:names:tc:opendocument:xmlns"
        content = (
            f'<?xml version="1.0"?><office:document-content xmlns:office="{oasis}:office:1.0" '
            f'xmlns:table="{oasis}:table:1.0" xmlns:text="{oasis}:text:1.0">'
            '<office:body><office:spreadsheet><table:table table:name="S">'
            '<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" '
            'office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>'
            "</table:table></office:spreadsheet></office:body></office:document-content>"
        )
        with zipfile.ZipFile(p, "w", zipfile.ZIP_DEFLATED) as z:
            z.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet", compress_type=zipfile.ZIP_STORED)
            z.writestr("content.xml", content)
            z.writestr(
                "META-INF/manifest.xml",
                f'<?xml version="1.0"?><manifest:manifest xmlns:manifest="{oasis}:manifest:1.0">'
                '<manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>',
            )

    def overlong_cell(p):
        rows = ledger_rows(3)
        rows[2][1] = "鹤" * 100_000
        p.write_bytes(csv_bytes(rows))

    def gbk_lookalike(p):
        # Latin-1 bytes that happen to decode as GBK (accented pairs fall in GBK's lead/trail ranges)
        p.write_bytes(
            csv_bytes(
                [["Nom", "Prénom", "Ville"], ["Lefèvre", "Hélène", "Orléans"], ["Béranger", "Thérèse", "Besançon"]],
                "latin-1",
            )
        )

    def legit_xlsx(p, n=200_000):
        def stream():
            yield f'<?xml version="1.0"?><worksheet {NS}><sheetData>'.encode()
            rows = ledger_rows(n)
            for start in range(0, len(rows), 20_000):
                yield "".join(
                    f'<row r="{r}">'
                    + "".join(cell(f"{column_letters(c)}{r}", v) for c, v in enumerate(row, 1))
                    + "</row>"
                    for r, row in enumerate(rows[start : start + 20_000], start + 1)
                ).encode()
            yield b"</sheetData></worksheet>"

        xlsx(p, sheet_stream=stream())

    return [
        ("legit: 200,000-row ledger (.xlsx)", "legit.xlsx", "grid_cases", legit_xlsx),
        (
            "legit: 200,000-row ledger (CSV, GBK)",
            "legit_gbk.csv",
            "grid_cases",
            lambda p: p.write_bytes(csv_bytes(ledger_rows(200_000), "gbk")),
        ),
        ("native abort: cells at A1 and XFD1048576 (<2 KB)", "台账.xlsx", "grid_cases", crashing_xlsx),
        (
            "cell beyond Excel's limits (ZZZZ99999999)",
            "beyond.xlsx",
            "grid_cases",
            lambda p: xlsx(p, sheet(ledger_rows(1), extra_rows=f'<row r="99999999">{cell("ZZZZ99999999", "y")}</row>')),
        ),
        (
            "declared dimension A1:XFD1048576",
            "dimension.xlsx",
            "grid_cases",
            lambda p: xlsx(p, sheet(ledger_rows(3), dimension="A1:XFD1048576")),
        ),
        ("merge A1:XFD1048576 over 3 rows", "merge3.xlsx", "grid_cases", whole_sheet_merge_xlsx),
        (
            "merge A1:XFD1048576 over 2,000 rows",
            "merge2000.xlsx",
            "grid_cases",
            lambda p: whole_sheet_merge_xlsx(p, 2000),
        ),
        (
            "merge A1:XFD1 (a whole first row)",
            "merge_row.xlsx",
            "grid_cases",
            lambda p: xlsx(p, sheet(ledger_rows(3), merges=["A1:XFD1"])),
        ),
        ("150,000 merged ranges", "merges.xlsx", "grid_cases", many_merges),
        ("zip bomb: 2 GB of whitespace in the sheet", "bomb.xlsx", "grid_cases", lambda p: whitespace_bomb(p, 2048)),
        (
            "zip bomb: 400 MB of whitespace (under the 1 GB total)",
            "bomb400.xlsx",
            "grid_cases",
            lambda p: whitespace_bomb(p, 400),
        ),
        ("billion laughs (DTD entities) in the sheet", "laughs.xlsx", "grid_cases", dtd_xlsx),
        (
            "sharedStrings part of 600 MB whitespace",
            "sst.xlsx",
            "grid_cases",
            lambda p: xlsx(p, sheet(ledger_rows(1)), parts={"xl/sharedStrings.xml": b" " * (600 << 20)}),
        ),
        ("5,000,000 empty rows", "rows5m.xlsx", "grid_cases", lambda p: empty_rows_xlsx(p, 5_000_000)),
        (
            "1,000,000 rows of empty cells, one value at the end",
            "rows1m.xlsx",
            "grid_cases",
            lambda p: empty_rows_xlsx(p, 1_000_000, styled_cell=True),
        ),
        ("6,000 parts in the zip", "parts.xlsx", "grid_cases", many_parts),
        ("200 worksheets", "sheets200.xlsx", "grid_cases", lambda p: xlsx(p, sheet(ledger_rows(2)), sheets=200)),
        ("a CSV named .xlsx", "csv.xlsx", "grid_cases", raw(csv_bytes(ledger_rows(3)))),
        ("a CSV named .xls", "csv.xls", "grid_cases", raw(csv_bytes(ledger_rows(3)))),
        (
            "a web page named .xls",
            "export.xls",
            "grid_cases",
            raw(b"<html><body><table><tr><td>x</td></tr></table></body></html>"),
        ),
        ("a zip of a workbook (nested zip)", "nested.xlsx", "grid_cases", nested_zip),
        ("a zip of text files", "notes.xlsx", "grid_cases", raw(lambda: _zip_of({"a.txt": "hello", "b.txt": "world"}))),
        (
            "truncated .xlsx",
            "cut.xlsx",
            "grid_cases",
            lambda p: (xlsx(p, sheet(ledger_rows(50))), p.write_bytes(p.read_bytes()[:900])),
        ),
        ("PK header then random bytes", "random.xlsx", "grid_cases", raw(b"PK\x03\x04" + os.urandom(4000))),
        (
            "OLE header then random bytes (.xls)",
            "random.xls",
            "grid_cases",
            raw(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + os.urandom(4000)),
        ),
        (".xls with corrupt records", "corrupt.xls", "grid_cases", corrupt_xls),
        (".xls declaring 4 billion rows", "dims.xls", "grid_cases", xls_huge_dimensions),
        (".ods repeating a cell 1,048,576 × 16,384 times", "repeat.ods", "grid_cases", ods_repeat),
        ("empty file", "empty.csv", "grid_cases", raw(b"")),
        ("NUL bytes", "nul.csv", "grid_cases", raw(b"\x00" * 5000)),
        ("UTF-16 without BOM", "utf16.csv", "grid_cases", raw(csv_bytes(ledger_rows(3), "utf-16-le"))),
        ("Latin-1 (French, German, Spanish names)", "latin1.csv", "grid_cases", raw(csv_bytes(LATIN1_ROWS, "latin-1"))),
        ("Latin-1 that decodes as GBK", "gbk_lookalike.csv", "grid_cases", gbk_lookalike),
        (
            "cp1252 with curly quotes",
            "cp1252.csv",
            "grid_cases",
            raw(csv_bytes([["Name", "Note"], ["O’Brien", "“urgent” – call back"], ["Zoë", "€5 fee"]] * 3, "cp1252")),
        ),
        (
            "Shift-JIS",
            "sjis.csv",
            "grid_cases",
            raw(csv_bytes([["氏名", "住所"], ["山田太郎", "東京都新宿区"], ["佐藤花子", "大阪市北区"]], "shift_jis")),
        ),
        (
            "Big5",
            "big5.csv",
            "grid_cases",
            raw(csv_bytes([["姓名", "地址"], ["陳大文", "臺北市信義區"], ["林小華", "高雄市"]], "big5")),
        ),
        (
            "markdown and HTML in the file name",
            "[x](http://e.com)![i](http://e.com/a.png)<b>x</b>.csv",
            "grid_cases",
            raw(csv_bytes(ledger_rows(3))),
        ),
        ("one 45 MB line", "line.csv", "grid_cases", raw(lambda: b"A" * (45 << 20))),
        ("1,000,000 commas on one line", "commas.csv", "grid_cases", raw(lambda: b"," * 1_000_000 + b"\n")),
        ("20,001 columns", "wide.csv", "grid_cases", raw(b"a," * 20_000 + b"\r\n")),
        ("45 MB of empty lines", "newlines.csv", "grid_cases", raw(lambda: b"\n" * (45 << 20))),
        ("a 100,000-character cell", "long_cell.csv", "grid_cases", overlong_cell),
    ]


def _zip_of(files: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------
# one file, as the page runs it, in a child standing in for the server
CHILD = r"""
import json, os, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, ({cap}, {cap}))
sys.path.insert(0, {code!r})
os.chdir({code!r})
from analytics import db, ingest
path, kind, name, base = sys.argv[1:5]

def rss_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmRSS:"):
            return int(line.split()[1])

def hwm_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

def digest(con):
    out = {{}}
    tables = con.execute("SELECT table_name FROM information_schema.tables WHERE table_schema='main' "
                         "AND table_type='BASE TABLE' ORDER BY 1").fetchall()
    for (table,) in tables:
        out[table] = con.execute("SELECT count(*), coalesce(md5(string_agg(CAST(t AS VARCHAR), '|' "
                                 f"ORDER BY CAST(t AS VARCHAR))), '') FROM \"{{table}}\" t").fetchone()
    return out

con = db.connect(base)
before = digest(con)
try:
    from analytics.core import isolate
    isolate.stats.worker_peak_kb = 0
except ImportError:
    isolate = None
# what a first page run has loaded anyway: the ingest modules and a preview of a small good file
import gc
gc.collect()
start_rss = rss_kb()
# reset the high-water mark to now, so the peak is this file's
open("/proc/self/clear_refs", "w").write("5")
t0 = time.perf_counter()
outcome = ""
try:
    visible, hidden = ingest.sheet_names(path, max_bytes={limit})
    sheet = None
    if len(visible) + len(hidden) > 1 or (hidden and not visible):
        sheet = (visible or hidden)[0]
    elif not name.lower().endswith((".csv", ".txt", ".tsv")):
        sheet = visible[0] if visible else None
    report = ingest.preview(con, path, kind, sheet=sheet, max_bytes={limit}, file_name=name)
    if report.errors:
        outcome = "preview: " + str(len(report.errors)) + " errors; first: " + report.errors[0][3]
    else:
        done = ingest.import_file(con, path, kind, sheet=sheet, max_bytes={limit}, file_name=name)
        outcome = f"imported {{done.rows_imported}} rows" if not done.errors else "import: " + done.errors[0][3]
except MemoryError:
    outcome = "MemoryError (server process)"
except Exception as exc:
    outcome = type(exc).__name__ + ": " + str(exc)
elapsed = time.perf_counter() - t0
after = digest(con)
worker = getattr(isolate.stats, "worker_peak_kb", 0) if isolate else 0
print("RESULT" + json.dumps({{"outcome": outcome, "seconds": elapsed, "server_mb": (hwm_kb() - start_rss) / 1024,
                             "worker_mb": worker / 1024, "db_unchanged": before == after or outcome.startswith("imported")}}))
"""


def run_one(code: Path, path: Path, kind: str, name: str, base: Path, timeout: float) -> dict:
    script = CHILD.format(cap=SERVER_CAP, code=str(code), limit=UPLOAD_LIMIT)
    started = time.perf_counter()
    try:
        done = subprocess.run(
            [sys.executable, "-c", script, str(path), kind, name, str(base)],
            capture_output=True,
            text=True,
            timeout=timeout,
            env={**os.environ, "RUST_BACKTRACE": "0"},
        )
    except subprocess.TimeoutExpired:
        return {
            "outcome": f"server still busy after {timeout:.0f} s (killed by the bench)",
            "seconds": timeout,
            "server_mb": None,
            "worker_mb": None,
            "db_unchanged": None,
        }
    for line in done.stdout.splitlines():
        if line.startswith("RESULT"):
            return json.loads(line[6:])
    lines = done.stderr.strip().splitlines() or [""]
    last = next((line for line in lines if "memory allocation" in line or "Error" in line), lines[-1])[:120]
    if done.returncode < 0 or done.returncode == 134:
        outcome = f"SERVER DIED (exit {done.returncode}): {last}"
    else:
        outcome = f"server exited {done.returncode}: {last}"
    return {
        "outcome": outcome,
        "seconds": time.perf_counter() - started,
        "server_mb": None,
        "worker_mb": None,
        "db_unchanged": None,
    }


def make_base(code: Path, path: Path) -> None:
    script = (
        f"import sys; sys.path.insert(0, {str(code)!r}); import duckdb; from analytics import db, demo, ingest;"
        f"con = duckdb.connect({str(path)!r}); db.create_schema(con); demo.build(con, scale=0.0001);"
        "ingest.clear_demo(con); con.close()"
    )
    subprocess.run([sys.executable, "-c", script], check=True, cwd=code)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", type=Path, default=ROOT, help="checkout whose analytics package is measured")
    parser.add_argument("--timeout", type=float, default=150.0)
    parser.add_argument("--only", default="", help="run only files whose file name contains this")
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="hostile_"))
    try:
        base = work / "base.duckdb"
        make_base(args.code, base)
        print(f"code: {args.code}  upload limit {UPLOAD_LIMIT >> 20} MB  server cap {SERVER_CAP >> 30} GB")
        print("| # | file | size | outcome | server +MB | worker MB | s | DB unchanged |")
        print("|---|---|---|---|---|---|---|---|")
        for number, (label, name, kind, build) in enumerate(corpus(), 1):
            if args.only and args.only not in name:
                continue
            folder = work / f"f{number}"
            folder.mkdir()
            path = folder / name.replace("/", "_")
            build(path)
            size = path.stat().st_size
            copy = work / "db.duckdb"
            shutil.copy(base, copy)
            result = run_one(args.code, path, kind, name, copy, args.timeout)
            shutil.rmtree(folder)
            copy.unlink()
            fmt = lambda v: "—" if v is None else f"{max(v, 0):,.0f}"  # noqa: E731 - a shrink shows as 0
            outcome = result["outcome"].replace("|", "/").replace("\n", " ")
            outcome = outcome[:150] + ("…" if len(outcome) > 150 else "")
            unchanged = {True: "yes", False: "**NO**", None: "—"}[result["db_unchanged"]]
            print(
                f"| {number} | {label} | {_size(size)} | {outcome} | {fmt(result['server_mb'])} | "
                f"{fmt(result['worker_mb'])} | {result['seconds']:.1f} | {unchanged} |",
                flush=True,
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _size(size: int) -> str:
    return f"{size / 2**20:.1f} MB" if size >= 2**20 else f"{size / 1024:.1f} KB" if size >= 1024 else f"{size} B"


if __name__ == "__main__":
    main()
