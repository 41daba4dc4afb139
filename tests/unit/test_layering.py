"""The layering of docs/design.md: pages → ui → analytics → DuckDB."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.add(node.module.split(".")[0])
    return found


@pytest.mark.parametrize("folder, forbidden", [("app_pages", "duckdb"), ("ui", "duckdb"), ("analytics", "streamlit")])
def test_no_layer_reaches_past_its_neighbour(folder, forbidden):
    offenders = [str(p.relative_to(ROOT)) for p in (ROOT / folder).rglob("*.py") if forbidden in imports(p)]
    assert not offenders, f"{forbidden} imported in {offenders}"


def test_app_is_a_router_only():
    assert "duckdb" not in imports(ROOT / "app.py") and "analytics" not in imports(ROOT / "app.py")


def test_no_streamlit_autodiscovery_folder():
    assert not (ROOT / "pages").exists(), "page scripts live in app_pages/ (see app.py)"
