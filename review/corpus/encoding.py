"""Decoding export files: UTF-8 (with or without BOM), UTF-16, and a cp1252 fallback.

Detection order: a BOM (UTF-8, UTF-16 LE/BE, UTF-32), then BOM-less UTF-16 (NUL bytes at
every other offset), then UTF-8. Bytes that are not valid UTF-8 are read as Windows-1252
(Latin-1 for the five bytes cp1252 leaves undefined) with a warning that names the first
line concerned: files written by R or Excel on Windows often mix the two, so a valid UTF-8
sequence elsewhere in the same file is still read as UTF-8. Binary files (ZIP archives
such as .xlsx or .enlx, PDFs, anything with NUL bytes) are refused with an EncodingError.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from pathlib import Path

from review.errors import EncodingError

_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (an .xlsx workbook or an .enlx EndNote library?); "
                    "export the records as RIS, CSV or EndNote XML instead"),
    (b"%PDF", "a PDF document, not a search export"),
    (b"\xd0\xcf\x11\xe0", "an old Office document (.xls?); save it as CSV first"),
    (b"SQLite format 3\x00", "an SQLite database, not a search export"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f]")


@dataclass
class Decoded:
    """Decoded text (newlines normalised to ``\\n``), the encoding used, any warnings."""

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


def _cp1252_fallback(exc: UnicodeError) -> tuple[str, int]:
    """Codec error handler: read the offending bytes as cp1252 (Latin-1 where undefined)."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    chunk = exc.object[exc.start : exc.end]
    return chunk.decode("cp1252", errors="strict") if _cp1252_ok(chunk) else chunk.decode("latin-1"), exc.end


def _cp1252_ok(chunk: bytes) -> bool:
    return not any(b in (0x81, 0x8D, 0x8F, 0x90, 0x9D) for b in chunk)


codecs.register_error("review-cp1252", _cp1252_fallback)


def decode(data: bytes, path: str | Path, encoding: str | None = None) -> Decoded:
    """Decode ``data``; line endings become ``\\n`` (CRLF and lone CR included).

    Args:
        data: the file's bytes.
        path: the file, for messages.
        encoding: force an encoding instead of detecting one.

    Raises:
        EncodingError: the bytes are binary, or not text in the detected/forced encoding.
    """
    warnings: list[str] = []
    for signature, what in _SIGNATURES:
        if data.startswith(signature):
            raise EncodingError(f"this is {what}", path=path, line=1)
    if encoding:
        try:
            text = data.decode(encoding)
        except (UnicodeDecodeError, LookupError) as exc:
            raise EncodingError(f"cannot decode as {encoding}: {exc}", path=path) from exc
        used = encoding
    elif data.startswith(codecs.BOM_UTF8):
        used = "utf-8-sig"
        text = _strict(data, used, path)
    elif data.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):
        used = "utf-32"
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
            text = data.decode("utf-8", errors="review-cp1252")
            used = "cp1252" if _no_utf8_sequences(data) else "utf-8+cp1252"
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
    _refuse_binary(text, path)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    if text.startswith("\ufeff"):
        text = text[1:]
    return Decoded(text=text, encoding=used, warnings=warnings)


def _no_utf8_sequences(data: bytes) -> bool:
    """True when no multi-byte UTF-8 sequence decodes anywhere (a pure cp1252 file)."""
    return data.decode("utf-8", errors="ignore").isascii()


def _refuse_binary(text: str, path: str | Path) -> None:
    """Text in which more than 1 in 100 of the first 8,000 characters are control codes."""
    sample = text[:8000]
    controls = _CONTROL.findall(sample)
    if len(controls) * 100 > len(sample):
        first = _CONTROL.search(sample).start()  # type: ignore[union-attr]
        raise EncodingError(
            f"looks like a binary file ({len(controls)} control characters in the first "
            f"{len(sample)}), not a text export",
            path=path,
            line=sample[:first].count("\n") + 1,
        )


def _strict(data: bytes, encoding: str, path: str | Path) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as exc:
        line = data[: exc.start].decode(encoding, errors="ignore").count("\n") + 1
        raise EncodingError(
            f"looks like {encoding} but byte {exc.start} cannot be decoded: {exc.reason}",
            path=path,
            line=line,
        ) from exc
