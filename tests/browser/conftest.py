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
from contextlib import contextmanager
from pathlib import Path

import pytest

from analytics import db
from tests.conftest import ROOT, artifact

CHROMIUM = Path(os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def app_url(demo_db_path, tmp_path_factory):
    if not CHROMIUM.exists():
        pytest.skip(
            f"no Chromium at {CHROMIUM}: install Debian's chromium (apt-get install chromium) "
            "or set CHROMIUM_PATH to run the browser tests"
        )
    path = tmp_path_factory.mktemp("browser") / "app.duckdb"
    shutil.copy(demo_db_path, path)
    with running_app({db.ENV_DB_PATH: str(path)}, path.parent / "server.log") as base:
        yield base


@contextmanager
def running_app(env: dict[str, str], log_path: Path):
    """`streamlit run app.py` on a free port with these environment variables; yields its address once
    its health check answers, stops it afterwards."""
    port = _free_port()
    with open(log_path, "w") as log:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "streamlit",
                "run",
                "app.py",
                "--server.headless",
                "true",
                "--server.port",
                str(port),
                "--server.address",
                "127.0.0.1",
                "--browser.gatherUsageStats",
                "false",
            ],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    urllib.request.urlopen(base + "/_stcore/health", timeout=2)
                    break
                except OSError:
                    if server.poll() is not None or time.monotonic() > deadline:
                        pytest.fail(f"the app did not answer its health check; see {log_path}")
                    time.sleep(0.25)  # polling the health check, not waiting for a guess
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


# How long a test waits for the app's own signals. Generous: a loaded 2-core machine runs a page's script
# in seconds, and a first view also imports Plotly or pydeck.
SIGNAL_MS = 120_000
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning'][data-test-connection-state='CONNECTED']"

# Counts script runs that ENDED since the observer was armed (the attribute left "running"). A widget
# change does not flip the state at once (the browser sends the rerun and the server answers), so "idle"
# right after a click may still be the state before it; a finished run is the signal that cannot race.
_ARM_RUN_COUNTER = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    window.__finishedRuns = 0;
    if (window.__runObserver) window.__runObserver.disconnect();
    window.__runObserver = new MutationObserver(records => {
        for (const r of records) if (r.oldValue === 'running') window.__finishedRuns += 1;
    });
    window.__runObserver.observe(app, {attributes: true, attributeOldValue: true,
                                        attributeFilter: ['data-test-script-state']});
}"""
_RUN_FINISHED = f"""() => window.__finishedRuns > 0 && document.querySelector("{IDLE}") !== null"""

# Every Plotly chart that is mounted has drawn its SVG (Streamlit mounts charts below the fold only once
# they are scrolled to, so only mounted ones are asked for).
_PLOTS_DRAWN = """() => [...document.querySelectorAll("[data-testid='stPlotlyChart']")]
    .every(c => c.querySelector('.js-plotly-plot') === null || c.querySelector('.main-svg') !== null)"""


class TrackedPage:
    """A browser page that records requests leaving the app's own origin and console errors, and waits
    only on the app's own readiness signals: Streamlit's script state on its root element (`initial`,
    `running`, `notRunning`) and connection state, the elements a test needs, charts drawn. Never on
    network idleness (the map's worker keeps a `blob:` request open for the page's life in current
    Chromium) and never on fixed sleeps."""

    def __init__(self, page, base: str):
        self.page, self.base = page, base
        self.outside: list[str] = []
        self.console_errors: list[str] = []
        page.set_default_timeout(SIGNAL_MS)
        page.on("request", self._on_request)
        page.on("console", lambda m: self.console_errors.append(m.text) if m.type == "error" else None)

    def _on_request(self, request):
        if not request.url.startswith((self.base, "data:", "blob:", "about:")):
            self.outside.append(request.url)

    def open(self, path: str = "", *, wait_for_text: str | None = None):
        """Navigate and return once the page's first script run has finished and, if given, the text the
        test needs is visible (a page may rerun once it has drawn, so idleness is asked for again)."""
        self.page.goto(f"{self.base}/{path.lstrip('/')}", wait_until="domcontentloaded")
        self.idle()
        if wait_for_text:
            self.page.get_by_text(wait_for_text, exact=False).first.wait_for(state="visible")
            self.idle()
        assert self.page.get_by_text("Page not found").count() == 0, f"no page at /{path}"
        return self.page

    def idle(self):
        """Streamlit has connected, run the script at least once and is not running it now."""
        self.page.locator(IDLE).wait_for(state="attached")
        self.page.wait_for_function(_PLOTS_DRAWN, polling=200)

    @contextmanager
    def rerun(self):
        """Around an action that makes the app rerun (a widget, a click on a chart, a resize that mounts
        charts): returns once a script run has finished after the action and the app is idle."""
        self.page.evaluate(_ARM_RUN_COUNTER)
        yield
        self.page.wait_for_function(_RUN_FINISHED, polling=100)
        self.idle()

    def settled_screenshot(self, name: str, **kwargs):
        """A screenshot once the app is idle and every mounted chart has drawn."""
        self.idle()
        self.page.screenshot(path=str(artifact(name)), **kwargs)

    def assert_no_exception(self):
        assert self.page.locator("[data-testid='stException']").count() == 0

    def assert_offline(self):
        assert not self.outside, f"requests left the machine: {sorted(set(self.outside))}"


# The element lies wholly inside the window (and inside the screen's width when a sidebar slides in).
_WHOLLY_VISIBLE = """e => { const r = e.getBoundingClientRect();
    return r.width > 0 && r.left >= 0 && r.top >= 0 && r.right <= innerWidth + 1 && r.bottom <= innerHeight + 1; }"""


def open_list(page, combobox) -> None:
    """Open a Streamlit selectbox's list as a user does: with the box wholly in view, tap it, and return once
    the list shows. Its list is a non-modal popover that closes on any scroll of what holds the box; a box
    tapped half below the fold is scrolled into view by the browser as it takes focus, and that scroll shut
    the list as it opened (one run in six on a phone's sidebar). So it is scrolled there first and tapped
    only once it lies wholly inside the window and has stopped sliding (fails after SIGNAL_MS)."""
    combobox.scroll_into_view_if_needed()
    page.wait_for_function(_WHOLLY_VISIBLE, arg=combobox.element_handle(), polling=100)
    combobox.click()
    page.get_by_role("listbox").wait_for(state="visible")


@pytest.fixture
def tracked(browser, app_url):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page = TrackedPage(context.new_page(), app_url)
    yield page
    context.close()
