"""Stored results carry an explicit version, bumped with their definition.

The rollups (analytics.warehouse.rollups.VERSION), the stored contest rankings
(analytics.contest.scoring.VERSION) and the stored stage-vs-work record (analytics.contest.work.VERSION)
are read only while the version recorded with them is the code's. Nothing at runtime looks at the
definitions' text: this test does. It holds the fingerprint of each definition as it was when its
version was given, and fails when the definition changes and the version does not.

When it fails: if the change can change a stored answer, bump the VERSION (every database then rebuilds
at its next refresh and computes afresh until then) and record the new fingerprint under the new
version; if it cannot (a renamed variable, a comment), record the new fingerprint under the same version.
Fingerprints ignore layout, comments and docstrings: `ruff format` never trips them.
"""

from __future__ import annotations

import ast
import datetime as dt
import hashlib
import inspect
import pathlib
import textwrap

import pytest

from analytics.contest import scoring, work
from analytics.warehouse import rollups, source

# version → fingerprint of the definition it was given for (keep the old ones: the history of changes)
RECORDED = {
    # v2: every rollup row names its community's town (town_code), sorted town by town
    "rollups": {1: "5bcb875b0919361e", 2: "66e4a173580c6172"},
    # v1 recorded again when the queries were composed with Sql: the same SQL and values, diffed on the demo;
    # and again for annotations only (the connection parameters, and `if matrix is not None` for
    # `if resamples`: the matrix exists exactly when resamples are asked for)
    "contest rankings": {1: "8aa2c46767f1e472"},
    # v1 recorded again when a town's rows were kept by the rollups' town_code instead of a join with its
    # communities: the same rows (a rollup's town is its community's), diffed on the district world
    "contest work": {1: "82053c1fd0deb9b1"},
}


def _sql(text: str) -> str:
    """SQL without its layout."""
    return " ".join(text.split())


def _code(fn) -> str:
    """A function's syntax tree without docstrings: what it does, not how it is laid out or explained."""
    tree = ast.parse(textwrap.dedent(inspect.getsource(fn)))
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None), ast.Constant):
                if isinstance(body[0].value.value, str):
                    node.body = body[1:] or [ast.Pass()]
    return ast.dump(tree, annotate_fields=False)


def _fingerprint(parts: list[str]) -> str:
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def rollups_definition() -> str:
    return _fingerprint([f"{table}:{_sql(sql)}" for table, sql in rollups._BUILDS.items()])


def rankings_definition() -> str:
    return _fingerprint([repr(scoring._SCORING_CONSTANTS)] + [_code(fn) for fn in scoring._SCORING_CODE])


def work_definition() -> str:
    window = scoring.round_window(dt.date(2024, 6, 15), work.STORED_MONTHS)
    record = work._record_ctes("R", *window, None, source.ROLLUPS)
    return _fingerprint(
        [repr(work.STORED_MONTHS), _sql(work._FINAL_SQL), _code(scoring.round_window), _sql(record.text)]
    )


DEFINITIONS = {
    "rollups": ("analytics.warehouse.rollups.VERSION", lambda: rollups.VERSION, rollups_definition),
    "contest rankings": ("analytics.contest.scoring.VERSION", lambda: scoring.VERSION, rankings_definition),
    "contest work": ("analytics.contest.work.VERSION", lambda: work.VERSION, work_definition),
}


@pytest.mark.parametrize("name", list(DEFINITIONS))
def test_a_definition_changes_only_with_its_version(name):
    constant, version, definition = DEFINITIONS[name]
    recorded = RECORDED[name]
    now = definition()
    assert version() in recorded, (
        f"{constant} = {version()} has no recorded fingerprint: record {now!r} for it in RECORDED ({__file__})"
    )
    assert recorded[version()] == now, (
        f"definition {name} changed: bump {constant} and record the new fingerprint {now!r} for the new "
        f"version in RECORDED ({__file__}) — or, if the change cannot change a stored answer, record it "
        f"under version {version()}"
    )


def test_versions_only_grow():
    for name, (constant, version, _) in DEFINITIONS.items():
        assert isinstance(version(), int) and version() >= max(RECORDED[name]), constant


def test_the_fingerprints_see_changes_but_not_layout():
    """A changed SQL keyword or a changed line of code moves the fingerprint; layout does not."""
    assert _sql("SELECT a,\n       b FROM t") == _sql("SELECT a, b   FROM t")
    assert _sql("SELECT a FROM t WHERE x >= 4") != _sql("SELECT a FROM t WHERE x > 4")

    def one(x):
        """Said one way."""
        return x >= 5  # a comment

    def two(x):
        """Said another way."""
        return x >= 5

    def three(x):
        return x > 5

    assert _code(one).replace("one", "f") == _code(two).replace("two", "f")
    assert _code(one).replace("one", "f") != _code(three).replace("three", "f")


def test_no_stored_result_hashes_source_text():
    """Runtime versions are constants: nothing under analytics/ reads its own source to key a cache."""
    root = pathlib.Path(scoring.__file__).resolve().parents[1]
    offenders = [
        str(path.relative_to(root.parent))
        for path in root.rglob("*.py")
        if "getsource" in path.read_text(encoding="utf-8") or "co_code" in path.read_text(encoding="utf-8")
    ]
    assert offenders == []
