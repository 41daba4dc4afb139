"""The showcase files of a demo community, each built once per module with the real chart images
(kaleido + the system Chromium): slides, the A4 brief, the WeChat poster and the offline web page."""

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest
from PIL import Image, ImageStat

from analytics import cases, db, seeds, showcase
from analytics.access import Scope
from analytics.filters import Filters
from analytics.showcase import charts as showcase_charts
from analytics.showcase.text import number, pct
from tests.conftest import artifact

YEAR = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
C30 = "C30"
STORY = "鹤北一居把“楼组长+志愿者”拧成一股绳。\n<script>alert('x')</script> & <b>不加粗</b>"

pytestmark = pytest.mark.skipif(
    not Path("/usr/bin/chromium").exists() and not shutil.which("chromium"),
    reason="the chart images need Chromium (apt-get install chromium)",
)


@pytest.fixture(scope="module")
def world(demo_db_path, tmp_path_factory):
    path = tmp_path_factory.mktemp("showcase") / "showcase.duckdb"
    shutil.copy(demo_db_path, path)
    con = db.connect(path)
    showcase.set_story(con, C30, STORY, updated_by="sec30", scope=Scope("secretary", C30))
    yield con
    con.close()


@pytest.fixture(scope="module")
def content(world):
    return showcase.content(world, C30, start=YEAR[0], end=YEAR[1], scope=Scope("secretary", C30))


@pytest.fixture(scope="module")
def files(world, content):
    built = {fmt: showcase.render(content, fmt) for fmt in showcase.FORMATS}
    for fmt, body in built.items():
        artifact(f"showcase.{fmt}").write_bytes(body)
    return built


def expected_numbers(con) -> list[str]:
    """Figures from the analytics functions themselves, formatted the way the showcase writes them."""
    f = Filters(*YEAR, community_ids=(C30,))
    totals = seeds.uptake(con, f, ()).iloc[0]
    work = cases.resolution(con, f, ()).iloc[0]
    whole = cases.resolution(con, Filters(*YEAR), ()).iloc[0]
    return [
        number(totals["activities"]),
        number(totals["participants"]),
        number(totals["volunteer_hours"]),
        pct(work["in_grid_rate"]),
        pct(whole["in_grid_rate"]),
        pct(work["in_community_rate"]),
    ]


# --- pptx ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_slides(files, world):
    from pptx import Presentation

    prs = Presentation(io.BytesIO(files["pptx"]))
    assert 6 <= len(prs.slides) <= 8
    assert prs.slide_width / prs.slide_height == pytest.approx(16 / 9, rel=1e-3)
    texts = ["\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame) for slide in prs.slides]
    everything = "\n".join(texts)
    assert "鹤北新村第一居民区" in texts[0]
    for figure in expected_numbers(world):
        assert figure in everything, figure
    assert STORY.split("\n")[0] in everything and "<script>alert('x')</script>" in everything  # plain text, as typed
    assert all("模拟数据" in text for text in texts), "every slide carries the simulated-data mark"
    pictures = [shape for slide in prs.slides for shape in slide.shapes if shape.shape_type == 13]
    assert len(pictures) >= 4
    assert min(Image.open(io.BytesIO(p.image.blob)).width for p in pictures) >= 2000  # high resolution
    # the CJK font is named for East Asian text on every run
    xml = zipfile.ZipFile(io.BytesIO(files["pptx"])).read("ppt/slides/slide2.xml").decode()
    assert xml.count('<a:ea typeface="Microsoft YaHei"/>') >= xml.count("<a:r>") > 0


# --- pdf -----------------------------------------------------------------------------------------


def test_pdf_embeds_its_fonts_and_reads_as_chinese(files, world, content, tmp_path):
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(files["pdf"]))
    assert 1 <= len(reader.pages) <= 2
    assert reader.pages[0].mediabox.width == pytest.approx(595.28, abs=1)  # A4
    fonts = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                fonts.append(font["/BaseFont"])
                assert "/FontFile2" in descriptor or "/FontFile3" in descriptor, font["/BaseFont"]
    assert fonts and all("CJK" in name for name in fonts)
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in [
        "鹤北新村第一居民区",
        "四色种子服务",
        "小事不出网格率",
        "我们的故事",
        "模拟数据",
        "鹤北一居把“楼组长+志愿者”拧成一股绳。",
        "<script>alert('x')</script> & <b>不加粗</b>",
        *content.highlights,
        *expected_numbers(world),
    ]:
        assert expected in text, expected
    path = tmp_path / "brief.pdf"
    path.write_bytes(files["pdf"])
    if shutil.which("pdftotext"):
        plain = subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert "鹤北新村第一居民区" in plain and "<script>alert('x')</script>" in plain


def test_pdf_page_renders_without_missing_glyphs(files, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm not installed (apt-get install poppler-utils): the PDF page is not rendered")
    path = tmp_path / "brief.pdf"
    path.write_bytes(files["pdf"])
    result = subprocess.run(
        ["pdftoppm", "-r", "110", "-png", "-f", "1", "-l", "2", str(path), str(tmp_path / "page")],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "Error" not in result.stderr
    page = Image.open(tmp_path / "page-1.png").convert("L")
    shutil.copy(tmp_path / "page-1.png", artifact("showcase_pdf_page1.png"))
    shutil.copy(tmp_path / "page-2.png", artifact("showcase_pdf_page2.png"))
    assert ImageStat.Stat(page).stddev[0] > 30  # not blank
    dark = sum(page.histogram()[:128]) / (page.width * page.height)
    assert 0.02 < dark < 0.6


@pytest.mark.slow
def test_a_story_of_full_length_keeps_the_brief_on_two_pages(content, files):
    from dataclasses import replace

    from pypdf import PdfReader

    long = replace(content, story=showcase.Story("社区故事长文。" * (showcase.MAX_STORY_CHARS // 7)))
    reader = PdfReader(io.BytesIO(showcase.render(long, "pdf")))  # chart images come from the cache
    assert len(reader.pages) == 2
    assert "社区故事长文" in reader.pages[1].extract_text()


# --- png -----------------------------------------------------------------------------------------


def test_poster(files):
    poster = Image.open(io.BytesIO(files["png"]))
    assert poster.format == "PNG" and poster.size == (1080, 1920)
    assert ImageStat.Stat(poster.convert("L")).stddev[0] > 30


# --- html ----------------------------------------------------------------------------------------


def test_web_page_is_self_contained_and_escapes_the_story(files, world):
    page = files["html"].decode("utf-8")
    assert not re.search(r"""(src|href)\s*=\s*["']?\s*(https?:)?//""", page, re.I)
    assert not re.search(r"url\(\s*['\"]?\s*(https?:)?//", page, re.I)
    assert "http://" not in page and "https://" not in page
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;不加粗&lt;/b&gt;" in page
    assert page.count('src="data:image/png;base64,') >= 4
    assert "鹤北新村第一居民区" in page and "模拟数据" in page
    for figure in expected_numbers(world):
        assert figure in page, figure


def test_same_figures_for_every_format_render_once(content, files, monkeypatch):
    calls = []
    monkeypatch.setattr(showcase_charts, "_render", lambda figs, scale: calls.append(len(figs)) or [])
    showcase.render(content, "html")
    assert calls == []  # every image of the showcase is already in the process's cache


@pytest.mark.slow
def test_an_empty_story_is_left_out_of_every_file(content, files):
    """No story written: no story section and no stock sentence standing in for one (issue #19)."""
    from dataclasses import replace

    from pptx import Presentation
    from pypdf import PdfReader

    empty = replace(content, story=showcase.Story(""))
    heading, stock = content.t("section.story"), content.t("story.empty")
    page = showcase.render(empty, "html").decode("utf-8")
    assert heading not in page and stock not in page
    pdf_text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(showcase.render(empty, "pdf"))).pages)
    assert heading not in pdf_text and stock not in pdf_text
    deck = Presentation(io.BytesIO(showcase.render(empty, "pptx")))
    slide_text = " ".join(sh.text_frame.text for sl in deck.slides for sh in sl.shapes if sh.has_text_frame)
    assert heading not in slide_text and stock not in slide_text
    assert len(deck.slides) == len(Presentation(io.BytesIO(files["pptx"])).slides) - 1
    # and the written story is in each of them
    assert heading in files["html"].decode("utf-8") and "鹤北一居" in files["html"].decode("utf-8")
    assert heading in "".join(p.extract_text() for p in PdfReader(io.BytesIO(files["pdf"])).pages)
