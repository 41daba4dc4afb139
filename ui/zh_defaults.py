"""Chinese for the few English words Streamlit and Plotly draw themselves.

Streamlit 1.67 has no parameter or config for the file uploader's button and size line, and the
Plotly bundled with it carries only English locales (a zh-CN locale would have to be loaded from a
CDN, which the app never asks). Both draw these words from the DOM — the uploader as text in elements
with data-testid, Plotly's modebar tooltips as `content: attr(data-title)` — so one style sheet,
scoped to those elements, writes the Chinese over them. Nothing is fetched from anywhere.
"""

from __future__ import annotations

import streamlit as st

from ui import uploads
from ui.i18n import lang, t

# Plotly's modebar button titles (plotly.js as bundled in Streamlit 1.67) → their words keys.
MODEBAR = {
    "Download plot as a PNG": "zh.modebar.png",
    "Download plot as a png": "zh.modebar.png",
    "Download plot": "zh.modebar.png",
    "Zoom": "zh.modebar.zoom",
    "Pan": "zh.modebar.pan",
    "Box Select": "zh.modebar.box",
    "Lasso Select": "zh.modebar.lasso",
    "Zoom in": "zh.modebar.zoom_in",
    "Zoom out": "zh.modebar.zoom_out",
    "Autoscale": "zh.modebar.autoscale",
    "Reset axes": "zh.modebar.reset",
    "Reset view": "zh.modebar.reset",
    "Reset": "zh.modebar.reset",
    "Toggle Spike Lines": "zh.modebar.spikes",
    "Show closest data on hover": "zh.modebar.closest",
    "Compare data on hover": "zh.modebar.compare",
    "Fullscreen": "zh.modebar.fullscreen",  # Streamlit's own button in the modebar
}


def css() -> str:
    """The style sheet for the session's language; empty in English (Streamlit's own words are English)."""
    if lang() != "zh":
        return ""
    button = '[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p'
    limit = '[data-testid="stFileUploaderDropzoneInstructions"] span'
    rules = [
        f"{button} {{font-size: 0;}}",
        f'{button}::after {{content: "{_quoted(t("zh.uploader.button"))}"; font-size: 0.875rem;}}',
        f"{limit} {{font-size: 0 !important;}}",
        f'{limit}::after {{content: "{_quoted(t("zh.uploader.limit", limit=uploads.limit_text()))}";'
        " font-size: 0.875rem;}",
    ]
    for title, key in MODEBAR.items():
        rules.append(
            f'.js-plotly-plot .plotly .modebar-btn[data-title="{title}"]::after {{content: "{_quoted(t(key))}";}}'
        )
    return "\n".join(rules)


def apply() -> None:
    """Put the style sheet on the page (once per run, from the router)."""
    sheet = css()
    if sheet:
        st.html(f"<style>{sheet}</style>")


def _quoted(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')
