"""Every string a user reads, in Chinese (default) and English.

Strings live in ui/text/<area>.py modules, each a dict STRINGS = {key: (中文, English)}, so each page's
words sit in their own file. Keys carry their area's prefix ("overview.title").
"""

from __future__ import annotations

import importlib
import pkgutil

import streamlit as st

from ui import text

LANGUAGES = {"zh": "中文", "en": "English"}
_STRINGS: dict[str, tuple[str, str]] = {}


def _load() -> None:
    for info in pkgutil.iter_modules(text.__path__):
        module = importlib.import_module(f"ui.text.{info.name}")
        for key, pair in module.STRINGS.items():
            if key in _STRINGS and _STRINGS[key] != pair:
                raise KeyError(f"string key {key!r} is defined twice with different text")
            _STRINGS[key] = pair


def lang() -> str:
    return st.session_state.get("lang", "zh")


def t(key: str, **values: object) -> str:
    """The string for `key` in the session's language, with {placeholders} filled in."""
    if not _STRINGS:
        _load()
    pair = _STRINGS.get(key)
    if pair is None:
        raise KeyError(f"no text for {key!r}: add it to a module in ui/text/")
    text = pair[1] if lang() == "en" else pair[0]
    return text.format(**values) if values else text


def label(kind: str, code: object) -> str:
    """A code's display name: label("colour", "red") → 红色种子. Unknown codes show as themselves."""
    if code is None:
        return t("common.none")
    key = f"{kind}.{code}"
    if not _STRINGS:
        _load()
    return t(key) if key in _STRINGS else str(code)


def has(key: str) -> bool:
    if not _STRINGS:
        _load()
    return key in _STRINGS
