"""The district view (app_pages/district.py) on a district database: the demo world's 江川路街道 with two
simulated towns beside it (tests/unit/district_world.add_towns). On the default one-town database the
page is not in the navigation."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from analytics import access, db
from tests.app.helpers import assert_clean, run_page
from tests.unit import district_world
from tests.unit.district_world import GUMEI, XINHONG

PAGE = "app_pages/district.py"


@pytest.fixture(scope="module")
def district_db_path(demo_db_path, tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("district") / "district.duckdb"
    shutil.copy(demo_db_path, path)
    con = db.connect(path)
    district_world.add_towns(con)
    con.close()
    return path


@pytest.fixture
def district_db(district_db_path, tmp_path, monkeypatch) -> Path:
    path = tmp_path / "district.duckdb"
    shutil.copy(district_db_path, path)
    monkeypatch.setenv(db.ENV_DB_PATH, str(path))
    return path


def test_a_district_leader_compares_the_towns(district_db):
    at = run_page(PAGE)
    assert_clean(at)
    assert at.title[0].value == "闵行区 · 各街镇对比"
    table = at.dataframe[0].value
    assert table["town"].tolist() == ["江川路街道", "古美街道", "新虹街道"]
    assert table["simulated"].tolist() == [False, True, True]
    assert "2个街镇" in " ".join(c.value for c in at.caption)  # the simulated ones are named as such
    assert [m.label for m in at.metric] == ["全区平均"]
    # a rate has a funnel plot, and the table holds each town's band on it
    assert at.selectbox(key="district_measure").value == "in_grid_rate"
    assert at.subheader[1].value == "漏斗图：小事不出网格率"
    bands = at.dataframe[0].value["band"].tolist()
    assert len(bands) == 3 and all(b.endswith("）") or b == "正常波动范围内" for b in bands)
    # the overall score has no single denominator: no funnel, and the page says why
    at.selectbox(key="district_measure").select("cityscore").run()
    assert_clean(at)
    assert any("没有单一的分母" in c.value for c in at.caption)


def test_in_english(district_db):
    at = run_page(PAGE, session_state={"lang": "en"})
    assert_clean(at)
    assert at.title[0].value == "Minhang District · the towns compared"
    assert at.dataframe[0].value["town"].tolist()[1:] == ["Gumei Subdistrict", "Xinhong Subdistrict"]


def test_choosing_a_town_opens_its_dashboard(district_db):
    at = run_page(PAGE)
    at.selectbox(key="district_drill").select(XINHONG).run()
    assert_clean(at)
    assert at.session_state["filters_town"] == XINHONG
    assert at.title[0].value.endswith("总览")  # the overview, for the town the sidebar now holds
    # 新虹街道 alone: its two communities of 1,500 residents each
    assert next(m for m in at.metric if m.label == "常住人口").value == "3,000"


def test_a_town_leader_is_not_offered_the_page(district_db, accounts_file):
    access.add_user("gumei1", "leader-password-1", "leader", path=accounts_file, town_code=GUMEI)
    at = run_page(PAGE, session_state={"auth_account": access.load_accounts()["gumei1"]})
    assert_clean(at)
    assert "闵行区" not in at.title[0].value and any("区级对比" in w.value for w in at.warning)


@pytest.mark.parametrize("role", ["secretary", "admin"])
def test_other_roles_are_not_offered_the_page(district_db, role):
    state = {"auth_demo_role": role, "auth_demo_community": "C30"} if role == "secretary" else {"auth_demo_role": role}
    at = run_page(PAGE, session_state=state)
    assert_clean(at)
    assert "闵行区" not in at.title[0].value  # the hidden page at its address says who may use it
    assert any("区级对比" in w.value for w in at.warning)


def test_an_analyst_is_offered_the_page(district_db):
    at = run_page(PAGE, session_state={"auth_demo_role": "analyst"})
    assert_clean(at)
    assert at.title[0].value == "闵行区 · 各街镇对比" and len(at.dataframe[0].value) == 3


def test_one_subdistrict_has_no_district_page(app_db):
    at = run_page(PAGE)
    assert_clean(at)
    assert at.title[0].value == "江川路街道 · 总览"  # no such page: the app opens its default one
    assert "district_measure" not in [box.key for box in at.selectbox]


def test_a_town_without_coordinates_is_named_under_the_map(district_db):
    con = db.connect(district_db)
    db.execute(con, "UPDATE towns SET lon = NULL, lat = NULL WHERE town_code = $x", {"x": XINHONG})
    con.close()
    at = run_page(PAGE)
    assert_clean(at)
    assert "新虹街道没有坐标，未画在地图上。" in [c.value for c in at.caption]
    english = run_page(PAGE, session_state={"lang": "en"})
    assert "Xinhong Subdistrict: no coordinates, not on the map." in [c.value for c in english.caption]
