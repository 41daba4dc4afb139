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
    "err.isolate.reason.died": ("读取程序异常终止", ", the reading program stopped abnormally"),
    "err.isolate.stopped": (
        "读取「{file}」时{reason}（上限 {mb} MB，已停止，系统其他功能不受影响）。文件声明或包含的表格区域异常巨大，或文件已损坏。请在 Excel 中打开，删除多余的行列和合并单元格，另存为新的 .xlsx 后再上传。",
        "Reading “{file}”{reason} (limit {mb} MB; it was stopped, nothing else is affected). The file declares or holds an enormous table area, or it is damaged. Open it in Excel, delete the extra rows, columns and merged cells, save it as a new .xlsx and upload that.",
    ),
    "err.isolate.no_answer": (
        "读取「{file}」的程序没有返回结果，已停止。请用 Excel 打开确认后另存为 .xlsx 再上传。",
        "The program reading “{file}” gave no answer and was stopped. Open the file in Excel to check it, save it as .xlsx and upload that.",
    ),
}
