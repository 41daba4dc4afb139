"""The showcase on paper and as a picture.

- PDF (fpdf2): an A4 brief of two pages with the system CJK font embedded (Noto Sans CJK SC from the
  Debian package fonts-noto-cjk, read from its .ttc collection): the glyphs the brief uses are cut out
  and turned into a small TrueType font (showcase_files.truetype_subset), embedded as FontFile2, so
  every reader extracts the Chinese text correctly. Page 1: profile, four-colour services with their chart,
  highlights. Page 2: grid work with its chart, top items, contest results, the story (its type size
  shrinks to keep the brief on two pages; the story is at most MAX_STORY_CHARS long).
- PNG: a 1080 × 1920 poster (9:16, full width in a WeChat chat or Moments) composed with Pillow:
  deterministic layout, exact pixel size, the same system font, and no second browser session beyond
  the one that renders the charts.
"""

from __future__ import annotations

import io
import string
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import cast

from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL import Image, ImageDraw, ImageFont

from analytics.showcase import facts
from analytics.showcase.content import Showcase
from analytics.showcase.text import STRINGS

# Colours as (red, green, blue).
RGB = tuple[int, int, int]
RED: RGB = (183, 28, 28)
INK = (38, 50, 56)
GREY = (96, 125, 139)
PALE = (251, 233, 231)
WHITE = (255, 255, 255)
MARGIN = 14.0
A4_W, A4_H = 210.0, 297.0
CONTENT_W = A4_W - 2 * MARGIN


# --- PDF -----------------------------------------------------------------------------------------


def _every_text(s: Showcase) -> str:
    """Every character the brief can print: the fixed words, the facts, the story, digits and signs."""
    pieces = [value[1 if s.lang == "en" else 0] for value in STRINGS.values()]
    pieces += [
        s.name,
        facts.period_text(s),
        facts.compared_text(s),
        facts.footer_text(s),
        facts.story_text(s),
        "、".join(facts.partner_names(s)),
        *s.highlights,
        *facts.item_lines(s),
        *facts.contest_lines(s),
        str(s.profile.get("grid_name") or ""),
    ]
    for rows in (facts.profile_facts(s), facts.service_numbers(s), facts.grid_numbers(s)):
        pieces += [part for row in rows for part in row]
    return "".join(pieces) + string.printable + "万：、（）…★·“”"


class _Brief(FPDF):
    def __init__(self, s: Showcase, folder: Path):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.s = s
        text = _every_text(s)
        for style, (path, index) in zip(("", "B"), facts.cjk_font()):
            # a TrueType subset of the system font (see showcase_files.truetype_subset)
            target = folder / f"cjk{style or 'R'}.ttf"
            target.write_bytes(facts.truetype_subset(path, index, text))
            self.add_font("cjk", style, target)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.set_title(f"{s.name} · {s.t('title')}")
        self.set_author(s.t("subdistrict"))
        self.set_creator(s.t("subdistrict"))

    def footer(self) -> None:
        self.set_y(-10)
        self.set_font("cjk", "", 8)
        self.set_text_color(*GREY)
        note = facts.footer_text(self.s) + (f" · {self.s.t('demo')}" if self.s.demo else "")
        self.cell(CONTENT_W * 0.8, 5, note)
        self.cell(CONTENT_W * 0.2, 5, f"{self.page_no()}/{{nb}}", align="R")

    def font_(self, size: float, *, bold: bool = False, colour: RGB = INK) -> None:
        self.set_font("cjk", "B" if bold else "", size)
        self.set_text_color(*colour)

    def section(self, title: str) -> None:
        self.ln(3)
        y = self.get_y()
        self.set_fill_color(*RED)
        self.rect(MARGIN, y + 1.2, 1.6, 5.2, style="F")
        self.set_x(MARGIN + 3.5)
        self.font_(13, bold=True, colour=RED)
        self.cell(CONTENT_W - 3.5, 7.5, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def lines(
        self, rows: Iterable[str], size: float = 10, *, colour: RGB = INK, bullet: str = "", height: float = 5.4
    ) -> None:
        self.font_(size, colour=colour)
        for row in rows:
            self.set_x(MARGIN)
            self.multi_cell(CONTENT_W, height, f"{bullet}{row}", align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def boxes(self, numbers: list[tuple[str, str, str]], *, height: float = 20.0) -> None:
        """A row of shaded boxes: label, big value, note."""
        gap = 3.0
        each = (CONTENT_W - gap * (len(numbers) - 1)) / len(numbers)
        top = self.get_y()
        for i, (caption, value, note) in enumerate(numbers):
            x = MARGIN + i * (each + gap)
            self.set_fill_color(*PALE)
            self.rect(x, top, each, height, style="F")
            self.set_xy(x + 2.5, top + 1.8)
            self.font_(8.5, colour=GREY)
            self.cell(each - 5, 4.5, caption)
            self.set_xy(x + 2.5, top + 6.8)
            size = 17.0
            self.font_(size, bold=True, colour=RED)
            while size > 8 and self.get_string_width(value) > each - 5:
                size -= 0.5
                self.font_(size, bold=True, colour=RED)
            self.cell(each - 5, 7.5, value)
            if note:
                self.set_xy(x + 2.5, top + 14.4)
                self.font_(8, colour=GREY)
                self.cell(each - 5, 4.2, note)
        self.set_xy(MARGIN, top + height + 1.5)

    def chart(self, png: bytes, width: float = CONTENT_W) -> None:
        image = Image.open(io.BytesIO(png))
        height = width * image.height / image.width
        self.image(io.BytesIO(png), x=MARGIN + (CONTENT_W - width) / 2, y=self.get_y(), w=width, h=height)
        self.set_y(self.get_y() + height + 1)


def _header(pdf: _Brief, s: Showcase) -> None:
    pdf.set_fill_color(*RED)
    pdf.rect(0, 0, A4_W, 36, style="F")
    pdf.set_xy(MARGIN, 7)
    pdf.font_(10, colour=WHITE)
    pdf.cell(CONTENT_W, 5, f"{s.t('subdistrict')} · {s.t('title')}")
    pdf.set_xy(MARGIN, 13)
    pdf.font_(22, bold=True, colour=WHITE)
    pdf.cell(CONTENT_W - 34, 11, s.name)
    pdf.set_xy(MARGIN, 25.5)
    pdf.font_(10, colour=WHITE)
    pdf.cell(CONTENT_W, 5, f"{facts.period_text(s)} · {s.profile.get('grid_name') or ''}")
    if s.demo:
        pdf.set_fill_color(*WHITE)
        pdf.rect(A4_W - MARGIN - 30, 9, 30, 9, style="F", round_corners=True, corner_radius=2)
        pdf.set_xy(A4_W - MARGIN - 30, 9)
        pdf.font_(12, bold=True, colour=RED)
        pdf.cell(30, 9, s.t("demo"), align="C")
    pdf.set_xy(MARGIN, 40)


def _height(pdf: _Brief, text: str, line_height: float) -> float:
    """How tall `text` would be on the page, measured without writing it."""
    # output="HEIGHT" makes multi_cell return the height alone (its declared type covers every output)
    return cast(float, pdf.multi_cell(CONTENT_W, line_height, text, align="L", dry_run=True, output="HEIGHT"))


def _story(pdf: _Brief, s: Showcase) -> None:
    story = facts.story_text(s)
    room = A4_H - 14 - pdf.get_y()
    for size in (10.5, 10, 9.5, 9, 8.5, 8, 7.5, 7):
        pdf.font_(size, colour=INK)
        height = size * 0.53
        if _height(pdf, story, height) <= room:
            break
    else:
        # a story longer than the page (only if MAX_STORY_CHARS were raised): cut at what fits
        while story and _height(pdf, story + "…", height) > room:
            story = story[:-20]
        story += "…"
    pdf.set_x(MARGIN)
    pdf.multi_cell(CONTENT_W, height, story, align="L", new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def write_pdf(s: Showcase, images: dict[str, bytes]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="showcase-font-") as folder:
        return _write_pdf(s, images, Path(folder))


def _write_pdf(s: Showcase, images: dict[str, bytes], folder: Path) -> bytes:
    pdf = _Brief(s, folder)
    pdf.alias_nb_pages()
    pdf.add_page()
    _header(pdf, s)
    pdf.section(s.t("section.profile"))
    pdf.boxes([(caption, value, "") for caption, value in facts.profile_facts(s)], height=15.5)
    partners = "、".join(facts.partner_names(s)) or s.t("profile.partners_none")
    pdf.lines([f"{s.t('profile.partners')}：{partners}"], size=9.5)
    pdf.section(s.t("section.services"))
    pdf.boxes(facts.service_numbers(s))
    pdf.chart(images["services"], width=CONTENT_W * 0.92)
    pdf.font_(8.5, colour=GREY)
    pdf.cell(CONTENT_W, 4.5, facts.compared_text(s), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.section(s.t("section.highlights"))
    pdf.lines(s.highlights, size=10.5, bullet="★ ", height=6.2)

    pdf.add_page()
    pdf.set_y(MARGIN)
    pdf.section(s.t("section.grid_work"))
    pdf.boxes(facts.grid_numbers(s))
    if "grid_work" in images:
        pdf.chart(images["grid_work"], width=CONTENT_W * 0.92)
    else:
        pdf.lines([s.t("grid.none")])
    pdf.lines([s.t("grid.note")], size=8.5, colour=GREY, height=4.5)
    pdf.section(s.t("section.items"))
    pdf.lines(facts.item_lines(s), size=10, bullet="· ")
    pdf.section(s.t("section.contest"))
    pdf.lines(facts.contest_lines(s), size=10, bullet="· ")
    if facts.story_text(s):
        pdf.section(s.t("section.story"))
        _story(pdf, s)
    return bytes(pdf.output())


# --- PNG poster ----------------------------------------------------------------------------------

POSTER_W, POSTER_H = 1080, 1920
POSTER_PAD = 60


def _fonts() -> Callable[..., ImageFont.FreeTypeFont]:
    (regular, regular_index), (bold, bold_index) = facts.cjk_font()

    def make(size: int, bold_: bool = False) -> ImageFont.FreeTypeFont:
        path, index = (bold, bold_index) if bold_ else (regular, regular_index)
        return ImageFont.truetype(path, size, index=index)

    return make


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Lines of `text` that fit `width` pixels (CJK wraps anywhere; Latin words are kept whole)."""
    lines = []
    for paragraph in text.split("\n"):
        line = ""
        for token in _tokens(paragraph):
            if draw.textlength(line + token, font=font) <= width or not line:
                line += token
            else:
                lines.append(line.rstrip())
                line = token.lstrip()
        lines.append(line)
    return lines


def _tokens(text: str) -> list[str]:
    tokens, word = [], ""
    for ch in text:
        if ch.isascii() and not ch.isspace():
            word += ch
            continue
        if word:
            tokens.append(word)
            word = ""
        tokens.append(ch)
    if word:
        tokens.append(word)
    return tokens


def write_png(s: Showcase, images: dict[str, bytes]) -> bytes:
    font = _fonts()
    poster = Image.new("RGB", (POSTER_W, POSTER_H), WHITE)
    draw = ImageDraw.Draw(poster)
    inner = POSTER_W - 2 * POSTER_PAD

    # header
    draw.rectangle((0, 0, POSTER_W, 370), fill=RED)
    draw.text((POSTER_PAD, 60), f"{s.t('subdistrict')} · {s.t('title')}", font=font(34), fill=WHITE)
    name_font = font(76 if len(s.name) <= 10 else 60, True)
    y: float = 120  # FreeTypeFont.size is declared a float
    for line in _wrap(draw, s.name, name_font, inner)[:2]:
        draw.text((POSTER_PAD, y), line, font=name_font, fill=WHITE)
        y += name_font.size + 14
    draw.text((POSTER_PAD, 290), facts.period_text(s), font=font(32), fill=WHITE)
    if s.demo:
        tag_font = font(34, True)
        width = int(draw.textlength(s.t("demo"), font=tag_font)) + 44
        draw.rounded_rectangle((POSTER_W - POSTER_PAD - width, 50, POSTER_W - POSTER_PAD, 110), 14, fill=WHITE)
        draw.text((POSTER_W - POSTER_PAD - width + 22, 58), s.t("demo"), font=tag_font, fill=RED)

    # four numbers
    services = {caption: (value, note) for caption, value, note in facts.service_numbers(s)}
    grid = facts.grid_numbers(s)
    cards = [
        (s.t("metric.activities"), *services[s.t("metric.activities")]),
        (s.t("metric.participants"), *services[s.t("metric.participants")]),
        (s.t("metric.volunteer_hours"), *services[s.t("metric.volunteer_hours")]),
        grid[1],
    ]
    card_w, card_h, gap = (inner - 30) // 2, 196, 30
    for i, (caption, value, note) in enumerate(cards):
        row, col = divmod(i, 2)
        x, top = POSTER_PAD + col * (card_w + gap), 410 + row * (card_h + 24)
        draw.rounded_rectangle((x, top, x + card_w, top + card_h), 18, fill=PALE)
        draw.text((x + 28, top + 22), caption, font=font(30), fill=GREY)
        draw.text((x + 28, top + 66), value, font=font(64, True), fill=RED)
        draw.text((x + 28, top + 152), note, font=font(26), fill=GREY)

    # the services chart
    chart = Image.open(io.BytesIO(images["services"])).convert("RGB")
    chart_h = int(inner * chart.height / chart.width)
    poster.paste(chart.resize((inner, chart_h), Image.Resampling.LANCZOS), (POSTER_PAD, 840))
    y = 840 + chart_h + 30

    # highlights
    draw.rectangle((POSTER_PAD, y + 8, POSTER_PAD + 10, y + 52), fill=RED)
    draw.text((POSTER_PAD + 26, y), s.t("section.highlights"), font=font(44, True), fill=RED)
    y += 78
    bullet_font = font(34)
    for line in s.highlights:
        wrapped = _wrap(draw, line, bullet_font, inner - 50)
        if y + len(wrapped) * 48 > POSTER_H - 130:
            break
        draw.text((POSTER_PAD, y), "★", font=bullet_font, fill=RED)
        for part in wrapped:
            draw.text((POSTER_PAD + 50, y), part, font=bullet_font, fill=INK)
            y += 48
        y += 14

    # footer
    draw.line((POSTER_PAD, POSTER_H - 110, POSTER_W - POSTER_PAD, POSTER_H - 110), fill=(207, 216, 220), width=2)
    draw.text((POSTER_PAD, POSTER_H - 90), facts.footer_text(s), font=font(26), fill=GREY)
    if s.demo:
        draw.text((POSTER_PAD, POSTER_H - 52), s.t("demo_note"), font=font(24), fill=RED)
    out = io.BytesIO()
    poster.save(out, format="PNG", optimize=True)
    return out.getvalue()
