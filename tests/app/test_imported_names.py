"""Names that come from imported files (communities, partners, service items) show as text on every page:
a name written as a markdown link or image renders as those characters, never as a link or an image
that the browser would fetch."""

import duckdb
import pytest

from analytics import db
from analytics.demo import generate as demo
from analytics.demo import world as demo_world
from tests.app.helpers import run_page

PAGES = ["overview", "cases", "seeds", "grid_map", "contest", "showcase", "explorer"]
SHOWN = ("markdown", "caption", "subheader", "title", "header", "success", "info", "warning", "error", "toast")


@pytest.fixture(scope="module")
def named_world(tmp_path_factory):
    """The demo world with every community named as an importer might have been sent it."""
    path = tmp_path_factory.mktemp("named") / "named.duckdb"
    real_short, real_full = demo_world.short_name, demo_world.full_name
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(demo_world, "short_name", lambda name: "[x](http://e.com)" + real_short(name))
        patch.setattr(demo_world, "full_name", lambda name: "![y](http://e.com/a.png)" + real_full(name))
        patch.setattr(
            demo_world,
            "PARTNERS",
            [(pid, "[x](http://e.com)" + name, *rest) for pid, name, *rest in demo_world.PARTNERS],
        )
        patch.setattr(
            demo_world,
            "SERVICE_ITEMS",
            [(iid, colour, "[x](http://e.com)" + name, *rest) for iid, colour, name, *rest in demo_world.SERVICE_ITEMS],
        )
        con = duckdb.connect(str(path))
        db.create_schema(con)
        demo.build(con, scale=0.1)
        con.close()
    return path


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_imported_community_names_render_as_text(named_world, tmp_path, monkeypatch, page):
    path = tmp_path / "app.duckdb"
    path.write_bytes(named_world.read_bytes())
    monkeypatch.setenv(db.ENV_DB_PATH, str(path))
    at = run_page(f"app_pages/{page}.py")
    assert not at.exception
    shown = [str(element.value) for kind in SHOWN for element in getattr(at, kind)]
    if page in ("seeds", "contest", "showcase"):  # these write community names in text: escaped, so still there
        assert any("x\\]" in text or "y\\]" in text for text in shown)
    assert not [text for text in shown if "[x](" in text or "![y](" in text]
