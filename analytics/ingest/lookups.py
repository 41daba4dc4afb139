"""Turning what people write into codes: vocabularies (红色种子 → red) and references to other lists
(鹤北一居 → C30). Names are matched exactly after normalising (full-width forms, spaces, case) and a few
fixed spellings (鹤北新村第一居委会 = 鹤北新村第一居民区); a name that matches nothing is reported with the
closest names as a hint, never replaced by a guess."""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable

import duckdb

from analytics.core import connection as db
from analytics.ingest.specs import LABEL_KEYS, REFERENCE_NAMES, VOCABULARIES
from analytics.ingest.text import key
from words import Message, listing, msg

_COMMUNITY_SUFFIXES = ("居民区", "居委会", "居委", "社区", "居民委员会")
_GRID_SUFFIXES = ("片区网格", "网格", "片区")
_BRACKETED = re.compile(r"[(（][^)）]*[)）]")


def vocabulary_lookup(name: str) -> Callable[[str], tuple[str | None, str | None]]:
    """A function text -> (code, None) | (None, message) for one vocabulary."""
    table: dict[str, str] = {}
    for code, spellings in VOCABULARIES[name].items():
        for spelling in (code, *spellings):
            table[key(spelling)] = code
    choices = listing(msg(f"{LABEL_KEYS[name]}.{code}") for code in VOCABULARIES[name])

    def lookup(text: str) -> tuple[str | None, str | None]:
        code = table.get(key(text))
        if code is None:
            return None, msg("ingest.check.not_a_choice", text=text, choices=choices)
        return code, None

    return lookup


def bool_lookup() -> Callable[[str], tuple[bool | None, str | None]]:
    lookup = vocabulary_lookup("bool")

    def as_bool(text: str) -> tuple[bool | None, str | None]:
        code, problem = lookup(text)
        if problem:
            return None, msg("ingest.check.yes_or_no", text=text)
        return code == "true", None

    return as_bool


class References:
    """Name -> id maps of the reference lists, read once per import on the import's own cursor."""

    def __init__(self, cur: duckdb.DuckDBPyConnection):
        self.cur = cur
        self._maps: dict[str, tuple[dict[str, set[str]], list[str]]] = {}

    def _rows(self, sql: str) -> list[tuple]:
        return list(db.query(self.cur, sql, in_transaction=True).itertuples(index=False, name=None))

    def _build(self, target: str) -> tuple[dict[str, set[str]], list[str]]:
        names: dict[str, set[str]] = {}
        shown: list[str] = []

        def add(spelling: object, ident: str, scope: str = "") -> None:
            if spelling is None or spelling != spelling or str(spelling).strip() == "":
                return
            names.setdefault(scope + key(str(spelling)), set()).add(ident)

        if target == "community":
            for ident, name, short in self._rows("SELECT community_id, name, short_name FROM communities"):
                shown.append(name)
                add(ident, ident)
                for spelling in (name, short):
                    if not spelling:
                        continue
                    add(spelling, ident)
                    base = spelling
                    for suffix in _COMMUNITY_SUFFIXES:
                        if base.endswith(suffix):
                            base = base[: -len(suffix)]
                            break
                    for suffix in ("", *_COMMUNITY_SUFFIXES, "委", "委会"):
                        add(base + suffix, ident)
        elif target == "grid":
            for ident, name, name_en in self._rows("SELECT grid_id, name, name_en FROM grids"):
                shown.append(name)
                for spelling in (ident, name, name_en):
                    add(spelling, ident)
                base = name
                for suffix in _GRID_SUFFIXES:
                    if base.endswith(suffix):
                        base = base[: -len(suffix)]
                        break
                for suffix in ("", *_GRID_SUFFIXES):
                    add(base + suffix, ident)
        elif target == "town":
            for ident, name, name_en in self._rows("SELECT town_code, name, name_en FROM towns"):
                shown.append(name)
                for spelling in (ident, name, name_en):
                    add(spelling, ident)
        elif target == "partner":
            for ident, name in self._rows("SELECT partner_id, name FROM partners"):
                shown.append(name)
                for spelling in (ident, name, _BRACKETED.sub("", name)):
                    add(spelling, ident)
        elif target == "item":
            for ident, name, name_en in self._rows("SELECT item_id, name, name_en FROM service_items"):
                shown.append(name)
                for spelling in (ident, name, name_en):
                    add(spelling, ident)
        elif target == "judge":
            for ident, name in self._rows("SELECT judge_id, display_name FROM judges"):
                shown.append(name)
                for spelling in (ident, name, _BRACKETED.sub("", name)):
                    add(spelling, ident)
        elif target == "round":
            for ident, name in self._rows("SELECT round_id, name FROM contest_rounds"):
                shown.append(name)
                add(ident, ident)
                add(name, ident)
        elif target == "secretary":
            for ident, name in self._rows("SELECT secretary_id, display_name FROM secretaries"):
                add(ident, ident)
                add(name, ident)
        elif target == "criterion":
            for round_id, ident, name in self._rows("SELECT round_id, criterion_id, name FROM contest_criteria"):
                shown.append(name)
                add(ident, ident, round_id + "\x1f")
                add(name, ident, round_id + "\x1f")
        elif target == "entry":
            communities, _ = self.maps("community")
            by_community: dict[str, set[str]] = {}
            for spelling, ids in communities.items():
                for ident in ids:
                    by_community.setdefault(ident, set()).add(spelling)
            for round_id, ident, community in self._rows(
                "SELECT round_id, entry_id, community_id FROM contest_entries"
            ):
                add(ident, ident, round_id + "\x1f")
                for spelling in by_community.get(community, ()):
                    names.setdefault(round_id + "\x1f" + spelling, set()).add(ident)
        else:
            raise ValueError(target)
        return names, sorted(set(shown))

    def maps(self, target: str) -> tuple[dict[str, set[str]], list[str]]:
        if target not in self._maps:
            self._maps[target] = self._build(target)
        return self._maps[target]

    def lookup(self, target: str, *, scoped: bool = False) -> Callable[[str], tuple[str | None, str | None]]:
        """text -> (id, None) | (None, message). With `scoped`, text is "round_id\\x1fname"."""
        names, shown = self.maps(target)
        what = REFERENCE_NAMES[target]

        def find(text: str) -> tuple[str | None, str | None]:
            scope = ""
            if scoped:
                scope, _, text = text.partition("\x1f")
                scope += "\x1f"
            ids = names.get(scope + key(text))
            if ids is None:
                return None, self._unknown(target, what, text, shown, scope.rstrip("\x1f"))
            if len(ids) > 1:
                return None, msg("ingest.check.ambiguous", text=text, what=what, ids=listing(sorted(ids)))
            return next(iter(ids)), None

        return find

    def _unknown(self, target: str, what: Message | str, text: str, shown: list[str], scope: str) -> Message:
        if target == "entry":
            return msg("ingest.check.not_an_entry", text=text, round=scope)
        if target == "criterion":
            return msg("ingest.check.not_a_criterion", text=text, round=scope)
        close = difflib.get_close_matches(text, shown, n=2, cutoff=0.6)
        near = msg("ingest.check.near", names=listing(close)) if close else ""
        return msg("ingest.check.not_in_list", text=text, what=what, near=near)
