"""The words printed into a showcase (slides, PDF, poster, web page) and drawn on its charts.
Labels of colours, partner kinds and levels are those of common.py."""

STRINGS = {
    "show.subdistrict": ("江川路街道", "Jiangchuan Road Subdistrict"),
    "show.title": ("书记擂台展示", "Secretary's showcase"),
    "show.subtitle": (
        "党建引领网格治理 · 美好社区 幸福家园",
        "Party-led grid governance · Beautiful community, happy home",
    ),
    "show.period": ("{start} 至 {end}", "{start} to {end}"),
    "show.compared": ("与上一同长周期（{start} 至 {end}）相比", "compared with the previous period ({start} to {end})"),
    "show.demo": ("模拟数据", "Simulated data"),
    "show.demo_note": (
        "本展示依据公开资料生成的模拟数据制作，仅供演示，不代表真实工作成绩。",
        "Built from simulated data generated from public facts, for demonstration only.",
    ),
    "show.footer": (
        "数据来源：江川路街道网格治理看板（{made}生成）",
        "Source: Jiangchuan grid-governance dashboard ({made})",
    ),
    # profile
    "show.section.profile": ("社区概况", "Community profile"),
    "show.profile.residents": ("常住人口", "Residents"),
    "show.profile.households": ("户数", "Households"),
    "show.profile.party_members": ("党员", "Party members"),
    "show.profile.built_year": ("建成年代", "Built"),
    "show.profile.grid": ("所属片区网格", "Area grid"),
    "show.profile.sample_tier": ("“1+5”样本", "'1+5' sample"),
    "show.profile.partners": ("结对共建单位", "Partner units"),
    "show.profile.partners_none": ("暂无结对单位", "No partner units yet"),
    "show.tier.city": ("市级美好社区样本", "City-level sample"),
    "show.tier.jiangchuan": ("江川家园样本", "Jiangchuan-home sample"),
    "show.tier.none": ("—", "—"),
    "show.unit.people": ("{n}人", "{n}"),
    "show.unit.households": ("{n}户", "{n}"),
    "show.unit.year": ("{n}年", "{n}"),
    # services
    "show.section.services": ("四色种子服务", "Four-colour seed services"),
    "show.metric.activities": ("服务场次", "Activities"),
    "show.metric.participants": ("服务居民人次", "Residents served"),
    "show.metric.volunteers": ("志愿者人次", "Volunteer turns"),
    "show.metric.volunteer_hours": ("志愿服务时长（小时）", "Volunteer hours"),
    "show.change": ("较上期 {change}", "{change} vs. before"),
    "show.change.none": ("上期无数据", "no earlier data"),
    "show.chart.services": (
        "各色种子服务居民人次（浅色为上期，深色为本期）",
        "Residents served per colour (pale: previous period, full: this period)",
    ),
    "show.chart.this_period": ("本期", "This period"),
    "show.chart.previous_period": ("上期", "Previous period"),
    "show.chart.monthly": ("每月服务场次（按种子颜色）", "Activities per month, by seed colour"),
    "show.chart.items": ("服务居民最多的服务项目", "Service items that reached most residents"),
    "show.chart.items_axis": ("服务居民人次", "Residents served"),
    "show.chart.grid_work": (
        "网格事务办结层级：本社区与全{unit}",
        "Where matters were settled: this community and the whole {unit}",
    ),
    "show.chart.contest": ("书记擂台历次名次", "Place in each contest round"),
    "show.chart.rank_axis": ("名次", "Place"),
    "show.section.items": ("服务项目排行", "Top service items"),
    "show.section.trend": ("服务走势与热门项目", "Services month by month, and the favourites"),
    "show.items.row": (
        "{item}（{colour}）：{activities}场，服务{participants}人次",
        "{item} ({colour}): {activities} activities, {participants} residents served",
    ),
    "show.items.none": ("本期暂无服务记录", "No services recorded in this period"),
    # grid work
    "show.section.grid_work": ("网格事务", "Grid work"),
    "show.metric.cases": ("受理事项", "Matters reported"),
    "show.metric.in_grid_rate": ("小事不出网格率", "Settled in the grid"),
    "show.metric.in_community_rate": ("急事不出社区率", "Settled in the community"),
    "show.grid.vs_subdistrict": ("{unit} {value}", "{unit} {value}"),
    "show.grid.this_community": ("本社区", "This community"),
    "show.grid.subdistrict": ("全{unit}", "Whole {unit}"),
    "show.grid.none": ("本期没有已办结的网格事务", "No matters closed in this period"),
    "show.grid.note": (
        "办结率只计已办结事项；{unit}数为全{unit}所有居民区的合计，不含其他社区的明细。",
        "Rates count closed matters only; the {unit} figure is the total of all its communities, "
        "without any other community's detail.",
    ),
    # contest
    "show.section.contest": ("书记擂台成绩", "Contest results"),
    "show.contest.row": (
        "{round}（{date}）：第{rank}名 / 共{entries}个居民区，得分 {score}",
        "{round} ({date}): place {rank} of {entries}, score {score}",
    ),
    "show.contest.none": ("尚未参加书记擂台比拼", "Has not yet entered a contest round"),
    # highlights
    "show.section.highlights": ("亮点", "Highlights"),
    "show.highlight.growth": (
        "{colour}服务居民 {now} 人次，较上期增长 {change}（上期 {before} 人次）",
        "{colour}: {now} residents served, up {change} on the previous period ({before})",
    ),
    "show.highlight.growth_total": (
        "四色种子共服务居民 {now} 人次，较上期增长 {change}",
        "All seed services reached {now} residents, up {change} on the previous period",
    ),
    "show.highlight.rank": (
        "{measure} {value}，在全{unit}{n}个居民区中排第{rank}",
        "{measure} {value}: place {rank} of the {unit}'s {n} communities",
    ),
    "show.highlight.grid_above": (
        "小事不出网格率 {value}，高于全{unit} {points}",
        "Settled in the grid: {value}, {points} above the {unit}",
    ),
    "show.highlight.contest": (
        "在{round}中位列第{rank}名（共{entries}个居民区）",
        "Placed {rank} of {entries} in {round}",
    ),
    "show.highlight.contest_up": (
        "在{round}中位列第{rank}名，比上一次参赛前进{up}名",
        "Placed {rank} in {round}, {up} places up on the previous round",
    ),
    "show.highlight.partner": (
        "{partner}（{kind}）参与{item}等服务{activities}场，服务居民{participants}人次",
        "{partner} ({kind}) took part in {activities} activities such as {item}, serving {participants} residents",
    ),
    "show.highlight.none": ("本期数据较少，暂未发现突出亮点", "Too little data in this period to point out highlights"),
    "show.points": ("{points:.1f} 个百分点", "{points:.1f} pts"),
    "show.rank.activities_per_1k": ("千人服务场次", "Activities per 1,000 residents"),
    "show.rank.participants_per_1k": ("千人服务人次", "Residents served per 1,000"),
    "show.rank.volunteer_hours_per_1k": ("千人志愿时长", "Volunteer hours per 1,000"),
    "show.rank.in_grid_rate": ("小事不出网格率", "Settled in the grid"),
    "show.rank.in_community_rate": ("急事不出社区率", "Settled in the community"),
    "show.rank.satisfaction": ("居民满意度", "Residents' satisfaction"),
    # story
    "show.section.story": ("我们的故事", "Our story"),
    "show.story.empty": (
        "写下本社区的做法和故事。没有写时，下载的材料里不含这一节。",
        "Write your community's way of working and its story. Left empty, the downloads leave this part out.",
    ),
    "show.continued": ("（续）", "(continued)"),
}
