"""Text as people type it into spreadsheets: full-width characters, stray spaces (U+3000 too),
zero-width characters. `key()` is the form names and headers are compared in; stored text keeps its
own characters (only trimmed), so 上海航天设备制造总厂（示意） keeps its full-width brackets."""

from __future__ import annotations

import re
import unicodedata

ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_DROP = dict.fromkeys(map(ord, ZERO_WIDTH), None)
_BRACKETS = re.compile(r"[(\[{<].*?[)\]}>]")
_MARKS = re.compile(r"[*:#·•、,.;!?'\"`~\-_/\\|]+")

# The marker reading.py puts in a formula cell whose file holds no computed value.
FORMULA_MARK = "\x00formula:"


def clean(value: str) -> str:
    """Trimmed (all Unicode spaces), zero-width characters removed; otherwise the user's own text."""
    return value.translate(_DROP).strip()


def nfkc(value: str) -> str:
    """Full-width digits, letters and punctuation folded to their plain forms, then cleaned."""
    return clean(unicodedata.normalize("NFKC", value))


def key(value: str) -> str:
    """How two spellings of one name are compared: NFKC, no spaces at all, case-folded."""
    return "".join(nfkc(value).split()).casefold()


def header_keys(value: str) -> list[str]:
    """The forms a header is looked up by, most exact first: 满意度（1–5分）* → 满意度(1-5分), 满意度."""
    base = key(value).strip("*")
    keys = [base]
    no_brackets = _BRACKETS.sub("", base)
    for candidate in (no_brackets, _MARKS.sub("", base), _MARKS.sub("", no_brackets)):
        if candidate and candidate not in keys:
            keys.append(candidate)
    return keys
