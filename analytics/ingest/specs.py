"""What each importable table holds: its columns, the headers people give them, the values they may
take, its key, and the rows other tables keep pointing at. One place the importer, the templates and
the page all read from."""

from __future__ import annotations

from dataclasses import dataclass, field

import words

# Vocabularies: code -> the spellings people use (Chinese first: the label, which the catalog of words
# holds too, see LABEL_KEYS). English codes are always accepted.
VOCABULARIES: dict[str, dict[str, tuple[str, ...]]] = {
    "colour": {
        "red": ("红色种子", "红色", "红", "红种子", "红色种子·党建引领行动", "党建引领行动", "Red seed"),
        "green": ("绿色种子", "绿色", "绿", "绿种子", "绿色种子·环保助力行动", "环保助力行动", "Green seed"),
        "white": ("白色种子", "白色", "白", "白种子", "白色种子·健康保护行动", "健康保护行动", "White seed"),
        "blue": ("蓝色种子", "蓝色", "蓝", "蓝种子", "蓝色种子·志愿服务行动", "志愿服务行动", "Blue seed"),
    },
    "category": {
        "party_building": ("党建工作", "党建", "党建类", "党的建设", "Party building"),
        "opinion": ("民意征集", "民意", "意见征集", "民意类", "征集民意", "Opinion collection", "Opinion"),
        "service_proxy": ("服务代办", "代办", "代办服务", "代办类", "Service proxy"),
        "dispute": (
            "矛盾化解",
            "矛盾纠纷",
            "纠纷调解",
            "矛盾调解",
            "调解",
            "矛盾",
            "纠纷",
            "Dispute resolution",
            "Dispute",
        ),
    },
    "level": {
        "grid": ("网格", "网格层面", "网格内", "网格级", "网格办结", "片区网格", "Grid"),
        "community": ("居民区", "居民区层面", "社区", "居委", "居委会", "居村", "居民区办结", "Community"),
        "street": ("街道", "街道层面", "街道级", "街镇", "街道办结", "Subdistrict"),
        "district": ("区级", "区", "区层面", "区级部门", "区级以上", "市区", "District"),
    },
    "partner_kind": {
        "enterprise": ("企业", "国企", "公司", "企业单位", "Enterprise"),
        "hospital": ("医院", "医疗机构", "卫生机构", "卫生服务中心", "Hospital"),
        "school": ("学校", "幼儿园", "中学", "小学", "高校", "School"),
        "agency": ("机关单位", "机关", "事业单位", "政府部门", "机关事业单位", "Agency"),
        "social_org": ("社会组织", "社团", "协会", "社会团体", "Social organisation", "social organization"),
    },
    "judge_kind": {
        "leader": ("领导", "街道领导", "领导评委", "Leader"),
        "expert": ("专家", "专家评委", "Expert"),
        "resident": ("居民代表", "居民", "群众代表", "居民评委", "Resident"),
    },
    "sample_tier": {
        "city": ("市级", "市级样本", "市级美好社区", "city"),
        "jiangchuan": ("江川之家", "江川样本", "江川家园", "街道样本", "jiangchuan"),
    },
    "bool": {
        "true": ("是", "Y", "yes", "true", "1", "紧急", "急", "急事", "√", "✓", "对"),
        "false": ("否", "N", "no", "false", "0", "一般", "普通", "不紧急", "非紧急", "×", "✗", "不是"),
    },
}

# Where each vocabulary's labels are in the catalog: the interface's own labels where it has them, so a
# code reads the same on the page, in the importer's messages and in the templates, in either language.
LABEL_KEYS = {
    "colour": "colour",
    "category": "category",
    "level": "level",
    "partner_kind": "kind",
    "judge_kind": "vocab.judge_kind",
    "sample_tier": "vocab.sample_tier",
    "bool": "vocab.bool",
}


def vocabulary_label(name: str, code: str, lang: str = "zh") -> str:
    """The label of `code` in vocabulary `name`: vocabulary_label("colour", "red", "en") → Red seed."""
    return words.text(f"{LABEL_KEYS[name]}.{code}", lang)


VOCABULARY_LABELS = {
    name: {code: vocabulary_label(name, code) for code in vocab} for name, vocab in VOCABULARIES.items()
}

# Reference lists a column may point at: what it is called in messages.
REFERENCE_NAMES = {
    target: words.msg(f"ingest.ref.{target}")
    for target in ("community", "grid", "partner", "item", "judge", "round", "criterion", "entry", "secretary", "town")
}


@dataclass(frozen=True)
class Col:
    name: str  # the table's column
    label: str  # its Chinese header in templates and messages
    kind: str  # id, text, phone, int, float, date, timestamp, bool, enum, ref
    required: bool = False
    synonyms: tuple[str, ...] = ()
    vocabulary: str | None = None  # enum: a VOCABULARIES name; ref: a REFERENCE_NAMES key
    minimum: float | None = None
    maximum: float | None = None
    units: tuple[str, ...] = ()
    default: object = None  # used when the column is absent or the cell is empty
    help: str = ""
    example: str = ""
    stored: bool = True  # False: read and checked, not written (e.g. a grid next to a community)

    @property
    def list_name(self) -> str:
        """The vocabulary (enum) or reference list (ref) the column's values come from."""
        if self.vocabulary is None:
            raise ValueError(f"{self.name}: a {self.kind} column names the list its values come from")
        return self.vocabulary


@dataclass(frozen=True)
class TableSpec:
    table: str
    label: str
    columns: tuple[Col, ...]
    key: tuple[str, ...]
    unique: tuple[str, ...] = ()  # other single columns that must be unique (names)
    fact: bool = False  # carries batch_id; undone by batch
    generated_key: str | None = None  # how a missing key column is filled: "content" or "round_community"
    referenced_by: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = ()
    note: str = ""
    extra: dict = field(default_factory=dict)

    def col(self, name: str) -> Col:
        return next(c for c in self.columns if c.name == name)

    @property
    def stored_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.stored]


def _lonlat() -> tuple[Col, Col]:
    return (
        Col(
            "lon",
            "经度",
            "float",
            synonyms=("经度", "lon", "lng", "longitude", "东经"),
            minimum=-180,
            maximum=180,
            help="WGS-84 经度，可不填",
            example="121.4132",
        ),
        Col(
            "lat",
            "纬度",
            "float",
            synonyms=("纬度", "lat", "latitude", "北纬"),
            minimum=-90,
            maximum=90,
            help="WGS-84 纬度，可不填",
            example="31.0113",
        ),
    )


COMMUNITY_REF = (
    "居民区",
    "所属居民区",
    "居委",
    "居委会",
    "居委会名称",
    "居民区名称",
    "居民区编号",
    "社区",
    "所属社区",
    "community",
    "community_id",
    "communityname",
)
PARTNER_REF = (
    "合伙人",
    "合伙人单位",
    "共建单位",
    "成员单位",
    "结对单位",
    "参与单位",
    "合作单位",
    "合伙人编号",
    "单位名称",
    "partner",
    "partner_id",
)
ITEM_REF = ("服务项目", "项目", "项目名称", "服务内容", "活动项目", "项目编号", "item", "item_id")
ROUND_REF = ("场次", "比拼场次", "擂台场次", "比赛场次", "场次编号", "场次名称", "round", "round_id")

TABLES: dict[str, TableSpec] = {}


def _add(spec: TableSpec) -> None:
    TABLES[spec.table] = spec


_add(
    TableSpec(
        "communities",
        "居民区名单",
        (
            Col(
                "community_id",
                "居民区编号",
                "id",
                True,
                ("居民区编号", "编号", "代码", "居委编号", "community_id", "id"),
                help="每个居民区唯一的编号",
                example="C30",
            ),
            Col(
                "name",
                "居民区名称",
                "text",
                True,
                ("居民区名称", "居民区", "名称", "居委会", "居委会名称", "全称", "name"),
                help="全称，如 鹤北新村第一居民区",
                example="鹤北新村第一居民区",
            ),
            Col(
                "short_name",
                "简称",
                "text",
                synonyms=("简称", "俗称", "short_name", "shortname"),
                help="平时的叫法，如 鹤北一居",
                example="鹤北一居",
            ),
            Col(
                "grid_id",
                "所属片区网格",
                "ref",
                True,
                ("所属片区网格", "片区网格", "所属网格", "网格", "片区", "网格编号", "grid", "grid_id"),
                vocabulary="grid",
                help="片区网格的名称或编号",
                example="G7",
            ),
            Col(
                "town_code",
                "所属街镇",
                "ref",
                synonyms=("所属街镇", "街镇", "街镇名称", "街镇代码", "街道", "所属街道", "镇", "town", "town_code"),
                vocabulary="town",
                help="可不填（默认为您账号所属的街镇）；填了会与网格所属的街镇核对",
                example="江川路街道",
                stored=False,
            ),
            Col(
                "households",
                "户数",
                "int",
                True,
                ("户数", "总户数", "住户数", "households"),
                minimum=0,
                units=("户",),
                example="2500",
            ),
            Col(
                "residents",
                "常住人口",
                "int",
                True,
                ("常住人口", "人口", "居民人数", "实有人口", "人口数", "residents"),
                minimum=0,
                units=("人",),
                example="6589",
            ),
            Col(
                "party_members",
                "党员人数",
                "int",
                True,
                ("党员人数", "党员数", "党员", "在册党员", "party_members"),
                minimum=0,
                units=("人", "名"),
                example="414",
            ),
            Col(
                "built_year",
                "建成年份",
                "int",
                synonyms=("建成年份", "建成年代", "建造年份", "built_year"),
                minimum=1900,
                maximum=2100,
                units=("年",),
                example="1995",
            ),
            Col(
                "sample_tier",
                "样本类别",
                "enum",
                synonyms=("样本类别", "样本", "1+5样本", "sample_tier"),
                vocabulary="sample_tier",
                help="“1+5”样本：市级 或 江川之家；不是样本留空",
            ),
            *_lonlat(),
        ),
        key=("community_id",),
        unique=("name",),
        referenced_by=(
            ("secretaries", ("community_id",), ("community_id",)),
            ("pairings", ("community_id",), ("community_id",)),
            ("contest_entries", ("community_id",), ("community_id",)),
            ("seed_activities", ("community_id",), ("community_id",)),
            ("grid_cases", ("community_id",), ("community_id",)),
        ),
    )
)

_add(
    TableSpec(
        "partners",
        "美好社区合伙人",
        (
            Col(
                "partner_id",
                "合伙人编号",
                "id",
                True,
                ("合伙人编号", "单位编号", "编号", "partner_id", "id"),
                example="P20",
            ),
            Col(
                "name",
                "单位名称",
                "text",
                True,
                ("单位名称", "合伙人单位", "合伙人", "名称", "单位", "name"),
                example="上海汽轮机厂",
            ),
            Col(
                "kind",
                "单位类型",
                "enum",
                True,
                ("单位类型", "类型", "单位性质", "性质", "类别", "kind"),
                vocabulary="partner_kind",
                example="企业",
            ),
            *_lonlat(),
            Col(
                "joined_on",
                "加入日期",
                "date",
                synonyms=("加入日期", "加入时间", "签约日期", "结对日期", "joined_on"),
                example="2022-11-05",
            ),
        ),
        key=("partner_id",),
        unique=("name",),
        referenced_by=(
            ("pairings", ("partner_id",), ("partner_id",)),
            ("seed_activities", ("partner_id",), ("partner_id",)),
        ),
    )
)

_add(
    TableSpec(
        "pairings",
        "合伙人结对关系",
        (
            Col(
                "partner_id",
                "合伙人单位",
                "ref",
                True,
                PARTNER_REF,
                vocabulary="partner",
                help="合伙人单位的名称或编号",
                example="上海汽轮机厂",
            ),
            Col(
                "community_id",
                "居民区",
                "ref",
                True,
                COMMUNITY_REF,
                vocabulary="community",
                help="居民区的名称、简称或编号",
                example="鹤北一居",
            ),
            Col(
                "since",
                "结对日期",
                "date",
                synonyms=("结对日期", "结对时间", "开始日期", "签约日期", "since"),
                example="2022-11-05",
            ),
        ),
        key=("partner_id", "community_id"),
    )
)

_add(
    TableSpec(
        "service_items",
        "四色种子服务项目",
        (
            Col("item_id", "项目编号", "id", True, ("项目编号", "编号", "item_id", "id"), example="S20"),
            Col(
                "seed_colour",
                "种子颜色",
                "enum",
                True,
                ("种子颜色", "颜色", "四色种子", "种子", "种子类别", "类别", "seed_colour", "colour", "color"),
                vocabulary="colour",
                example="红色种子",
            ),
            Col(
                "name", "项目名称", "text", True, ("项目名称", "服务项目", "项目", "名称", "name"), example="证件照拍摄"
            ),
            Col(
                "name_en",
                "英文名称",
                "text",
                synonyms=("英文名称", "英文名", "name_en"),
                help="可不填，不填时与项目名称相同",
                example="ID photos on site",
            ),
        ),
        key=("item_id",),
        unique=("name",),
        referenced_by=(("seed_activities", ("item_id",), ("item_id",)),),
    )
)

_add(
    TableSpec(
        "seed_activities",
        "四色种子活动台账",
        (
            Col(
                "activity_id",
                "活动编号",
                "id",
                synonyms=("活动编号", "编号", "活动id", "activity_id", "id"),
                help="每场活动唯一的编号；没有这一列时系统按行内容生成（同一文件再次导入会被识别为重复）",
                example="A2024-0001",
            ),
            Col(
                "held_on",
                "活动日期",
                "date",
                True,
                ("活动日期", "日期", "活动时间", "开展日期", "开展时间", "服务日期", "held_on", "date"),
                example="2024-03-12",
            ),
            Col(
                "community_id",
                "居民区",
                "ref",
                True,
                COMMUNITY_REF,
                vocabulary="community",
                help="居民区的名称、简称或编号",
                example="鹤北一居",
            ),
            Col(
                "item_id",
                "服务项目",
                "ref",
                True,
                ITEM_REF,
                vocabulary="item",
                help="服务项目的名称或编号",
                example="种树认养",
            ),
            Col(
                "seed_colour",
                "种子颜色",
                "enum",
                synonyms=("种子颜色", "颜色", "四色种子", "种子类别", "活动类别", "seed_colour", "colour"),
                vocabulary="colour",
                help="可不填；填了会与服务项目的颜色核对",
                example="绿色种子",
                stored=False,
            ),
            Col(
                "partner_id",
                "合伙人单位",
                "ref",
                synonyms=PARTNER_REF,
                vocabulary="partner",
                help="参与的合伙人单位，可不填",
                example="闵行区科委",
            ),
            Col(
                "participants",
                "参与人数",
                "int",
                True,
                ("参与人数", "参加人数", "服务人数", "服务人次", "受益人数", "人数", "participants"),
                minimum=0,
                units=("人次", "人", "名"),
                example="55",
            ),
            Col(
                "volunteers",
                "志愿者人数",
                "int",
                True,
                ("志愿者人数", "志愿者", "志愿者数", "volunteers"),
                minimum=0,
                units=("人", "名"),
                example="8",
            ),
            Col(
                "volunteer_hours",
                "志愿服务时长",
                "float",
                True,
                ("志愿服务时长", "志愿时长", "服务时长", "时长", "志愿服务小时", "volunteer_hours"),
                minimum=0,
                units=("小时", "h", "时"),
                help="全部志愿者合计的小时数",
                example="16",
            ),
        ),
        key=("activity_id",),
        fact=True,
        generated_key="content",
    )
)

_add(
    TableSpec(
        "grid_cases",
        "网格事务台账",
        (
            Col(
                "case_id",
                "事务编号",
                "id",
                synonyms=(
                    "事务编号",
                    "编号",
                    "工单号",
                    "工单编号",
                    "事项编号",
                    "案件编号",
                    "事件编号",
                    "case_id",
                    "id",
                ),
                help="每件事务唯一的编号；没有这一列时系统按行内容生成",
                example="K2024-000123",
            ),
            Col(
                "community_id",
                "居民区",
                "ref",
                True,
                COMMUNITY_REF,
                vocabulary="community",
                help="居民区的名称、简称或编号",
                example="鹤北一居",
            ),
            Col(
                "grid_id",
                "片区网格",
                "ref",
                synonyms=("片区网格", "所属网格", "网格", "所属片区"),
                vocabulary="grid",
                help="可不填；填了会与居民区所属的网格核对",
                example="鹤庆片区网格",
                stored=False,
            ),
            Col(
                "category",
                "事务类别",
                "enum",
                True,
                ("事务类别", "类别", "事务类型", "类型", "分类", "事项类别", "category"),
                vocabulary="category",
                example="矛盾化解",
            ),
            Col(
                "reported_at",
                "上报时间",
                "timestamp",
                True,
                ("上报时间", "上报日期", "发现时间", "受理时间", "登记时间", "反映时间", "日期", "reported_at"),
                example="2024-03-12 09:30",
            ),
            Col(
                "closed_at",
                "办结时间",
                "timestamp",
                synonyms=("办结时间", "办结日期", "结案时间", "完成时间", "处置完成时间", "closed_at"),
                help="未办结留空",
                example="2024-03-13 16:00",
            ),
            Col(
                "resolved_level",
                "办结层级",
                "enum",
                synonyms=("办结层级", "解决层级", "处置层级", "层级", "办结层面", "resolved_level", "level"),
                vocabulary="level",
                help="网格、居民区、街道或区级；未办结留空",
                example="网格",
            ),
            Col(
                "urgent",
                "是否紧急",
                "bool",
                synonyms=("是否紧急", "紧急", "急事", "紧急程度", "urgent"),
                vocabulary="bool",
                default=False,
                help="是 或 否，不填为否",
                example="否",
            ),
            Col(
                "satisfaction",
                "满意度",
                "int",
                synonyms=("满意度", "满意度评分", "满意度(1-5)", "回访满意度", "satisfaction"),
                minimum=1,
                maximum=5,
                units=("分",),
                help="1–5 分，未回访留空",
                example="5",
            ),
            *_lonlat(),
            Col(
                "reporter_name",
                "反映人",
                "text",
                synonyms=("反映人", "上报人", "报告人", "反映人姓名", "姓名", "reporter_name"),
                help="个人信息，只对有权限的角色显示",
                example="张三",
            ),
            Col(
                "reporter_phone",
                "联系电话",
                "phone",
                synonyms=("联系电话", "电话", "手机", "手机号", "联系方式", "reporter_phone", "phone"),
                help="按文本保存，开头的 0 不会丢",
                example="13800138000",
            ),
            Col(
                "description",
                "事务内容",
                "text",
                synonyms=("事务内容", "内容", "事项内容", "问题描述", "情况描述", "描述", "事由", "description"),
                example="楼道堆物影响通行",
            ),
        ),
        key=("case_id",),
        fact=True,
        generated_key="content",
    )
)

_add(
    TableSpec(
        "contest_rounds",
        "书记擂台比拼场次",
        (
            Col("round_id", "场次编号", "id", True, ("场次编号", "编号", "round_id", "id"), example="R2025"),
            Col("name", "场次名称", "text", True, ("场次名称", "场次", "名称", "name"), example="书记擂台·2025年度赛"),
            Col("held_on", "比拼日期", "date", True, ("比拼日期", "日期", "举办日期", "held_on"), example="2025-06-14"),
        ),
        key=("round_id",),
        referenced_by=(
            ("contest_criteria", ("round_id",), ("round_id",)),
            ("contest_entries", ("round_id",), ("round_id",)),
        ),
    )
)

_add(
    TableSpec(
        "contest_criteria",
        "擂台评分标准",
        (
            Col(
                "round_id", "场次", "ref", True, ROUND_REF, vocabulary="round", help="场次的名称或编号", example="R2025"
            ),
            Col("criterion_id", "标准编号", "id", True, ("标准编号", "编号", "criterion_id"), example="K1"),
            Col("name", "标准名称", "text", True, ("标准名称", "评分标准", "评分项", "名称", "name"), example="思想美"),
            Col(
                "weight",
                "权重",
                "float",
                True,
                ("权重", "占比", "weight"),
                minimum=0,
                units=("%",),
                example="0.25",
                help="小数（0.25）；各项权重之和一般为 1",
            ),
            Col(
                "max_score",
                "满分",
                "float",
                synonyms=("满分", "最高分值", "分值", "max_score"),
                minimum=0.01,
                default=100.0,
                example="100",
                help="不填为 100",
            ),
        ),
        key=("round_id", "criterion_id"),
        referenced_by=(("contest_scores", ("round_id", "criterion_id"), ("round_id", "criterion_id")),),
    )
)

_add(
    TableSpec(
        "judges",
        "擂台评委",
        (
            Col("judge_id", "评委编号", "id", True, ("评委编号", "编号", "judge_id", "id"), example="J8"),
            Col(
                "display_name",
                "评委",
                "text",
                True,
                ("评委", "评委名称", "显示名称", "名称", "display_name", "name"),
                help="建议按角色称呼，如 评委8（专家）",
                example="评委8（专家）",
            ),
            Col(
                "kind",
                "评委类型",
                "enum",
                True,
                ("评委类型", "类型", "身份", "kind"),
                vocabulary="judge_kind",
                example="专家",
            ),
        ),
        key=("judge_id",),
        referenced_by=(("contest_scores", ("judge_id",), ("judge_id",)),),
    )
)

_add(
    TableSpec(
        "contest_entries",
        "擂台参赛名单",
        (
            Col(
                "round_id",
                "场次",
                "ref",
                True,
                ROUND_REF,
                vocabulary="round",
                help="场次的名称或编号；页面上选了场次时可不填",
                example="R2025",
            ),
            Col(
                "entry_id",
                "参赛编号",
                "id",
                synonyms=("参赛编号", "编号", "序号编号", "entry_id"),
                help="可不填，不填时为“场次-居民区编号”",
                example="R2025-C30",
            ),
            Col(
                "community_id",
                "参赛居民区",
                "ref",
                True,
                ("参赛居民区", *COMMUNITY_REF),
                vocabulary="community",
                example="鹤北一居",
            ),
            Col(
                "secretary_id",
                "书记",
                "ref",
                synonyms=("书记", "书记编号", "参赛书记", "secretary_id"),
                vocabulary="secretary",
                help="书记编号，可不填",
            ),
            Col(
                "theme",
                "展示主题",
                "text",
                synonyms=("展示主题", "主题", "题目", "项目主题", "theme"),
                example="绿色种子·种树认养共建美丽家园",
            ),
        ),
        key=("round_id", "entry_id"),
        generated_key="round_community",
        referenced_by=(("contest_scores", ("round_id", "entry_id"), ("round_id", "entry_id")),),
    )
)

_add(
    TableSpec(
        "contest_scores",
        "擂台评分",
        (
            Col(
                "round_id",
                "场次",
                "ref",
                True,
                ROUND_REF,
                vocabulary="round",
                help="场次的名称或编号；页面上选了场次时可不填",
                example="R2025",
            ),
            Col(
                "entry_id",
                "参赛居民区",
                "ref",
                True,
                ("参赛居民区", "参赛编号", "参赛单位", "选手", *COMMUNITY_REF, "entry_id"),
                vocabulary="entry",
                help="参赛编号，或参赛居民区的名称、简称",
                example="鹤北一居",
            ),
            Col(
                "judge_id",
                "评委",
                "ref",
                True,
                ("评委", "评委编号", "评委名称", "judge", "judge_id"),
                vocabulary="judge",
                example="评委1",
            ),
            Col(
                "criterion_id",
                "评分标准",
                "ref",
                True,
                ("评分标准", "评分项", "标准", "标准编号", "criterion", "criterion_id"),
                vocabulary="criterion",
                example="思想美",
            ),
            Col(
                "score",
                "得分",
                "float",
                True,
                ("得分", "分数", "评分", "打分", "score"),
                minimum=0,
                units=("分",),
                example="92.5",
            ),
        ),
        key=("round_id", "entry_id", "judge_id", "criterion_id"),
        note="也可以上传比赛现场用的宽表：每个参赛居民区一行，每位评委（或评委×评分标准）一列，"
        "可带“最高分”“最低分”“最后得分”列，系统会按各评委分数核对这三列。",
    )
)

IMPORTABLE = tuple(TABLES)
