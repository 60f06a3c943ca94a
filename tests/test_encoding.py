"""Decoding export files: BOMs, UTF-16 with and without BOM, the cp1252 fallback, binaries."""

from __future__ import annotations

import codecs

import pytest

from review.corpus.encoding import decode
from review.errors import EncodingError

TEXT = "TY  - JOUR\r\nTI  - Études sur l’été – naïve café\r\nER  - \r\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (TEXT.encode("utf-8"), "utf-8"),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16"),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16"),
        (TEXT.encode("utf-16-le"), "utf-16-le"),
        (TEXT.encode("utf-16-be"), "utf-16-be"),
        (TEXT.encode("utf-32"), "utf-32"),
    ],
    ids=["utf8", "utf8-bom", "utf16le-bom", "utf16be-bom", "utf16le", "utf16be", "utf32-bom"],
)
def test_unicode_encodings(data: bytes, encoding: str) -> None:
    decoded = decode(data, "x.ris")
    assert decoded.encoding == encoding
    assert decoded.text == TEXT.replace("\r\n", "\n")
    assert decoded.warnings == []


def test_cp1252_falls_back_with_a_warning_naming_the_line() -> None:
    data = "TY  - JOUR\nTI  - Caf\u00e9 \u201cquoted\u201d \u2013 \u20ac5\nER  - \n".encode("cp1252")
    decoded = decode(data, "win.ris")
    assert decoded.encoding == "cp1252"
    assert "TI  - Café “quoted” – €5" in decoded.text
    assert decoded.warnings == [
        "win.ris:2: not valid UTF-8; read as cp1252. Check accented characters, or pass --encoding"]


def test_mixed_utf8_and_cp1252_bytes_keep_both_right() -> None:
    data = "Müller".encode() + b" \xe9t\xe9 " + "Ørsted".encode() + b"\n"
    decoded = decode(data, "mixed.csv")
    assert decoded.encoding == "utf-8+cp1252"
    assert decoded.text == "Müller été Ørsted\n"
    assert decoded.warnings[0].startswith("mixed.csv:1: not valid UTF-8")


def test_undefined_cp1252_bytes_read_as_latin1() -> None:
    assert decode(b"a\x81b\xe9\n", "x.txt").text == "a\x81bé\n"


def test_forced_encoding() -> None:
    data = "Ärzte".encode("cp1252")
    assert decode(data, "x.txt", encoding="latin-1").text == "Ärzte"
    with pytest.raises(EncodingError, match=r"x\.txt: cannot decode as utf-8"):
        decode(data, "x.txt", encoding="utf-8")
    with pytest.raises(EncodingError, match="cannot decode as no-such-codec"):
        decode(data, "x.txt", encoding="no-such-codec")


def test_line_endings_normalised() -> None:
    assert decode(b"a\r\nb\rc\nd", "x.txt").text == "a\nb\nc\nd"


def test_bom_only_decodes_to_empty_text() -> None:
    assert decode(codecs.BOM_UTF8, "x.ris").text == ""
    assert decode(codecs.BOM_UTF16_LE, "x.ris").text == ""


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"PK\x03\x04\x14\x00\x06\x00", r"x\.bin:1: this is a ZIP archive \(an \.xlsx workbook"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", r"x\.bin:1: this is a PDF document"),
        (bytes(range(256)) * 8, r"x\.bin:1: contains NUL bytes"),
        (b"TY  - JOUR\n" + bytes([1, 2, 3, 4, 5, 6, 7, 8, 11, 14, 15]) * 20, r"x\.bin:2: looks like a binary file"),
    ],
    ids=["zip", "pdf", "nul", "control-codes"],
)
def test_binary_files_are_refused(data: bytes, message: str) -> None:
    with pytest.raises(EncodingError, match=message):
        decode(data, "x.bin")


def test_broken_utf16_names_its_line() -> None:
    data = codecs.BOM_UTF16_LE + "a\nb\n".encode("utf-16-le") + b"\x00\xdc"  # lone low surrogate
    with pytest.raises(EncodingError, match=r"x\.txt:3: looks like utf-16"):
        decode(data, "x.txt")
