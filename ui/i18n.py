"""Every string a user reads, in the session's language (Chinese by default, English on request).

The words themselves live in the `words` package, which analytics reads too (the showcase's files,
the error messages); this module adds only the Streamlit session's choice of language.
"""

from __future__ import annotations

import streamlit as st

import words

LANGUAGES = words.LANGUAGES


def lang() -> str:
    return st.session_state.get("lang", "zh")


def t(key: str, **values: object) -> str:
    """The string for `key` in the session's language, with {placeholders} filled in."""
    return words.text(key, lang(), **values)


def label(kind: str, code: object) -> str:
    """A code's display name: label("colour", "red") → 红色种子. Unknown codes show as themselves."""
    if code is None or code != code:  # NaN (a missing code read from a table) reads as none, never "nan"
        return t("common.none")
    key = f"{kind}.{code}"
    return t(key) if words.has(key) else str(code)


def has(key: str) -> bool:
    return words.has(key)


def said(what: BaseException | words.Message | str) -> str:
    """What an error says, in the session's language: the project's errors carry a catalog message (a
    key and its values), so an English session reads English; any other exception shows as it is.
    A page that keeps an error across reruns keeps `exc.message`, and it follows a language switch."""
    if isinstance(what, BaseException):
        return words.said(what, lang())
    return words.in_language(what, lang()) if isinstance(what, words.Message) else str(what)
