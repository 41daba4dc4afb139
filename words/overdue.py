"""Deadlines and overdue matters (超期预警): the watch list, the deadline settings, the notifications."""

STRINGS = {
    # errors
    "err.overdue.admins_only": (
        "只有管理员可以设置办理时限。",
        "Only administrators may set the deadlines of matters.",
    ),
    "err.overdue.chasers_only": (
        "超期事务明细和各居民区的超期件数只对领导和居民区书记显示（时限因类别而异，明细会透露已脱敏的事务类别）。请查看按网格汇总的件数。",
        "The overdue matters one by one, and per community, are shown to leaders and secretaries only (deadlines differ by category, so the detail would give the masked category away). See the counts per grid.",
    ),
    "err.overdue.unknown_category": (
        "未知的事务类别“{category}”。可设置的类别：{categories}。",
        "Unknown category “{category}”. Deadlines can be set for: {categories}.",
    ),
    "err.overdue.days_range": (
        "办理时限“{days}”无效。请填写 1 到 {most} 之间的整数天数。",
        "The deadline “{days}” is not valid. Enter a whole number of days from 1 to {most}.",
    ),
    "err.overdue.too_early": (
        "生效日期 {day} 过早。请填写 {earliest} 或之后的日期。",
        "The date {day} is too early. Enter {earliest} or later.",
    ),
    "err.overdue.bad_date": (
        "日期“{value}”无法识别。请按 2024-06-30 的格式填写。",
        "The date “{value}” cannot be read. Write it as 2024-06-30.",
    ),
    "err.overdue.webhook_url": (
        "通知地址“{url}”无效。请填写以 http:// 或 https:// 开头的网址。",
        "The notification address “{url}” is not valid. Enter an address starting with http:// or https://.",
    ),
    "err.overdue.webhook_failed": (
        "向 {url} 发送“{holder}”的超期清单失败（{reason}，已尝试 {attempts} 次）。请检查网关地址与网络后重新运行。",
        "Sending the overdue list of “{holder}” to {url} failed ({reason}; tried {attempts} times). Check the gateway's address and the network, then run again.",
    ),
    "err.overdue.nowhere": (
        "没有指定发送到哪里。请用 --webhook 填写网关地址（或设置环境变量 {env}），或用 --out 指定输出文件夹。",
        "Nowhere to send the lists. Give the gateway with --webhook (or set {env}), or a folder with --out.",
    ),
    # the message text (for e-mail)
    "overdue.notify.heading": (
        "{community}（{grid}）超期预警 · 截至 {as_of}：已超期 {overdue} 件，{week} 天内到期 {due_soon} 件。",
        "{community} ({grid}) overdue matters as of {as_of}: {overdue} overdue, {due_soon} due within {week} days.",
    ),
    "overdue.notify.line": (
        "· {case} {category}{urgent}：{reported} 上报，{due} 到期，{state}",
        "· {case} {category}{urgent}: reported {reported}, due {due}, {state}",
    ),
    "overdue.notify.urgent": ("（紧急）", " (urgent)"),
    "overdue.notify.late": ("已超期 {days} 天", "{days} days overdue"),
    "overdue.notify.left": ("还剩 {days} 天", "{days} days left"),
    # the watch list
    "overdue.header": ("超期预警（{where}）", "Overdue matters ({where})"),
    "overdue.caption": (
        "截至 {as_of} 仍未办结的事务（不论何时上报）：已超过办理时限的，以及 {week} 天内到期的。时限按类别与是否紧急设定，按自然日计算（含周末），在到期时刻办结即为按期。",
        "Matters still open on {as_of}, whenever reported: past their deadline, or due within {week} days. Deadlines are set per category and urgency and count calendar days (weekends included); closed at the due time is in time.",
    ),
    "overdue.none": ("当前没有未办结的事务。", "No matter is open."),
    "overdue.kpi.overdue": ("已超期", "Overdue"),
    "overdue.kpi.due_soon": ("{week} 天内到期", "Due within {week} days"),
    "overdue.kpi.urgent_overdue": ("紧急事务超期", "Urgent and overdue"),
    "overdue.kpi.on_time_rate": ("按期办结率", "Closed within deadline"),
    "overdue.help.on_time_rate": (
        "本时段上报并已办结的事务中，在办理时限内办结的比例：{on_time} ÷ {closed}。未办结事务不计入分母，超期未办结的见“超期预警”。",
        "Of the matters reported in the period and closed, the share closed within their deadline: {on_time} ÷ {closed}. Open matters are not in the denominator; open overdue ones are under “Overdue matters”.",
    ),
    "overdue.by_holder": ("按责任网格与居民区", "By holder: grid and community"),
    "overdue.by_grid": ("按责任网格", "By grid"),
    "overdue.list": ("超期与即将到期的事务", "Overdue matters and those due soon"),
    "overdue.masked": (
        "超期事务明细只对领导和居民区书记显示：办理时限因类别而异，明细会透露已脱敏的事务类别。",
        "The matters one by one are shown to leaders and secretaries only: deadlines differ by category, so the detail would give the masked category away.",
    ),
    "overdue.list_empty": ("没有超期或即将到期的事务。", "Nothing is overdue or due soon."),
    "overdue.status.overdue": ("已超期", "overdue"),
    "overdue.status.due_soon": ("即将到期", "due soon"),
    "overdue.status.later": ("未到期", "not yet due"),
    "overdue.source.default": ("默认", "default"),
    "overdue.source.set": ("管理员设置", "set by an administrator"),
    "overdue.file.list": ("超期预警清单", "overdue_matters"),
    "overdue.file.deadlines": ("办理时限", "deadlines"),
    # deadline settings
    "overdue.deadlines.header": ("办理时限设置", "Deadlines"),
    "overdue.deadlines.caption": (
        "每类事务（分紧急与一般）的办理时限，按自然日计算。新时限自生效日期起对当天及以后上报的事务适用，之前上报的事务仍按原时限判断。",
        "The deadline of each category (urgent or not), in calendar days. A new deadline applies to the matters reported on or after its first day; those reported earlier keep the deadline they had.",
    ),
    "overdue.deadlines.history": ("已设置的时限（全部版本）", "Deadlines set (every version)"),
    "overdue.deadlines.days": ("时限（天）", "Deadline (days)"),
    "overdue.deadlines.save": ("保存时限", "Save deadline"),
    "overdue.deadlines.saved": ("办理时限已保存。", "Deadline saved."),
    "overdue.deadlines.admin_only": ("仅管理员可修改办理时限。", "Only an administrator can change deadlines."),
    # columns
    "overdue.col.case_id": ("事务编号", "Matter"),
    "overdue.col.grid_name": ("网格", "Grid"),
    "overdue.col.community_name": ("居民区", "Community"),
    "overdue.col.category": ("类别", "Category"),
    "overdue.col.urgent": ("紧急", "Urgent"),
    "overdue.col.reported_at": ("上报时间", "Reported"),
    "overdue.col.deadline_days": ("时限（天）", "Deadline (days)"),
    "overdue.col.due_at": ("到期时间", "Due"),
    "overdue.col.status": ("状态", "Status"),
    "overdue.col.days_overdue": ("超期天数", "Days overdue"),
    "overdue.col.days_left": ("剩余天数", "Days left"),
    "overdue.col.open": ("未办结", "Open"),
    "overdue.col.overdue": ("已超期", "Overdue"),
    "overdue.col.due_soon": ("即将到期", "Due soon"),
    "overdue.col.urgent_overdue": ("紧急超期", "Urgent overdue"),
    "overdue.col.most_days_overdue": ("最长超期天数", "Most days overdue"),
    "overdue.col.days": ("时限（天）", "Deadline (days)"),
    "overdue.col.valid_from": ("生效日期", "From"),
    "overdue.col.valid_to": ("停用日期", "Until"),
    "overdue.col.source": ("时限来源", "Origin"),
    "overdue.col.set_at": ("设置时间", "Set at"),
    "overdue.col.set_by": ("设置人", "Set by"),
    "overdue.col.closed": ("已办结", "Closed"),
    "overdue.col.on_time": ("按期办结", "Closed in time"),
    "overdue.col.late": ("逾期办结", "Closed late"),
    "overdue.col.on_time_rate": ("按期办结率", "Closed within deadline"),
}
