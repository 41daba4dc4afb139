"""Commands that cron runs while the app holds the database (the monthly briefing, the overdue
notices) read a consistent copy instead of failing on DuckDB's exclusive lock
(analytics.core.connection.connect_for_reading)."""

from __future__ import annotations

import shutil
import subprocess
import sys
import textwrap

import pytest

from analytics.core import connection
from analytics.core.errors import DataError

HOLDER = textwrap.dedent(
    """
    import sys, duckdb
    con = duckdb.connect(sys.argv[1])
    con.execute("CHECKPOINT")
    con.execute("INSERT INTO app_meta VALUES ('held_by_test', 'after the checkpoint')")
    print("holding", flush=True)
    sys.stdin.readline()
    """
)


@pytest.fixture
def held(demo_db_path, tmp_path):
    """A copy of the demo world held open read-write by another process (as the running app holds
    it), with a commit still in its write-ahead log."""
    path = tmp_path / "held.duckdb"
    shutil.copy(demo_db_path, path)
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(path)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
    yield path
    holder.communicate("\n", timeout=60)


def test_the_file_itself_is_refused_while_held(held):
    with pytest.raises(DataError):
        connection.connect(held, read_only=True)


def test_a_copy_is_read_with_every_commit_of_the_holder(held):
    con = connection.connect_for_reading(held)
    try:
        assert con.execute("SELECT value FROM app_meta WHERE key = 'held_by_test'").fetchone() == (
            "after the checkpoint",
        )
        assert con.execute("SELECT count(*) FROM communities").fetchone()[0] > 0
    finally:
        con.close()
    copies = list(held.parent.glob(".held.reading-*"))
    assert len(copies) == 1 and oct(copies[0].stat().st_mode & 0o777) == "0o700"


def test_a_free_file_is_read_in_place(demo_db_path):
    con = connection.connect_for_reading(demo_db_path)
    try:
        assert con.execute("SELECT count(*) FROM communities").fetchone()[0] > 0
    finally:
        con.close()
    assert not list(demo_db_path.parent.glob(".demo.reading-*"))


@pytest.mark.slow
def test_the_overdue_command_runs_while_the_app_holds_the_database(held, tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "analytics.overdue", "notify", "--db", str(held), "--out", str(tmp_path / "lists")],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert list((tmp_path / "lists").glob("*.json"))
    assert not list(held.parent.glob(".held.reading-*"))  # the copy is gone when the command ends
