"""What the importer finds in a file's rows and header (problems that block the import, notes on what it
did) and the steps it reports while it works. Column names in these messages are the file's own
headers or the template's Chinese ones: that is what the reader sees in the file."""

STRINGS = {
    "ingest.rows": ("第 {rows} 行", "Row(s) {rows}"),
    "ingest.rows_more": ("第 {rows}…行（共 {count} 行）", "Rows {rows}… ({count} rows)"),
    "ingest.step.rows": ("读取数据行", "reading the rows"),
    "ingest.step.cells": ("检查每个单元格", "checking every cell"),
    "ingest.step.relations": ("检查数据之间的关系", "checking how the data fit together"),
    # the header
    "ingest.check.no_header": (
        "在工作表「{sheet}」的前 20 行中找不到表头：没有一行包含“{names}”等列名。请确认选择的数据种类是“{kind}”，并且表头在数据上方（可下载模板对照）。",
        "No header found in the first 20 rows of the worksheet “{sheet}”: no row holds column names such as “{names}”. Check that the kind of data chosen is “{kind}” and that the header is above the data (compare with the template).",
    ),
    "ingest.note.title_skipped": (
        "表头在第 {row} 行；上方的标题行已跳过：{title}",
        "The header is on row {row}; the title rows above it were skipped: {title}",
    ),
    "ingest.note.header_at": ("表头在第 {row} 行", "The header is on row {row}"),
    "ingest.check.header_cell": ("「{header}」({letter}列)", "“{header}” (column {letter})"),
    "ingest.check.same_column": (
        "{names} 都对应“{column}”，系统不知道该用哪一列。请删去或改名其中一列",
        "{names} all mean “{column}”, so the system cannot tell which to use. Delete or rename one of them",
    ),
    "ingest.check.missing_column": (
        "缺少必填列「{column}」。请在表头加上这一列（也可写作：{synonyms}），或下载模板对照",
        "The required column “{column}” is missing. Add it to the header (it may also be called {synonyms}), or compare with the template",
    ),
    "ingest.note.unused_columns": (
        "以下列不属于“{kind}”，未导入：{columns}",
        "These columns are not part of “{kind}” and were not imported: {columns}",
    ),
    "ingest.check.no_rows": (
        "表头（第 {row} 行）下面没有数据行",
        "There are no data rows below the header (row {row})",
    ),
    # rows skipped
    "ingest.note.total_rows": ("{rows}是合计/总计行，已跳过", "{rows}: total rows, skipped"),
    "ingest.note.footnote_rows": (
        "{rows}是表尾说明（注、制表人等），已跳过",
        "{rows}: footnotes (notes, who made the table…), skipped",
    ),
    "ingest.note.blank_rows": ("跳过了 {count} 个空行", "{count} empty rows skipped"),
    "ingest.note.repeated_rows": (
        "{rows}与前面的行完全相同，已按一行导入",
        "{rows}: exactly the same as an earlier row, imported once",
    ),
    # cells
    "ingest.check.beyond_header": (
        "这一行在表头最后一列的右边还有内容（可能多了逗号或错位）；请核对这一行",
        "This row has content to the right of the header's last column (an extra comma or a shifted cell?); check the row",
    ),
    "ingest.check.cell_too_long": (
        "这个单元格有 {chars:,} 个字，超过了 {limit:,} 字的上限（可能是粘贴出错）。请检查并缩短这一格后再导入",
        "This cell holds {chars:,} characters, more than the limit of {limit:,} (a paste gone wrong?). Check and shorten it, then import again",
    ),
    "ingest.check.other_round": (
        "与页面上选择的场次「{round}」不一致；请核对，或在页面上改选场次",
        "Differs from the round “{round}” chosen on the page; check it, or choose another round on the page",
    ),
    "ingest.check.required": ("「{column}」是必填项，不能为空", "“{column}” is required and cannot be empty"),
    "ingest.check.required_many": (
        "「{column}」共有 {count} 行为空（以上只列出前 {shown} 行）",
        "“{column}” is empty in {count} rows (only the first {shown} are listed above)",
    ),
    # how the data fit together
    "ingest.check.closed_without_level": (
        "有办结时间但没有办结层级：已办结的事务请填办结层级（网格、居民区、街道或区级）",
        "A closing time but no level settled: for a closed matter fill in the level (grid, community, subdistrict or district)",
    ),
    "ingest.check.level_without_closed": (
        "有办结层级但没有办结时间：已办结的事务请填办结时间；未办结的请把办结层级留空",
        "A level settled but no closing time: for a closed matter fill in the closing time; for an open one leave the level empty",
    ),
    "ingest.check.closed_early": ("办结时间早于上报时间，请核对", "Closed before it was reported; check the times"),
    "ingest.check.grid_other_town": (
        "网格 {grid} 属于{grid_town}，与这里填的街镇{town}不一致；请核对所属街镇或网格",
        "Grid {grid} lies in {grid_town}, not in the town given here ({town}); check the town or the grid",
    ),
    "ingest.check.not_your_town": (
        "这一行属于{town}，您的账号只能导入{mine}的台账；请删去这一行，或请{town}的管理员导入",
        "This row belongs to {town}; your account imports {mine}'s ledgers only. Remove the row, or ask {town}'s administrator to import it",
    ),
    "ingest.check.other_grid": (
        "居民区 {community} 属于网格 {grid}，与这里填的网格不一致；请核对居民区或网格",
        "Community {community} belongs to grid {grid}, not the grid given here; check the community or the grid",
    ),
    "ingest.check.other_colour": (
        "服务项目 {item} 属于{colour}，与这里填的颜色不一致",
        "Service item {item} belongs to {colour}, not the colour given here",
    ),
    "ingest.check.above_max": ("超过这项标准的满分 {top:g}", "Above this criterion's maximum of {top:g}"),
    "ingest.note.entry_ids_made": (
        "文件没有参赛编号列：参赛编号按“场次-居民区编号”生成",
        "The file has no entry id column: entry ids are made as “round-community id”",
    ),
    "ingest.note.ids_made": (
        "文件没有“{column}”列：编号按每行内容生成，再次导入同样的行会被识别为重复",
        "The file has no “{column}” column: ids are made from each row's content, so importing the same rows again is recognised as a repeat",
    ),
    "ingest.check.same_id": (
        "与第 {row} 行的{column}相同但内容不同；编号在一个文件里只能出现一次",
        "Same {column} as row {row} but different content; an id may appear only once in a file",
    ),
    "ingest.check.same_name": (
        "名称与第 {row} 行相同但编号不同；名称不能重复",
        "Same name as row {row} but a different id; names must not repeat",
    ),
}

STRINGS |= {
    # one cell's value (analytics.ingest.values, analytics.ingest.lookups)
    "ingest.check.formula": (
        "这个单元格是公式「{formula}」，文件里没有保存它的计算结果（系统不会执行公式）。请在 Excel 中打开文件、保存后再上传，或把公式改为数值",
        "This cell is the formula “{formula}” and the file holds no computed result for it (the system runs no formulas). Open the file in Excel, save it and upload again, or replace the formula with its value",
    ),
    "ingest.check.excel_error": (
        "单元格是 Excel 的错误值 {value}，请先在 Excel 中修正这个单元格的公式或数据",
        "The cell holds the Excel error {value}: fix the cell's formula or data in Excel first",
    ),
    "ingest.check.text_too_long": (
        "内容太长（{chars} 个字），最多 {limit} 个字",
        "Too long ({chars} characters); at most {limit}",
    ),
    "ingest.check.id_too_long": (
        "编号太长（{chars} 个字符），最多 {limit} 个",
        "The id is too long ({chars} characters); at most {limit}",
    ),
    "ingest.check.integer": ("整数", "a whole number"),
    "ingest.check.number": ("数字", "a number"),
    "ingest.check.not_number": (
        "「{text}」不是{what}，请只填数字（可带千位分隔符，如 1,234）",
        "“{text}” is not {what}: enter digits only (thousands separators allowed, as in 1,234)",
    ),
    "ingest.check.not_integer": ("「{text}」应为整数", "“{text}” should be a whole number"),
    "ingest.check.out_of_range": ("「{text}」超出范围：应{limits}", "“{text}” is out of range: it should be {limits}"),
    "ingest.check.between": ("在 {low:g} 到 {high:g} 之间", "between {low:g} and {high:g}"),
    "ingest.check.at_least": ("不小于 {low:g}", "at least {low:g}"),
    "ingest.check.at_most": ("不大于 {high:g}", "at most {high:g}"),
    "ingest.check.any_number": ("是有效数字", "a valid number"),
    "ingest.check.not_date_like": (
        "「{text}」不像日期。请写成 2023-06-14、2023/6/14、2023.6.14 或 2023年6月14日",
        "“{text}” does not look like a date. Write it as 2023-06-14, 2023/6/14, 2023.6.14 or 2023年6月14日",
    ),
    "ingest.check.not_date": (
        "「{text}」不是能识别的日期。请写成 2023-06-14、2023/6/14、2023.6.14 或 2023年6月14日",
        "“{text}” is not a date the system can read. Write it as 2023-06-14, 2023/6/14, 2023.6.14 or 2023年6月14日",
    ),
    "ingest.check.odd_year": (
        "「{text}」的年份 {year} 不合理，请核对",
        "The year {year} in “{text}” is implausible; check it",
    ),
    "ingest.check.no_such_day": (
        "「{text}」不是存在的日期或时间（例如 2 月没有 30 日），请核对",
        "“{text}” is no real date or time (February has no 30th, say); check it",
    ),
    "ingest.check.not_a_choice": (
        "「{text}」不是可选的值。可填：{choices}",
        "“{text}” is not one of the choices: {choices}",
    ),
    "ingest.check.yes_or_no": ("「{text}」应填 是 或 否", "“{text}” should be 是 (yes) or 否 (no)"),
    "ingest.check.ambiguous": (
        "「{text}」可以指多个{what}（{ids}），请改填编号",
        "“{text}” could mean several of the {what} ({ids}); enter the id instead",
    ),
    "ingest.check.not_an_entry": (
        "「{text}」不是场次 {round} 的参赛居民区或参赛编号；请先导入该场次的参赛名单，或核对名称",
        "“{text}” is no entered community or entry id of round {round}; import the round's entries first, or check the name",
    ),
    "ingest.check.not_a_criterion": (
        "「{text}」不是场次 {round} 的评分标准；请先导入该场次的评分标准，或核对名称",
        "“{text}” is no criterion of round {round}; import the round's criteria first, or check the name",
    ),
    "ingest.check.near": (
        "（相近的有：{names}，如是请改成名单中的写法）",
        " (close ones: {names}; if it is one of them, write it as the list does)",
    ),
    "ingest.check.not_in_list": (
        "「{text}」不在{what}名单中{near}。请填写名单中的名称或编号；新的{what}请先导入{what}名单",
        "“{text}” is not in the list of {what}{near}. Enter a name or id from the list; import new {what} into their list first",
    ),
    # what a reference points at, as messages and templates name it
    "ingest.ref.community": ("居民区", "communities"),
    "ingest.ref.grid": ("片区网格", "area grids"),
    "ingest.ref.town": ("街镇", "towns"),
    "ingest.ref.partner": ("合伙人单位", "partner units"),
    "ingest.ref.item": ("服务项目", "service items"),
    "ingest.ref.judge": ("评委", "judges"),
    "ingest.ref.round": ("比拼场次", "contest rounds"),
    "ingest.ref.criterion": ("评分标准", "criteria"),
    "ingest.ref.entry": ("参赛居民区", "entered communities"),
    "ingest.ref.secretary": ("书记", "secretaries"),
}

STRINGS |= {
    # a wide score sheet (analytics.ingest.scores)
    "ingest.check.unknown_judge": (
        "表头「{header}」（{letter}列）看起来是评委，但不在评委名单中；请先导入评委名单，或把表头改成名单中的评委名称",
        "The header “{header}” (column {letter}) looks like a judge but is not in the list of judges; import the judges first, or rename the header to a judge in the list",
    ),
    "ingest.check.unknown_criterion": (
        "「{text}」不是场次 {round} 的评分标准（可用：{names}）",
        "“{text}” is no criterion of round {round} (it has: {names})",
    ),
    "ingest.check.judge_only": (
        "「{header}」只写了评委，没有写评分标准，而场次 {round} 有 {count} 项评分标准（{names}）。请按“评委-标准”分列填写，或改用长表（每行一个分数）",
        "“{header}” names a judge but no criterion, and round {round} has {count} criteria ({names}). Give each “judge-criterion” its own column, or use the long sheet (one score per row)",
    ),
    "ingest.check.no_judges": (
        "评分表里没有找到评委列：表头应写评委名称（如 评委1），或“评委-评分标准”",
        "No judge columns found in the score sheet: the headers should name the judges (such as 评委1), or “judge-criterion”",
    ),
    "ingest.check.same_judge_criterion": (
        "与「{header}」是同一位评委的同一项标准，重复了",
        "The same judge and criterion as “{header}”: a repeat",
    ),
    "ingest.check.no_entry_column": (
        "评分表缺少“参赛居民区”列（或“参赛编号”列）",
        "The score sheet lacks the “参赛居民区” (entered community) column, or the “参赛编号” (entry id) column",
    ),
    "ingest.check.entry_required": ("参赛居民区不能为空", "The entered community cannot be empty"),
    "ingest.note.empty_scores": (
        "有 {count} 个评委分数格是空的（评委缺席或未打分），这些格不导入",
        "{count} judge score cells are empty (the judge was absent or gave no score); they are not imported",
    ),
    "ingest.note.wide_sheet": (
        "按宽表读取：{columns} 个评分列，场次 {round}",
        "Read as a wide sheet: {columns} score columns, round {round}",
    ),
    "ingest.check.weighted_basis": (
        "（评委总分按各项“权重×分数”相加）",
        " (a judge's total adds up weight × score over the criteria)",
    ),
    "ingest.check.max_differs": (
        "最高分填的是 {value:g}，但各评委分数中最高的是 {found:.2f}{basis}；请核对",
        "The highest score is given as {value:g}, but the highest of the judges' scores is {found:.2f}{basis}; check it",
    ),
    "ingest.check.min_differs": (
        "最低分填的是 {value:g}，但各评委分数中最低的是 {found:.2f}{basis}；请核对",
        "The lowest score is given as {value:g}, but the lowest of the judges' scores is {found:.2f}{basis}; check it",
    ),
    "ingest.check.trimmed_mean": (
        "，去掉一个最高分和一个最低分后平均为 {mean:.2f}",
        ", {mean:.2f} without the highest and the lowest",
    ),
    "ingest.check.final_differs": (
        "最后得分填的是 {value:g}，但按各评委分数计算：全部平均为 {mean:.2f}{trimmed}{basis}。请核对这一行的分数或最后得分",
        "The final score is given as {value:g}, but from the judges' scores the mean of all is {mean:.2f}{trimmed}{basis}. Check this row's scores or its final score",
    ),
    "ingest.check.one_round": (
        "评分宽表一次只能导入一个场次；“场次”列里有多个或无法识别的场次",
        "A wide score sheet imports one round at a time; its “场次” (round) column holds several rounds, or ones not recognised",
    ),
    "ingest.note.round_from_title": ("场次按标题识别为 {round}", "Round {round} recognised from the title"),
    "ingest.check.which_round": (
        "无法确定这张评分表属于哪个场次：请在页面上选择场次，或在表中加一列“场次”",
        "Cannot tell which round this score sheet belongs to: choose the round on the page, or add a “场次” (round) column to the sheet",
    ),
}

STRINGS |= {
    # what the import did (analytics.ingest) and rows already stored (analytics.ingest.load)
    "ingest.step.file": ("读取文件", "reading the file"),
    "ingest.step.compare": ("与数据库中已有的数据比对", "comparing with the data already stored"),
    "ingest.step.rollups": ("更新汇总表", "updating the rollups"),
    "ingest.step.done": ("完成", "done"),
    "ingest.step.writing": ("写入数据库 {done:,}/{total:,} 行", "writing to the database: {done:,}/{total:,} rows"),
    "ingest.note.hidden_chosen": (
        "所选工作表「{sheet}」在 Excel 中是隐藏的",
        "The chosen worksheet “{sheet}” is hidden in Excel",
    ),
    "ingest.note.hidden_ignored": ("已忽略隐藏的工作表：{sheets}", "Hidden worksheets ignored: {sheets}"),
    "ingest.note.sheet_chosen": (
        "工作簿有 {count} 个工作表，按表头选用了「{sheet}」；其他工作表请分别选择导入",
        "The workbook has {count} worksheets; “{sheet}” was chosen by its header. Import the others by choosing each in turn",
    ),
    "ingest.note.listed": (
        "共发现 {count:,} 处问题，只列出前 {shown:,} 处",
        "{count:,} problems found; only the first {shown:,} are listed",
    ),
    "ingest.note.imported_before": (
        "这个文件已经导入过（批次 {batch}），再次导入不会增加任何数据",
        "This file was imported before (batch {batch}); importing it again adds nothing",
    ),
    "ingest.note.duplicate": (
        "这个文件已经导入过（批次 {batch}），本次没有增加任何数据",
        "This file was imported before (batch {batch}); nothing was added this time",
    ),
    "ingest.note.better_kind": (
        "这个文件的表头更像“{kind}”，请确认选择的数据种类是否正确",
        "This file's header looks more like “{kind}”: check that the right kind of data is chosen",
    ),
    "ingest.note.identical": (
        "{rows:,} 行与数据库中已有的记录完全相同，已跳过",
        "{rows:,} rows are exactly like records already stored and were skipped",
    ),
    "ingest.note.conflicts": (
        "{rows:,} 行与已有记录编号相同但内容不同，未导入（见冲突列表）",
        "{rows:,} rows have the id of a stored record but different content and were not imported (see the conflicts)",
    ),
    "ingest.check.empty": ("空", "empty"),
    "ingest.check.differs": (
        "{column}：库中为 {stored}，文件中为 {incoming}",
        "{column}: stored {stored}, in the file {incoming}",
    ),
    "ingest.check.from_batch": ("（来自导入批次 {batch}）", " (from import batch {batch})"),
    "ingest.check.conflict": (
        "{key}「{value}」已经存在{where}，但内容不同——{differs}。系统不会覆盖已有数据；如确需修改，请先撤销原来的批次再导入",
        "{key} “{value}” is already stored{where} with different content — {differs}. The system never overwrites stored data; to change it, undo the original batch first, then import",
    ),
    "ingest.check.name_taken": (
        "名称「{name}」已被编号 {owner} 使用；同一名称不能对应两个编号。请核对编号，或改用已有的编号",
        "The name “{name}” is already used by id {owner}; one name cannot belong to two ids. Check the id, or use the existing one",
    ),
}

STRINGS |= {
    # what reading a workbook noticed (analytics.ingest.reading)
    "ingest.note.hidden_sheet": ("工作表「{sheet}」在 Excel 中是隐藏的", "The worksheet “{sheet}” is hidden in Excel"),
    "ingest.note.formulas": (
        "有 {count} 个单元格是公式：使用的是 Excel 保存的计算结果，公式本身不会被执行",
        "{count} cells are formulas: the results Excel saved are used; the formulas themselves are never run",
    ),
    "ingest.note.formulas_unsaved": (
        "有 {count} 个公式单元格没有保存计算结果",
        "{count} formula cells have no saved result",
    ),
}
