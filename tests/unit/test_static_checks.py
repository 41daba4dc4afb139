"""The checks a reviewer would run by hand, run by the suite so that CI (which runs only pytest) runs
them: mypy with the configuration in pyproject.toml (analytics/ and ui/, strict on analytics.core),
`ruff format --check` and `ruff check` over the whole tree. Each failure shows the tool's own report."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )


@pytest.mark.slow
def test_mypy_is_clean() -> None:
    # The files, the strictness and the cache (.mypy_cache, so a second run takes seconds) all come
    # from pyproject.toml, so this is the same check as a plain `python -m mypy` in the project root.
    result = _run("mypy", "--config-file", "pyproject.toml")
    assert result.returncode == 0, f"mypy found problems:\n{result.stdout}{result.stderr}"


def test_ruff_format_leaves_every_file_as_it_is() -> None:
    result = _run("ruff", "format", "--check", ".")
    assert result.returncode == 0, f"run `ruff format .`; these files would change:\n{result.stdout}{result.stderr}"


def test_ruff_check_is_clean() -> None:
    result = _run("ruff", "check", ".")
    assert result.returncode == 0, f"ruff check found problems:\n{result.stdout}{result.stderr}"
