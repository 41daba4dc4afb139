"""Hostile uploads cost one refusal, never the server: files built here in code (small; the large ones
live in bench/hostile_files.py) go through the import's path, each must be refused with its reason and
leave the database exactly as it was. The parsers run in a real worker process (analytics.core.isolate)."""

from __future__ import annotations

import threading

import pytest

from analytics import ingest
from analytics.core import isolate
from analytics.core.errors import DataError
from analytics.ingest.reading import FileRefused, _fill_merged, decode, open_file
from bench.hostile_files import (
    LATIN1_ROWS,
    cell,
    crashing_xlsx,
    csv_bytes,
    dtd_xlsx,
    empty_rows_xlsx,
    ledger_rows,
    sheet,
    whitespace_bomb,
    whole_sheet_merge_xlsx,
    xls_huge_dimensions,
    xlsx,
)
from tests.unit import ingest_helpers
from tests.unit.test_ingest_integrity import checksums

real_con = ingest_helpers.real_con


def refused(con, path, *, file_name=None) -> str:
    """The refusal of importing `path`, after checking that the database did not change."""
    before = checksums(con)
    with pytest.raises(FileRefused) as caught:
        ingest.import_file(con, path, "grid_cases", file_name=file_name)
    assert checksums(con) == before
    return str(caught.value)


def test_the_workbook_that_aborted_the_server_is_refused_before_parsing(real_con, tmp_path):
    path = crashing_xlsx(tmp_path / "台账.xlsx")
    assert path.stat().st_size < 2048
    message = refused(real_con, path)
    assert "17,179,869,184 个单元格" in message and "删除数据下方和右侧的空行空列" in message


def test_a_native_abort_in_the_parser_becomes_a_refusal(real_con, tmp_path, monkeypatch):
    # With the declared-size check out of the way, calamine itself meets the file: it asks for 512 GiB
    # and Rust aborts the process. That process is the worker, so the import is refused and we go on.
    monkeypatch.setenv("JIANGCHUAN_PARSE_MAX_CELLS", str(10**12))
    message = refused(real_con, crashing_xlsx(tmp_path / "台账.xlsx"))
    assert "读取程序异常终止" in message and "系统其他功能不受影响" in message
    good = ingest_helpers.write_csv(tmp_path / "good.csv", [ingest_helpers.CASE_HEADER, *ingest_helpers.case_rows(2)])
    assert ingest.import_file(real_con, good, "grid_cases").rows_imported == 2


@pytest.mark.slow
def test_a_parser_that_runs_too_long_is_stopped(real_con, tmp_path, monkeypatch):
    # A million rows of empty cells: several seconds of parsing, far more than the one second allowed.
    path = empty_rows_xlsx(tmp_path / "rows.xlsx", 1_000_000, styled_cell=True)
    monkeypatch.setenv("JIANGCHUAN_PARSE_MAX_CELLS", str(10**12))
    monkeypatch.setenv("JIANGCHUAN_PARSE_SECONDS", "1")
    assert "超过了 1 秒仍未完成" in refused(real_con, path)


def test_an_xls_declaring_four_billion_rows_is_refused_before_parsing(real_con, tmp_path):
    # calamine would ask for 11 PB for it and abort: the DIMENSIONS record says so first.
    message = refused(real_con, xls_huge_dimensions(tmp_path / "dims.xls"))
    assert "4,294,967,295 行" in message and "超出了 .xls 格式本身的上限" in message


def test_a_genuine_xls_still_reads():
    from tests.conftest import ROOT

    book = open_file(ROOT / "tests/data/ingest/cases.xls")
    assert book.kind == "excel" and book.sheets[0].head


@pytest.mark.slow
def test_a_parser_that_needs_more_memory_than_allowed_is_stopped(real_con, tmp_path, monkeypatch):
    path = ingest_helpers.write_csv(
        tmp_path / "big.csv", [ingest_helpers.CASE_HEADER, *ingest_helpers.case_rows(100_000)], encoding="gbk"
    )  # decoded in Python: a few hundred MB of objects
    monkeypatch.setenv("JIANGCHUAN_PARSE_MEMORY_MB", "48")
    message = refused(real_con, path)
    assert "上限 48 MB" in message and "big.csv" in message


def test_a_cell_beyond_excel_limits_is_refused(real_con, tmp_path):
    path = xlsx(
        tmp_path / "b.xlsx", sheet(ledger_rows(1), extra_rows=f'<row r="99999999">{cell("ZZZZ99999999", "y")}</row>')
    )
    assert "超出了 Excel 本身的上限" in refused(real_con, path)


def test_a_declared_dimension_beyond_excel_limits_is_refused(real_con, tmp_path):
    path = xlsx(tmp_path / "d.xlsx", sheet(ledger_rows(1), dimension="A1:XFE2000000"))
    assert "声明的区域" in refused(real_con, path)


def test_a_merge_over_the_whole_sheet_is_refused(real_con, tmp_path):
    message = refused(real_con, whole_sheet_merge_xlsx(tmp_path / "m.xlsx"))
    assert "A1:XFD1048576" in message and "取消合并" in message


def test_a_merge_reaching_past_the_cells_fills_only_the_cells_the_sheet_holds():
    grid = [["标题", "", ""], ["a", "b", "c"]]
    _fill_merged(grid, [((0, 0), (1_048_575, 16_383))])
    assert grid == [["标题"] * 3, ["标题"] * 3]


def test_too_many_merged_ranges_are_refused(real_con, tmp_path, monkeypatch):
    path = xlsx(tmp_path / "m.xlsx", sheet(ledger_rows(2), merges=[f"J{r}:K{r}" for r in range(1, 100_002)]))
    assert "100,001 个合并单元格" in refused(real_con, path)


def test_a_zip_bomb_is_refused_from_the_directory(real_con, tmp_path):
    path = whitespace_bomb(tmp_path / "bomb.xlsx", 30)
    assert path.stat().st_size < 100_000
    assert "压缩炸弹" in refused(real_con, path)


def test_entity_declarations_are_refused(real_con, tmp_path):
    assert "DTD/实体声明" in refused(real_con, dtd_xlsx(tmp_path / "lol.xlsx"))


def test_a_zip_that_is_not_a_workbook_is_refused(real_con, tmp_path):
    import zipfile

    path = tmp_path / "nested.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("a.txt", "hello")
    assert "不是 Excel 工作簿" in refused(real_con, path)


def test_a_csv_wider_than_excel_is_refused(real_con, tmp_path):
    path = tmp_path / "wide.csv"
    path.write_bytes(b"a," * 20_000 + b"\r\n")
    assert "20,001 列" in refused(real_con, path)


def test_a_csv_line_longer_than_the_reader_takes_is_refused(real_con, tmp_path):
    path = tmp_path / "line.csv"
    path.write_bytes(b"A" * 300_000)
    assert "长得异常" in refused(real_con, path)


@pytest.mark.slow
def test_when_every_parser_slot_is_taken_the_next_file_waits_then_is_told(real_con, tmp_path, monkeypatch):
    good = ingest_helpers.write_csv(tmp_path / "good.csv", [ingest_helpers.CASE_HEADER, *ingest_helpers.case_rows(2)])
    monkeypatch.setenv("JIANGCHUAN_PARSE_SECONDS", "1")
    taken = 0
    while isolate._slots.acquire(blocking=False):  # as if other uploads were being parsed
        taken += 1
    try:
        assert "服务器正在读取其他上传的文件" in refused(real_con, good)
    finally:
        for _ in range(taken):
            isolate._slots.release()
    assert taken == isolate.PARALLEL
    assert ingest.import_file(real_con, good, "grid_cases").rows_imported == 2


def test_the_worker_limits_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("JIANGCHUAN_PARSE_MEMORY_MB", "800")
    monkeypatch.setenv("JIANGCHUAN_PARSE_SECONDS", "nonsense")
    assert isolate.limits() == (800 * 1024 * 1024, isolate.DEFAULT_SECONDS)


def test_a_sheet_read_in_the_worker_matches_the_file(tmp_path):
    rows = ledger_rows(3)
    path = ingest_helpers.write_xlsx(
        tmp_path / "ok.xlsx", {"三月": rows, "隐藏": [["x"]]}, hidden=("隐藏",), merged={"三月": ["B2:B3"]}
    )
    book = open_file(path)
    assert [s.name for s in book.sheets] == ["三月", "隐藏"] and book.hidden == ["隐藏"]
    first = book.sheets[0]
    assert first.head[0] == rows[0] and first.head[2][1] == "鹤北一居"
    columns, numbers = first.body(1, 8)
    assert list(numbers) == [2, 3, 4] and columns[0].to_pylist() == ["H1", "H2", "H3"]
    assert "在 Excel 中是隐藏的" in book.sheets[1].notes[0]


# ---------------------------------------------------------------------------------------------
# encodings we do not read
@pytest.mark.parametrize(
    "rows, encoding, named",
    [
        (LATIN1_ROWS, "latin-1", "Latin-1/Windows-1252"),
        (
            [["Nom", "Prénom", "Ville"], ["Lefèvre", "Hélène", "Orléans"], ["Béranger", "Thérèse", "Besançon"]],
            "latin-1",
            "Latin-1/Windows-1252",
        ),  # every byte pair here is valid GBK: "Pr閚om", "Lef鑦re"
        ([["Name", "Note"], ["O’Brien", "“urgent” – call back"], ["Zoë", "€5 fee"]], "cp1252", "Latin-1/Windows-1252"),
        ([["氏名", "住所"], ["山田太郎", "東京都新宿区"], ["佐藤花子", "大阪市北区"]], "shift_jis", "Shift-JIS"),
        ([["なまえ", "じゅうしょ"], ["ヤマダ", "トウキョウ"]], "shift_jis", "Shift-JIS"),
        ([["姓名", "地址"], ["陳大文", "臺北市信義區"], ["林小華", "高雄市"]], "big5", "Big5"),
        (ledger_rows(2), "utf-16-le", "UTF-16"),
    ],
)
def test_a_file_in_an_encoding_we_do_not_read_is_refused_naming_it(real_con, tmp_path, rows, encoding, named):
    path = tmp_path / "名单.csv"
    path.write_bytes(csv_bytes(rows, encoding))
    message = refused(real_con, path)
    assert named in message and "CSV UTF-8" in message


@pytest.mark.parametrize(
    "rows",
    [
        ledger_rows(5),
        [
            ["姓名", "地址", "备注"],
            ["欧阳翀", "鹤北一居12号", "邻里纠纷，已调解"],
            ["龚喆", "沪闵路3弄", "噪音扰民"],
            ["亓官婧", "江川路街道", "独居老人走访"],
        ],  # rare surnames among common words
    ],
)
def test_genuine_gbk_still_reads(rows):
    text, encoding = decode(csv_bytes(rows, "gbk"), "x.csv")
    assert encoding == "GB18030/GBK" and text.startswith(rows[0][0])


def test_a_genuine_gbk_ledger_imports(real_con, tmp_path):
    path = ingest_helpers.write_csv(
        tmp_path / "gbk.csv", [ingest_helpers.CASE_HEADER, *ingest_helpers.case_rows(3)], encoding="gbk"
    )
    assert ingest.import_file(real_con, path, "grid_cases").rows_imported == 3


# ---------------------------------------------------------------------------------------------
# failures while importing
def test_an_over_long_cell_is_an_error_with_its_length_not_its_text(real_con, tmp_path):
    rows = [ingest_helpers.CASE_HEADER, *ingest_helpers.case_rows(3)]
    rows[2][1] = "鹤" * 100_000
    path = ingest_helpers.write_csv(tmp_path / "long.csv", rows)
    before = checksums(real_con)
    report = ingest.import_file(real_con, path, "grid_cases")
    assert checksums(real_con) == before and report.rows_imported == 0
    row, column, value, _ = next(e for e in report.errors if "100,000 个字" in e[3])
    assert (row, column) == (3, "居民区") and len(value) < 40
    assert all(len(e[3]) < 400 and len(e[2] or "") < 400 for e in report.errors)


def test_two_imports_of_one_file_racing_each_other(real_con, tmp_path):
    path = ingest_helpers.write_csv(tmp_path / "race.csv", [ingest_helpers.CASE_HEADER, *ingest_helpers.case_rows(4)])
    inside, second_done = threading.Event(), threading.Event()
    results = {}

    def slow_progress(fraction, message):
        if fraction >= 0.6 and not inside.is_set():  # inside the first import's transaction
            inside.set()
            second_done.wait(120)

    def first():
        results["first"] = ingest.import_file(real_con, path, "grid_cases", progress=slow_progress)

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inside.wait(120)
        with pytest.raises(DataError) as caught:
            ingest.import_file(real_con, path, "grid_cases")
    finally:
        second_done.set()
        thread.join(120)
    assert "正在导入中" in str(caught.value)
    assert results["first"].rows_imported == 4
    assert ingest.history(real_con)["sha256"].tolist().count(results["first"].sha256) == 1
    again = ingest.import_file(real_con, path, "grid_cases")
    assert again.duplicate_of == results["first"].batch_id and again.rows_imported == 0


def test_two_files_writing_the_same_records_at_once(real_con, tmp_path):
    rows = [ingest_helpers.CASE_HEADER, *ingest_helpers.case_rows(4)]
    one = ingest_helpers.write_csv(tmp_path / "one.csv", rows)
    two = ingest_helpers.write_csv(tmp_path / "two.csv", [*rows, ["T99", *rows[1][1:]]])
    inside, second_done = threading.Event(), threading.Event()
    results = {}

    def slow_progress(fraction, message):
        if fraction > 0.65 and not inside.is_set():  # rows written, not committed
            inside.set()
            second_done.wait(120)

    def first():
        try:
            results["first"] = ingest.import_file(real_con, one, "grid_cases", progress=slow_progress)
        except Exception as exc:  # either racer may be the one refused
            results["first"] = exc

    thread = threading.Thread(target=first)
    thread.start()
    try:
        assert inside.wait(120)
        try:
            results["second"] = ingest.import_file(real_con, two, "grid_cases")
        except Exception as exc:
            results["second"] = exc
    finally:
        second_done.set()
        thread.join(120)
    failures = [r for r in results.values() if isinstance(r, Exception)]
    assert len(failures) == 1, results
    assert isinstance(failures[0], DataError) and "全部撤回" in str(failures[0])
    assert "Error" not in str(failures[0]) and "conflict" not in str(failures[0])
    stored = real_con.execute("SELECT count(*) FROM grid_cases WHERE case_id LIKE 'T%'").fetchone()[0]
    winner = next(r for r in results.values() if not isinstance(r, Exception))
    assert stored == winner.rows_imported
