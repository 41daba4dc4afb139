"""How cases.xls was made (kept for the record; the test suite only reads the committed file).

The project does not depend on xlwt; to regenerate the file:
    pip install --target /tmp/xlwt xlwt==1.3.0
    PYTHONPATH=/tmp/xlwt python tests/data/ingest/make_xls.py

An old-format (BIFF8) workbook as 2000s-era ledger software exports it: a title row merged across the
columns, a two-row header with a merged group cell, data with a date cell, a 合计 row, and a hidden
sheet that must be ignored.
"""

import datetime as dt
from pathlib import Path

import xlwt

book = xlwt.Workbook(encoding="utf-8")
sheet = book.add_sheet("网格事务")
dates = xlwt.easyxf(num_format_str="YYYY-MM-DD HH:MM")
sheet.write_merge(0, 0, 0, 5, "江川路街道网格事务台账（2024年3月）")
sheet.write_merge(1, 2, 0, 0, "事务编号")
sheet.write_merge(1, 2, 1, 1, "居民区")
sheet.write_merge(1, 2, 2, 2, "类别")
sheet.write_merge(1, 1, 3, 5, "办理情况")
for c, label in enumerate(["上报时间", "办结时间", "办结层级"], start=3):
    sheet.write(2, c, label)
rows = [
    ("XLS-1", "鹤北一居", "矛盾化解", dt.datetime(2024, 3, 1, 9, 30), dt.datetime(2024, 3, 2, 16, 0), "网格"),
    ("XLS-2", "北街居民区", "民意征集", dt.datetime(2024, 3, 5, 10, 0), None, None),
    ("XLS-3", "C05", "服务代办", dt.datetime(2024, 3, 8, 14, 15), dt.datetime(2024, 3, 9, 11, 0), "居民区"),
]
for r, row in enumerate(rows, start=3):
    for c, value in enumerate(row):
        if isinstance(value, dt.datetime):
            sheet.write(r, c, value, dates)
        elif value is not None:
            sheet.write(r, c, value)
sheet.write(6, 0, "合计")
sheet.write(6, 1, "3件")
hidden = book.add_sheet("旧数据")
hidden.write(0, 0, "事务编号")
hidden.write(0, 1, "居民区")
hidden.write(1, 0, "OLD-1")
hidden.visibility = 1
book.save(str(Path(__file__).with_name("cases.xls")))
