"""The table browser, the SQL capture behind charts, literal SQL, and saved queries."""

from __future__ import annotations

import datetime as dt
import re
import threading

import pandas as pd
import pytest

from analytics import db, overview
from analytics.access import Scope
from analytics.explore import catalog, saved
from analytics.explore import console as explore
from analytics.filters import Filters


def model_tables() -> set[str]:
    """The tables the project's own schema files create (other areas' later tables are not checked)."""
    names = set()
    for file in ("00_core.sql", "30_explore.sql"):
        text = (db.SCHEMA_DIR / file).read_text(encoding="utf-8")
        names |= set(re.findall(r"CREATE TABLE IF NOT EXISTS (\w+)", text))
    return names


def test_every_table_and_column_of_the_data_model_has_a_meaning(demo_con):
    listing = catalog.tables(demo_con)
    assert model_tables() <= set(listing["table_name"])
    for table in model_tables():
        assert table in catalog.TABLE_NOTES
        cols = catalog.columns(demo_con, table)
        missing = cols.loc[cols["meaning_zh"] == "—", "column_name"].tolist()
        assert not missing, f"{table}: no meaning for {missing}"
        assert all(re.search(r"[\u4e00-\u9fff]", m) for m in cols["meaning_zh"])  # written in Chinese
    unused = {k for k in catalog.COLUMN_NOTES if k[0] in model_tables()} - {
        (t, c) for t in model_tables() for c in catalog.columns(demo_con, t)["column_name"]
    }
    assert not unused, f"notes for columns that do not exist: {unused}"


def test_row_counts_types_and_sample(demo_con):
    listing = catalog.tables(demo_con).set_index("table_name")
    for table in ("grid_cases", "seed_activities", "grids", "saved_queries"):
        assert listing.loc[table, "rows"] == demo_con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        assert listing.loc[table, "kind"] == "table"
    cols = catalog.columns(demo_con, "grid_cases").set_index("column_name")
    assert cols.loc["reported_at", "data_type"] == "TIMESTAMP" and not cols.loc["case_id", "nullable"]
    assert listing.loc["grid_cases", "columns"] == len(cols)
    rows = catalog.sample(demo_con, "grids", n=5)
    assert len(rows) == 5 and list(rows.columns) == ["grid_id", "name", "name_en", "town_code"]


def test_sample_masks_personal_data(demo_con):
    rows = catalog.sample(demo_con, "grid_cases", n=200)
    raw = demo_con.execute("SELECT reporter_name, reporter_phone FROM grid_cases LIMIT 200").df()
    assert rows["reporter_phone"].str.fullmatch(r"\d{3}\*{4}\d{4}").all()
    assert (rows["reporter_name"].str.len() == raw["reporter_name"].str.len()).all()
    assert rows["reporter_name"].str[1:].str.fullmatch(r"\*+").all()
    assert not rows["description"].str.contains(r"1\d{10}").any()
    text = rows.to_csv()
    assert not any(phone in text for phone in raw["reporter_phone"])


def test_sample_respects_a_secretary_scope(demo_con):
    rows = catalog.sample(demo_con, "seed_activities", n=50, scope=Scope("secretary", "C07"))
    assert len(rows) > 0 and set(rows["community_id"]) == {"C07"}


def test_unknown_or_hostile_table_names_never_reach_sql(demo_con):
    for name in ("no_such_table", "grids; DROP TABLE grids", 'grids" WHERE 1=1 --'):
        with pytest.raises(KeyError):
            catalog.sample(demo_con, name)
        with pytest.raises(KeyError):
            catalog.columns(demo_con, name)


def test_views_are_listed_without_counting_them(fresh_con):
    fresh_con.execute("CREATE VIEW busy_grids AS SELECT grid_id, count(*) AS n FROM communities GROUP BY ALL")
    listing = catalog.tables(fresh_con).set_index("table_name")
    assert listing.loc["busy_grids", "kind"] == "view" and pd.isna(listing.loc["busy_grids", "rows"])
    assert listing.loc["busy_grids", "meaning_zh"] == "—"
    assert len(catalog.sample(fresh_con, "busy_grids")) == 7


# ---------------------------------------------------------------------------------------------
# the SQL behind a chart
def test_capture_records_the_queries_of_a_function(demo_con):
    filters = Filters(dt.date(2023, 1, 1), dt.date(2023, 12, 31), grid_ids=("G4",))
    db.query(demo_con, "SELECT 1")  # outside the block: not recorded
    with db.capture_sql() as captured:
        trend = overview.monthly_trend(demo_con, filters)
    assert len(captured) == 1
    sql, params = captured[0]
    assert "$a_start" in sql and params["a_start"] == dt.date(2023, 1, 1)
    with db.capture_sql() as again:
        overview.headline(demo_con, filters)
        db.scalar(demo_con, "SELECT 42")
    assert len(again) == 3 and tuple(again[-1]) == ("SELECT 42", [])
    # written with literals, the captured SQL is the same query
    literal = explore.inline_params(sql, params)
    assert "$" not in literal
    pd.testing.assert_frame_equal(db.query(demo_con, literal), trend)


def test_capture_belongs_to_its_own_thread(demo_con):
    seen = []

    def other():
        db.query(demo_con, "SELECT 'other thread'")
        seen.append(True)

    with db.capture_sql() as captured:
        t = threading.Thread(target=other)
        t.start()
        t.join()
        db.query(demo_con, "SELECT 'mine'")
    assert seen and [s for s, _ in captured] == ["SELECT 'mine'"]


def test_literals_and_placeholders():
    assert explore.sql_literal(None) == "NULL" and explore.sql_literal(True) == "TRUE"
    assert explore.sql_literal(3) == "3" and explore.sql_literal(0.25) == "0.25"
    assert explore.sql_literal(float("nan")) == "NULL"
    assert explore.sql_literal("O'Brien") == "'O''Brien'"
    assert explore.sql_literal(dt.date(2024, 2, 29)) == "DATE '2024-02-29'"
    assert explore.sql_literal(dt.datetime(2024, 2, 29, 8, 30)) == "TIMESTAMP '2024-02-29 08:30:00'"
    assert explore.sql_literal(["G1", "G2"]) == "['G1', 'G2']"
    sql = "SELECT '$a stays', \"$a\" -- $a stays\n, $a, $ab /* $a */ FROM t WHERE x = $a"
    assert explore.inline_params(sql, {"a": 1, "ab": "x"}) == (
        "SELECT '$a stays', \"$a\" -- $a stays\n, 1, 'x' /* $a */ FROM t WHERE x = 1"
    )
    assert explore.inline_params("SELECT ?, ?", [1, "b"]) == "SELECT 1, 'b'"
    assert explore.inline_params("SELECT $2, $1", [1, "b"]) == "SELECT 'b', 1"


def test_literal_round_trip_through_duckdb(demo_con):
    params = {
        "d": dt.date(2024, 1, 31),
        "ts": dt.datetime(2024, 1, 31, 23, 59, 59),
        "s": "它's",
        "n": None,
        "l": ["a", "b'"],
        "f": 1.5,
        "b": False,
    }
    sql = "SELECT $d AS d, $ts AS ts, $s AS s, $n AS n, $l AS l, $f AS f, $b AS b"
    assert demo_con.execute(explore.inline_params(sql, params)).fetchall() == demo_con.execute(sql, params).fetchall()


def test_tidy_sql():
    assert (
        explore.tidy_sql("\n        SELECT 1\n        FROM t\n            WHERE x\n    ")
        == "SELECT 1\nFROM t\n    WHERE x"
    )


# ---------------------------------------------------------------------------------------------
# saved queries
def test_save_list_replace_delete():
    saved.save_query(
        "各网格事务",
        "SELECT grid_id, count(*) FROM grid_cases JOIN communities USING (community_id) GROUP BY ALL",
        note="按网格",
        scope=Scope("analyst"),
    )
    saved.save_query("网格", "FROM grids")
    listed = saved.saved_queries()
    assert set(listed["name"]) == {"各网格事务", "网格"}
    assert listed.set_index("name").loc["各网格事务", "saved_by"] == "analyst"
    saved.save_query("网格", "SELECT name FROM grids")
    listed = saved.saved_queries().set_index("name")
    assert len(listed) == 2 and listed.loc["网格", "sql"] == "SELECT name FROM grids"
    saved.delete_saved_query("网格")
    assert saved.saved_queries()["name"].tolist() == ["各网格事务"]


@pytest.mark.parametrize(
    ("name", "sql", "reason"),
    [
        ("", "SELECT 1", "empty"),
        ("x" * 61, "SELECT 1", "error"),
        ("删表", "DROP TABLE grids", "statement"),
        ("两条", "SELECT 1; SELECT 2", "multiple"),
        ("空", "  ", "empty"),
    ],
)
def test_only_console_queries_can_be_saved(name, sql, reason):
    with pytest.raises(explore.QueryRefused) as refused:
        saved.save_query(name, sql)
    assert refused.value.reason == reason
    assert saved.saved_queries().empty


def test_queries_saved_in_an_older_database_move_into_the_store_once(fresh_con):
    """A subdistrict upgrading keeps its saved queries: the app moves them from its DuckDB file into the
    store when it opens the file; a name the store already holds keeps the store's query."""
    rows = [
        ("各网格事务", "FROM grid_cases", "按网格", "analyst", "analyst1"),
        ("旧查询", "SELECT 1", None, None, None),
        ("网格", "FROM grids", None, "leader", "leader1"),
    ]
    for name, sql, note, role, owner in rows:
        fresh_con.execute(
            "INSERT INTO saved_queries (name, sql, note, saved_by, saved_at, owner) VALUES (?, ?, ?, ?, now(), ?)",
            [name, sql, note, role, owner],
        )
    saved.save_query("网格", "SELECT name FROM grids", scope=Scope("leader"), user="leader1")
    assert saved.adopt_legacy(fresh_con) == 2
    assert fresh_con.execute("SELECT count(*) FROM saved_queries").fetchone()[0] == 0
    assert saved.adopt_legacy(fresh_con) == 0
    listed = saved.saved_queries().set_index("name")
    assert set(listed.index) == {"各网格事务", "旧查询", "网格"}
    assert listed.loc["网格", "sql"] == "SELECT name FROM grids"  # the store's, not the file's
    assert listed.loc["各网格事务", "note"] == "按网格"
    assert saved.saved_queries(user="analyst1")["name"].tolist() == ["各网格事务"]
    # a query saved before owners were recorded is nobody's: an account cannot take it over
    with pytest.raises(explore.QueryRefused):
        saved.save_query("旧查询", "SELECT 2", scope=Scope("analyst"), user="analyst1")


def test_console_results_download_in_every_format(demo_db_path):
    import io

    import openpyxl

    from analytics.core import export

    result = explore.run_readonly(
        demo_db_path,
        """
        SELECT '=HYPERLINK("http://x", "点我")' AS 名称, -3 AS 数量, [1, 2] AS 列表, {'a': 1} AS 结构,
               'abc'::BLOB AS 二进制, DATE '2024-05-01' AS 日期, 1.25::DECIMAL(5, 2) AS 金额""",
    )
    for snapshot in explore.snapshot_files(demo_db_path):
        snapshot.unlink()
    flat = explore.flat_for_export(result.frame)
    csv = export.to_csv_bytes(flat)
    assert csv.startswith(b"\xef\xbb\xbf")
    back = pd.read_csv(io.BytesIO(csv), encoding="utf-8-sig")
    assert back["名称"].iloc[0].startswith("'=") and back["数量"].iloc[0] == -3
    assert back["列表"].iloc[0] == "[1, 2]"
    sheet = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(flat))).active
    assert sheet.cell(row=2, column=1).value.startswith("'=") and sheet.cell(row=2, column=1).data_type == "s"
    parquet = pd.read_parquet(io.BytesIO(export.to_parquet_bytes(flat)))
    assert parquet["金额"].iloc[0] == 1.25 and parquet["二进制"].iloc[0] == "616263"


def test_every_table_the_browser_lists_is_explained(demo_con):
    """Bookkeeping tables too (import batches, boundary uploads, targets, stories, the old audit log): a
    leader sees them all, and a bare name with "—" beside it says nothing."""
    listing = catalog.tables(demo_con)
    unexplained = listing.loc[listing["meaning_zh"] == "—", "table_name"].tolist()
    assert not unexplained, unexplained
    for table in listing.loc[listing["kind"] == "table", "table_name"]:
        cols = catalog.columns(demo_con, table)
        missing = cols.loc[cols["meaning_zh"] == "—", "column_name"].tolist()
        assert not missing, f"{table}: no meaning for {missing}"
