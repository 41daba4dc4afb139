"""How personal data is masked in free text, written once for Python and for DuckDB.

Every pattern below is written in the syntax both Python's `re` and DuckDB's RE2 read the same way:
no look-around (RE2 has none), no `\\d` / `\\s` / `\\w` (Unicode in Python, ASCII in RE2), explicit
character classes (full-width digits included), and boundaries matched as characters that the
replacement puts back. A boundary character can end one number and start the next ("A/B"), so each
rule is applied twice; after the second pass no two unmasked numbers can share a boundary. The Python
twin (`mask_text`) and the SQL (`text_sql`) run the very same patterns in the same order, so they
agree by construction; tests/unit/test_privacy_corpus.py checks it on the corpus.

What is masked, keeping enough to recognise the kind of value:
- ID numbers (18 characters, lowercase x too, spaces between the groups): the 8 digits of the birth
  date, `310112********1234`;
- mobile numbers with +86 / 0086 / (+86) / 86 prefixes, separators (- . space; 3-4-4, 3-8, 7-4, 4-3-4)
  and full-width digits: the middle 4 digits, `138-****-5678`;
- landlines with an area code (021-64300000, (021)6430 0000, 02164300000, +86 21 6430 0000, extensions
  kept), a local
  number with an extension (64300000-8012, 6430 0000转8012) or after a word such as 电话 / 座机:
  the first 3–4 digits of the local number, `021-****0000`;
- the name after a marker such as 联系人 / 反映人 / 姓名 / 户主 / 当事人 / 申请人 / 报告人, with or
  without a colon or space: all but the surname, as a fixed `**` that hides the name's length.

A bare 7–8 digit number with neither area code, extension nor phone word stays: it is as likely a
date (20240601), an amount or a file number as a telephone.
"""

from __future__ import annotations

import re
from typing import overload

_DIGIT = "[0-9０-９]"
_NOT_DIGIT = "[^0-9０-９]"
_SEP = "[ 　\\-－.．]"
_CJK_LO, _CJK_HI = "\u4e00", "\u9fff"
_CJK = f"[{_CJK_LO}-{_CJK_HI}]"

# Words that, right after a marker, begin the sentence rather than a name ("联系人电话…", "姓名不详").
_NOT_SURNAME = "电手的及和与等均称说反投来信姓名不未无已暂家提要为是对在于将把被向"
# What may follow a given name: a non-Chinese character, the end, or a word that begins the report. Not
# `*`, and at least one character masked otherwise, so that masked text is left as it is (idempotent).
_AFTER_NAME = [
    "[^\u4e00-\u9fff*]",
    "$",
    "称",
    "说",
    "反映",
    "表示",
    "投诉",
    "来电",
    "电话",
    "手机",
    "联系",
    "先生",
    "女士",
    "同志",
    "老师",
    "师傅",
    "阿姨",
]
MARKERS = (
    "联系人",
    "反映人",
    "姓名",
    "户主",
    "当事人",
    "申请人",
    "报告人",
    "投诉人",
    "举报人",
    "来电人",
    "求助人",
    "来访人",
    "上报人",
    "代理人",
    "监护人",
    "报案人",
    "承租人",
)
PHONE_WORDS = ("电话", "座机", "固话", "手机", "联系方式", "Tel", "tel", "TEL")


def _cjk_except(excluded: str) -> str:
    """A character class of the CJK block without `excluded` (neither engine subtracts classes)."""
    points = sorted({ord(c) for c in excluded})
    ranges, start = [], ord(_CJK_LO)
    for point in points:
        if point > start:
            ranges.append(f"{chr(start)}-{chr(point - 1)}" if point - 1 > start else chr(start))
        start = point + 1
    ranges.append(f"{chr(start)}-{_CJK_HI}")
    return "[" + "".join(ranges) + "]"


_ID_NEAR = "[0-9０-９XxＸｘ]"
# (pattern, replacement); order matters: ID numbers before the phone numbers hidden in their digits.
RULES: tuple[tuple[str, str], ...] = (
    (
        f"(^|[^0-9０-９XxＸｘ])({_DIGIT}{{6}})({_SEP}?)(?:{_DIGIT}{{8}}|{_DIGIT}{{4}}{_SEP}{_DIGIT}{{4}})({_SEP}?)"
        f"({_DIGIT}{{3}}{_ID_NEAR})([^0-9０-９XxＸｘ]|$)",
        "\\1\\2\\3********\\4\\5\\6",
    ),
    (
        f"(^|{_NOT_DIGIT}|86|８６)([1１][3-9３-９]{_DIGIT})({_SEP}?){_DIGIT}{{4}}({_SEP}?)({_DIGIT}{{4}})({_NOT_DIGIT}|$)",
        "\\1\\2\\3****\\4\\5\\6",
    ),
    # written 4-3-4 (1381-234-5678): the three digits and the one before them
    (
        f"(^|{_NOT_DIGIT}|86|８６)([1１][3-9３-９]{_DIGIT}){_DIGIT}({_SEP}){_DIGIT}{{3}}({_SEP}?)({_DIGIT}{{4}})({_NOT_DIGIT}|$)",
        "\\1\\2*\\3***\\4\\5\\6",
    ),
    (
        f"(^|{_NOT_DIGIT})((?:[(（]?[0０]{_DIGIT}{{2,3}}?[)）]?|(?:[+＋]|00)?86{_SEP}?[1-9１-９]{_DIGIT}{{1,2}}?){_SEP}?)"
        f"[2-9２-９]{_DIGIT}{{2,3}}({_SEP}?)({_DIGIT}{{4}})"
        f"({_NOT_DIGIT}|$)",
        "\\1\\2****\\3\\4\\5",
    ),
    # A local number with an extension; not starting 19 / 20, which a date with a suffix does.
    (
        f"(^|{_NOT_DIGIT})(?:[3-9３-９]{_DIGIT}|[2２][1-9１-９]){_DIGIT}{{2}}({_SEP}?)({_DIGIT}{{4}})"
        f"([-－]|转|分机|ext\\.?|EXT\\.?)({_DIGIT}{{1,5}})({_NOT_DIGIT}|$)",
        "\\1****\\2\\3\\4\\5\\6",
    ),
    (
        f"({'|'.join(PHONE_WORDS)})([：:]?[ 　]*)[2-9２-９]{_DIGIT}{{2,3}}({_SEP}?)({_DIGIT}{{4}})({_NOT_DIGIT}|$)",
        "\\1\\2****\\3\\4\\5",
    ),
    (
        f"({'|'.join(MARKERS)})([：:]?[ 　]*(?:为|是)?[ 　]*)({_cjk_except(_NOT_SURNAME)})"
        f"(?:{_CJK}{{0,3}}?({'|'.join(_AFTER_NAME)})|{_CJK}{{1,3}})",
        "\\1\\2\\3**\\4",
    ),
)
PASSES = 2

_COMPILED = tuple((re.compile(pattern), replacement) for pattern, replacement in RULES)


@overload
def mask_text(text: str) -> str: ...
@overload
def mask_text(text: None) -> None: ...
def mask_text(text: str | None) -> str | None:
    """Phone numbers, ID numbers and marked names inside free text."""
    if not text:
        return text
    for _ in range(PASSES):
        for pattern, replacement in _COMPILED:
            text = pattern.sub(replacement, text)
    return text


def text_sql(column: str) -> str:
    """The same masking as a DuckDB expression over `column` (an allow-listed name)."""
    masked = column
    for _ in range(PASSES):
        for pattern, replacement in RULES:
            masked = f"regexp_replace({masked}, '{_sql_string(pattern)}', '{_sql_string(replacement)}', 'g')"
    return masked


FULL_WIDTH = str.maketrans("０１２３４５６７８９", "0123456789")


def mask_phone(phone: str | None) -> str | None:
    """A phone column: its digits (full-width ones read as digits), the first 3 and last 4 kept."""
    if not phone:
        return phone
    digits = re.sub("[^0-9]", "", phone.translate(FULL_WIDTH))
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


def phone_sql(column: str) -> str:
    digits = f"regexp_replace(translate({column}, '０１２３４５６７８９', '0123456789'), '[^0-9]', '', 'g')"
    return (
        f"CASE WHEN {column} IS NULL OR {column} = '' THEN {column} WHEN length({digits}) < 7 "
        f"THEN repeat('*', length({digits})) "
        f"ELSE left({digits}, 3) || repeat('*', length({digits}) - 7) || right({digits}, 4) END"
    )


def mask_name(name: str | None) -> str | None:
    if not name:
        return name
    return name[0] + "*" * (len(name) - 1) if len(name) > 1 else "*"


def name_sql(column: str) -> str:
    return (
        f"CASE WHEN {column} IS NULL OR {column} = '' THEN {column} WHEN length({column}) = 1 THEN '*' "
        f"ELSE left({column}, 1) || repeat('*', length({column}) - 1) END"
    )


def _sql_string(text: str) -> str:
    return text.replace("'", "''")
