"""What the lake's commands (analytics.lake, python -m analytics.refresh --lake) say when they cannot go on."""

STRINGS = {
    "err.lake.no_manifest": (
        "「{path}」不是数据湖目录（没有 manifest.json）。请先用 python -m analytics.lake export --db 数据库文件 --to {path} 导出。",
        "“{path}” is not a lake folder (it has no manifest.json). Export one first with python -m analytics.lake export --db DATABASE --to {path}.",
    ),
    "err.lake.bad_manifest": (
        "数据湖清单「{path}」无法读取（{detail}）。文件可能损坏：请重新导出数据湖。",
        "The lake's manifest “{path}” cannot be read ({detail}). It may be damaged: export the lake again.",
    ),
    "err.lake.layout": (
        "数据湖「{path}」的目录格式是第 {found} 版，本程序读取第 {expected} 版。请用本版本重新导出数据湖。",
        "The lake “{path}” has folder layout {found}; this program reads layout {expected}. Export the lake again with this version.",
    ),
    "err.lake.no_town": (
        "表「{table}」中有 {rows} 行的居民区不在居民区表中，无法确定所属街镇。请先导入这些居民区（或更正行中的居民区编号），再导出数据湖。",
        "{rows} rows of “{table}” name a community that is not in the communities table, so their town is unknown. Import those communities first (or correct the rows' community codes), then export the lake.",
    ),
    "err.lake.unknown_town": (
        "数据湖中没有街镇编号「{town}」。可用的街镇编号：{towns}。",
        "The lake holds no town with code “{town}”. Codes it holds: {towns}.",
    ),
    "err.lake.not_fact": (
        "数据湖只接收事实台账（{tables}）按街镇导入；「{table}」是参照表，请在数据库中导入后重新导出数据湖。",
        "The lake takes per-town imports of fact ledgers only ({tables}); “{table}” is a reference table: import it into the database and export the lake again.",
    ),
    "err.lake.other_town": (
        "文件中有 {rows} 行属于其他街镇（例如居民区「{community}」属于 {other}），本次导入的街镇是 {town}。数据湖未作任何改动：请只导入本街镇的台账。",
        "{rows} rows of the file belong to another town (e.g. community “{community}” belongs to {other}); this import is for {town}. The lake is unchanged: import only this town's ledger.",
    ),
    "err.lake.engine": (
        "刷新引擎「{engine}」无法完成（{detail}）。请检查 --master 地址和 Java 17 是否可用；单机可用 --engine duckdb。",
        "The refresh engine “{engine}” could not finish ({detail}). Check the --master address and that Java 17 is available; on one machine use --engine duckdb.",
    ),
}
