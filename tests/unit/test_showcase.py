"""analytics.showcase: what a showcase says (against the public analytics functions and independent SQL,
and against a tiny hand-made world), who may build it, and the saved story."""

import datetime as dt
import io

import pandas as pd
import pytest
from PIL import Image

from analytics import cases, db, places, seeds, showcase
from analytics.access import Scope, audit
from analytics.core.errors import AccessDenied, DataError
from analytics.filters import Filters
from analytics.showcase import charts as showcase_charts
from analytics.showcase import facts as showcase_files
from analytics.showcase import text as showcase_text

YEAR = (dt.date(2024, 1, 1), dt.date(2024, 12, 31))
C30 = "C30"


@pytest.fixture(scope="module")
def c30(demo_con):
    return showcase.content(demo_con, C30, start=YEAR[0], end=YEAR[1])


# --- the content agrees with the analytics functions and with plain SQL ---------------------------


def test_services_are_the_seeds_uptake_of_the_community(demo_con, c30):
    f = Filters(*YEAR, community_ids=(C30,))
    totals = seeds.uptake(demo_con, f, ()).iloc[0]
    for metric in (
        "activities",
        "participants",
        "volunteers",
        "volunteer_hours",
        "participants_prev",
        "participants_change",
    ):
        assert c30.totals[metric] == pytest.approx(float(totals[metric]))
    plain = db.query(
        demo_con,
        """
        SELECT i.seed_colour, count(*) AS activities, sum(a.participants) AS participants
        FROM seed_activities a JOIN service_items i USING (item_id)
        WHERE a.community_id = 'C30' AND a.held_on BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'
        GROUP BY 1""",
    ).set_index("seed_colour")
    got = c30.services.set_index("seed_colour")
    assert list(got.index) == ["red", "green", "white", "blue"]
    for colour in got.index:
        assert got.at[colour, "activities"] == plain["activities"].get(colour, 0)
        assert got.at[colour, "participants"] == plain["participants"].get(colour, 0)
    assert c30.totals["activities"] == plain["activities"].sum()


def test_grid_work_and_the_subdistrict_totals(demo_con, c30):
    mine = cases.resolution(demo_con, Filters(*YEAR, community_ids=(C30,)), ()).iloc[0]
    assert c30.grid_work["in_grid_rate"] == pytest.approx(mine["in_grid_rate"])
    closed_all = db.scalar(
        demo_con,
        """SELECT count(*) FROM grid_cases WHERE resolved_level IS NOT NULL
                                        AND reported_at >= DATE '2024-01-01' AND reported_at < DATE '2025-01-01'""",
    )
    in_grid_all = db.scalar(
        demo_con,
        """SELECT count(*) FROM grid_cases WHERE resolved_level = 'grid'
                                         AND reported_at >= DATE '2024-01-01' AND reported_at < DATE '2025-01-01'""",
    )
    assert c30.subdistrict["in_grid_rate"] == pytest.approx(in_grid_all / closed_all)
    assert c30.subdistrict["closed"] == closed_all


def test_profile_partners_and_top_items(demo_con, c30):
    row = places.community_list(demo_con).set_index("community_id").loc[C30]
    assert c30.name == row["name"] == "鹤北新村第一居民区"
    assert c30.profile["residents"] == row["residents"] and c30.profile["grid_name"] == row["grid_name"]
    paired = db.query(demo_con, "SELECT partner_id FROM pairings WHERE community_id = 'C30' ORDER BY 1")
    assert c30.partners["partner_id"].tolist() == paired["partner_id"].tolist()
    top = db.query(
        demo_con,
        """
        SELECT item_id, sum(participants) AS participants FROM seed_activities
        WHERE community_id = 'C30' AND held_on BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'
        GROUP BY 1 ORDER BY participants DESC, item_id LIMIT 5""",
    )
    assert c30.top_items["item_id"].tolist() == top["item_id"].tolist()


def test_rank_among_all_communities_agrees_with_plain_sql(demo_con, c30):
    per_1k = db.query(
        demo_con,
        """
        SELECT c.community_id, 1000.0 * count(a.activity_id) / c.residents AS per_1k
        FROM communities c LEFT JOIN seed_activities a ON a.community_id = c.community_id
            AND a.held_on BETWEEN DATE '2024-01-01' AND DATE '2024-12-31'
        GROUP BY c.community_id, c.residents""",
    )
    mine = per_1k.set_index("community_id").at[C30, "per_1k"]
    expected_rank = int((per_1k["per_1k"] > mine).sum()) + 1
    got = c30.ranks.set_index("metric").loc["activities_per_1k"]
    assert got["rank"] == expected_rank and got["of"] == len(per_1k)
    assert got["value"] == pytest.approx(mine)


def test_contest_results_are_the_public_rank_history(demo_con, c30):
    entered = db.query(demo_con, "SELECT round_id FROM contest_entries WHERE community_id = 'C30' ORDER BY round_id")
    assert sorted(c30.contest["round_id"]) == entered["round_id"].tolist()
    assert c30.contest["rank"].between(1, c30.contest["entries_in_round"].max()).all()


def test_default_period_is_the_last_twelve_months(demo_con):
    first, last = places.data_range(demo_con)
    s = showcase.content(demo_con, C30)
    assert s.end == last and s.start == max(
        first, (pd.Timestamp(last) - pd.DateOffset(months=12)).date() + dt.timedelta(days=1)
    )
    assert (s.previous_end - s.previous_start) == (s.end - s.start)
    assert s.demo


def test_a_period_without_data_still_makes_a_showcase(demo_con):
    s = showcase.content(demo_con, C30, start=dt.date(2019, 1, 1), end=dt.date(2019, 6, 30))
    assert s.totals["activities"] == 0 and s.services["participants"].sum() == 0
    assert s.highlights == (showcase_text.text("highlight.none"),)
    names = showcase_charts.figures(s)
    assert "services" in names and "monthly" not in names and "grid_work" not in names


def test_unknown_community_and_reversed_period(demo_con):
    with pytest.raises(DataError, match="C99"):
        showcase.content(demo_con, "C99", start=YEAR[0], end=YEAR[1])
    with pytest.raises(DataError, match="晚于"):
        showcase.content(demo_con, C30, start=YEAR[1], end=YEAR[0])
    with pytest.raises(ValueError):
        showcase.build(demo_con, C30, "docx")


# --- who may build what ----------------------------------------------------------------------------


@pytest.mark.slow
def test_a_secretary_builds_only_her_own_community(demo_con):
    own = Scope("secretary", C30)
    s = showcase.content(demo_con, C30, start=YEAR[0], end=YEAR[1], scope=own)
    unrestricted = showcase.content(demo_con, C30, start=YEAR[0], end=YEAR[1])
    # her own numbers are the same as anyone's, and the subdistrict comparison is still the whole subdistrict
    assert s.totals == unrestricted.totals
    assert s.subdistrict == unrestricted.subdistrict
    assert s.ranks.equals(unrestricted.ranks)
    assert set(s.ranks.columns) == {"metric", "value", "rank", "of"}  # her rank only, no other community's row
    for fn in (
        lambda: showcase.content(demo_con, "C01", scope=own),
        lambda: showcase.build(demo_con, "C01", "html", scope=own),
        lambda: showcase.get_story(demo_con, "C01", scope=own),
    ):
        with pytest.raises(AccessDenied):
            fn()
    for role in ("leader", "admin", "analyst"):
        assert showcase.content(demo_con, "C01", start=YEAR[0], end=YEAR[1], scope=Scope(role)).community_id == "C01"


# --- the story ------------------------------------------------------------------------------------


def test_story_round_trip_and_audit(fresh_con):
    assert showcase.get_story(fresh_con, C30).story == ""
    text = "  鹤北一居的“楼组长+志愿者”模式：\r\n一年服务居民近六千人次。\x07  "
    saved = showcase.set_story(fresh_con, C30, text, updated_by="sec30", scope=Scope("secretary", C30))
    assert saved.story == "鹤北一居的“楼组长+志愿者”模式：\n一年服务居民近六千人次。"
    assert saved.updated_by == "sec30" and saved.updated_at is not None
    assert showcase.get_story(fresh_con, C30) == saved
    assert showcase.content(fresh_con, C30).story == saved
    log = audit.recent(fresh_con)
    assert log.iloc[0]["action"] == "story_edit" and log.iloc[0]["username"] == "sec30"
    showcase.set_story(fresh_con, C30, "第二稿", updated_by="leader1", scope=Scope("leader"))
    assert showcase.get_story(fresh_con, C30).story == "第二稿"
    showcase.set_story(fresh_con, C30, "   ", scope=Scope("admin"))
    assert showcase.get_story(fresh_con, C30) == showcase.Story()


def test_story_rules(fresh_con):
    with pytest.raises(AccessDenied):
        showcase.set_story(fresh_con, "C01", "别人的故事", scope=Scope("secretary", C30))
    with pytest.raises(AccessDenied):
        showcase.set_story(fresh_con, C30, "分析员", scope=Scope("analyst"))
    with pytest.raises(DataError, match="最多"):
        showcase.set_story(fresh_con, C30, "字" * (showcase.MAX_STORY_CHARS + 1))
    with pytest.raises(DataError, match="C99"):
        showcase.set_story(fresh_con, "C99", "没有这个居民区")
    assert db.scalar(fresh_con, "SELECT count(*) FROM showcase_stories") == 0


def test_story_on_a_database_made_before_the_table(fresh_con):
    db.execute(fresh_con, "DROP TABLE showcase_stories")
    assert showcase.get_story(fresh_con, C30) == showcase.Story()


# --- a tiny world worked out by hand ---------------------------------------------------------------


def _tiny_world(con):
    db.execute(con, "INSERT INTO grids (grid_id, name, name_en) VALUES ('G1', '一号网格', 'G1')")
    db.execute(
        con,
        "INSERT INTO communities VALUES ('A', '甲居民区', '甲', 'G1', 400, 1000, 50, 1990, 'city', NULL, NULL),"
        " ('B', '乙居民区', '乙', 'G1', 800, 2000, 80, 2000, NULL, NULL, NULL)",
    )
    db.execute(
        con, "INSERT INTO service_items VALUES ('S1', 'red', '理发', 'haircut'), ('S2', 'green', '种树', 'trees')"
    )
    db.execute(con, "INSERT INTO partners VALUES ('P1', '五院', 'hospital', NULL, NULL, DATE '2023-01-01')")
    db.execute(con, "INSERT INTO pairings VALUES ('P1', 'A', DATE '2023-01-01')")
    rows = [  # (id, day, community, item, partner, participants)
        ("a1", "2023-08-01", "A", "S1", None, 10),
        ("a2", "2023-09-01", "A", "S1", None, 10),
        ("a3", "2023-10-01", "A", "S2", None, 10),
        ("a4", "2024-02-01", "A", "S1", "P1", 30),
        ("a5", "2024-03-01", "A", "S1", "P1", 30),
        ("a6", "2024-04-01", "A", "S1", None, 30),
        ("a7", "2024-05-01", "A", "S2", None, 12),
        ("a8", "2024-06-01", "A", "S2", None, 0),
        ("b1", "2024-02-01", "B", "S1", None, 5),
        ("b2", "2024-03-01", "B", "S2", None, 5),
    ]
    for r in rows:
        db.execute(
            con, "INSERT INTO seed_activities VALUES ($1, CAST($2 AS DATE), $3, $4, $5, $6, 1, 1.0, 't')", list(r)
        )
    levels = {"A": ["grid", "grid", "grid", "street"], "B": ["grid", "community", "community", "community"]}
    for community, found in levels.items():
        for i, level in enumerate(found):
            db.execute(
                con,
                """INSERT INTO grid_cases (case_id, community_id, category, reported_at, closed_at,
                               resolved_level, urgent, batch_id)
                               VALUES ($id, $c, 'opinion', TIMESTAMP '2024-03-01 09:00', TIMESTAMP '2024-03-02 09:00',
                                       $l, false, 't')""",
                {"id": f"{community}{i}", "c": community, "l": level},
            )


def test_hand_worked_highlights(empty_con):
    _tiny_world(empty_con)
    s = showcase.content(empty_con, "A", start=dt.date(2024, 1, 1), end=dt.date(2024, 6, 30))
    # previous period: 2023-07-03 .. 2023-12-31 (182 days)
    assert (s.previous_start, s.previous_end) == (dt.date(2023, 7, 3), dt.date(2023, 12, 31))
    services = s.services.set_index("seed_colour")
    assert services.at["red", "participants"] == 90 and services.at["red", "participants_prev"] == 20
    assert services.at["green", "participants"] == 12 and services.at["green", "participants_prev"] == 10
    assert s.grid_work["in_grid_rate"] == 0.75 and s.subdistrict["in_grid_rate"] == 0.5
    assert s.highlights == (
        "红色种子服务居民 90 人次，较上期增长 350.0%（上期 20 人次）",  # red grew most (20 → 90)
        "千人服务场次 5.0，在全街道2个居民区中排第1",  # 5 per 1,000 against B's 1
        "小事不出网格率 75.0%，高于全街道 25.0 个百分点",  # 3/4 against 4/8
        "五院（医院）参与理发等服务2场，服务居民60人次",
    )
    assert not s.demo and s.contest.empty
    assert showcase_files.contest_lines(s) == ["尚未参加书记擂台比拼"]
    assert showcase_files.profile_facts(s)[5] == ("“1+5”样本", "市级美好社区样本")
    english = showcase.content(empty_con, "A", start=dt.date(2024, 1, 1), end=dt.date(2024, 6, 30), lang="en")
    assert english.highlights[0] == "Red seed: 90 residents served, up 350.0% on the previous period (20)"


def _png(width=900, height=400) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 30, 30)).save(out, format="PNG")
    return out.getvalue()


def test_real_data_files_carry_no_demo_mark(empty_con, monkeypatch):
    """Writers without Chromium: chart images are stand-ins here (tests/unit/test_showcase_files.py
    renders the real ones)."""
    _tiny_world(empty_con)
    monkeypatch.setattr(showcase_charts, "images", lambda figs: {name: _png() for name in figs})
    s = showcase.content(empty_con, "A", start=dt.date(2024, 1, 1), end=dt.date(2024, 6, 30))
    page = showcase.render(s, "html").decode()
    assert "甲居民区" in page and "模拟数据" not in page
    assert "五院（医院）" in page


# --- the charts' look and the words repeat the ui's ------------------------------------------------


def test_palette_and_labels_match_the_ui():
    import words
    from ui import charts

    assert showcase_charts.SEED_COLOURS == charts.SEED_COLOURS
    assert showcase_charts.SEED_OUTLINE == charts.SEED_OUTLINE
    assert showcase_charts.LEVEL_COLOURS == charts.LEVEL_COLOURS
    assert showcase_charts.FONT_FAMILY == charts.FONT_FAMILY
    # the labels are the ui's own entries of the one catalog, printed in either language
    shared = {k: v for k, v in showcase_text.STRINGS.items() if k.split(".")[0] in ("colour", "level", "kind")}
    assert len(shared) >= 13 and all(words.STRINGS[k] == v for k, v in shared.items())
    for lang in ("zh", "en"):
        assert showcase_text.label("colour", "red", lang) == words.text("colour.red", lang)


def test_numbers_are_written_as_the_ui_writes_them():
    from ui import fmt

    for value in (0, 7, 1234, 9999.6, 13245, 5934):
        assert showcase_text.number(value) == fmt.number(value)
    assert showcase_text.pct(0.8751) == fmt.pct(0.8751) == "87.5%"


def test_an_analyst_reads_a_story_with_personal_data_masked(fresh_con):
    """An analyst reads every community's story (and its files) as she reads any free text: masked.
    Those who edit it read it as written, or an edit would save the masks."""
    text = "感谢热心居民，联系人：王小明 138-1234-5678"
    showcase.set_story(fresh_con, C30, text, updated_by="sec30", scope=Scope("secretary", C30))
    shown = showcase.get_story(fresh_con, C30, scope=Scope("analyst")).story
    assert "王小明" not in shown and "1234-5678" not in shown and shown.startswith("感谢热心居民")
    assert showcase.content(fresh_con, C30, scope=Scope("analyst")).story.story == shown
    for editor in (Scope("secretary", C30), Scope("leader"), Scope("admin")):
        assert showcase.get_story(fresh_con, C30, scope=editor).story == text


def test_cut_story_keeps_what_fits_and_returns_the_rest():
    limit = showcase.MAX_STORY_CHARS
    assert showcase.cut_story("  短故事\r\n第二行 ") == ("短故事\n第二行", "")
    assert showcase.cut_story("字" * limit) == ("字" * limit, "")
    kept, rest = showcase.cut_story("甲" * limit + "乙\x07丙")
    assert (kept, rest) == ("甲" * limit, "乙丙")  # cut after cleaning, as set_story will count it
