"""A replica's readiness (ui/health.py, served by serve.py as /readyz) and the watcher's upstream list
(deploy/cluster.py): a replica that cannot read its data or reach the store is not ready, a hung check
is a "no" within its time limit, and a replica not ready stays in nginx's list as `down`."""

from __future__ import annotations

import importlib.util
import threading
import time

from tests import postgres
from ui import health

ROOT = health.__file__.rsplit("/ui/", 1)[0]
_spec = importlib.util.spec_from_file_location("cluster", f"{ROOT}/deploy/cluster.py")
assert _spec and _spec.loader
cluster = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(cluster)


def test_ready_when_every_check_says_ok():
    answer = health.readiness({"data": lambda: "ok", "store": lambda: "ok"})
    assert answer.ready and answer.checks == {"data": "ok", "store": "ok"}


def test_a_failing_or_hung_check_is_not_ready_within_the_limit():
    release = threading.Event()

    def hangs() -> str:
        release.wait(30)
        return "ok"

    def fails() -> str:
        raise OSError("disk gone")

    started = time.monotonic()
    answer = health.readiness({"data": hangs, "store": fails}, timeout=0.5)
    release.set()
    assert not answer.ready and time.monotonic() - started < 5
    assert answer.checks == {"data": "no answer within 0.5 s", "store": "OSError: disk gone"}


def test_an_unreachable_store_makes_the_replica_not_ready(monkeypatch):
    port = postgres._free_port()
    monkeypatch.setenv("JIANGCHUAN_STORE", f"postgresql://postgres:pw@127.0.0.1:{port}/postgres")
    monkeypatch.setenv("JIANGCHUAN_STORE_TIMEOUT", "2")
    answer = health.readiness({"store": health.CHECKS["store"]})
    assert not answer.ready and answer.checks["store"].startswith("StoreBusy") and ":pw@" not in str(answer.checks)


def test_a_replica_not_ready_stays_in_the_list_marked_down():
    text = cluster.upstream_text({"127.0.0.1:8501": True, "127.0.0.1:8502": False})
    assert text == (
        "server 127.0.0.1:8501 max_fails=1 fail_timeout=5s;\nserver 127.0.0.1:8502 max_fails=1 fail_timeout=5s down;\n"
    )


def test_the_upstream_file_is_rewritten_only_when_it_changes(tmp_path):
    path = tmp_path / "upstream.conf"
    assert cluster.write_if_changed(path, "a\n") and not cluster.write_if_changed(path, "a\n")
    assert cluster.write_if_changed(path, "b\n") and path.read_text() == "b\n"
