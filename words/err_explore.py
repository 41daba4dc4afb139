"""What the SQL console, the table browser and the pivot say when they refuse or stop a request."""

STRINGS = {
    "err.console.syntax": (
        "SQL 语法错误，请检查后重试：{detail}",
        "SQL syntax error; check the query and try again: {detail}",
    ),
    "err.console.empty": ("请先输入一条查询语句。", "Type a query first."),
    "err.console.too_long": (
        "语句太长（{chars:,} 个字符，上限 {limit:,}），请精简后重试。",
        "The query is too long ({chars:,} characters, at most {limit:,}). Shorten it and try again.",
    ),
    "err.console.nothing": ("没有找到可运行的语句（只有注释？）。", "No statement to run was found (only comments?)."),
    "err.console.multiple": (
        "一次只能运行一条语句，这里有 {count} 条。请删去多余的语句（分号后面的部分）。",
        "Only one statement can run at a time, and there are {count} here. Delete the extra ones (what follows the semicolon).",
    ),
    "err.console.statement": (
        "控制台只能运行查询（SELECT、FROM、WITH … SELECT、EXPLAIN 等），这是一条 {kind} 语句，已拒绝。修改数据请使用“数据导入”功能。",
        "Refused: the console runs only queries (SELECT, FROM, WITH … SELECT, EXPLAIN and the like), and this is a {kind} statement. To change data, use Import data.",
    ),
    "err.console.no_file": ("数据库文件不存在：{path}", "The database file does not exist: {path}"),
    "err.console.access": (
        "SQL 控制台只对领导、分析人员和管理员开放。",
        "The SQL console is open to leaders, analysts and administrators only.",
    ),
    "err.console.first_row_too_big": (
        "查询结果的第一行就超过了 {mb:g} MB 的上限，无法显示。请只选需要的列，或用 left()、length() 等取其一部分。",
        "The first row of the result alone exceeds the {mb:g} MB limit and cannot be shown. Select only the columns you need, or take part of them with left(), length() and the like.",
    ),
    "err.console.held": (
        "另一个程序正以读写方式打开该数据库（例如正在运行的看板），控制台无法读取。请在看板的“数据探索”页里运行查询，或先关闭那个程序。",
        "Another program has the database open for writing (a running dashboard, say), so the console cannot read it. Run the query on the dashboard's Explorer page, or close that program first.",
    ),
    "err.console.held_short": (
        "另一个程序正以读写方式打开该数据库，控制台无法读取。",
        "Another program has the database open for writing, so the console cannot read it. Close that program and try again.",
    ),
    "err.console.cause.disk": ("磁盘空间不足，", "The disk is full, so "),
    "err.console.cause.folder": (
        "无法写入文件夹 {folder}（{reason}），",
        "The folder {folder} cannot be written ({reason}), so ",
    ),
    "err.console.no_masked_copy": (
        "{cause}控制台无法准备脱敏数据副本。请清理磁盘空间或检查文件夹权限后再试。",
        "{cause}the console cannot prepare its masked copy of the data. Free disk space or check the folder's permissions, then try again.",
    ),
    "err.console.masking_failed": (
        "无法准备脱敏数据副本：{detail}。请稍后再试。",
        "Could not prepare the masked copy of the data: {detail}. Try again in a moment.",
    ),
    "err.console.snapshot_failed": (
        "无法为控制台准备数据副本：{detail}",
        "Could not prepare the console's copy of the data: {detail}. Try again in a moment.",
    ),
    "err.console.odd_settings": (
        "数据库已被本程序以特殊设置打开，控制台无法读取。请重启看板后重试。",
        "This program has the database open with special settings, so the console cannot read it. Restart the dashboard and try again.",
    ),
    "err.console.timeout": (
        "查询超过 {seconds:g} 秒的时限，已中止。请缩小范围（加 WHERE 条件、先聚合）后重试。",
        "The query ran past its {seconds:g}-second limit and was stopped. Narrow it (add WHERE conditions, aggregate first) and try again.",
    ),
    "err.console.killed_timeout": (
        "查询超过 {seconds:g} 秒的时限，已强制中止。请缩小范围（加 WHERE 条件、先聚合）后重试。",
        "The query ran past its {seconds:g}-second limit and was forcibly stopped. Narrow it (add WHERE conditions, aggregate first) and try again.",
    ),
    "err.console.memory": (
        "查询需要的内存超过上限（{limit}），已中止。请先聚合或缩小范围。",
        "The query needed more memory than the limit ({limit}) and was stopped. Aggregate first or narrow it.",
    ),
    "err.console.external": (
        "出于安全考虑，控制台不能读写服务器上的文件、连接其他数据库，也不能安装或加载扩展。（{detail}）",
        "For safety the console cannot read or write files on the server, attach other databases, or install or load extensions. ({detail})",
    ),
    "err.console.config": (
        "控制台的运行设置已锁定，不能用 SET / RESET 修改。（{detail}）",
        "The console's settings are locked and cannot be changed with SET / RESET. ({detail})",
    ),
    "err.console.read_only": (
        "控制台是只读的，不能修改数据库。修改数据请使用“数据导入”功能。（{detail}）",
        "The console is read-only and cannot change the database. To change data, use Import data. ({detail})",
    ),
    "err.console.bookkeeping": (
        "当前角色不能查询表 {table}：操作日志、导入记录和他人保存的查询只对 README所列的角色开放。",
        "Your role cannot query the table {table}: the audit log, the import history and other people's saved queries are open only to the roles the README lists.",
    ),
    "err.console.failed": ("查询出错：{detail}", "The query failed: {detail}"),
    "err.console.busy": (
        "控制台正忙：已有 {running} 个查询在运行。请稍等片刻再试。",
        "The console is busy: {running} queries are already running. Wait a moment and try again.",
    ),
    "err.console.cancelled": (
        "查询已取消：同一用户开始了新的查询，或离开了页面。",
        "The query was cancelled: the same user started a new one, or left the page.",
    ),
    "err.console.too_big": (
        "查询结果超过 {mb:g} MB 的上限，已中止。请只选需要的列、先聚合。",
        "The result exceeded the {mb:g} MB limit and the query was stopped. Select only the columns you need, and aggregate first.",
    ),
    "err.console.worker_memory": (
        "查询用尽了控制台进程的内存上限（{mb} MB），已中止。请先聚合或缩小范围。",
        "The query used up the console process's memory limit ({mb} MB) and was stopped. Aggregate first or narrow it.",
    ),
    "err.console.died": (
        "查询进程意外结束（{error}），已中止。请缩小范围后重试。",
        "The query process ended unexpectedly ({error}). Narrow the query and try again.",
    ),
    "err.console.no_name": ("请给查询起一个名字再保存。", "Give the query a name before saving it."),
    "err.console.long_name": ("名字太长（最多 {limit} 个字）。", "The name is too long (at most {limit} characters)."),
    "err.console.name_taken": (
        "这个名字已被其他用户的查询使用，请换一个名字。",
        "Another user's query already has this name. Choose a different one.",
    ),
}

STRINGS |= {
    "err.catalog.hidden_table": (
        "当前角色不能查看表 {table}（操作日志、导入记录和他人保存的查询只对相应角色开放）。",
        "Your role cannot view the table {table} (the audit log, the import history and other people's saved queries are open only to the roles they concern).",
    ),
    # the pivot's checks of what was asked for
    "err.pivot.subject": (
        "未知的分析对象：{subject}（可选：{choices}）",
        "Unknown subject: {subject} (choose from {choices})",
    ),
    "err.pivot.too_many": ("最多选择 {limit} 个维度。", "Choose at most {limit} dimensions."),
    "err.pivot.dimension_twice": ("同一个维度只能选一次。", "Choose each dimension only once."),
    "err.pivot.dimension_unfit": (
        "维度 {name} 不适用于 {subject}。",
        "The dimension {name} does not apply to {subject}.",
    ),
    "err.pivot.no_measure": ("请至少选择一个指标。", "Choose at least one measure."),
    "err.pivot.measure_unfit": ("指标 {name} 不适用于 {subject}。", "The measure {name} does not apply to {subject}."),
    "err.pivot.measure_twice": ("同一个指标只能选一次。", "Choose each measure only once."),
    "err.pivot.no_filter": ("不能按 {name} 筛选。", "Cannot filter by {name}."),
    "err.pivot.bad_values": ("{name} 的筛选值无效：{values}", "Invalid filter values for {name}: {values}"),
    "err.pivot.empty": ("（空）", "(none)"),
}
