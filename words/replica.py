STRINGS = {
    "replica.entry": (
        "本服务器是区级部署中的一个副本，只读数据湖，不能在这里录入。请把事务和活动记入台账，交给数据湖的唯一写入端（区级管理员）"
        "导入；导入并刷新后，各副本都会读到。",
        "This server is one replica of a district deployment: it reads the lake and cannot record entries here. Put "
        "the matters and activities in the ledger and hand it to the lake's one writer (the district administrator); "
        "once imported and refreshed, every replica reads them.",
    ),
    "replica.settings": (
        "本服务器是区级部署中的一个副本，只读数据湖，不能在这里修改{what}。数据湖只有一个写入端，请联系区级管理员在那里修改；"
        "刷新后各副本都会读到。",
        "This server is one replica of a district deployment: it reads the lake and cannot change {what} here. The "
        "lake has one writer: ask the district administrator to change them there; after the refresh every replica "
        "reads them.",
    ),
    "replica.what.deadlines": ("办结时限", "the deadlines"),
    "replica.what.targets": ("目标值", "the targets"),
    "replica.what.story": ("擂台展示的故事", "the showcase story"),
    "replica.what.boundaries": ("网格边界", "the grid boundaries"),
    "err.replica.read_only": (
        "本服务器是区级部署中的一个副本，只读数据湖，不能在这里修改数据。请联系区级管理员在数据湖的写入端修改。",
        "This server is one replica of a district deployment: it reads the lake and changes no data here. Ask the "
        "district administrator to make the change at the lake's writer.",
    ),
}
