"""Where in a journal: volume, issue and pages, compared the way exports actually differ."""

from __future__ import annotations

import re
from functools import lru_cache

from review.corpus.dedup.text import NON_ALNUM, fold, present

_DIGITS = re.compile(r"\d+")
_MONTHS = frozenset(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])
# "1)": the issue of "61 (1)" exported as the volume
_STRAY_ISSUE = re.compile(r"^\s*\d+\)\s*$")
_PAGE_SPLIT = re.compile(r"\s*[-\u2010-\u2015\u2212]+\s*")
_LETTERS = re.compile(r"^([a-z]*)0*(\d*)")


@lru_cache(maxsize=20_000)
def first_number(value: str | None) -> str:
    """The first run of digits without leading zeros ('' when none): "36 Suppl 1" -> "36"."""
    value = present(value)
    if not value or _STRAY_ISSUE.match(value):
        return ""
    match = _DIGITS.search(value)
    return match.group(0).lstrip("0") or "0" if match else ""


@lru_cache(maxsize=20_000)
def issue_key(issue: str | None) -> str:
    """The issue as folded text without spaces ("Suppl. 1" and "Supplement 1" -> "suppl1")."""
    words = fold(present(issue)).replace("supplement", "suppl")
    return words.replace(" ", "")


def page_tokens(pages: str | None) -> tuple[str, str]:
    """(first, last) page as folded tokens: "S109-S112" -> ("s109", "s112"); "e12724" -> ("e12724", "")."""
    if not pages:
        return "", ""
    parts = [NON_ALNUM.sub("", p.lower()) for p in _PAGE_SPLIT.split(pages.split(",")[0].strip())]
    parts = [p for p in parts if p]
    if not parts or any(p[:3] in _MONTHS for p in parts):
        return "", ""  # missing, or a spreadsheet turned "1-12" into "01-Dec"
    first = parts[0].lstrip("0") or parts[0]
    last = parts[-1].lstrip("0") if len(parts) > 1 else ""
    return first, (last if last != first else "")


def pages_agree(first_a: str, last_a: str, first_b: str, last_b: str) -> int:
    """1 when two page ranges start on the same page, 0 when they clearly differ, -1 unknown.

    "S109" and "109" agree (a supplement letter dropped); "488" and "487-488" agree (one
    export kept only the last page); "Suppl-12" and "S109-S112" agree on the last page; an
    electronic locator ("e12724", BMJ's "c1804") cannot be compared with printed pages.
    """
    if not first_a or not first_b:
        return -1
    if first_a == first_b:
        return 1
    la, da = _LETTERS.match(first_a).groups()  # type: ignore[union-attr]
    lb, db = _LETTERS.match(first_b).groups()  # type: ignore[union-attr]
    if da and da == db and (not la or not lb or la == lb or la == "s" + lb or lb == "s" + la):
        return 1  # "S109" = "109", "SA94" = "A94": a supplement's letter dropped
    if (not last_a and first_a == last_b) or (not last_b and first_b == last_a):
        return 1
    if (not last_a and da and da == last_b.lstrip("s")) or (not last_b and db and db == last_a.lstrip("s")):
        return 1  # "S488" against "487-488": the last page, its supplement letter dropped
    if (first_a == "1" and last_a and not last_b) or (first_b == "1" and last_b and not last_a):
        return -1  # pages 1-12 of an article that another export gives by its number
    if last_a and last_b:
        if last_a == last_b and len(last_a) >= 2:
            return 1  # a typing error in the first page ("2141-2147" vs "2142-2147")
        if (not da or not db) and (last_a.endswith(last_b) or last_b.endswith(last_a)):
            return 1
    if not da or not db:  # "Suppl-42": no first page to compare
        return 0 if last_a and last_b else -1
    if la == lb and (_within(int(da), db, last_b) or _within(int(db), da, last_a)):
        return -1  # one page inside the other's long range: the whole supplement's pages
    if la != lb and "s" not in (la[:1], lb[:1]):
        return -1  # an electronic locator against printed pages
    if _overlap(da, last_a, db, last_b) >= 2:
        return -1  # two articles cannot share pages: one range was typed wrongly
    return 0


def _within(page: int, first: str, last: str) -> bool:
    """``page`` inside the range first-last when that range is long (a supplement's, 20+ pages)."""
    last = last.lstrip("abcdefghijklmnopqrstuvwxyz")
    if not last.isdigit():
        return False
    start, end = int(first), int(last)
    return end - start >= 20 and start <= page <= end


def _overlap(first_a: str, last_a: str, first_b: str, last_b: str) -> int:
    """Pages two numeric ranges share (0 when either is not a plain range)."""
    if not (first_a and first_b and last_a.isdigit() and last_b.isdigit()):
        return 0
    a0, a1, b0, b1 = int(first_a), int(last_a), int(first_b), int(last_b)
    if a1 < a0 or b1 < b0:
        return 0
    return max(0, min(a1, b1) - max(a0, b0) + 1)


def container_dois(dois: list[str], pages: list[str], lasts: list[str] | None = None,
                   volumes: list[str] | None = None) -> list[str]:
    """DOIs with the DOI of a supplement or issue blanked.

    A DOI carried by records that start on different pages belongs to something larger
    than one article (databases give every abstract of a supplement the supplement's
    DOI), so it proves nothing about two records. A lone page from 1 to 31 (with
    ``lasts`` given) is not counted: Embase puts the day of publication there, and a DOI
    seen on two first pages only because one of them is a day is the article's own.
    Nor are pages in different volumes (with ``volumes`` given) counted: a translated
    edition in another journal keeps the original's DOI.
    """
    seen: dict[str, str] = {}
    seen_volume: dict[str, str] = {}
    shared: set[str] = set()
    for k, (doi, page) in enumerate(zip(dois, pages, strict=True)):
        if not doi or not page:
            continue
        if lasts is not None and not lasts[k] and is_day(page):
            continue  # rule ``day-no-container``: a day of the month where the pages should be
        first = seen.setdefault(doi, page)
        volume = volumes[k] if volumes is not None else ""
        known = seen_volume.setdefault(doi, volume)
        if volume and known and volume != known:
            continue
        if first != page and pages_agree(first, "", page, "") == 0:
            shared.add(doi)
    return [("" if doi in shared else doi) for doi in dois]


# a month's name inside a page field ("2010-2Oct", "15 Sep 2010"): a date, not pages
_MONTH_IN_PAGES = re.compile(r"(?<![a-z])(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]{0,6}(?![a-z])")
# "20100529", "20100529/0604": a date written yyyymmdd
_YYYYMMDD = re.compile(r"^(19|20)\d\d(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])(\D|$)")
# Embase's source string: "Biol Psychiatry. 68 (12) ()(pp 1172-1181), 2010. Date of Publication: 15 Dec 2010."
_SOURCE_PAGES = re.compile(r"\(\s*pp?\.?\s*([^()]{1,40})\)")
_SOURCE_TAIL = re.compile(r"[\s.,;:]*(\d{1,5}\s*(\([^()]{0,30}\))?\s*)?(\(\s*\)\s*)?\(\s*pp?\.?\s[^()]*\).*$"
                          r"|[\s.,;:]*(\d{1,5}\s*(\([^()]{0,30}\))?[\s.,]*((19|20)\d\d)?[\s.,]*)?date of publication\s*:.*$",
                          re.IGNORECASE)
_PUBLICATION_DAY = re.compile(r"date of publication\s*:\s*(\d{1,2})\b", re.IGNORECASE)


def is_date_pages(pages: str | None) -> bool:
    """Rule ``date-in-pages``: the page field holds a date, not pages.

    A month's name next to digits ("2010-2Oct", "15 Sep 2010", "2010 Sep 15") or a date
    written yyyymmdd ("20100529/0604"), as some Embase exports give. A spreadsheet's
    "04-May" for pages 4-5 is turned back into pages by the importer before this.
    """
    if not pages:
        return False
    if pages[:8].isdigit() and _YYYYMMDD.match(pages):
        return True
    if pages.lower() == pages.upper():  # no letters: no month (the usual "1172-1181")
        return False
    text = pages.lower()
    return any(ch.isdigit() for ch in text) and bool(_MONTH_IN_PAGES.search(text))


def source_pages(journal: str | None) -> tuple[str, str]:
    """(first, last) page from a journal field that carries the whole source citation.

    Embase writes "Biol Psychiatry. 68 (12) ()(pp 1172-1181), 2010. Date of Publication:
    15 Dec 2010."; when such a record's page field holds the day of publication, these are
    its real pages. ('', '') when the journal field gives none.
    """
    if not journal or "(p" not in journal.lower():
        return "", ""
    match = _SOURCE_PAGES.search(journal)
    return page_tokens(match.group(1)) if match else ("", "")


def source_journal(journal: str) -> str:
    """The journal name without a trailing Embase source citation (volume, issue, pages, date)."""
    low = journal.lower()
    if "(p" not in low and "date of publication" not in low:
        return journal
    return _SOURCE_TAIL.sub("", journal).strip() or journal


def publication_day(journal: str | None) -> str:
    """The day in an Embase "Date of Publication: 15 Dec 2010" ('' when none)."""
    if not journal or "ublication" not in journal:
        return ""
    match = _PUBLICATION_DAY.search(journal)
    return match.group(1).lstrip("0") if match else ""


def is_day(page: str) -> bool:
    """A lone page from 1 to 31: it may be a day of the month that an export put there."""
    return page.isdigit() and len(page) <= 2 and 1 <= int(page) <= 31


def pages_adjacent(first_a: str, last_a: str, first_b: str, last_b: str) -> bool:
    """Two page ranges that follow each other ("1172-1181" and "1182-1190", or sharing the
    one page where one ends and the other starts): companion papers, not a typing error."""
    if not (first_a.isdigit() and first_b.isdigit() and last_a.isdigit() and last_b.isdigit()):
        return False
    a0, a1, b0, b1 = int(first_a), int(last_a), int(first_b), int(last_b)
    return 0 <= b0 - a1 <= 1 or 0 <= a0 - b1 <= 1
