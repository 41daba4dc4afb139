"""The monthly briefing (月度简报) for the 街道党工委会: what moved, which measure crossed its target,
which pairings went idle, what the contest round changed — found by rule from the pages' own analysis
functions, for the subdistrict or one grid, on the page and as PDF and PPTX.

    analytics.briefing.briefing(con, "2024-06")                 # -> Briefing (findings, headline)
    analytics.briefing.write(con, "2024-06", Path("out"))       # -> the PDF and PPTX written
    python -m analytics.briefing --month 2024-06 --out DIR [--grid G1] [--db FILE] [--lang en]

Modules, from the bottom: model (month arithmetic, Finding, Briefing, ranking and caps), context (what a
rule is given), the rules — rules (targets, moves; RULES lists them all), late (overdue), pairs (idle
pairings), rounds (contest) —, content (gathering a briefing), charts (a finding's figure and its
image), printed (PDF), slides (PPTX), files (both, and the command's writing)."""

from analytics.briefing.content import briefing, check_access, require_data
from analytics.briefing.files import FORMATS, MIME, file_name, render, write
from analytics.briefing.model import CAPS, ROLES, SECTIONS, Briefing, Chart, Finding, parse_month, shift

__all__ = [
    "CAPS",
    "FORMATS",
    "MIME",
    "ROLES",
    "SECTIONS",
    "Briefing",
    "Chart",
    "Finding",
    "briefing",
    "check_access",
    "file_name",
    "parse_month",
    "render",
    "require_data",
    "shift",
    "write",
]
