"""Downloadable templates: an .xlsx per importable table with the Chinese headers, one example row,
and a sheet that explains every column and the values it accepts."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from analytics.ingest.specs import REFERENCE_NAMES, TABLES, VOCABULARIES, Col

KIND_TEXT = {
    "id": "文本编号（按文本保存，开头的 0 不会丢）",
    "text": "文字",
    "phone": "电话号码（按文本保存）",
    "int": "整数（可带千位分隔符）",
    "float": "数字（可带小数）",
    "date": "日期：2023-06-14、2023/6/14、2023.6.14、2023年6月14日 或 Excel 日期",
    "timestamp": "日期和时间：2023-06-14 09:30（只写日期也可以）",
    "bool": "是 / 否",
    "enum": "从下列值中选一个",
    "ref": "名称或编号",
}
GENERAL = [
    "通用规则",
    "· 表头可以用中文或英文，常见的别名也能识别（如“居委会”=“居民区”）；列的顺序不限，多余的列（序号、备注等）会被忽略。",
    "· 表头上方可以有标题行，表头可以是两行（合并单元格），数据中间的空行、“合计/总计”行和表尾的“注：”“制表人”行会自动跳过。",
    "· 全角数字和符号、多余的空格都可以；数字可以带千位分隔符；编号和电话按文本保存。",
    "· 居民区、网格、合伙人单位、服务项目可填名称或编号，居民区也可填简称（如 鹤北一居）；名单中没有的名称会报错，不会被猜测。",
    "· 文件中任何一处错误都会列出（行号与 Excel 中看到的一致），全部改正后整份文件一次性导入；同一文件重复导入不会重复增加数据。",
    "· 已有编号的记录如内容不同，系统不会覆盖，而是列为“冲突”。",
]


def _values_text(col: Col) -> str:
    if col.kind in ("enum", "bool"):
        vocab = VOCABULARIES[col.vocabulary or "bool"]
        return "；".join(
            f"{spellings[0]}（也可写 {'、'.join(spellings[1:3]) or code}，英文 {code}）"
            for code, spellings in vocab.items()
        )
    if col.kind == "ref":
        what = REFERENCE_NAMES[col.list_name]
        return f"{what}的名称或编号，须在系统的{what}名单中"
    limits = []
    if col.minimum is not None:
        limits.append(f"最小 {col.minimum:g}")
    if col.maximum is not None:
        limits.append(f"最大 {col.maximum:g}")
    return "，".join(limits)


def template_xlsx(table: str) -> bytes:
    """The template workbook for `table` (one of analytics.ingest.IMPORTABLE)."""
    spec = TABLES[table]
    book = Workbook()
    data = book.active
    data.title = "数据"
    required_fill = PatternFill("solid", fgColor="FDE2E1")
    optional_fill = PatternFill("solid", fgColor="ECEFF1")
    for c, col in enumerate(spec.columns, start=1):
        cell = data.cell(row=1, column=c, value=col.label)
        cell.font = Font(bold=True, color="B71C1C" if col.required else "263238")
        cell.fill = required_fill if col.required else optional_fill
        example = data.cell(row=2, column=c, value=col.example or None)
        if col.kind in ("id", "phone", "date", "timestamp"):
            example.number_format = "@"
        data.column_dimensions[get_column_letter(c)].width = max(
            12, len(col.label) * 2 + 4, min(40, len(col.example) + 4)
        )
    data.freeze_panes = "A2"

    notes = book.create_sheet("说明")
    notes.append([f"{spec.label}（{spec.table}）导入模板说明"])
    notes["A1"].font = Font(bold=True, size=14)
    notes.append(["红色表头为必填列；“数据”页第 2 行是示例，导入前请删除或改成真实数据。"])
    if spec.note:
        notes.append([spec.note])
    notes.append([])
    header = ["列名", "是否必填", "填写格式", "可填的值 / 范围", "说明", "示例", "也可以写作", "英文列名"]
    notes.append(header)
    for cell in notes[notes.max_row]:
        cell.font = Font(bold=True)
        cell.fill = optional_fill
    for col in spec.columns:
        required = (
            "必填"
            if col.required
            else ("可不填（不填时自动生成）" if col.name in spec.key and spec.generated_key else "可不填")
        )
        notes.append(
            [
                col.label,
                required,
                KIND_TEXT[col.kind],
                _values_text(col),
                col.help,
                col.example,
                "、".join(col.synonyms[:6]),
                col.name,
            ]
        )
    notes.append([])
    for line in GENERAL:
        notes.append([line])
    for c, width in enumerate((16, 14, 34, 48, 40, 22, 36, 16), start=1):
        notes.column_dimensions[get_column_letter(c)].width = width
    for row in notes.iter_rows(min_row=5):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
