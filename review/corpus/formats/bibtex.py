r"""BibTeX and BibLaTeX, including the exports of Scopus, Web of Science, EBSCOhost,
ProQuest, ACM, IEEE, Wiley, Taylor & Francis, dblp, Europe PMC, Zotero and JabRef.

Parsing is bibtexparser v2's, with its default middlewares (@string references resolved,
enclosing braces and quotes removed) after ours, which expands ``#`` concatenation of
quoted texts, braced texts, numbers, @string macros and month names. A field whose value
is not followed by a comma before the next field is read as two fields, with a warning
(``repair``). Escaped characters (``\%``, ``\$``, ``\&``, ``\#``, ``\_``) are kept as
characters; ``fjournal`` (the full journal name) is preferred over ``journal``, then read
as the abbreviation; a note "PMID: 123" (also "{PMID:} 123") gives the PMID; a record with
editors and no authors keeps them as editors (role editor). A block bibtexparser cannot parse stops the import
with its start line; an entry whose key repeats an earlier one, or that repeats a field,
is still a record (exports do that), never dropped.

LaTeX is decoded by our own fast table (``_latex``); names are split on `` and `` outside
braces, and a name wholly in braces ("{World Health Organization}") is kept as one
corporate family name. The record id is WoS's Unique-ID, or else the entry key.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser.middlewares import default_parse_stack
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ParsingFailedBlock,
)

from review.corpus.formats._bibtex_steps import ConcatenationMiddleware, repair_missing_commas
from review.corpus.formats._common import cut_points, editors, gc_paused, split_issn_isbn
from review.corpus.formats._latex import decode_latex
from review.corpus.model import ParsedRecord
from review.errors import FormatError

_SNIFF = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
# A line that opens a block, as bibtexparser's splitter finds one; any "@string" at all.
_BLOCK_LINE = re.compile(r"^@\w*[ \t]*(?=[{(])", re.MULTILINE)
_STRING_BLOCK = re.compile(r"@[sS][tT][rR][iI][nN][gG]")
_AND = re.compile(r"\s+and\s+")
_ESCAPED = re.compile(r"\\([&%$#_{}])")
_PMID_NOTE = re.compile(r"\bPMID\}?:?\}?\s*(\d{1,9})\b", re.IGNORECASE)
# bibtexparser logs every failed block as a warning; we raise a FormatError instead.
logging.getLogger("bibtexparser").addHandler(logging.NullHandler())

_CONTAINER_TYPES = frozenset({"inproceedings", "incollection", "inbook", "conference", "proceedings"})


def _unenclose(value: str) -> str:
    value = value.strip()
    if len(value) >= 2 and (value[0], value[-1]) in (("{", "}"), ('"', '"')):
        return value[1:-1]
    return value


def _entry_fields(entry: Entry, *, enclosed: bool) -> dict[str, Any]:
    """Field key (as written) -> value (a list when the key repeats)."""
    out: dict[str, Any] = {}
    for field in entry.fields:
        value = field.value if isinstance(field.value, str) else str(field.value)
        if enclosed:
            value = _unenclose(value)
        if field.key in out:
            previous = out[field.key]
            out[field.key] = [*previous, value] if isinstance(previous, list) else [previous, value]
        else:
            out[field.key] = value
    return out


def read_entries(text: str, path: Path) -> list[tuple[int, str, str, dict[str, Any]]]:
    """(line, entry type, key, fields) for every entry, in file order."""
    return _read_piece(text, path)[0]


def _read_piece(
    text: str, path: Path, *, first_line: int = 1, prior_keys: frozenset[str] | set[str] = frozenset()
) -> tuple[list[tuple[int, str, str, dict[str, Any]]], list[str]]:
    """Entries of a file or of a piece of one, and the keys the piece adds to the file's.

    ``prior_keys`` are the entry keys of the pieces before: an entry repeating one is read
    as bibtexparser reads a repeated key in one file (fields as written, enclosed).
    """
    library = bibtexparser.parse_string(text, parse_stack=[])
    repeated: dict[int, dict[str, Any]] = {}
    if prior_keys:
        for block in library.blocks:
            if isinstance(block, Entry) and block.key in prior_keys:
                repeated[id(block)] = _entry_fields(block, enclosed=True)
    for middleware in [ConcatenationMiddleware(), *default_parse_stack(allow_inplace_modification=True)]:
        library = middleware.transform(library=library)
    entries: list[tuple[int, str, str, dict[str, Any]]] = []
    keys: list[str] = []
    offset = first_line - 1
    for block in library.blocks:
        if isinstance(block, Entry):
            line = block.start_line + 1 + offset
            if id(block) in repeated:
                entries.append((line, block.entry_type, block.key, repeated[id(block)]))
            else:
                entries.append((line, block.entry_type, block.key, _entry_fields(block, enclosed=False)))
                keys.append(block.key)
        elif isinstance(block, DuplicateBlockKeyBlock | DuplicateFieldKeyBlock):
            entry = block.ignore_error_block
            entries.append((block.start_line + 1 + offset, entry.entry_type, entry.key,
                            _entry_fields(entry, enclosed=True)))
        elif isinstance(block, ParsingFailedBlock):
            error = block.error
            reason = getattr(error, "abort_reason", None) or str(error) or "syntax error"
            end = getattr(error, "end_index", None)
            stopped = f" (stopped on line {text.count(chr(10), 0, end) + 1 + offset})" if end else ""
            raise FormatError(
                f"BibTeX entry cannot be parsed{stopped}: {reason}",
                path=path, line=block.start_line + 1 + offset, field=_block_name(block.raw),
            )
    return entries, keys


def _block_name(raw: str) -> str | None:
    match = re.match(r"\s*(@\s*\w+\s*[{(]\s*[^,\s]*)", raw or "")
    return match.group(1) if match else None


class BibtexFormat:
    name = "bibtex"

    def repair(self, text: str, path: Path) -> tuple[str, list[str]]:
        """A missing comma between two fields put back, with a warning (see ``_bibtex_steps``)."""
        return repair_missing_commas(text, path)

    def sniff(self, text: str) -> float:
        head = text[:20000]
        if _SNIFF.search(head):
            return 0.9 if re.search(r"^\s*@\s*(?!comment|string|preamble)\w+\s*[{(]", head, re.MULTILINE | re.IGNORECASE) else 0.5
        return 0.0

    def parse(
        self, text: str, path: Path, *, mapping: dict[str, str] | None = None
    ) -> list[ParsedRecord]:
        with gc_paused():
            return self.parse_chunk(text, path, mapping=mapping)[0]

    def chunk_starts(self, text: str, size: int) -> list[int]:
        """Offsets at which ``text`` can be cut into pieces of about ``size`` characters:
        0 and the starts of lines that open a block ("@article{"). A file with @string
        definitions is one piece: its entries may refer to a string defined anywhere."""
        starts = cut_points(text, size, _BLOCK_LINE)
        return [0] if len(starts) > 1 and _STRING_BLOCK.search(text) else starts

    def parse_chunk(
        self,
        text: str,
        path: Path,
        *,
        first_line: int = 1,
        mapping: dict[str, str] | None = None,
        prior_keys: frozenset[str] | set[str] = frozenset(),
    ) -> tuple[list[ParsedRecord], list[str]]:
        """The records of one piece (positions counted from 1 within it) and its new keys."""
        records = []
        entries, keys = _read_piece(text, path, first_line=first_line, prior_keys=prior_keys)
        for position, (line, entry_type, key, fields) in enumerate(entries, start=1):
            lower = {k.lower(): (" ".join(v) if isinstance(v, list) else v) for k, v in fields.items()}
            original = {"ENTRYTYPE": entry_type, "ID": key, **fields}
            records.append(
                ParsedRecord(
                    position=position,
                    line=line,
                    source_ref=lower.get("unique-id") or key or None,
                    original=original,
                    fields=map_fields(entry_type.lower(), lower, key),
                )
            )
        return records, keys


def split_bibtex_names(value: str) -> list[Any]:
    """BibTeX ``author`` -> names: strings, or {"family"} for a braced corporate name."""
    if not value:
        return []
    if "{" in value:
        parts, depth, current = [], 0, 0
        for match in re.finditer(r"[{}]|\s+and\s+", value):
            token = match.group(0)
            if token == "{":
                depth += 1
            elif token == "}":
                depth -= 1
            elif depth == 0:
                parts.append(value[current : match.start()])
                current = match.end()
        parts.append(value[current:])
    else:
        parts = _AND.split(value)
    names: list[Any] = []
    for part in parts:
        part = part.strip()
        if not part or part.lower() == "others":
            continue
        if part.startswith("{") and part.endswith("}") and part.count("{") == 1:
            names.append({"family": part[1:-1].strip(), "given": ""})
        else:
            names.append(decode_latex(part))
    return names


def _keywords(*values: str | None) -> list[str]:
    out: list[str] = []
    for value in values:
        if not value:
            continue
        value = decode_latex(value)
        sep = ";" if ";" in value else ","
        out.extend(k.strip() for k in value.split(sep) if k.strip())
    return out


def map_fields(entry_type: str, f: dict[str, str], key: str = "") -> dict[str, Any]:
    """BibTeX fields (keys lower-cased) -> our raw fields."""
    get = f.get
    authors = split_bibtex_names(get("author", ""))
    if not authors:
        authors = editors(split_bibtex_names(get("editor", "")))
    abbrev = get("journal-iso") or get("shortjournal") or get("abbrev_source_title")
    journal = get("fjournal") or get("journal") or get("journaltitle")
    if get("fjournal") and not abbrev and get("journal") != get("fjournal"):
        abbrev = get("journal")  # fjournal is the full name, journal then its abbreviation
    if not journal and entry_type in _CONTAINER_TYPES:
        journal = get("booktitle")
    journal = journal or get("booktitle") or get("series")
    pmid = get("pmid") or (get("eprint") if (get("eprinttype") or "").lower() == "pubmed" else None)
    if not pmid and (note := get("note")) and (match := _PMID_NOTE.search(note)):
        pmid = match.group(1)
    if not pmid and key.startswith("PMID:"):  # Europe PMC keys
        pmid = key[5:]
    pages = get("pages") or get("article-number") or get("articleno") or get("art_number") or get("eid")
    issn, isbn = split_issn_isbn([v for v in (get("issn"), get("eissn"), get("isbn")) if v])
    doi = get("doi")
    url = get("url")
    return {
        "title": decode_latex(get("title")),
        "authors": authors,
        "year": get("year") or get("date"),
        "date": get("date") or (f"{get('year')} {get('month')}" if get("month") and get("year") else None),
        "journal": decode_latex(journal),
        "journal_abbrev": decode_latex(abbrev),
        "volume": get("volume"),
        "issue": get("number") or get("issue"),
        "pages": decode_latex(pages),
        "doi": _ESCAPED.sub(r"\1", doi) if doi and "\\" in doi else doi,
        "pmid": pmid,
        "abstract": decode_latex(get("abstract")),
        "keywords": _keywords(get("keywords"), get("author_keywords"), get("keywords-plus")),
        "type": [get("document_type") or get("type") or "", entry_type],
        "language": get("language") or get("langid"),
        "issn": issn,
        "isbn": isbn,
        "url": url.split() if url else None,
        "publisher": decode_latex(get("publisher")),
    }


FORMAT = BibtexFormat()
