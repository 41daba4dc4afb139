"""The sidebar's 街镇 picker: shown in a district database to a user bound to no town, absent in the
default one-town database; picking a town narrows the numbers and the grid list to it."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from analytics import db
from analytics.demo import generate as demo
from tests.app.helpers import assert_clean, run_page
from tests.conftest import TEST_SCALE

GUMEI = "310112006"


@pytest.fixture
def district_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "district.duckdb"
    con = duckdb.connect(str(path))
    db.create_schema(con)
    demo.build(con, scale=TEST_SCALE, district=True, towns=(GUMEI,))
    con.close()
    monkeypatch.setenv(db.ENV_DB_PATH, str(path))
    return path


def _town_picker(at: AppTest) -> list:
    return [s for s in at.sidebar.selectbox if s.label == "街镇"]


def _cases(at: AppTest) -> int:
    return int(next(m for m in at.metric if m.label == "网格事务").value.replace(",", ""))


def test_one_town_shows_no_town_picker(app_db: Path) -> None:
    at = run_page("app_pages/overview.py")
    assert_clean(at)
    assert not _town_picker(at)


def test_a_district_leader_picks_a_town(district_db: Path) -> None:
    at = run_page("app_pages/overview.py")
    assert_clean(at)
    (picker,) = _town_picker(at)
    assert picker.value is None and picker.options == ["全区（全部街镇）", "江川路街道", "古美街道"]
    # the browser draws a None value as the placeholder: it must say the same, in Chinese
    assert picker.placeholder == "全区（全部街镇）"
    grids = next(m for m in at.sidebar.multiselect if m.label == "片区网格")
    assert "江川路街道" not in grids.options and len(grids.options) > 7
    assert at.title[0].value == "闵行区 · 全部街镇 · 总览"
    district = _cases(at)
    at = run_page("app_pages/overview.py", session_state={"filters_town": GUMEI, "filters_grids": ["G7"]})
    assert_clean(at)
    grids = next(m for m in at.sidebar.multiselect if m.label == "片区网格")
    assert all(name.startswith("古美街道·模拟网格") for name in grids.options) and grids.value == []
    assert 0 < _cases(at) < district
    assert at.title[0].value == "古美街道 · 总览"
