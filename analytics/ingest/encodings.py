"""Which text encoding a CSV is in, and refusing the ones we do not read rather than garbling them.

UTF-8 (BOM or not), UTF-16 with a BOM, else GB18030 (the superset of GBK). Latin-1, Shift-JIS and Big5
bytes often decode as GBK too, into rare characters ("Pr閚om", "巵柤"): a real Chinese ledger is mostly
common characters, so a GBK reading that is mostly rare is refused, naming the encoding it more
likely is.
"""

from __future__ import annotations

import codecs

from analytics.ingest.inspect import FileRefused
from words import Message, msg


def decode(data: bytes, file_name: str) -> tuple[str, str]:
    """(text, encoding name). UTF-8 (BOM or not), UTF-16 with a BOM, else GB18030; anything else is
    refused, and so is a UTF-8 file with a few broken bytes (decoding it as GB18030 would garble it)."""
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", file_name), "UTF-8 (BOM)"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", file_name), "UTF-16"
    try:
        text, encoding = data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError as exc:
        _refuse_broken_utf8(data, exc, file_name)
        try:
            text, encoding = data.decode("gb18030"), "GB18030/GBK"
        except UnicodeDecodeError as exc2:
            line = data[: exc2.start].count(b"\n") + 1
            raise FileRefused(
                msg("err.ingest.encoding_unknown", file=file_name, line=line, likely=_likely_encoding(data))
            ) from exc2
        _refuse_garbled_gbk(data, text, file_name)
    if "\x00" in text:
        raise FileRefused(msg("err.ingest.nul_bytes", file=file_name))
    return text, encoding


def _common_chinese(ch: str) -> bool:
    """A character of GB2312's first level (the 3,755 most used hanzi) or its punctuation rows."""
    try:
        code = ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return len(code) == 2 and (0xB0 <= code[0] <= 0xD7 or 0xA1 <= code[0] <= 0xA3)


def _refuse_garbled_gbk(data: bytes, text: str, file_name: str) -> None:
    """Latin-1, Shift-JIS or Big5 bytes often decode as GBK too, into rare characters (Pr閚om, 巵柤):
    real Chinese ledgers are mostly common characters. Refuse when most of them are rare."""
    sample = [ch for ch in text[:200_000] if ord(ch) > 0x7F]
    if not sample:
        return
    common = sum(1 for ch in sample if _common_chinese(ch))
    if (len(sample) >= 6 and common * 2 < len(sample)) or (len(sample) < 6 and common == 0):
        raise FileRefused(
            msg("err.ingest.garbled_gbk", file=file_name, sample="".join(sample[:8]), likely=_likely_encoding(data))
        )


_CANDIDATES = (
    ("cp1252", "err.ingest.encoding.cp1252"),
    ("shift_jis", "err.ingest.encoding.shift_jis"),
    ("big5", "err.ingest.encoding.big5"),
)


def _likely_encoding(data: bytes) -> Message | str:
    """'，看起来是 X 编码' for the encoding under which the file reads most plausibly, or ''."""
    sample = data[:200_000]
    if sample.count(b"\x00") * 4 > len(sample):
        return msg("err.ingest.likely_utf16")
    best, best_score = "", 0.0
    for codec, label in _CANDIDATES:
        try:
            text = sample.decode(codec)
        except UnicodeDecodeError:
            continue
        wide = [ch for ch in text if ord(ch) > 0x7F]
        if not wide:
            continue
        if codec == "cp1252":
            fits = sum(1 for ch in wide if ch.isalpha() or ch in "‘’“”–—€…·°")
        elif codec == "shift_jis":
            fits = sum(1 for ch in wide if "\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff")
        else:
            fits = sum(1 for ch in wide if "\u4e00" <= ch <= "\u9fff")
        score = fits / len(wide)
        if score > best_score + 0.05:
            best, best_score = label, score
    return msg("err.ingest.likely", encoding=msg(best)) if best_score >= 0.8 else ""


def _strict(data: bytes, encoding: str, file_name: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRefused(
            msg("err.ingest.declared_broken", file=file_name, encoding=encoding.upper(), line=line)
        ) from exc


def _refuse_broken_utf8(data: bytes, exc: UnicodeDecodeError, file_name: str) -> None:
    """Mostly-valid UTF-8 with a few bad bytes is a damaged UTF-8 file, not GBK: say where it breaks."""
    sample = data[: 4 * 1024 * 1024]
    replaced = sample.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd")
    multibyte = sum(1 for ch in replaced if ord(ch) > 0x7F and ch != "\ufffd")
    if multibyte >= 20 and bad * 50 <= multibyte:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRefused(msg("err.ingest.utf8_broken", file=file_name, line=line, bad=bad)) from exc
