"""Sql fragments (analytics/core/sql.py): composition, the collision check, printing with values, the
one door running them, and a reading of analytics/ that keeps bound values from being merged by hand."""

from __future__ import annotations

import ast
import datetime as dt
import sys
from pathlib import Path

import duckdb
import numpy as np
import pytest

from analytics.core import connection as db
from analytics.core.filters import Filters
from analytics.core.scope import Scope, community_predicate
from analytics.core.sql import ParamCollision, Sql, merge_params

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def con():
    con = duckdb.connect(":memory:")
    yield con
    con.close()


def test_compose_puts_pieces_in_and_merges_their_values():
    where = Sql("day >= $start AND day < $end", {"start": dt.date(2024, 1, 1), "end": dt.date(2024, 2, 1)})
    scope = Sql("community_id = $c", {"c": "C05"})
    query = Sql.compose("SELECT * FROM t WHERE {where} AND {scope} GROUP BY {cols}", where=where, scope=scope, cols="a")
    assert query.text == "SELECT * FROM t WHERE day >= $start AND day < $end AND community_id = $c GROUP BY a"
    assert query.params == {"start": dt.date(2024, 1, 1), "end": dt.date(2024, 2, 1), "c": "C05"}
    sql, params = query  # still the pair it used to be
    assert (sql, params) == (query.text, dict(query.params)) == (query[0], query[1])


def test_two_fragments_binding_one_name_to_different_values_collide():
    current = Filters(dt.date(2024, 1, 1), dt.date(2024, 1, 31)).where(date_col="day")
    previous = Filters(dt.date(2023, 12, 1), dt.date(2023, 12, 31)).where(date_col="day")  # same prefix "f"
    with pytest.raises(ParamCollision, match=r"\$f_start"):
        Sql.compose("SELECT {a} UNION ALL SELECT {b}", a=current, b=previous)
    with pytest.raises(ParamCollision):
        Sql.join([current, previous], " OR ")
    with pytest.raises(ParamCollision):
        current.bind(f_end_excl=dt.date(2030, 1, 1))
    # under their own prefixes they compose, each keeping its dates
    both = Sql.join([current, Filters(dt.date(2023, 12, 1), dt.date(2023, 12, 31)).where(date_col="day", prefix="p")])
    assert both.params["f_start"] == dt.date(2024, 1, 1) and both.params["p_start"] == dt.date(2023, 12, 1)


def test_the_same_value_under_one_name_twice_is_one_value():
    scope = Scope("secretary", "C05")
    a = community_predicate(scope, "a.community_id")
    b = community_predicate(scope, "b.community_id")
    joined = Sql.join([a, b])
    assert joined.text == "a.community_id = $scope_community AND b.community_id = $scope_community"
    assert joined.params == {"scope_community": "C05"}
    assert Sql("x = $n", {"n": 3}).bind(n=3).params == {"n": 3}
    # equal but not the same kind of value is a collision: 1 and True, 1 and 1.0 bind differently
    with pytest.raises(ParamCollision):
        merge_params({"n": 1}, {"n": True})
    with pytest.raises(ParamCollision):
        merge_params({"n": 1}, {"n": 1.0})
    # values that compare element-wise are one value only when they are the same object
    values = np.array([1, 2])
    assert merge_params({"v": values}, {"v": values})["v"] is values
    with pytest.raises(ParamCollision):
        merge_params({"v": values}, {"v": np.array([1, 2])})


def test_literal_braces_and_a_missing_piece():
    query = Sql.compose("SELECT {{'a': 1}} AS s, {x} AS x", x=Sql("$v", {"v": 2}))
    assert query.text == "SELECT {'a': 1} AS s, $v AS x"
    # doubled braces around a name stay literal, and a piece's own text is put in as it is
    query = Sql.compose("SELECT '{{x}}', {x}", x=Sql("'{{y}}' || $v", {"v": 1}))
    assert query.text == "SELECT '{x}', '{{y}}' || $v"
    with pytest.raises(KeyError, match="where"):
        Sql.compose("SELECT * FROM t WHERE {where}", scope=Sql("TRUE"))


def test_join_of_nothing_and_of_plain_strings():
    assert Sql.join([]) == Sql("TRUE", {})
    assert Sql.join([], ", ", empty="*").text == "*"
    assert Sql.join(["a", Sql("b = $b", {"b": 1})], ", ") == Sql("a, b = $b", {"b": 1})


def test_printable_writes_every_value_in_and_runs_as_the_bound_query(con):
    query = Sql.compose(
        """
        SELECT $name AS name, $day AS day, $n AS n, $ids AS ids, '$not_a_value' AS quoted -- $nor_this
        WHERE {where}
        """,
        where=Sql("$n > 1", {"n": 2}),
    ).bind(name="O'Brien", day=dt.date(2024, 2, 29), ids=["G1", "G2"])
    text = query.printable()
    assert text == (
        "SELECT 'O''Brien' AS name, DATE '2024-02-29' AS day, 2 AS n, ['G1', 'G2'] AS ids,"
        " '$not_a_value' AS quoted -- $nor_this\nWHERE 2 > 1"
    )
    assert con.execute(text).fetchall() == con.execute(*query).fetchall()


def test_positional_values_print_but_do_not_compose():
    recorded = Sql("SELECT ?, ?", [5, "x"])
    assert recorded.printable() == "SELECT 5, 'x'" and list(recorded) == ["SELECT ?, ?", [5, "x"]]
    with pytest.raises(TypeError, match="by name"):
        Sql.join([recorded, Sql("TRUE")])


def test_the_door_runs_a_fragment_and_records_it_printable(con):
    piece = Sql.compose("SELECT x FROM range(10) t(x) WHERE {where} ORDER BY x", where=Sql("x < $n", {"n": 3}))
    with db.capture_sql() as captured:
        assert db.query(con, piece)["x"].tolist() == [0, 1, 2]
        assert db.scalar(con, Sql("SELECT $a + $b", {"a": 1, "b": 2})) == 3
        assert db.scalar(con, "SELECT $a * 2", {"a": 4}) == 8
        assert db.scalar(con, "SELECT 1", record=False) == 1
    assert [c.printable() for c in captured] == [
        "SELECT x FROM range(10) t(x) WHERE x < 3 ORDER BY x",
        "SELECT 1 + 2",
        "SELECT 4 * 2",
    ]
    assert captured[0][0] == piece.text and captured[0][1] == {"n": 3}
    db.execute(con, Sql("CREATE TABLE t AS SELECT $v AS v", {"v": 7}))
    assert db.scalar(con, "SELECT v FROM t") == 7
    with pytest.raises(TypeError, match="without params"):
        db.query(con, piece, {"n": 3})


# --- no bound values merged by hand outside analytics/core/sql.py ------------------------------------

# converted by the read-path work (rewritten at the same time as this test was written): empty this
# once that work is merged — test_the_allow_list_holds_only_files_that_still_merge says which are done.
ALLOWED: set[str] = set()  # every module composes Sql; a file listed here would still merge by hand


def _named_param(node: ast.AST) -> bool:
    """A name or attribute that holds bound values by the project's naming (params, scope_params, …)."""
    name = node.id if isinstance(node, ast.Name) else node.attr if isinstance(node, ast.Attribute) else ""
    return "param" in name.lower()


def _runs_sql(call: ast.Call) -> bool:
    func = call.func
    return isinstance(func, ast.Attribute) and func.attr in {"query", "scalar", "execute"}


def hand_merges(path: Path, root: Path = ROOT) -> list[str]:
    """Where `path` merges bound values by hand: `{**a, **b}` of a params dict (or handed straight to a
    query), `params.update(…)`, `params |= …`, `a | b` of params dicts, `params[name] = value`."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []

    def hit(node: ast.expr | ast.stmt, what: str) -> None:
        found.append(f"{path.relative_to(root).as_posix()}:{node.lineno}: {what}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Dict) and None in node.keys:
            unpacked = [v for k, v in zip(node.keys, node.values, strict=True) if k is None]
            parent = parents.get(node)
            into_params = isinstance(parent, ast.Assign) and any(_named_param(t) for t in parent.targets)
            into_query = isinstance(parent, ast.Call) and _runs_sql(parent)
            if any(_named_param(v) for v in unpacked) or into_params or into_query:
                hit(node, "{**…} merge of bound values")
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "update" and _named_param(node.func.value):
                hit(node, ".update() of bound values")
        elif isinstance(node, ast.AugAssign) and isinstance(node.op, ast.BitOr) and _named_param(node.target):
            hit(node, "|= of bound values")
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            if _named_param(node.left) or _named_param(node.right):
                hit(node, "| of bound values")
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Subscript) and _named_param(target.value):
                    hit(node, "params[name] = value added by hand")
    return sorted(found, key=lambda hit: int(hit.split(":")[1]))


def all_hand_merges(root: Path = ROOT) -> list[str]:
    found = []
    for path in sorted((root / "analytics").rglob("*.py")):
        if path.relative_to(root).as_posix() != "analytics/core/sql.py":
            found += hand_merges(path, root)
    return found


def test_the_reader_finds_each_kind_of_hand_merge(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def f(con, a_params, b):\n"
        "    params = {**a_params, 'n': 1}\n"  # 2
        "    params.update(b)\n"  # 3
        "    params |= b\n"  # 4
        "    merged = a_params | b\n"  # 5
        "    params['round_id'] = 1\n"  # 6
        "    con.query('SELECT 1', {**b, 'x': 2})\n"  # 7
        "    notes = {**b}\n"  # not bound values
        "    notes.update(b)\n"
        "    return params, merged, notes\n",
        encoding="utf-8",
    )
    assert [line.split(":")[1] for line in hand_merges(sample, tmp_path)] == ["2", "3", "4", "5", "6", "7"]


def test_no_module_merges_bound_values_by_hand():
    found = [hit for hit in all_hand_merges() if hit.split(":")[0] not in ALLOWED]
    assert not found, "compose fragments with analytics.core.sql.Sql instead:\n" + "\n".join(found)


def test_the_allow_list_holds_only_files_that_still_merge():
    still = {hit.split(":")[0] for hit in all_hand_merges()}
    assert ALLOWED <= still, f"converted, take them off ALLOWED: {sorted(ALLOWED - still)}"


if __name__ == "__main__":  # the count in the report: python tests/unit/test_sql.py [root]
    found = all_hand_merges(Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT)
    print("\n".join(found))
    print(len(found), "hand merges")
