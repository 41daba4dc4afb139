"""The district deployment in a real browser (issue #21): the local cluster of deploy/cluster.py
(PostgreSQL, two replicas of serve.py over one lake, nginx sticky per browser), Chromium through nginx.
An administrator signs in through the form, the replica that served her is killed with SIGKILL, and she
keeps browsing: the browser reconnects through nginx to the other replica, which finds her session in
the shared store. The audit trail is shared too: the surviving replica lists the sign-in the dead one
wrote, and a download made on the survivor is read back from the store and from a third replica started
afterwards, as is a console query saved on the survivor."""

from __future__ import annotations

import csv
import io
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from analytics.access.store import ENV_STORE, Account, PostgresStore
from analytics.lake import derive, export
from tests import postgres
from tests.browser.conftest import CHROMIUM, TrackedPage, running_app
from tests.conftest import ROOT
from ui import data

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ADMIN = "cbadmin"
PASSWORD = "cluster-admin-password-1"
SIGNED_IN = "当前用户"
COOKIE_SET = "html[data-jc-session='set']"
UPSTREAM = "x-jiangchuan-upstream"
QUERY_NAME = "集群查询"
QUERY = "SELECT name FROM grids ORDER BY grid_id"

# Each row of every data grid on the page as the texts of its cells (the grid draws on a canvas; its
# accessible table carries the texts of the rows in view, newest audit events first).
_GRID_ROWS = """() => [...document.querySelectorAll("[data-testid='stDataFrame'] [role='row']")]
    .map(r => [...r.querySelectorAll("[role='gridcell']")].map(c => c.textContent.trim()))"""


def _cluster(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(ROOT / "deploy" / "cluster.py"), *args], capture_output=True, text=True, timeout=600
    )


@pytest.fixture(scope="module")
def cluster(demo_db_path, tmp_path_factory):
    if postgres.bin_dir() is None or not Path("/usr/sbin/nginx").exists():
        pytest.skip("PostgreSQL and nginx are needed (Debian: apt-get install postgresql nginx)")
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium or set CHROMIUM_PATH")
    folder = tmp_path_factory.mktemp("cluster-browser")
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


class Upstreams:
    """The replica behind each answer nginx gave this page (its X-Jiangchuan-Upstream header). When nginx
    had to try a dead replica first the header lists both; the last one answered. Only the document and
    Streamlit's /_stcore/ endpoints count: the browser serves assets and media from its cache with the
    headers they first came with."""

    def __init__(self, page):
        self.seen: list[tuple[str, str]] = []
        page.on("response", self._on_response)

    def _on_response(self, response) -> None:
        header = response.headers.get(UPSTREAM)
        if header and (response.request.is_navigation_request() or "/_stcore/" in response.url):
            self.seen.append((response.url, header.split(",")[-1].strip()))

    def since(self, start: int) -> set[str]:
        return {address for _, address in self.seen[start:]}


class Socket:
    def __init__(self, url: str):
        self.url, self.received, self.finished = url, bytearray(), 0


class Streams:
    """Every Streamlit websocket this page opened, with what the server sent on it and how many script
    runs it finished: the server's own word that it ran the page (the page keeps the elements of the
    last run drawn while it reconnects, so the DOM alone cannot tell which server drew them)."""

    def __init__(self, page):
        self.sockets: list[Socket] = []
        page.on("websocket", self._opened)

    def _opened(self, ws) -> None:
        socket = Socket(ws.url)
        self.sockets.append(socket)
        ws.on("framereceived", lambda payload: self._received(socket, payload))

    @staticmethod
    def _received(socket: Socket, payload: str | bytes) -> None:
        if isinstance(payload, str):
            return
        socket.received += payload
        message = ForwardMsg()
        message.ParseFromString(payload)
        if message.WhichOneof("type") == "script_finished":
            socket.finished += 1


def _until(page, done, what: str, timeout_s: float = 120.0) -> None:
    """Poll a condition on what the page's event handlers record (they run while Playwright waits)."""
    deadline = time.monotonic() + timeout_s
    while not done():
        assert time.monotonic() < deadline, f"waited {timeout_s:.0f} s for {what}"
        page.wait_for_timeout(100)


def _grid_rows(page) -> list[list[str]]:
    return page.evaluate(_GRID_ROWS)


def _wait_for_row(page, *cells: str) -> None:
    """Until a row of the page's grid shows every one of these texts (the grid fills after it mounts)."""
    wanted = json.dumps(list(cells))
    page.wait_for_function(f"""() => ({_GRID_ROWS})().some(row => {wanted}.every(w => row.includes(w)))""", polling=200)


def _open_console(tab: TrackedPage) -> None:
    page = tab.open("explorer")
    with tab.rerun():
        page.get_by_role("radio", name="SQL 控制台").click()
    page.locator(".st-key-explorer_sql textarea").wait_for(state="visible")


def _save_console_query(tab: TrackedPage, name: str, sql: str) -> None:
    """Type a statement and a name, each committed (Ctrl+Enter, Enter rerun the page), and press save."""
    _open_console(tab)
    area = tab.page.locator(".st-key-explorer_sql textarea")
    area.fill(sql)
    with tab.rerun():
        area.press("Control+Enter")
    box = tab.page.locator(".st-key-explorer_save_name input")
    box.fill(name)
    with tab.rerun():
        box.press("Enter")
    with tab.rerun():
        tab.page.locator(".st-key-explorer_save button").click()


def test_browsing_survives_the_kill_of_the_serving_replica_and_the_audit_trail_is_shared(browser, cluster, tmp_path):
    store = PostgresStore(cluster["postgres"]["dsn"])
    admin = Account(ADMIN, "admin", display_name="集群管理员", password_hash=PasswordHasher().hash(PASSWORD))
    store.save_account(admin, actor="test", action="role_change", detail=f"added {ADMIN}")
    url = cluster["nginx"]["url"]
    replicas = {f"127.0.0.1:{r['port']}": r for r in cluster["replicas"]}

    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN", accept_downloads=True)
    try:
        tab = TrackedPage(context.new_page(), url)
        upstreams, streams = Upstreams(tab.page), Streams(tab.page)
        page = tab.open(wait_for_text="用户名")
        page.get_by_label("用户名").fill(ADMIN)
        page.get_by_label("密码").fill(PASSWORD)
        with tab.rerun():
            page.get_by_role("button", name="登录").click()
        page.locator(COOKIE_SET).wait_for(state="attached")
        page.get_by_text(SIGNED_IN).first.wait_for()
        served = upstreams.since(0)
        assert len(served) == 1 and served <= replicas.keys(), f"one replica serves one browser: {upstreams.seen}"
        first = served.pop()
        (survivor,) = replicas.keys() - {first}
        signed_in = [e for e in store.recent() if e.action == "sign_in" and e.username == ADMIN]
        assert len(signed_in) == 1, "the replica that served the form wrote the sign-in to the shared store"

        # kill -9 the replica that served the browser: Streamlit's client reconnects through nginx, which
        # sends it on to the other replica. The client keeps the page drawn and does not ask the new server
        # for a run until the user does something; then the new session signs in again from the cookie.
        mark = len(upstreams.seen)
        opened = len(streams.sockets)
        os.kill(replicas[first]["pid"], signal.SIGKILL)
        _until(page, lambda: len(streams.sockets) > opened, "the client to reconnect")
        tab.idle()
        assert upstreams.since(mark) == {survivor}, upstreams.seen[mark:]

        # another page through the sidebar: the survivor runs it on the new websocket
        with tab.rerun():
            page.locator("[data-testid='stSidebarNav']").get_by_text("网格事务").click()
        _until(page, lambda: streams.sockets[-1].finished > 0, "the survivor to run the page")
        assert SIGNED_IN.encode() in streams.sockets[-1].received, "the survivor's own run drew her signed in"
        page.wait_for_url("**/cases")
        page.get_by_role("heading", name="网格事务").first.wait_for()
        assert page.get_by_text(SIGNED_IN).count() >= 1 and page.get_by_label("密码").count() == 0

        # F5: a new document, a new websocket, still signed in and drawn by the survivor
        mark = len(upstreams.seen)
        tab.open("cases", wait_for_text=SIGNED_IN)
        page.get_by_role("heading", name="网格事务").first.wait_for()
        assert page.get_by_label("密码").count() == 0
        assert upstreams.since(mark) == {survivor}, upstreams.seen[mark:]

        # nobody signed in again: the survivor took the session the killed replica started from the store
        assert [e for e in store.recent() if e.action == "sign_in" and e.username == ADMIN] == signed_in

        # the audit trail on the survivor lists the sign-in the killed replica wrote
        tab.open("audit", wait_for_text="操作日志")
        _wait_for_row(page, ADMIN, "登录")

        # a download on the survivor is audited in the shared store
        with page.expect_download() as waiting:
            page.locator(".st-key-audit_download_csv button").click()
        download = waiting.value
        assert download.suggested_filename == "操作日志.csv"
        rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
        assert any(ADMIN in row and "登录" in row for row in rows), rows[:5]
        exports = [e for e in store.recent() if e.action == "export" and e.username == ADMIN]
        assert [e.detail.split(" ")[0] for e in exports] == ["操作日志.csv"], exports

        # a console query saved on the survivor goes to the shared store (the replica's lake is read-only)
        _save_console_query(tab, QUERY_NAME, QUERY)
        assert [(q.name, q.sql) for q in store.saved_queries(owner=ADMIN)] == [(QUERY_NAME, QUERY)]
        tab.assert_no_exception()
        tab.assert_offline()

        # a replica started afterwards reads the same trail: the export row written by the survivor
        env = {
            ENV_STORE: cluster["postgres"]["dsn"],
            data.ENV_LAKE: cluster["lake"],
            "JIANGCHUAN_REPLICA": "r3",
        }
        with running_app(env, tmp_path / "replica-3.log") as third_url:
            third = TrackedPage(context.new_page(), third_url)  # cookies are per host, not per port
            third.open("audit", wait_for_text="操作日志")
            assert third.page.get_by_label("密码").count() == 0
            _wait_for_row(third.page, ADMIN, "导出")
            _wait_for_row(third.page, ADMIN, "登录")
            # and lists the query saved on the survivor; choosing it brings its text back
            _open_console(third)
            with third.rerun():
                third.page.locator(".st-key-explorer_saved button").click()  # the combobox's Open button
                third.page.get_by_role("option", name=QUERY_NAME).click()
            assert third.page.locator(".st-key-explorer_sql textarea").input_value() == QUERY
            third.assert_no_exception()
            third.assert_offline()
    finally:
        context.close()
