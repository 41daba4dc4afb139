"""The packages' one-way order (docs/architecture.md), read from every module's imports.

Each unit below may import only units on a lower floor, and modules of its own unit; modules never
import each other in a circle; and a project import inside a function is allowed only where the reason
is written in ALLOWED_LATE below (none today) — an import hidden in a function to dodge a circle is the
circle still there.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

# From the ground floor up; units on one floor may not import each other.
FLOORS: list[tuple[str, ...]] = [
    ("words",),  # the catalog of every user-facing string: below both analytics and ui
    ("analytics", "analytics.core"),  # the package itself imports nothing
    ("analytics.lake",),  # the lake's layout, export and DuckDB reader (analytics.lake.*, but:)
    ("analytics.access",),
    ("analytics.warehouse",),
    ("analytics.funnel", "analytics.places", "analytics.overview"),
    ("analytics.seeds", "analytics.cases", "analytics.geo"),
    ("analytics.grids", "analytics.overdue"),
    ("analytics.contest", "analytics.compare"),
    (
        "analytics.showcase",
        "analytics.explore",
        "analytics.district",
        "analytics.lake.derive",
    ),  # derive: the lake's refresh
    ("analytics.refresh", "analytics.briefing", "analytics.lake.serving"),  # serving: a replica's view of the lake
    ("analytics.demo", "analytics.ingest"),
    ("analytics.lake.load",),  # a 街镇's ledger into the lake, through the importer
    ("analytics.db", "analytics.filters", "analytics.rollups", "analytics.lake.__main__"),  # entry points
    ("ui",),
    ("app_pages",),
    ("app", "serve"),  # serve.py: the same app as a replica behind a proxy, with readiness answers
]
FLOOR = {unit: i for i, units in enumerate(FLOORS) for unit in units}
# module -> the project modules it imports inside a function, and why (measured start-up reasons only)
ALLOWED_LATE: dict[str, dict[str, str]] = {
    "analytics.lake.derive": {
        "analytics.warehouse.dialect": "loads pyspark: only the Spark engine needs it, and analytics.refresh "
        "(imported by the importer, so by every page) imports derive (tests/unit/test_dialect.py)"
    },
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def unit_of(module: str) -> str:
    for size in range(len(module.split(".")), 0, -1):
        prefix = ".".join(module.split(".")[:size])
        if prefix in FLOOR:
            return prefix
    raise AssertionError(f"{module} is on no floor: add it to FLOORS in {Path(__file__).name}")


def project_modules() -> dict[str, Path]:
    found = {}
    for folder in ("words", "analytics", "ui", "app_pages"):
        for path in (ROOT / folder).rglob("*.py"):
            found[module_name(path)] = path
    found["app"] = ROOT / "app.py"
    found["serve"] = ROOT / "serve.py"
    return found


MODULES = project_modules()


def imports(path: Path, module: str) -> list[tuple[str, bool]]:
    """(imported project module, inside a function?) for every import of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            late = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                base = child.module or ""
                if child.level:
                    base = ".".join([*package.split(".")[: len(package.split(".")) - child.level + 1], base]).strip(".")
                # `from pkg import mod` names a module when pkg.mod is one
                names = [f"{base}.{a.name}" if f"{base}.{a.name}" in MODULES else base for a in child.names]
            for name in names:
                while name and name not in MODULES:
                    name = name.rpartition(".")[0]
                if name and name != module:
                    found.append((name, in_function))
            visit(child, late)

    visit(tree, False)
    return found


GRAPH = {module: imports(path, module) for module, path in MODULES.items()}


def test_every_module_is_on_a_floor():
    for module in MODULES:
        unit_of(module)


def test_imports_run_down_the_floors():
    wrong = []
    for module, found in GRAPH.items():
        mine = unit_of(module)
        for target, _ in found:
            theirs = unit_of(target)
            if theirs != mine and FLOOR[theirs] >= FLOOR[mine]:
                wrong.append(f"{module} -> {target} ({mine} floor {FLOOR[mine]}, {theirs} floor {FLOOR[theirs]})")
    assert not wrong, "imports that run up or across a floor:\n" + "\n".join(sorted(set(wrong)))


def test_no_project_import_hides_in_a_function():
    late = [
        f"{module} -> {target}"
        for module, found in GRAPH.items()
        for target, in_function in found
        if in_function and target not in ALLOWED_LATE.get(module, {})
    ]
    assert not late, "imports inside functions:\n" + "\n".join(sorted(set(late)))


def test_no_module_imports_itself_through_a_circle():
    edges = {m: {t for t, _ in found} for m, found in GRAPH.items()}
    state: dict[str, int] = {}
    stack: list[str] = []
    circles = []

    def walk(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                circles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            walk(node)
    assert not circles, "circles: " + "; ".join(" -> ".join(c) for c in circles)


@pytest.mark.parametrize(
    "name",
    [
        "analytics.db.connect",
        "analytics.db.create_schema",
        "analytics.demo.build",
        "analytics.filters.Filters",
        "analytics.grids.grid_summary",
        "analytics.seeds.uptake",
        "analytics.cases.resolution",
        "analytics.contest.ranking",
        "analytics.ingest.import_file",
        "analytics.showcase.build",
        "analytics.explore.run_readonly",
        "analytics.access.Scope",
        "analytics.access.main",
        "analytics.refresh.main",
        "analytics.rollups.main",
    ],
)
def test_the_documented_names_stay_where_they_are_documented(name):
    import importlib

    module, _, attr = name.rpartition(".")
    assert callable(getattr(importlib.import_module(module), attr))


def test_the_reader_sees_late_relative_and_package_imports(tmp_path, monkeypatch):
    """The checks above can fail: the reader finds an import in a function, a relative import and a
    `from package import module`."""
    fake = ROOT / "analytics" / "core" / "__probe__.py"
    source = "from . import sql\n\ndef f():\n    from analytics.contest import scoring\n"
    monkeypatch.setitem(MODULES, "analytics.core.__probe__", fake)
    monkeypatch.setattr(Path, "read_text", lambda self, encoding=None: source)
    assert imports(fake, "analytics.core.__probe__") == [
        ("analytics.core.sql", False),
        ("analytics.contest.scoring", True),
    ]


def test_the_parse_workers_preload_stays_light():
    """The importer's parse workers fork from a server that has imported analytics.ingest.reading, and
    a worker's memory ceiling counts from what it has mapped at its start: free memory left behind by
    heavy imports (scipy's, plotly's) would let a hostile file parse beyond the ceiling."""
    import subprocess
    import sys

    heavy = "{'scipy', 'plotly', 'streamlit', 'shapely', 'sklearn'}"
    probe = f"import sys, analytics.ingest.reading; print(sorted({{m.split('.')[0] for m in sys.modules}} & {heavy}))"
    found = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    ).stdout.strip()
    assert found == "[]", f"analytics.ingest.reading brings {found}"
