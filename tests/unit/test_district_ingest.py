"""The importer in a district: a community ledger may name its 街镇 (checked against its grid's) or
inherit it from the signed-in account; a row of another town than the account's is refused, in
Chinese, and so is a town the district does not have."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from analytics import db, ingest
from analytics.access import Scope
from analytics.core.hierarchy import JIANGCHUAN
from analytics.demo import generate as demo
from tests.unit.ingest_helpers import write_csv

GUMEI = "310112006"
HEADER = ["居民区编号", "居民区名称", "所属片区网格", "户数", "常住人口", "党员人数"]


@pytest.fixture(scope="module")
def district_con(tmp_path_factory: pytest.TempPathFactory) -> Iterator[duckdb.DuckDBPyConnection]:
    path = tmp_path_factory.mktemp("district_ingest") / "two_towns.duckdb"
    con = duckdb.connect(str(path))
    db.create_schema(con)
    demo.build(con, scale=0.02, district=True, towns=(GUMEI,))
    con.close()
    con = db.connect(path, read_only=True)
    yield con
    con.close()


def _errors(con: duckdb.DuckDBPyConnection, path: Path, scope: Scope) -> dict[int, str]:
    report = ingest.preview(con, path, "communities", scope=scope)
    return {row: str(message) for row, _, _, message in report.errors if row is not None}


def test_rows_of_another_town_are_refused(district_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "communities.csv",
        [
            HEADER,
            ["N1", "新江川居民区", "G7", "1000", "2500", "100"],
            ["N2", "新古美居民区", "古美街道·模拟网格1", "1000", "2500", "100"],
        ],
    )
    mine = _errors(district_con, path, Scope("admin", town_code=JIANGCHUAN))
    assert list(mine) == [3]
    assert "这一行属于古美街道，您的账号只能导入江川路街道的台账" in mine[3]
    assert list(_errors(district_con, path, Scope("admin", town_code=GUMEI))) == [2]
    assert _errors(district_con, path, Scope("admin")) == {}  # a district administrator imports for any town


def test_a_named_town_is_checked_against_the_grid(district_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "named.csv",
        [
            [*HEADER, "街镇"],
            ["N1", "新江川居民区", "G7", "1000", "2500", "100", "江川路街道"],
            ["N2", "新江川二居民区", "G7", "1000", "2500", "100", "古美街道"],
            ["N3", "新江川三居民区", "G7", "1000", "2500", "100", "不存在镇"],
            ["N4", "新江川四居民区", "G7", "1000", "2500", "100", JIANGCHUAN],
        ],
    )
    errors = _errors(district_con, path, Scope("admin"))
    assert sorted(errors) == [3, 4]
    assert "网格 G7 属于江川路街道，与这里填的街镇古美街道不一致" in errors[3]
    assert "不存在镇" in errors[4]


def test_facts_of_another_town_are_refused(district_con: duckdb.DuckDBPyConnection, tmp_path: Path) -> None:
    path = write_csv(
        tmp_path / "cases.csv",
        [
            ["事务编号", "居民区", "事务类别", "上报时间", "办结时间", "办结层级", "是否紧急", "满意度"],
            ["T1", "鹤北一居", "矛盾化解", "2024-03-01 09:30", "2024-03-02 10:00", "网格", "否", "5"],
            ["T2", "古美街道·模拟居民区01", "矛盾化解", "2024-03-01 09:30", "2024-03-02 10:00", "网格", "否", "5"],
        ],
    )
    report = ingest.preview(district_con, path, "grid_cases", scope=Scope("admin", town_code=JIANGCHUAN))
    assert [row for row, _, _, _ in report.errors] == [3]
