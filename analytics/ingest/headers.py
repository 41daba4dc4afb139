"""Finding the header in a sheet as people lay it out: title rows above it, a second header row under
merged group cells, Chinese or English names with synonyms, stray spaces, full-width forms."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from analytics.ingest.reading import Merged
from analytics.ingest.specs import TableSpec
from analytics.ingest.text import clean, header_keys, key

SEARCH_ROWS = 20


@dataclass
class Layout:
    header_rows: tuple[int, ...]  # 0-based rows that make up the header
    width: int
    mapping: dict[int, str]  # sheet column index -> table column
    labels: dict[int, str]  # sheet column index -> header text as the user wrote it
    parts: dict[int, tuple[str, str]] = field(default_factory=dict)  # column -> (upper, lower) header cells
    duplicates: dict[str, list[int]] = field(default_factory=dict)  # table column -> several sheet columns
    title: list[str] = field(default_factory=list)  # text above the header

    @property
    def data_start(self) -> int:
        return self.header_rows[-1] + 1

    @property
    def header_row_number(self) -> int:
        """The Excel row number of the (last) header row."""
        return self.header_rows[-1] + 1


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def synonym_table(spec: TableSpec) -> dict[str, str]:
    table: dict[str, str] = {}
    for col in spec.columns:
        for spelling in (col.name, col.label, *col.synonyms):
            for form in header_keys(spelling):
                table.setdefault(form, col.name)
    return table


def match_header(text: str, synonyms: dict[str, str]) -> str | None:
    for form in header_keys(text):
        if form in synonyms:
            return synonyms[form]
    return None


def _row(head: list[list[str]], r: int, width: int) -> list[str]:
    row = head[r] if r < len(head) else []
    return [clean(row[c]) if c < len(row) else "" for c in range(width)]


def _upper_filled(head: list[list[str]], r: int, width: int, merged: Iterable[Merged]) -> list[str]:
    """The upper header row with merged group cells spread over the columns they cover; without merge
    information (CSV), a blank upper cell takes the group name from its left when it has a lower cell."""
    top = _row(head, r, width)
    spans = [((r0, c0), (r1, c1)) for (r0, c0), (r1, c1) in merged if r0 <= r <= r1]
    if spans:
        return top  # reading.py already spread merged values over their cells
    bottom = _row(head, r + 1, width)
    filled: list[str] = []
    last = ""
    for c in range(width):
        if top[c]:
            last = top[c]
            filled.append(top[c])
        else:
            filled.append(last if bottom[c] else "")
    return filled


def _candidates(upper: str, lower: str) -> list[str]:
    if not lower:
        return [upper] if upper else []
    if not upper or key(upper) == key(lower):
        return [lower]
    return [lower, upper + lower, upper + "-" + lower, upper]


def find_layout(
    head: list[list[str]],
    spec: TableSpec,
    merged: Iterable[Merged] = (),
    extra: Callable[[str, str], bool] | None = None,
) -> Layout | None:
    """The best header among the first rows: the one that names the most columns of `spec` (plus,
    for score sheets, the columns `extra(upper, lower)` recognises). None when no row names any."""
    synonyms = synonym_table(spec)
    width = max((len(r) for r in head), default=0)
    best: tuple[tuple[int, ...], Layout] | None = None
    for r in range(min(len(head), SEARCH_ROWS)):
        single = _row(head, r, width)
        if not any(single):
            continue
        layouts: list[tuple[tuple[int, ...], list[tuple[str, str]]]] = [((r,), [("", cell) for cell in single])]
        if r + 1 < len(head) and any(_row(head, r + 1, width)):
            upper_row = _upper_filled(head, r, width, merged)
            lower_row = _row(head, r + 1, width)
            layouts.append(((r, r + 1), list(zip(upper_row, lower_row))))
        for rows, cells in layouts:
            mapping: dict[int, str] = {}
            labels: dict[int, str] = {}
            parts: dict[int, tuple[str, str]] = {}
            seen: dict[str, list[int]] = {}
            extras = 0
            for c, (upper, lower) in enumerate(cells):
                if not (upper or lower):
                    continue
                labels[c] = (
                    (upper + " " + lower).strip() if upper and lower and key(upper) != key(lower) else (lower or upper)
                )
                parts[c] = (upper, lower)
                target = next((m for m in (match_header(t, synonyms) for t in _candidates(upper, lower)) if m), None)
                if target:
                    mapping[c] = target
                    seen.setdefault(target, []).append(c)
                elif extra is not None and extra(upper, lower):
                    extras += 1
            distinct = len(seen)
            if distinct == 0 and extras == 0:
                continue
            required = sum(1 for col in spec.columns if col.required and col.name in seen)
            # Merged group cells repeat their text across columns; a layout that tells columns apart wins.
            score = (distinct + extras, required, len(set(labels.values())), -len(rows), -r)
            if best is None or score > best[0]:
                duplicates = {t: cs for t, cs in seen.items() if len(cs) > 1}
                title = [" ".join(x for x in _row(head, i, width) if x) for i in range(rows[0])]
                extent = max(labels) + 1  # cells right of the last header cell are reported, not read
                best = (score, Layout(rows, extent, mapping, labels, parts, duplicates, [t for t in title if t]))
    return None if best is None else best[1]
