"""The monthly briefing (月度简报): its page, its files and the sentences its findings say aloud."""

STRINGS = {
    # the page
    "briefing.nav": ("月度简报", "Monthly briefing"),
    "briefing.title": ("月度简报", "Monthly briefing"),
    "briefing.caption": (
        "按规则找出本月要在党工委会上说的事：越过目标线的指标、超出随机波动的变化、超期事项、闲置的结对、擂台结果。"
        "每条都从各页面同样的分析函数算出，可下载PDF与PPT。",
        "What this month's committee meeting should hear, found by rule: measures that crossed their targets, "
        "moves beyond chance, overdue matters, idle pairings, contest results — each from the same analysis "
        "functions as the pages, as a PDF and slides.",
    ),
    "briefing.month": ("月份", "Month"),
    "briefing.month_help": (
        "简报按整月计算，不受左侧“时间范围”影响。",
        "The briefing covers a whole month; the sidebar's period does not apply to it.",
    ),
    "briefing.working": ("正在按规则查找本月要点…", "Finding the month's points by rule…"),
    "briefing.place": ("范围", "Covering"),
    "briefing.whole": ("全{unit}", "The whole {unit}"),
    "briefing.downloads": ("下载简报", "Download the briefing"),
    "briefing.download.pdf": ("PDF（A4）", "PDF (A4)"),
    "briefing.download.pptx": ("PPT（16:9）", "Slides (16:9)"),
    "briefing.downloads_help": (
        "文件在点击时生成，图表需要几秒钟。",
        "Files are built when clicked; the charts take a few seconds.",
    ),
    "briefing.no_months": ("还没有任何数据，无法生成简报。", "There are no data yet to brief on."),
    # the briefing's own words (page, PDF and slides)
    "briefing.doc_title": ("{month}月度简报", "Monthly briefing, {month}"),
    "briefing.subdistrict": ("江川路街道", "Jiangchuan Road Subdistrict"),
    "briefing.for_meeting": ("街道党工委会 · 网格治理", "Party working committee · grid governance"),
    "briefing.demo": ("模拟数据", "Simulated data"),
    "briefing.demo_note": (
        "本简报依据公开资料生成的模拟数据制作，仅供演示，不代表真实工作情况。",
        "Built from simulated data generated from public facts, for demonstration only.",
    ),
    "briefing.footer": (
        "数据来源：江川路街道网格治理看板（{made}生成）",
        "Source: Jiangchuan grid-governance dashboard ({made})",
    ),
    "briefing.month_name": ("{year}年{month}月", "{year}-{month:02d}"),
    "briefing.no_data": (
        "{month}没有任何服务活动或网格事务记录，没有可生成的简报。",
        "{month} has no seed activities and no grid matters on record: there is nothing to brief on.",
    ),
    "briefing.headline": ("本月概况", "The month in numbers"),
    "briefing.contents": ("本期要点", "In this briefing"),
    "briefing.method_title": ("判断方法", "How the findings are judged"),
    "briefing.count_findings": ("{section}：{n}条", "{section}: {n}"),
    "briefing.section.targets": ("越过目标线的指标", "Measures that crossed their targets"),
    "briefing.section.moves": ("明显变化", "Moves beyond chance"),
    "briefing.section.overdue": ("超期事项", "Overdue matters"),
    "briefing.section.idle": ("闲置的结对共建", "Idle pairings"),
    "briefing.section.contest": ("书记擂台", "Secretaries' contest"),
    "briefing.none.targets": (
        "本月没有指标越过目标线（与上月相比，达标情况没有变化）。",
        "No measure crossed its target this month.",
    ),
    "briefing.none.moves": (
        "本月各项指标与上月、去年同月相比的变化都在随机波动范围内。",
        "Every change against last month and the same month last year is within chance.",
    ),
    "briefing.none.overdue": (
        "本月末没有超期未办结的事项。",
        "No matter was open past its deadline at the month's end.",
    ),
    "briefing.none.idle": ("本月所有结对共建都开展了活动。", "Every pairing held activities this month."),
    "briefing.none.contest": ("本月没有举行书记擂台。", "No contest round was held this month."),
    "briefing.method": (
        "判断方法：目标为网格事务页面设定的目标（上月与本月达标情况不同即为越线）；"
        "“明显变化”按漏斗图的控制限判断：以上月或去年同月的水平为期望，本月的件数超出99.8%泊松控制限才算，"
        "比率按较少一侧的件数判断；超期指月末仍未办结且已超过办理时限（按自然日计）；闲置指结对单位在该社区当月没有任何活动。",
        "Method: targets are those set on the grid-work page (a measure crossed when it was on target last "
        "month and not now, or the reverse). A move is reported only when this month's count falls outside "
        "the 99.8% Poisson control limits around last month's or last year's level (the funnel plot's "
        "limits); a rate is judged on its rarer side's count. A matter is overdue when still open at the "
        "month's end past its deadline (calendar days). A pairing is idle when its partner held nothing in "
        "that community in the month.",
    ),
    # measures and baselines
    "briefing.measure.in_grid_rate": ("小事不出网格率", "in-grid rate"),
    "briefing.measure.in_community_rate": ("急事不出社区率", "in-community rate"),
    "briefing.measure.urgent_in_community_rate": ("紧急事项不出社区率", "urgent in-community rate"),
    "briefing.measure.activities": ("服务活动场次", "seed activities"),
    "briefing.measure.cases": ("网格事务受理件数", "grid matters reported"),
    "briefing.measure.participants": ("服务人次", "residents served"),
    "briefing.measure.satisfaction": ("满意度", "satisfaction"),
    "briefing.measure.idle_pairings": ("闲置结对", "idle pairings"),
    "briefing.measure.idle_months": ("连续闲置月数", "months idle"),
    "briefing.measure.contest_score": ("擂台得分", "contest score"),
    "briefing.measure.contest_climb": ("名次上升", "places climbed"),
    "briefing.measure.overdue": ("超期事项", "overdue matters"),
    "briefing.baseline.previous": ("上月", "last month"),
    "briefing.baseline.last_year": ("去年同月", "the same month last year"),
    "briefing.unit.count": ("{n}", "{n}"),
    "briefing.unit.cases": ("{n}件", "{n}"),
    "briefing.unit.activities": ("{n}场", "{n}"),
    "briefing.unit.months": ("{n}个月", "{n} months"),
    # the findings' sentences (read aloud at the meeting)
    "briefing.say.target_below": (
        "{place}{measure}{month}为{value}（{base}件办结），低于目标{target}；上月为{before}，已达标。",
        "{place}: {measure} was {value} in {month} ({base} matters closed), below its target of {target}; "
        "last month it was {before}, on target.",
    ),
    "briefing.say.target_above": (
        "{place}{measure}{month}为{value}（{base}件办结），达到目标{target}；上月为{before}，未达标。",
        "{place}: {measure} reached {value} in {month} ({base} matters closed), meeting its target of "
        "{target}; last month it was {before}, below target.",
    ),
    "briefing.say.count_up": (
        "{place}{measure}{month}为{now}，比{baseline}（{before}）增加{change}，超出随机波动范围。",
        "{place}: {measure} rose to {now} in {month}, {change} on {baseline} ({before}) — more than chance.",
    ),
    "briefing.say.count_down": (
        "{place}{measure}{month}为{now}，比{baseline}（{before}）减少{change}，超出随机波动范围。",
        "{place}: {measure} fell to {now} in {month}, {change} below {baseline} ({before}) — more than chance.",
    ),
    "briefing.say.rate_up": (
        "{place}{measure}{month}为{now}（{base}件办结），比{baseline}（{before}）提高{points}，超出随机波动范围。",
        "{place}: {measure} rose to {now} in {month} ({base} matters closed), {points} above {baseline} "
        "({before}) — more than chance.",
    ),
    "briefing.say.rate_down": (
        "{place}{measure}{month}为{now}（{base}件办结），比{baseline}（{before}）下降{points}，超出随机波动范围。",
        "{place}: {measure} fell to {now} in {month} ({base} matters closed), {points} below {baseline} "
        "({before}) — more than chance.",
    ),
    "briefing.points": ("{points:.1f}个百分点", "{points:.1f} points"),
    "briefing.say.idle_count": (
        "{month}共有{n}对结对共建没有开展活动（在册结对{total}对），其中{long}对已连续{months}个月以上没有活动。",
        "{n} of {total} pairings held no activity in {month}; {long} of them none for {months} months or more.",
    ),
    "briefing.say.idle_pair": (
        "{partner}与{community}（{grid}）已连续{months}没有开展活动。",
        "{partner} has held nothing in {community} ({grid}) for {months}.",
    ),
    "briefing.say.idle_pair_long": (
        "{partner}与{community}（{grid}）已连续{months}以上没有开展活动。",
        "{partner} has held nothing in {community} ({grid}) for {months} or more.",
    ),
    "briefing.say.contest_winner": (
        "{day}举行{round}，{entries}个社区参赛，{community}以{score}分获第一名。",
        "{round} was held on {day} with {entries} communities; {community} came first with {score} points.",
    ),
    "briefing.say.contest_climb": (
        "{round}中，{community}从上一场的第{before}名升至第{rank}名，上升{up}位。",
        "In {round}, {community} climbed {up} places, from {before} in its previous round to {rank}.",
    ),
    "briefing.say.overdue_count": (
        "截至{day}，共有{n}件网格事务超过办理时限仍未办结（其中紧急{urgent}件），最久的已超期{days}天；"
        "另有{soon}件将在7天内到期。",
        "At the end of {day}, {n} grid matters were open past their deadline ({urgent} of them urgent), the "
        "oldest {days} days overdue; {soon} more fall due within 7 days.",
    ),
    "briefing.say.overdue_holder": (
        "{place}有{n}件事项超期未办结（其中紧急{urgent}件），最久超期{days}天。",
        "{place} holds {n} overdue matters ({urgent} urgent), the oldest {days} days overdue.",
    ),
    # charts
    "briefing.chart.target": ("{place} · {measure}（近6个月）", "{place} · {measure} (last 6 months)"),
    "briefing.chart.target_line": ("目标", "Target"),
    "briefing.chart.move": ("{place} · {measure}", "{place} · {measure}"),
    "briefing.chart.idle": ("闲置结对按连续闲置月数", "Idle pairings by months idle"),
    "briefing.chart.idle_pair": ("{partner} · {community} 每月活动场次", "{partner} · {community}: activities a month"),
    "briefing.chart.contest": ("{round} 得分（前{n}名）", "{round}: scores (top {n})"),
    "briefing.chart.overdue": ("截至{day}各处超期事项", "Overdue matters by holder at the end of {day}"),
    "briefing.chart.overdue_holder": ("{place} · 各月末超期事项", "{place}: overdue matters at each month's end"),
    "briefing.chart.months_bucket": ("{n}个月", "{n} mo"),
    "briefing.chart.months_bucket_more": ("{n}个月以上", "{n}+ mo"),
    # headline captions
    "briefing.head.activities": ("服务活动", "Seed activities"),
    "briefing.head.participants": ("服务人次", "Residents served"),
    "briefing.head.cases": ("网格事务", "Grid matters"),
    "briefing.head.in_grid_rate": ("小事不出网格", "Settled in grid"),
    "briefing.head.in_community_rate": ("急事不出社区", "Settled in community"),
    "briefing.head.satisfaction": ("满意度", "Satisfaction"),
    "briefing.head.on_time_rate": ("按期办结", "Closed within deadline"),
    # errors
    "err.briefing.month": (
        "月份“{month}”无法识别：请写成 2024-06 这样的年-月。",
        "Cannot read the month '{month}': write it as year-month, e.g. 2024-06.",
    ),
    "err.briefing.grid": (
        "没有网格“{grid}”：请从网格列表中选择。",
        "There is no grid '{grid}': pick one from the grid list.",
    ),
    "err.briefing.no_data": (
        "{month}没有任何服务活动或网格事务记录，没有可生成的简报：请换一个有数据的月份。",
        "{month} has no seed activities and no grid matters on record: pick a month with data.",
    ),
    "err.briefing.roles": (
        "月度简报供街道领导、分析员和管理员使用；书记请使用“擂台展示”查看本社区。",
        "The monthly briefing is for leaders, analysts and administrators; secretaries see their community on "
        "the showcase page.",
    ),
    # the command
    "briefing.cli.wrote": ("已写入：{path}", "Wrote {path}"),
}
