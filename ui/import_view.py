"""The import preview as an administrator checks it: names beside the codes the file's rows were read into.

The parser turns "矛盾化解" and "鹤北新村第一居民区" into the codes the tables store (dispute, C30); a
preview of codes asks the reader to translate them back. Each code column is shown by its name, with
the code kept in brackets for ids (the file may name a community the lists do not know yet).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import pandas as pd

from analytics import ingest, places
from ui import data
from ui.i18n import label, lang, t

# Columns holding a word-list code: the words prefix that names each code.
WORD_CODES = {"category": "category", "seed_colour": "colour", "resolved_level": "level", "kind": "kind"}


def _names(frame: pd.DataFrame, key: str) -> dict[str, str]:
    column = "name_en" if lang() == "en" and "name_en" in frame else "name"
    return dict(zip(frame[key].astype(str), frame[column].astype(str)))


def _id_names() -> dict[str, Mapping[str, str]]:
    return {
        "community_id": _names(data.call(places.community_list), "community_id"),
        "grid_id": _names(data.call(places.grid_list), "grid_id"),
        "partner_id": _names(data.call(places.partner_list), "partner_id"),
        "item_id": _names(data.call(places.item_list), "item_id"),
    }


def named(preview: pd.DataFrame, kind: str) -> pd.DataFrame:
    """The preview with names for codes: 矛盾化解 for dispute, 鹤北新村第一居民区（C30） for C30, 是/否 for flags."""
    spec = ingest.TABLES[kind]
    out = preview.copy()
    ids = _id_names()
    for column in spec.columns:
        if column.label not in out.columns:
            continue
        show: Callable[[object], object] | None = None
        if column.name in WORD_CODES:
            prefix = WORD_CODES[column.name]
            show = lambda v, p=prefix: label(p, v)  # noqa: E731
        elif column.name in ids and column.name != _own_key(kind):
            names = ids[column.name]
            show = lambda v, n=names: t("import.named_code", name=n[str(v)], code=v) if str(v) in n else v  # noqa: E731
        elif column.name == "urgent":
            show = lambda v: t("import.yes") if v is True else t("import.no") if v is False else v  # noqa: E731
        if show is not None:
            out[column.label] = out[column.label].map(lambda v, s=show: v if v is None or v != v else s(v))
    return out


def _own_key(kind: str) -> str | None:
    """The id a reference list defines itself (a communities file's own ids are not looked up)."""
    return {"communities": "community_id", "partners": "partner_id", "service_items": "item_id"}.get(kind)
