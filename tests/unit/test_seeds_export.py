"""What leaves the 四色种子 page as a file: Chinese intact, hostile names inert."""

import io

import openpyxl
import pandas as pd

from analytics import seeds
from analytics.core import export
from tests.unit.test_seeds import SMALL, small_world
from ui import seed_charts

HOSTILE_COMMUNITY = '=HYPERLINK("http://evil.example","点我")'
HOSTILE_PARTNER = "+cmd|' /C calc'!A0"


def test_hostile_names_cannot_become_formulas(empty_con):
    small_world(empty_con, community_name=HOSTILE_COMMUNITY, partner_name=HOSTILE_PARTNER)
    funnel = seeds.community_funnel(empty_con, SMALL).points
    matrix = seeds.pairing_matrix(empty_con, SMALL)
    frames = {
        "funnel": seed_charts.table(funnel, ["community_id", "community_name", "residents", "activities", "band"]),
        "matrix": seed_charts.table(matrix, ["partner_name", "community_name", "activities", "status"]),
    }
    chinese = {"funnel": "华江新村第一居民区", "matrix": "上海第五人民医院"}
    for name, frame in frames.items():
        back = pd.read_csv(io.BytesIO(export.to_csv_bytes(frame)), encoding="utf-8-sig")
        cells = back.astype(str).to_numpy().ravel().tolist()
        assert not any(c.startswith(("=", "+", "-", "@")) for c in cells), cells
        assert any(c.startswith("'=HYPERLINK") or c.startswith("'+cmd") for c in cells)
        assert "居民区" in back.columns and chinese[name] in cells

        sheet = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(frame))).active
        values = [cell for row in sheet.iter_rows(values_only=True) for cell in row]
        assert not any(isinstance(v, str) and v.startswith(("=", "+")) for v in values)
    funnel_csv = export.to_csv_bytes(frames["funnel"])
    assert funnel_csv.startswith(b"\xef\xbb\xbf")
    assert "华江新村第一居民区".encode() in funnel_csv and b"'=HYPERLINK" in funnel_csv
