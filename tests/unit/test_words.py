"""The one catalog of words (words/): every entry in both languages with the same placeholders, the
errors raised in analytics/ carry a catalog key rather than Chinese text, and an error says the same
Chinese as before while an English reader gets English."""

from __future__ import annotations

import ast
import pickle
import re
from pathlib import Path

import pytest

import words
from analytics.core.errors import AccessDenied, DataError

ROOT = Path(__file__).resolve().parents[2]
HAN = re.compile(r"[\u4e00-\u9fff]")
# A call whose name ends so is an exception being made (raised, or returned for the caller to raise).
ERROR_NAME = re.compile(r"(Error|Exception|Denied|Refused|Busy|Failed|Locked|Damaged|Full|Invalidated)$")
# file -> why a raise there may still pass Chinese text as it is (none today)
ALLOWED: dict[str, str] = {}


@pytest.mark.parametrize("key", sorted(words.STRINGS))
def test_every_entry_has_both_languages_with_the_same_placeholders(key):
    zh, en = words.STRINGS[key]
    assert isinstance(zh, str) and isinstance(en, str)
    assert zh.strip() and en.strip(), f"{key}: an empty side"
    assert words.placeholders(zh) == words.placeholders(en), f"{key}: placeholders differ"


# English entries that hold Chinese on purpose, and why
CHINESE_IN_ENGLISH = {
    "app.language": "the language switch names both languages, each in its own",
    "ingest.check.not_date_like": "quotes a Chinese date spelling the importer reads (2023年6月14日)",
    "ingest.check.not_date": "quotes a Chinese date spelling the importer reads (2023年6月14日)",
    "ingest.check.yes_or_no": "names the two words a yes/no column takes (是, 否)",
    # the score sheet's headers are the template's Chinese ones: the message quotes what to write
    "ingest.check.no_entry_column": "quotes the header to add (参赛居民区 / 参赛编号)",
    "ingest.check.no_judges": "quotes a judge header as the template writes it (评委1)",
    "ingest.check.one_round": "quotes the round column's header (场次)",
    "ingest.check.which_round": "quotes the round column's header (场次)",
}


def test_the_english_side_is_english():
    chinese = {key for key, (_, en) in words.STRINGS.items() if HAN.search(en)}
    assert chinese == set(CHINESE_IN_ENGLISH), "Chinese copied into the English side: " + ", ".join(
        sorted(chinese - set(CHINESE_IN_ENGLISH))
    )


def _call_name(node: ast.Call) -> str:
    func = node.func
    return func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""


def _chinese_literals(node: ast.AST) -> list[str]:
    """Chinese string constants under `node`, not counting those inside a msg(...) call."""
    if isinstance(node, ast.Call) and _call_name(node) == "msg":
        return []
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and HAN.search(node.value):
        return [node.value]
    return [text for child in ast.iter_child_nodes(node) for text in _chinese_literals(child)]


def chinese_errors(source: str) -> list[tuple[int, str]]:
    """(line, text) of every exception made with Chinese text directly instead of a catalog key."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and ERROR_NAME.search(_call_name(node)):
            for arg in [*node.args, *(k.value for k in node.keywords)]:
                found += [(node.lineno, text) for text in _chinese_literals(arg)]
    return found


def test_no_error_in_analytics_or_ui_is_raised_with_chinese_text():
    wrong = []
    for path in sorted([*(ROOT / "analytics").rglob("*.py"), *(ROOT / "ui").rglob("*.py")]):
        name = str(path.relative_to(ROOT))
        if name in ALLOWED:
            continue
        wrong += [f"{name}:{line}: {text[:40]}" for line, text in chinese_errors(path.read_text(encoding="utf-8"))]
    assert not wrong, "raise with msg('err.…', …) and add the words to words/err_*.py:\n" + "\n".join(wrong)


def test_the_check_sees_chinese_in_an_error_and_not_in_a_message():
    bad = 'raise DataError(f"文件 {name} 太大")\nreturn QueryRefused("不能运行", "syntax")\n'
    good = 'raise DataError(msg("err.x", name=name))\nraise ValueError(f"bad {name}")\n'
    assert sorted({line for line, _ in chinese_errors(bad)}) == [1, 2]
    assert chinese_errors(good) == []


def test_an_error_reads_as_before_in_chinese_and_in_english_on_request():
    exc = DataError(words.msg("err.ingest.utf8_broken", file="台账.csv", line=3, bad=2))
    assert (
        str(exc)
        == "「台账.csv」是 UTF-8 编码，但第 3 行有损坏的字节（共约 2 处）。系统不会猜测这些字，请修正或重新导出文件后再上传。"
    )
    english = words.said(exc, "en")
    assert english.startswith("“台账.csv” is UTF-8 but has damaged bytes on line 3") and not HAN.search(
        english.replace("台账", "")
    )
    assert words.said(exc, "zh") == str(exc)
    assert words.said(ValueError("plain"), "en") == "plain"


def test_words_inside_a_message_follow_its_language():
    inner = words.msg("err.ingest.likely", encoding=words.msg("err.ingest.encoding.big5"))
    assert inner.text("zh") == "，看起来是 Big5（繁体中文） 编码"
    assert inner.text("en") == "; it looks like Big5 (Traditional Chinese)"
    assert words.listing(["甲", "乙"]).text("zh") == "甲、乙"
    assert words.listing(["甲", "乙"]).text("en") == "甲, 乙"


def test_an_error_keeps_its_key_across_a_process_boundary():
    exc = AccessDenied(words.msg("err.ingest.nul_bytes", file="a.csv"))
    back = pickle.loads(pickle.dumps(exc))
    assert type(back) is AccessDenied and str(back) == str(exc)
    assert words.said(back, "en") == words.said(exc, "en") != str(exc)


def test_an_unknown_key_fails_where_the_message_is_made():
    with pytest.raises(KeyError, match=r"err\.nowhere"):
        words.msg("err.nowhere")


def test_the_import_vocabularies_label_their_codes_with_the_catalogs_words():
    from analytics.ingest import specs

    assert set(specs.LABEL_KEYS) == set(specs.VOCABULARIES)
    for name, vocab in specs.VOCABULARIES.items():
        for code, spellings in vocab.items():
            # the label is also the first spelling the importer accepts: a code shown on a page or in a
            # template reads back in as itself
            assert specs.vocabulary_label(name, code) == spellings[0], (name, code)
            assert specs.VOCABULARY_LABELS[name][code] == spellings[0]
            english = specs.vocabulary_label(name, code, "en")
            assert english and not HAN.search(english), (name, code)
    assert specs.vocabulary_label("colour", "red", "en") == "Red seed"


def test_the_importer_names_its_tables_as_their_specs_do():
    from analytics.ingest import specs

    for table, spec in specs.TABLES.items():
        assert words.text(f"err.ingest.table.{table}") == spec.label, table


def test_a_message_is_its_chinese_text_wherever_text_was_kept():
    said = words.msg("err.ingest.no_content", file="a.csv")
    assert said == "「a.csv」里没有任何内容。请确认上传的是填好数据的文件。" and "没有任何内容" in said
    assert isinstance(said, str) and said.text("en").startswith("“a.csv” has nothing in it")
    back = pickle.loads(pickle.dumps(said))
    assert back == said and back.key == said.key and back.text("en") == said.text("en")
