STRINGS = {
    "showcase.nav": ("擂台展示", "Showcase"),
    "showcase.title": ("擂台展示 · 一键生成展示材料", "Showcase · slides, PDF and images from the data"),
    "showcase.caption": (
        "由本社区数据生成的展示初稿：页面所见即导出所得，可下载演示文稿、PDF、海报和网页",
        "A first draft from the community's own numbers: what you see is what you download",
    ),
    "showcase.community": ("居民区", "Community"),
    "showcase.community_fixed": (
        "居民区书记只能生成本社区的展示。",
        "A secretary builds her own community's showcase.",
    ),
    "showcase.period": ("展示周期", "Period"),
    "showcase.period.filters": ("左侧筛选的时间范围（{start} 至 {end}）", "The period on the left ({start} to {end})"),
    "showcase.period.round": ("{round}前12个月（{start} 至 {end}）", "12 months before {round} ({start} to {end})"),
    "showcase.downloads": ("下载展示材料", "Download"),
    "showcase.downloads_help": (
        "点击后开始生成（图表渲染约需十秒），完成后自动下载；内容与本页一致。",
        "Files are built when you click (charts take about ten seconds) and then download; they match this page.",
    ),
    "showcase.download.pptx": ("演示文稿 PPT", "Slides (PPTX)"),
    "showcase.download.pdf": ("A4 简报 PDF", "A4 brief (PDF)"),
    "showcase.download.png": ("微信海报 PNG", "WeChat poster (PNG)"),
    "showcase.download.html": ("离线网页 HTML", "Offline web page (HTML)"),
    "showcase.story_editor": ("编辑“我们的故事”", "Edit “Our story”"),
    "showcase.story_help": (
        "写下本社区的做法和故事（最多 {n} 字），保存后所有下载材料都会带上。",
        "Your community's story (at most {n} characters); once saved it appears in every download.",
    ),
    "showcase.story_count": ("{n}/{limit} 字", "{n}/{limit} characters"),
    "showcase.story_cut": (
        "故事最多 {limit} 字：框里保留了前 {limit} 字，多出的 {chars} 字放在下面，可复制回去替换其他段落。",
        "A story holds at most {limit} characters: the box keeps the first {limit}; the {chars} beyond are"
        " below, to copy back in place of other lines.",
    ),
    "showcase.story_unsaved": ("有未保存的修改。", "Unsaved changes."),
    "showcase.story_save": ("保存故事", "Save story"),
    "showcase.story_saved": ("故事已保存。", "Story saved."),
    "showcase.story_meta": ("上次保存：{when}（{who}）", "Last saved {when} by {who}"),
    "showcase.story_read_only": ("数据分析员可以查看，不能修改社区故事。", "Analysts can read but not edit the story."),
    "showcase.ranks": (
        "在全{unit}居民区中的位次（只显示本社区）",
        "Place among the {unit}'s communities (this community only)",
    ),
    "showcase.rank_value": ("第{rank}/{of}名 · {value}", "{rank} of {of} · {value}"),
    "showcase.no_activity": (
        "所选周期内本社区没有四色种子活动，也没有网格事务。请换一个展示周期。",
        "No seed activities and no grid matters in this period. Choose another period.",
    ),
}
