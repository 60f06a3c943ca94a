"""Importers for search-export formats: a registry behind one interface.

Each module defines ``FORMAT``, an object with::

    name: str                      # "ris", "medline", "pubmed-xml", "ovid", "bibtex", "csv",
                                   # "wos", "endnote-xml", "endnote-tagged"
    def sniff(self, text: str) -> float          # 0..1: how sure this is the format
    def parse(self, text: str, path: Path, *, mapping: dict[str, str] | None = None)
        -> list[ParsedRecord]      # raises FormatError(path=, line=, field=) on bad input

A format read as a stream (PubMed XML) also has ``iter_records(text, path)``, which
yields the records one by one (see ``review.corpus.streaming``).

``text`` is already decoded with newlines normalised to ``\\n``. The format is detected
from the content, never from the file extension. An XLSX workbook is not text: the importer
recognises it from its bytes and reads it as CSV text through ``xlsx`` (not in the registry).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Protocol

from review.corpus.model import ParsedRecord
from review.errors import FormatError

_MODULES = ("ris", "medline", "pubmed_xml", "ovid", "bibtex", "csv_table", "wos", "endnote_xml",
            "endnote_tagged")


class Format(Protocol):
    name: str

    def sniff(self, text: str) -> float: ...

    def parse(
        self, text: str, path: Path, *, mapping: dict[str, str] | None = None
    ) -> list[ParsedRecord]: ...


def registry() -> dict[str, Format]:
    """Every available format by name."""
    found: dict[str, Format] = {}
    for module_name in _MODULES:
        try:
            module: Any = importlib.import_module(f"{__name__}.{module_name}")
        except ModuleNotFoundError as exc:
            if exc.name == f"{__name__}.{module_name}":
                continue
            raise
        fmt = module.FORMAT
        found[fmt.name] = fmt
    return found


def detect(text: str, path: Path) -> Format:
    """The format whose ``sniff`` is most confident, or a FormatError naming the file."""
    best: tuple[float, Format | None] = (0.0, None)
    for fmt in registry().values():
        score = fmt.sniff(text)
        if score > best[0]:
            best = (score, fmt)
    if best[1] is None or best[0] < 0.3:
        names = ", ".join(sorted(registry()))
        raise FormatError(
            f"cannot tell the export format from the content (known: {names}); "
            "pass --format",
            path=path,
            line=1,
        )
    return best[1]


def get(name: str, path: Path | None = None) -> Format:
    formats = registry()
    if name not in formats:
        raise FormatError(
            f"unknown format {name!r} (known: {', '.join(sorted(formats))})", path=path
        )
    return formats[name]
