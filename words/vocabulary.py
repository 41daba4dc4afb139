"""The labels of the import vocabularies that the interface has no label of its own for (the others —
colours, categories, levels, partner kinds — are the interface's labels in common.py and contest.py).
The importer's spellings, which are input and not words to show, stay in analytics/ingest/specs.py."""

STRINGS = {
    "vocab.judge_kind.leader": ("领导", "Leader"),
    "vocab.judge_kind.expert": ("专家", "Expert"),
    "vocab.judge_kind.resident": ("居民代表", "Resident"),
    "vocab.sample_tier.city": ("市级", "City"),
    "vocab.sample_tier.jiangchuan": ("江川之家", "Jiangchuan home"),
    "vocab.bool.true": ("是", "Yes"),
    "vocab.bool.false": ("否", "No"),
}
