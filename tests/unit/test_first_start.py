"""The first start's demo build appears whole or not at all (analytics.demo.first_start), and the database
failures a user can meet are explained (analytics.core.db_errors): killed builds, files left empty by an
earlier version, damaged files, files held by another process, a full disk, permissions."""

import os
import random
import signal
import stat
import subprocess
import sys
import textwrap
import time

import duckdb
import pytest

from analytics import db
from analytics.core.db_errors import DatabaseDamaged, DatabaseLocked
from analytics.core.errors import DataError
from analytics.demo import first_start
from tests.conftest import ROOT

SMALL = "from analytics.demo import generate; generate.ACTIVITIES_PER_SCALE = 300; generate.CASES_PER_SCALE = 800\n"


@pytest.fixture
def small_world(monkeypatch):
    monkeypatch.setattr("analytics.demo.generate.ACTIVITIES_PER_SCALE", 300)
    monkeypatch.setattr("analytics.demo.generate.CASES_PER_SCALE", 800)


def assert_usable(path):
    con = db.connect(path)
    try:
        assert db.is_demo(con) and db.scalar(con, "SELECT count(*) FROM grids") == 7
        assert db.scalar(con, "SELECT count(*) FROM grid_cases") == 800
    finally:
        con.close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert first_start.temp_files(path) == []


def build_and_kill(path, kill_at: float):
    """Start a first start in a real process and SIGKILL it once the build reports `kill_at`."""
    script = SMALL + textwrap.dedent(f"""
        from analytics import db
        def report(fraction, step):
            print(fraction, flush=True)
        db.connect({str(path)!r}, progress=report)
        print("finished", flush=True)
        """)
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=ROOT)
    try:
        for line in proc.stdout:
            if line.strip() == "finished" or float(line) >= kill_at:
                break
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
        proc.stdout.close()


@pytest.mark.slow
@pytest.mark.parametrize("kill_at", [0.02, 0.35, 0.92, 0.95, 1.0])
def test_a_killed_first_start_leaves_nothing_or_a_working_database(tmp_path, small_world, kill_at):
    path = tmp_path / "data" / "jiangchuan.duckdb"
    build_and_kill(path, kill_at)
    if path.exists():  # the rename happened before the kill: then it is whole
        con = duckdb.connect(str(path), read_only=True)
        assert con.execute("SELECT value FROM app_meta WHERE key = 'world'").fetchone() == ("demo",)
        con.close()
    assert_usable(path)  # the next start builds (or opens) a working database and clears leftovers


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_a_first_start_killed_at_a_random_moment_leaves_nothing_or_a_working_database(tmp_path, small_world, seed):
    path = tmp_path / "jiangchuan.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-c", SMALL + f"from analytics import db; db.connect({str(path)!r})"], cwd=ROOT
    )
    try:
        deadline = time.monotonic() + 120
        while not first_start.temp_files(path) and proc.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)  # polling for the build's start, not waiting for an outcome
        time.sleep(random.Random(seed).uniform(0.0, 2.5))
        proc.send_signal(signal.SIGKILL)
    finally:
        proc.wait(timeout=60)
    assert_usable(path)


@pytest.mark.slow
def test_a_database_left_empty_by_an_earlier_version_is_built_anew(tmp_path, small_world):
    zero = tmp_path / "zero.duckdb"
    zero.touch()
    assert_usable(zero)
    schema_only = tmp_path / "schema.duckdb"  # killed after the schema, before the world committed
    con = duckdb.connect(str(schema_only))
    db.create_schema(con)
    con.close()
    with pytest.raises(DataError, match="未完成的首次启动"):
        db.connect(schema_only, read_only=True)
    assert_usable(schema_only)


def test_an_emptied_real_database_is_never_rebuilt(tmp_path):
    path = tmp_path / "real.duckdb"
    con = duckdb.connect(str(path))
    db.create_schema(con)
    con.execute("INSERT INTO app_meta VALUES ('world', 'real')")
    con.close()
    con = db.connect(path)
    assert db.meta(con, "world") == "real" and db.scalar(con, "SELECT count(*) FROM grids") == 0
    con.close()


def test_a_damaged_file_is_explained_and_left_alone(tmp_path):
    path = tmp_path / "garbage.duckdb"
    path.write_bytes(b"\x00garbage" * 4096)
    with pytest.raises(DatabaseDamaged, match="已损坏") as refused:
        db.connect(path)
    assert "IO Error" not in str(refused.value) and "备份" in str(refused.value)
    assert path.read_bytes() == b"\x00garbage" * 4096


@pytest.mark.slow
def test_a_file_held_by_another_process_names_the_holder(tmp_path, small_world):
    path = tmp_path / "held.duckdb"
    db.connect(path).close()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            f"import duckdb, sys; c = duckdb.connect({str(path)!r}); print('ready', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout.readline().strip() == "ready"
        for read_only in (False, True):
            with pytest.raises(DatabaseLocked) as refused:
                db.connect(path, read_only=read_only)
            assert f"进程号 {proc.pid}" in str(refused.value) and "Conflicting" not in str(refused.value)
        command = subprocess.run(
            [sys.executable, "-m", "analytics.refresh", str(path)],
            capture_output=True,
            text=True,
            cwd=ROOT,
            timeout=120,
        )  # a command run beside the app
        assert command.returncode == 1 and "正被另一个程序" in command.stderr and "Traceback" not in command.stderr
    finally:
        proc.stdin.close()
        proc.wait(timeout=60)


@pytest.mark.slow
def test_a_full_disk_during_the_first_start_leaves_nothing(tmp_path):
    path = tmp_path / "full" / "jiangchuan.duckdb"
    script = SMALL + textwrap.dedent(f"""
        import resource, signal
        from analytics import db
        from analytics.core.db_errors import DiskFull
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # a write past the limit then fails as on a full disk
        resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))
        try:
            db.connect({str(path)!r})
        except DiskFull as exc:
            print(exc)
        """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert "磁盘空间不足" in out.stdout and "Traceback" not in out.stderr, out.stderr
    assert not path.exists() and first_start.temp_files(path) == []


@pytest.mark.slow
def test_a_write_on_a_full_disk_is_explained(tmp_path, demo_db_path):
    path = tmp_path / "app.duckdb"
    path.write_bytes(demo_db_path.read_bytes())
    script = textwrap.dedent(f"""
        import resource, signal
        from analytics import db
        from analytics.core.errors import DataError
        con = db.connect({str(path)!r})
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        size = {path.stat().st_size}
        resource.setrlimit(resource.RLIMIT_FSIZE, (size, size))
        try:
            with db.transaction(con) as cur:
                db.execute(cur, "CREATE TABLE filler AS SELECT repeat('x', 500) || range AS v FROM range(400000)")
            con.execute("CHECKPOINT")
        except DataError as exc:
            print(type(exc).__name__, exc)
        """)
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert out.stdout.split()[0] in ("DiskFull", "DatabaseInvalidated"), (out.stdout, out.stderr)
    assert "磁盘空间不足" in out.stdout and "Traceback" not in out.stderr
    con = db.connect(path)  # the next start, with room again: the failed write left no trace
    try:
        assert db.scalar(con, "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'filler'") == 0
        assert db.scalar(con, "SELECT count(*) FROM grids") == 7
    finally:
        con.close()


def test_an_existing_database_becomes_the_owners_only(tmp_path, demo_db_path):
    path = tmp_path / "old.duckdb"
    path.write_bytes(demo_db_path.read_bytes())
    os.chmod(path, 0o644)
    db.connect(path).close()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_a_folder_where_no_database_can_be_made_is_explained():
    for folder in ("/sys/jiangchuan-test", "/proc/jiangchuan-test"):  # refused even to root
        with pytest.raises(DataError, match="没有权限在文件夹"):
            db.connect(f"{folder}/jiangchuan.duckdb")
