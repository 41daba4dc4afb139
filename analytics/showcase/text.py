"""The words printed into a showcase (slides, PDF, poster, web page) and drawn on its charts.

analytics never imports streamlit, so these live here rather than in ui/text/; the page shows the same
showcase and uses these same words for it (ui/text/showcase.py holds only the page's own controls).
Labels of colours, partner kinds and levels repeat those of ui/text/common.py; a unit test keeps them
equal. Every entry is (中文, English).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

LANGS = ("zh", "en")

STRINGS: dict[str, tuple[str, str]] = {
    "subdistrict": ("江川路街道", "Jiangchuan Road Subdistrict"),
    "title": ("书记擂台展示", "Secretary's showcase"),
    "subtitle": ("党建引领网格治理 · 美好社区 幸福家园", "Party-led grid governance · Beautiful community, happy home"),
    "period": ("{start} 至 {end}", "{start} to {end}"),
    "compared": ("与上一同长周期（{start} 至 {end}）相比", "compared with the previous period ({start} to {end})"),
    "demo": ("模拟数据", "Simulated data"),
    "demo_note": (
        "本展示依据公开资料生成的模拟数据制作，仅供演示，不代表真实工作成绩。",
        "Built from simulated data generated from public facts, for demonstration only.",
    ),
    "footer": (
        "数据来源：江川路街道网格治理看板（{made}生成）",
        "Source: Jiangchuan grid-governance dashboard ({made})",
    ),
    # profile
    "section.profile": ("社区概况", "Community profile"),
    "profile.residents": ("常住人口", "Residents"),
    "profile.households": ("户数", "Households"),
    "profile.party_members": ("党员", "Party members"),
    "profile.built_year": ("建成年代", "Built"),
    "profile.grid": ("所属片区网格", "Area grid"),
    "profile.sample_tier": ("“1+5”样本", "'1+5' sample"),
    "profile.partners": ("结对共建单位", "Partner units"),
    "profile.partners_none": ("暂无结对单位", "No partner units yet"),
    "tier.city": ("市级美好社区样本", "City-level sample"),
    "tier.jiangchuan": ("江川家园样本", "Jiangchuan-home sample"),
    "tier.none": ("—", "—"),
    "unit.people": ("{n}人", "{n}"),
    "unit.households": ("{n}户", "{n}"),
    "unit.year": ("{n}年", "{n}"),
    # services
    "section.services": ("四色种子服务", "Four-colour seed services"),
    "metric.activities": ("服务场次", "Activities"),
    "metric.participants": ("服务居民人次", "Residents served"),
    "metric.volunteers": ("志愿者人次", "Volunteer turns"),
    "metric.volunteer_hours": ("志愿服务时长（小时）", "Volunteer hours"),
    "change": ("较上期 {change}", "{change} vs. before"),
    "change.none": ("上期无数据", "no earlier data"),
    "chart.services": (
        "各色种子服务居民人次（浅色为上期，深色为本期）",
        "Residents served per colour (pale: previous period, full: this period)",
    ),
    "chart.this_period": ("本期", "This period"),
    "chart.previous_period": ("上期", "Previous period"),
    "chart.monthly": ("每月服务场次（按种子颜色）", "Activities per month, by seed colour"),
    "chart.items": ("服务居民最多的服务项目", "Service items that reached most residents"),
    "chart.items_axis": ("服务居民人次", "Residents served"),
    "chart.grid_work": (
        "网格事务办结层级：本社区与全街道",
        "Where matters were settled: this community and the subdistrict",
    ),
    "chart.contest": ("书记擂台历次名次", "Place in each contest round"),
    "chart.rank_axis": ("名次", "Place"),
    "section.items": ("服务项目排行", "Top service items"),
    "section.trend": ("服务走势与热门项目", "Services month by month, and the favourites"),
    "items.row": (
        "{item}（{colour}）：{activities}场，服务{participants}人次",
        "{item} ({colour}): {activities} activities, {participants} residents served",
    ),
    "items.none": ("本期暂无服务记录", "No services recorded in this period"),
    # grid work
    "section.grid_work": ("网格事务", "Grid work"),
    "metric.cases": ("受理事项", "Matters reported"),
    "metric.in_grid_rate": ("小事不出网格率", "Settled in the grid"),
    "metric.in_community_rate": ("急事不出社区率", "Settled in the community"),
    "grid.vs_subdistrict": ("街道 {value}", "subdistrict {value}"),
    "grid.this_community": ("本社区", "This community"),
    "grid.subdistrict": ("全街道", "Subdistrict"),
    "grid.none": ("本期没有已办结的网格事务", "No matters closed in this period"),
    "grid.note": (
        "办结率只计已办结事项；街道数为全街道所有居民区的合计，不含其他社区的明细。",
        "Rates count closed matters only; the subdistrict figure is the total of all communities, "
        "without any other community's detail.",
    ),
    # contest
    "section.contest": ("书记擂台成绩", "Contest results"),
    "contest.row": (
        "{round}（{date}）：第{rank}名 / 共{entries}个居民区，得分 {score}",
        "{round} ({date}): place {rank} of {entries}, score {score}",
    ),
    "contest.none": ("尚未参加书记擂台比拼", "Has not yet entered a contest round"),
    # highlights
    "section.highlights": ("亮点", "Highlights"),
    "highlight.growth": (
        "{colour}服务居民 {now} 人次，较上期增长 {change}（上期 {before} 人次）",
        "{colour}: {now} residents served, up {change} on the previous period ({before})",
    ),
    "highlight.growth_total": (
        "四色种子共服务居民 {now} 人次，较上期增长 {change}",
        "All seed services reached {now} residents, up {change} on the previous period",
    ),
    "highlight.rank": (
        "{measure} {value}，在全街道{n}个居民区中排第{rank}",
        "{measure} {value}: place {rank} of the subdistrict's {n} communities",
    ),
    "highlight.grid_above": (
        "小事不出网格率 {value}，高于全街道 {points}",
        "Settled in the grid: {value}, {points} above the subdistrict",
    ),
    "highlight.contest": ("在{round}中位列第{rank}名（共{entries}个居民区）", "Placed {rank} of {entries} in {round}"),
    "highlight.contest_up": (
        "在{round}中位列第{rank}名，比上一次参赛前进{up}名",
        "Placed {rank} in {round}, {up} places up on the previous round",
    ),
    "highlight.partner": (
        "{partner}（{kind}）参与{item}等服务{activities}场，服务居民{participants}人次",
        "{partner} ({kind}) took part in {activities} activities such as {item}, serving {participants} residents",
    ),
    "highlight.none": ("本期数据较少，暂未发现突出亮点", "Too little data in this period to point out highlights"),
    "points": ("{points:.1f} 个百分点", "{points:.1f} pts"),
    "rank.activities_per_1k": ("千人服务场次", "Activities per 1,000 residents"),
    "rank.participants_per_1k": ("千人服务人次", "Residents served per 1,000"),
    "rank.volunteer_hours_per_1k": ("千人志愿时长", "Volunteer hours per 1,000"),
    "rank.in_grid_rate": ("小事不出网格率", "Settled in the grid"),
    "rank.in_community_rate": ("急事不出社区率", "Settled in the community"),
    "rank.satisfaction": ("居民满意度", "Residents' satisfaction"),
    # story
    "section.story": ("我们的故事", "Our story"),
    "story.empty": (
        "（在展示页面填写本社区的故事，这里就会显示。）",
        "(Write your community's story on the showcase page and it appears here.)",
    ),
    "continued": ("（续）", "(continued)"),
    # labels shared with ui/text/common.py
    "colour.red": ("红色种子", "Red seed"),
    "colour.green": ("绿色种子", "Green seed"),
    "colour.white": ("白色种子", "White seed"),
    "colour.blue": ("蓝色种子", "Blue seed"),
    "level.grid": ("网格", "Grid"),
    "level.community": ("居民区", "Community"),
    "level.street": ("街道", "Subdistrict"),
    "level.district": ("区级", "District"),
    "level.open": ("未办结", "Open"),
    "kind.enterprise": ("企业", "Enterprise"),
    "kind.hospital": ("医院", "Hospital"),
    "kind.school": ("学校", "School"),
    "kind.agency": ("机关单位", "Agency"),
    "kind.social_org": ("社会组织", "Social organisation"),
}


def text(key: str, lang: str = "zh", **values: object) -> str:
    pair = STRINGS[key]
    chosen = pair[1] if lang == "en" else pair[0]
    return chosen.format(**values) if values else chosen


def label(kind: str, code: object, lang: str = "zh") -> str:
    key = f"{kind}.{code}"
    return text(key, lang) if key in STRINGS else str(code)


# --- numbers, the way ui.fmt writes them (without streamlit's session) ----------------------------


def _missing(value: object) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def number(value: Any, lang: str = "zh", digits: int = 0) -> str:
    """13,245 → 1.3万 in Chinese (from 10,000 up), 13,245 in English; as ui.fmt.number."""
    if _missing(value):
        return "—"
    value = float(value)
    if lang == "zh" and abs(value) >= 10_000:
        return f"{value / 10_000:,.1f}万"
    return f"{value:,.{digits}f}"


def pct(share: Any, digits: int = 1) -> str:
    return "—" if _missing(share) else f"{float(share) * 100:.{digits}f}%"


def change(share: Any) -> str:
    """A relative change (a share) as +12.3%."""
    return "—" if _missing(share) else f"{float(share) * 100:+.1f}%"


def points(difference: Any, lang: str = "zh") -> str:
    """A difference of two rates in percentage points."""
    return text("points", lang, points=abs(float(difference)) * 100)


def date(value: dt.date | None, lang: str = "zh") -> str:
    if value is None:
        return "—"
    return f"{value.year}年{value.month}月{value.day}日" if lang == "zh" else value.isoformat()
