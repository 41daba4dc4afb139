"""A district deployment on one machine, every part on 127.0.0.1: PostgreSQL (the shared store of
accounts, sessions, sign-in limits, the audit trail and saved console queries), N app replicas
(`streamlit run serve.py`), nginx in front of them (sticky per browser, websocket upgrade, a replica taken out while its /readyz
says no), and a Spark master and worker for the refresh over the lake.

    python deploy/cluster.py start [--replicas 2] [--port 8500] [--state deploy/run] --lake DIR
    python deploy/cluster.py check [--state deploy/run]     # each part's state; exit 0 when all are up
    python deploy/cluster.py stop  [--state deploy/run]

What a city IT department adapts instead (systemd units, the nginx site, the environment) is in
deploy/systemd/, deploy/nginx/ and deploy/README.md; this script is the same arrangement started by
hand, for trying it out and for the tests (tests/browser/test_cluster_browser.py).
"""

from __future__ import annotations

import argparse
import contextlib
import glob
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WATCH_EVERY_S = 1.0
START_TIMEOUT_S = 240.0


# ---------------------------------------------------------------------------------------------
# small helpers
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _as_postgres(argv: list[str]) -> list[str]:
    """PostgreSQL refuses to run as root; as root (a container, CI) its programs run as `postgres`."""
    return ["runuser", "-u", "postgres", "--", *argv] if os.geteuid() == 0 else argv


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    if not found:
        raise SystemExit("PostgreSQL is not installed (Debian: apt-get install postgresql)")
    return Path(found[-1]).parent


def _spark_class() -> Path:
    import pyspark

    return Path(pyspark.__file__).parent / "bin" / "spark-class"


def _spawn(argv: list[str], log: Path, env: dict[str, str] | None = None, cwd: Path = ROOT) -> int:
    """Start a long-running part detached from this command (its own session), output to `log`."""
    with open(log, "ab") as out:
        process = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=cwd, start_new_session=True)
    return process.pid


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:  # a zombie child of this very process is not alive
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False


def http_status(url: str, timeout: float = 3.0) -> int | None:
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as exc:
        return int(exc.code)
    except (OSError, ValueError):
        return None


def _wait(what: str, ready: Callable[[], bool], timeout: float = START_TIMEOUT_S) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(0.5)
    raise SystemExit(f"{what} did not come up within {timeout:.0f} s")


# ---------------------------------------------------------------------------------------------
# the state of a running cluster: state/cluster.json
class State:
    def __init__(self, folder: Path):
        self.folder = folder.resolve()
        self.file = self.folder / "cluster.json"

    def load(self) -> dict:
        return json.loads(self.file.read_text()) if self.file.exists() else {}

    def save(self, state: dict) -> None:
        tmp = self.file.with_suffix(".tmp")
        tmp.write_text(json.dumps(state, indent=2))
        tmp.replace(self.file)


# ---------------------------------------------------------------------------------------------
# parts
def start_postgres(folder: Path) -> dict:
    programs = _postgres_bin()
    home = folder / "postgres-home"
    if os.geteuid() == 0:
        # run as `postgres`, which may not pass through the state folder's parents (a root-only /tmp
        # folder, a home directory): its files go to a folder of its own, removed by `stop`
        home = Path(tempfile.mkdtemp(prefix="jc-cluster-postgres-"))
        shutil.chown(home, "postgres")
    home.mkdir(exist_ok=True)
    data, sockets = home / "data", home / "sockets"
    sockets.mkdir(exist_ok=True)
    if os.geteuid() == 0:
        shutil.chown(sockets, "postgres")
    port = free_port()
    if not (data / "PG_VERSION").exists():
        subprocess.run(
            _as_postgres([str(programs / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"]),
            check=True,
            capture_output=True,
            timeout=180,
        )
    options = f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1 -c max_connections=300"
    subprocess.run(
        _as_postgres(
            [
                str(programs / "pg_ctl"),
                "-D",
                str(data),
                "-o",
                options,
                "-l",
                str(home / "postgres.log"),
                "-w",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
        timeout=180,
    )
    return {
        "port": port,
        "home": str(home),
        "data": str(data),
        "dsn": f"postgresql://postgres@127.0.0.1:{port}/postgres",
    }


def start_spark(folder: Path) -> dict:
    spark_class = str(_spark_class())
    master_port, ui_port, worker_ui = free_port(), free_port(), free_port()
    env = {**os.environ, "SPARK_LOCAL_IP": "127.0.0.1", "SPARK_LOG_DIR": str(folder)}
    master = _spawn(
        [
            spark_class,
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            str(master_port),
            "--webui-port",
            str(ui_port),
        ],
        folder / "spark-master.log",
        env,
    )
    url = f"spark://127.0.0.1:{master_port}"
    worker = _spawn(
        [
            spark_class,
            "org.apache.spark.deploy.worker.Worker",
            url,
            "--host",
            "127.0.0.1",
            "--cores",
            "1",
            "--memory",
            "2g",
            "--webui-port",
            str(worker_ui),
            "--work-dir",
            str(folder / "spark-work"),
        ],
        folder / "spark-worker.log",
        env,
    )
    return {"master_pid": master, "worker_pid": worker, "url": url, "ui": f"http://127.0.0.1:{ui_port}"}


def replica_env(state: dict, index: int) -> dict[str, str]:
    env = {
        **os.environ,
        "JIANGCHUAN_STORE": state["postgres"]["dsn"],
        "JIANGCHUAN_TRUST_PROXY": "1",
        "JIANGCHUAN_REPLICA": f"r{index}",
    }
    env["JIANGCHUAN_LAKE"] = state["lake"]
    return env


def start_replica(state: dict, folder: Path, index: int, port: int | None = None) -> dict:
    port = port or free_port()
    pid = _spawn(
        [
            PYTHON,
            "-m",
            "streamlit",
            "run",
            "serve.py",
            "--server.port",
            str(port),
            "--server.address",
            "127.0.0.1",
            "--server.headless",
            "true",
        ],
        folder / f"replica-{index}.log",
        replica_env(state, index),
    )
    return {"index": index, "port": port, "pid": pid}


def nginx_conf(folder: Path, port: int) -> str:
    """The local cluster's whole nginx configuration: deploy/nginx/jiangchuan.conf (the site a city IT
    department installs) inside a main block that keeps every file in the state folder."""
    site = (ROOT / "deploy" / "nginx" / "jiangchuan.conf").read_text(encoding="utf-8")
    site = site.replace("listen 80;", f"listen 127.0.0.1:{port};").replace(
        "/etc/nginx/jiangchuan-upstream.conf", str(folder / "upstream.conf")
    )
    user = "user root;\n" if os.geteuid() == 0 else ""
    return f"""{user}worker_processes 1;
daemon off;
pid {folder}/nginx.pid;
error_log {folder}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    access_log {folder}/nginx-access.log;
    client_body_temp_path {folder}/nginx-body;
    proxy_temp_path {folder}/nginx-proxy;
    fastcgi_temp_path {folder}/nginx-fastcgi;
    uwsgi_temp_path {folder}/nginx-uwsgi;
    scgi_temp_path {folder}/nginx-scgi;
{site}
}}
"""


def start_nginx(folder: Path, port: int) -> dict:
    conf = folder / "nginx.conf"
    conf.write_text(nginx_conf(folder, port))
    subprocess.run(["nginx", "-t", "-c", str(conf), "-p", str(folder)], check=True, capture_output=True, timeout=60)
    pid = _spawn(["nginx", "-c", str(conf), "-p", str(folder)], folder / "nginx.log")
    return {"pid": pid, "port": port, "conf": str(conf), "url": f"http://127.0.0.1:{port}"}


def ready_at(address: str) -> bool:
    return http_status(f"http://{address}/readyz", timeout=8.0) == 200


def upstream_text(ready: dict[str, bool]) -> str:
    """nginx's list of replicas (address → ready?): one not ready is kept in the list as `down`, so
    the consistent hash of the others' browsers does not move when it leaves and comes back."""
    return "".join(
        f"server {address} max_fails=1 fail_timeout=5s{'' if ok else ' down'};\n" for address, ok in ready.items()
    )


def write_if_changed(path: Path, text: str) -> bool:
    if path.exists() and path.read_text() == text:
        return False
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text)
    tmp.replace(path)
    return True


def watch(
    addresses: list[str],
    upstream: Path,
    reload: list[str],
    log: Path | None = None,
    keep_going: Callable[[], bool] = lambda: True,
) -> None:
    """The watcher: every second, ask each replica whether it is ready (/readyz) and keep nginx's
    upstream list to the ready ones, reloading nginx when it changes. A replica that is down,
    restarting, or cannot read its data or reach the store gets no new browsers until it can; nginx
    itself also skips one that refuses a connection between two looks (proxy_next_upstream)."""
    while keep_going():
        ready = {address: ready_at(address) for address in addresses}
        if write_if_changed(upstream, upstream_text(ready)):
            subprocess.run(reload, check=False, capture_output=True, timeout=60)
            if log:
                with open(log, "a") as out:
                    print(time.strftime("%H:%M:%S"), json.dumps(ready), file=out, flush=True)
        time.sleep(WATCH_EVERY_S)


def _addresses(state: dict) -> list[str]:
    return [f"127.0.0.1:{r['port']}" for r in state["replicas"]]


def _reload_command(state: dict) -> list[str]:
    return ["nginx", "-s", "reload", "-c", state["nginx"]["conf"], "-p", state["folder"]]


def watch_local(folder: Path) -> None:
    states = State(folder)
    state = states.load()
    watch(
        _addresses(state),
        folder / "upstream.conf",
        _reload_command(state),
        folder / "watch.log",
        keep_going=lambda: bool(states.load()) and not states.load().get("stopping"),
    )


# ---------------------------------------------------------------------------------------------
# commands
def start(args: argparse.Namespace) -> int:
    folder = Path(args.state).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    states = State(folder)
    if states.load():
        print(f"a cluster is already recorded in {folder}; stop it first", file=sys.stderr)
        return 1
    state: dict = {"folder": str(folder), "lake": str(Path(args.lake).resolve())}
    state["postgres"] = start_postgres(folder)
    states.save(state)
    if args.spark:
        state["spark"] = start_spark(folder)
        states.save(state)
    state["replicas"] = []
    for index in range(1, args.replicas + 1):
        state["replicas"].append(start_replica(state, folder, index))
        states.save(state)
    # nobody is ready yet: nginx answers 502 until the watcher has seen a replica ready
    write_if_changed(folder / "upstream.conf", upstream_text({a: False for a in _addresses(state)}))
    state["nginx"] = start_nginx(folder, args.port or free_port())
    states.save(state)
    state["watcher_pid"] = _spawn(
        [PYTHON, str(Path(__file__).resolve()), "watch", "--state", str(folder)], folder / "watch.log"
    )
    states.save(state)
    for replica in state["replicas"]:
        _wait(f"replica {replica['index']}", lambda r=replica: ready_at(f"127.0.0.1:{r['port']}"))
    _wait("nginx", lambda: http_status(state["nginx"]["url"] + "/readyz") == 200, timeout=60)
    print(
        json.dumps(
            {
                "url": state["nginx"]["url"],
                "replicas": [r["port"] for r in state["replicas"]],
                "store": state["postgres"]["dsn"],
                "spark": state.get("spark", {}).get("url"),
            }
        )
    )
    return 0


def check(args: argparse.Namespace) -> int:
    state = State(Path(args.state)).load()
    if not state:
        print("no cluster recorded", file=sys.stderr)
        return 1
    report = {
        "postgres": _pg_ready(state),
        "replicas": {r["index"]: _alive(r["pid"]) and ready_at(f"127.0.0.1:{r['port']}") for r in state["replicas"]},
        "nginx": http_status(state["nginx"]["url"] + "/healthz") == 200,
        "watcher": _alive(state["watcher_pid"]),
    }
    if "spark" in state:
        report["spark"] = _alive(state["spark"]["master_pid"]) and _alive(state["spark"]["worker_pid"])
    print(json.dumps(report))
    up = [v for k, v in report.items() if k != "replicas"] + [any(report["replicas"].values())]
    return 0 if all(up) else 1


def _pg_ready(state: dict) -> bool:
    done = subprocess.run(
        [str(_postgres_bin() / "pg_isready"), "-h", "127.0.0.1", "-p", str(state["postgres"]["port"])],
        capture_output=True,
        timeout=30,
    )
    return done.returncode == 0


def stop(args: argparse.Namespace) -> int:
    folder = Path(args.state).resolve()
    states = State(folder)
    state = states.load()
    if not state:
        return 0
    state["stopping"] = True
    states.save(state)
    pids = [state.get("watcher_pid"), state.get("nginx", {}).get("pid")]
    pids += [r["pid"] for r in state.get("replicas", [])]
    pids += [state.get("spark", {}).get(k) for k in ("worker_pid", "master_pid")]
    for pid in filter(None, pids):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGTERM)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and any(_alive(p) for p in filter(None, pids)):
        time.sleep(0.2)
    for pid in filter(None, pids):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
    if "postgres" in state:
        subprocess.run(
            _as_postgres(
                [str(_postgres_bin() / "pg_ctl"), "-D", state["postgres"]["data"], "-m", "fast", "-w", "stop"]
            ),
            capture_output=True,
            timeout=120,
        )
        if Path(state["postgres"]["home"]).name.startswith("jc-cluster-postgres-"):
            shutil.rmtree(state["postgres"]["home"], ignore_errors=True)
    states.file.unlink(missing_ok=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python deploy/cluster.py", description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    go = sub.add_parser("start")
    go.add_argument("--replicas", type=int, default=2)
    go.add_argument("--port", type=int, default=0, help="nginx's port (default: a free one)")
    go.add_argument("--state", default=str(ROOT / "deploy" / "run"))
    go.add_argument("--lake", required=True, help="the lake every replica serves, read-only")
    go.add_argument("--no-spark", dest="spark", action="store_false", help="leave out the Spark master and worker")
    for name in ("check", "stop"):
        sub.add_parser(name).add_argument("--state", default=str(ROOT / "deploy" / "run"))
    looker = sub.add_parser("watch", help="keep nginx's upstream list to the ready replicas")
    looker.add_argument("--state", help="the local cluster's state folder")
    looker.add_argument("--replicas", help="host:port,host:port,... (a real deployment)")
    looker.add_argument("--upstream", default="/etc/nginx/jiangchuan-upstream.conf")
    looker.add_argument("--reload", default="systemctl reload nginx")
    args = parser.parse_args(argv)
    if args.command == "watch":
        if args.state:
            watch_local(Path(args.state).resolve())
        else:
            watch(args.replicas.split(","), Path(args.upstream), args.reload.split())
        return 0
    return {"start": start, "check": check, "stop": stop}[args.command](args)


if __name__ == "__main__":
    raise SystemExit(main())
