"""What the analyses (targets, contest scoring, showcase) say when a request cannot be answered."""

STRINGS = {
    "err.cases.admins_only": (
        "只有管理员可以设置网格事务目标。",
        "Only administrators may set the grid-matter targets.",
    ),
    "err.cases.unknown_metric": (
        "未知的目标指标“{metric}”。可设置的指标：{metrics}。",
        "Unknown target measure “{metric}”. Targets can be set for: {metrics}.",
    ),
    "err.cases.unknown_grid": (
        "没有编号为“{grid}”的片区网格，请从列表中选择网格。",
        "There is no area grid “{grid}”. Choose a grid from the list.",
    ),
    "err.cases.target_not_number": (
        "目标值“{target}”不是数字。请填写 0 到 1 之间的比例，例如 0.7 表示 70%。",
        "The target “{target}” is not a number. Enter a share between 0 and 1, such as 0.7 for 70%.",
    ),
    "err.cases.target_range": (
        "目标值 {target} 超出范围。请填写大于 0、不超过 1 的比例，例如 0.7 表示 70%。",
        "The target {target} is out of range. Enter a share above 0 and at most 1, such as 0.7 for 70%.",
    ),
    "err.contest.unknown_round_import": (
        "没有编号为“{round}”的擂台场次。请从列表中选择场次，或先导入该场次的评分表。",
        "There is no contest round “{round}”. Choose a round from the list, or import the round's score sheet first.",
    ),
    "err.contest.unknown_round": (
        "没有编号为“{round}”的擂台场次。请从列表中选择场次。",
        "There is no contest round “{round}”. Choose a round from the list.",
    ),
    "err.contest.other_town": (
        "擂台场次“{round}”不是本街镇举办的，您的账号只能查看本街镇的场次。请从列表中选择场次。",
        "The contest round “{round}” was held by another town; your account reads its own town's rounds. Choose a round from the list.",
    ),
    "err.contest.no_criteria": (
        "擂台场次“{round}”还没有评分标准（contest_criteria 表中无此场次的行）。请先导入评分标准。",
        "The contest round “{round}” has no scoring criteria yet (no rows for it in contest_criteria). Import the criteria first.",
    ),
    "err.contest.unknown_criteria": (
        "权重里有本场次没有的评分项：{unknown}。可用的评分项：{known}。",
        "The weights name criteria this round does not have: {unknown}. The round's criteria: {known}.",
    ),
    "err.contest.weight_not_number": (
        "评分项 {criterion} 的权重“{weight}”不是数字。",
        "The weight “{weight}” of criterion {criterion} is not a number. Enter a number of 0 or more.",
    ),
    "err.contest.weight_negative": (
        "评分项 {criterion} 的权重必须是不小于 0 的数，现在是 {weight}。",
        "The weight of criterion {criterion} must be a number of 0 or more; it is {weight}.",
    ),
    "err.contest.all_zero": (
        "所有评分项的权重都是 0，无法计算总分。请至少给一个评分项设置权重。",
        "Every criterion weighs 0, so no total can be computed. Give at least one criterion a weight.",
    ),
}

STRINGS |= {
    # the showcase (analytics.showcase)
    "err.showcase.no_chromium": (
        "无法生成图表图片：服务器上没有找到 Chromium 浏览器（{path}）。请管理员安装 chromium，或设置环境变量 BROWSER_PATH 指向浏览器程序。",
        "Cannot draw the chart images: no Chromium browser was found on the server ({path}). Ask the administrator to install chromium, or to point the environment variable BROWSER_PATH at the browser.",
    ),
    "err.showcase.chart_failed": (
        "生成图表图片失败：{detail}。请稍后重试；如持续失败，请联系管理员检查 Chromium。",
        "Drawing the chart images failed: {detail}. Try again in a moment; if it keeps failing, ask the administrator to check Chromium.",
    ),
    "err.showcase.chart_timeout": (
        "生成图表图片超时。请稍后重试；如持续失败，请联系管理员检查 Chromium。",
        "Drawing the chart images took too long. Try again in a moment; if it keeps failing, ask the administrator to check Chromium.",
    ),
    "err.showcase.own_community": (
        "居民区书记只能查看和导出本社区的擂台展示。如需其他社区的材料，请联系街道。",
        "A community secretary may view and export only her own community's showcase. For another community's material, ask the subdistrict.",
    ),
    "err.showcase.period": (
        "展示的开始日期 {start} 晚于结束日期 {end}，请重新选择时间范围。",
        "The showcase's start date {start} is after its end date {end}. Choose the period again.",
    ),
    "err.showcase.analyst_story": (
        "数据分析员可以查看展示，但不能修改社区故事；请由居民区书记或管理员修改。",
        "Analysts may view the showcase but not edit a community's story: ask the community secretary or an administrator to edit it.",
    ),
    "err.showcase.story_long": (
        "社区故事最多 {limit} 字，现在有 {chars} 字。请精简后再保存。",
        "A community story holds at most {limit} characters and this one has {chars}. Shorten it, then save.",
    ),
    "err.showcase.story_community": (
        "没有编号为 {community} 的居民区，故事未保存。请刷新页面后重新选择居民区。",
        "There is no community {community}, so the story was not saved. Reload the page and choose the community again.",
    ),
    "err.showcase.unknown_community": (
        "没有编号为 {community} 的居民区。请在页面上重新选择居民区。",
        "There is no community {community}. Choose the community again on the page.",
    ),
    "err.showcase.no_font": (
        "导出失败：服务器上没有找到中文字体。请管理员安装 fonts-noto-cjk（Debian/Ubuntu：apt-get install fonts-noto-cjk），或把环境变量 {env} 设为一个中文字体文件的路径。",
        "The export failed: no Chinese font was found on the server. Ask the administrator to install fonts-noto-cjk (Debian/Ubuntu: apt-get install fonts-noto-cjk), or to set the environment variable {env} to the path of a Chinese font file.",
    ),
}
