"""Shared fixtures. The demo world is built small (scale 0.1) once per test session; tests that
change data get their own fresh database."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from analytics import db
from analytics.demo import generate as demo
from tests import postgres

ROOT = Path(__file__).resolve().parent.parent
TEST_SCALE = 0.1
ARTIFACTS = ROOT / "test-artifacts"


def pytest_collection_modifyitems(config, items):
    """Browser tests start a server and a browser: never part of the fast tier (`pytest -m "not slow"`)."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.slow)


def pytest_report_header(config):
    """The browser the browser tests drive, so that a run on a new machine says which one it saw."""
    chromium = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
    try:
        version = subprocess.run([chromium, "--version"], capture_output=True, text=True, timeout=60).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as exc:
        version = f"not usable ({exc.__class__.__name__}): the browser tests will be skipped"
    return f"browser tests: {chromium}: {version or 'no version printed'}"


@pytest.fixture(scope="session")
def postgres_server():
    """A real PostgreSQL server for this test session (tests/postgres.py); skipped, saying why, where
    the server programs are not installed (.ci/run installs them)."""
    if postgres.bin_dir() is None:
        pytest.skip("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    with postgres.server() as address:
        yield address


@pytest.fixture
def postgres_dsn(postgres_server, request):
    """The address of a new empty database on the session's server, one per test."""
    name = "t_" + "".join(c if c.isalnum() else "_" for c in request.node.name.lower())[:50]
    return postgres.fresh_database(postgres_server, name)


@pytest.fixture(scope="session")
def demo_db_path(tmp_path_factory) -> Path:
    """A demo-world database file built once per session. Treat it as read-only; copy it to change it."""
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    con = db.connect(":memory:")
    con.close()
    import duckdb

    con = duckdb.connect(str(path))
    db.create_schema(con)
    demo.build(con, scale=TEST_SCALE)
    con.close()
    return path


@pytest.fixture(scope="session")
def demo_con(demo_db_path):
    """A read-only connection to the shared demo world."""
    con = db.connect(demo_db_path, read_only=True)
    yield con
    con.close()


@pytest.fixture
def fresh_con(demo_db_path, tmp_path):
    """A writable copy of the demo world for tests that change data."""
    path = tmp_path / "fresh.duckdb"
    shutil.copy(demo_db_path, path)
    con = db.connect(path)
    yield con
    con.close()


@pytest.fixture
def empty_con():
    """An in-memory database with the schema and no rows."""
    con = db.connect(":memory:")
    yield con
    con.close()


@pytest.fixture
def app_db(demo_db_path, tmp_path, monkeypatch) -> Path:
    """Point the app at a private copy of the demo world (AppTest runs the app in this process)."""
    path = tmp_path / "app.duckdb"
    shutil.copy(demo_db_path, path)
    monkeypatch.setenv(db.ENV_DB_PATH, str(path))
    return path


def artifact(name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS / name


os.environ.setdefault("STREAMLIT_BROWSER_GATHER_USAGE_STATS", "false")
# Tests never read the operator's real accounts file: by default no accounts exist (demo mode).
os.environ["JIANGCHUAN_ACCOUNTS"] = str(
    Path(os.environ.get("TMPDIR", "/tmp")) / f"jiangchuan-test-{os.getpid()}" / "none.json"
)


@pytest.fixture(autouse=True)
def private_store(tmp_path, monkeypatch) -> None:
    """Each test its own accounts-and-audit store (analytics.access.store), so audit rows never leak between
    tests and the operator's store is never touched."""
    monkeypatch.delenv("JIANGCHUAN_STORE", raising=False)
    monkeypatch.setenv("JIANGCHUAN_ACCOUNTS", str(tmp_path / "store" / "none.json"))


@pytest.fixture
def accounts_file(tmp_path, monkeypatch) -> Path:
    """An accounts file with one user per role (password: '<role>-password-1')."""
    from analytics import access

    path = tmp_path / "accounts.json"
    monkeypatch.setenv(access.ENV_ACCOUNTS, str(path))
    access.add_user("leader1", "leader-password-1", "leader", path=path)
    access.add_user("sec30", "secretary-password-1", "secretary", "C30", path=path)
    access.add_user("analyst1", "analyst-password-1", "analyst", path=path)
    access.add_user("admin1", "admin-password-1", "admin", path=path)
    return path
