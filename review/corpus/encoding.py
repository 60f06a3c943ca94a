"""Decoding export files: UTF-8 (with or without BOM), UTF-16, and a cp1252 fallback."""

from __future__ import annotations

import codecs
from dataclasses import dataclass, field
from pathlib import Path

from review.errors import EncodingError


@dataclass
class Decoded:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


def _looks_utf16(data: bytes) -> str | None:
    """Guess BOM-less UTF-16 from the share of NUL bytes at even or odd offsets."""
    sample = data[:4000]
    if len(sample) < 4:
        return None
    even = sample[0::2].count(0)
    odd = sample[1::2].count(0)
    half = len(sample) / 2
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def decode(data: bytes, path: str | Path, encoding: str | None = None) -> Decoded:
    """Decode ``data``; line endings become ``\\n`` (CRLF and lone CR included).

    Args:
        data: the file's bytes.
        path: the file, for messages.
        encoding: force an encoding instead of detecting one.
    """
    warnings: list[str] = []
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise EncodingError(f"cannot decode as {encoding}: {exc}", path=path) from exc
        used = encoding
    elif data.startswith(codecs.BOM_UTF8):
        used = "utf-8-sig"
        text = _strict(data, used, path)
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        used = "utf-16"
        text = _strict(data, used, path)
    elif guess := _looks_utf16(data):
        used = guess
        text = _strict(data, used, path)
    else:
        try:
            text = data.decode("utf-8")
            used = "utf-8"
        except UnicodeDecodeError as exc:
            line = data[: exc.start].count(b"\n") + 1
            try:
                text = data.decode("cp1252")
                used = "cp1252"
            except UnicodeDecodeError:
                text = data.decode("latin-1")
                used = "latin-1"
            warnings.append(
                f"{path}:{line}: not valid UTF-8; read as {used}. Check accented "
                "characters, or pass --encoding"
            )
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise EncodingError(
            "contains NUL bytes: a binary file, or text in an encoding not detected "
            "(pass --encoding)",
            path=path,
            line=line,
        )
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return Decoded(text=text, encoding=used, warnings=warnings)


def _strict(data: bytes, encoding: str, path: str | Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        raise EncodingError(
            f"looks like {encoding} but byte {exc.start} cannot be decoded: {exc.reason}",
            path=path,
        ) from exc
