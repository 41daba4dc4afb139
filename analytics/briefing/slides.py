"""The briefing as 16:9 slides (python-pptx), made as the showcase's are (analytics.showcase.slides):
ordinary text boxes in Microsoft YaHei (the meeting room's Windows/WPS machines) a secretary can edit,
charts as high-resolution images of the same figures. A title slide, the month's numbers with what the
briefing holds, then two findings a slide (sentence beside chart), section by section. Demo data carry
a 模拟数据 tag on every slide."""

from __future__ import annotations

import io
from collections.abc import Sequence

from PIL import Image
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.presentation import Presentation as Deck
from pptx.slide import Slide
from pptx.util import Emu, Inches, Pt

from analytics.briefing.model import SECTIONS, Briefing, Finding

FONT = "Microsoft YaHei"
RED = RGBColor(0xB7, 0x1C, 0x1C)
INK = RGBColor(0x26, 0x32, 0x38)
GREY = RGBColor(0x60, 0x7D, 0x8B)
PALE = RGBColor(0xFB, 0xE9, 0xE7)
WHITE = RGBColor(0xFF, 0xFF, 0xFF)
SLIDE_W, SLIDE_H = Inches(13.333), Inches(7.5)
PER_SLIDE = 2


def _text(
    slide: Slide,
    box: tuple[int, int, int, int],
    lines: Sequence[str],
    *,
    size: float = 18,
    bold: bool = False,
    colour: RGBColor = INK,
    align: PP_ALIGN = PP_ALIGN.LEFT,
    anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
    name: str | None = None,
) -> None:
    left, top, width, height = box
    shape = slide.shapes.add_textbox(Emu(left), Emu(top), Emu(width), Emu(height))
    if name:
        shape.name = name
    frame = shape.text_frame
    frame.word_wrap = True
    frame.vertical_anchor = anchor
    for i, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if i == 0 else frame.add_paragraph()
        paragraph.alignment = align
        paragraph.line_spacing = 1.2
        run = paragraph.add_run()
        run.text = line
        run.font.name = FONT
        rpr = run._r.get_or_add_rPr()
        ea = rpr.find(qn("a:ea"))
        if ea is None:  # the East Asian face: Chinese text ignores the Latin one
            ea = rpr.makeelement(qn("a:ea"), {})
            rpr.append(ea)
        ea.set("typeface", FONT)
        run.font.size = Pt(size)
        run.font.bold = bold
        run.font.color.rgb = colour


def _rect(slide: Slide, box: tuple[int, int, int, int], fill: RGBColor, shape: MSO_SHAPE = MSO_SHAPE.RECTANGLE) -> None:
    left, top, width, height = box
    rect = slide.shapes.add_shape(shape, Emu(left), Emu(top), Emu(width), Emu(height))
    rect.fill.solid()
    rect.fill.fore_color.rgb = fill
    rect.line.fill.background()
    rect.shadow.inherit = False


def _demo_tag(b: Briefing, slide: Slide, *, on_red: bool = False) -> None:
    if not b.demo:
        return
    box = (int(SLIDE_W - Inches(2.0)), int(Inches(0.25)), int(Inches(1.7)), int(Inches(0.5)))
    _rect(slide, box, WHITE if on_red else PALE, MSO_SHAPE.ROUNDED_RECTANGLE)
    _text(
        slide,
        box,
        [b.t("demo")],
        size=16,
        bold=True,
        colour=RED,
        align=PP_ALIGN.CENTER,
        anchor=MSO_ANCHOR.MIDDLE,
        name="demo",
    )


def _title_bar(b: Briefing, slide: Slide, title: str) -> None:
    _rect(slide, (0, 0, int(SLIDE_W), int(Inches(1.0))), RED)
    _text(
        slide,
        (int(Inches(0.5)), int(Inches(0.18)), int(Inches(10)), int(Inches(0.7))),
        [title],
        size=28,
        bold=True,
        colour=WHITE,
    )
    _text(
        slide,
        (int(Inches(0.5)), int(SLIDE_H - Inches(0.5)), int(Inches(11)), int(Inches(0.4))),
        [f"{b.t('subdistrict')} · {b.place_name} · {b.title}"],
        size=11,
        colour=GREY,
    )
    _demo_tag(b, slide, on_red=True)


def _cover(deck: Deck, b: Briefing) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _rect(slide, (0, 0, int(SLIDE_W), int(SLIDE_H)), RED)
    left, width = int(Inches(0.9)), int(Inches(11.5))
    _text(
        slide,
        (left, int(Inches(1.6)), width, int(Inches(0.6))),
        [f"{b.t('subdistrict')} · {b.t('for_meeting')}"],
        size=22,
        colour=WHITE,
    )
    _text(slide, (left, int(Inches(2.5)), width, int(Inches(1.4))), [b.title], size=48, bold=True, colour=WHITE)
    _text(slide, (left, int(Inches(4.1)), width, int(Inches(0.7))), [b.place_name], size=26, colour=WHITE)
    if b.demo:
        _text(slide, (left, int(Inches(6.2)), width, int(Inches(0.6))), [b.t("demo_note")], size=14, colour=WHITE)
    _demo_tag(b, slide, on_red=True)


def _numbers(deck: Deck, b: Briefing) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _title_bar(b, slide, b.t("headline"))
    each, gap, top = int(Inches(2.95)), int(Inches(0.2)), int(Inches(1.3))
    for i, (caption, value) in enumerate(b.headline):
        row, col = divmod(i, 4)
        x, y = int(Inches(0.5)) + col * (each + gap), top + row * int(Inches(1.45))
        _rect(slide, (x, y, each, int(Inches(1.25))), PALE)
        _text(
            slide,
            (x + int(Inches(0.2)), y + int(Inches(0.08)), each, int(Inches(0.4))),
            [caption],
            size=14,
            colour=GREY,
        )
        _text(
            slide,
            (x + int(Inches(0.2)), y + int(Inches(0.45)), each, int(Inches(0.7))),
            [value],
            size=30,
            bold=True,
            colour=RED,
        )
    lines = []
    for name in SECTIONS:
        count = len(b.section(name))
        lines.append(b.t("count_findings", section=b.t(f"section.{name}"), n=count) if count else b.t(f"none.{name}"))
    _text(
        slide,
        (int(Inches(0.5)), int(Inches(4.3)), int(Inches(12.3)), int(Inches(2.6))),
        [f"· {line}" for line in lines],
        size=16,
    )


def _findings(
    deck: Deck, b: Briefing, section: str, found: list[tuple[int, Finding]], images: dict[str, bytes]
) -> None:
    for start in range(0, len(found), PER_SLIDE):
        slide = deck.slides.add_slide(deck.slide_layouts[6])
        _title_bar(b, slide, b.t(f"section.{section}"))
        row_h = int(Inches(3.0))
        for j, (index, f) in enumerate(found[start : start + PER_SLIDE]):
            top = int(Inches(1.25)) + j * (row_h + int(Inches(0.2)))
            _text(
                slide,
                (int(Inches(0.5)), top, int(Inches(5.4)), row_h),
                [f.sentence],
                size=18,
                anchor=MSO_ANCHOR.MIDDLE,
                name=f"finding {index}",
            )
            png = images[str(index)]
            image = Image.open(io.BytesIO(png))
            width = int(Inches(6.6))
            height = int(width * image.height / image.width)
            if height > row_h:
                width, height = int(row_h * image.width / image.height), row_h
            slide.shapes.add_picture(
                io.BytesIO(png), Emu(int(Inches(6.3))), Emu(top + (row_h - height) // 2), Emu(width), Emu(height)
            )


def write_pptx(b: Briefing, images: dict[str, bytes]) -> bytes:
    deck = Presentation()
    deck.slide_width, deck.slide_height = SLIDE_W, SLIDE_H
    deck.core_properties.title = f"{b.place_name} · {b.title}"
    deck.core_properties.author = b.t("subdistrict")
    _cover(deck, b)
    _numbers(deck, b)
    for name in SECTIONS:
        found = [(i, f) for i, f in enumerate(b.findings) if f.section == name]
        if found:
            _findings(deck, b, name, found, images)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()
