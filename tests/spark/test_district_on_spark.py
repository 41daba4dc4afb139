"""The district's statements executed on a local Spark with DuckDB's answer (issue #20, item 5), on the
district demo world (闵行区's 14 街镇):

- every statement the district comparison (区级对比) runs for a district leader, and the overview the
  leader drills into for one town; and the overview of a leader bound to one 街镇 — through the
  rollups and from the raw tables, caught as tests/spark/test_pages_on_spark.py catches them;
- the explorer's pivot builder (analytics.explore.pivot): pivots that use every dimension and every
  measure at least once, filtered by codes, by town and by grid, over whole and partial months, for a
  leader, a 街镇 leader and a secretary (whose pivots suppress small dispute counts with a second
  query), through the rollups and from the raw tables.

Out of scope: the explorer's SQL console runs the analyst's own DuckDB SQL (its dialect is DuckDB's
by definition, README), and its table browser reads DuckDB's information_schema: neither is SQL the
app composes for an engine to answer."""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from pyspark.sql import SparkSession

from analytics import access
from analytics.access.store import ENV_ACCOUNTS
from analytics.core import connection
from analytics.core.filters import Filters
from analytics.core.scope import Scope
from analytics.explore import pivot
from analytics.explore.pivot import PivotSpec
from tests.app.helpers import assert_clean, run_page
from tests.spark.answers import load_tables
from tests.spark.capture import Recorder, Seen, differing, stale

pytestmark = [pytest.mark.spark, pytest.mark.slow]

JIANGCHUAN, GUMEI, XINHONG = "310112001", "310112006", "310112008"
DISTRICT = "app_pages/district.py"
OVERVIEW = "app_pages/overview.py"
SOURCES = ("rollups", "raw")


def copies(district_db_path: Path, folder: Path) -> dict[str, Path]:
    """The district world as it is (its rollups current) and with them stale (pages read the facts), in
    `folder`: each user of it its own files (the app keeps its connection open for the session)."""
    paths = {}
    for source in SOURCES:
        paths[source] = folder / f"{source}.duckdb"
        shutil.copy(district_db_path, paths[source])
        if source == "raw":
            stale(paths[source])
    return paths


@pytest.fixture(scope="module")
def on_spark(
    spark: SparkSession, district_db_path: Path, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[duckdb.DuckDBPyConnection]:
    """The district world's tables as Spark views, and DuckDB's connection to the same tables."""
    con = duckdb.connect(str(district_db_path), read_only=True)
    load_tables(spark, con, tmp_path_factory.mktemp("district-parquet"))
    yield con
    con.close()
    spark.catalog.clearCache()  # the next module loads its own tables under the same names


@pytest.fixture(scope="module")
def page_statements(district_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Seen:
    """A district leader on the district page, then drilled into 新虹街道's overview; a 古美街道 leader
    at the district page's address (not offered to her) and on the overview of her town. Signed in with
    accounts (a 街镇 leader has no demo role)."""
    accounts = tmp_path_factory.mktemp("district-accounts") / "accounts.json"
    with Recorder() as recorder, pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.delenv("JIANGCHUAN_STORE", raising=False)
        monkeypatch.setenv(ENV_ACCOUNTS, str(accounts))
        access.add_user("district1", "leader-password-1", "leader", path=accounts)
        access.add_user("gumei1", "leader-password-1", "leader", path=accounts, town_code=GUMEI)
        users = access.load_accounts(accounts)
        for source, path in copies(district_db_path, tmp_path_factory.mktemp("district-pages")).items():
            monkeypatch.setenv(connection.ENV_DB_PATH, str(path))
            recorder.where = f"{source} / district leader / district"
            at = run_page(DISTRICT, session_state={"auth_account": users["district1"]}, timeout=180)
            assert_clean(at)
            assert len(at.dataframe[0].value) == 14, "the district page compares the 14 towns"
            recorder.where = f"{source} / district leader / overview of 新虹街道"
            at.selectbox(key="district_drill").select(XINHONG).run(timeout=180)
            assert_clean(at)
            assert at.session_state["filters_town"] == XINHONG and at.title[0].value == "新虹街道 · 总览"
            recorder.where = f"{source} / 古美街道 leader / district"
            at = run_page(DISTRICT, session_state={"auth_account": users["gumei1"]}, timeout=180)
            assert_clean(at)
            assert any("区级对比" in w.value for w in at.warning), "a 街镇 leader is not offered the comparison"
            recorder.where = f"{source} / 古美街道 leader / overview"
            at = run_page(OVERVIEW, session_state={"auth_account": users["gumei1"]}, timeout=180)
            assert_clean(at)
            assert at.title[0].value.startswith("古美街道")
    return recorder.seen


# Every dimension and every measure at least once; place dimensions with per-1,000 measures (residents
# by community, by grid, and of the whole selection); codes kept; periods of whole months (monthly
# rollups) and with partial months at both ends (daily rollups at the edges).
WHOLE_MONTHS = {"start": dt.date(2024, 1, 1), "end": dt.date(2024, 6, 30)}
PARTIAL = {"start": dt.date(2023, 3, 10), "end": dt.date(2024, 8, 20)}
ACTIVITIES = tuple(pivot.MEASURES["activities"])
CASES = tuple(pivot.MEASURES["cases"])
SPECS: dict[str, PivotSpec] = {
    "activities, no split": PivotSpec("activities", (), ACTIVITIES),
    "activities by grid and colour": PivotSpec(
        "activities", ("grid", "seed_colour"), ACTIVITIES, Filters(**WHOLE_MONTHS)
    ),
    "activities by community and item": PivotSpec(
        "activities",
        ("community", "item"),
        ("activities", "activities_per_1k", "participants_per_1k"),
        Filters(**PARTIAL, town_codes=(JIANGCHUAN, XINHONG)),
        (("seed_colour", ("red", "green")),),
    ),
    "activities by year, partner and kind": PivotSpec(
        "activities",
        ("year", "partner", "partner_kind"),
        ("participants", "partners_active", "volunteer_hours"),
        keep=(("partner_kind", ("school", "hospital", "enterprise")),),
    ),
    "activities by quarter and month": PivotSpec(
        "activities", ("quarter", "month"), ("activities", "communities_active"), Filters(**PARTIAL)
    ),
    "cases, no split": PivotSpec("cases", (), CASES),
    "cases by month and category": PivotSpec(
        "cases", ("month", "category"), CASES, Filters(**WHOLE_MONTHS), (("category", ("dispute", "opinion")),)
    ),
    "cases by community, level and urgency": PivotSpec(
        "cases",
        ("community", "resolved_level", "urgent"),
        CASES,
        Filters(**PARTIAL, town_codes=(GUMEI,)),
        (("urgent", (True,)), ("resolved_level", ("grid", "community", "open"))),
    ),
    "cases by year, quarter and grid": PivotSpec(
        "cases", ("year", "quarter", "grid"), CASES, Filters(grid_ids=("G1", "G3", f"{XINHONG}-G2"))
    ),
    "disputes": PivotSpec(
        "cases", ("category",), ("cases", "closed", "in_grid_rate"), keep=(("category", ("dispute",)),)
    ),
}
SCOPES = {
    "leader": None,
    "古美街道 leader": Scope("leader", town_code=GUMEI),
    "secretary C30": Scope("secretary", "C30", town_code=JIANGCHUAN),
}
# which pivots each viewer builds: all for the district's leader; for the others those that their scope
# changes (a town's rows; a secretary's suppression, which reads the counts of a category split again)
BUILT_BY = {
    "leader": tuple(SPECS),
    "古美街道 leader": ("activities by grid and colour", "cases by community, level and urgency", "disputes"),
    "secretary C30": ("cases by month and category", "disputes", "activities by community and item"),
}


@pytest.fixture(scope="module")
def pivot_statements(district_db_path: Path, tmp_path_factory: pytest.TempPathFactory) -> Seen:
    with Recorder() as recorder:
        for source, path in copies(district_db_path, tmp_path_factory.mktemp("district-pivots")).items():
            con = connection.connect(path, read_only=True)
            for viewer, names in BUILT_BY.items():
                for name in names:
                    recorder.where = f"{source} / {viewer} / {name}"
                    result = pivot.pivot(con, SPECS[name], scope=SCOPES[viewer])
                    assert not result.frame.empty, recorder.where
            con.close()
    return recorder.seen


def test_the_district_pages_give_duckdbs_answer_on_spark(spark, on_spark, page_statements):
    failures = differing(spark, on_spark, page_statements, "the district's pages")
    assert len(page_statements) > 30, "the district's pages ran far fewer statements than they do"
    assert not failures, "\n\n".join(failures)


def test_the_pivots_use_every_dimension_and_measure():
    assert {d for spec in SPECS.values() for d in spec.rows} == set(pivot.DIMENSIONS)
    for subject, measures in pivot.MEASURES.items():
        assert {m for spec in SPECS.values() if spec.subject == subject for m in spec.measures} == set(measures)
    assert {name for spec in SPECS.values() for name, _ in spec.keep} == {
        name for subject in pivot.SUBJECTS for name in pivot.filterable_for(subject)
    }


def test_every_pivot_gives_duckdbs_answer_on_spark(spark, on_spark, pivot_statements):
    read = " ".join(pivot_statements)
    assert "rollup_cases" in read and "FROM grid_cases" in read, "pivots read both the rollups and the facts"
    assert "AS urgent_local" in read, "a secretary's pivot of disputes reads the counts behind it for suppression"
    failures = differing(spark, on_spark, pivot_statements, "the explorer's pivots")
    assert not failures, "\n\n".join(failures)
