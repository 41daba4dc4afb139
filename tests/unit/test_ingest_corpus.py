"""The corpus of bad and awkward ledger files, each with its expected outcome. Files are made in a
temporary folder by the tests (plus one committed .xls, which no installed library can write)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
import xlsxwriter

from analytics import db, ingest
from analytics.core.errors import DataError
from analytics.ingest import FileRefused
from tests.unit import ingest_helpers
from tests.unit.ingest_helpers import CASE_HEADER, case_rows, errors_at, write_csv, write_xlsx

real_con = ingest_helpers.real_con

DATA = Path(__file__).resolve().parent.parent / "data" / "ingest"


def cases(con, ids) -> dict:
    frame = db.query(con, "SELECT * FROM grid_cases WHERE case_id IN (SELECT unnest($ids))", {"ids": list(ids)})
    return {row["case_id"]: row for row in frame.to_dict("records")}


# ------------------------------------------------------------------------------------------------
# encodings
def test_gbk_csv_with_title_row_and_total_row(real_con, tmp_path):
    path = write_csv(
        tmp_path / "三月台账.csv",
        [["江川路街道2024年3月网格事务台账"], [], CASE_HEADER, *case_rows(3), ["合计", "", "", "", "", "", "", ""]],
        encoding="gbk",
    )
    report = ingest.import_file(real_con, path, "grid_cases")
    assert report.ok, report.errors
    assert report.rows_imported == 3
    assert any("合计" in n for n in report.notes) and any("标题行" in n for n in report.notes)
    stored = cases(real_con, ["T1", "T2", "T3"])
    assert stored["T1"]["community_id"] == "C30"  # 鹤北一居 is 鹤北新村第一居民区
    assert stored["T1"]["category"] == "dispute" and stored["T1"]["resolved_level"] == "grid"


def test_utf8_with_bom(real_con, tmp_path):
    path = write_csv(tmp_path / "bom.csv", [CASE_HEADER, *case_rows(2)], encoding="utf-8-sig")
    report = ingest.import_file(real_con, path, "grid_cases")
    assert report.ok and report.rows_imported == 2 and report.columns["事务编号"] == "case_id"


def test_utf16_tab_separated_export(real_con, tmp_path):
    """Excel's “Unicode text” export: UTF-16 with a byte-order mark, tab-separated."""
    path = write_csv(tmp_path / "unicode.txt", [CASE_HEADER, *case_rows(2)], encoding="utf-16", delimiter="\t")
    report = ingest.import_file(real_con, path, "grid_cases")
    assert report.ok, report.errors
    assert report.rows_imported == 2 and report.encoding == "UTF-16"


def test_undecodable_bytes_are_refused(real_con, tmp_path):
    path = tmp_path / "garbage.csv"
    path.write_bytes(b"\x80\x81\xff\xfe\x00abc\n" * 20)
    with pytest.raises(FileRefused, match="无法识别"):
        ingest.preview(real_con, path, "grid_cases")
    assert db.scalar(real_con, "SELECT count(*) FROM grid_cases") == 0


def test_damaged_utf8_is_refused_not_read_as_gbk(real_con, tmp_path):
    good = "\r\n".join(",".join(r) for r in [CASE_HEADER, *case_rows(30)]).encode("utf-8")
    broken = good.replace("矛盾化解".encode(), "矛盾化解".encode()[:-1] + b"\xff", 1)
    path = tmp_path / "broken.csv"
    path.write_bytes(broken)
    with pytest.raises(FileRefused, match="第 2 行"):
        ingest.preview(real_con, path, "grid_cases")


# ------------------------------------------------------------------------------------------------
# Excel layouts
def test_merged_two_row_header_with_title_spacer_and_total(real_con, tmp_path):
    rows = [
        ["2024年3月网格事务台账"],
        ["事务编号", "居民区", "事务类别", "办理情况", None, None],
        [None, None, None, "上报时间", "办结时间", "办结层级"],
        ["M1", "鹤北一居", "党建", dt.datetime(2024, 3, 1, 9), dt.datetime(2024, 3, 1, 17), "网格"],
        [None, None, None, None, None, None],  # spacer row 5
        ["M2", "红旗一居", "民意", "2024/3/2", None, None],
        ["M3", "新闵", "代办", "2024年3月3日", "2024.3.4", "火星"],  # row 7: an impossible level
        ["合 计", "3件", None, None, None, None],
    ]
    path = write_xlsx(
        tmp_path / "merged.xlsx", {"台账": rows}, merged={"台账": ["A1:F1", "A2:A3", "B2:B3", "C2:C3", "D2:F2"]}
    )
    report = ingest.preview(real_con, path, "grid_cases")
    assert errors_at(report, 7) and errors_at(report, 7)[0][1] == "办结层级"
    assert errors_at(report, 7)[0][2] == "火星" and "可填" in errors_at(report, 7)[0][3]
    assert len(report.errors) == 1
    assert any("合计" in n for n in report.notes) and any("空行" in n for n in report.notes)
    rows[6][5] = "网格"
    write_xlsx(path, {"台账": rows}, merged={"台账": ["A1:F1", "A2:A3", "B2:B3", "C2:C3", "D2:F2"]})
    report = ingest.import_file(real_con, path, "grid_cases")
    assert report.ok and report.rows_imported == 3
    stored = cases(real_con, ["M1", "M2", "M3"])
    assert stored["M3"]["closed_at"] == dt.datetime(2024, 3, 4) and pd.isna(stored["M2"]["closed_at"])


def test_xls_file(real_con):
    report = ingest.import_file(real_con, DATA / "cases.xls", "grid_cases")
    assert report.ok, report.errors
    assert report.rows_imported == 3 and report.sheet == "网格事务"
    assert any("旧数据" in n for n in report.notes)  # the hidden sheet is ignored
    stored = cases(real_con, ["XLS-1", "XLS-2", "XLS-3", "OLD-1"])
    assert set(stored) == {"XLS-1", "XLS-2", "XLS-3"}
    assert stored["XLS-1"]["reported_at"] == dt.datetime(2024, 3, 1, 9, 30)


def test_hidden_sheet_is_ignored_by_default(real_con, tmp_path):
    path = write_xlsx(
        tmp_path / "hidden.xlsx",
        {"三月": [CASE_HEADER, *case_rows(2)], "草稿": [CASE_HEADER, *case_rows(5, prefix="DRAFT")]},
        hidden=("草稿",),
    )
    assert ingest.sheet_names(path) == (["三月"], ["草稿"])
    report = ingest.import_file(real_con, path, "grid_cases")
    assert report.ok and report.rows_imported == 2 and report.sheet == "三月"
    assert any("隐藏" in n for n in report.notes)


def test_several_sheets_user_picks(real_con, tmp_path):
    path = write_xlsx(
        tmp_path / "q1.xlsx", {"1月": [CASE_HEADER, *case_rows(2, "JAN")], "2月": [CASE_HEADER, *case_rows(3, "FEB")]}
    )
    with pytest.raises(DataError, match="多个工作表"):
        ingest.preview(real_con, path, "grid_cases")
    report = ingest.import_file(real_con, path, "grid_cases", sheet="2月")
    assert report.rows_imported == 3 and set(cases(real_con, ["FEB1", "JAN1"])) == {"FEB1"}
    # The same workbook's other sheet is not "the same file imported twice".
    assert ingest.import_file(real_con, path, "grid_cases", sheet="1月").rows_imported == 2


def test_formulas_use_saved_values_never_execute(real_con, tmp_path):
    """A workbook saved by Excel keeps each formula's result: that result is imported."""
    path = tmp_path / "formulas.xlsx"
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("活动")
    for c, label in enumerate(["活动编号", "活动日期", "居民区", "服务项目", "参与人数", "志愿者人数", "志愿服务时长"]):
        sheet.write(0, c, label)
    sheet.write(1, 0, "F1")
    sheet.write(1, 1, "2024-03-01")
    sheet.write_formula(1, 2, '=HYPERLINK("http://example.invalid","鹤北一居")', None, "鹤北一居")
    sheet.write(1, 3, "种树认养")
    sheet.write_formula(1, 4, "=1+1", None, 2)
    sheet.write_formula(1, 5, "=SUM(3,4)", None, 7)
    sheet.write(1, 6, 14)
    book.close()
    report = ingest.import_file(real_con, path, "seed_activities")
    assert report.ok, report.errors
    assert any("公式" in n and "不会被执行" in n for n in report.notes)
    row = db.query(real_con, "SELECT * FROM seed_activities WHERE activity_id = 'F1'").iloc[0]
    assert row["participants"] == 2 and row["volunteers"] == 7 and row["community_id"] == "C30"


def test_formula_without_saved_value_is_an_error(real_con, tmp_path):
    """A workbook written by a program (never opened in Excel) has formulas but no results."""
    rows = [
        ["活动编号", "活动日期", "居民区", "服务项目", "参与人数", "志愿者人数", "志愿服务时长"],
        ["F2", "2024-03-01", "鹤北一居", "种树认养", "=1+1", 3, 6],
    ]
    path = write_xlsx(tmp_path / "nocache.xlsx", {"活动": rows})
    report = ingest.preview(real_con, path, "seed_activities")
    [error] = report.errors
    assert error[:3] == (2, "参与人数", "=1+1") and "公式" in error[3] and "不会执行" in error[3]


def test_text_starting_with_equals_is_stored_as_text(real_con, tmp_path):
    rows = [
        [*CASE_HEADER, "事务内容"],
        case_rows(1)[0] + ["=1+1"],
        case_rows(2, "U")[1] + ['=HYPERLINK("http://evil.invalid","点我")'],
    ]
    path = write_csv(tmp_path / "equals.csv", rows)
    report = ingest.import_file(real_con, path, "grid_cases")
    assert report.ok
    stored = cases(real_con, ["T1", "U2"])
    assert stored["T1"]["description"] == "=1+1"
    assert stored["U2"]["description"].startswith("=HYPERLINK(")


def test_html_in_names_is_kept_as_plain_text(real_con, tmp_path):
    rows = [
        ["合伙人编号", "单位名称", "单位类型"],
        ["P90", "<script>alert('x')</script>江川物业", "企业"],
        ["P91", "<b>加粗</b>社工站", "社会组织"],
    ]
    report = ingest.import_file(real_con, write_csv(tmp_path / "partners.csv", rows), "partners")
    assert report.ok, report.errors
    names = db.query(real_con, "SELECT name FROM partners WHERE partner_id IN ('P90', 'P91') ORDER BY 1")[
        "name"
    ].tolist()
    assert names == ["<b>加粗</b>社工站", "<script>alert('x')</script>江川物业"]


# ------------------------------------------------------------------------------------------------
# values
def test_full_width_digits_thousands_and_units(real_con, tmp_path):
    rows = [
        ["活动编号", "活动日期", "居民区", "服务项目", "参与人数", "志愿者人数", "志愿服务时长"],
        ["Ｗ１", "２０２４－０３－０１", "鹤北一居", "针灸", "1,234", "１２人", "３６.５小时"],
    ]
    report = ingest.import_file(real_con, write_csv(tmp_path / "fullwidth.csv", rows), "seed_activities")
    assert report.ok, report.errors
    row = db.query(real_con, "SELECT * FROM seed_activities WHERE activity_id = 'W1'").iloc[0]
    assert (row["participants"], row["volunteers"], row["volunteer_hours"]) == (1234, 12, 36.5)
    assert row["held_on"] == pd.Timestamp(2024, 3, 1) and row["item_id"] == "S11"


def test_excel_serial_dates_and_every_date_spelling(real_con, tmp_path):
    spellings = ["45091", "2023-06-14", "2023/6/14", "2023.6.14", "2023年6月14日", "20230614", "2023-06-14 00:00:00"]
    rows = [["活动编号", "活动日期", "居民区", "服务项目", "参与人数", "志愿者人数", "志愿服务时长"]]
    rows += [[f"D{i}", s, "C01", "S01", "10", "2", "4"] for i, s in enumerate(spellings)]
    report = ingest.import_file(real_con, write_csv(tmp_path / "dates.csv", rows), "seed_activities")
    assert report.ok, report.errors
    held = db.query(real_con, "SELECT DISTINCT held_on FROM seed_activities WHERE activity_id LIKE 'D%'")["held_on"]
    assert held.tolist() == [pd.Timestamp(2023, 6, 14)]


def test_unknown_community_is_reported_never_guessed(real_con, tmp_path):
    rows = [CASE_HEADER, *case_rows(2)]
    rows[2][1] = "鹤北新村一居委"  # close to a real name, but not one of its spellings
    rows.append(["T9", "火星新村", "党建", "2024-03-09", "", "", "", ""])
    report = ingest.preview(real_con, write_csv(tmp_path / "unknown.csv", rows), "grid_cases")
    assert [e[0] for e in report.errors] == [3, 4]
    assert report.errors[0][1:3] == ("居民区", "鹤北新村一居委") and "不在居民区名单中" in report.errors[0][3]
    assert "鹤北新村第一居民区" in report.errors[0][3]  # a hint, not a replacement
    assert db.scalar(real_con, "SELECT count(*) FROM grid_cases") == 0


def test_every_error_in_the_file_at_once_with_excel_row_numbers(real_con, tmp_path):
    rows = [
        ["标题"],
        CASE_HEADER,
        ["E1", "鹤北一居", "党建", "2024-03-01", "2024-02-01", "网格", "否", "5"],  # row 3: closed before reported
        ["E2", "北街", "外星事务", "2024-03-01", "", "", "也许", "9"],  # row 4: 3 errors
        ["E3", "", "党建", "2024-02-30", "2024-03-05", "", "", ""],
    ]  # row 5: 3 errors
    report = ingest.preview(real_con, write_csv(tmp_path / "many.csv", rows), "grid_cases")
    found = {(e[0], e[1]) for e in report.errors}
    assert found == {
        (3, "办结时间"),
        (4, "事务类别"),
        (4, "是否紧急"),
        (4, "满意度"),
        (5, "居民区"),
        (5, "上报时间"),
        (5, "办结层级"),
    }
    assert all(e[3] for e in report.errors)


def test_ids_and_phone_numbers_stay_text(real_con, tmp_path):
    header = [*CASE_HEADER, "联系电话"]
    rows = [header, case_rows(1, "00")[0] + ["021-64300000"], case_rows(2, "01")[1] + ["013800138000"]]
    path = write_xlsx(tmp_path / "phones.xlsx", {"s": [header, *rows[1:]]})
    book = __import__("openpyxl").load_workbook(path)
    book["s"]["I3"] = 13812345678  # a phone typed into Excel becomes a number
    book.save(path)
    report = ingest.import_file(real_con, path, "grid_cases")
    assert report.ok, report.errors
    stored = cases(real_con, ["001", "012"])
    assert stored["001"]["reporter_phone"] == "021-64300000" and stored["012"]["reporter_phone"] == "13812345678"


def test_headers_with_stray_spaces_zero_width_and_english(real_con, tmp_path):
    header = [
        "\u3000事务编号\u200b",
        " 居 民 区 ",
        "category",
        "Reported_At",
        "办结时间（如已办结）",
        "层级",
        "紧急",
        "满意度(1-5分)*",
    ]
    report = ingest.preview(real_con, write_csv(tmp_path / "spaces.csv", [header, *case_rows(2)]), "grid_cases")
    assert report.ok, report.errors
    assert set(report.columns.values()) == {
        "case_id",
        "community_id",
        "category",
        "reported_at",
        "closed_at",
        "resolved_level",
        "urgent",
        "satisfaction",
    }


def test_ragged_rows_keep_their_row_numbers(real_con, tmp_path):
    text = "\r\n".join(
        [
            ",".join(CASE_HEADER),
            ",".join(case_rows(1)[0]),
            "",
            ",".join(case_rows(2)[1]) + ",多出来",
            ",".join(case_rows(3)[2][:5]),
        ]
    )
    path = tmp_path / "ragged.csv"
    path.write_text(text, encoding="utf-8")
    report = ingest.preview(real_con, path, "grid_cases")
    assert [e[0] for e in report.errors] == [4, 5]  # the spill-over and the short row's missing level
    assert "右边还有内容" in report.errors[0][3]


def test_footnote_rows_are_skipped(real_con, tmp_path):
    rows = [CASE_HEADER, *case_rows(2), [], ["注：满意度为回访结果"], ["制表人：某某  审核人：某某"]]
    report = ingest.import_file(real_con, write_csv(tmp_path / "notes.csv", rows), "grid_cases")
    assert report.ok and report.rows_imported == 2
    assert any("表尾说明" in n for n in report.notes)


# ------------------------------------------------------------------------------------------------
# file-level problems
def test_missing_required_column_is_named(real_con, tmp_path):
    header = [h for h in CASE_HEADER if h != "居民区"]
    rows = [r[:1] + r[2:] for r in case_rows(2)]
    report = ingest.preview(real_con, write_csv(tmp_path / "nocomm.csv", [header, *rows]), "grid_cases")
    [error] = report.errors
    assert error[0] == 1 and error[1] == "居民区" and "缺少必填列「居民区」" in error[3]


def test_empty_file_is_refused(real_con, tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(FileRefused, match="空的"):
        ingest.import_file(real_con, path, "grid_cases")


def test_header_without_rows(real_con, tmp_path):
    report = ingest.preview(real_con, write_csv(tmp_path / "header.csv", [CASE_HEADER, [], ["合计"]]), "grid_cases")
    assert len(report.errors) == 1 and "没有数据行" in report.errors[0][3]


def test_a_file_that_is_not_a_ledger(real_con, tmp_path):
    path = write_csv(tmp_path / "shopping.csv", [["苹果", "香蕉"], ["1", "2"]])
    report = ingest.preview(real_con, path, "grid_cases")
    assert len(report.errors) == 1 and "找不到表头" in report.errors[0][3]


def test_file_above_the_size_limit_is_refused_naming_the_limit(real_con, tmp_path):
    path = write_csv(tmp_path / "big.csv", [CASE_HEADER, *case_rows(28)] * 20)
    with pytest.raises(FileRefused, match=r"上传上限 1 KB"):
        ingest.import_file(real_con, path, "grid_cases", max_bytes=1024)


def test_html_saved_as_xls_is_refused(real_con, tmp_path):
    path = tmp_path / "export.xls"
    path.write_text("<html><body><table><tr><td>事务编号</td></tr></table></body></html>", encoding="utf-8")
    with pytest.raises(FileRefused, match="网页"):
        ingest.preview(real_con, path, "grid_cases")


def test_corrupt_xlsx_is_refused(real_con, tmp_path):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * 200)
    with pytest.raises(FileRefused, match="无法读取"):
        ingest.preview(real_con, path, "grid_cases")


def test_damaged_byte_deep_in_a_large_utf8_file_is_refused(real_con, tmp_path):
    """The first lines are checked in Python and the rest by Arrow; a bad byte past them is still caught."""
    rows = [CASE_HEADER, *case_rows(28)] * 1
    body = "\r\n".join(",".join(r) for r in rows) + "\r\n"
    filler = "".join(f"Z{i},北街,党建,2024-03-01,,,否,\r\n" for i in range(12_000))
    data = (body + filler).encode("utf-8") + "Z-bad,北街".encode()[:-1] + b",\xff\xfe,2024-03-01,,,,\r\n"
    path = tmp_path / "deep.csv"
    path.write_bytes(data)
    assert len(data) > 300_000
    with pytest.raises(FileRefused, match="UTF-8"):
        ingest.import_file(real_con, path, "grid_cases")
    assert db.scalar(real_con, "SELECT count(*) FROM grid_cases") == 0


def test_gbk_file_whose_first_lines_are_plain_ascii(real_con, tmp_path):
    filler = "".join(f"Z{i},C01,party_building,2024-03-01,,,false,\r\n" for i in range(12_000))
    text = ",".join(CASE_HEADER) + "\r\n" + filler + "G1,鹤北一居,矛盾化解,2024-03-01,,,否,\r\n"
    path = tmp_path / "late_gbk.csv"
    path.write_bytes(text.encode("gbk"))
    report = ingest.import_file(real_con, path, "grid_cases")
    assert report.ok, report.errors[:3]
    assert db.scalar(real_con, "SELECT community_id FROM grid_cases WHERE case_id = 'G1'") == "C30"
