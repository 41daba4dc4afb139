"""An English session reads the project's errors in English: the refusal carries a catalog message and
the page shows it in the session's language (ui.i18n.said), also after a language switch.

AppTest (streamlit 1.67) reads widgets' format_func outside the session, in Chinese, so after one run in
English it cannot find the English labels again (see test_explore.test_in_english): each test reaches
the console in Chinese and makes exactly one run in English, its last."""

import re

import words
from tests.app.helpers import run_page
from ui.contest_view import md  # the console shows the engine's words as inert text

PAGE = "app_pages/explorer.py"
HAN = re.compile(r"[\u4e00-\u9fff]")


def _console_with(sql):
    at = run_page(PAGE)
    at.segmented_control(key="explorer_section").set_value("console").run()
    at.text_area(key="explorer_sql").set_value(sql).run()
    return at


def test_an_english_session_gets_a_refused_console_query_in_english(app_db):
    at = _console_with("DROP TABLE grids")
    at.session_state["lang"] = "en"
    at.button(key="explorer_run").click().run()
    assert not at.exception
    shown = [e.value for e in at.error]
    assert shown == [md(words.text("err.console.statement", "en", kind="DROP"))], shown
    assert shown[0].startswith("Refused: the console runs only queries") and not HAN.search(shown[0])


def test_a_kept_refusal_follows_a_switch_to_english(app_db):
    at = _console_with("SELECT 1; SELECT 2")
    at.button(key="explorer_run").click().run()
    assert [e.value for e in at.error] == [
        md("一次只能运行一条语句，这里有 2 条。请删去多余的语句（分号后面的部分）。")
    ]
    at.session_state["lang"] = "en"
    at.run()  # no new query: the refusal kept from the last run is shown again, now in English
    assert not at.exception
    assert [e.value for e in at.error] == [
        md(
            "Only one statement can run at a time, and there are 2 here. Delete the extra ones (what follows the semicolon)."
        )
    ]
