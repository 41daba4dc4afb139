import io

import openpyxl
import pandas as pd

from analytics.core import export


def hostile_frame():
    return pd.DataFrame(
        {
            "名称": ['=HYPERLINK("http://x","点我")', "+1", "-2+3", "@SUM(A1)", "\tcmd", "鹤北一居"],
            "数量": [1, 2, -3, 4, 5, 6],
        }
    )


def test_csv_keeps_chinese_and_neutralises_formulas():
    data = export.to_csv_bytes(hostile_frame())
    assert data.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert list(back.columns) == ["名称", "数量"]
    assert back["名称"].tolist()[:4] == ['\'=HYPERLINK("http://x","点我")', "'+1", "'-2+3", "'@SUM(A1)"]
    assert back["名称"].iloc[5] == "鹤北一居"
    assert back["数量"].tolist() == [1, 2, -3, 4, 5, 6]  # negative numbers stay numbers


def test_xlsx_cells_are_values_not_formulas():
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(hostile_frame())))
    sheet = book.active
    values = [sheet.cell(row=r, column=1).value for r in range(2, 8)]
    assert all(not (isinstance(v, str) and v.startswith("=")) for v in values)
    assert all(sheet.cell(row=r, column=1).data_type == "s" for r in range(2, 8))
    assert sheet.cell(row=4, column=2).value == -3
