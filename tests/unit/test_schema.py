"""The schema rejects what the domain rules out."""

import datetime as dt

import pytest

from analytics import db
from analytics.core.errors import DataError


def seed_minimal(con):
    db.execute(con, "INSERT INTO grids (grid_id, name, name_en) VALUES ('G1', '一号网格', 'Grid 1')")
    db.execute(
        con, "INSERT INTO communities VALUES ('C01', '甲居民区', '甲', 'G1', 100, 250, 10, 1990, NULL, 121.4, 31.0)"
    )
    db.execute(con, "INSERT INTO service_items VALUES ('S01', 'red', '免费理发', 'Haircut')")


GOOD_CASE = (
    "K1",
    "C01",
    "dispute",
    dt.datetime(2024, 1, 1, 9),
    dt.datetime(2024, 1, 2, 9),
    "grid",
    False,
    5,
    None,
    None,
    None,
    None,
    None,
    "b1",
)


@pytest.mark.parametrize(
    "sql, params",
    [
        ("INSERT INTO service_items VALUES ('S02', 'purple', '紫色', 'Purple')", None),
        ("INSERT INTO communities VALUES ('C02', '乙居民区', NULL, 'G9', 1, 1, 1, 1990, NULL, NULL, NULL)", None),
        ("INSERT INTO communities VALUES ('C02', '乙居民区', NULL, 'G1', -1, 1, 1, 1990, NULL, NULL, NULL)", None),
        ("INSERT INTO communities VALUES ('C02', '乙居民区', NULL, 'G1', 1, 1, 1, 1990, 'county', NULL, NULL)", None),
        ("INSERT INTO communities VALUES ('C01', '重复', NULL, 'G1', 1, 1, 1, 1990, NULL, NULL, NULL)", None),
        ("INSERT INTO seed_activities VALUES ('A1', '2024-01-01', 'C01', 'S01', NULL, -5, 1, 1.0, 'b1')", None),
        ("INSERT INTO seed_activities VALUES ('A1', NULL, 'C01', 'S01', NULL, 5, 1, 1.0, 'b1')", None),
        ("INSERT INTO partners VALUES ('P1', '某单位', 'church', NULL, NULL, NULL)", None),
    ],
)
def test_constraints_reject_bad_rows(empty_con, sql, params):
    seed_minimal(empty_con)
    with pytest.raises(DataError):
        db.execute(empty_con, sql, params)


@pytest.mark.parametrize(
    "change, why",
    [
        ({2: "gossip"}, "unknown category"),
        ({5: "province"}, "unknown level"),
        ({7: 6}, "satisfaction above 5"),
        ({7: 0}, "satisfaction below 1"),
        ({4: None}, "closed level without a closing time"),
        ({4: dt.datetime(2023, 12, 31)}, "closed before reported"),
        ({5: None}, "closing time without a level"),
    ],
)
def test_grid_case_rules(empty_con, change, why):
    seed_minimal(empty_con)
    row = list(GOOD_CASE)
    for index, value in change.items():
        row[index] = value
    with pytest.raises(DataError):
        db.execute(empty_con, "INSERT INTO grid_cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", row)


def test_good_rows_are_accepted(empty_con):
    seed_minimal(empty_con)
    db.execute(empty_con, "INSERT INTO grid_cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", list(GOOD_CASE))
    open_case = list(GOOD_CASE)
    open_case[0], open_case[4], open_case[5], open_case[7] = "K2", None, None, None
    db.execute(empty_con, "INSERT INTO grid_cases VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", open_case)
    assert db.scalar(empty_con, "SELECT count(*) FROM grid_cases") == 2


def test_create_schema_is_idempotent(empty_con):
    seed_minimal(empty_con)
    db.create_schema(empty_con)
    assert db.scalar(empty_con, "SELECT count(*) FROM communities") == 1


@pytest.mark.slow
def test_connect_creates_a_missing_database_with_the_demo_world(tmp_path, monkeypatch):
    monkeypatch.setattr("analytics.demo.generate.ACTIVITIES_PER_SCALE", 200)
    monkeypatch.setattr("analytics.demo.generate.CASES_PER_SCALE", 500)
    path = tmp_path / "new" / "world.duckdb"
    steps = []
    con = db.connect(path, progress=lambda fraction, step: steps.append(fraction))
    assert path.exists() and db.is_demo(con)
    assert db.scalar(con, "SELECT count(*) FROM grids") == 7
    assert steps and steps[-1] == 1.0 and steps == sorted(steps)
    con.close()
    again = db.connect(path, read_only=True)
    assert db.scalar(again, "SELECT count(*) FROM grid_cases") == 500
    again.close()


def test_read_only_connect_to_a_missing_file_says_what_to_do(tmp_path):
    with pytest.raises(DataError, match="不存在"):
        db.connect(tmp_path / "missing.duckdb", read_only=True)


def test_queries_map_engine_errors_to_data_errors(empty_con):
    with pytest.raises(DataError, match="查询失败"):
        db.query(empty_con, "SELECT no_such_column FROM grids")
