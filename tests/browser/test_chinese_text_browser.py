"""Every page's visible text in the Chinese interface, for a leader and for a secretary: no English left
over from Streamlit, Plotly or our own words, and no `None` / `nan` printed where a value is missing.

The walker reads what a person reads: the app's rendered text (sidebar included), the text drawn in the
charts' SVG, and the data tables' cells. A failure lists every leftover with the page it is on, so a run
is a to-do list. The allow-list is of proper things only — file formats, the language switch, codes."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import TrackedPage

pytestmark = pytest.mark.browser

ROLES = ("leader", "secretary")
# Latin words that are right in the Chinese interface: formats and names the reader knows as such,
# and the language switch (its label is bilingual on purpose: "语言 / Language", "English").
ALLOWED = {
    "SQL",
    "CSV",
    "Excel",
    "Parquet",
    "PDF",
    "PNG",
    "PPT",
    "PPTX",
    "HTML",
    "JSON",
    "English",
    "Language",
    "GCJ-02",
    "WGS-84",
}
CODE = re.compile(r"^[A-Z]{1,3}-?\d+[a-z]?$")  # community and grid codes: C30, G3
UNIT = re.compile(r"^(km|m|kb|KB|MB|GB|px|h|min|s|ms|x|vs)$")
MISSING = {"None", "nan", "NaN", "NaT", "null", "undefined"}
WORD = re.compile(r"[A-Za-z][A-Za-z0-9_'.-]*[A-Za-z0-9]|[A-Za-z]")

# Text nodes a reader can see: Material icons are drawn from ligature names ("dashboard") and are not
# words; text that is not rendered (or drawn at size 0) is not read; text a stylesheet draws is.
# Streamlit's skip link counts: it shows on the first Tab press (ui/phone.py draws it in Chinese).
_TEXT = """() => {
    const parts = [];
    const walker = document.createTreeWalker(document.querySelector("[data-testid='stApp']"), NodeFilter.SHOW_TEXT);
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
        const e = n.parentElement;
        if (!e || e.closest("[data-testid^='stIcon'], style, script")) continue;
        if (!e.checkVisibility({visibilityProperty: true})) continue;
        const style = getComputedStyle(e);
        if (style.fontFamily.includes("Material") || style.fontSize === "0px") continue;  // an icon; hidden text
        parts.push(n.textContent);
    }
    for (const e of document.querySelectorAll("[data-testid='stApp'] *"))  // text a stylesheet draws
        for (const pseudo of ["::before", "::after"]) {
            const content = getComputedStyle(e, pseudo).content;
            if (content.startsWith('"')) parts.push(content);
        }
    for (const c of document.querySelectorAll("[data-testid='stDataFrame'] [role='gridcell'], "
                                               + "[data-testid='stDataFrame'] [role='columnheader']"))
        parts.push(c.textContent);
    return parts.join("\\n");
}"""


def leftovers(text: str) -> list[str]:
    found = []
    for word in WORD.findall(text):
        if word in MISSING:
            found.append(word)
        elif word in ALLOWED or CODE.match(word) or UNIT.match(word):
            continue
        elif re.search(r"[a-z]{2,}|^[A-Z][a-z]+|^[A-Z]{2,}$", word):
            found.append(word)
    return found


def page_paths(tracked: TrackedPage, role: str) -> list[str]:
    page = tracked.open(f"?demo_role={role}")
    links = page.locator("[data-testid='stSidebarNav'] a")
    links.first.wait_for(state="attached")
    return [links.nth(i).get_attribute("href").rsplit("/", 1)[-1] for i in range(links.count())]


@pytest.mark.parametrize("role", ROLES)
def test_no_english_or_missing_values_in_the_chinese_interface(browser, app_url, role):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    try:
        tracked = TrackedPage(context.new_page(), app_url)
        found: dict[str, list[str]] = {}
        for path in page_paths(tracked, role):
            page = tracked.open(f"{path}?demo_role={role}")
            page.locator("[data-testid='stMainBlockContainer'] h1").first.wait_for(state="visible")
            tracked.idle()
            words = leftovers(page.evaluate(_TEXT))
            if words:
                found[path or "overview"] = sorted(set(words))
            tracked.assert_no_exception()
        report = "\n".join(f"  /{path}: {', '.join(words)}" for path, words in found.items())
        assert not found, f"English or missing values in the Chinese interface as {role}:\n{report}"
        tracked.assert_offline()
    finally:
        context.close()


def test_the_walker_finds_what_it_is_for():
    """The word rule itself: leftovers and missing values are found, proper things are not."""
    assert leftovers("上传 Drag and drop file here · Limit 50MB per file") == [
        "Drag",
        "and",
        "drop",
        "file",
        "here",
        "Limit",
        "per",
        "file",
    ]
    assert leftovers("Select all") == ["Select", "all"]
    assert leftovers("合计 None 人 · 比例 nan") == ["None", "nan"]
    assert leftovers("鹤北一居 C30 · G3 · 下载 CSV / Excel / PDF · 语言 / Language English · 查看SQL") == []
    assert leftovers("secretary 登录") == ["secretary"]
