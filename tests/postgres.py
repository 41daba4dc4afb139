"""A real PostgreSQL server for the tests that need one (the shared store of a district deployment):
Debian's package (`apt-get install postgresql`, which .ci/run does), started in a temporary folder on
127.0.0.1 and a free port, trust authentication, stopped at the end. Never a mock.

As root (CI) the server runs as the `postgres` user the package creates, since PostgreSQL refuses to
run as root; the data folder is made for that user.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg


def bin_dir() -> Path | None:
    """The newest installed server's programs (initdb, pg_ctl), or None."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_server_user(argv: list[str]) -> list[str]:
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


@contextlib.contextmanager
def server() -> Iterator[str]:
    """Start a server; yield the address of its `postgres` database; stop and remove it afterwards."""
    programs = bin_dir()
    if programs is None:
        raise FileNotFoundError("PostgreSQL's server programs are not installed (apt-get install postgresql)")
    folder = Path(tempfile.mkdtemp(prefix="jc-postgres-"))
    data, sockets = folder / "data", folder / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        shutil.chown(sockets, "postgres")
    port = _free_port()
    log = folder / "server.log"
    try:
        subprocess.run(
            _as_server_user(
                [str(programs / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"]
            ),
            check=True,
            capture_output=True,
            timeout=180,
        )
        options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=200"
        subprocess.run(
            _as_server_user(
                [str(programs / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(log), "-w", "-t", "120", "start"]
            ),
            check=True,
            capture_output=True,
            timeout=180,
        )
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(
                _as_server_user([str(programs / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"]),
                capture_output=True,
                timeout=120,
            )
        shutil.rmtree(folder, ignore_errors=True)


def fresh_database(address: str, name: str) -> str:
    """A new empty database on the server at `address`; its address."""
    with psycopg.connect(address, autocommit=True) as con:
        con.execute(f'DROP DATABASE IF EXISTS "{name}"')
        con.execute(f'CREATE DATABASE "{name}"')
    return address.rsplit("/", 1)[0] + "/" + name
