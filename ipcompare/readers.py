"""Read a source file into text. Every failure is an :class:`InputError` naming the file."""
from __future__ import annotations

from pathlib import Path

from .errors import InputError

TEXT_SUFFIXES = {".txt", ".text", ".md"}


def decode(data: bytes, path: Path) -> str:
    """Decode text bytes: UTF-8 (with or without BOM), else GB18030 (a superset of GBK/GB2312)."""
    if not data.strip():
        raise InputError(f"{path}: empty file")
    if b"\x00" in data[:4096]:
        raise InputError(f"{path}: binary content, not a text document")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError(f"{path}: cannot decode the text (neither UTF-8 nor GBK/GB18030)")


def read_text(path: Path) -> str:
    """The text of a source document."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in TEXT_SUFFIXES:
        raise InputError(f"{path}: unsupported file type {suffix or '(none)'}; supported: {', '.join(sorted(TEXT_SUFFIXES))}")
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot read ({err.strerror})") from None
    return decode(data, path)
