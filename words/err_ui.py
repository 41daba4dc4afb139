"""What the interface itself says when it cannot go on (an upload it cannot keep)."""

STRINGS = {
    "err.upload.disk_full": ("磁盘已满", "the disk is full"),
    "err.upload.quota": ("超出磁盘配额", "the disk quota is used up"),
    "err.upload.not_ours": (
        "它不是运行看板的账户自己的文件夹",
        "the folder does not belong to the account that runs the dashboard",
    ),
    "err.upload.unsaved": (
        "上传的文件无法保存到服务器的临时文件夹（{reason}）。请管理员检查磁盘空间和文件夹 {folder} 的权限后重新上传；数据库没有任何改动。",
        "The uploaded file could not be saved to the server's temporary folder ({reason}). Ask the administrator to check the disk space and the permissions of the folder {folder}, then upload again; nothing in the database changed.",
    ),
}
