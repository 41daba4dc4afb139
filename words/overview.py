STRINGS = {
    "overview.nav": ("总览", "Overview"),
    "overview.title": ("{where} · 总览", "{where} · Overview"),
    "overview.caption": ("与上一同长周期相比", "compared with the previous period of equal length"),
    "overview.metric.residents": ("常住人口", "Residents"),
    "overview.metric.activities": ("四色种子活动", "Seed activities"),
    "overview.metric.participants": ("服务居民人次", "Residents served"),
    "overview.metric.partners_active": ("参与的合伙人单位", "Active partners"),
    "overview.metric.cases": ("网格事务", "Grid matters"),
    "overview.metric.in_grid_rate": ("小事不出网格率", "Settled in the grid"),
    "overview.metric.in_community_rate": ("急事不出社区率", "Settled in the community"),
    "overview.metric.satisfaction": ("居民满意度（1–5）", "Satisfaction (1–5)"),
    "overview.help.in_grid_rate": (
        "已办结事务中在网格层面办结的比例；未办结事务不计入分母。",
        "Share of closed matters settled at grid level; open matters are not in the denominator.",
    ),
    "overview.help.in_community_rate": (
        "已办结事务中在网格或居民区层面办结的比例。",
        "Share of closed matters settled at grid or community level.",
    ),
    "overview.help.residents": (
        "所选网格内各居民区常住人口之和（台账口径）。",
        "Sum of the residents of the communities in the selected grids.",
    ),
    "overview.help.residents.own": (
        "{where}的常住人口（台账口径）。",
        "The residents of {where} (as the ledger counts them).",
    ),
    "overview.help.satisfaction": (
        "已回访事务的平均满意度评分（1–5分）。",
        "Mean satisfaction score of surveyed matters (1–5).",
    ),
    "overview.trend": ("逐月走势", "Month by month"),
    "overview.trend.activities": ("四色种子活动（场）", "Seed activities"),
    "overview.trend.cases": ("网格事务（件）", "Grid matters"),
    "overview.trend.in_grid_rate": ("小事不出网格率", "Settled in the grid"),
    "overview.month": ("月份", "Month"),
}
