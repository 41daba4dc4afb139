"""Templates round-trip through the importer; vocabularies and header synonyms are unambiguous."""

from __future__ import annotations

import io

import openpyxl
import pytest

from analytics import ingest
from analytics.ingest import values as V
from analytics.ingest.headers import synonym_table
from analytics.ingest.specs import TABLES
from analytics.ingest.text import header_keys
from tests.unit import ingest_helpers

real_con = ingest_helpers.real_con


@pytest.mark.parametrize("table", ingest.IMPORTABLE)
def test_template_has_headers_example_and_explanations(table):
    book = openpyxl.load_workbook(io.BytesIO(ingest.template_xlsx(table)))
    assert book.sheetnames == ["数据", "说明"]
    spec = TABLES[table]
    assert [c.value for c in book["数据"][1]] == [c.label for c in spec.columns]
    explained = {row[0] for row in book["说明"].iter_rows(values_only=True)}
    assert {c.label for c in spec.columns} <= explained


@pytest.mark.parametrize(
    "table", ["communities", "partners", "pairings", "service_items", "seed_activities", "grid_cases"]
)
def test_a_template_with_its_example_row_imports_cleanly(real_con, tmp_path, table):
    path = tmp_path / f"{table}.xlsx"
    path.write_bytes(ingest.template_xlsx(table))
    report = ingest.preview(real_con, path, table)
    assert report.ok, report.errors
    assert report.rows_ready + report.skipped + len(report.conflicts) == 1


@pytest.mark.parametrize("table", ingest.IMPORTABLE)
def test_no_header_spelling_means_two_columns(table):
    spec = TABLES[table]
    owners: dict[str, set[str]] = {}
    for col in spec.columns:
        for spelling in (col.name, col.label, *col.synonyms):
            owners.setdefault(header_keys(spelling)[0], set()).add(col.name)
    ambiguous = {k: v for k, v in owners.items() if len(v) > 1}
    assert not ambiguous
    assert synonym_table(spec)


def test_value_parsers_directly():
    dates = V.parse_datetime(["2023-06-14 09:30", "45091.5", "2023年6月14日 9时30分", "2023/13/01", "1899-01-01"])
    assert [str(v) for v in dates.values.to_pylist()[:3]] == [
        "2023-06-14 09:30:00",
        "2023-06-14 12:00:00",
        "2023-06-14 09:30:00",
    ]
    assert dates.bad_index.tolist() == [3, 4]
    numbers = V.parse_number(["1,234.5", "１２", "12%", "-0"], minimum=0)
    assert numbers.values.to_pylist()[:2] == [1234.5, 12.0] and numbers.bad_index.tolist() == [2]
    ids = V.parse_id(["０１２３", "  C01 ", "K\u200b1"])
    assert ids.values.to_pylist() == ["0123", "C01", "K1"]
