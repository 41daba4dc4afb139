"""Uploaded files as the analytics layer reads them: a path on disk, and the size limit in bytes."""

from __future__ import annotations

import errno
import hashlib
import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path

import streamlit as st
from streamlit.runtime.uploaded_file_manager import UploadedFile

from analytics.core.errors import DataError
from words import msg

# One folder per local account: /tmp is shared, and a folder another user made first must not be used.
UPLOAD_DIR = Path(tempfile.gettempdir()) / f"jiangchuan_uploads-{os.getuid()}"
KEEP_SECONDS = 24 * 3600


def max_upload_bytes() -> int:
    """server.maxUploadSize (megabytes, .streamlit/config.toml) in bytes."""
    return int(st.get_option("server.maxUploadSize")) * 1024 * 1024


def limit_text() -> str:
    return f"{int(st.get_option('server.maxUploadSize'))} MB"


def saved(upload: UploadedFile) -> tuple[Path, str]:
    """(path, sha256) of an st.file_uploader file written to a private folder named by its content,
    so reruns reuse it; folders older than a day are removed."""
    data = upload.getvalue()
    digest = hashlib.sha256(data).hexdigest()
    try:
        return _write(upload.name, data, digest), digest
    except OSError as exc:  # a full disk, a folder of someone else's
        known = {errno.ENOSPC: "err.upload.disk_full", errno.EDQUOT: "err.upload.quota"}
        reason = msg(known[exc.errno]) if exc.errno is not None and exc.errno in known else exc.strerror or str(exc)
        raise DataError(msg("err.upload.unsaved", reason=reason, folder=UPLOAD_DIR)) from exc


def _write(file_name: str, data: bytes, digest: str) -> Path:
    # Residents' data: the folder and the files are the app's account's only (mkdir's mode covers only
    # the last folder, and a folder left by an older version may be wider).
    folder = _private_dir() / digest[:32]
    folder.mkdir(exist_ok=True, mode=0o700)
    name = re.sub(r"[\\/:*?\"<>|\x00-\x1f]", "_", Path(file_name).name)[-120:] or "upload"
    path = folder / name
    if not path.exists():
        # Whole or not at all, also when two sessions upload the same file at once (mkstemp: mode 0600).
        descriptor, temporary = tempfile.mkstemp(dir=folder, prefix=".part-")
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
        os.replace(temporary, path)
    _tidy()
    return path


def _private_dir() -> Path:
    """The upload folder, made owner-only; refused when it is a link or belongs to someone else (a local
    user who created it first could otherwise read the residents' files)."""
    UPLOAD_DIR.mkdir(parents=True, exist_ok=True, mode=0o700)
    info = os.lstat(UPLOAD_DIR)
    if not stat.S_ISDIR(info.st_mode) or info.st_uid != os.getuid():
        raise PermissionError(errno.EPERM, msg("err.upload.not_ours"), str(UPLOAD_DIR))
    os.chmod(UPLOAD_DIR, 0o700)
    return UPLOAD_DIR


def _tidy() -> None:
    now = time.time()
    for folder in UPLOAD_DIR.iterdir():
        try:
            if now - folder.stat().st_mtime > KEEP_SECONDS:
                shutil.rmtree(folder, ignore_errors=True)
        except OSError:
            pass
