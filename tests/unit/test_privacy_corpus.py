"""One masker for every path: the Python twin, the SQL, the table browser's sample and the console's
masked copy all turn the corpus (tests/unit/privacy_corpus.py) into the same text, in which no phone
or ID number and no marked name survives, while dates, amounts and ids stay as written."""

from __future__ import annotations

import re

import duckdb
import pytest

from analytics import db
from analytics.access import Scope
from analytics.core import masking, privacy
from analytics.explore import catalog
from analytics.explore import console as explore
from tests.unit.privacy_corpus import MASKED, NEGATIVES

EVERY = [(text, masked) for text, masked, _ in MASKED] + [(text, text) for text in NEGATIVES]
PHONES = [
    "13812345678",
    "138-1234-5678",
    "+86 138 1234 5678",
    "１３８１２３４５６７８",
    "021-64300000转123",
    "(021)6430 0000",
    "",
    None,
    "12345",
    "8613812345678",
]


def in_sql(texts: list, expression: str) -> list:
    """`expression` over column x, evaluated by DuckDB for each of `texts`, in order."""
    rows = (
        duckdb.connect()
        .execute(
            f"SELECT {expression} FROM (SELECT unnest($t) AS x, generate_subscripts($t, 1) AS i) ORDER BY i",
            {"t": texts},
        )
        .fetchall()
    )
    return [row[0] for row in rows]


def digit_runs(text: str) -> list[str]:
    """Runs of digits once separators and the country code are dropped and full-width digits read as digits."""
    text = re.sub(r"^(\+|＋|\(\+|（\+|00)?86", "", text.translate(masking.FULL_WIDTH))
    return re.findall(r"[0-9]+", re.sub(r"[ 　\-－.．()（）+＋]", "", text))


def test_the_corpus_is_large_enough():
    assert len(MASKED) >= 40 and len(NEGATIVES) >= 15


@pytest.mark.parametrize("text, masked, given", MASKED)
def test_python_masks_each_variant_exactly(text, masked, given):
    out = privacy.mask_text(text)
    assert out == masked
    assert privacy.mask_text(out) == out  # masking masked text changes nothing
    left = "|".join(digit_runs(out))
    assert all(run not in left for run in digit_runs(text) if len(run) >= 7), out  # in no spacing at all
    assert not given or given not in out


@pytest.mark.parametrize("text", NEGATIVES)
def test_python_leaves_dates_amounts_and_ids_alone(text):
    assert privacy.mask_text(text) == text


def test_sql_masks_the_corpus_exactly_as_python_does():
    texts = [text for text, _ in EVERY]
    assert in_sql(texts, privacy.masked_sql("x", "text", Scope("analyst"))) == [masked for _, masked in EVERY]
    assert in_sql(texts, privacy.masked_sql("x", "text", Scope("leader"))) == texts


def test_phone_and_name_columns_agree_in_python_and_sql():
    assert in_sql(PHONES, privacy.masking_sql("x", "phone")) == [privacy.mask_phone(p) for p in PHONES]
    assert privacy.mask_phone("１３８１２３４５６７８") == "138****5678"
    assert privacy.mask_phone("+86 138 1234 5678") == "861******5678"
    names = ["张三", "欧阳娜娜", "王", "", None]
    assert in_sql(names, privacy.masking_sql("x", "name")) == [privacy.mask_name(n) for n in names]
    assert privacy.mask_name("王") == "*"


def insert_corpus(con) -> None:
    for n, (text, _) in enumerate(EVERY):
        phone = PHONES[n % len(PHONES)]
        db.execute(
            con,
            """INSERT INTO grid_cases (case_id, community_id, category, reported_at, urgent, batch_id,
                                                   reporter_name, reporter_phone, description)
                           VALUES ($id, 'C01', 'opinion', TIMESTAMP '2024-01-05 09:00', false, 'b', '王小明', $phone, $d)""",
            {"id": f"K{n:03d}", "phone": phone, "d": text},
        )


def expected_rows():
    return [
        (f"K{n:03d}", "王**", privacy.mask_phone(PHONES[n % len(PHONES)]), masked)
        for n, (_, masked) in enumerate(EVERY)
    ]


def rows_of(frame) -> list[tuple]:
    frame = frame[["case_id", "reporter_name", "reporter_phone", "description"]].astype(object)
    return list(frame.where(frame.notna(), None).itertuples(index=False, name=None))


def test_the_table_browser_sample_uses_the_same_masker_for_every_role(empty_con):
    insert_corpus(empty_con)
    for scope in (None, Scope("leader"), Scope("analyst")):
        rows = catalog.sample(empty_con, "grid_cases", n=1000, scope=scope).sort_values("case_id")
        assert rows_of(rows) == expected_rows()
    text = catalog.sample(empty_con, "grid_cases", n=1000).to_csv()
    assert "9001011234" not in text and "64300000" not in text  # the two leaks of the old browser masker


@pytest.mark.slow
def test_the_console_reads_the_corpus_masked_as_python_does(tmp_path, monkeypatch):
    path = tmp_path / "corpus.duckdb"
    con = duckdb.connect(str(path))
    db.create_schema(con)
    insert_corpus(con)
    con.close()
    sql = "SELECT case_id, reporter_name, reporter_phone, description FROM grid_cases ORDER BY case_id"
    for role in ("analyst", "admin"):
        frame = explore.run_readonly(path, sql, scope=Scope(role)).frame
        assert rows_of(frame) == expected_rows()
    leader = explore.run_readonly(path, sql, scope=Scope("leader")).frame
    assert leader["description"].tolist() == [text for text, _ in EVERY]
    # one masked copy per masked role, named by the rules that made it: a copy masked by older, weaker
    # rules is never reused
    masked_copies = sorted(p.name for p in tmp_path.glob("corpus.explore-masked-*.duckdb"))
    assert [name.split("-")[2] for name in masked_copies] == ["admin", "analyst"]
    assert all(name.endswith(f"-{explore._rules_signature()}.duckdb") for name in masked_copies)
    signature = explore._rules_signature()
    monkeypatch.setattr(privacy, "MASKING_FINGERPRINT", "0ther000")
    assert explore._rules_signature() != signature
