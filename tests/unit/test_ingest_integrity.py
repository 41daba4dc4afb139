"""An import never damages what is loaded: one transaction, duplicates and conflicts, undo, the demo
world, and a process killed in the middle of writing."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time

import pandas as pd
import pytest

from analytics import db, ingest, refresh
from analytics.access import Scope
from analytics.core.errors import AccessDenied, DataError
from analytics.ingest import load
from tests.conftest import ROOT
from tests.unit import ingest_helpers
from tests.unit.ingest_helpers import CASE_HEADER, case_rows, write_csv

real_con = ingest_helpers.real_con
TABLES = (
    "grid_cases",
    "seed_activities",
    "communities",
    "partners",
    "pairings",
    "service_items",
    "import_batches",
    "import_batch_keys",
    "import_batch_info",
    "app_meta",
    "contest_scores",
    "contest_entries",
)


def checksums(con) -> dict[str, tuple]:
    """Row count and an order-independent digest of every row of each table."""
    out = {}
    for table in TABLES:
        out[table] = tuple(
            db.query(
                con,
                f"""
            SELECT count(*) AS n, coalesce(md5(string_agg(CAST(t AS VARCHAR), '|' ORDER BY CAST(t AS VARCHAR))), '') AS digest
            FROM {table} t""",
            ).iloc[0]
        )
    return out


def stored(con, case_id):
    return db.query(con, "SELECT * FROM grid_cases WHERE case_id = $id", {"id": case_id})


def test_same_file_twice_adds_nothing_and_says_so(real_con, tmp_path):
    path = write_csv(tmp_path / "march.csv", [CASE_HEADER, *case_rows(3)])
    first = ingest.import_file(real_con, path, "grid_cases")
    before = checksums(real_con)
    again = ingest.import_file(real_con, path, "grid_cases")
    assert again.duplicate_of == first.batch_id and again.rows_imported == 0 and again.batch_id is None
    assert "已经导入过" in again.notes[0]
    assert checksums(real_con) == before
    assert ingest.preview(real_con, path, "grid_cases").duplicate_of == first.batch_id


def test_conflicting_key_is_reported_not_overwritten(real_con, tmp_path):
    ingest.import_file(real_con, write_csv(tmp_path / "a.csv", [CASE_HEADER, *case_rows(3)]), "grid_cases")
    changed = case_rows(4)
    changed[1][4] = "2024-03-09 18:00"  # T2 closed later in the newer ledger
    report = ingest.import_file(real_con, write_csv(tmp_path / "b.csv", [CASE_HEADER, *changed]), "grid_cases")
    assert report.ok and report.rows_imported == 1 and report.skipped == 2
    [conflict] = report.conflicts
    assert conflict[0] == 3 and conflict[2] == "T2" and "办结时间" in conflict[3] and "不会覆盖" in conflict[3]
    assert stored(real_con, "T2")["closed_at"].iloc[0] == pd.Timestamp("2024-03-03 10:00")
    assert len(stored(real_con, "T4")) == 1


def test_repeated_rows_within_one_file(real_con, tmp_path):
    rows = [CASE_HEADER, *case_rows(2), case_rows(2)[1]]
    report = ingest.import_file(real_con, write_csv(tmp_path / "twice.csv", rows), "grid_cases")
    assert report.ok and report.rows_imported == 2 and any("完全相同" in n for n in report.notes)
    clash = [*rows[:3], [*case_rows(2)[1][:2], "党建", *case_rows(2)[1][3:]]]
    report = ingest.preview(real_con, write_csv(tmp_path / "clash.csv", clash), "grid_cases")
    [error] = report.errors
    assert error[0] == 4 and "与第 3 行" in error[3]


def test_rows_without_ids_get_content_keys(real_con, tmp_path):
    header = CASE_HEADER[1:]
    rows = [r[1:] for r in case_rows(3)]
    first = ingest.import_file(real_con, write_csv(tmp_path / "noid.csv", [header, *rows, rows[0]]), "grid_cases")
    assert first.ok and first.rows_imported == 4  # the repeated row is a second, separate matter
    again = ingest.import_file(
        real_con, write_csv(tmp_path / "noid2.csv", [header, *rows, ["北街", "党建", "2024-04-01"]]), "grid_cases"
    )
    assert again.rows_imported == 1 and again.skipped == 3


def test_undo_removes_exactly_the_batch(real_con, tmp_path):
    keep = ingest.import_file(
        real_con, write_csv(tmp_path / "keep.csv", [CASE_HEADER, *case_rows(2, "K")]), "grid_cases"
    )
    before = checksums(real_con)
    batch = ingest.import_file(
        real_con, write_csv(tmp_path / "undo.csv", [CASE_HEADER, *case_rows(3, "U")]), "grid_cases"
    )
    assert ingest.undo_batch(real_con, batch.batch_id) == 3
    after = checksums(real_con)
    assert after["grid_cases"] == before["grid_cases"]
    history = ingest.history(real_con).set_index("batch_id")
    assert history.loc[batch.batch_id, "status"] == "undone" and history.loc[keep.batch_id, "status"] == "imported"
    with pytest.raises(DataError, match="已经撤销"):
        ingest.undo_batch(real_con, batch.batch_id)
    # Undone, the same file may be imported again.
    assert ingest.import_file(real_con, tmp_path / "undo.csv", "grid_cases").rows_imported == 3


def test_undo_of_a_reference_list_still_in_use_is_refused(real_con, tmp_path):
    rows = [
        ["居民区编号", "居民区名称", "简称", "所属片区网格", "户数", "常住人口", "党员人数"],
        ["C90", "江川新苑居民区", "江川新苑", "鹤庆片区网格", "1,200", "3,050", "120"],
    ]
    communities = ingest.import_file(real_con, write_csv(tmp_path / "c.csv", rows), "communities")
    assert communities.ok, communities.errors
    cases = [CASE_HEADER, ["N1", "江川新苑", "党建", "2024-03-01", "", "", "", ""]]
    used = ingest.import_file(real_con, write_csv(tmp_path / "n.csv", cases), "grid_cases")
    assert used.ok and db.scalar(real_con, "SELECT community_id FROM grid_cases WHERE case_id = 'N1'") == "C90"
    with pytest.raises(DataError, match="仍被其他数据引用"):
        ingest.undo_batch(real_con, communities.batch_id)
    ingest.undo_batch(real_con, used.batch_id)
    assert ingest.undo_batch(real_con, communities.batch_id) == 1
    assert db.scalar(real_con, "SELECT count(*) FROM communities WHERE community_id = 'C90'") == 0


def test_name_taken_by_another_id_is_a_conflict(real_con, tmp_path):
    rows = [["合伙人编号", "单位名称", "单位类型"], ["P77", "上海汽轮机厂", "企业"], ["P78", "新单位", "企业"]]
    report = ingest.import_file(real_con, write_csv(tmp_path / "p.csv", rows), "partners")
    assert report.rows_imported == 1 and report.conflicts[0][0] == 2 and "P01" in report.conflicts[0][3]


def test_demo_world_is_not_mixed_with_real_imports(fresh_con, tmp_path):
    path = write_csv(tmp_path / "real.csv", [CASE_HEADER, *case_rows(2)])
    assert db.is_demo(fresh_con)
    assert ingest.preview(fresh_con, path, "grid_cases").ok  # looking is fine
    with pytest.raises(DataError, match="清空演示数据"):
        ingest.import_file(fresh_con, path, "grid_cases")
    removed = ingest.clear_demo(fresh_con)
    assert removed["grid_cases"] > 0 and removed["contest_scores"] > 0
    assert not db.is_demo(fresh_con) and db.meta(fresh_con, "world") == "real"
    assert db.scalar(fresh_con, "SELECT count(*) FROM grid_cases") == 0
    assert db.scalar(fresh_con, "SELECT count(*) FROM communities") == 35  # reference lists stay
    assert ingest.import_file(fresh_con, path, "grid_cases").rows_imported == 2
    with pytest.raises(DataError, match="已经没有演示数据"):
        ingest.clear_demo(fresh_con)


def test_clear_demo_with_reference_lists(fresh_con):
    ingest.clear_demo(fresh_con, reference_lists=True)
    for table in ("communities", "partners", "pairings", "service_items", "secretaries", "judges"):
        assert db.scalar(fresh_con, f"SELECT count(*) FROM {table}") == 0, table
    assert db.scalar(fresh_con, "SELECT count(*) FROM grids") == 7


def test_only_administrators_import(real_con, tmp_path):
    path = write_csv(tmp_path / "x.csv", [CASE_HEADER, *case_rows(1)])
    for role in ("secretary", "leader", "analyst"):
        scope = Scope(role, "C01") if role == "secretary" else Scope(role)
        with pytest.raises(AccessDenied):
            ingest.import_file(real_con, path, "grid_cases", scope=scope)
    assert ingest.import_file(real_con, path, "grid_cases", scope=Scope("admin")).rows_imported == 1


def test_an_error_while_writing_leaves_everything_as_before(real_con, tmp_path, monkeypatch):
    ingest.import_file(real_con, write_csv(tmp_path / "base.csv", [CASE_HEADER, *case_rows(2, "B")]), "grid_cases")
    before = checksums(real_con)
    monkeypatch.setattr(load, "CHUNK_ROWS", 2)
    calls = []

    def progress(fraction, message):
        if message.startswith("写入数据库"):
            calls.append(message)
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        ingest.import_file(
            real_con, write_csv(tmp_path / "six.csv", [CASE_HEADER, *case_rows(6)]), "grid_cases", progress=progress
        )
    assert calls and checksums(real_con) == before


KILLED_CHILD = textwrap.dedent("""
    import sys, time
    from analytics import db, ingest
    from analytics.ingest import load
    load.CHUNK_ROWS = 5_000
    con = db.connect(sys.argv[1])

    def progress(fraction, message):
        if message.startswith("写入数据库"):
            print("INSERTING", message, flush=True)
            time.sleep(60)

    ingest.import_file(con, sys.argv[2], "grid_cases", progress=progress)
    print("FINISHED", flush=True)
""")


@pytest.mark.slow
def test_kill_minus_nine_during_the_insert_leaves_the_database_as_before(real_con, demo_db_path, tmp_path):
    ingest.import_file(real_con, write_csv(tmp_path / "base.csv", [CASE_HEADER, *case_rows(5, "B")]), "grid_cases")
    real_con.execute("CHECKPOINT")
    before = checksums(real_con)
    path = db.db_path(
        real_con.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()[0]
    )
    real_con.close()
    big = tmp_path / "big.csv"
    with open(big, "w", encoding="utf-8") as handle:
        handle.write(",".join(CASE_HEADER) + "\n")
        for i in range(40_000):
            handle.write(f"BIG{i},C{i % 35 + 1:02d},党建,2024-03-01 09:{i % 60:02d},,,否,\n")
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_CHILD, str(path), str(big)],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        started = time.monotonic()
        line = child.stdout.readline()
        assert line.startswith("INSERTING"), (line, child.stderr.read() if child.poll() is not None else "")
        assert time.monotonic() - started < 120
        os.kill(child.pid, signal.SIGKILL)
        child.wait(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == -signal.SIGKILL
    reopened = db.connect(path)
    try:
        assert checksums(reopened) == before
        assert db.scalar(reopened, "SELECT count(*) FROM grid_cases WHERE case_id LIKE 'BIG%'") == 0
        # The database is whole: the same file imports in full afterwards.
        assert ingest.import_file(reopened, big, "grid_cases").rows_imported == 40_000
    finally:
        reopened.close()
    shutil.rmtree(tmp_path, ignore_errors=True)


def test_rollups_follow_imports_and_undo(real_con, tmp_path):
    """Pages read the rollups only while they match the facts: an import and an undo keep them current."""
    from analytics import cases as cases_module
    from analytics.filters import Filters
    from analytics.warehouse import rollups, source
    from tests.unit.test_rollups import assert_rollups_match_raw

    refresh.refresh(real_con)
    batch = ingest.import_file(
        real_con, write_csv(tmp_path / "r.csv", [CASE_HEADER, *case_rows(3, "R")]), "grid_cases"
    ).batch_id
    assert rollups.ready(real_con)
    assert_rollups_match_raw(real_con)  # every rollup table against the raw aggregates
    assert db.scalar(real_con, "SELECT sum(cases) FROM rollup_cases") == 3
    raw = cases_module.resolution(source.raw(real_con), Filters(), ())
    pd.testing.assert_frame_equal(cases_module.resolution(real_con, Filters(), ()), raw, check_dtype=False)
    ingest.undo_batch(real_con, batch)
    assert rollups.ready(real_con)
    assert_rollups_match_raw(real_con)
    assert db.scalar(real_con, "SELECT count(*) FROM rollup_cases") == 0


def test_an_administrators_preview_shows_personal_fields_masked(real_con, tmp_path):
    """The README: an administrator imports the ledgers but reads personal fields masked, the import
    page's preview of a file included (the file's own words, before anything is stored)."""
    header = [*CASE_HEADER, "反映人", "联系电话", "情况描述"]
    rows = [[*row, "王小明", "138-1234-5678", "联系人：李四 电话13912345678"] for row in case_rows(3)]
    path = write_csv(tmp_path / "people.csv", [header, *rows])
    shown = ingest.preview(real_con, path, "grid_cases", scope=Scope("admin")).preview.to_csv()
    assert "王小明" not in shown and "1234-5678" not in shown and "李四" not in shown and "13912345678" not in shown
    assert "联系人" in shown and "王" in shown  # masked, not dropped
    clear = ingest.preview(real_con, path, "grid_cases").preview.to_csv()  # whoever holds the file itself
    assert "王小明" in clear and "13912345678" in clear


def test_a_conflict_is_no_way_for_an_administrator_to_read_stored_personal_data(real_con, tmp_path):
    """A file reusing a stored case's number with other contents: the conflict says what differs, with
    the stored (and the incoming) name, phone and description masked as the administrator reads them."""
    header = [*CASE_HEADER, "反映人", "联系电话", "情况描述"]
    stored = [[*row, "王小明", "13812345678", "联系人：李四"] for row in case_rows(2)]
    ingest.import_file(real_con, write_csv(tmp_path / "a.csv", [header, *stored]), "grid_cases")
    probe = write_csv(tmp_path / "b.csv", [header, *[[*row, "某", "1", "x"] for row in case_rows(2)]])
    for report in (
        ingest.preview(real_con, probe, "grid_cases", scope=Scope("admin")),
        ingest.import_file(real_con, probe, "grid_cases", scope=Scope("admin")),
    ):
        said = report.conflict_frame().to_csv()
        assert len(report.conflicts) == 2 and "联系电话" in said
        assert "王小明" not in said and "13812345678" not in said and "李四" not in said
    clear = ingest.preview(real_con, probe, "grid_cases").conflict_frame().to_csv()  # whoever holds the file
    assert "王小明" in clear and "13812345678" in clear
