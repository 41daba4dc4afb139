"""The district above the subdistrict: 闵行区 and its 14 township-level units (街镇), by their public
names and administrative codes (docs/domain.md, "The district and the city").

A database holds the towns of one district in `towns`; every grid names its town (`grids.town_code`).
The default database is 江川路街道 alone, so everything written for one subdistrict reads the same.
"""

from __future__ import annotations

from typing import NamedTuple


class Town(NamedTuple):
    code: str
    name: str
    name_en: str


DISTRICT_CODE = "310112"
DISTRICT_NAME = "闵行区"
DISTRICT_NAME_EN = "Minhang District"

JIANGCHUAN = "310112001"

MINHANG_TOWNS: tuple[Town, ...] = (
    Town("310112001", "江川路街道", "Jiangchuan Road Subdistrict"),
    Town("310112006", "古美街道", "Gumei Subdistrict"),
    Town("310112008", "新虹街道", "Xinhong Subdistrict"),
    Town("310112009", "浦锦街道", "Pujin Subdistrict"),
    Town("310112101", "莘庄镇", "Xinzhuang Town"),
    Town("310112102", "七宝镇", "Qibao Town"),
    Town("310112103", "颛桥镇", "Zhuanqiao Town"),
    Town("310112106", "华漕镇", "Huacao Town"),
    Town("310112107", "虹桥镇", "Hongqiao Town"),
    Town("310112108", "梅陇镇", "Meilong Town"),
    Town("310112110", "吴泾镇", "Wujing Town"),
    Town("310112112", "马桥镇", "Maqiao Town"),
    Town("310112114", "浦江镇", "Pujiang Town"),
    Town("310112501", "莘庄工业区", "Xinzhuang Industrial Zone"),
)

TOWN_BY_CODE = {town.code: town for town in MINHANG_TOWNS}

# What a town's whole is called ("全街道", "全镇"), by the end of its name: a 街道 (subdistrict), an 工业区
# (industrial zone), a 镇 (town) or a 乡 (township); each a words key (words/scope.py). The default database
# is one 街道, so its pages say 全街道 as they always have.
_UNITS = (("街道", "unit.subdistrict"), ("工业区", "unit.zone"), ("镇", "unit.town"), ("乡", "unit.township"))


def unit_key(town_name: str | None) -> str:
    """The words key of what `town_name` is (unit.subdistrict, unit.town, …); unit.any for a name that
    says none of them."""
    for suffix, key in _UNITS:
        if town_name and town_name.endswith(suffix):
            return key
    return "unit.any"
