"""The showcase as 16:9 slides (python-pptx): a title slide, the profile, the four-colour services, trend
and top items, grid work, contest results (when the community has any), highlights and the story (when
one is written) — 6 to 8 slides. Charts are high-resolution images of the showcase figures; every number
and the story sit in ordinary text boxes the secretary can edit. Text runs name Microsoft YaHei for Latin and East
Asian script (the font of the Windows/WPS machines the slides are shown on; other systems substitute
their own CJK font).
"""

from __future__ import annotations

import io
from collections.abc import Sequence

from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as Deck
from pptx.shapes.autoshape import Shape
from pptx.shapes.picture import Picture
from pptx.slide import Slide
from pptx.text.text import _Run
from pptx.util import Emu, Inches, Pt

from analytics.showcase import facts
from analytics.showcase.charts import SEED_COLOURS, SEED_OUTLINE
from analytics.showcase.content import Showcase
from analytics.showcase.text import label

FONT = "Microsoft YaHei"
RED = RGBColor(0xB7, 0x1C, 0x1C)
INK = RGBColor(0x26, 0x32, 0x38)
GREY = RGBColor(0x60, 0x7D, 0x8B)
PALE = RGBColor(0xFB, 0xE9, 0xE7)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)


def _rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#"))


def _font(run: _Run, size: float, *, bold: bool = False, colour: RGBColor = INK) -> None:
    run.font.name = FONT
    rpr = run._r.get_or_add_rPr()
    latin = rpr.find(qn("a:latin"))
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = latin.makeelement(qn("a:ea"), {})
        latin.addnext(ea)
    ea.set("typeface", FONT)
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.color.rgb = colour


# A paragraph of a text box: its text, or (text, size, bold, colour).
Line = str | tuple[str, float, bool, RGBColor]


def _text(
    slide: Slide,
    left: int,
    top: int,
    width: int,
    height: int,
    lines: str | Sequence[Line],
    *,
    size: float = 18,
    bold: bool = False,
    colour: RGBColor = INK,
    align: PP_ALIGN = PP_ALIGN.LEFT,
    anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
    spacing: float = 1.15,
    name: str | None = None,
) -> Shape:
    """A text box; `lines` is a string or a list of paragraphs, each a string or (text, size, bold, colour)."""
    # Sums of lengths are plain ints (EMU); python-pptx's signatures ask for Length, the same number.
    box = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    if name:
        box.name = name
    frame = box.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    frame.margin_left = frame.margin_right = Inches(0.05)
    for i, line in enumerate([lines] if isinstance(lines, str) else lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        paragraph.line_spacing = spacing
        content, run_size, run_bold, run_colour = line if isinstance(line, tuple) else (line, size, bold, colour)
        run = paragraph.add_run()
        run.text = content
        _font(run, run_size, bold=run_bold, colour=run_colour)
    return box


def _rect(
    slide: Slide,
    left: int,
    top: int,
    width: int,
    height: int,
    fill: RGBColor,
    *,
    line: RGBColor | None = None,
    shape: MSO_SHAPE = MSO_SHAPE.RECTANGLE,
) -> Shape:
    box = slide.shapes.add_shape(shape, Emu(left), Emu(top), Emu(width), Emu(height))
    box.fill.solid()
    box.fill.fore_color.rgb = fill
    if line is None:
        box.line.fill.background()
    else:
        box.line.color.rgb = line
    box.shadow.inherit = False
    return box


def _demo_tag(s: Showcase, slide: Slide, *, on_red: bool = False) -> None:
    if not s.demo:
        return
    tag = _rect(
        slide,
        SLIDE_W - Inches(2.0),
        Inches(0.25),
        Inches(1.7),
        Inches(0.5),
        WHITE if on_red else RED,
        shape=MSO_SHAPE.ROUNDED_RECTANGLE,
    )
    tag.name = "demo_tag"
    frame = tag.text_frame
    frame.vertical_anchor = MSO_ANCHOR.MIDDLE
    paragraph = frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.CENTER
    run = paragraph.add_run()
    run.text = s.t("demo")
    _font(run, 16, bold=True, colour=RED if on_red else WHITE)


def _slide(prs: Deck, s: Showcase, title: str, number: int) -> Slide:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _rect(slide, 0, 0, SLIDE_W, Inches(0.12), RED)
    _text(slide, Inches(0.5), Inches(0.3), Inches(10.5), Inches(0.8), title, size=30, bold=True, name="title")
    _text(
        slide,
        Inches(0.5),
        Inches(0.98),
        Inches(10.5),
        Inches(0.4),
        f"{s.name} · {facts.period_text(s)}",
        size=13,
        colour=GREY,
    )
    footer = f"{s.t('subdistrict')} · {s.t('title')}" + (f" · {s.t('demo')}" if s.demo else "")
    _text(slide, Inches(0.5), SLIDE_H - Inches(0.5), Inches(9), Inches(0.35), footer, size=11, colour=GREY)
    _text(
        slide,
        SLIDE_W - Inches(1.3),
        SLIDE_H - Inches(0.5),
        Inches(0.8),
        Inches(0.35),
        str(number),
        size=11,
        colour=GREY,
        align=PP_ALIGN.RIGHT,
    )
    _demo_tag(s, slide)
    return slide


def _picture(
    slide: Slide,
    png: bytes,
    left: int,
    top: int,
    *,
    width: int | None = None,
    height: int | None = None,
    max_height: int | None = None,
) -> Picture:
    picture = slide.shapes.add_picture(
        io.BytesIO(png),
        Emu(left),
        Emu(top),
        width=None if width is None else Emu(width),
        height=None if height is None else Emu(height),
    )
    if max_height is not None and picture.height > max_height:
        ratio = max_height / picture.height
        picture.height, picture.width = Emu(int(max_height)), Emu(int(picture.width * ratio))
    return picture


def _number_boxes(slide: Slide, numbers: list[tuple[str, str, str]], top: int) -> None:
    """A row of boxes across the slide, each a label, a big value and a small note."""
    left, width, height = Inches(0.5), Inches(12.3), Inches(1.35)
    gap = Inches(0.2)
    each = int((width - gap * (len(numbers) - 1)) / len(numbers))
    for i, (caption, value, note) in enumerate(numbers):
        x = left + i * (each + gap)
        _rect(slide, x, top, each, height, PALE)
        lines = [(caption, 14, False, GREY), (value, 30, True, RED)]
        if note:
            lines.append((note, 12, False, GREY))
        _text(
            slide,
            x + Inches(0.15),
            top + Inches(0.08),
            each - Inches(0.3),
            height - Inches(0.1),
            lines,
            spacing=1.0,
            name="number",
        )


def _title_slide(prs: Deck, s: Showcase) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[6])
    _rect(slide, 0, 0, SLIDE_W, SLIDE_H, RED)
    _rect(slide, Inches(0.8), Inches(4.55), Inches(2.2), Inches(0.06), WHITE)
    _text(
        slide,
        Inches(0.8),
        Inches(1.2),
        Inches(11.5),
        Inches(0.6),
        f"{s.t('subdistrict')} · {s.t('title')}",
        size=22,
        colour=WHITE,
    )
    _text(
        slide,
        Inches(0.8),
        Inches(2.0),
        Inches(11.5),
        Inches(1.6),
        s.name,
        size=54,
        bold=True,
        colour=WHITE,
        name="community_name",
    )
    _text(
        slide,
        Inches(0.8),
        Inches(3.55),
        Inches(11.5),
        Inches(0.9),
        [s.t("subtitle"), f"{s.profile.get('grid_name') or ''}"],
        size=18,
        colour=WHITE,
    )
    _text(slide, Inches(0.8), Inches(4.85), Inches(11.5), Inches(0.5), facts.period_text(s), size=20, colour=WHITE)
    if s.demo:
        _text(slide, Inches(0.8), Inches(6.4), Inches(11.5), Inches(0.6), s.t("demo_note"), size=13, colour=WHITE)
    _demo_tag(s, slide, on_red=True)


def _profile_slide(prs: Deck, s: Showcase, n: int) -> None:
    slide = _slide(prs, s, s.t("section.profile"), n)
    items = facts.profile_facts(s)
    top, each_w, each_h = Inches(1.7), Inches(2.45), Inches(1.45)
    for i, (caption, value) in enumerate(items):
        row, col = divmod(i, 3)
        x, y = Inches(0.5) + col * (each_w + Inches(0.18)), top + row * (each_h + Inches(0.2))
        _rect(slide, x, y, each_w, each_h, PALE)
        size = 28 if len(value) <= 8 else 18
        _text(
            slide,
            x + Inches(0.15),
            y + Inches(0.1),
            each_w - Inches(0.3),
            each_h - Inches(0.15),
            [(caption, 14, False, GREY), (value, size, True, RED)],
            spacing=1.0,
            name="fact",
        )
    partners = facts.partner_names(s) or [s.t("profile.partners_none")]
    _text(slide, Inches(8.6), top, Inches(4.3), Inches(0.5), s.t("profile.partners"), size=18, bold=True)
    _text(
        slide,
        Inches(8.6),
        top + Inches(0.55),
        Inches(4.3),
        Inches(3.5),
        [f"· {p}" for p in partners[:8]],
        size=16,
        spacing=1.3,
        name="partners",
    )
    _text(slide, Inches(0.5), Inches(5.35), Inches(12.3), Inches(1.2), facts.compared_text(s), size=13, colour=GREY)


def _services_slide(prs: Deck, s: Showcase, images: dict[str, bytes], n: int) -> None:
    slide = _slide(prs, s, s.t("section.services"), n)
    _number_boxes(slide, facts.service_numbers(s), Inches(1.5))
    _picture(slide, images["services"], Inches(0.5), Inches(3.05), height=Inches(3.75))
    top: int = Inches(3.3)  # EMU; Length + Length is a plain int
    for colour, line in facts.colour_lines(s):
        _rect(
            slide,
            Inches(8.75),
            top + Inches(0.08),
            Inches(0.28),
            Inches(0.28),
            _rgb(SEED_COLOURS[colour]),
            line=_rgb(SEED_OUTLINE[colour]),
        )
        _text(
            slide,
            Inches(9.15),
            top,
            Inches(3.9),
            Inches(0.85),
            [(label("colour", colour, s.lang), 16, True, INK), (line, 13, False, GREY)],
            spacing=1.0,
            name="colour_line",
        )
        top += Inches(0.85)


def _trend_slide(prs: Deck, s: Showcase, images: dict[str, bytes], n: int) -> None:
    """The months of the period as a chart, the items that reached most residents as editable lines (the
    items chart is on the page and in the web page; here the numbers are large enough to read out)."""
    slide = _slide(prs, s, s.t("section.trend"), n)
    if "monthly" in images:
        _picture(slide, images["monthly"], Inches(0.4), Inches(1.6), width=Inches(8.2), max_height=Inches(5.2))
    _text(slide, Inches(8.9), Inches(1.7), Inches(4.1), Inches(0.5), s.t("section.items"), size=20, bold=True)
    _text(
        slide,
        Inches(8.9),
        Inches(2.3),
        Inches(4.1),
        Inches(4.5),
        [f"{i}. {line}" for i, line in enumerate(facts.item_lines(s)[:5], start=1)],
        size=15,
        spacing=1.25,
        name="items",
    )


def _grid_slide(prs: Deck, s: Showcase, images: dict[str, bytes], n: int) -> None:
    slide = _slide(prs, s, s.t("section.grid_work"), n)
    _number_boxes(slide, facts.grid_numbers(s), Inches(1.5))
    if "grid_work" in images:
        _picture(slide, images["grid_work"], Inches(0.5), Inches(3.05), height=Inches(3.3))
    else:
        _text(slide, Inches(0.5), Inches(3.3), Inches(12), Inches(0.6), s.t("grid.none"), size=18)
    _text(slide, Inches(0.5), Inches(6.45), Inches(12.3), Inches(0.5), s.t("grid.note"), size=12, colour=GREY)


def _contest_slide(prs: Deck, s: Showcase, images: dict[str, bytes], n: int) -> None:
    slide = _slide(prs, s, s.t("section.contest"), n)
    if "contest" in images:
        _picture(slide, images["contest"], Inches(0.5), Inches(1.5), width=Inches(10.2), max_height=Inches(4.1))
    lines = facts.contest_lines(s)
    _text(
        slide,
        Inches(0.5),
        Inches(5.65),
        Inches(12.3),
        Inches(1.3),
        lines[-3:],
        size=14 if len(lines) <= 2 else 13,
        spacing=1.1,
        name="contest",
    )


def _highlights_slide(prs: Deck, s: Showcase, n: int) -> None:
    slide = _slide(prs, s, s.t("section.highlights"), n)
    size = 22 if len(s.highlights) <= 4 else 19
    _text(
        slide,
        Inches(0.7),
        Inches(1.7),
        Inches(12),
        Inches(5.0),
        [f"★  {line}" for line in s.highlights],
        size=size,
        spacing=1.45,
        name="highlights",
    )


def _story_slide(prs: Deck, s: Showcase, n: int) -> None:
    slide = _slide(prs, s, s.t("section.story"), n)
    story = facts.story_text(s)
    size = 20 if len(story) <= 220 else 16 if len(story) <= 450 else 13
    _text(
        slide,
        Inches(0.7),
        Inches(1.7),
        Inches(12),
        Inches(5.1),
        story.split("\n"),
        size=size,
        colour=INK,
        spacing=1.35,
        name="story",
    )


def write_pptx(s: Showcase, images: dict[str, bytes]) -> bytes:
    prs = Presentation()
    prs.slide_width, prs.slide_height = SLIDE_W, SLIDE_H
    prs.core_properties.title = f"{s.name} · {s.t('title')}"
    prs.core_properties.subject = facts.period_text(s)
    prs.core_properties.author = s.t("subdistrict")
    _title_slide(prs, s)
    steps = [
        lambda n: _profile_slide(prs, s, n),
        lambda n: _services_slide(prs, s, images, n),
        lambda n: _trend_slide(prs, s, images, n),
        lambda n: _grid_slide(prs, s, images, n),
    ]
    if len(s.contest):
        steps.append(lambda n: _contest_slide(prs, s, images, n))
    steps.append(lambda n: _highlights_slide(prs, s, n))
    if facts.story_text(s):
        steps.append(lambda n: _story_slide(prs, s, n))
    for number, step in enumerate(steps, start=2):
        step(number)
    out = io.BytesIO()
    prs.save(out)
    return out.getvalue()
