"""Accounts name the 街镇 they read: validated against the district's towns, kept in the shared store
(also one made before towns existed), set from the command line, and carried into the account's scope."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from analytics import access, places
from analytics.access import Scope
from analytics.core.hierarchy import JIANGCHUAN
from tests.conftest import ROOT

GUMEI = "310112006"


def test_an_account_bound_to_a_town_reads_that_town(tmp_path: Path) -> None:
    path = tmp_path / "accounts.json"
    access.add_user("gumei", "a long enough secret", "leader", path=path, town_code=GUMEI)
    access.add_user("district", "a long enough secret", "leader", path=path)
    assert access.verify("gumei", "a long enough secret", path).scope == Scope("leader", town_code=GUMEI)
    assert access.verify("district", "a long enough secret", path).scope == Scope("leader")
    # a new password keeps the town; a new role sets it anew
    assert access.set_password("gumei", "another long secret", path).town_code == GUMEI
    assert access.set_role("gumei", "analyst", path=path, town_code=JIANGCHUAN).scope == Scope(
        "analyst", town_code=JIANGCHUAN
    )
    assert access.set_role("gumei", "analyst", path=path).town_code is None


def test_an_unknown_town_is_refused_in_chinese(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="没有代码为 310199999 的街镇"):
        access.add_user("x", "a long enough secret", "leader", path=tmp_path / "a.json", town_code="310199999")


def test_a_store_made_before_towns_keeps_its_accounts(tmp_path: Path) -> None:
    store = tmp_path / "accounts.sqlite"
    con = sqlite3.connect(store)
    con.executescript(
        """CREATE TABLE accounts (username TEXT PRIMARY KEY, role TEXT NOT NULL, community_id TEXT,
                                  display_name TEXT, password_hash TEXT, changed_at TEXT NOT NULL);
           INSERT INTO accounts VALUES ('old', 'secretary', 'C30', NULL, NULL, '2025-01-01');"""
    )
    con.close()
    old = access.store(store).account("old")
    assert old is not None and old.scope == Scope("secretary", "C30") and old.town_code is None
    access.add_user("new", None, "leader", path=store, town_code=GUMEI)
    assert access.store(store).account("new").town_code == GUMEI


def test_the_cli_sets_and_lists_a_town(tmp_path: Path) -> None:
    path = tmp_path / "accounts.json"
    env = {**os.environ, access.ENV_ACCOUNTS: str(path), "JIANGCHUAN_DB": str(tmp_path / "none.duckdb")}

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "analytics.access", *args],
            input="correct horse battery\n",
            capture_output=True,
            text=True,
            cwd=ROOT,
            env=env,
        )

    assert run("add-user", "gm", "--role", "leader", "--town", GUMEI, "--password-stdin").returncode == 0
    assert access.verify("gm", "correct horse battery", path).scope == Scope("leader", town_code=GUMEI)
    refused = run("add-user", "bad", "--role", "leader", "--town", "999", "--password-stdin")
    assert refused.returncode == 1 and "没有代码为 999 的街镇" in refused.stderr
    assert f"gm\tleader\t\tpassword\t{GUMEI}" in run("list-users").stdout


def test_a_communitys_town(demo_con) -> None:  # type: ignore[no-untyped-def]
    assert places.community_town(demo_con, "C30") == JIANGCHUAN
    assert places.community_town(demo_con, "nowhere") is None
    towns = places.town_list(demo_con)
    assert towns["town_code"].tolist() == [JIANGCHUAN] and towns["communities"].tolist() == [35]
