"""The district deployment on one machine (deploy/cluster.py), for real: PostgreSQL, two replicas of
serve.py over one lake, nginx in front and the readiness watcher. A signed-in session opened through
the proxy survives the death of the replica that served it: the next connection goes to the other
replica, which finds the session in the shared store. Spark's master and worker are left out here
(the Spark refresh is tested in tests/unit/test_spark_refresh.py)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from analytics.access import sessions
from analytics.access.store import Account, PostgresStore
from analytics.lake import derive, export
from tests import postgres
from tests.conftest import ROOT

pytestmark = pytest.mark.slow

SIGNED_IN = "当前用户".encode()
SIGN_IN_FORM = "用户名".encode()


def _cluster(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "cluster.py"), *args], capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def cluster(demo_db_path, tmp_path_factory):
    if postgres.bin_dir() is None or not Path("/usr/sbin/nginx").exists():
        pytest.skip("PostgreSQL and nginx are needed (Debian: apt-get install postgresql nginx)")
    folder = tmp_path_factory.mktemp("cluster")
    lake = folder / "lake"
    export.export(demo_db_path, lake)
    derive.refresh(lake, engine="duckdb")
    state = folder / "state"
    started = _cluster("start", "--replicas", "2", "--lake", str(lake), "--state", str(state), "--no-spark")
    try:
        assert started.returncode == 0, started.stdout + started.stderr
        yield json.loads((state / "cluster.json").read_text())
    finally:
        _cluster("stop", "--state", str(state))


def _page(url: str, cookie: str, page: str = "") -> tuple[bytes, str]:
    """_page_run on an event loop of its own thread: the test session's main thread may already hold a
    running loop (left by the browser tests' driver), where asyncio.run() refuses to start."""
    with concurrent.futures.ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(asyncio.run, _page_run(url, cookie, page)).result(timeout=600)


async def _page_run(url: str, cookie: str, page: str = "") -> tuple[bytes, str]:
    """One page run through the proxy with the browser's cookies: everything the server sent, and the
    replica nginx chose."""
    stream = url.replace("http://", "ws://") + "/_stcore/stream"
    sent = b""
    async with websockets.connect(
        stream, subprotocols=["streamlit"], additional_headers={"Cookie": cookie}, max_size=None, open_timeout=60
    ) as ws:
        upstream = ws.response.headers.get("X-Jiangchuan-Upstream", "")
        await ws.send(BackMsg(rerun_script=ClientState(page_name=page)).SerializeToString())
        while True:
            raw = await asyncio.wait_for(ws.recv(), timeout=120)
            sent += raw
            message = ForwardMsg()
            message.ParseFromString(raw)
            if message.WhichOneof("type") == "script_finished":
                return sent, upstream


def test_a_signed_in_session_survives_the_replica_that_served_it(cluster):
    store = PostgresStore(cluster["postgres"]["dsn"])
    store.save_account(Account("lead", "leader", password_hash="x"), actor="test", action="role_change", detail="")
    token = sessions.issue(store.account("lead"), store=store)
    cookie = f"{sessions.COOKIE}={token}; jc_route=browser-1"
    url = cluster["nginx"]["url"]

    sent, first = _page(url, cookie)
    assert SIGNED_IN in sent and first, "signed in through the proxy"
    assert _page(url, cookie, "cases")[1] == first  # the same browser stays with its replica
    anonymous, _ = _page(url, "jc_route=browser-2")
    assert SIGN_IN_FORM in anonymous and SIGNED_IN not in anonymous

    victim = next(r for r in cluster["replicas"] if first.endswith(f":{r['port']}"))
    os.kill(victim["pid"], signal.SIGKILL)
    sent, second = _page(url, cookie, "cases")
    assert second and second != first and SIGNED_IN in sent, "still signed in, on the other replica"

    # the watcher takes the dead replica out of nginx's list
    upstream = Path(cluster["folder"]) / "upstream.conf"
    deadline = time.monotonic() + 60
    while f"{victim['port']} max_fails=1 fail_timeout=5s down" not in upstream.read_text():
        assert time.monotonic() < deadline, upstream.read_text()
        time.sleep(0.5)
    checked = _cluster("check", "--state", cluster["folder"])
    report = json.loads(checked.stdout)
    assert checked.returncode == 0 and report["replicas"] == {
        str(victim["index"]): False,
        **{str(r["index"]): True for r in cluster["replicas"] if r is not victim},
    }
