"""Every string a user reads, in Chinese (the default) and English, by key — one catalog for the pages
(through ui.i18n), the showcase files, and the project's error messages.

This package sits below analytics and ui and imports neither (nor streamlit): analytics raises errors
that carry a key and its values (a Message), ui shows them in the session's language, and both read
the same entries. Strings live in words/<area>.py modules, each a dict STRINGS = {key: (中文, English)}
with {named} placeholders; keys carry their area's prefix ("overview.title", "err.ingest.too_big").
"""

from __future__ import annotations

import datetime as dt
import importlib
import pkgutil
import string
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

LANGUAGES = {"zh": "中文", "en": "English"}
STRINGS: dict[str, tuple[str, str]] = {}


def _load() -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        for key, pair in module.STRINGS.items():
            if key in STRINGS and STRINGS[key] != pair:
                raise KeyError(f"string key {key!r} is defined twice with different text")
            STRINGS[key] = pair


_load()


def has(key: str) -> bool:
    return key in STRINGS


def text(key: str, lang: str = "zh", /, **values: Any) -> str:
    """The string for `key` in `lang`, with {placeholders} filled in; values that are words themselves
    (a Message, a list, a date) are written in the same language."""
    pair = STRINGS.get(key)
    if pair is None:
        raise KeyError(f"no text for {key!r}: add it to a module in words/")
    chosen = pair[1] if lang == "en" else pair[0]
    if not values:
        return chosen
    return chosen.format(**{name: in_language(value, lang) for name, value in values.items()})


def in_language(value: Any, lang: str) -> Any:
    """A placeholder's value as written in `lang`: words are rendered, anything else is left to format."""
    return value.text(lang) if isinstance(value, Message | Listing | Day) else value


def placeholders(template: str) -> set[str]:
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(template) if name}


class Message(str):
    """A catalog key and its values: what an error or an importer's finding says, in whichever language
    it is shown.

    It is the Chinese text itself (a str), so an exception raised with a Message prints, logs and
    compares exactly as one raised with the Chinese string did, and a finding kept in a list reads as
    before; `text(lang)` writes it in another language. Text made from it (joined, sliced, formatted)
    is plain Chinese again: keep the Message itself where it is to be shown."""

    key: str
    values: dict[str, Any]

    def __new__(cls, key: str, values: dict[str, Any] | None = None) -> Message:
        if key not in STRINGS:
            raise KeyError(f"no text for {key!r}: add it to a module in words/")
        values = dict(values or {})
        self = super().__new__(cls, text(key, "zh", **values))
        self.key, self.values = key, values
        return self

    def text(self, lang: str = "zh") -> str:
        return text(self.key, lang, **self.values)

    def __reduce__(self) -> tuple[type[Message], tuple[str, dict[str, Any]]]:
        return (Message, (self.key, self.values))


def msg(key: str, /, **values: Any) -> Message:
    """msg("err.ingest.too_big", mb=50): the message to raise with."""
    return Message(key, values)


@dataclass(frozen=True)
class Listing:
    """Items joined as each language joins a list: 甲、乙、丙 / 甲, 乙, 丙."""

    items: tuple[Any, ...]
    joins: tuple[str, str] = ("、", ", ")  # (中文, English)

    def text(self, lang: str = "zh") -> str:
        return self.joins[1 if lang == "en" else 0].join(str(in_language(item, lang)) for item in self.items)

    def __str__(self) -> str:
        return self.text("zh")


def listing(items: Iterable[Any], joins: tuple[str, str] = ("、", ", ")) -> Listing:
    return Listing(tuple(items), joins)


@dataclass(frozen=True)
class Day:
    """A date as each language writes it: 2024年3月1日 / 2024-03-01."""

    day: dt.date

    def text(self, lang: str = "zh") -> str:
        d = self.day
        return d.isoformat() if lang == "en" else f"{d.year}年{d.month}月{d.day}日"

    def __str__(self) -> str:
        return self.text("zh")


def said(exc: BaseException, lang: str) -> str:
    """An exception's message in `lang`: the catalog's words when it was raised with a Message."""
    first = exc.args[0] if len(exc.args) == 1 else None
    return in_language(first, lang) if isinstance(first, Message | Listing) else str(exc)
