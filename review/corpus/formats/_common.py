"""Helpers shared by the tagged-format importers (RIS, MEDLINE, WoS): reading values
out of ``{tag: [value, ...]}`` dicts and finding ids in free text.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from review.corpus.normalise import split_name

_PMID_TEXT = re.compile(r"\b(?:PMID|PubMed ID|PUBMED)\b\s*:?\s*(?:NLM)?(\d{1,9})\b", re.IGNORECASE)
_PMID_URL = re.compile(
    r"(?:ncbi\.nlm\.nih\.gov/(?:pubmed|entrez/query\.fcgi\?[^ ]*list_uids=)/?|"
    r"pubmed\.ncbi\.nlm\.nih\.gov/|europepmc\.org/(?:abstract|article)/MED/)(\d{1,9})\b",
    re.IGNORECASE,
)
_SCOPUS_EID = re.compile(r"\beid=(2-s2\.0-\d+)")
_DOI_IN_URL = re.compile(r"10\.\d{4,9}/")
_SN_LABEL = re.compile(r"\((?:ISSN|ISBN|Print|Electronic|Linking|online|print|electronic)\)", re.IGNORECASE)
_SN_SPLIT = re.compile(r"[,;]")
_DIGITS = re.compile(r"[^0-9Xx]")


def first(record: dict[str, list[str]], *tags: str) -> str | None:
    """The first non-empty value of the first tag that has one."""
    for tag in tags:
        values = record.get(tag)
        if values:
            for value in values:
                if value:
                    return value
    return None


def joined(record: dict[str, list[str]], *tags: str, sep: str = " ") -> str | None:
    """Every non-empty value of the first tag that has one, joined (long abstracts)."""
    for tag in tags:
        values = record.get(tag)
        if values:
            text = sep.join(v for v in values if v)
            if text:
                return text
    return None


def every(record: dict[str, list[str]], *tags: str) -> list[str]:
    """Non-empty values of all ``tags``, in tag order."""
    out: list[str] = []
    for tag in tags:
        values = record.get(tag)
        if values:
            out.extend(filter(None, values))
    return out


def pmid_in_text(*texts: str | None) -> str | None:
    """A PMID written out in notes ("PMID: 123", "PubMed ID: 123", "PUBMED 123")."""
    for text in texts:
        if text and (match := _PMID_TEXT.search(text)):
            return match.group(1)
    return None


def pmid_in_urls(urls: list[str]) -> str | None:
    """A PMID inside a PubMed or Europe PMC link."""
    for url in urls:
        if ("pubmed" in url or "MED/" in url) and (match := _PMID_URL.search(url)):
            return match.group(1)
    return None


def scopus_eid(urls: list[str]) -> str | None:
    for url in urls:
        if "eid=" in url and (match := _SCOPUS_EID.search(url)):
            return match.group(1)
    return None


def doi_in(values: list[str]) -> str | None:
    """The first value that contains a DOI (URLs, "doi:10...." notes)."""
    for value in values:
        if "10." in value and _DOI_IN_URL.search(value):
            return value
    return None


def split_urls(values: list[str]) -> list[str]:
    """URLs, one per item: exporters put several on one line separated by spaces."""
    out: list[str] = []
    for value in values:
        if " " in value or "\n" in value:
            out.extend(u for u in value.split() if "://" in u or u.startswith("www."))
        elif value:
            out.append(value)
    return out


def split_issn_isbn(values: list[str] | tuple[str, ...]) -> tuple[list[str], list[str]]:
    """Standard numbers (RIS SN, EndNote isbn, CSV "ISSN/ISBN") as (ISSNs, ISBNs).

    An item whose digits number 10 or 13 is an ISBN, 8 an ISSN; labels such as
    "(Electronic)" or "(ISBN)" are ignored.
    """
    if len(values) == 1 and len(values[0]) == 9 and values[0][4] == "-":  # the usual case
        return [values[0]], []
    issn: list[str] = []
    isbn: list[str] = []
    for value in values:
        if not value:
            continue
        text = _SN_LABEL.sub(" ", value) if "(" in value else value
        items = _SN_SPLIT.split(text)
        while items:
            item = items.pop(0).strip()
            digits = _DIGITS.sub("", item)
            if len(digits) in (10, 13):
                isbn.append(item)
            elif len(digits) == 8:
                issn.append(item)
            elif len(digits) > 13 and " " in item:  # several numbers separated by spaces
                items[:0] = item.split()
            elif len(digits) > 13:  # run together: let the normalisers look
                issn.append(item)
                isbn.append(item)
    return issn, isbn


def add(record: dict[str, list[str]], tag: str, value: str) -> None:
    """Append ``value`` to ``record[tag]``."""
    values = record.get(tag)
    if values is None:
        record[tag] = [value]
    else:
        values.append(value)


def compact(fields: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values so that ``fields`` stays small."""
    return {k: v for k, v in fields.items() if v}


def cut_points(text: str, size: int, boundary: re.Pattern[str]) -> list[int]:
    """0 and, about every ``size`` characters, the next offset where ``boundary`` matches.

    Importers that can parse a file in pieces use this to find where a record starts.
    """
    starts = [0]
    position = size
    while position < len(text):
        match = boundary.search(text, position)
        if match is None:
            break
        if match.start() > starts[-1]:
            starts.append(match.start())
        position = match.start() + size
    return starts


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a parser builds many small containers.

    Parsing allocates millions of lists and dicts and frees none: collections triggered
    by the allocations find nothing to free but walk every live object, which costs a
    parser of 100,000 records about 40% of its time. Reference counting still frees
    memory as usual; the collector resumes (if it was on) when the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def tagged_records(
    pairs: Iterable[tuple[int, dict[str, list[str]]]],
    *,
    id_tags: tuple[str, ...],
    map_fields: Callable[[dict[str, list[str]]], dict[str, Any]],
) -> list[Any]:
    """ParsedRecords from a reader's (start line, {tag: [values]}) pairs, GC paused.

    The shared tail of every tagged format: position counts from 1, ``source_ref`` is the
    first of ``id_tags`` present, ``original`` the tags verbatim, ``fields`` mapped.
    """
    from review.corpus.model import ParsedRecord

    with gc_paused():
        return [
            ParsedRecord(position=position, line=line, source_ref=first(record, *id_tags),
                         original=record, fields=map_fields(record))
            for position, (line, record) in enumerate(pairs, start=1)
        ]


def editors(names: Iterable[Any]) -> list[dict[str, str]]:
    """Names (strings or {"family", "given"}) as authors in the role of editor: a record
    with editors and no authors keeps them so (an edited book), not as its authors."""
    out = []
    for name in names:
        person = dict(name) if isinstance(name, dict) else split_name(name)
        if person.get("family") or person.get("given"):
            out.append({**person, "role": "editor"})
    return out


def organisations(names: Iterable[str]) -> list[dict[str, str]]:
    """Group authors (WoS CA/GP, MEDLINE CN, PubMed CollectiveName): each one author, whole,
    of kind organisation."""
    return [{"family": name, "given": "", "kind": "organisation"} for name in names if name]
