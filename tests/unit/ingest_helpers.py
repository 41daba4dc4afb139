"""Making awkward ledger files for the importer's tests, the way people's tools produce them."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl
import pytest

from analytics import ingest

CASE_HEADER = ["事务编号", "居民区", "事务类别", "上报时间", "办结时间", "办结层级", "是否紧急", "满意度"]


def case_rows(n: int = 3, prefix: str = "T") -> list[list[str]]:
    return [
        [
            f"{prefix}{i}",
            "鹤北一居",
            "矛盾化解",
            f"2024-03-{i:02d} 09:30",
            f"2024-03-{i + 1:02d} 10:00",
            "网格",
            "否",
            "5",
        ]
        for i in range(1, n + 1)
    ]


def write_csv(path: Path, rows: list[list], *, encoding: str = "utf-8", delimiter: str = ",") -> Path:
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def write_xlsx(
    path: Path,
    sheets: dict[str, list[list]],
    *,
    merged: dict[str, list[str]] | None = None,
    hidden: tuple[str, ...] = (),
) -> Path:
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None and value != "":
                    sheet.cell(row=r, column=c, value=value)
        for rng in (merged or {}).get(name, []):
            sheet.merge_cells(rng)
        if name in hidden:
            sheet.sheet_state = "hidden"
    book.save(path)
    return path


@pytest.fixture
def real_con(fresh_con):
    """A writable database with the demo's reference lists (communities, partners, items) and no demo
    facts: what an administrator has after 清空演示数据."""
    ingest.clear_demo(fresh_con)
    return fresh_con


def errors_at(report, row: int) -> list[tuple]:
    return [e for e in report.errors if e[0] == row]
