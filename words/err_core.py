"""What the database door, the parsing worker and the access store say when they cannot go on."""

STRINGS = {
    # the parsing worker (analytics.core.isolate)
    "err.isolate.busy": (
        "服务器正在读取其他上传的文件，暂时无法读取「{file}」。请稍等一两分钟后刷新页面重试。",
        "The server is busy reading other uploaded files and cannot read “{file}” just now. Wait a minute or two, then reload the page and try again.",
    ),
    "err.isolate.no_process": (
        "服务器暂时无法启动读取「{file}」的程序（系统资源不足）。请稍后重试；如果反复出现，请联系系统管理员。",
        "The server cannot start the program that reads “{file}” just now (it is short of resources). Try again later; if it keeps happening, contact the system administrator.",
    ),
    "err.isolate.parser_failed": (
        "读取「{file}」时出错，文件可能已损坏或格式特殊。请用 Excel 打开确认后另存为 .xlsx（或 CSV UTF-8）再上传。",
        "Reading “{file}” failed: the file may be damaged or in an unusual format. Open it in Excel to check it, save it as .xlsx (or CSV UTF-8) and upload that.",
    ),
    "err.isolate.timeout": (
        "读取「{file}」超过了 {seconds:.0f} 秒仍未完成，已停止。文件可能过大或内容异常（例如大量空行、超大的合并区域）。请在 Excel 中删除多余的空行空列后另存为 .xlsx，或按月份拆成较小的文件再上传。",
        "Reading “{file}” was stopped after {seconds:.0f} seconds without finishing. The file may be too large or hold something unusual (many empty rows, a huge merged area). Delete the extra empty rows and columns in Excel and save it as .xlsx, or split it by month into smaller files, then upload again.",
    ),
    "err.isolate.reason.memory": (
        "需要的内存超过了为读取文件预留的上限",
        " needed more memory than is set aside for reading a file",
    ),
    "err.isolate.reason.died": ("读取程序异常终止", " made the reading program end abnormally"),
    "err.isolate.stopped": (
        "读取「{file}」时{reason}（上限 {mb} MB，已停止，系统其他功能不受影响）。文件声明或包含的表格区域异常巨大，或文件已损坏。请在 Excel 中打开，删除多余的行列和合并单元格，另存为新的 .xlsx 后再上传。",
        "Reading “{file}”{reason} (limit {mb} MB), so it was stopped; nothing else is affected. The file declares or holds an enormous table area, or it is damaged. Open it in Excel, delete the extra rows, columns and merged cells, save it as a new .xlsx and upload that.",
    ),
    "err.isolate.no_answer": (
        "读取「{file}」的程序没有返回结果，已停止。请用 Excel 打开确认后另存为 .xlsx 再上传。",
        "The program reading “{file}” gave no answer and was stopped. Open the file in Excel to check it, save it as .xlsx and upload that.",
    ),
}

STRINGS |= {
    # accounts and the access store (analytics.access); the command line prints both languages
    "err.access.password_short": ("密码至少需要10位", "a password needs at least 10 characters"),
    "err.access.no_username": ("请填写用户名", "a user name is required"),
    "err.access.no_user": ("没有用户 {user}", "no user {user!r}"),
    "err.access.passwords_differ": ("两次输入的密码不一致", "the two passwords differ"),
    "err.access.unknown_role": ("没有角色 {role}（可选：{roles}）", "unknown role {role!r}; expected one of {roles}"),
    "err.access.unknown_town": (
        "没有代码为 {town} 的街镇。请填写闵行区街镇的行政区划代码：{towns}",
        "There is no town with the code {town}. Use a Minhang town's administrative code: {towns}",
    ),
    "err.access.secretary_community": (
        "书记账户须用 --community 指定所在居民区，例如 C30",
        "a secretary's scope names the secretary's community (--community C30)",
    ),
    "err.access.audit_roles": (
        "只有领导和管理员可以查看操作日志。",
        "Only leaders and administrators may read the audit log.",
    ),
    "err.store.busy": (
        "账户与日志库（{path}）正被其他程序长时间占用，本次操作未完成，请稍后重试。",
        "The account store ({path}) is held by another program for too long; nothing was done. Try again in a moment.",
    ),
    "err.store.unwritable": (
        "无法写入账户与日志库（{path}）：磁盘已满或没有写入权限。请清理磁盘空间或检查该文件夹的权限后重试。",
        "Cannot write the account store ({path}): the disk is full or writing is not permitted. Free disk space or check the folder's permissions, then try again.",
    ),
    "err.store.damaged": (
        "账户与日志库（{path}）已损坏。请从备份恢复该文件，或将其改名后重新添加账户。",
        "The account store ({path}) is damaged. Restore the file from a backup, or rename it and add the accounts again.",
    ),
    "err.store.unreachable": (
        "连接不上账户与日志库（{path}）：数据库服务器没有响应或拒绝连接，本次操作未完成。请稍后重试；如反复出现请联系管理员检查数据库服务。",
        "Cannot reach the account store ({path}): the database server did not answer or refused the connection; nothing was done. Try again in a moment; if it keeps happening, ask the administrator to check the database service.",
    ),
    "err.store.failed": (
        "账户与日志库（{path}）出错，本次操作未完成，请稍后重试；如反复出现请联系管理员。",
        "The account store ({path}) failed and nothing was done. Try again in a moment; if it keeps happening, contact the administrator.",
    ),
}

STRINGS |= {
    # the database door (analytics.core.connection, analytics.core.db_errors)
    "err.db.missing": (
        "数据库文件不存在：{path}。请先不带只读参数启动一次以生成演示数据。",
        "The database file does not exist: {path}. Start once without the read-only option first, to generate the demo data.",
    ),
    "err.db.unfinished": (
        "数据库文件 {path} 是一次未完成的首次启动留下的空库。请先不带只读参数启动一次，程序会重新生成演示数据。",
        "The database file {path} is an empty database left by an unfinished first start. Start once without the read-only option and the program generates the demo data again.",
    ),
    "err.db.settings": (
        "数据库设置无效（{memory_name}={memory!r}，{threads_name}={threads!r}）：{detail}。内存上限请写成 1GB、512MB 这样的形式，线程数写成整数。",
        "Invalid database settings ({memory_name}={memory!r}, {threads_name}={threads!r}): {detail}. Write the memory limit like 1GB or 512MB, and the number of threads as a whole number.",
    ),
    "err.db.query": ("查询失败：{detail}", "The query failed: {detail}"),
    "err.db.write_race": (
        "另一个写入操作正在进行或刚刚改动了同一批数据，本次操作已全部撤回，请稍后重试。",
        "Another write is running or has just changed the same data, so this operation was rolled back entirely. Try again in a moment.",
    ),
    "err.db.constraint": ("数据不符合约束：{detail}", "The data breaks a constraint: {detail}"),
    "err.db.write": ("写入失败：{detail}", "The write failed: {detail}"),
    "err.db.where": ("（{where}）", " ({where})"),
    "err.db.disk_full": (
        "磁盘空间不足{place}，本次写入未完成，数据库保持原样。请清理服务器磁盘空间（或联系管理员扩容）后重试。",
        "The disk is full{place}: this write was not done and the database is unchanged. Free disk space on the server (or ask the administrator for more), then try again.",
    ),
    "err.db.pid": ("（进程号 {pid}）", " (process {pid})"),
    "err.db.locked": (
        "数据库文件 {path} 正被另一个程序{holder}占用，例如另一个看板进程或命令行工具。请先关闭那个程序，再刷新本页面；若要同时运行两个看板，请让它们各用一个数据库文件（环境变量 JIANGCHUAN_DB）。",
        "The database file {path} is held by another program{holder}, such as another dashboard process or a command-line tool. Close that program, then reload this page; to run two dashboards at once, give each its own database file (environment variable JIANGCHUAN_DB).",
    ),
    "err.db.copy_moving": (
        "数据库文件 {path} 正被看板使用，且在复制时一直有写入（例如正在导入台账），本次没有读取。请稍后再运行此命令。",
        "The database file {path} is in use by the dashboard and kept changing while it was being copied (an import, say); nothing was read. Run this command again in a little while.",
    ),
    "err.db.damaged": (
        "数据库文件 {path} 已损坏或不是本系统的数据库文件。请从备份恢复该文件；没有备份时，可把它改名保存（以便日后排查），再重新启动，程序会生成新的演示数据库，然后重新导入数据。",
        "The database file {path} is damaged or is not this system's database. Restore it from a backup; without one, rename it (to keep it for inspection) and start again: the program generates a new demo database, into which you import the data again.",
    ),
    "err.db.permission": (
        "没有权限读写数据库文件 {path}。请用启动看板的同一个系统用户检查该文件及其文件夹的权限。",
        "No permission to read and write the database file {path}. As the system user that starts the dashboard, check the permissions of the file and its folder.",
    ),
    "err.db.cannot_open": (
        "无法打开数据库文件 {path}。请确认文件完整且没有被其他程序占用，然后刷新页面；如反复出现，请把服务器日志交给管理员。",
        "Cannot open the database file {path}. Check that the file is whole and no other program holds it, then reload the page; if it keeps happening, give the server log to the administrator.",
    ),
    "err.db.invalidated": (
        "磁盘空间不足或写入出错，数据库已暂停使用，最后一次操作没有保存。请清理服务器磁盘空间后刷新页面，程序会重新打开数据库。",
        "The disk is full or a write failed: the database is paused and the last operation was not saved. Free disk space on the server and reload the page; the program opens the database again.",
    ),
    "err.db.io": (
        "写入数据库文件时出错，本次操作已撤回。请检查服务器磁盘后重试；如反复出现，请把服务器日志交给管理员。",
        "Writing the database file failed and the operation was rolled back. Check the server's disk and try again; if it keeps happening, give the server log to the administrator.",
    ),
}

STRINGS |= {
    "err.db.no_folder_permission": (
        "没有权限在文件夹 {folder} 中创建数据库文件。请用启动看板的系统用户检查该文件夹的权限，或用环境变量 JIANGCHUAN_DB 指定一个可写的位置。",
        "No permission to create the database file in the folder {folder}. As the system user that starts the dashboard, check the folder's permissions, or name a writable place with the environment variable JIANGCHUAN_DB.",
    ),
}
