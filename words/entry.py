"""随手录入: the phone form of grid workers and secretaries (one matter, one seed activity, the close of
an open matter), the grid worker's role, and what an entry refused says."""

STRINGS = {
    "role.grid_worker": ("网格员", "Grid worker"),
    "err.access.grid_worker_grid": (
        "网格员账户须用 --grid 指定所在片区网格，例如 G3",
        "a grid worker's scope names the worker's area grid (--grid G3)",
    ),
    "import.kind.case_closures": ("网格事务办结（随手录入）", "Grid matter closed (quick entry)"),
    "entry.nav": ("随手录入", "Quick entry"),
    "entry.today": ("今天", "today"),
    "entry.demo_grid": ("演示：网格员所在片区网格", "Demo: the grid worker's area grid"),
    "scope.own_grid": ("本网格 · {name}", "Our grid · {name}"),
    "entry.title": ("随手录入", "Quick entry"),
    "entry.intro": (
        "在手机上随时记下一件网格事务、一场四色种子活动，或把一件未办结的事务办结。提交后看板数字立即更新；"
        "录错了请管理员在“数据导入 → 导入记录”里撤销。",
        "Note a grid matter, a seed activity, or the close of an open matter from your phone. The dashboard's "
        "numbers update at once; an administrator undoes a mistake under Data import → History.",
    ),
    "entry.tab.case": ("新事务", "New matter"),
    "entry.tab.activity": ("种子活动", "Seed activity"),
    "entry.tab.close": ("办结事务", "Close a matter"),
    "entry.community": ("居民区", "Community"),
    "entry.category": ("事务类别", "Category"),
    "entry.reported_at": ("上报时间", "Reported"),
    "entry.when_help": (
        "可写 今天、昨天、6月3日、2024年6月3日 9:30 等",
        "A date such as 2024-06-03 9:30 or 6/3 (month/day), or the Chinese words for today and yesterday",
    ),
    "entry.urgent": ("紧急事务", "Urgent"),
    "entry.description": ("事务内容（可不填）", "What it is about (optional)"),
    "entry.description_help": (
        "请勿填写居民姓名、电话等个人信息",
        "Leave out residents' names, phone numbers and other personal details",
    ),
    "entry.submit_case": ("录入事务", "Add the matter"),
    "entry.item": ("服务项目", "Service item"),
    "entry.held_on": ("活动日期", "Date held"),
    "entry.partner": ("合伙人单位（可不填）", "Partner (optional)"),
    "entry.no_partner": ("无", "None"),
    "entry.participants": ("参与人数", "Participants"),
    "entry.volunteers": ("志愿者人数", "Volunteers"),
    "entry.volunteer_hours": ("志愿服务时长（小时，合计）", "Volunteer hours (total)"),
    "entry.submit_activity": ("录入活动", "Add the activity"),
    "entry.open_case": ("未办结的事务", "Open matter"),
    "entry.no_open": ("当前范围内没有未办结的事务。", "No open matters in your area."),
    "entry.open_label": (
        "{community} · {category} · {reported}{urgent}",
        "{community} · {category} · {reported}{urgent}",
    ),
    "entry.urgent_mark": (" · 紧急", " · urgent"),
    "entry.level": ("办结层级", "Settled at"),
    "entry.closed_at": ("办结时间", "Closed"),
    "entry.satisfaction": ("满意度（可不选）", "Satisfaction (optional)"),
    "entry.satisfaction_help": (
        "回访时居民的评分，1–5 分；未回访不选",
        "The resident's score, 1–5; leave empty if not asked",
    ),
    "entry.submit_close": ("办结", "Close the matter"),
    "entry.done_case": ("已录入事务 {record}（批次 {batch}）。", "Matter {record} added (batch {batch})."),
    "entry.done_activity": ("已录入活动 {record}（批次 {batch}）。", "Activity {record} added (batch {batch})."),
    "entry.done_close": ("事务 {record} 已办结（批次 {batch}）。", "Matter {record} closed (batch {batch})."),
    "entry.not_allowed_role": (
        "随手录入供网格员、居民区书记和管理员使用。",
        "Quick entry is for grid workers, community secretaries and administrators.",
    ),
    "entry.demo": (
        "当前是演示数据（模拟数据），不能录入真实事务：请管理员先在“数据导入”页清除演示数据。",
        "This is the demo world (simulated data): real entries wait until an administrator clears it on "
        "the Data import page.",
    ),
    "entry.source": ("随手录入（{user}）", "Quick entry ({user})"),
    "err.entry.not_allowed": (
        "只有网格员、居民区书记和管理员可以随手录入。",
        "Only grid workers, community secretaries and administrators may enter data here.",
    ),
    "err.entry.still_demo": (
        "数据库里还是演示数据：请管理员先在“数据导入”页清除演示数据，再录入真实事务。",
        "The database still holds the demo world: an administrator clears it on the Data import page first.",
    ),
    "err.entry.other_community": (
        "只能录入本居民区（{own}）的事务和活动，{community} 不在您的范围内。",
        "You enter matters and activities of your own community ({own}) only; {community} is not yours.",
    ),
    "err.entry.other_grid": (
        "只能录入本片区网格（{own}）内居民区的事务和活动，{community} 不在您的网格内。",
        "You enter matters and activities of your own grid ({own}) only; {community} is not in it.",
    ),
    "err.entry.future": (
        "{text} 晚于现在：请填写已经发生的时间。",
        "{text} is later than now: write a time that has passed.",
    ),
    "err.entry.no_case": (
        "没有编号为 {case} 的事务：请从列表里选择一件未办结的事务。",
        "There is no matter {case}: pick an open matter from the list.",
    ),
    "err.entry.closed_already": (
        "事务 {case} 已于 {closed} 办结，不能再次办结。",
        "Matter {case} was closed on {closed}; it cannot be closed again.",
    ),
    "err.entry.already": (
        "同样的内容已经录入过（{record}），没有重复录入。",
        "The same entry is already stored ({record}); nothing was added twice.",
    ),
    "err.entry.not_entry": ("批次 {batch} 不是随手录入的办结记录。", "Batch {batch} is not a quick-entry close."),
    "err.entry.changed_since": (
        "事务 {case} 在办结后又被改动过，撤销不会覆盖：请核对后手工处理。",
        "Matter {case} changed after it was closed; the undo leaves it alone: check it by hand.",
    ),
}
