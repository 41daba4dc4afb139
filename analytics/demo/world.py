"""The fixed facts of the demo world: names, public figures and illustrative geography.

Public facts come from docs/domain.md; everything else here is illustrative (示意) and the app says
so. No person is named: secretaries and judges are named by role.
"""

from __future__ import annotations

import datetime as dt

OFFICE_LON, OFFICE_LAT = 121.4132, 31.0113  # 鹤庆路258号, the subdistrict office
KM_PER_DEG_LAT = 110.95
KM_PER_DEG_LON = 95.40  # at 31° N

ACTION_START = dt.date(2022, 11, 5)  # 美好社区·幸福家园 action launched
DATA_END = dt.date(2024, 12, 31)

# Outline of the subdistrict in km east / north of the office: the railway branch to the north,
# 淡水河 to the east, the Huangpu River bending along the south, 西河泾 to the west. Illustrative.
OUTLINE_KM = [
    (-3.9, 1.9),
    (-1.2, 2.2),
    (1.4, 2.1),
    (3.7, 1.8),
    (3.9, 0.4),
    (3.8, -1.3),
    (2.9, -1.9),
    (1.6, -2.2),
    (0.2, -2.4),
    (-1.3, -2.2),
    (-2.6, -1.9),
    (-3.6, -1.3),
    (-4.0, -0.2),
]

# grid id, name, English name, centre (km), community names (full names end in 居民区)
GRIDS = [
    (
        "G1",
        "北街河东片区网格",
        "Beijie-Hedong grid",
        (-3.0, 0.6),
        ["北街", "河东", "华江新村第一", "华江新村第二", "新闵新村"],
    ),
    (
        "G2",
        "东风高华片区网格",
        "Dongfeng-Gaohua grid",
        (-1.5, 1.3),
        ["高华新村第二", "高华新村第三", "东风新村第一", "东风新村第三", "瑞丽新村"],
    ),
    (
        "G3",
        "沧源兰坪片区网格",
        "Cangyuan-Lanping grid",
        (0.4, 1.4),
        ["沧源新村第一", "沧源新村第二", "沧源新村第三", "兰坪新村第一", "兰坪新村第二"],
    ),
    (
        "G4",
        "汽轮电机片区网格",
        "Turbine-Motor works grid",
        (2.4, 1.0),
        ["汽轮新村第一", "汽轮新村第三", "电机新村第一", "电机新村第二", "电机新村第四"],
    ),
    (
        "G5",
        "红旗片区网格",
        "Hongqi grid",
        (-1.7, -1.0),
        ["电机新村第五", "红旗新村第一", "红旗新村第二", "红旗新村第三", "红旗新村第四"],
    ),
    (
        "G6",
        "昆阳片区网格",
        "Kunyang grid",
        (0.5, -1.2),
        ["红旗新村第五", "红旗新村第七", "昆阳新村第一", "昆阳新村第三", "紫藤新园"],
    ),
    (
        "G7",
        "鹤庆片区网格",
        "Heqing grid",
        (2.6, -0.8),
        ["鹤北新村第一", "鹤北新村第三", "鹤庆新村第一", "鹤庆新村第二", "富仕名邸"],
    ),
]

PUBLIC_COMMUNITY_NAMES = [
    "北街",
    "河东",
    "华江新村第一",
    "华江新村第二",
    "高华新村第二",
    "高华新村第三",
    "东风新村第一",
    "东风新村第三",
    "新闵新村",
    "沧源新村第一",
    "沧源新村第二",
    "沧源新村第三",
    "兰坪新村第一",
    "兰坪新村第二",
    "汽轮新村第一",
    "汽轮新村第三",
    "瑞丽新村",
    "电机新村第一",
    "电机新村第二",
    "电机新村第四",
    "电机新村第五",
    "红旗新村第一",
    "红旗新村第二",
    "红旗新村第三",
    "红旗新村第四",
    "红旗新村第五",
    "红旗新村第七",
    "昆阳新村第一",
    "昆阳新村第三",
    "鹤北新村第一",
    "鹤北新村第三",
    "鹤庆新村第一",
    "鹤庆新村第二",
    "紫藤新园",
    "富仕名邸",
]

HEBEI_ONE = "鹤北新村第一"
HEBEI_ONE_RESIDENTS = 6589
HEBEI_ONE_PARTY_MEMBERS = 414
TOTAL_RESIDENTS = 130_000

NEWER_ESTATES = {"紫藤新园": 2006, "富仕名邸": 2009}
OLD_STREETS = {"北街": 1958, "河东": 1962}

# The "1+5" sample plan: one city-level beautiful community and five Jiangchuan-home samples.
CITY_SAMPLE = HEBEI_ONE
JIANGCHUAN_SAMPLES = ["红旗新村第一", "沧源新村第二", "电机新村第一", "东风新村第一", "昆阳新村第一"]

_CN_DIGITS = {"第一": "一", "第二": "二", "第三": "三", "第四": "四", "第五": "五", "第七": "七"}


def full_name(name: str) -> str:
    return f"{name}居民区"


def short_name(name: str) -> str:
    """The form people write: 鹤北新村第一 → 鹤北一居, 瑞丽新村 → 瑞丽, 北街 → 北街."""
    for long, digit in _CN_DIGITS.items():
        if name.endswith(long):
            return name[: -len(long)].removesuffix("新村") + digit + "居"
    return name.removesuffix("新村")


# partner id, name, kind, joined on, (km east, km north); the first ten are the first batch.
PARTNERS = [
    ("P01", "上海汽轮机厂", "enterprise", ACTION_START, (2.1, 1.6)),
    ("P02", "上海第五人民医院", "hospital", ACTION_START, (2.2, -0.3)),
    ("P03", "闵行区科委", "agency", ACTION_START, (-0.6, 0.3)),
    ("P04", "闵行一幼", "school", ACTION_START, (1.0, -0.5)),
    ("P05", "上海电机厂", "enterprise", ACTION_START, (1.2, 1.7)),
    ("P06", "上海重型机器厂", "enterprise", ACTION_START, (-2.8, -1.4)),
    ("P07", "江川社区卫生服务中心", "hospital", ACTION_START, (-0.9, -0.4)),
    ("P08", "闵行中学", "school", ACTION_START, (-2.2, 0.9)),
    ("P09", "江川路派出所", "agency", ACTION_START, (0.1, 0.9)),
    ("P10", "江川社区志愿者协会", "social_org", ACTION_START, (-1.4, 0.1)),
    ("P11", "闵行区图书馆江川分馆", "agency", dt.date(2023, 3, 1), (0.8, 0.4)),
    ("P12", "江川物业服务联合会", "social_org", dt.date(2023, 4, 15), (-3.1, 0.0)),
    ("P13", "闵行区中医医院江川门诊部", "hospital", dt.date(2023, 7, 1), (-1.9, 1.6)),
    ("P14", "江川路小学", "school", dt.date(2023, 9, 1), (3.1, 0.2)),
    ("P15", "上海航天设备制造总厂（示意）", "enterprise", dt.date(2024, 1, 10), (3.3, -1.2)),
    ("P16", "江川绿化养护中心", "agency", dt.date(2024, 3, 1), (-0.2, -1.8)),
]

# What each kind of partner brings to which seed colour (relative propensity).
KIND_COLOUR_AFFINITY = {
    "enterprise": {"red": 1.0, "green": 0.4, "white": 0.1, "blue": 0.8},
    "hospital": {"red": 0.2, "green": 0.0, "white": 1.0, "blue": 0.2},
    "school": {"red": 0.1, "green": 1.0, "white": 0.0, "blue": 0.7},
    "agency": {"red": 0.8, "green": 0.8, "white": 0.1, "blue": 0.5},
    "social_org": {"red": 0.5, "green": 0.5, "white": 0.2, "blue": 1.0},
}

# item id, colour, name, English name, typical participants
SERVICE_ITEMS = [
    ("S01", "red", "证件照拍摄", "ID photos on site", 28),
    ("S02", "red", "免费维修", "Free repairs", 35),
    ("S03", "red", "养老政策咨询", "Elderly-policy consultation", 40),
    ("S04", "red", "免费理发", "Free haircuts", 30),
    ("S05", "red", "法律咨询", "Legal advice", 18),
    ("S06", "green", "种树认养", "Tree planting and adoption", 55),
    ("S07", "green", "环保教育", "Environmental education", 60),
    ("S08", "green", "垃圾分类指导", "Waste-sorting guidance", 45),
    ("S09", "green", "楼道绿化", "Stairwell greening", 25),
    ("S10", "white", "中医把脉", "TCM pulse diagnosis", 45),
    ("S11", "white", "针灸", "Acupuncture", 22),
    ("S12", "white", "拔罐", "Cupping", 22),
    ("S13", "white", "血压血糖检测", "Blood pressure and sugar checks", 50),
    ("S14", "white", "健康讲座", "Health talks", 65),
    ("S15", "blue", "环境整治", "Environment clean-up", 30),
    ("S16", "blue", "加装电梯宣传", "Elevator-retrofit publicity", 40),
    ("S17", "blue", "适老化改造宣传", "Age-friendly renovation publicity", 35),
    ("S18", "blue", "助老陪伴", "Companionship for the elderly", 20),
    ("S19", "blue", "文明交通劝导", "Traffic civility volunteering", 15),
]
ITEM_POPULARITY = {
    "S01": 1.2,
    "S02": 1.3,
    "S03": 1.0,
    "S04": 1.4,
    "S05": 0.6,
    "S06": 1.0,
    "S07": 0.8,
    "S08": 1.2,
    "S09": 0.6,
    "S10": 1.3,
    "S11": 0.8,
    "S12": 0.7,
    "S13": 1.4,
    "S14": 0.8,
    "S15": 1.4,
    "S16": 0.7,
    "S17": 0.6,
    "S18": 1.1,
    "S19": 0.5,
}

CASE_CATEGORIES = ["party_building", "opinion", "service_proxy", "dispute"]
LEVELS = ["grid", "community", "street", "district"]

# How well each grid settles matters locally (a logit shift): G7 and G2 strong, G3 and G5 escalate.
GRID_COMPETENCE = {"G1": 0.0, "G2": 0.35, "G3": -0.55, "G4": 0.1, "G5": -0.3, "G6": 0.15, "G7": 0.45}
GRID_ACTIVITY = {"G1": 0.8, "G2": 1.1, "G3": 0.9, "G4": 1.2, "G5": 0.85, "G6": 1.0, "G7": 1.35}

CRITERIA = [
    ("K1", "思想美", 0.25),
    ("K2", "环境美", 0.20),
    ("K3", "邻里美", 0.20),
    ("K4", "文化美", 0.15),
    ("K5", "先锋美", 0.20),
]
CRITERION_MAX = 100.0

# judge id, display name (a role, never a person), kind, leniency (points), noise (points)
JUDGES = [
    ("J1", "评委1（街道领导）", "leader", 2.0, 3.0),
    ("J2", "评委2（街道领导）", "leader", -4.0, 3.0),
    ("J3", "评委3（专家）", "expert", 0.0, 3.5),
    ("J4", "评委4（专家）", "expert", 1.0, 3.0),
    ("J5", "评委5（专家）", "expert", -2.0, 4.5),
    ("J6", "评委6（居民代表）", "resident", 8.0, 4.0),
    ("J7", "评委7（居民代表）", "resident", -1.0, 6.0),
]

# round id, name, date, judges, communities entered (the first is the 3-entry model round)
ROUNDS = [
    (
        "R2023A",
        "书记擂台·示范场",
        dt.date(2023, 6, 14),
        ["J1", "J2", "J3", "J4", "J5"],
        ["鹤北新村第一", "红旗新村第一", "沧源新村第二"],
    ),
    (
        "R2023B",
        "书记擂台·第二场",
        dt.date(2023, 12, 15),
        ["J1", "J2", "J3", "J4", "J5", "J6", "J7"],
        [
            "鹤北新村第一",
            "红旗新村第一",
            "沧源新村第二",
            "电机新村第一",
            "东风新村第一",
            "昆阳新村第一",
            "兰坪新村第一",
            "汽轮新村第一",
            "华江新村第一",
            "鹤庆新村第一",
            "紫藤新园",
            "北街",
        ],
    ),
    (
        "R2024",
        "书记擂台·年度赛",
        dt.date(2024, 11, 20),
        ["J1", "J2", "J3", "J4", "J5", "J6", "J7"],
        [
            "鹤北新村第一",
            "红旗新村第一",
            "沧源新村第二",
            "电机新村第一",
            "东风新村第一",
            "昆阳新村第一",
            "兰坪新村第一",
            "汽轮新村第一",
            "华江新村第一",
            "鹤庆新村第一",
            "紫藤新园",
            "北街",
            "高华新村第二",
            "瑞丽新村",
            "红旗新村第三",
            "富仕名邸",
        ],
    ),
]

THEMES = [
    "红色引领·家门口的便民服务",
    "绿色种子·种树认养共建美丽家园",
    "白色守护·中医进社区",
    "蓝色志愿·加装电梯一路同行",
    "邻里守望·小事不出网格",
    "先锋领航·党员楼组长在行动",
    "文化润心·老闵行的新故事",
    "适老改造·让老人住得更安心",
]

SURNAMES = list("王李张刘陈杨黄赵周吴徐孙朱马胡郭林何高梁郑罗宋谢唐韩曹许邓冯")
GIVEN_CHARS = list("伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰建国红梅志宏")
CASE_TEMPLATES = {
    "party_building": ["楼组党员活动室预约", "党员志愿服务报名", "组织关系转接咨询", "主题党日活动建议"],
    "opinion": [
        "建议增设非机动车充电桩",
        "反映小区停车难，联系电话{phone}",
        "建议增加老年助餐点",
        "对加装电梯方案提出意见",
    ],
    "service_proxy": ["代办高龄津贴申请", "代办居住证明，请回电{phone}", "代办医保报销材料", "代办残疾人补贴"],
    "dispute": ["楼上漏水引发邻里纠纷", "噪音扰民投诉，住户电话{phone}", "公共区域堆物纠纷", "宠物扰民调解"],
}
