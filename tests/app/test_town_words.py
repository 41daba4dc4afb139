"""What "全…" says is the whole the numbers are set beside, and that whole is the reader's own town: in a
district database beside 江川路街道 a 莘庄镇 secretary reads 全镇 and is ranked among 莘庄镇's communities
(her showcase too, not among every community of the district), a district leader reads 全区, and 江川
still reads 全街道 — as everyone does in the default one-town database (tests/app/test_secretary_scope.py,
tests/app/test_cases.py)."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from streamlit.testing.v1 import AppTest

from analytics import db
from analytics.core.hierarchy import JIANGCHUAN, MINHANG_TOWNS, unit_key
from analytics.demo import generate as demo
from tests.app.helpers import assert_clean, run_page
from tests.conftest import TEST_SCALE

XINZHUANG = "310112101"  # 莘庄镇


# the two-town database, and each town's communities (read before the app opens the file)
World = tuple[Path, dict[str, list[str]]]


@pytest.fixture(scope="module")
def two_towns_world(tmp_path_factory: pytest.TempPathFactory) -> World:
    path = tmp_path_factory.mktemp("towns") / "two_towns.duckdb"
    con = duckdb.connect(str(path))
    try:
        db.create_schema(con)
        demo.build(con, scale=TEST_SCALE, district=True, towns=(XINZHUANG,))
        rows = con.execute(
            "SELECT g.town_code, c.community_id FROM communities c JOIN grids g USING (grid_id) ORDER BY 2"
        ).fetchall()
    finally:
        con.close()
    towns: dict[str, list[str]] = {}
    for town, community in rows:
        towns.setdefault(town, []).append(community)
    return path, towns


@pytest.fixture
def two_towns(two_towns_world: World, monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """Each town's communities, with the app reading the two-town database."""
    path, towns = two_towns_world
    monkeypatch.setenv(db.ENV_DB_PATH, str(path))
    return towns


def _secretary(page: str, community: str, **state: object) -> AppTest:
    at = run_page(page, session_state={"auth_demo_role": "secretary", "auth_demo_community": community, **state})
    assert_clean(at)
    return at


def _lines_under_metrics(at: AppTest) -> list[str]:
    return [c.value for c in at.caption if re.match(r"^(全\S+|Whole \w+( \w+)?) ", c.value)]


def test_every_minhang_town_has_a_word_for_its_whole() -> None:
    units = {town.name: unit_key(town.name) for town in MINHANG_TOWNS}
    assert units["江川路街道"] == units["古美街道"] == "unit.subdistrict"
    assert units["莘庄镇"] == units["浦江镇"] == "unit.town"
    assert units["莘庄工业区"] == "unit.zone"
    assert set(units.values()) == {"unit.subdistrict", "unit.town", "unit.zone"}
    assert unit_key("某某乡") == "unit.township" and unit_key(None) == unit_key("某园区") == "unit.any"


def test_a_town_secretary_is_set_beside_her_town_and_reads_its_name(two_towns: dict[str, list[str]]) -> None:
    mine = two_towns[XINZHUANG]
    at = _secretary("app_pages/overview.py", mine[0])
    lines = _lines_under_metrics(at)
    assert lines and all(line.startswith("全镇 ") for line in lines), lines
    ranked = [int(n) for line in lines for n in re.findall(r"(\d+)个居民区中第", line)]
    assert ranked and set(ranked) == {len(mine)}, (ranked, len(mine))  # her town's communities, not the district's
    assert not any("全街道" in c.value for c in at.caption)

    at = _secretary("app_pages/overview.py", mine[0], lang="en")
    assert any(c.value.startswith("Whole town ") for c in at.caption)


def test_her_showcase_ranks_her_among_her_towns_communities(two_towns: dict[str, list[str]]) -> None:
    mine = two_towns[XINZHUANG]
    at = _secretary("app_pages/showcase.py", mine[0])
    expander = [e.label for e in at.expander]
    assert "在全镇居民区中的位次（只显示本社区）" in expander, expander
    said = " ".join([m.value for m in at.markdown] + [c.value for c in at.caption])
    assert "全街道" not in said
    places = [int(n) for n in re.findall(r"在全镇(\d+)个居民区中排第", said)]
    assert set(places) <= {len(mine)}, places
    assert "镇数为全镇所有居民区的合计" in said


def test_jiangchuan_in_the_district_still_reads_its_subdistrict(two_towns: dict[str, list[str]]) -> None:
    ours = two_towns[JIANGCHUAN]
    at = _secretary("app_pages/overview.py", ours[0])
    lines = _lines_under_metrics(at)
    assert lines and all(line.startswith("全街道 ") for line in lines), lines


def test_a_district_leader_reads_the_district_and_then_the_town_picked(two_towns: dict[str, list[str]]) -> None:
    def whole_tile(at: AppTest) -> str:
        return next(m.label for m in at.metric if m.label.startswith("全"))

    at = run_page("app_pages/cases.py")
    assert_clean(at)
    assert whole_tile(at) == "全区"
    at = run_page("app_pages/cases.py", session_state={"filters_town": XINZHUANG})
    assert_clean(at)
    assert whole_tile(at) == "全镇"
    at = run_page("app_pages/cases.py", session_state={"filters_town": JIANGCHUAN})
    assert_clean(at)
    assert whole_tile(at) == "全街道"


def test_the_briefing_names_the_whole_it_covers(two_towns: dict[str, list[str]]) -> None:
    at = run_page("app_pages/briefing.py")  # a leader of the district
    assert_clean(at)
    assert at.subheader[0].value.startswith("全区 · "), at.subheader[0].value
    said = " ".join(e.value for e in [*at.markdown, *at.subheader, *at.caption] if isinstance(e.value, str))
    assert "{unit}" not in said and "全街道" not in said
