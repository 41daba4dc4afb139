"""A secretary's pages name her community on every number that is only hers, and the subdistrict's
figures set beside hers are exactly a leader's (issue #19, the first "Done when")."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from analytics import places
from tests.app.helpers import assert_clean, run_page

PAGES = ("app_pages/overview.py", "app_pages/grid_map.py", "app_pages/cases.py", "app_pages/seeds.py")
# C30 (鹤北一居, the demo secretary, 鹤庆片区网格) and a community of another grid
SECRETARIES = {"C30": "鹤北一居", "C05": "高华二居"}
NUMBER = r"[\d.,]+(万|%)?"


def as_secretary(page: str, community: str) -> AppTest:
    at = run_page(page, session_state={"auth_demo_role": "secretary", "auth_demo_community": community})
    assert_clean(at)
    return at


def wider_names(con) -> set[str]:
    """Every label that names more than one community: the subdistrict's and each grid's."""
    grid_names = places.grid_list(con)["name"]
    return {
        "江川路街道",
        "全街道",
        "七个网格",
        "七个片区",
        *grid_names,
        *(n.removesuffix("片区网格") for n in grid_names),
    }


def comparison_line(text: str) -> bool:
    """The line under her number that sets the subdistrict's and her grid's figures beside it."""
    return re.fullmatch(rf"全街道 {NUMBER}( · \S+网格 {NUMBER})?( · .*第 \d+)?", text) is not None


def labels(at: AppTest) -> list[str]:
    """The texts that say whose numbers follow: titles, headings, captions, metric labels, bold
    headings, and the text cells of every table (row names: grid, community, place)."""
    found = [e.value for kind in ("title", "header", "subheader", "caption") for e in getattr(at, kind)]
    found += [m.label for m in at.metric]
    found += [e.value for e in at.markdown if re.fullmatch(r"(\*\*[^*]+\*\*|#+ .+)", e.value.strip())]
    for frame in at.dataframe:
        table = frame.value
        if not isinstance(table, pd.DataFrame) or "来源" in table.columns:
            continue  # the targets table: a target set for the whole subdistrict is the subdistrict's
        if "居民区" in table.columns:
            continue  # rows named by their community: a grid beside it says where she is, not whose
        for column in table.columns:
            if table[column].dtype == object or str(table[column].dtype).startswith("str"):
                found += [str(v) for v in table[column].dropna()]
    return found


@pytest.mark.parametrize("community", list(SECRETARIES))
@pytest.mark.parametrize("page", PAGES)
def test_no_wider_label_on_her_numbers(app_db, demo_con, page, community):
    at = as_secretary(page, community)
    wider = wider_names(demo_con)
    said = labels(at)
    assert any(SECRETARIES[community] in text for text in said), said  # her community is named
    for text in said:
        if comparison_line(text) or text in ("谁达标了：实际 ÷ 目标",):
            continue
        # a caption that explains (a definition, a target rule) may name the subdistrict; a label may not
        if len(text) > 60:
            continue
        assert not [name for name in wider if name in text], (page, text)


def comparisons(at: AppTest) -> dict[str, str]:
    """metric label → the subdistrict's figure under it."""
    found = {}
    for column in at.columns:
        metric = [m.label for m in column.metric]
        lines = [c.value for c in column.caption if comparison_line(c.value)]
        if len(metric) == 1 and len(lines) == 1:
            found[metric[0]] = lines[0].split(" · ")[0].removeprefix("全街道 ")
    return found


@pytest.mark.parametrize("community", list(SECRETARIES))
def test_the_subdistrict_figures_are_a_leaders(app_db, community):
    leader = {m.label: m.value for m in run_page("app_pages/overview.py").metric}
    beside = comparisons(as_secretary("app_pages/overview.py", community))
    assert len(beside) == 8
    for label, value in beside.items():
        assert value == leader[label], label


@pytest.mark.parametrize("community", list(SECRETARIES))
def test_the_cityscore_beside_hers_is_a_leaders(app_db, community):
    leader = run_page("app_pages/cases.py")
    whole = next(m.value for m in leader.metric if m.label == "全街道")
    secretary = as_secretary("app_pages/cases.py", community)
    tile = [m for m in secretary.metric if SECRETARIES[community] in m.label]
    assert len(tile) == 1  # her score once, under her name; no grid tiles repeating it
    line = next(
        c.value for c in secretary.caption if comparison_line(c.value) and "第" not in c.value and "," not in c.value
    )
    assert line.startswith(f"全街道 {whole}")
    scores = [f.value for f in secretary.dataframe if "得分（实际÷目标）" in f.value.columns]
    assert scores and len(scores[0]) > 0  # her own scores month by month stay in the table and download


def test_a_leader_sees_the_subdistrict_as_before(app_db):
    at = run_page("app_pages/overview.py")
    assert at.title[0].value == "江川路街道 · 总览"
    assert not [c.value for c in at.caption if comparison_line(c.value)]


def test_in_english_too(app_db):
    at = run_page(
        "app_pages/overview.py",
        session_state={"auth_demo_role": "secretary", "auth_demo_community": "C30", "lang": "en"},
    )
    assert_clean(at)
    assert at.title[0].value == "Our community · 鹤北一居 · Overview"
    lines = [c.value for c in at.caption if c.value.startswith("Whole subdistrict ")]
    assert len(lines) == 8 and any("of 35 communities" in line for line in lines)
