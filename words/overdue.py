"""Deadlines and overdue matters (超期预警): the watch list, the deadline settings, the notifications."""

STRINGS = {
    # errors
    "err.overdue.admins_only": (
        "只有管理员可以设置办理时限。",
        "Only administrators may set the deadlines of matters.",
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
}
STRINGS.update(
    {
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
    }
)
