"""What the importer says when it refuses a file or a row set, and what to do about it."""

STRINGS = {
    # encodings
    "err.ingest.encoding_unknown": (
        "无法识别「{file}」的文字编码（第 {line} 行附近有无法解读的字节）：它既不是 UTF-8，也不是 GBK/GB18030 或带 BOM 的 UTF-16{likely}。请用 Excel 打开后“另存为”→“CSV UTF-8（逗号分隔）”，再上传；如果它不是表格文件，请上传正确的文件。",
        "Cannot tell the text encoding of “{file}” (unreadable bytes near line {line}): it is neither UTF-8 nor GBK/GB18030 nor UTF-16 with a BOM{likely}. Open it in Excel, choose Save As → “CSV UTF-8 (Comma delimited)” and upload that; if it is not a spreadsheet, upload the right file.",
    ),
    "err.ingest.nul_bytes": (
        "「{file}」含有空字符（\\0），它可能是不带 BOM 的 UTF-16 文件或不是文本文件。请用 Excel 打开后另存为“CSV UTF-8（逗号分隔）”再上传。",
        "“{file}” contains NUL characters (\\0): it may be UTF-16 without a BOM, or not a text file. Open it in Excel, save it as “CSV UTF-8 (Comma delimited)” and upload that.",
    ),
    "err.ingest.garbled_gbk": (
        "「{file}」的文字不像 GBK 编码的中文（按 GBK 读出的多是生僻字，如「{sample}」），按 GBK 导入会变成乱码{likely}。请用 Excel 打开后“另存为”→“CSV UTF-8（逗号分隔）”，再上传。",
        "The text of “{file}” does not look like GBK-encoded Chinese (read as GBK it is mostly rare characters, such as “{sample}”), so importing it as GBK would garble it{likely}. Open it in Excel, choose Save As → “CSV UTF-8 (Comma delimited)” and upload that.",
    ),
    "err.ingest.likely_utf16": ("，看起来是不带 BOM 的 UTF-16 编码", "; it looks like UTF-16 without a BOM"),
    "err.ingest.likely": ("，看起来是 {encoding} 编码", "; it looks like {encoding}"),
    "err.ingest.encoding.cp1252": ("Latin-1/Windows-1252（西欧文字）", "Latin-1/Windows-1252 (Western European)"),
    "err.ingest.encoding.shift_jis": ("Shift-JIS（日文）", "Shift-JIS (Japanese)"),
    "err.ingest.encoding.big5": ("Big5（繁体中文）", "Big5 (Traditional Chinese)"),
    "err.ingest.declared_broken": (
        "「{file}」声明为 {encoding} 编码，但第 {line} 行附近有损坏的字节。请重新导出文件后再上传。",
        "“{file}” says it is {encoding}, but has damaged bytes near line {line}. Export the file again and upload it.",
    ),
    "err.ingest.utf8_broken": (
        "「{file}」是 UTF-8 编码，但第 {line} 行有损坏的字节（共约 {bad} 处）。系统不会猜测这些字，请修正或重新导出文件后再上传。",
        "“{file}” is UTF-8 but has damaged bytes on line {line} (about {bad} in all). The system will not guess those characters: fix the file or export it again, then upload it.",
    ),
}

STRINGS |= {
    # what a workbook holds, checked before any parser sees it
    "err.ingest.bad_zip": (
        "「{file}」不是有效的 Excel 文件（压缩结构已损坏）。请用 Excel 打开确认后另存为 .xlsx 再上传。",
        "“{file}” is not a valid Excel file (its zip structure is damaged). Open it in Excel, save it as .xlsx and upload that.",
    ),
    "err.ingest.not_workbook": (
        "「{file}」是一个压缩包，但不是 Excel 工作簿（缺少工作簿结构）。请上传 .xlsx、.xls 或 CSV 文件；如果是多个文件打成的压缩包，请解压后逐个上传。",
        "“{file}” is a zip archive but not an Excel workbook (it has no workbook inside). Upload an .xlsx, .xls or CSV file; if it is several files zipped together, unzip them and upload each one.",
    ),
    "err.ingest.dtd": (
        "「{file}」的内部文件 {part} 含有 DTD/实体声明，正常的 Excel 文件不会有，这可能是恶意构造的文件，已拒绝。请用 Excel 另存为新文件再上传。",
        "Refused: the part {part} inside “{file}” declares a DTD or entities, which a normal Excel file never does, so the file may have been crafted to attack. Save it as a new file in Excel and upload that.",
    ),
    "err.ingest.too_many_parts": (
        "「{file}」内部有 {parts:,} 个文件，正常的工作簿只有几十个，已拒绝。请用 Excel 打开后另存为新的 .xlsx 再上传。",
        "Refused: “{file}” holds {parts:,} parts where a normal workbook has a few dozen. Open it in Excel, save it as a new .xlsx and upload that.",
    ),
    "err.ingest.zip_bomb": (
        "「{file}」的内部文件 {part} 解压后有 {mb:,.0f} MB，压缩比 {ratio:,.0f} 倍（正常表格约 5–40 倍），像是“压缩炸弹”，已拒绝。请用 Excel 打开后删除多余内容，另存为新的 .xlsx 再上传。",
        "Refused: the part {part} inside “{file}” unpacks to {mb:,.0f} MB, {ratio:,.0f} times its packed size (normal spreadsheets: 5–40 times), like a “zip bomb”. Open it in Excel, delete what is not needed, save it as a new .xlsx and upload that.",
    ),
    "err.ingest.too_big_unpacked": (
        "「{file}」解压后共有 {mb:,.0f} MB，超过可读取的上限 {limit:,.0f} MB。请按月份或网格拆成几个较小的文件分别导入。",
        "“{file}” unpacks to {mb:,.0f} MB in all, more than the {limit:,.0f} MB that can be read. Split it by month or by grid into smaller files and import each one.",
    ),
    "err.ingest.sheet_part": ("（内部文件 {part}）", " (part {part})"),
    "err.ingest.extent.declared": ("声明的", " declared"),
    "err.ingest.extent.merge": ("合并单元格", " merged cell"),
    "err.ingest.extent.repeated": ("重复声明的", " repeated"),
    "err.ingest.reach_cell": ("第 {row:,} 行、第 {col:,} 列", "row {row:,}, column {col:,}"),
    "err.ingest.reach_row": ("第 {row:,} 行", "row {row:,}"),
    "err.ingest.huge_merge": (
        "「{file}」的工作表{sheet}有一个合并单元格 {ref} 覆盖 {cells:,} 个单元格（几乎整张表），已拒绝。请在 Excel 中取消这个合并（开始 → 合并后居中 → 取消合并），另存后再上传。",
        "Refused: a worksheet{sheet} of “{file}” has a merged cell {ref} covering {cells:,} cells (nearly the whole sheet). Unmerge it in Excel (Home → Merge & Center → Unmerge Cells), save and upload again.",
    ),
    "err.ingest.many_merges": (
        "「{file}」的工作表{sheet}有 {merges:,} 个合并单元格，已拒绝。请在 Excel 中全选后取消合并，另存后再上传。",
        "Refused: a worksheet{sheet} of “{file}” has {merges:,} merged cells. Select all in Excel, unmerge the cells, save and upload again.",
    ),
    "err.ingest.too_many_cells": (
        "「{file}」的工作表{sheet}的数据区域到第 {row:,} 行、第 {col:,} 列，约 {cells:,} 个单元格，超过可读取的上限 {limit:,}。这通常是远处某个单元格有内容或格式；请在 Excel 中删除数据下方和右侧的空行空列（或只复制数据区域到新工作簿），另存后再上传。",
        "The data area of a worksheet{sheet} of “{file}” reaches row {row:,}, column {col:,}: about {cells:,} cells, more than the {limit:,} that can be read. Usually a far-away cell holds a value or formatting: in Excel delete the empty rows below and columns to the right of the data (or copy just the data into a new workbook), save and upload again.",
    ),
    "err.ingest.beyond_excel": (
        "「{file}」的工作表{sheet}{what}区域到{reach}，超出了 Excel 本身的上限（{rows:,} 行 × {cols:,} 列），文件是损坏或伪造的，已拒绝。请用 Excel 打开后另存为新的 .xlsx 再上传。",
        "Refused: the{what} area of a worksheet{sheet} of “{file}” reaches {reach}, beyond what Excel itself can hold ({rows:,} rows × {cols:,} columns), so the file is damaged or forged. Open it in Excel, save it as a new .xlsx and upload that.",
    ),
    "err.ingest.beyond_xls": (
        "「{file}」声明有 {rows:,} 行、{cols:,} 列，超出了 .xls 格式本身的上限（{max_rows:,} 行 × {max_cols} 列），文件是损坏或伪造的，已拒绝。请用 Excel 打开后另存为新的 .xlsx 再上传。",
        "Refused: “{file}” declares {rows:,} rows and {cols:,} columns, beyond what the .xls format itself can hold ({max_rows:,} rows × {max_cols} columns), so the file is damaged or forged. Open it in Excel, save it as a new .xlsx and upload that.",
    ),
}

STRINGS |= {
    # reading a file (analytics.ingest.reading)
    "err.ingest.too_big": (
        "文件「{file}」有 {size}，超过了上传上限 {limit}。请按月份或网格拆成几个较小的文件分别导入。",
        "The file “{file}” is {size}, more than the upload limit of {limit}. Split it by month or by grid into smaller files and import each one.",
    ),
    "err.ingest.empty_file": (
        "文件「{file}」是空的（0 字节）。请确认上传的是填好数据的文件。",
        "The file “{file}” is empty (0 bytes). Check that you uploaded the file with the data filled in.",
    ),
    "err.ingest.html": (
        "「{file}」虽然叫 {suffix} 文件，实际是网页（HTML/XML）格式，常见于业务系统的“导出 Excel”。请用 Excel 打开它，另存为 .xlsx 后再上传。",
        "“{file}” is named as a {suffix} file but is really a web page (HTML/XML), as business systems' “Export to Excel” often makes. Open it in Excel, save it as .xlsx and upload that.",
    ),
    "err.ingest.html.spreadsheet": ("表格", "spreadsheet"),
    "err.ingest.not_excel": (
        "「{file}」不是有效的 Excel 文件（文件可能已损坏，或只是改了扩展名）。请用 Excel 打开确认后另存为 .xlsx 再上传。",
        "“{file}” is not a valid Excel file (it may be damaged, or only its extension was changed). Open it in Excel to check it, save it as .xlsx and upload that.",
    ),
    "err.ingest.too_wide": (
        "「{file}」的一行有 {columns:,} 列，超过了 Excel 的上限 {limit:,} 列（通常是分隔符或引号错乱）。请用 Excel 打开检查后另存为“CSV UTF-8（逗号分隔）”再上传。",
        "A row of “{file}” has {columns:,} columns, more than Excel's limit of {limit:,} (usually mixed-up separators or quotes). Check it in Excel, save it as “CSV UTF-8 (Comma delimited)” and upload that.",
    ),
    "err.ingest.huge_cell": (
        "「{file}」里有一行或一格长得异常（超过 13 万个字符），通常是文件损坏、引号不成对或整份文件没有换行。请用 Excel 打开检查后另存为“CSV UTF-8（逗号分隔）”再上传。",
        "“{file}” has a row or cell of abnormal length (over 130,000 characters), usually a damaged file, an unpaired quote or a file without line breaks. Check it in Excel, save it as “CSV UTF-8 (Comma delimited)” and upload that.",
    ),
    "err.ingest.no_content": (
        "「{file}」里没有任何内容。请确认上传的是填好数据的文件。",
        "“{file}” has nothing in it. Check that you uploaded the file with the data filled in.",
    ),
    "err.ingest.excel.password": (
        "文件可能设置了打开密码，请取消密码后再上传。",
        "it may be protected by a password: remove the password and upload it again.",
    ),
    "err.ingest.excel.damaged": ("文件可能已损坏。", "it may be damaged."),
    "err.ingest.excel_unreadable": (
        "无法读取 Excel 文件「{file}」：{hint}请用 Excel 打开确认后另存为 .xlsx 再上传。",
        "Cannot read the Excel file “{file}”: {hint} Open it in Excel to check it, save it as .xlsx and upload that.",
    ),
    "err.ingest.no_sheets": (
        "「{file}」里没有工作表。",
        "“{file}” has no worksheets. Upload a workbook with the data on a sheet.",
    ),
}

STRINGS |= {
    # importing and undoing (analytics.ingest, analytics.ingest.load)
    "err.ingest.not_allowed": (
        "只有管理员和数据分析员可以导入或撤销数据。",
        "Only administrators and analysts may import or undo data. Sign in with such an account.",
    ),
    "err.ingest.unknown_kind": (
        "不能导入“{table}”：可导入的数据种类有 {kinds}。",
        "Cannot import “{table}”: the kinds of data that can be imported are {kinds}.",
    ),
    "err.ingest.no_such_sheet": (
        "「{file}」里没有名为「{sheet}」的工作表；有：{sheets}。",
        "“{file}” has no worksheet named “{sheet}”; it has: {sheets}.",
    ),
    "err.ingest.only_hidden": (
        "「{file}」里只有隐藏的工作表（{sheets}）；如确要导入，请选择工作表。",
        "“{file}” has only hidden worksheets ({sheets}); to import one of them, choose the sheet.",
    ),
    "err.ingest.pick_sheet": (
        "「{file}」有多个工作表（{sheets}），请选择要导入为“{kind}”的那一个。",
        "“{file}” has several worksheets ({sheets}): choose the one to import as “{kind}”.",
    ),
    "err.ingest.still_demo": (
        "数据库里还是演示数据（模拟数据）。为避免真实数据和模拟数据混在一起，请先在数据导入页点击“清空演示数据”，再导入。",
        "The database still holds the demo world (simulated data). So that real and simulated data never mix, click “Clear the demo data” on the import page first, then import.",
    ),
    "err.ingest.in_progress": (
        "「{file}」正在导入中（另一位管理员或另一个页面刚刚开始导入同一个文件）。请等它完成后刷新页面，在“导入记录”中查看；同一文件再次导入不会增加数据。",
        "“{file}” is being imported right now (another administrator or another page has just started importing the same file). Wait for it to finish, then reload the page and look in the import history; importing the same file again adds nothing.",
    ),
    "err.ingest.raced_keys": (
        "导入「{file}」时，另一个同时进行的导入写入了编号相同的记录，本次导入已全部撤回，数据库没有变化。请刷新页面，重新上传这个文件：已有的记录会显示为“相同”或“冲突”。",
        "While “{file}” was being imported, another import running at the same time wrote records with the same ids, so this import was rolled back entirely and the database is unchanged. Reload the page and upload the file again: records already there will show as “identical” or “conflicting”.",
    ),
    "err.ingest.cannot_write": (
        "导入「{file}」时无法写入数据库文件（磁盘可能已满或没有写权限），本次导入已全部撤回。请联系系统管理员清理磁盘空间后再导入。",
        "Importing “{file}” could not write to the database file (the disk may be full, or writing is not permitted), so the import was rolled back entirely. Ask the system administrator to free disk space, then import again.",
    ),
    "err.ingest.raced_write": (
        "导入「{file}」时另一个写入操作同时改动了同一批数据，本次导入已全部撤回，数据库没有变化。请稍候刷新页面，在“导入记录”中确认后再试。",
        "Another write changed the same data while “{file}” was being imported, so this import was rolled back entirely and the database is unchanged. Wait a moment, reload the page, check the import history and try again.",
    ),
    "err.ingest.no_batch": ("没有编号为 {batch} 的导入批次。", "There is no import batch {batch}."),
    "err.ingest.demo_batch": (
        "演示数据不能按批次撤销；请在数据导入页使用“清空演示数据”。",
        "The demo world cannot be undone batch by batch: use “Clear the demo data” on the import page.",
    ),
    "err.ingest.undone_already": ("批次 {batch} 已经撤销过了。", "Batch {batch} has already been undone."),
    "err.ingest.blocker": ("{kind} {rows:,} 行", "{kind}: {rows:,} rows"),
    "err.ingest.still_used": (
        "批次 {batch} 导入的{kind}仍被其他数据引用（{blockers}）。请先撤销引用它们的批次，再撤销这一批。",
        "Other data still refers to the {kind} imported in batch {batch} ({blockers}). Undo the batches that refer to them first, then this one.",
    ),
    "err.ingest.no_demo": ("数据库中已经没有演示数据。", "The database holds no demo data any more."),
}

STRINGS |= {
    # the importable tables as messages name them (analytics.ingest.specs: TableSpec.label, tested equal)
    "err.ingest.table.communities": ("居民区名单", "community list"),
    "err.ingest.table.partners": ("美好社区合伙人", "community partners"),
    "err.ingest.table.pairings": ("合伙人结对关系", "partner pairings"),
    "err.ingest.table.service_items": ("四色种子服务项目", "seed service items"),
    "err.ingest.table.seed_activities": ("四色种子活动台账", "seed activity ledger"),
    "err.ingest.table.grid_cases": ("网格事务台账", "grid matters ledger"),
    "err.ingest.table.contest_rounds": ("书记擂台比拼场次", "contest rounds"),
    "err.ingest.table.contest_criteria": ("擂台评分标准", "contest criteria"),
    "err.ingest.table.judges": ("擂台评委", "contest judges"),
    "err.ingest.table.contest_entries": ("擂台参赛名单", "contest entries"),
    "err.ingest.table.contest_scores": ("擂台评分", "contest scores"),
}
