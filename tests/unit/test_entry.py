"""随手录入 (analytics.ingest.entry): a form's fields read by the importer's checks, the writer's scope, the
close of an open matter, and the one transaction (row, batch, rollups, audit event) that an
administrator's undo takes back. On a real DuckDB copy of the demo world with its simulated facts
cleared, as an administrator leaves it before real data comes in."""

from __future__ import annotations

import datetime as dt
import io
import sqlite3

import pandas as pd
import pytest

from analytics import ingest, overview
from analytics.access import accounts, cli
from analytics.core import connection as db
from analytics.core.errors import AccessDenied, DataError
from analytics.core.scope import Scope
from analytics.filters import Filters
from analytics.ingest import entry
from analytics.warehouse import rollups, source

NOW = dt.datetime(2024, 6, 10, 15, 0)
SECRETARY = Scope("secretary", "C30")  # 鹤北新村第一居民区 (鹤北一居)


@pytest.fixture
def real_con(fresh_con):
    ingest.clear_demo(fresh_con)
    return fresh_con


def grid_of(con, community_id: str) -> str:
    return str(db.scalar(con, "SELECT grid_id FROM communities WHERE community_id = $c", {"c": community_id}))


def other_grid_community(con, grid_id: str) -> str:
    return str(
        db.scalar(con, "SELECT min(community_id) FROM communities WHERE grid_id <> $g", {"g": grid_id}),
    )


def add(con, scope=SECRETARY, **changes):
    fields = {"community": "鹤北一居", "category": "矛盾化解", "reported": "今天 9:30"}
    fields.update(changes)
    return entry.add_case(con, scope=scope, username="wang", now=NOW, **fields)


def refused(call, *args, **kwargs) -> dict[str, str]:
    with pytest.raises(entry.EntryRefused) as caught:
        call(*args, **kwargs)
    return {field: str(message) for field, message in caught.value.problems}


def headline(con, scope=None) -> dict[str, float]:
    frame = overview.headline(con, Filters(), scope=scope)
    return dict(zip(frame["metric"], frame["current"]))


# --- spoken dates -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "with_time", "expected"),
    [
        ("今天", True, "2024-06-10 15:00"),
        ("今天", False, "2024-06-10"),
        ("今天 9:30", True, "2024-06-10 9:30"),
        ("昨天", False, "2024-06-09"),
        ("前天 8:00", True, "2024-06-08 8:00"),
        ("6月3日", False, "2024年6月3日"),
        ("６月３日 ９:３０", True, "2024年6月3日 9:30"),  # full-width, as a phone keyboard writes it
        ("12月30日", False, "2023年12月30日"),  # a day not yet come this year is last year's
        ("2024年6月3日", False, "2024年6月3日"),
        ("Yesterday 8:00", True, "2024-06-09 8:00"),  # what the English form offers
    ],
)
def test_spoken_dates_become_the_importers_full_dates(text, with_time, expected):
    assert entry.spoken(text, NOW, with_time=with_time) == expected


# --- the importer's checks ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("written", "says"),
    [("6月31日", "不是存在的日期"), ("明天", "不是能识别的日期"), ("2024-13-01", "不是"), ("", "必填")],
)
def test_bad_dates_are_refused_in_the_importers_words(real_con, written, says):
    problems = refused(add, real_con, reported=written)
    assert set(problems) == {"reported_at"} and says in problems["reported_at"]
    assert db.scalar(real_con, "SELECT count(*) FROM grid_cases") == 0


def test_a_time_after_now_is_refused(real_con):
    problems = refused(add, real_con, reported="今天 18:00")
    assert "晚于现在" in problems["reported_at"]


def test_unknown_names_are_refused_with_the_closest_ones(real_con):
    problems = refused(add, real_con, community="鹤北一", category="打架")
    assert "不在居民区名单中" in problems["community_id"]
    assert "可填" in problems["category"] and "矛盾化解" in problems["category"]


def test_short_names_and_codes_are_read_as_the_importer_reads_them(real_con):
    done = add(real_con, community="C30", category="dispute")
    stored = db.query(real_con, "SELECT * FROM grid_cases WHERE case_id = $c", {"c": done.record_id}).iloc[0]
    assert (stored["community_id"], stored["category"], stored["urgent"]) == ("C30", "dispute", False)
    assert stored["reported_at"] == pd.Timestamp("2024-06-10 09:30") and pd.isna(stored["closed_at"])
    assert stored["batch_id"] == done.batch_id


def test_a_secretary_enters_for_her_own_community_only(real_con):
    problems = refused(add, real_con, community="C01")
    assert "只能录入本居民区" in problems["community_id"]
    assert db.scalar(real_con, "SELECT count(*) FROM import_batches WHERE status = 'imported'") == 0


def test_a_grid_worker_enters_for_the_communities_of_her_grid_only(real_con):
    grid = grid_of(real_con, "C30")
    worker = Scope("grid_worker", grid_id=grid)
    assert add(real_con, scope=worker).community_id == "C30"
    problems = refused(add, real_con, scope=worker, community=other_grid_community(real_con, grid))
    assert "只能录入本片区网格" in problems["community_id"]


def test_roles_that_only_read_may_not_enter(real_con):
    for role in ("leader", "analyst"):
        with pytest.raises(AccessDenied):
            add(real_con, scope=Scope(role))


def test_the_demo_world_takes_no_entries(fresh_con):
    with pytest.raises(DataError, match="演示数据"):
        add(fresh_con)


def test_the_same_entry_twice_is_stored_once(real_con):
    add(real_con)
    with pytest.raises(DataError, match="已经录入过"):
        add(real_con)
    assert db.scalar(real_con, "SELECT count(*) FROM grid_cases") == 1


def test_a_seed_activity_reads_numbers_with_their_units(real_con):
    done = entry.add_activity(
        real_con,
        community="鹤北一居",
        item="种树认养",
        held_on="昨天",
        participants="30人",
        volunteers=5,
        volunteer_hours="2.5小时",
        scope=SECRETARY,
        username="wang",
        now=NOW,
    )
    stored = db.query(real_con, "SELECT * FROM seed_activities WHERE activity_id = $a", {"a": done.record_id}).iloc[0]
    assert (stored["participants"], stored["volunteers"], stored["volunteer_hours"]) == (30, 5, 2.5)
    assert stored["held_on"] == pd.Timestamp("2024-06-09")
    problems = refused(
        entry.add_activity,
        real_con,
        community="鹤北一居",
        item="种树认养",
        participants=-1,
        volunteers="五",
        volunteer_hours=1,
        scope=SECRETARY,
        username="wang",
        now=NOW,
    )
    assert set(problems) == {"participants", "volunteers"}


# --- closing -------------------------------------------------------------------------------------
def test_closing_checks_level_time_and_satisfaction(real_con):
    case = add(real_con).record_id
    assert "1 到 5" in refused(entry.close_case, real_con, case, level="网格", satisfaction=6, now=NOW)["satisfaction"]
    assert "1 到 5" in refused(entry.close_case, real_con, case, level="网格", satisfaction=0, now=NOW)["satisfaction"]
    assert (
        "早于上报时间" in refused(entry.close_case, real_con, case, level="网格", closed="6月9日", now=NOW)["closed_at"]
    )
    assert "可填" in refused(entry.close_case, real_con, case, level="天上", now=NOW)["resolved_level"]
    assert pd.isna(db.scalar(real_con, "SELECT closed_at FROM grid_cases WHERE case_id = $c", {"c": case}))


def test_a_closed_matter_cannot_be_closed_again(real_con):
    case = add(real_con).record_id
    entry.close_case(real_con, case, level="网格", closed="今天", satisfaction=5, scope=SECRETARY, now=NOW)
    problems = refused(entry.close_case, real_con, case, level="居民区", scope=SECRETARY, now=NOW)
    assert "已于 2024-06-10 15:00 办结" in problems["case_id"]


def test_another_communitys_matter_reads_as_no_matter(real_con):
    case = add(real_con).record_id
    other = Scope("secretary", "C01")
    assert "没有编号为" in refused(entry.close_case, real_con, case, level="网格", scope=other, now=NOW)["case_id"]
    assert case not in set(entry.open_cases(real_con, scope=other)["case_id"])
    assert case in set(entry.open_cases(real_con, scope=SECRETARY)["case_id"])


# --- the transaction -----------------------------------------------------------------------------
def test_an_entry_writes_its_batch_its_audit_event_and_current_rollups(real_con):
    before = headline(real_con, SECRETARY)
    done = add(real_con)
    assert rollups.ready(real_con)
    after = headline(real_con, SECRETARY)
    assert after["cases"] == before["cases"] + 1
    assert _same(after, headline(source.raw(real_con), SECRETARY))  # the rollups say what the facts say
    batch = db.query(real_con, "SELECT * FROM import_batches WHERE batch_id = $b", {"b": done.batch_id}).iloc[0]
    assert (batch["table_name"], batch["rows"], batch["status"]) == ("grid_cases", 1, "imported")
    assert "wang" in batch["file_name"]
    events = [e for e in accounts.store().recent() if e.action == "entry"]
    assert len(events) == 1 and events[0].username == "wang" and done.batch_id in (events[0].detail or "")


def test_undo_of_an_added_matter_restores_every_number(real_con):
    before = headline(real_con, SECRETARY)
    done = add(real_con)
    assert ingest.undo_batch(real_con, done.batch_id, scope=Scope("admin")) == 1
    assert _same(headline(real_con, SECRETARY), before) and rollups.ready(real_con)


def test_a_close_moves_the_rates_and_its_undo_reopens_the_matter(real_con):
    case = add(real_con).record_id
    open_before = headline(real_con, SECRETARY)
    closed = entry.close_case(real_con, case, level="网格", closed="今天", satisfaction=4, scope=SECRETARY, now=NOW)
    after = headline(real_con, SECRETARY)
    assert rollups.ready(real_con) and _same(after, headline(source.raw(real_con), SECRETARY))
    assert (after["cases"], after["in_grid_rate"], after["satisfaction"]) == (1, 1.0, 4.0)
    labels = ingest.history(real_con).set_index("batch_id")["table_label"]
    assert labels[closed.batch_id] == "网格事务办结（随手录入）"
    with pytest.raises(AccessDenied):
        ingest.undo_batch(real_con, closed.batch_id, scope=SECRETARY)
    assert ingest.undo_batch(real_con, closed.batch_id, scope=Scope("admin")) == 1
    reopened = db.query(real_con, "SELECT * FROM grid_cases WHERE case_id = $c", {"c": case}).iloc[0]
    assert pd.isna(reopened["closed_at"]) and reopened["resolved_level"] is None and pd.isna(reopened["satisfaction"])
    assert _same(headline(real_con, SECRETARY), open_before) and rollups.ready(real_con)
    with pytest.raises(DataError, match="已经撤销"):
        ingest.undo_batch(real_con, closed.batch_id)


def _same(a: dict[str, float], b: dict[str, float]) -> bool:
    return all((pd.isna(a[k]) and pd.isna(b[k])) or a[k] == b[k] for k in a)


# --- the grid worker's scope --------------------------------------------------------------------
def test_a_grid_workers_scope_reads_the_communities_of_her_grid(real_con, demo_con):
    grid = grid_of(demo_con, "C30")
    worker = Scope("grid_worker", grid_id=grid)
    mine = set(entry.places(demo_con, scope=worker)["community_id"])
    expected = set(
        db.query(demo_con, "SELECT community_id FROM communities WHERE grid_id = $g", {"g": grid})["community_id"]
    )
    assert mine == expected and "C30" in mine
    cases = overview.headline(demo_con, Filters(), scope=worker)
    whole = overview.headline(demo_con, Filters(grid_ids=(grid,)))
    assert cases.set_index("metric")["current"]["cases"] == whole.set_index("metric")["current"]["cases"]
    with pytest.raises(ValueError, match="--grid"):
        Scope("grid_worker")


def test_the_accounts_command_makes_a_grid_worker_of_one_grid(monkeypatch, capsys):
    monkeypatch.setattr("sys.stdin", io.StringIO("grid-password-1\n"))
    assert cli.main(["add-user", "li", "--role", "grid_worker", "--grid", "G3", "--password-stdin"]) == 0
    assert accounts.load_accounts()["li"].scope == Scope("grid_worker", grid_id="G3")
    assert cli.main(["add-user", "zhao", "--role", "grid_worker", "--password-stdin"]) == 1
    assert "--grid" in capsys.readouterr().err


def test_a_store_made_before_grid_workers_takes_them(tmp_path):
    """An older store's accounts table refuses the role in its CHECK: it is copied into the new shape."""
    path = tmp_path / "old.sqlite"
    old = sqlite3.connect(path)
    old.executescript(
        """CREATE TABLE accounts (username TEXT PRIMARY KEY,
               role TEXT NOT NULL CHECK (role IN ('leader', 'secretary', 'analyst', 'admin')),
               community_id TEXT, display_name TEXT, password_hash TEXT, changed_at TEXT NOT NULL);
           INSERT INTO accounts VALUES ('sec30', 'secretary', 'C30', NULL, NULL, '2024-01-01');"""
    )
    old.close()
    accounts.add_user("li", None, "grid_worker", path=path, grid_id="G3")
    found = accounts.load_accounts(path)
    assert found["sec30"].scope == Scope("secretary", "C30") and found["li"].grid_id == "G3"


def test_an_audit_trail_that_cannot_be_written_leaves_no_entry(real_con, monkeypatch):
    """The audit event is written before COMMIT: a store held by another writer refuses it, and the
    matter, its batch and the rollups roll back with it."""
    store = accounts.store()
    store.recent()  # the store exists before another process holds it
    monkeypatch.setenv("JIANGCHUAN_STORE_TIMEOUT", "0.3")
    holder = sqlite3.connect(store.path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(DataError, match="稍后重试"):
            add(real_con)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert db.scalar(real_con, "SELECT count(*) FROM grid_cases") == 0
    assert db.scalar(real_con, "SELECT count(*) FROM import_batches WHERE status = 'imported'") == 0
    assert db.scalar(real_con, "SELECT count(*) FROM entry_batches") == 0
    assert rollups.ready(real_con)
    assert add(real_con).record_id  # once the store is free, the same entry goes in
