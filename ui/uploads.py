"""Uploaded files as the analytics layer reads them: a path on disk, and the size limit in bytes."""
from __future__ import annotations

import hashlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

import streamlit as st

UPLOAD_DIR = Path(tempfile.gettempdir()) / "jiangchuan_uploads"
KEEP_SECONDS = 24 * 3600


def max_upload_bytes() -> int:
    """server.maxUploadSize (megabytes, .streamlit/config.toml) in bytes."""
    return int(st.get_option("server.maxUploadSize")) * 1024 * 1024


def limit_text() -> str:
    return f"{int(st.get_option('server.maxUploadSize'))} MB"


def saved(upload) -> tuple[Path, str]:
    """(path, sha256) of an st.file_uploader file written to a private folder named by its content,
    so reruns reuse it; folders older than a day are removed."""
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    # Residents' data: the folder and the files are the app's account's only (mkdir's mode covers only
    # the last folder, and a folder left by an older version may be wider).
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(UPLOAD_DIR, 0o700)
    folder = UPLOAD_DIR / digest[:32]
    folder.mkdir(exist_ok=True, mode=0o700)
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", Path(upload.name).name)[-120:] or "upload"
    path = folder / name
    if not path.exists():
        # Whole or not at all, also when two sessions upload the same file at once (mkstemp: mode 0600).
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".part-")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    _tidy()
    return path, digest


def _tidy() -> None:
    now = time.time()
    for folder in UPLOAD_DIR.iterdir():
        try:
            if now - folder.stat().st_mtime > KEEP_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass
