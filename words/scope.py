STRINGS = {
    "scope.subdistrict": ("江川路街道", "Jiangchuan Road"),
    "scope.district": ("闵行区 · 全部街镇", "Minhang District · every town"),
    "scope.own": ("本居民区 · {name}", "Our community · {name}"),
    # what a town's whole is called: {unit} in "全{unit}" (analytics.core.hierarchy.unit_key)
    "unit.subdistrict": ("街道", "subdistrict"),
    "unit.town": ("镇", "town"),
    "unit.township": ("乡", "township"),
    "unit.zone": ("工业区", "industrial zone"),
    "unit.any": ("街镇", "town"),
    "unit.district": ("区", "district"),
    "scope.vs_subdistrict": ("全{unit} {value}", "Whole {unit} {value}"),
    "scope.vs_grid": ("{grid} {value}", "{grid} {value}"),
    "scope.rank": ("{of}个居民区中第 {rank}", "#{rank} of {of} communities"),
    "scope.rank_per_1k": ("按每千人，{of}个居民区中第 {rank}", "per 1,000 residents: #{rank} of {of}"),
    "scope.compare_help": (
        "数字为本居民区；下方为同期全{unit}、本网格的数字，以及在全{unit}居民区中的位次（只显示本居民区的位次，不显示其他居民区）。",
        "The number is your community's; below it the whole {unit}'s and your grid's for the same period, and "
        "your place among the {unit}'s communities (only yours; no other community is shown).",
    ),
}
