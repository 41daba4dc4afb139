"""Chinese all the way through on the pages whose words are Streamlit's own: no codes, no None, no "empty"."""

from __future__ import annotations

from analytics.access import audit as audit_log
from tests.app.helpers import assert_clean, run_page

AUDIT = "app_pages/audit.py"


def test_the_audit_log_names_roles_and_shows_no_none(app_db):
    from ui import data

    run_page("app_pages/overview.py")
    audit_log.record(data.connection(), "admin1", "import", "batch 3", role="admin")
    audit_log.record(data.connection(), "intruder", "sign_in_failed", None)  # no role, no detail
    at = run_page(AUDIT, clear_caches=False)
    assert_clean(at)
    table = at.dataframe[0]
    roles = set(table.value["角色"])
    assert "管理员" in roles and not roles & {"admin", "leader", "secretary", "analyst", None}
    assert table.proto.placeholder == "—"  # the missing detail is drawn as —, not "None"
    assert {"导入", "登录失败"} <= set(table.value["操作"])


def test_an_empty_audit_log_says_what_will_appear(app_db, monkeypatch):
    monkeypatch.setattr(audit_log.accounts.store(), "recent", lambda limit: [])
    at = run_page(AUDIT)
    assert_clean(at)
    assert not at.dataframe
    assert any("还没有任何记录" in i.value for i in at.info)


def test_the_uploader_and_modebar_words_are_chinese_in_a_chinese_session(app_db):
    at = run_page("app_pages/overview.py")
    sheets = " ".join(h.proto.body for h in at.get("html"))
    assert '"选择文件"' in sheets and "不超过 50 MB" in sheets
    assert '[data-title="Zoom in"]::after {content: "放大";}' in sheets
    english = run_page("app_pages/overview.py", session_state={"lang": "en"})
    assert not any("选择文件" in h.proto.body for h in english.get("html"))


def test_change_badges_say_what_they_compare_with(app_db):
    """The same green/red badge is the change on 总览 and the distance to the target on 网格事务: each is named."""
    overview = run_page("app_pages/overview.py")
    assert_clean(overview)
    named = [m.proto.delta_description for m in overview.metric if m.proto.delta]
    assert named and set(named) == {"环比"}  # short: it must fit beside "+4.9 个百分点" on a tile
    cases = run_page("app_pages/cases.py")
    assert_clean(cases)
    targets = [m.proto.delta_description for m in cases.metric if m.proto.delta and "%" in m.proto.body]
    assert targets and all(d.startswith("较目标 ") for d in targets), targets


def test_the_import_preview_shows_names_and_steps_in_order(app_db, accounts_file):
    from analytics import access
    from tests.app.test_data_import import GOOD, upload

    at = run_page("app_pages/data_import.py", session_state={"auth_account": access.load_accounts()["admin1"]})
    upload(at, "三月.csv", GOOD)
    assert_clean(at)
    preview = next(d.value for d in at.dataframe if "事务类别" in d.value.columns)
    assert list(preview["事务类别"]) == ["矛盾化解", "民意征集"]  # not dispute / opinion
    assert preview["居民区"].iloc[0] == "鹤北新村第一居民区（C30）"
    assert set(preview["是否紧急"]) == {"是", "否"}
    confirm = next(b for b in at.button if b.key == "import_confirm")
    assert confirm.label.startswith("③ ")  # a CSV has no sheet to pick: ① ② ③, not ① ② ④
