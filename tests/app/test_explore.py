import duckdb
import pytest

from analytics.access import Scope, audit
from analytics.explore import console as explore
from tests.app.helpers import assert_clean, run_page

PAGE = "app_pages/explorer.py"


# Display tables carry no key in AppTest; each section draws them in a fixed order.
ORDER = {
    "explorer_pivot_table": 0,
    "explorer_console_table": 0,
    "explorer_tables_list": 0,
    "explorer_fields": 1,
    "explorer_sample": 2,
}


def frame_of(at, key):
    frames = [d.value for d in at.dataframe]
    return frames[ORDER[key]] if len(frames) > ORDER[key] else None


def checksums(path) -> dict:
    """Through a connection to the app's own instance (same settings: DuckDB shares it)."""
    con = duckdb.connect(str(path))
    try:
        names = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY 1"
            ).fetchall()
        ]
        return {n: con.execute(f'SELECT count(*), sum(hash(t)::HUGEINT) FROM "{n}" t').fetchone() for n in names}
    finally:
        con.close()


def direct(path, sql, params=None):
    con = duckdb.connect(str(path))
    try:
        return con.execute(sql, params or []).fetchall()
    finally:
        con.close()


def test_pivot_answers_agree_with_direct_sql(app_db):
    at = run_page(PAGE)
    assert_clean(at)
    assert at.title[0].value == "数据探索"
    assert len(at.get("plotly_chart")) == 1
    table = frame_of(at, "explorer_pivot_table")
    assert list(table.columns) == ["片区网格", "种子颜色", "活动场次", "服务居民人次"]
    assert set(table["种子颜色"]) <= {"红色种子", "绿色种子", "白色种子", "蓝色种子"}
    filters = at.session_state["filters"]
    ((count, people),) = direct(
        app_db,
        "SELECT count(*), sum(participants) FROM seed_activities WHERE held_on BETWEEN ? AND ?",
        [filters.start, filters.end],
    )
    assert table["活动场次"].sum() == count and table["服务居民人次"].sum() == people
    shown = at.code[0].value
    assert shown.startswith("WITH facts AS") and "$" not in shown
    assert any(e.label == "查看SQL" for e in at.expander)


@pytest.mark.slow
def test_cases_by_category_and_open_in_console(app_db):
    at = run_page(PAGE)
    at.radio(key="explorer_subject").set_value("cases").run()
    at.multiselect(key="explorer_rows_cases").set_value(["category"]).run()
    at.multiselect(key="explorer_measures_cases").set_value(["cases", "in_grid_rate"]).run()
    assert_clean(at)
    table = frame_of(at, "explorer_pivot_table")
    assert list(table["事务类别"]) == ["党建工作", "民意征集", "服务代办", "矛盾化解"]
    pivot_sql = at.code[0].value
    at.button(key="explorer_to_console").click().run()
    assert at.session_state["explorer_section"] == "console"
    assert at.text_area(key="explorer_sql").value == pivot_sql
    at.button(key="explorer_run").click().run()
    assert_clean(at)
    console = frame_of(at, "explorer_console_table")
    assert console["cases"].tolist() == table["事务件数"].tolist()
    assert console["in_grid_rate"].tolist() == pytest.approx(table["小事不出网格率"].tolist())


def test_keep_filter_narrows_the_pivot(app_db):
    at = run_page(PAGE)
    at.radio(key="explorer_subject").set_value("cases").run()
    at.multiselect(key="explorer_rows_cases").set_value(["resolved_level"]).run()
    at.multiselect(key="explorer_measures_cases").set_value(["cases"]).run()
    everything = frame_of(at, "explorer_pivot_table")["事务件数"].sum()
    at.multiselect(key="explorer_keep_cases_category").set_value(["dispute"]).run()
    assert_clean(at)
    disputes = frame_of(at, "explorer_pivot_table")["事务件数"].sum()
    filters = at.session_state["filters"]
    ((expected,),) = direct(
        app_db,
        "SELECT count(*) FROM grid_cases WHERE category = 'dispute'"
        " AND reported_at >= ? AND reported_at < ? + INTERVAL 1 DAY",
        [filters.start, filters.end],
    )
    assert disputes == expected < everything


def test_no_measure_and_no_split(app_db):
    at = run_page(PAGE)
    at.multiselect(key="explorer_rows_activities").set_value([]).run()
    assert_clean(at)
    assert len(at.metric) == 2 and at.metric[0].label == "活动场次"
    at.multiselect(key="explorer_measures_activities").set_value([]).run()
    assert_clean(at)
    assert any("请至少选择一个指标" in i.value for i in at.info)


@pytest.mark.slow
def test_console_runs_refuses_and_changes_nothing(app_db):
    at = run_page(PAGE)
    at.segmented_control(key="explorer_section").set_value("console").run()
    assert_clean(at)
    before = checksums(app_db)
    events_before = len(audit.recent())
    at.text_area(key="explorer_sql").set_value(
        "SELECT grid_id, count(*) AS n FROM communities GROUP BY ALL ORDER BY 1"
    ).run()
    at.button(key="explorer_run").click().run()
    assert_clean(at)
    result = frame_of(at, "explorer_console_table")
    assert result["grid_id"].tolist() == [f"G{i}" for i in range(1, 8)]
    for hostile in (
        "DROP TABLE grids",
        "SELECT 1; DELETE FROM grid_cases",
        "SELECT * FROM read_csv('/etc/passwd')",
        "WITH x AS (DELETE FROM grids RETURNING *) SELECT * FROM x",
        "SET enable_external_access = true",
    ):
        at.text_area(key="explorer_sql").set_value(hostile).run()
        at.button(key="explorer_run").click().run()
        assert not at.exception
        assert len(at.error) == 1, hostile
        assert frame_of(at, "explorer_console_table") is None  # the previous answer is not left standing
    after = checksums(app_db)
    assert len(audit.recent()) == events_before + 6  # every query is recorded (in the store), refused ones too
    assert after == before


@pytest.mark.slow
def test_console_caps_rows(app_db):
    at = run_page(PAGE)
    at.segmented_control(key="explorer_section").set_value("console").run()
    at.text_area(key="explorer_sql").set_value("SELECT * FROM range(50000)").run()
    at.button(key="explorer_run").click().run()
    assert len(frame_of(at, "explorer_console_table")) == 10_000
    assert any("只显示并导出前" in w.value for w in at.warning)


@pytest.mark.slow
def test_saved_queries(app_db):
    at = run_page(PAGE)
    at.segmented_control(key="explorer_section").set_value("console").run()
    at.text_area(key="explorer_sql").set_value("SELECT name FROM grids ORDER BY grid_id").run()
    at.text_input(key="explorer_save_name").set_value("七个网格").run()
    at.button(key="explorer_save").click().run()
    assert_clean(at)
    assert "七个网格" in at.selectbox(key="explorer_saved").options
    at.text_area(key="explorer_sql").set_value("").run()
    at.selectbox(key="explorer_saved").set_value("七个网格").run()
    assert at.text_area(key="explorer_sql").value == "SELECT name FROM grids ORDER BY grid_id"
    at.button(key="explorer_delete").click().run()
    assert_clean(at)
    assert "七个网格" not in at.selectbox(key="explorer_saved").options
    # a write cannot be saved
    at.text_area(key="explorer_sql").set_value("DELETE FROM grids").run()
    at.text_input(key="explorer_save_name").set_value("坏查询").run()
    at.button(key="explorer_save").click().run()
    assert any("DELETE" in w.value for w in at.warning)


def test_console_is_gated_by_role(app_db):
    # A secretary's navigation has no explorer at all; asking for it says so and shows none of it.
    at = run_page(PAGE, session_state={"auth_demo_role": "secretary", "auth_demo_community": "C01"})
    assert_clean(at)
    assert "只对" in at.warning[0].value and "您当前的身份是" in at.warning[0].value
    assert not [w for w in at.text_area if w.key == "explorer_sql"]


def test_can_use_console():
    assert explore.can_use_console(Scope("analyst")) and explore.can_use_console(Scope("admin"))
    assert explore.can_use_console(Scope("leader"))
    assert not explore.can_use_console(Scope("secretary", "C01")) and not explore.can_use_console(None)


def test_table_browser(app_db):
    at = run_page(PAGE)
    at.segmented_control(key="explorer_section").set_value("tables").run()
    assert_clean(at)
    listing = frame_of(at, "explorer_tables_list")
    assert {"grid_cases", "seed_activities", "saved_queries"} <= set(listing["表名"])
    at.selectbox(key="explorer_table").set_value("grid_cases").run()
    assert_clean(at)
    fields = frame_of(at, "explorer_fields")
    assert "上报时间" in fields.set_index("字段").loc["reported_at", "含义"]
    sample = frame_of(at, "explorer_sample")
    assert len(sample) == 20 and sample["reporter_phone"].str.contains(r"\*\*\*\*").all()


def test_in_english(app_db):
    # AppTest (streamlit 1.67) reads a widget's format_func outside the session, in Chinese: after a run in
    # English it cannot find the sidebar's English labels again. So: switch page in Chinese, then one run
    # in English.
    at = run_page(PAGE)
    at.session_state["lang"] = "en"
    at.run()
    assert_clean(at)
    assert at.title[0].value == "Data explorer"
    assert "Area grid" in frame_of(at, "explorer_pivot_table").columns


@pytest.mark.slow
def test_overview_shows_its_sql_and_it_runs_in_the_console(app_db):
    closed = run_page("app_pages/overview.py")
    assert_clean(closed)
    assert any(e.label == "查看SQL" for e in closed.expander)
    assert not closed.code  # made only when opened
    at = run_page("app_pages/overview.py", session_state={"overview_sql": True})  # opened
    assert_clean(at)
    shown = at.code[0].value
    assert "$" not in shown
    result = explore.run_readonly(app_db, shown)
    months = len(result.frame)
    assert months >= 12 and {"month", "activities", "in_grid_rate"} <= set(result.frame.columns)


@pytest.mark.slow
def test_an_analysts_pivot_hides_small_dispute_counts(app_db):
    """The table an analyst sees (and downloads: the same frame) blanks the dispute counts under five
    that the leader sees, and hides more than those alone (complementary suppression)."""
    tables = {}
    for role in ("leader", "analyst"):
        at = run_page(PAGE, session_state={"auth_demo_role": role})
        at.radio(key="explorer_subject").set_value("cases").run()
        at.multiselect(key="explorer_rows_cases").set_value(["month", "community", "category"]).run()
        at.multiselect(key="explorer_measures_cases").set_value(["cases"]).run()
        assert_clean(at)
        tables[role] = frame_of(at, "explorer_pivot_table")
    leader, analyst = tables["leader"], tables["analyst"]
    assert list(leader.columns) == list(analyst.columns) and len(leader) == len(analyst)
    small = (leader["事务类别"] == "矛盾化解") & (leader["事务件数"] < 5)
    assert small.any() and analyst.loc[small, "事务件数"].isna().all()
    assert analyst["事务件数"].isna().sum() > small.sum()
    assert analyst["事务件数"].notna().any()


@pytest.mark.slow
def test_an_analyst_reads_no_bookkeeping_in_the_explorer(app_db):
    """The page's own paths for an analyst: the table browser's list, and the console."""
    at = run_page(PAGE, session_state={"auth_demo_role": "analyst"})
    at.segmented_control(key="explorer_section").set_value("tables").run()
    assert_clean(at)
    listing = set(frame_of(at, "explorer_tables_list")["表名"])
    assert "grid_cases" in listing and not listing & {"audit_log", "saved_queries", "import_batches"}
    options = at.selectbox(key="explorer_table").options
    assert any(o.startswith("grid_cases") for o in options)
    assert not any(o.startswith(("audit_log", "saved_queries", "import_batch")) for o in options)
    at.segmented_control(key="explorer_section").set_value("console").run()
    for sql in ("SELECT * FROM audit_log", "SELECT * FROM saved_queries", "SELECT file_name FROM import_batches"):
        at.text_area(key="explorer_sql").set_value(sql).run()
        at.button(key="explorer_run").click().run()
        assert not at.exception and len(at.error) == 1, sql
        assert frame_of(at, "explorer_console_table") is None


def test_a_saved_query_name_shows_as_text(app_db):
    """A saved query's name is user text: the notices show it as text, no link or image (a name copied
    from elsewhere must not make the browser fetch anything)."""
    name = "![i](http://e.com/a.png)[x](http://e.com)"
    at = run_page(PAGE)
    at.segmented_control(key="explorer_section").set_value("console").run()
    at.text_area(key="explorer_sql").set_value("SELECT 1 AS one").run()
    at.text_input(key="explorer_save_name").set_value(name).run()
    at.button(key="explorer_save").click().run()
    at.selectbox(key="explorer_saved").set_value(name).run()
    at.button(key="explorer_delete").click().run()
    assert_clean(at)
    notices = [toast.value for toast in at.toast]
    assert notices and not any("![i](" in n or "[x](" in n for n in notices), notices


def test_a_refused_querys_text_shows_as_text(app_db):
    """The engine's message quotes the query, which may be pasted from anywhere (a leader's console also
    reads every saved query): what it quotes shows as text, no image fetched."""
    at = run_page(PAGE)
    at.segmented_control(key="explorer_section").set_value("console").run()
    at.text_area(key="explorer_sql").set_value('SELECT * FROM "![i](http://e.com/a.png)"').run()
    at.button(key="explorer_run").click().run()
    assert not at.exception
    shown = [e.value for e in at.error]
    assert shown and not any("![i](" in text for text in shown), shown
