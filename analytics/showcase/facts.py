"""What every showcase file writes, in one place: the facts and sentences (so the slides, the PDF, the
poster and the web page word the same numbers the same way), the system CJK font, and the writer of
each format.
"""

from __future__ import annotations

import functools
import io
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from analytics.core.errors import DataError
from analytics.showcase.content import Showcase
from analytics.showcase.text import date, label, number, pct
from words import msg

SERVICE_METRICS = ("activities", "participants", "volunteers", "volunteer_hours")
ENV_FONT = "JIANGCHUAN_CJK_FONT"  # a .ttc/.otf/.ttf with Simplified Chinese, to override the search
FONT_CANDIDATES = (
    ("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc"),
    (
        "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Regular.otf",
        "/usr/share/fonts/opentype/noto/NotoSansCJKsc-Bold.otf",
    ),
    ("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", None),
    ("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", None),
    ("C:/Windows/Fonts/msyh.ttc", "C:/Windows/Fonts/msyhbd.ttc"),
)


# --- facts and sentences shared by every format ----------------------------------------------------


def period_text(s: Showcase) -> str:
    return s.t("period", start=date(s.start, s.lang), end=date(s.end, s.lang))


def compared_text(s: Showcase) -> str:
    return s.t("compared", start=date(s.previous_start, s.lang), end=date(s.previous_end, s.lang))


def profile_facts(s: Showcase) -> list[tuple[str, str]]:
    p, lang = s.profile, s.lang
    tier = p.get("sample_tier")
    return [
        (s.t("profile.residents"), s.t("unit.people", n=number(p.get("residents"), lang))),
        (s.t("profile.households"), s.t("unit.households", n=number(p.get("households"), lang))),
        (s.t("profile.party_members"), s.t("unit.people", n=number(p.get("party_members"), lang))),
        (s.t("profile.built_year"), s.t("unit.year", n=p["built_year"]) if p.get("built_year") else "—"),
        (s.t("profile.grid"), p.get("grid_name") or "—"),
        (s.t("profile.sample_tier"), s.t(f"tier.{tier}") if tier else s.t("tier.none")),
    ]


def partner_names(s: Showcase) -> list[str]:
    return [
        f"{row.partner_name}（{label('kind', row.kind, s.lang)}）"
        if s.lang == "zh"
        else f"{row.partner_name} ({label('kind', row.kind, s.lang)})"
        for row in s.partners.itertuples(index=False)
    ]


def change_text(s: Showcase, values: Mapping[str, Any], metric: str) -> str:
    before, ratio = values.get(f"{metric}_prev"), values.get(f"{metric}_change")
    if before is None or ratio is None or before == 0:
        return s.t("change.none")
    return s.t("change", change=f"{float(ratio) * 100:+.1f}%")


def service_numbers(s: Showcase) -> list[tuple[str, str, str]]:
    """(label, value, change) of the four uptake measures, as every format prints them."""
    return [(s.t(f"metric.{m}"), number(s.totals.get(m), s.lang), change_text(s, s.totals, m)) for m in SERVICE_METRICS]


def colour_lines(s: Showcase) -> list[tuple[str, str]]:
    """(colour, "42场 · 1,768人次 · 较上期 +35.3%") per seed colour."""
    out = []
    for row in s.services.to_dict("records"):
        activities, people = number(row["activities"], s.lang), number(row["participants"], s.lang)
        body = f"{activities}场 · {people}人次" if s.lang == "zh" else f"{activities} activities · {people} residents"
        out.append((row["seed_colour"], f"{body} · {change_text(s, row, 'participants')}"))
    return out


def grid_numbers(s: Showcase) -> list[tuple[str, str, str]]:
    """(label, value, comparison) of grid work: matters reported, the two rates against the subdistrict."""
    work, whole = s.grid_work, s.subdistrict
    return [
        (s.t("metric.cases"), number(work.get("cases"), s.lang), ""),
        (
            s.t("metric.in_grid_rate"),
            pct(work.get("in_grid_rate")),
            s.t("grid.vs_subdistrict", value=pct(whole.get("in_grid_rate"))),
        ),
        (
            s.t("metric.in_community_rate"),
            pct(work.get("in_community_rate")),
            s.t("grid.vs_subdistrict", value=pct(whole.get("in_community_rate"))),
        ),
    ]


def item_lines(s: Showcase) -> list[str]:
    if s.top_items.empty:
        return [s.t("items.none")]
    return [
        s.t(
            "items.row",
            item=row.item_name,
            colour=label("colour", row.seed_colour, s.lang),
            activities=number(row.activities, s.lang),
            participants=number(row.participants, s.lang),
        )
        for row in s.top_items.itertuples(index=False)
    ]


def contest_lines(s: Showcase) -> list[str]:
    if s.contest.empty:
        return [s.t("contest.none")]
    return [
        s.t(
            "contest.row",
            round=row.round_name,
            date=date(row.held_on, s.lang),
            rank=int(row.rank),
            entries=int(row.entries_in_round),
            score=f"{row.score:.2f}",
        )
        for row in s.contest.itertuples(index=False)
    ]


def story_text(s: Showcase) -> str:
    """The secretary's story as saved; empty when she wrote none. Every file then leaves the story's
    section out: a stock sentence in its place would read as if she had written it."""
    return s.story.story


def footer_text(s: Showcase) -> str:
    return s.t("footer", made=date(s.made_on, s.lang))


# --- the system CJK font -------------------------------------------------------------------------


@functools.lru_cache(maxsize=1)
def cjk_font() -> tuple[tuple[str, int], tuple[str, int]]:
    """((regular path, face index), (bold path, face index)) of a Simplified Chinese font on this
    machine: $JIANGCHUAN_CJK_FONT, else Noto Sans CJK (Debian's fonts-noto-cjk), WenQuanYi or
    Microsoft YaHei. In a collection the Simplified Chinese face is picked by its name. Nothing is
    ever downloaded: without a font the user gets a message saying what to install."""
    override = os.environ.get(ENV_FONT)
    candidates = [(override, None)] if override else list(FONT_CANDIDATES)
    for regular, bold in candidates:
        if regular and Path(regular).is_file():
            regular_face = (regular, _sc_face(regular))
            bold_face = (bold, _sc_face(bold)) if bold and Path(bold).is_file() else regular_face
            return regular_face, bold_face
    raise DataError(msg("err.showcase.no_font", env=ENV_FONT))


def _sc_face(path: str) -> int:
    """The index of the Simplified Chinese face in a font collection (0 for a single font)."""
    if not path.lower().endswith((".ttc", ".otc")):
        return 0
    from fontTools.ttLib import TTCollection

    collection = TTCollection(path, lazy=True)
    try:
        names = [font["name"].getDebugName(4) or "" for font in collection.fonts]
    finally:
        collection.close()
    for wanted in (" SC", "SC", "GB", "Hei"):
        for index, name in enumerate(names):
            if wanted in name and "Mono" not in name:
                return index
    return 0


def truetype_subset(path: str, index: int, text: str) -> bytes:
    """The glyphs of `text` from face `index` of a font file, as a small TrueType font.

    Noto Sans CJK has CFF (PostScript) outlines keyed by CID. fpdf2 embeds those with an encoding CMap
    that pypdf and some other readers mis-decode (every character read as two, with NULs between), so
    the PDF gets the few hundred glyphs it uses converted to TrueType outlines instead (cubic → quadratic
    curves within 1 font unit): the plain Identity-H / FontFile2 embedding every reader handles, and a
    smaller file."""
    from fontTools import subset
    from fontTools.pens.cu2quPen import Cu2QuPen
    from fontTools.pens.ttGlyphPen import TTGlyphPen
    from fontTools.ttLib import TTFont, newTable

    font = TTFont(path, fontNumber=index, lazy=True)
    options = subset.Options()
    options.layout_features, options.name_IDs, options.notdef_outline = [], ["*"], True
    options.hinting, options.desubroutinize = False, True
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=text)
    subsetter.subset(font)
    if "CFF " in font:
        order, glyphs = font.getGlyphOrder(), font.getGlyphSet()
        glyf = newTable("glyf")
        glyf.glyphOrder, glyf.glyphs = order, {}
        for name in order:
            pen = TTGlyphPen(glyphs)
            glyphs[name].draw(Cu2QuPen(pen, 1.0, reverse_direction=True))
            glyf[name] = pen.glyph()
        font["glyf"], font["loca"] = glyf, newTable("loca")
        maxp = font["maxp"]
        maxp.tableVersion = 0x00010000
        for attribute in (
            "maxTwilightPoints",
            "maxStorage",
            "maxFunctionDefs",
            "maxInstructionDefs",
            "maxStackElements",
            "maxSizeOfInstructions",
            "maxComponentElements",
            "maxComponentDepth",
        ):
            setattr(maxp, attribute, 0)
        maxp.maxZones = 1
        post = font["post"]
        post.formatType, post.extraNames, post.mapping, post.glyphOrder = 2.0, [], {}, order
        for table in ("CFF ", "VORG"):
            if table in font:
                del font[table]
        font.sfntVersion = "\x00\x01\x00\x00"
    out = io.BytesIO()
    font.save(out)
    font.close()
    return out.getvalue()


# --- the writers ---------------------------------------------------------------------------------
