"""The showcase as one self-contained web page: inline CSS, charts as PNG data: URIs, no script, no
external font, stylesheet or image, so it opens offline from a USB stick or a WeChat file. Every piece
of text — names from the ledgers, the secretary's story — is escaped; nothing is interpreted as markup.
"""

from __future__ import annotations

import base64
from collections.abc import Iterable
from html import escape

from analytics.showcase import facts
from analytics.showcase.charts import FONT_FAMILY, SEED_COLOURS, SEED_OUTLINE
from analytics.showcase.content import Showcase
from analytics.showcase.text import label

CSS = """
* { box-sizing: border-box; }
body { margin: 0; background: #F5F5F5; color: #263238; font-family: %(font)s; line-height: 1.6; }
main { max-width: 980px; margin: 0 auto; background: white; padding: 0 0 32px; }
header { background: #B71C1C; color: white; padding: 28px 40px 24px; position: relative; }
header .kicker { font-size: 15px; opacity: .9; }
header h1 { margin: 6px 0 4px; font-size: 38px; }
header .period { font-size: 16px; }
.demo { position: absolute; right: 40px; top: 28px; background: white; color: #B71C1C; font-weight: bold;
        border-radius: 8px; padding: 4px 14px; font-size: 16px; }
.demo-note { margin: 0; padding: 10px 40px; background: #FFF3E0; color: #B71C1C; font-size: 14px; }
section { padding: 8px 40px; }
h2 { color: #B71C1C; border-left: 6px solid #B71C1C; padding-left: 10px; font-size: 22px; margin: 22px 0 12px; }
.boxes { display: grid; gap: 12px; }
.cols-3 { grid-template-columns: repeat(3, 1fr); }
.cols-4 { grid-template-columns: repeat(4, 1fr); }
@media (max-width: 640px) { .cols-3, .cols-4 { grid-template-columns: repeat(2, 1fr); } }
.box { background: #FBE9E7; padding: 10px 14px; border-radius: 6px; }
.box .label { color: #607D8B; font-size: 14px; }
.box .value { color: #B71C1C; font-size: 26px; font-weight: bold; }
.box .note { color: #607D8B; font-size: 13px; }
.chart { width: 100%%; height: auto; display: block; margin: 10px 0; }
ul { padding-left: 1.3em; margin: 6px 0; }
li { margin: 4px 0; }
.highlights li { font-size: 17px; list-style: none; }
.highlights li::before { content: "★ "; color: #B71C1C; }
.colours li { list-style: none; }
.swatch { display: inline-block; width: 14px; height: 14px; margin-right: 8px; vertical-align: -1px; border: 1px solid; }
.muted { color: #607D8B; font-size: 14px; }
.story { white-space: pre-wrap; font-size: 17px; background: #FAFAFA; padding: 14px 18px; border-radius: 6px; }
footer { padding: 16px 40px 0; color: #607D8B; font-size: 13px; }
"""


def _img(png: bytes, alt: str) -> str:
    data = base64.b64encode(png).decode("ascii")
    return f'<img class="chart" alt="{escape(alt)}" src="data:image/png;base64,{data}">'


def _boxes(numbers: list[tuple[str, str, str]]) -> str:
    cells = []
    for caption, value, note in numbers:
        cells.append(
            f'<div class="box"><div class="label">{escape(caption)}</div>'
            f'<div class="value">{escape(value)}</div>'
            + (f'<div class="note">{escape(note)}</div>' if note else "")
            + "</div>"
        )
    columns = 3 if len(cells) in (3, 6) else 4
    return f'<div class="boxes cols-{columns}">{"".join(cells)}</div>'


def _list(rows: Iterable[str], css: str = "") -> str:
    items = "".join(f"<li>{escape(row)}</li>" for row in rows)
    return f'<ul class="{css}">{items}</ul>'


def write_html(s: Showcase, images: dict[str, bytes]) -> bytes:
    e = escape
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{"zh-CN" if s.lang == "zh" else "en"}"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{e(s.name)} · {e(s.t('title'))}</title>",
        f"<style>{CSS % {'font': FONT_FAMILY}}</style></head><body><main>",
        f'<header><div class="kicker">{e(s.t("subdistrict"))} · {e(s.t("title"))}</div>',
        f"<h1>{e(s.name)}</h1>",
        f'<div class="period">{e(facts.period_text(s))} · {e(s.profile.get("grid_name") or "")}</div>',
        f'<div class="demo">{e(s.t("demo"))}</div>' if s.demo else "",
        "</header>",
        f'<p class="demo-note">{e(s.t("demo_note"))}</p>' if s.demo else "",
        f"<section><h2>{e(s.t('section.highlights'))}</h2>{_list(s.highlights, 'highlights')}</section>",
        f"<section><h2>{e(s.t('section.profile'))}</h2>",
        _boxes([(caption, value, "") for caption, value in facts.profile_facts(s)]),
        f"<p><b>{e(s.t('profile.partners'))}：</b>"
        f"{e('、'.join(facts.partner_names(s)) or s.t('profile.partners_none'))}</p></section>",
        f"<section><h2>{e(s.t('section.services'))}</h2>",
        _boxes(facts.service_numbers(s)),
        _img(images["services"], s.t("chart.services")),
        '<ul class="colours">'
        + "".join(
            f'<li><span class="swatch" style="background:{SEED_COLOURS[c]};border-color:{SEED_OUTLINE[c]}"></span>'
            f"<b>{e(label('colour', c, s.lang))}</b>　{e(line)}</li>"
            for c, line in facts.colour_lines(s)
        )
        + "</ul>",
        f'<p class="muted">{e(facts.compared_text(s))}</p>',
        _img(images["monthly"], s.t("chart.monthly")) if "monthly" in images else "",
        _img(images["items"], s.t("chart.items")) if "items" in images else "",
        "</section>",
        f"<section><h2>{e(s.t('section.grid_work'))}</h2>",
        _boxes(facts.grid_numbers(s)),
        _img(images["grid_work"], s.t("chart.grid_work")) if "grid_work" in images else f"<p>{e(s.t('grid.none'))}</p>",
        f'<p class="muted">{e(s.t("grid.note"))}</p></section>',
        f"<section><h2>{e(s.t('section.contest'))}</h2>",
        _img(images["contest"], s.t("chart.contest")) if "contest" in images else "",
        _list(facts.contest_lines(s)),
        "</section>",
        f'<section><h2>{e(s.t("section.story"))}</h2><div class="story">{e(facts.story_text(s))}</div></section>'
        if facts.story_text(s)
        else "",
        f"<footer>{e(facts.footer_text(s))}</footer>",
        "</main></body></html>",
    ]
    return "\n".join(p for p in parts if p).encode("utf-8")
