"""What every table and column of the data model means, in Chinese and English, for the table browser
(analytics.explore.catalog) and the SQL console's users. A table another module adds later shows up in
the browser at once; its columns read "—" until a line is added to COLUMN_NOTES.

The notes are kept as the browser reads them (TABLE_NOTES by table, COLUMN_NOTES by (table, column))
and are in the catalog as "note.table.<table>" and "note.column.<table>.<column>"."""

TABLE_NOTES: dict[str, tuple[str, str]] = {
    "app_meta": (
        "系统信息：数据库的版本、演示数据的参数等键值对",
        "System facts: key-value pairs such as the demo world's parameters",
    ),
    "import_batches": (
        "导入批次：每次导入台账的文件、行数、时间和状态（可撤销）",
        "Import batches: each ledger import's file, rows, time and status",
    ),
    "towns": (
        "街镇：区内的街道和镇（默认数据库只有江川路街道）；simulated 为模拟的街镇",
        "Towns (subdistricts and towns) of the district (the default database holds Jiangchuan alone); simulated marks invented ones",
    ),
    "grids": ("片区网格：江川路街道的七个片区网格", "Area grids: the seven grids of the subdistrict"),
    "grid_boundaries": (
        "网格边界：各片区网格的边界（GeoJSON，WGS-84），按版本记录",
        "Grid boundaries by version (GeoJSON, WGS-84)",
    ),
    "communities": (
        "居民区：各居委会的所属网格、户数、人口、党员数和位置",
        "Residential communities: grid, households, residents, party members, location",
    ),
    "secretaries": ("居民区书记：按职务称呼，不含个人姓名", "Community secretaries, named by role"),
    "partners": (
        "美好社区合伙人：企业、医院、学校、机关、社会组织等成员单位",
        "Community partners: enterprises, hospitals, schools, agencies, social organisations",
    ),
    "pairings": ("结对关系：合伙人单位与居民区的结对", "Pairings of partners with communities"),
    "service_items": ("服务项目：四色种子计划的各项服务及其颜色", "Service items of the four-colour seed plan"),
    "seed_activities": (
        "四色种子活动：每一场服务活动的日期、居民区、项目、合伙人与参与人数",
        "Seed activities: each service event with its date, community, item, partner and turnout",
    ),
    "grid_cases": (
        "网格事务：每一件上报事务的类别、时间、办结层级、满意度（含个人信息，注意保密）",
        "Grid matters: category, times, level settled, satisfaction (holds personal data)",
    ),
    "contest_rounds": ("书记擂台：每一轮比拼", "Secretaries' contest rounds"),
    "contest_criteria": ("擂台评分项：每轮的评分标准、权重和满分", "Contest criteria with weights and maximum scores"),
    "contest_entries": ("擂台参赛：每轮参赛的居民区、书记和主题", "Contest entries: community, secretary and theme"),
    "judges": ("评委：按身份称呼（领导、专家、居民代表）", "Judges, named by role"),
    "contest_scores": (
        "擂台评分：每位评委对每个参赛项目各评分项的打分",
        "Contest scores per judge, entry and criterion",
    ),
    "saved_queries": ("保存的查询：分析人员在SQL控制台保存的查询", "Queries analysts saved in the SQL console"),
}

_ID = {
    "grid_id": ("片区网格编号（G1–G7）", "Area grid id (G1–G7)"),
    "community_id": ("居民区编号（C01…）", "Community id (C01…)"),
    "partner_id": ("合伙人单位编号（P01…）", "Partner id (P01…)"),
    "item_id": ("服务项目编号", "Service item id"),
    "round_id": ("擂台轮次编号", "Contest round id"),
    "entry_id": ("参赛项目编号", "Contest entry id"),
    "criterion_id": ("评分项编号", "Criterion id"),
    "judge_id": ("评委编号", "Judge id"),
    "secretary_id": ("书记编号", "Secretary id"),
    "batch_id": (
        "导入批次编号（对应 import_batches；演示数据为 demo）",
        "Import batch id (see import_batches; demo for the demo world)",
    ),
    "lon": ("经度（WGS-84）", "Longitude (WGS-84)"),
    "lat": ("纬度（WGS-84）", "Latitude (WGS-84)"),
}

COLUMN_NOTES: dict[tuple[str, str], tuple[str, str]] = {
    ("app_meta", "key"): ("信息项名称", "Key"),
    ("app_meta", "value"): ("信息项的值", "Value"),
    ("import_batches", "batch_id"): ("导入批次编号", "Batch id"),
    ("import_batches", "table_name"): ("导入到的数据表", "Table imported into"),
    ("import_batches", "file_name"): ("导入的文件名", "File name"),
    ("import_batches", "sha256"): (
        "文件的 SHA-256 校验值，用于识别重复导入",
        "SHA-256 of the file, to spot repeated imports",
    ),
    ("import_batches", "rows"): ("导入的行数", "Rows imported"),
    ("import_batches", "imported_at"): ("导入时间", "Imported at"),
    ("import_batches", "status"): (
        "状态：imported 已导入、undone 已撤销、demo 演示数据",
        "Status: imported, undone, demo",
    ),
    ("grids", "grid_id"): _ID["grid_id"],
    ("grids", "name"): ("网格名称", "Grid name"),
    ("grids", "name_en"): ("网格英文名", "Grid name in English"),
    ("grids", "town_code"): ("所属街镇代码（行政区划代码）", "Code of the grid's town (administrative code)"),
    ("towns", "town_code"): (
        "街镇代码（行政区划代码，如 310112001）",
        "Town code (administrative code, e.g. 310112001)",
    ),
    ("towns", "name"): ("街镇名称", "Town name"),
    ("towns", "name_en"): ("街镇英文名", "Town name in English"),
    ("towns", "simulated"): ("是否为模拟街镇（演示用，非真实数据）", "Whether the town is simulated (demo, not real)"),
    ("towns", "lon"): ("街镇中心经度（WGS-84）", "Town centre longitude (WGS-84)"),
    ("towns", "lat"): ("街镇中心纬度（WGS-84）", "Town centre latitude (WGS-84)"),
    ("grid_boundaries", "grid_id"): _ID["grid_id"],
    ("grid_boundaries", "version"): ("边界版本号（从1起）", "Boundary version (from 1)"),
    ("grid_boundaries", "valid_from"): ("生效日期", "Valid from"),
    ("grid_boundaries", "valid_to"): ("失效日期（空 = 现行边界）", "Valid to (empty = current)"),
    ("grid_boundaries", "geometry"): (
        "边界图形（GeoJSON 文本，WGS-84 经纬度）",
        "Boundary shape (GeoJSON text, WGS-84)",
    ),
    ("communities", "community_id"): _ID["community_id"],
    ("communities", "name"): ("居民区全称", "Community name"),
    ("communities", "short_name"): ("居民区简称", "Short name"),
    ("communities", "grid_id"): ("所属片区网格编号", "Grid the community belongs to"),
    ("communities", "households"): ("户数", "Households"),
    ("communities", "residents"): ("常住人口（人）", "Residents"),
    ("communities", "party_members"): ("党员人数", "Party members"),
    ("communities", "built_year"): ("小区建成年份", "Year the estate was built"),
    ("communities", "sample_tier"): (
        "“1+5”样本：city 市级美好社区、jiangchuan 江川家园样本、空 = 非样本",
        '"1+5" sample: city, jiangchuan, or empty',
    ),
    ("communities", "lon"): _ID["lon"],
    ("communities", "lat"): _ID["lat"],
    ("secretaries", "secretary_id"): _ID["secretary_id"],
    ("secretaries", "community_id"): ("所在居民区编号", "Community"),
    ("secretaries", "display_name"): ("显示称呼（按职务，如“鹤北新村第一居民区书记”）", "Display name (by role)"),
    ("secretaries", "since"): ("任职起始日期", "In office since"),
    ("partners", "partner_id"): _ID["partner_id"],
    ("partners", "name"): ("单位名称", "Partner name"),
    ("partners", "kind"): (
        "单位类型：enterprise 企业、hospital 医院、school 学校、agency 机关、social_org 社会组织",
        "Kind: enterprise, hospital, school, agency, social_org",
    ),
    ("partners", "lon"): _ID["lon"],
    ("partners", "lat"): _ID["lat"],
    ("partners", "joined_on"): ("加入美好社区合伙人的日期", "Date the partner joined"),
    ("pairings", "partner_id"): _ID["partner_id"],
    ("pairings", "community_id"): _ID["community_id"],
    ("pairings", "since"): ("结对起始日期", "Paired since"),
    ("service_items", "item_id"): _ID["item_id"],
    ("service_items", "seed_colour"): (
        "种子颜色：red 红色·党建引领、green 绿色·环保、white 白色·健康、blue 蓝色·志愿",
        "Seed colour: red, green, white, blue",
    ),
    ("service_items", "name"): ("服务项目名称", "Item name"),
    ("service_items", "name_en"): ("服务项目英文名", "Item name in English"),
    ("seed_activities", "activity_id"): ("活动编号", "Activity id"),
    ("seed_activities", "held_on"): ("活动日期", "Date held"),
    ("seed_activities", "community_id"): ("举办的居民区编号", "Community where it was held"),
    ("seed_activities", "item_id"): ("服务项目编号（颜色见 service_items）", "Service item (colour in service_items)"),
    ("seed_activities", "partner_id"): (
        "参与的合伙人单位编号（空 = 居民区自办）",
        "Partner taking part (empty = the community alone)",
    ),
    ("seed_activities", "participants"): ("服务居民人次", "Residents served"),
    ("seed_activities", "volunteers"): ("志愿者人数", "Volunteers"),
    ("seed_activities", "volunteer_hours"): ("志愿服务时长（小时）", "Volunteer hours"),
    ("seed_activities", "batch_id"): _ID["batch_id"],
    ("grid_cases", "case_id"): ("事务编号", "Matter id"),
    ("grid_cases", "community_id"): (
        "发生的居民区编号（所属网格即该居民区的网格）",
        "Community (its grid is the matter's grid)",
    ),
    ("grid_cases", "category"): (
        "事务类别：party_building 党建工作、opinion 民意征集、service_proxy 服务代办、dispute 矛盾化解",
        "Category: party_building, opinion, service_proxy, dispute",
    ),
    ("grid_cases", "reported_at"): (
        "上报时间（事务计入上报所在的时段）",
        "Reported at (a matter belongs to the period it was reported in)",
    ),
    ("grid_cases", "closed_at"): ("办结时间（空 = 未办结）", "Closed at (empty = open)"),
    ("grid_cases", "resolved_level"): (
        "办结层级：grid 网格、community 居民区、street 街道、district 区级（空 = 未办结）",
        "Level settled: grid, community, street, district (empty = open)",
    ),
    ("grid_cases", "urgent"): ("是否急事", "Urgent"),
    ("grid_cases", "satisfaction"): (
        "居民满意度回访评分（1–5，空 = 未回访）",
        "Satisfaction score 1–5 (empty = not surveyed)",
    ),
    ("grid_cases", "lon"): _ID["lon"],
    ("grid_cases", "lat"): _ID["lat"],
    ("grid_cases", "reporter_name"): (
        "上报人姓名（个人信息，浏览时已脱敏）",
        "Reporter's name (personal data, masked here)",
    ),
    ("grid_cases", "reporter_phone"): (
        "上报人电话（个人信息，浏览时已脱敏）",
        "Reporter's phone (personal data, masked here)",
    ),
    ("grid_cases", "description"): (
        "事务描述（可能含电话等个人信息，浏览时已脱敏）",
        "Description (may hold personal data, masked here)",
    ),
    ("grid_cases", "batch_id"): _ID["batch_id"],
    ("contest_rounds", "round_id"): _ID["round_id"],
    ("contest_rounds", "name"): ("轮次名称", "Round name"),
    ("contest_rounds", "held_on"): ("比拼日期", "Date held"),
    ("contest_criteria", "round_id"): _ID["round_id"],
    ("contest_criteria", "criterion_id"): _ID["criterion_id"],
    ("contest_criteria", "name"): ("评分项名称（如“五美”之一）", "Criterion name"),
    ("contest_criteria", "weight"): ("权重", "Weight"),
    ("contest_criteria", "max_score"): ("满分", "Maximum score"),
    ("contest_entries", "round_id"): _ID["round_id"],
    ("contest_entries", "entry_id"): _ID["entry_id"],
    ("contest_entries", "community_id"): ("参赛居民区编号", "Community competing"),
    ("contest_entries", "secretary_id"): ("参赛书记编号", "Secretary presenting"),
    ("contest_entries", "theme"): ("展示主题", "Theme"),
    ("judges", "judge_id"): _ID["judge_id"],
    ("judges", "display_name"): ("评委称呼（按身份，如“评委3”）", "Judge's display name (by role)"),
    ("judges", "kind"): ("评委类型：leader 领导、expert 专家、resident 居民代表", "Kind: leader, expert, resident"),
    ("contest_scores", "round_id"): _ID["round_id"],
    ("contest_scores", "entry_id"): _ID["entry_id"],
    ("contest_scores", "judge_id"): _ID["judge_id"],
    ("contest_scores", "criterion_id"): _ID["criterion_id"],
    ("contest_scores", "score"): ("得分（不超过该评分项满分）", "Score (up to the criterion's maximum)"),
    ("saved_queries", "name"): ("查询名称", "Query name"),
    ("saved_queries", "sql"): ("SQL 语句（DuckDB 方言，只读）", "SQL text (DuckDB dialect, read-only)"),
    ("saved_queries", "note"): ("说明", "Note"),
    ("saved_queries", "saved_by"): ("保存者的角色", "Role that saved it"),
    ("saved_queries", "saved_at"): ("保存时间", "Saved at"),
    ("saved_queries", "owner"): (
        "保存者的账户名（各人只看到自己的查询）",
        "Account that saved it (each sees only their own)",
    ),
}

# The rollups (analytics/schema/60_rollups.sql): sums of the fact tables that the pages read at city
# scale, rebuilt from them by analytics.refresh.refresh after every import.
_ROLLUP = ("（汇总表，由事实表自动生成，勿手工修改）", " (a rollup, rebuilt from the fact tables; do not edit)")
_TOWN_OF_ROW = (
    "居民区所属街镇代码（汇总时按网格查得）",
    "Code of the community's town (looked up by its grid at the refresh)",
)
_CASE_KEYS = {
    "community_id": _ID["community_id"],
    "town_code": _TOWN_OF_ROW,
    "category": ("事务类别", "Category"),
    "level": ("办结层级；open 表示未办结", "Level settled; open while open"),
    "urgent": ("是否急事", "Urgent"),
}
_CASE_SUMS = {
    "cases": ("事务件数", "Matters"),
    "surveyed": ("有满意度评分的件数", "Matters with a satisfaction score"),
    "satisfaction_sum": ("满意度评分之和", "Sum of satisfaction scores"),
    "satisfied": ("满意（4–5分）件数", "Satisfied (4–5)"),
    "unsatisfied": ("不满意（1–2分）件数", "Unsatisfied (1–2)"),
    "hours_to_close": ("办结用时之和（小时，仅已办结）", "Sum of hours to close (closed only)"),
    "minutes_to_close": ("办结用时之和（分钟，仅已办结）", "Sum of minutes to close (closed only)"),
}
_ACTIVITY_COLUMNS = {
    "community_id": _ID["community_id"],
    "town_code": _TOWN_OF_ROW,
    "item_id": _ID["item_id"],
    "partner_id": ("合伙人单位编号（空 = 居民区自办）", "Partner (empty = the community alone)"),
    "activities": ("活动场次", "Activities"),
    "participants": ("服务居民人次之和", "Residents served"),
    "volunteers": ("志愿者人次之和", "Volunteers"),
    "volunteer_hours": ("志愿服务时长之和（小时）", "Volunteer hours"),
}
_HOURS_KEYS = {
    **_CASE_KEYS,
    "level": ("办结层级", "Level settled"),
    "bucket": ("办结用时分档（每翻一倍分8档）", "Time-to-close bucket (eight per doubling)"),
}
TABLE_NOTES.update(
    {
        "rollup_cases": (
            "网格事务日汇总：按上报日期、居民区、类别、层级、急事" + _ROLLUP[0],
            "Grid matters per day reported, community, category, level, urgent" + _ROLLUP[1],
        ),
        "rollup_cases_monthly": ("网格事务月汇总" + _ROLLUP[0], "Grid matters per month" + _ROLLUP[1]),
        "rollup_activities": (
            "四色种子活动日汇总：按日期、居民区、项目、合伙人" + _ROLLUP[0],
            "Seed activities per day, community, item, partner" + _ROLLUP[1],
        ),
        "rollup_activities_monthly": ("四色种子活动月汇总" + _ROLLUP[0], "Seed activities per month" + _ROLLUP[1]),
        "rollup_open_cases": (
            "未办结的网格事务（不含个人信息）" + _ROLLUP[0],
            "Open matters, no personal data" + _ROLLUP[1],
        ),
        "rollup_case_hours": (
            "已办结事务的办结用时，用于精确计算中位数和90%分位数" + _ROLLUP[0],
            "Time to close of each closed matter, for exact medians and 90th percentiles" + _ROLLUP[1],
        ),
        "rollup_case_hours_monthly": (
            "办结用时分档的月计数" + _ROLLUP[0],
            "Time-to-close buckets counted per month" + _ROLLUP[1],
        ),
        "rollup_state": (
            "汇总表的生成情况：依据的数据版本、行数和生成时间",
            "What the rollups were built from: data version, row counts, time",
        ),
    }
)
for _table, _columns in {
    "rollup_cases": {"day": ("上报日期", "Day reported"), **_CASE_KEYS, **_CASE_SUMS},
    "rollup_cases_monthly": {
        "month": ("上报月份（当月1日）", "Month reported (its first day)"),
        **_CASE_KEYS,
        **_CASE_SUMS,
    },
    "rollup_activities": {"day": ("活动日期", "Date held"), **_ACTIVITY_COLUMNS},
    "rollup_activities_monthly": {"month": ("活动月份（当月1日）", "Month held (its first day)"), **_ACTIVITY_COLUMNS},
    "rollup_open_cases": {
        "case_id": ("事务编号", "Matter id"),
        "community_id": _ID["community_id"],
        "town_code": _TOWN_OF_ROW,
        "category": ("事务类别", "Category"),
        "urgent": ("是否急事", "Urgent"),
        "reported_at": ("上报时间", "Reported at"),
    },
    "rollup_case_hours": {
        "day": ("上报日期", "Day reported"),
        **_HOURS_KEYS,
        "hours": ("办结用时（小时）", "Hours to close"),
    },
    "rollup_case_hours_monthly": {
        "month": ("上报月份（当月1日）", "Month reported (its first day)"),
        **_HOURS_KEYS,
        "cases": ("事务件数", "Matters"),
    },
    "rollup_state": {
        "id": ("固定为1", "Always 1"),
        "definition": ("汇总表定义的指纹（程序更新后不符即重建）", "Fingerprint of the rollup definitions"),
        "data_version": ("生成时的数据版本", "Data version at the refresh"),
        "cases": ("生成时 grid_cases 的行数", "Rows of grid_cases then"),
        "activities": ("生成时 seed_activities 的行数", "Rows of seed_activities then"),
        "latest": ("数据中最晚的时间（未办结事务的时长从此算起）", "The data's latest moment"),
        "refreshed_at": ("生成时间", "Refreshed at"),
        "seconds": ("生成用时（秒）", "Seconds taken"),
    },
}.items():
    COLUMN_NOTES.update({(_table, column): note for column, note in _columns.items()})

# The stored contest rankings (analytics/schema/61_contest_rollups.sql), scored from the contest tables.
_METHOD_NAMES = {
    "mean": ("平均分", "mean"),
    "trimmed_mean": ("去掉最高最低分后的平均分", "trimmed mean"),
    "judge_standardised": ("评委标准化分", "judge-standardised score"),
}
TABLE_NOTES.update(
    {
        "rollup_contest_rankings": (
            "书记擂台各场次的排名（三种计分方法及排名区间），由评分表自动生成，勿手工修改",
            "Contest rankings of every round under the three methods with their rank"
            " intervals, scored from the score sheets; do not edit",
        ),
        "rollup_contest_state": (
            "擂台排名的生成情况：依据的评分数据和计分程序的指纹",
            "What the stored rankings were scored from: fingerprints of the data and the code",
        ),
    }
)
COLUMN_NOTES.update(
    {
        ("rollup_contest_rankings", "round_id"): _ID["round_id"],
        ("rollup_contest_rankings", "entry_id"): _ID["entry_id"],
        ("rollup_contest_rankings", "entry_no"): ("本场次内的参赛序号", "The entry's number in its round"),
        ("rollup_contest_rankings", "entries_of_community"): (
            "该居民区本场次的参赛项目数（2个以上时标1号、2号）",
            "Entries of its community in the round",
        ),
        ("rollup_contest_rankings", "judges_scored"): ("给出总分的评委人数", "Judges with a total for the entry"),
        ("rollup_contest_rankings", "missing_scores"): ("空缺的评分格数", "Empty judge × criterion cells"),
        ("rollup_contest_state", "id"): ("固定为1", "Always 1"),
        ("rollup_contest_state", "definition"): (
            "计分程序的指纹（程序更新后不符即重新计分）",
            "Fingerprint of the scoring code",
        ),
        ("rollup_contest_state", "contest"): (
            "擂台各表内容的指纹（数据变动后不符即不再读取）",
            "Fingerprint of the contest tables' contents",
        ),
        ("rollup_contest_state", "refreshed_at"): ("生成时间", "Scored at"),
    }
)
# The stored stage-vs-work record (analytics/schema/62_contest_work_rollups.sql), from the rollups.
TABLE_NOTES.update(
    {
        "rollup_contest_work": (
            "擂台各参赛居民区赛前12个月的工作实绩（活动、办结事务、网格内解决、满意度），由台账自动生成，勿手工修改",
            "Each contest entry's record in the twelve months before its round (activities, closed"
            " cases, settled in the grid, satisfaction), computed from the ledgers; do not edit",
        ),
        "rollup_contest_work_state": (
            "擂台工作实绩的生成情况：计算口径的指纹",
            "What the stored contest record was computed by: a fingerprint of its definition",
        ),
    }
)
COLUMN_NOTES.update(
    {
        ("rollup_contest_work", "round_id"): _ID["round_id"],
        ("rollup_contest_work", "entry_id"): _ID["entry_id"],
        ("rollup_contest_work", "community_id"): _ID["community_id"],
        ("rollup_contest_work", "window_start"): (
            "统计起始日（赛前12个月的同一天）",
            "First day of the record (12 months before)",
        ),
        ("rollup_contest_work", "window_end"): (
            "统计截止日（比拼前一天）",
            "Last day of the record (the day before the round)",
        ),
        ("rollup_contest_work", "activities"): ("期间开展的种子服务活动场次", "Seed activities held in the window"),
        ("rollup_contest_work", "participants"): ("期间活动参与人次", "Participants of those activities"),
        ("rollup_contest_work", "closed_cases"): (
            "期间上报且已办结的事务数",
            "Cases reported in the window and closed",
        ),
        ("rollup_contest_work", "settled_in_grid"): ("其中在网格内解决的事务数", "Of those, settled in the grid"),
        ("rollup_contest_work", "satisfaction"): (
            "期间上报事务的平均满意度（1–5）",
            "Mean satisfaction (1–5) of those cases",
        ),
        ("rollup_contest_work_state", "id"): ("固定为1", "Always 1"),
        ("rollup_contest_work_state", "definition"): (
            "计算口径的指纹（程序更新后不符即重新计算）",
            "Fingerprint of the record's definition",
        ),
        ("rollup_contest_work_state", "refreshed_at"): ("生成时间", "Computed at"),
    }
)
# The bookkeeping tables the browser lists to those who may read them (analytics/explore/readable.py):
# each explained, so none appears as a bare name with "—" beside it.
TABLE_NOTES.update(
    {
        "audit_log": (
            "旧版操作日志（现已移至账户库，本表仅保留升级前的记录，升级时迁出后为空）",
            "The audit trail of older versions (now kept in the accounts store; emptied when moved there)",
        ),
        "boundary_uploads": (
            "网格边界上传记录：每次上传一个版本，含文件、坐标系、生效日期和修复的网格",
            "Grid boundary uploads: one version each, with its file, coordinate system, start date and repairs",
        ),
        "case_targets": (
            "网格事务的目标值（网格内解决率等），由管理员在网格事务页设定；不填网格即全街道目标",
            "Targets for grid cases (in-grid rate and others), set on the cases page; no grid means the subdistrict",
        ),
        "case_deadlines": (
            "网格事务的办理时限（按类别和是否紧急，按生效日期分版本），由管理员在网格事务页设定",
            "Deadlines of grid matters by category and urgency, versioned by date, set on the cases page",
        ),
        "import_batch_info": (
            "导入批次的补充信息：工作表、跳过的重复行、未覆盖的冲突行、撤销时间",
            "More about each import batch: sheet, rows skipped as duplicates, conflicts left alone, when undone",
        ),
        "entry_batches": (
            "随手录入的记录：每次录入或办结一件事务、一场活动为一个批次，记录录入人和办结前后的值，用于撤销",
            "Quick entries: one batch per matter or activity added or matter closed, who entered it and "
            "what a close replaced, so that it can be undone",
        ),
        "import_batch_keys": (
            "每个导入批次写入了哪些行（按各表主键），用于按批次撤销",
            "Which rows each import batch wrote (by each table's key), so a batch can be undone",
        ),
        "showcase_stories": (
            "擂台展示中各居民区书记自己写的故事文字",
            "The story each community's secretary wrote for the contest showcase",
        ),
    }
)
_BATCH = ("导入批次编号", "Import batch id")
COLUMN_NOTES.update(
    {
        ("audit_log", "event_id"): ("记录序号", "Entry number"),
        ("audit_log", "occurred_at"): ("发生时间", "When"),
        ("audit_log", "username"): ("操作用户", "User"),
        ("audit_log", "role"): ("用户角色", "User's role"),
        ("audit_log", "action"): ("操作类型（登录、导入、导出、查询等）", "Action (sign-in, import, export, query…)"),
        ("audit_log", "detail"): ("操作详情", "Details"),
        ("boundary_uploads", "version"): ("边界版本号（从1起）", "Boundary version (from 1)"),
        ("boundary_uploads", "batch_id"): _BATCH,
        ("boundary_uploads", "file_name"): ("上传的文件名", "Uploaded file name"),
        ("boundary_uploads", "sha256"): ("文件内容指纹（SHA-256）", "File fingerprint (SHA-256)"),
        ("boundary_uploads", "source_crs"): ("原文件坐标系", "Coordinate system of the file"),
        ("boundary_uploads", "valid_from"): ("该版本边界的生效日期", "Date from which this version applies"),
        ("boundary_uploads", "uploaded_at"): ("上传时间", "Uploaded at"),
        ("boundary_uploads", "repaired"): ("自动修复了图形的网格（逗号分隔）", "Grids whose shapes were repaired"),
        ("boundary_uploads", "features"): ("图形个数", "Number of shapes"),
        ("boundary_uploads", "uploaded_by"): ("上传人", "Uploaded by"),
        ("case_targets", "metric"): ("目标指标", "Measure"),
        ("case_targets", "grid_id"): ("片区网格编号（空＝全街道）", "Area grid id (empty = subdistrict)"),
        ("case_targets", "target"): ("目标值（0–1 的比例）", "Target (a share between 0 and 1)"),
        ("case_targets", "set_at"): ("设定时间", "Set at"),
        ("case_targets", "set_by"): ("设定人", "Set by"),
        ("case_deadlines", "category"): ("事务类别", "Category"),
        ("case_deadlines", "urgent"): ("是否紧急", "Urgent"),
        ("case_deadlines", "valid_from"): (
            "生效日期（此日及以后上报的事务适用）",
            "Valid from (matters reported on or after)",
        ),
        ("case_deadlines", "days"): ("办理时限（天，按自然日计）", "Deadline (calendar days)"),
        ("case_deadlines", "set_at"): ("设定时间", "Set at"),
        ("case_deadlines", "set_by"): ("设定人", "Set by"),
        ("import_batch_info", "batch_id"): _BATCH,
        ("import_batch_info", "sheet"): ("导入的工作表", "Sheet imported"),
        ("import_batch_info", "skipped"): ("已存在而跳过的行数", "Rows skipped as already present"),
        ("import_batch_info", "conflicts"): ("与已有数据冲突而未覆盖的行数", "Rows in conflict, left alone"),
        ("import_batch_info", "undone_at"): ("撤销时间（空＝未撤销）", "Undone at (empty = in force)"),
        ("import_batch_keys", "batch_id"): _BATCH,
        ("import_batch_keys", "table_name"): ("写入的表", "Table written"),
        ("import_batch_keys", "key_1"): ("该行主键的第1部分", "Part 1 of the row's key"),
        ("import_batch_keys", "key_2"): ("该行主键的第2部分（如有）", "Part 2 of the row's key, if any"),
        ("import_batch_keys", "key_3"): ("该行主键的第3部分（如有）", "Part 3 of the row's key, if any"),
        ("import_batch_keys", "key_4"): ("该行主键的第4部分（如有）", "Part 4 of the row's key, if any"),
        ("entry_batches", "batch_id"): _BATCH,
        ("entry_batches", "kind"): (
            "录入种类（新事务、种子活动、事务办结）",
            "Kind of entry (new matter, seed activity, close of a matter)",
        ),
        ("entry_batches", "record_id"): ("录入或办结的事务编号、活动编号", "Matter or activity entered or closed"),
        ("entry_batches", "community_id"): ("居民区编号", "Community id"),
        ("entry_batches", "entered_by"): ("录入人", "Entered by"),
        ("entry_batches", "entered_at"): ("录入时间", "Entered at"),
        ("entry_batches", "closed_at"): ("办结时填写的办结时间", "Closing time set by a close"),
        ("entry_batches", "resolved_level"): ("办结时填写的办结层级", "Level set by a close"),
        ("entry_batches", "satisfaction"): ("办结时填写的满意度", "Satisfaction set by a close"),
        ("entry_batches", "prior_satisfaction"): (
            "办结前事务已有的满意度（撤销时恢复）",
            "The matter's score before the close (restored by an undo)",
        ),
        ("showcase_stories", "community_id"): ("居民区编号", "Community id"),
        ("showcase_stories", "story"): ("故事文字", "The story"),
        ("showcase_stories", "updated_at"): ("最后修改时间", "Last edited at"),
        ("showcase_stories", "updated_by"): ("最后修改人", "Last edited by"),
    }
)
for _method, (_zh, _en) in _METHOD_NAMES.items():
    COLUMN_NOTES.update(
        {
            ("rollup_contest_rankings", f"score_{_method}"): (f"得分（{_zh}）", f"Score ({_en})"),
            ("rollup_contest_rankings", f"rank_{_method}"): (f"名次（{_zh}）", f"Rank ({_en})"),
            ("rollup_contest_rankings", f"rank_low_{_method}"): (
                f"名次区间下限（{_zh}，95%）",
                f"Best likely rank ({_en}, 95%)",
            ),
            ("rollup_contest_rankings", f"rank_high_{_method}"): (
                f"名次区间上限（{_zh}，95%）",
                f"Worst likely rank ({_en}, 95%)",
            ),
        }
    )


STRINGS = {
    **{f"note.table.{table}": pair for table, pair in TABLE_NOTES.items()},
    **{f"note.column.{table}.{column}": pair for (table, column), pair in COLUMN_NOTES.items()},
}
