"""The briefing command as cron runs it: a real process writes the PDF and the PPTX of a month of the
demo world (charts rendered by kaleido with the system Chromium), and the files are read back — pypdf
for the PDF's text, pages and embedded fonts, python-pptx for the slides."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from analytics import briefing, db
from tests.conftest import ROOT, artifact

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(
        not Path("/usr/bin/chromium").exists() and not shutil.which("chromium"),
        reason="the chart images need Chromium (apt-get install chromium)",
    ),
]
RUNS = {"subdistrict": ("2024-11", None), "grid": ("2024-06", "G1")}


def run(db_path: Path, out: Path, month: str, grid: str | None = None, *extra: str) -> subprocess.CompletedProcess:
    command = [sys.executable, "-m", "analytics.briefing", "--month", month, "--out", str(out), "--db", str(db_path)]
    command += ["--grid", grid] if grid else []
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [*command, *extra], capture_output=True, text=True, cwd=ROOT, env=env, timeout=600, check=False
    )


@pytest.fixture(scope="module")
def world(demo_db_path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("briefing") / "world.duckdb"
    shutil.copy(demo_db_path, path)
    return path


@pytest.fixture(scope="module")
def written(world, tmp_path_factory) -> dict[str, dict[str, Path]]:
    out = {}
    for name, (month, grid) in RUNS.items():
        folder = tmp_path_factory.mktemp(f"out-{name}")
        done = run(world, folder, month, grid)
        assert done.returncode == 0, done.stderr
        files = {path.suffix.lstrip("."): path for path in folder.iterdir()}
        assert set(files) == {"pdf", "pptx"}
        assert all(str(path) in done.stdout for path in files.values())
        for fmt, path in files.items():
            shutil.copy(path, artifact(f"briefing-{name}.{fmt}"))
        out[name] = files
    return out


@pytest.fixture(scope="module")
def content(world) -> dict[str, briefing.Briefing]:
    con = db.connect(world, read_only=True)
    try:
        return {name: briefing.briefing(con, month, grid_id=grid) for name, (month, grid) in RUNS.items()}
    finally:
        con.close()


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_the_pdf_is_a4_with_every_finding_and_its_fonts_embedded(written, content):
    from pypdf import PdfReader

    for name, files in written.items():
        b = content[name]
        reader = PdfReader(files["pdf"])
        pages = len(reader.pages)
        assert pages <= 8
        if name == "subdistrict":
            assert pages >= 4, "a month with findings in every section fills 4-8 pages"
            assert {f.section for f in b.findings} >= {"targets", "overdue", "idle", "contest"}
        for page in reader.pages:
            assert page.mediabox.width == pytest.approx(595.28, abs=1)
            assert page.mediabox.height == pytest.approx(841.89, abs=1)
            assert "模拟数据" in page.extract_text(), "the demo label on every page"
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                for descendant in font.get("/DescendantFonts", [font]):
                    descriptor = descendant.get_object()["/FontDescriptor"].get_object()
                    assert "/FontFile2" in descriptor, font["/BaseFont"]
        text = _flat("".join(page.extract_text() for page in reader.pages))
        assert _flat(b.title) in text and _flat(b.place_name) in text
        for caption, value in b.headline:
            assert caption in text and value in text
        for f in b.findings:
            assert _flat(f.sentence) in text, f.sentence
        images = sum(len(page.images) for page in reader.pages)
        assert images == len(b.findings), "a chart for every finding"


def test_a_grid_month_without_findings_says_so_in_every_section(written, content):
    from pypdf import PdfReader

    b = content["grid"]
    text = _flat("".join(page.extract_text() for page in PdfReader(written["grid"]["pdf"]).pages))
    assert b.place_name == "北街河东片区网格"
    for section in briefing.SECTIONS:
        if not b.section(section):
            assert _flat(b.t(f"none.{section}")) in text


def test_the_slides_are_16_9_with_every_finding_its_chart_and_the_demo_tag(written, content):
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE_TYPE

    for name, files in written.items():
        b = content[name]
        deck = Presentation(files["pptx"])
        assert deck.slide_width / deck.slide_height == pytest.approx(16 / 9, rel=1e-3)
        texts, pictures = [], 0
        for slide in deck.slides:
            tags = [s for s in slide.shapes if s.name == "demo"]
            assert tags and tags[0].text_frame.text == "模拟数据", "the demo label on every slide"
            texts += [s.text_frame.text for s in slide.shapes if s.has_text_frame]
            pictures += sum(1 for s in slide.shapes if s.shape_type == MSO_SHAPE_TYPE.PICTURE)
        assert pictures == len(b.findings)
        for f in b.findings:
            assert f.sentence in texts, f.sentence
        for _, value in b.headline:
            assert value in texts


def test_a_month_without_data_writes_no_file_and_says_why(world, tmp_path):
    done = run(world, tmp_path / "empty", "2021-06")
    assert done.returncode == 1
    assert "2021-06没有任何服务活动或网格事务记录" in done.stderr
    assert not (tmp_path / "empty").exists() or not any((tmp_path / "empty").iterdir())
    wrong = run(world, tmp_path / "wrong", "2024-06", "G99", "--lang", "en")
    assert wrong.returncode == 1 and "There is no grid 'G99'" in wrong.stderr


def test_the_english_briefing_is_english(world, tmp_path):
    from pypdf import PdfReader

    done = run(world, tmp_path, "2024-11", None, "--lang", "en")
    assert done.returncode == 0, done.stderr
    pdf = next(tmp_path.glob("*.pdf"))
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.read_bytes())).pages)
    assert "Monthly briefing, 2024-11" in text and "Simulated data" in text
