"""The 数据导入 page: the demo world must be cleared first; upload, preview and the validation report;
confirm; the history with undo; templates."""

from __future__ import annotations

import pytest

from analytics import access, db
from tests.app.helpers import assert_clean, run_page

PAGE = "app_pages/data_import.py"
HEADER = "事务编号,居民区,事务类别,上报时间,办结时间,办结层级,是否紧急,满意度\r\n"
GOOD = (
    HEADER + "P1,鹤北一居,矛盾化解,2024-03-01 09:30,2024-03-02 10:00,网格,否,5\r\nP2,北街,民意征集,2024/3/2,,,是,\r\n"
).encode("gbk")
BAD = (HEADER + "Q1,火星新村,党建,2024-03-01,,,否,\r\nQ2,北街,党建,2024-02-30,,,否,9\r\n").encode("utf-8")


@pytest.fixture
def admin(accounts_file) -> dict:
    """Signed in as an administrator: real data needs accounts (demo mode is for the demo world only),
    and clearing the demo world is the step before real data."""
    return {"auth_account": access.load_accounts()["admin1"]}


def scalar(path, sql):
    """Read the app's database in this process (AppTest's app holds it open read-write)."""
    con = db.connect(path)
    try:
        return db.scalar(con, sql)
    finally:
        con.close()


def button(at, key):
    return next(b for b in at.button if b.key == key)


def metric(at, label):
    return next(m.value for m in at.metric if m.label == label)


def clear_demo(at):
    at.checkbox(key="import_clear_confirm").check().run()
    button(at, "import_clear").click().run()
    return at


def upload(at, name: str, content: bytes, kind: str = "grid_cases"):
    at.selectbox(key="import_kind").set_value(kind).run()
    at.file_uploader(key="import_file").set_value((name, content, "text/csv")).run()
    return at


@pytest.mark.slow
def test_demo_world_must_be_cleared_before_importing(app_db, admin):
    at = run_page(PAGE, session_state=admin)
    assert_clean(at)
    assert at.title[0].value == "数据导入"
    assert any("演示数据" in m.value for m in at.markdown)
    upload(at, "三月.csv", GOOD)
    assert_clean(at)
    assert metric(at, "将导入") == "2" and metric(at, "需修改的错误") == "0"
    assert button(at, "import_confirm").disabled  # no mixing with the simulated data
    assert button(at, "import_clear").disabled  # not before the confirmation box
    clear_demo(at)
    assert_clean(at)
    assert "已清空演示数据" in at.success[0].value
    assert not any("演示数据（模拟数据）" in m.value for m in at.markdown)
    assert not button(at, "import_confirm").disabled
    button(at, "import_confirm").click().run()
    assert_clean(at)
    assert "导入完成" in at.success[0].value
    assert scalar(app_db, "SELECT count(*) FROM grid_cases") == 2
    assert scalar(app_db, "SELECT value FROM app_meta WHERE key = 'world'") == "real"


@pytest.mark.slow
def test_errors_are_listed_and_block_the_import(app_db, admin):
    at = clear_demo(run_page(PAGE, session_state=admin))
    upload(at, "错误.csv", BAD)
    assert metric(at, "需修改的错误") == "3"
    frame = at.dataframe[0].value
    assert frame["行号"].tolist() == [2, 3, 3]
    assert "不在居民区名单中" in frame["怎么改"].iloc[0]
    assert button(at, "import_confirm").disabled


@pytest.mark.slow
def test_history_and_undo(app_db, admin):
    at = clear_demo(run_page(PAGE, session_state=admin))
    upload(at, "三月.csv", GOOD)
    button(at, "import_confirm").click().run()
    history = at.dataframe[-1].value
    assert "三月.csv" in history["文件名"].tolist() and "已导入" in history["状态"].tolist()
    at.checkbox(key="import_undo_confirm").check().run()
    button(at, "import_undo").click().run()
    assert_clean(at)
    assert "已撤销批次" in at.success[0].value
    assert scalar(app_db, "SELECT count(*) FROM grid_cases") == 0


@pytest.mark.slow
def test_same_file_again_says_so(app_db, admin):
    at = clear_demo(run_page(PAGE, session_state=admin))
    upload(at, "三月.csv", GOOD)
    button(at, "import_confirm").click().run()
    at.file_uploader(key="import_file").set_value(("三月（副本）.csv", GOOD, "text/csv")).run()
    assert any("已经导入过" in i.value for i in at.info)
    assert button(at, "import_confirm").disabled


@pytest.mark.slow
def test_a_template_for_every_kind(app_db, admin):
    at = run_page(PAGE, session_state=admin)
    assert_clean(at)
    assert len(at.get("download_button")) == 11


@pytest.mark.slow
def test_a_secretary_cannot_import(app_db, admin):
    at = run_page(PAGE, session_state={"auth_account": access.load_accounts()["sec30"]})
    assert not at.exception
    # the page is not in a secretary's navigation: a bookmark of it says so, and shows none of it
    assert "只对" in at.warning[0].value and "您当前的身份是" in at.warning[0].value
    assert not at.file_uploader


@pytest.mark.slow
def test_an_unreadable_file_is_refused_and_the_page_goes_on(app_db, admin):
    at = run_page(PAGE, session_state=admin)
    upload(at, "乱码.csv", b"\x80\x81\xff\xfe garbage \x81\x00" * 10)
    assert not at.exception
    assert "无法识别" in at.error[0].value
    assert at.dataframe or at.info  # the history tab still renders below
    assert len(at.get("download_button")) == 11


MARKDOWN_NAME = "[x](http://e.com)![i](http://e.com/a.png)<b>x</b>.xlsx"


@pytest.mark.slow
def test_a_markdown_file_name_shows_as_text(app_db, admin):
    at = run_page(PAGE, session_state=admin)
    upload(at, MARKDOWN_NAME, GOOD)  # CSV bytes under an .xlsx name: refused, naming the file
    assert not at.exception
    shown = at.error[0].value
    assert "不是有效的 Excel 文件" in shown
    # Every markdown and HTML character of the name is escaped: it reads as the name, no link, no image.
    assert r"\[x\]\(http://e\.com\)\!\[i\]\(http://e\.com/a\.png\)\<b\>x\</b\>\.xlsx" in shown
    assert "[x](" not in shown and "![i]" not in shown and "<b>" not in shown


@pytest.mark.slow
def test_a_workbook_that_aborts_its_parser_is_refused_and_the_app_goes_on(app_db, admin, tmp_path, monkeypatch):
    from bench.hostile_files import crashing_xlsx

    # Past the declared-size check, so that the parser itself meets the file and aborts (in its worker).
    monkeypatch.setenv("JIANGCHUAN_PARSE_MAX_CELLS", str(10**12))
    content = crashing_xlsx(tmp_path / "c.xlsx").read_bytes()
    assert len(content) < 2048
    at = run_page(PAGE, session_state=admin)
    upload(at, "三月台账.xlsx", content)
    assert not at.exception
    assert "异常终止" in at.error[0].value and "三月台账" in at.error[0].value
    upload(at, "三月.csv", GOOD)  # the same server process reads the next file
    assert not at.exception and metric(at, "将导入") == "2"


@pytest.mark.slow
def test_an_upload_is_kept_where_only_the_app_can_read_it(app_db, admin):
    import os
    import stat

    from ui import uploads

    for old in uploads.UPLOAD_DIR.glob("*/四月.csv"):  # left by an earlier run of this test
        old.unlink()
    at = run_page(PAGE, session_state=admin)
    upload(at, "四月.csv", GOOD)
    assert not at.exception
    assert stat.S_IMODE(os.stat(uploads.UPLOAD_DIR).st_mode) == 0o700
    saved = list(uploads.UPLOAD_DIR.glob("*/四月.csv"))
    assert saved and all(stat.S_IMODE(p.stat().st_mode) == 0o600 for p in saved)
    assert all(stat.S_IMODE(p.parent.stat().st_mode) == 0o700 for p in saved)


def test_an_upload_folder_that_is_not_the_apps_own_is_refused_in_words(tmp_path, monkeypatch):
    """/tmp is shared: a link (or another user's folder) where the uploads go is never written through."""
    from analytics.core.errors import DataError
    from ui import uploads

    elsewhere = tmp_path / "someone_elses"
    elsewhere.mkdir()
    link = tmp_path / "uploads"
    link.symlink_to(elsewhere)
    monkeypatch.setattr(uploads, "UPLOAD_DIR", link)

    class Upload:
        name = "四月.csv"

        def getvalue(self):
            return "事务编号\r\nB1\r\n".encode("gbk")

    with pytest.raises(DataError, match="无法保存到服务器的临时文件夹（它不是运行看板的账户自己的文件夹）"):
        uploads.saved(Upload())
    assert list(elsewhere.iterdir()) == []
