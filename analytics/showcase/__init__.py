"""The secretary's showcase (擂台展示): one community's numbers, charts, highlights and story, on the page
and as files.

    analytics.showcase.build(con, "C30", "pdf")     # -> bytes; pptx, pdf, png or html

Modules, from the bottom: text (its words in Chinese and English, number formats), content (the
`Showcase` gathered from the public analysis functions, and the stories secretaries write), charts (its
plotly figures and their images), facts (the sentences and numbers every format shows, and the CJK
font), printed (pdf, png), slides (pptx), web (html), formats (the dispatcher: `render`, `build`).
"""

from analytics.showcase.content import (
    COLOURS,
    DEFAULT_MONTHS,
    FORMATS,
    MAX_STORY_CHARS,
    MIME,
    RANK_MEASURES,
    RATE_MEASURES,
    STORY_EDITORS,
    Showcase,
    Story,
    check_access,
    clean_story,
    content,
    cut_story,
    default_period,
    file_name,
    get_story,
    measure_value,
    set_story,
)
from analytics.showcase.formats import WRITERS, build, render

__all__ = [
    "COLOURS",
    "DEFAULT_MONTHS",
    "FORMATS",
    "MAX_STORY_CHARS",
    "MIME",
    "RANK_MEASURES",
    "RATE_MEASURES",
    "STORY_EDITORS",
    "WRITERS",
    "Showcase",
    "Story",
    "build",
    "check_access",
    "clean_story",
    "content",
    "cut_story",
    "default_period",
    "file_name",
    "get_story",
    "measure_value",
    "render",
    "set_story",
]
