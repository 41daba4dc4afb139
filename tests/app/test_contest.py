"""The contest page (书记擂台) under AppTest."""

import pytest

from tests.app.helpers import assert_clean, run_page

PAGE = "app_pages/contest.py"


def table_with(at, column: str):
    """The first table that has `column` (st.dataframe without selection carries no key in AppTest)."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def frame_texts(at) -> str:
    return " ".join(str(v) for df in at.dataframe for v in df.value.astype(str).to_numpy().ravel())


@pytest.mark.slow
def test_contest_page_shows_the_ranking(app_db):
    at = run_page(PAGE)
    assert_clean(at)
    assert at.title[0].value == "书记擂台 · 公平排名"
    labels = [m.label for m in at.metric]
    assert labels == ["第一名", "三种算法名次一致", "评委意见", "有缺分的作品"]
    assert at.selectbox(key="contest_round").value == "R2024"
    winner = at.metric[0].value
    assert winner and winner in at.info[0].value
    assert at.metric[2].value in {"高度一致", "较为一致", "有分歧", "分歧较大"}
    texts = frame_texts(at)
    assert "去掉最高最低分·名次" in at.dataframe[0].value.columns
    assert "评委标准化·名次" in at.dataframe[0].value.columns
    markdown = " ".join(m.value for m in at.markdown)
    assert "未打分" in markdown and "文化美" in markdown  # the two gaps of the annual round
    assert "评委7" in markdown
    assert "鹤北一居" in texts


@pytest.mark.slow
def test_weight_slider_reranks(app_db):
    at = run_page(PAGE)
    before = table_with(at, "名次变化")
    assert (before["名次变化"] == "—").all()
    at.slider(key="contest_weight_K1").set_value(0).run()
    at.slider(key="contest_weight_K4").set_value(100).run()
    assert_clean(at)
    after = table_with(at, "名次变化")
    assert (after["名次变化"] != "—").any()
    assert any("名次发生变化" in w.value for w in at.warning)
    at.button(key="contest_weights_reset").click().run()
    assert at.slider(key="contest_weight_K1").value == 25
    assert (table_with(at, "名次变化")["名次变化"] == "—").all()


@pytest.mark.slow
def test_round_picker_and_head_to_head(app_db):
    at = run_page(PAGE)
    at.selectbox(key="contest_round").set_value("R2023A").run()
    assert_clean(at)
    assert at.metric[1].value.endswith("/ 3")
    assert any("无法判断" in m.value for m in at.markdown)  # three entries: too few to correlate
    options = at.selectbox(key="contest_entry_b").options
    at.selectbox(key="contest_entry_b").set_value(at.selectbox(key="contest_entry_b").options[1]).run()
    assert_clean(at)
    assert len(options) == 3


@pytest.mark.slow
def test_secretary_sees_public_results_and_only_own_sheets(app_db):
    at = run_page(PAGE, session_state={"auth_demo_role": "secretary", "auth_demo_community": "C30"})
    assert_clean(at)
    assert len(table_with(at, "去掉最高最低分·名次")) == 16
    assert len(table_with(at, "小事不出网格率")) == 1
    assert at.selectbox(key="contest_entry_a").options == ["鹤北一居"]


def test_secretary_of_a_community_that_did_not_enter(app_db):
    at = run_page(
        PAGE, session_state={"auth_demo_role": "secretary", "auth_demo_community": "C02"}
    )  # 河东 entered no round
    assert_clean(at)
    assert len(table_with(at, "去掉最高最低分·名次")) == 16
    assert any(i.value == "没有可以查看的作品。" for i in at.info)


def test_every_contest_string_has_both_languages_with_the_same_placeholders():
    # An English AppTest of a page reached by switch_page trips over the shared sidebar: AppTest formats
    # the period selectbox outside the script run, where the language is unknown (streamlit 1.67).
    import string

    from words.contest import STRINGS

    def fields(text: str) -> set:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name}

    for key, (zh, en) in STRINGS.items():
        assert key.startswith("contest.") and zh and en, key
        assert fields(zh) == fields(en), key


def test_imported_names_are_inert_in_markdown():
    from ui.contest_view import md

    assert md("鹤北一居") == "鹤北一居"
    hostile = md("![x](http://example.com/a.png)<img src=x>")
    assert "![" not in hostile and "](" not in hostile and "\\<img" in hostile


@pytest.mark.slow
@pytest.mark.parametrize("who", [{}, {"auth_demo_role": "secretary", "auth_demo_community": "C30"}])
def test_the_headline_and_the_missing_scores_panel_count_the_same_entries(app_db, who):
    """One definition for both: the entries of the round with an empty judge × criterion cell (public,
    like the ranking's column); a secretary sees which entries, not which judge left the gap."""
    at = run_page(PAGE, session_state=who)
    assert_clean(at)
    headline = next(m.value for m in at.metric if m.label == "有缺分的作品")
    listed = next(m.value for m in at.markdown if m.value.startswith("- "))
    entries = {line[2:].split("：")[0] for line in listed.splitlines()}
    assert headline == f"{len(entries)} 个" and len(entries) == 2, (headline, listed)
    assert not any("所有评委对所有作品" in m.value for m in at.markdown)
    if who:
        assert "只对街道领导显示" in listed
