"""Browser tests: `streamlit run app.py` on a free port against a copy of the demo world, driven by
Playwright with the system Chromium. Every request to a host other than the app's own is recorded,
and a test fails on any (the app must work on intranets with no internet)."""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from analytics import db
from tests.conftest import ROOT

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url(demo_db_path, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium) "
                    "or set CHROMIUM_PATH to run the browser tests")
    path = tmp_path_factory.mktemp("browser") / "app.duckdb"
    shutil.copy(demo_db_path, path)
    port = _free_port()
    log = open(path.parent / "server.log", "w")
    env = {**os.environ, db.ENV_DB_PATH: str(path)}
    server = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.5)
        else:
            pytest.fail("the app did not answer its health check; see " + str(path.parent / "server.log"))
        yield base
    finally:
        server.terminate()
        server.wait(timeout=15)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class TrackedPage:
    """A browser page that records requests leaving the app's own origin and console errors."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.outside: list[str] = []
        self.console_errors: list[str] = []
        page.on("request", self._on_request)
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)

    def _on_request(self, request):
        if not request.url.startswith((self.base, "data:", "blob:", "about:")):
            self.outside.append(request.url)

    def open(self, path: str = "", *, wait_for_text: str | None = None, timeout_ms: int = 60_000):
        self.page.goto(f"{self.base}/{path.lstrip('/')}", wait_until="networkidle")
        if wait_for_text:
            self.page.get_by_text(wait_for_text, exact=False).first.wait_for(timeout=timeout_ms)
        self.page.wait_for_timeout(1500)
        assert self.page.get_by_text("Page not found").count() == 0, f"no page at /{path}"
        return self.page

    def assert_no_exception(self):
        assert self.page.locator("[data-testid='stException']").count() == 0

    def assert_offline(self):
        assert not self.outside, f"requests left the machine: {sorted(set(self.outside))}"


@pytest.fixture
def tracked(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page = TrackedPage(context.new_page(), app_url)
    yield page
    context.close()
