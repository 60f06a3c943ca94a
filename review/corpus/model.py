"""What an importer hands over: a parsed record with its fields verbatim and mapped."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

#: Keys an importer may put in ``ParsedRecord.fields`` (raw values, before normalising).
#: ``authors`` and ``keywords`` are lists of strings; everything else is a string.
FIELD_NAMES = (
    "title",
    "authors",
    "year",
    "date",
    "journal",
    "journal_abbrev",
    "volume",
    "issue",
    "pages",
    "start_page",
    "end_page",
    "doi",
    "pmid",
    "abstract",
    "keywords",
    "type",
    "language",
    "issn",
    "isbn",
    "url",
    "publisher",
)


@dataclass(slots=True)
class ParsedRecord:
    """One record as read from an export file.

    Attributes:
        position: 1-based position of the record in its file.
        line: 1-based line on which the record starts.
        source_ref: the id the export gave the record (RIS ID/AN, PMID, CSV id), if any.
        original: the record's fields exactly as in the file (tag or column -> value or
            list of values), kept verbatim for audit and re-export.
        fields: the same content mapped to ``FIELD_NAMES`` (raw, not yet normalised).
    """

    position: int
    line: int
    source_ref: str | None
    original: dict[str, Any]
    fields: dict[str, Any] = field(default_factory=dict)
