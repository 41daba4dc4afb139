"""An English session reads the project's errors in English: the refusal carries a catalog message and
the page shows it in the session's language (ui.i18n.said), also after a language switch.

AppTest (streamlit 1.67) reads widgets' format_func outside the session, in Chinese, so after one run in
English it cannot find the English labels again (see test_explore.test_in_english): each test reaches
the console in Chinese and makes exactly one run in English, its last."""

import re

import pytest

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


IMPORT_PAGE = "app_pages/data_import.py"


def test_an_english_session_gets_an_unreadable_file_refused_in_english(app_db, accounts_file):
    from analytics import access

    at = run_page(IMPORT_PAGE, session_state={"auth_account": access.load_accounts()["admin1"]})
    at.selectbox(key="import_kind").set_value("grid_cases").run()
    at.session_state["lang"] = "en"
    at.file_uploader(key="import_file").set_value(("乱码.csv", b"\x80\x81\xff\xfe garbage \x81\x00" * 10, "text/csv"))
    at.run()
    assert not at.exception
    [shown] = [e.value.replace("\\", "") for e in at.error]  # as written, without md()'s escapes
    assert shown.startswith("Cannot import: Cannot tell the text encoding of “乱码.csv”") and "CSV UTF-8" in shown
    assert not HAN.search(shown.replace("乱码", "")), shown


@pytest.mark.slow
def test_an_english_session_reads_the_rows_problems_and_notes_in_english(app_db, accounts_file):
    from analytics import access

    header = "事务编号,居民区,事务类别,上报时间,办结时间,办结层级,是否紧急,满意度\r\n"
    bad = (header + "Q1,火星新村,党建,2024-03-01,,,否,\r\nQ2,北街,党建,2024-02-30,,,否,9\r\n合计,,,,,,,\r\n").encode()
    at = run_page(IMPORT_PAGE, session_state={"auth_account": access.load_accounts()["admin1"]})
    at.checkbox(key="import_clear_confirm").check().run()
    next(b for b in at.button if b.key == "import_clear").click().run()
    at.selectbox(key="import_kind").set_value("grid_cases").run()
    at.session_state["lang"] = "en"
    at.file_uploader(key="import_file").set_value(("errors.csv", bad, "text/csv")).run()
    assert not at.exception
    frame = at.dataframe[0].value
    messages = frame[words.text("import.col.message", "en")].tolist()  # a table: no markdown escapes
    assert messages[0].startswith("“火星新村” is not in the list of communities"), messages
    assert any("is no real date or time" in m for m in messages) and any("out of range" in m for m in messages)
    assert not any(HAN.search(m.replace("火星新村", "").replace("2024-02-30", "")) for m in messages), messages
    notes = [m.value.replace("\\", "") for m in at.markdown if m.value.startswith("- ")]
    assert any("total rows, skipped" in n for n in notes), notes
