"""The 随手录入 page: a signed-in secretary adds a matter and closes it; a refused entry says why beside
its field and writes nothing; a grid worker is offered her grid's communities; a leader has no form;
the demo world takes no entries."""

from __future__ import annotations

import pytest

from analytics import access, db, ingest
from analytics.ingest import entry
from tests.app.helpers import assert_clean, run_page

PAGE = "app_pages/entry.py"


@pytest.fixture
def real_world(app_db):
    """The app's database as an administrator leaves it before real data comes in: demo facts cleared."""
    con = db.connect(app_db)
    try:
        ingest.clear_demo(con)
        grid = db.scalar(con, "SELECT grid_id FROM communities WHERE community_id = 'C30'")
        mine = set(
            db.query(con, "SELECT community_id FROM communities WHERE grid_id = $g", {"g": grid})["community_id"]
        )
    finally:
        con.close()
    return app_db, grid, mine


def scalar(path, sql, params=None):
    con = db.connect(path)
    try:
        return db.scalar(con, sql, params)
    finally:
        con.close()


def signed_in(name: str) -> dict:
    return {"auth_account": access.load_accounts()[name]}


def test_a_secretary_adds_a_matter_and_closes_it(real_world, accounts_file):
    path, _, _ = real_world
    at = run_page(PAGE, session_state=signed_in("sec30"))
    assert_clean(at)
    assert at.selectbox(key="entry_case_community").value == "C30"  # her community, already chosen
    assert at.text_input(key="entry_case_reported").value == "今天"
    at.selectbox(key="entry_case_category").set_value("dispute")
    at.toggle(key="entry_case_urgent").set_value(True)
    at.button(key="entry_case_submit").click().run()
    assert_clean(at)
    assert any("已录入事务" in s.value for s in at.success)
    case = scalar(path, "SELECT case_id FROM grid_cases WHERE community_id = 'C30' AND urgent")
    assert case and scalar(path, "SELECT count(*) FROM grid_cases") == 1
    assert at.selectbox(key="entry_case_category").value is None  # the form starts again empty

    assert at.selectbox(key="entry_close_case").value == case
    at.selectbox(key="entry_close_level").set_value("grid")
    at.button_group(key="entry_close_satisfaction").set_value("5")
    at.button(key="entry_close_submit").click().run()
    assert_clean(at)
    assert any("已办结" in s.value for s in at.success)
    closed = db.connect(path)
    try:
        row = db.query(closed, "SELECT resolved_level, satisfaction, closed_at FROM grid_cases").iloc[0]
    finally:
        closed.close()
    assert (row["resolved_level"], row["satisfaction"]) == ("grid", 5) and row["closed_at"] is not None
    assert any("没有未办结" in i.value for i in at.info)


def test_a_refused_entry_names_its_field_and_writes_nothing(real_world, accounts_file):
    path, _, _ = real_world
    at = run_page(PAGE, session_state=signed_in("sec30"))
    at.selectbox(key="entry_case_category").set_value("opinion")
    at.text_input(key="entry_case_reported").set_value("2月30日")
    at.button(key="entry_case_submit").click().run()
    assert not at.exception
    assert [e.value for e in at.error] and all(e.value.startswith("上报时间：") for e in at.error)
    assert "不是存在的日期" in at.error[0].value
    assert at.text_input(key="entry_case_reported").value == "2月30日"  # kept to be corrected
    assert scalar(path, "SELECT count(*) FROM grid_cases") == 0


def test_a_grid_worker_is_offered_her_grids_communities(real_world, accounts_file):
    path, grid, mine = real_world
    access.add_user("grid1", "grid-password-1", "grid_worker", path=accounts_file, grid_id=grid)
    at = run_page(PAGE, session_state=signed_in("grid1"))
    assert_clean(at)
    picker = at.selectbox(key="entry_activity_community")
    assert picker.value in mine and len(picker.options) == len(mine)
    assert len(mine) < scalar(path, "SELECT count(*) FROM communities")


def test_an_administrator_undoes_a_close_on_the_import_page(real_world, accounts_file):
    """The entry's batches are listed with the imports; undoing the close reopens the matter."""
    path, _, _ = real_world
    con = db.connect(path)
    try:
        added = entry.add_case(con, community="鹤北一居", category="矛盾化解", reported="昨天", username="sec30")
        closed = entry.close_case(con, added.record_id, level="网格", satisfaction=5, username="sec30")
    finally:
        con.close()
    at = run_page("app_pages/data_import.py", session_state=signed_in("admin1"))
    assert_clean(at)
    history = at.dataframe[-1].value
    assert (
        "网格事务办结（随手录入）" in history["数据种类"].tolist() and "随手录入（sec30）" in history["文件名"].tolist()
    )
    at.selectbox(key="import_undo_batch").set_value(closed.batch_id)
    at.checkbox(key="import_undo_confirm").check().run()
    at.button(key="import_undo").click().run()
    assert_clean(at)
    assert scalar(path, "SELECT count(*) FROM grid_cases WHERE closed_at IS NULL") == 1
    assert scalar(path, "SELECT status FROM import_batches WHERE batch_id = $b", {"b": closed.batch_id}) == "undone"


def test_a_leader_has_no_form(real_world, accounts_file):
    at = run_page(PAGE, session_state=signed_in("leader1"))
    assert not at.exception
    assert "entry_case_submit" not in {b.key for b in at.button}


def test_the_demo_world_takes_no_entries(app_db):
    at = run_page(PAGE, session_state={"auth_demo_role": "secretary", "auth_demo_community": "C30"})
    assert_clean(at)
    assert any("演示数据" in i.value for i in at.info)
    assert not [b for b in at.button if b.key == "entry_case_submit"]


@pytest.mark.parametrize(
    "page",
    [
        "app_pages/overview.py",
        "app_pages/grid_map.py",
        "app_pages/seeds.py",
        "app_pages/cases.py",
        "app_pages/contest.py",
    ],
)
def test_a_grid_worker_reads_her_grids_pages(app_db, page):
    """In the demo world a grid worker tries the pages she has: each runs clean and names her grid where
    its numbers are hers."""
    at = run_page(page, session_state={"auth_demo_role": "grid_worker", "auth_demo_grid": "G7"})
    assert_clean(at)
    if page != "app_pages/contest.py":  # the contest's results are public, the same for everyone
        assert any("本网格" in c.value for c in at.caption) or any("本网格" in t.value for t in at.title)
