STRINGS = {
    "scope.subdistrict": ("江川路街道", "Jiangchuan Road"),
    "scope.district": ("闵行区 · 全部街镇", "Minhang District · every town"),
    "scope.own": ("本居民区 · {name}", "Our community · {name}"),
    "scope.whole": ("全街道", "Whole subdistrict"),
    "scope.vs_subdistrict": ("全街道 {value}", "Subdistrict {value}"),
    "scope.vs_grid": ("{grid} {value}", "{grid} {value}"),
    "scope.rank": ("{of}个居民区中第 {rank}", "#{rank} of {of} communities"),
    "scope.rank_per_1k": ("按每千人，{of}个居民区中第 {rank}", "per 1,000 residents: #{rank} of {of}"),
    "scope.compare_help": (
        "数字为本居民区；下方为同期全街道、本网格的数字，以及在全街道居民区中的位次（只显示本居民区的位次，不显示其他居民区）。",
        "The number is your community's; below it the subdistrict's and your grid's for the same period, and "
        "your place among all communities (only yours; no other community is shown).",
    ),
}
