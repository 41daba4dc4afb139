"""The notify command against a real HTTP receiver on 127.0.0.1: each holder receives exactly her own
list, with no field beyond NOTIFY_FIELDS and no resident's personal value; failures are retried, then
reported with a non-zero exit; --out writes the same lists as files."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import duckdb
import pytest

from analytics import db
from analytics.overdue import notify
from analytics.overdue.__main__ import main
from tests.conftest import ROOT
from tests.unit import overdue_world as world

AT = "2024-06-30 10:00:01"


class Receiver:
    """A message gateway on 127.0.0.1: records every POST; answers with the queued codes, then 200."""

    def __init__(self) -> None:
        self.received: list[dict] = []
        self.headers: list[dict] = []
        self.codes: list[int] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    code = receiver.codes.pop(0) if receiver.codes else 200
                    if code == 200:
                        receiver.received.append(json.loads(body.decode("utf-8")))
                        receiver.headers.append(dict(self.headers))
                self.send_response(code)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook?token=secret"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    found = Receiver()
    yield found
    found.close()


@pytest.fixture
def world_db(tmp_path) -> Path:
    path = tmp_path / "world.duckdb"
    con = duckdb.connect(str(path))
    db.create_schema(con)
    world.build(con)
    con.close()
    return path


def expected_lists() -> dict[str, set[str]]:
    """The oracle: per community, the open matters at AT overdue or due within 7 days."""
    at = dt.datetime.fromisoformat(AT)
    found: dict[str, set[str]] = {}
    for case_id, community, category, urgent, reported, closed, *_ in world.MATTERS:
        if reported > at or (closed is not None and closed <= at):
            continue
        if world.due(category, urgent, reported, changed=False) - at <= dt.timedelta(days=7):
            found.setdefault(community, set()).add(case_id)
    return found


PERSONAL = {value for m in world.MATTERS for value in m[6:] if value}


def test_each_holder_receives_exactly_her_list(world_db, receiver, capsys):
    assert main(["notify", "--db", str(world_db), "--webhook", receiver.url, "--as-of", AT]) == 0
    expected = expected_lists()
    got = {m["holder"]["community_id"]: m for m in receiver.received}
    assert len(receiver.received) == len(expected) == 2  # one POST per holder
    assert {c: {x["case_id"] for x in m["matters"]} for c, m in got.items()} == expected
    for message in got.values():
        assert set(message) == {"holder", "as_of", "week_days", "counts", "matters"}
        assert set(message["holder"]) == set(notify.HOLDER_FIELDS)
        assert message["holder"]["role"] == "secretary"
        for matter in message["matters"]:
            assert set(matter) == set(notify.NOTIFY_FIELDS)
        statuses = [x["status"] for x in message["matters"]]
        assert message["counts"]["overdue"] == statuses.count("overdue")
        assert message["counts"]["due_soon"] == statuses.count("due_soon")
    assert got["C1"]["holder"]["community_name"] == "甲居民区" and got["C1"]["holder"]["grid_id"] == "G1"
    k07 = next(x for x in got["C1"]["matters"] if x["case_id"] == "K07")
    assert k07["status"] == "overdue" and k07["category"] == "dispute" and k07["urgent"] is True
    raw = json.dumps(receiver.received, ensure_ascii=False)
    assert not [value for value in PERSONAL if value in raw]  # no reporter name, phone or description
    assert all(h["Content-Type"].startswith("application/json") for h in receiver.headers)
    assert "2 of 2 holder lists sent" in capsys.readouterr().out


def test_the_webhook_from_the_environment_and_retries_after_server_errors(world_db, receiver, monkeypatch):
    monkeypatch.setenv(notify.ENV_WEBHOOK, receiver.url)
    receiver.codes = [503, 500]  # the first holder's list goes through on its third attempt
    assert main(["notify", "--db", str(world_db), "--as-of", AT]) == 0
    assert sorted(m["holder"]["community_id"] for m in receiver.received) == ["C1", "C2"]


def test_a_refused_list_is_reported_with_a_non_zero_exit(world_db, receiver, capsys):
    receiver.codes = [400]  # not repeated: the request itself is wrong
    assert main(["notify", "--db", str(world_db), "--webhook", receiver.url, "--as-of", AT]) == 1
    err = capsys.readouterr().err
    assert "HTTP 400" in err and "发送" in err and "已尝试 1 次" in err
    assert "secret" not in err  # the gateway's token is never printed
    assert len(receiver.received) == 1  # the other holder's list still went out


def test_an_unreachable_gateway_fails_after_its_attempts(world_db, capsys):
    closed = Receiver()
    url = closed.url
    closed.close()  # nothing listens there any more
    assert main(["notify", "--db", str(world_db), "--webhook", url, "--as-of", AT, "--timeout", "5"]) == 1
    err = capsys.readouterr().err
    assert err.count("已尝试 3 次") == 2 and "请检查网关地址与网络" in err


def test_wrong_addresses_and_nowhere_to_send(world_db, capsys):
    assert main(["notify", "--db", str(world_db), "--webhook", "ftp://example.org/x", "--as-of", AT]) == 1
    assert "http://" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exit_:
        main(["notify", "--db", str(world_db)])
    assert exit_.value.code == 2
    assert main(["notify", "--db", str(world_db.parent / "missing.duckdb"), "--out", "x"]) == 1


def test_files_for_e_mail_hold_the_same_lists(world_db, receiver, tmp_path):
    out = tmp_path / "lists"
    assert main(["notify", "--db", str(world_db), "--webhook", receiver.url, "--out", str(out), "--as-of", AT]) == 0
    for message in receiver.received:
        community = message["holder"]["community_id"]
        assert json.loads((out / f"{community}.json").read_text(encoding="utf-8")) == message
        body = (out / f"{community}.txt").read_text(encoding="utf-8")
        assert message["holder"]["community_name"] in body
        assert all(m["case_id"] in body for m in message["matters"])
        assert not [value for value in PERSONAL if value in body]
        assert (out / f"{community}.json").stat().st_mode & 0o077 == 0


def test_the_command_runs_as_a_process(world_db, receiver):
    done = subprocess.run(
        [sys.executable, "-m", "analytics.overdue", "notify", "--db", str(world_db), "--as-of", AT],
        cwd=ROOT,
        env={**os.environ, notify.ENV_WEBHOOK: receiver.url},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert sorted(m["holder"]["community_id"] for m in receiver.received) == ["C1", "C2"]
