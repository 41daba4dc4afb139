"""The console reads personal fields masked for roles that may not see them, even with SQL written to
get around it, and in the clear for leaders."""

import shutil

import pytest

from analytics import db
from analytics.access import Scope
from analytics.explore import console as explore

QUERIES = {
    "plain": "SELECT reporter_name, reporter_phone, description FROM grid_cases WHERE description LIKE '%电话%' LIMIT 50",
    "cast": "SELECT reporter_phone::BIGINT AS p FROM grid_cases LIMIT 50",
    "substring": "SELECT substr(reporter_phone, 4, 4) AS middle FROM grid_cases LIMIT 50",
}


@pytest.fixture
def held_db(demo_db_path, tmp_path):
    """The in-app situation: the database is open read-write in this process."""
    path = tmp_path / "held.duckdb"
    shutil.copy(demo_db_path, path)
    con = db.connect(path)
    yield path
    con.close()


@pytest.mark.slow
@pytest.mark.parametrize("role", ["analyst", "admin"])
def test_masked_roles_never_read_clear_phone_numbers(held_db, role):
    plain = explore.run_readonly(held_db, QUERIES["plain"], scope=Scope(role)).frame
    assert len(plain) > 0
    assert plain["reporter_phone"].str.fullmatch(r"\d{3}\*{4}\d{4}").all()
    assert plain["reporter_name"].str.fullmatch(r".\*+").all()
    assert not plain["description"].str.contains(r"1[3-9]\d{9}").any()
    middle = explore.run_readonly(held_db, QUERIES["substring"], scope=Scope(role)).frame
    assert set(middle["middle"]) == {"****"}
    with pytest.raises(explore.QueryRefused):
        explore.run_readonly(held_db, QUERIES["cast"], scope=Scope(role))


def test_leaders_read_the_ledger_as_it_is(held_db):
    plain = explore.run_readonly(held_db, QUERIES["plain"], scope=Scope("leader")).frame
    assert plain["reporter_phone"].str.fullmatch(r"1\d{10}").all()


@pytest.mark.slow
def test_masking_does_not_touch_the_real_database(held_db):
    explore.run_readonly(held_db, QUERIES["plain"], scope=Scope("analyst"))
    clear = explore.run_readonly(
        held_db, "SELECT count(*) AS n FROM grid_cases WHERE reporter_phone LIKE '%*%'", scope=Scope("leader")
    ).frame
    assert clear["n"].iloc[0] == 0


FREE_TEXT = "联系人：王小明 电话 138-1234-5678，身份证 310101199001011234"


@pytest.fixture
def free_text_db(demo_db_path, tmp_path):
    """Free text outside the case ledger: a secretary's showcase story and an imported contest theme
    quoting a resident, as people write them."""
    path = tmp_path / "free.duckdb"
    shutil.copy(demo_db_path, path)
    con = db.connect(path)
    con.execute("INSERT OR REPLACE INTO showcase_stories VALUES ('C01', $s, now(), 'sec1')", {"s": FREE_TEXT})
    con.execute(
        "UPDATE contest_entries SET theme = $s WHERE entry_id = (SELECT min(entry_id) FROM contest_entries)",
        {"s": FREE_TEXT},
    )
    yield path
    con.close()


@pytest.mark.parametrize("role", ["analyst", "admin"])
@pytest.mark.parametrize(
    "sql",
    ["SELECT story AS text FROM showcase_stories", "SELECT theme AS text FROM contest_entries WHERE theme IS NOT NULL"],
)
@pytest.mark.slow
def test_free_text_of_every_table_reaches_masked_roles_masked(free_text_db, role, sql):
    texts = explore.run_readonly(free_text_db, sql, scope=Scope(role)).frame["text"]
    joined = "\n".join(texts)
    assert "王小明" not in joined and "1234-5678" not in joined and "19900101" not in joined
    assert any("联系人" in text for text in texts)  # the text is there, masked


def test_leaders_read_free_text_as_written(free_text_db):
    texts = explore.run_readonly(free_text_db, "SELECT story FROM showcase_stories", scope=Scope("leader")).frame
    assert FREE_TEXT in set(texts["story"])


def test_no_room_for_the_masked_copy_is_a_refusal_and_leaves_no_copy(demo_db_path, tmp_path):
    """A disk too full for the role's masked copy: the console says so in Chinese (not Streamlit's error
    page) and no partial copy of the residents' data stays beside the database."""
    import subprocess
    import sys
    import textwrap

    from tests.conftest import ROOT

    path = tmp_path / "full.duckdb"
    shutil.copy(demo_db_path, path)
    script = textwrap.dedent(f"""
        import resource, signal
        from analytics.explore import console as explore
        from analytics.access import Scope
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))
        try:
            explore.run_readonly({str(path)!r}, "SELECT 1 AS one", scope=Scope("analyst"))
        except explore.QueryRefused as refused:
            print(refused.reason, refused)
        """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert "Traceback" not in out.stderr, out.stderr
    assert "磁盘" in out.stdout, out.stdout
    assert sorted(p.name for p in tmp_path.iterdir()) == ["full.duckdb"]
