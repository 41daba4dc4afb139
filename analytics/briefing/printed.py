"""The briefing as an A4 PDF (fpdf2), set up as the showcase's brief is (analytics.showcase.printed): the
system CJK font cut down to the glyphs the briefing uses and embedded as a TrueType subset, so every
reader extracts the Chinese text. Page 1: title, the month's numbers, what the briefing holds and how it
judged; then each section's findings, a sentence over its chart, on a new page when the next would not
fit.
Demo data say 模拟数据 in the footer of every page (and on the title band)."""

from __future__ import annotations

import io
import string
import tempfile
from pathlib import Path
from typing import cast

from fpdf import FPDF
from fpdf.enums import WrapMode, XPos, YPos
from PIL import Image

import words
from analytics.briefing.model import SECTIONS, Briefing, Finding
from analytics.showcase import facts
from analytics.showcase.text import date

RGB = tuple[int, int, int]
RED: RGB = (183, 28, 28)
INK: RGB = (38, 50, 56)
GREY: RGB = (96, 125, 139)
PALE: RGB = (251, 233, 231)
WHITE: RGB = (255, 255, 255)
MARGIN = 14.0
A4_W, A4_H = 210.0, 297.0
CONTENT_W = A4_W - 2 * MARGIN
CHART_W = 105.0
BOTTOM = A4_H - 16.0


def _every_text(b: Briefing) -> str:
    """Every character the PDF can print: the briefing's words, its findings, headline, digits and signs."""
    pieces = [pair[1 if b.lang == "en" else 0] for key, pair in words.STRINGS.items() if key.startswith("briefing.")]
    pieces += [b.title, b.place_name, b.month_text, footer_text(b), *(f.sentence for f in b.findings)]
    pieces += [part for row in b.headline for part in row]
    return "".join(pieces) + string.printable + "万：、（）…·“”；，。%"


def footer_text(b: Briefing) -> str:
    return b.t("footer", made=date(b.made_on, b.lang))


class _Document(FPDF):
    def __init__(self, b: Briefing, folder: Path):
        super().__init__(orientation="portrait", unit="mm", format="A4")
        self.b = b
        text = _every_text(b)
        for style, (path, index) in zip(("", "B"), facts.cjk_font()):
            target = folder / f"cjk{style or 'R'}.ttf"
            target.write_bytes(facts.truetype_subset(path, index, text))
            self.add_font("cjk", style, target)
        self.set_margins(MARGIN, MARGIN, MARGIN)
        self.set_auto_page_break(False)
        self.set_title(f"{b.place_name} · {b.title}")
        self.set_author(b.t("subdistrict"))
        self.set_creator(b.t("subdistrict"))

    def footer(self) -> None:
        self.set_y(-11)
        self.font_(8.5, colour=RED if self.b.demo else GREY, bold=self.b.demo)
        note = footer_text(self.b) + (f" · {self.b.t('demo')}" if self.b.demo else "")
        self.cell(CONTENT_W * 0.8, 5, note)
        self.font_(8.5, colour=GREY)
        self.cell(CONTENT_W * 0.2, 5, f"{self.page_no()}/{{nb}}", align="R")

    def font_(self, size: float, *, bold: bool = False, colour: RGB = INK) -> None:
        self.set_font("cjk", "B" if bold else "", size)
        self.set_text_color(*colour)

    def section(self, title: str) -> None:
        self.ln(2)
        y = self.get_y()
        self.set_fill_color(*RED)
        self.rect(MARGIN, y + 1.2, 1.6, 5.2, style="F")
        self.set_x(MARGIN + 3.5)
        self.font_(13, bold=True, colour=RED)
        self.cell(CONTENT_W - 3.5, 7.5, title, new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.ln(1)

    def paragraph(self, text: str, size: float = 10.5, *, colour: RGB = INK, bold: bool = False) -> None:
        self.font_(size, colour=colour, bold=bold)
        self.set_x(MARGIN)
        # by character: Chinese has no spaces, and a word wrap would break after a leading bullet
        self.multi_cell(
            CONTENT_W, size * 0.55, text, align="L", wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def height_of(self, text: str, size: float) -> float:
        self.font_(size)
        lines = self.multi_cell(
            CONTENT_W, size * 0.55, text, align="L", wrapmode=WrapMode.CHAR, dry_run=True, output="LINES"
        )
        return len(cast(list[str], lines)) * size * 0.55  # output="LINES" gives the lines alone

    def boxes(self, numbers: tuple[tuple[str, str], ...], per_row: int = 4) -> None:
        gap, height = 3.0, 17.0
        each = (CONTENT_W - gap * (per_row - 1)) / per_row
        for start in range(0, len(numbers), per_row):
            top = self.get_y()
            for i, (caption, value) in enumerate(numbers[start : start + per_row]):
                x = MARGIN + i * (each + gap)
                self.set_fill_color(*PALE)
                self.rect(x, top, each, height, style="F")
                self.set_xy(x + 2.5, top + 1.8)
                self.font_(9, colour=GREY)
                self.cell(each - 5, 4.5, caption)
                self.set_xy(x + 2.5, top + 7.5)
                self.font_(17, bold=True, colour=RED)
                self.cell(each - 5, 7.5, value)
            self.set_xy(MARGIN, top + height + 2.5)


def _header(pdf: _Document, b: Briefing) -> None:
    pdf.set_fill_color(*RED)
    pdf.rect(0, 0, A4_W, 38, style="F")
    pdf.set_xy(MARGIN, 7)
    pdf.font_(10, colour=WHITE)
    pdf.cell(CONTENT_W, 5, f"{b.t('subdistrict')} · {b.t('for_meeting')}")
    pdf.set_xy(MARGIN, 14)
    pdf.font_(22, bold=True, colour=WHITE)
    pdf.cell(CONTENT_W - 34, 11, b.title)
    pdf.set_xy(MARGIN, 27)
    pdf.font_(11, colour=WHITE)
    pdf.cell(CONTENT_W, 5, b.place_name)
    if b.demo:
        pdf.set_fill_color(*WHITE)
        pdf.rect(A4_W - MARGIN - 30, 9, 30, 9, style="F", round_corners=True, corner_radius=2)
        pdf.set_xy(A4_W - MARGIN - 30, 9)
        pdf.font_(12, bold=True, colour=RED)
        pdf.cell(30, 9, b.t("demo"), align="C")
    pdf.set_xy(MARGIN, 43)


def _finding(pdf: _Document, f: Finding, png: bytes, title: str | None) -> None:
    """The finding's sentence over its chart (and its section's title before the first one), moved to a
    new page together when they would not fit."""
    image = Image.open(io.BytesIO(png))
    chart_h = CHART_W * image.height / image.width
    needed = pdf.height_of(f.sentence, 11) + chart_h + 6 + (12 if title else 0)
    if pdf.get_y() + needed > BOTTOM:
        pdf.add_page()
        pdf.set_y(MARGIN)
    if title:
        pdf.section(title)
    pdf.paragraph(f"· {f.sentence}", 11)
    pdf.ln(1)
    pdf.image(io.BytesIO(png), x=MARGIN + (CONTENT_W - CHART_W) / 2, y=pdf.get_y(), w=CHART_W, h=chart_h)
    pdf.set_y(pdf.get_y() + chart_h + 4)


def write_pdf(b: Briefing, images: dict[str, bytes]) -> bytes:
    with tempfile.TemporaryDirectory(prefix="briefing-font-") as folder:
        pdf = _Document(b, Path(folder))
        pdf.alias_nb_pages()
        pdf.add_page()
        _header(pdf, b)
        pdf.section(b.t("headline"))
        pdf.boxes(b.headline)
        pdf.section(b.t("contents"))
        for name in SECTIONS:
            count = len(b.section(name))
            line = b.t("count_findings", section=b.t(f"section.{name}"), n=count) if count else b.t(f"none.{name}")
            pdf.paragraph(f"· {line}", 10.5)
        pdf.ln(2)
        pdf.paragraph(b.t("method"), 8.5, colour=GREY)
        if b.demo:
            pdf.ln(1)
            pdf.paragraph(b.t("demo_note"), 8.5, colour=RED)
        for i, f in enumerate(b.findings):
            first = i == 0 or b.findings[i - 1].section != f.section
            _finding(pdf, f, images[str(i)], b.t(f"section.{f.section}") if first else None)
        return bytes(pdf.output())
