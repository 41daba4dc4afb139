"""Contest data: judges, rounds, criteria, entries, and scores in the long form and in the wide score
sheets used at contests, whose 最高分 / 最低分 / 最后得分 are checked against the judges' scores."""

from __future__ import annotations

import numpy as np
import pytest

from analytics import db, ingest
from tests.unit import ingest_helpers
from tests.unit.ingest_helpers import errors_at, write_csv, write_xlsx

JUDGES = [
    ["评委编号", "评委", "评委类型"],
    ["J1", "评委1（街道领导）", "领导"],
    ["J2", "评委2（专家）", "专家"],
    ["J3", "评委3（专家）", "专家"],
    ["J4", "评委4（居民代表）", "居民代表"],
    ["J5", "评委5（专家）", "expert"],
]
ROUNDS = [
    ["场次编号", "场次名称", "比拼日期"],
    ["R1", "书记擂台·测试场", "2025年6月14日"],
    ["R2", "书记擂台·总分场", "2025/7/1"],
]
CRITERIA = [
    ["场次", "标准编号", "标准名称", "权重", "满分"],
    ["R1", "K1", "思想美", "0.6", "100"],
    ["书记擂台·测试场", "K2", "环境美", "0.4", ""],
    ["R2", "T", "总分", "1", "100"],
]
ENTRIES = [
    ["场次", "参赛居民区", "展示主题"],
    ["R1", "鹤北一居", "种树认养"],
    ["R1", "北街", "老街新貌"],
    ["R2", "鹤北一居", ""],
    ["R2", "北街", ""],
    ["R2", "红旗一居", ""],
]
SCORES_R2 = {"鹤北一居": [90, 85, 88, 92, 80], "北街": [70, 75, 72, 78, 74], "红旗新村第一居民区": [81, 83, 85, 80, 82]}


@pytest.fixture
def contest_con(real_con, tmp_path):
    for name, rows, table in (
        ("judges", JUDGES, "judges"),
        ("rounds", ROUNDS, "contest_rounds"),
        ("criteria", CRITERIA, "contest_criteria"),
        ("entries", ENTRIES, "contest_entries"),
    ):
        report = ingest.import_file(real_con, write_csv(tmp_path / f"{name}.csv", rows), table)
        assert report.ok, (table, report.errors)
    return real_con


real_con = ingest_helpers.real_con


def test_reference_tables_for_a_contest(contest_con):
    entries = db.query(contest_con, "SELECT round_id, entry_id, community_id FROM contest_entries ORDER BY 1, 2")
    assert entries["entry_id"].tolist() == ["R1-C01", "R1-C30", "R2-C01", "R2-C22", "R2-C30"]
    criteria = db.query(
        contest_con, "SELECT criterion_id, weight, max_score FROM contest_criteria WHERE round_id = 'R1'"
    )
    assert criteria["max_score"].tolist() == [100.0, 100.0]
    assert (
        db.scalar(contest_con, "SELECT held_on FROM contest_rounds WHERE round_id = 'R1'").isoformat() == "2025-06-14"
    )


@pytest.mark.slow
def test_long_form_scores(contest_con, tmp_path):
    rows = [
        ["场次", "参赛居民区", "评委", "评分标准", "得分"],
        ["R1", "鹤北一居", "评委1", "思想美", "92"],
        ["R1", "鹤北新村第一居民区", "J2", "K2", "88.5"],
        ["R1", "北街", "评委3（专家）", "环境美", "101"],
        ["R1", "红旗一居", "评委1", "思想美", "80"],
    ]
    report = ingest.preview(contest_con, write_csv(tmp_path / "long.csv", rows), "contest_scores")
    assert {e[0] for e in report.errors} == {4, 5}
    assert "满分 100" in errors_at(report, 4)[0][3] and "参赛" in errors_at(report, 5)[0][3]
    report = ingest.import_file(contest_con, write_csv(tmp_path / "long_ok.csv", rows[:3]), "contest_scores")
    assert report.ok and report.rows_imported == 2


def _wide(scores: dict, *, checks: bool, final_override: dict | None = None) -> list[list]:
    header = ["序号", "参赛居民区", *[f"评委{j}" for j in range(1, 6)]]
    if checks:
        header += ["最高分", "最低分", "最后得分"]
    rows = [["书记擂台·总分场 评分表"], header]
    for n, (name, values) in enumerate(scores.items(), start=1):
        row = [n, name, *values]
        if checks:
            trimmed = np.mean(sorted(values)[1:-1])
            row += [max(values), min(values), round(float(trimmed), 2)]
            if final_override and name in final_override:
                row[-1] = final_override[name]
        rows.append(row)
    return rows


@pytest.mark.slow
def test_wide_sheet_without_check_columns(contest_con, tmp_path):
    path = write_xlsx(tmp_path / "wide.xlsx", {"评分": _wide(SCORES_R2, checks=False)})
    report = ingest.import_file(contest_con, path, "contest_scores")
    assert report.ok, report.errors
    assert report.rows_imported == 15 and any("场次按标题识别为 R2" in n for n in report.notes)
    got = db.query(
        contest_con, "SELECT entry_id, judge_id, score FROM contest_scores WHERE entry_id = 'R2-C22' ORDER BY 2"
    )
    assert got["score"].tolist() == [81, 83, 85, 80, 82] and set(got["judge_id"]) == {"J1", "J2", "J3", "J4", "J5"}


@pytest.mark.slow
def test_wide_sheet_with_correct_check_columns(contest_con, tmp_path):
    path = write_xlsx(tmp_path / "wide_checks.xlsx", {"评分": _wide(SCORES_R2, checks=True)})
    report = ingest.import_file(contest_con, path, "contest_scores")
    assert report.ok, report.errors
    assert report.rows_imported == 15


@pytest.mark.slow
def test_wide_sheet_with_wrong_final_score(contest_con, tmp_path):
    path = write_xlsx(
        tmp_path / "wide_wrong.xlsx", {"评分": _wide(SCORES_R2, checks=True, final_override={"北街": 80.5})}
    )
    report = ingest.import_file(contest_con, path, "contest_scores")
    [error] = report.errors
    assert error[0] == 4 and error[1] == "最后得分" and error[2] == "80.5"
    assert "去掉一个最高分和一个最低分后平均为 73.67" in error[3]
    assert report.rows_imported == 0 and db.scalar(contest_con, "SELECT count(*) FROM contest_scores") == 0


def test_wide_sheet_wrong_highest_score(contest_con, tmp_path):
    rows = _wide(SCORES_R2, checks=True)
    rows[2][7] = 95  # 鹤北一居's 最高分: the judges gave at most 92
    report = ingest.preview(contest_con, write_xlsx(tmp_path / "max.xlsx", {"评分": rows}), "contest_scores")
    [error] = report.errors
    assert error[:3] == (3, "最高分", "95") and "92.00" in error[3]


@pytest.mark.slow
def test_wide_sheet_judge_by_criterion_under_merged_judges(contest_con, tmp_path):
    rows = [
        ["参赛居民区", "评委1", None, "评委2", None, "最后得分"],
        [None, "思想美", "环境美", "思想美", "环境美", None],
        ["鹤北一居", 90, 80, 70, 60, 76.0],  # totals 0.6·90+0.4·80 = 86 and 0.6·70+0.4·60 = 66
        ["北街", 80, 80, None, 70, ""],
    ]  # judge 2 left one box empty
    path = write_xlsx(
        tmp_path / "merged_wide.xlsx", {"评分": rows}, merged={"评分": ["A1:A2", "B1:C1", "D1:E1", "F1:F2"]}
    )
    report = ingest.import_file(contest_con, path, "contest_scores", round_id="R1")
    assert report.ok, report.errors
    assert report.rows_imported == 7 and any("空的" in n for n in report.notes)
    got = db.query(
        contest_con, "SELECT judge_id, criterion_id, score FROM contest_scores WHERE entry_id = 'R1-C30' ORDER BY 1, 2"
    )
    assert got.values.tolist() == [["J1", "K1", 90.0], ["J1", "K2", 80.0], ["J2", "K1", 70.0], ["J2", "K2", 60.0]]


@pytest.mark.slow
def test_wide_sheet_needs_a_round(contest_con, tmp_path):
    rows = _wide(SCORES_R2, checks=False)[1:]  # no title row naming the round
    report = ingest.preview(contest_con, write_xlsx(tmp_path / "noround.xlsx", {"评分": rows}), "contest_scores")
    assert len(report.errors) == 1 and "场次" in report.errors[0][3]
    assert ingest.preview(
        contest_con, write_xlsx(tmp_path / "noround.xlsx", {"评分": rows}), "contest_scores", round_id="书记擂台·总分场"
    ).ok


@pytest.mark.slow
def test_unknown_judge_column_is_an_error_not_ignored(contest_con, tmp_path):
    rows = _wide(SCORES_R2, checks=False)
    rows[1][6] = "评委9"
    report = ingest.preview(contest_con, write_xlsx(tmp_path / "judge9.xlsx", {"评分": rows}), "contest_scores")
    assert [e[1] for e in report.errors] == ["评委9"] and "不在评委名单中" in report.errors[0][3]


def test_judge_columns_without_criterion_in_a_multi_criterion_round(contest_con, tmp_path):
    rows = _wide(SCORES_R2, checks=False)[1:]
    report = ingest.preview(
        contest_con, write_xlsx(tmp_path / "r1.xlsx", {"评分": rows}), "contest_scores", round_id="R1"
    )
    assert report.errors and all("没有写评分标准" in e[3] for e in report.errors)
