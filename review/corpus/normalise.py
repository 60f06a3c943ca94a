"""Normalising imported fields: small pure steps, one per field kind.

``normalise_fields(raw)`` turns an importer's raw mapped fields into the stored columns
(see ``review.store.schema.BIB_COLUMNS``). Each helper is usable on its own, and dedup
builds its matching keys on top of these.

Every step runs once per field of every imported record, so each one takes a fast path
when there is nothing to do (no ``&``, no ``<``, ASCII only, ...).
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Iterable
from functools import lru_cache
from json.encoder import encode_basestring as _json_str  # type: ignore[attr-defined]
from typing import Any

from review.corpus.doi import normalise_doi  # noqa: F401  (a public name of this module)
from review.corpus.vocabulary import CORPORATE as _CORPORATE
from review.corpus.vocabulary import LANGUAGES, PARTICLES, TYPES  # noqa: F401  (public names)
from review.corpus.vocabulary import PREFERRED_TYPES as _PREFERRED_TYPES

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_SPACE = re.compile(r"\s+")
_DOUBLE_SPACE = re.compile("  ")
_PMID = re.compile(r"(?<![A-Za-z0-9])0*(\d{1,9})(?!\d)")
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_YEAR_YYYYMMDD = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?=[01]\d[0-3]\d(?!\d))")
_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_EXCEL_DATE_PAGES = re.compile(r"^(\d{1,2})-(" + "|".join(_MONTHS) + r")$", re.IGNORECASE)
_PAGE_PREFIX = re.compile(r"^(?:pp?\.?|pages?)\s*(?=\d|[Ss]\d)", re.IGNORECASE)
_ISSN = re.compile(r"(?<![\dXx])(\d{4})-?(\d{3}[\dXx])(?![\dXx])")
_ISBN = re.compile(r"(?<![\dXx-])(?:97[89][- ]?)?\d(?:[- ]?\d){8}[- ]?[\dXx](?![\dXx])")
_PAGES = re.compile(r"^\s*([A-Za-z]*)(\d+)([A-Za-z]*)\s*(?:[-\u2010-\u2015\u2212]+|\bto\b)\s*([A-Za-z]*)(\d+)([A-Za-z]*)\s*$")
_INITIALS = re.compile(r"(?:[A-Z]\.?-?){1,4}")
_CAPITALISED = re.compile(r"[A-Z][a-z]+")
_LANG_SPLIT = re.compile(r"[;,/]")
_KEYWORD_SPLIT = re.compile(r";|\n")
_NAME_ID = re.compile(r"\s*\((?:\d{5,}|[A-Z0-9-]{8,})\)\s*$")  # Scopus "Smith, J. (57190394669)"
# names whose separators were lost ("AbazyanB.NomuraJ.KannanG.", "ChaseDM.DiSaiaPJ."):
# a capitalised surname (inner capitals allowed) followed by one to three initials
_LOST_SEPARATORS = re.compile(r"(?:[A-Z\u00C0-\u00DE][a-z'\u00DF-\u024F-]+(?:[A-Z\u00C0-\u00DE][a-z'\u00DF-\u024F-]+)*"
                              r"(?:[A-Z]\.?){1,3}\.){2,}")
_ONE_LOST = re.compile(r"([A-Z\u00C0-\u00DE][a-z'\u00DF-\u024F-]+(?:[A-Z\u00C0-\u00DE][a-z'\u00DF-\u024F-]+)*?)"
                       r"((?:[A-Z]\.?){1,3})\.")
_GLUED_NAMES = re.compile(r"(?<=[a-z]\.)(?=[A-Z][a-z])|(?<=[A-Z]\.)(?=[A-Z][a-z])")
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def _flatten(value: Any) -> str:
    if isinstance(value, list | tuple):
        return " ".join(str(v) for v in value if v)
    return str(value)


def clean_text(value: Any) -> str | None:
    """Entities decoded, markup removed, whitespace collapsed; None when empty."""
    if value is None:
        return None
    text = value if type(value) is str else _flatten(value)
    if (  # the usual case: nothing to do
        text.isascii() and "&" not in text and "<" not in text
        and "\n" not in text and "\t" not in text and "\r" not in text and "\x0b" not in text
        and "\x0c" not in text and text[:1] != " " and text[-1:] != " "
        and _DOUBLE_SPACE.search(text) is None  # faster than `"  " in text`
    ):
        return text or None
    if "&" in text:
        for _ in range(2):  # "&amp;lt;" occurs in real exports
            text = html.unescape(text)
    if "<" in text:
        text = _TAG.sub("", text)
    if text.isascii():
        if (
            "  " in text or "\n" in text or "\t" in text or "\r" in text
            or "\x0b" in text or "\x0c" in text or text[:1] == " " or text[-1:] == " "
        ):
            text = " ".join(text.split())
        return text or None
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    text = " ".join(text.split())
    return text or None


def clean_title(value: Any) -> str | None:
    """A title without markup, stray whitespace or a trailing full stop."""
    text = clean_text(value)
    if text and text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    return text or None


def normalise_pmid(value: Any) -> str | None:
    """The PubMed id in ``value`` ("PMID: 123", "PUBMED 123", "123"); not a PMCID."""
    if not value:
        return None
    match = _PMID.search(_flatten(value))
    return match.group(1) if match and match.group(1) != "0" else None


def normalise_year(*values: Any) -> int | None:
    """The first plausible four-digit year among ``values``."""
    for value in values:
        if value is None:
            continue
        if type(value) is str and len(value) == 4 and value.isdigit() and "1500" <= value <= "2099":
            return int(value)  # the usual "2017"
        match = _YEAR.search(str(value)) or _YEAR_YYYYMMDD.search(str(value))
        if match:
            return int(match.group(1))
    return None


def normalise_pages(
    pages: Any = None, start: Any = None, end: Any = None
) -> tuple[str | None, str | None, str | None]:
    """(pages, first, last) with abbreviated ranges expanded: "1012-24" -> 1012-1024."""
    if (  # the usual SP/EP pair: "226", "229"
        pages is None and type(start) is str and type(end) is str and start.isascii()
        and end.isascii() and start.isdigit() and end.isdigit() and len(end) >= len(start)
    ):
        return (f"{start}-{end}" if start != end else start), start, end
    start_s = clean_text(start)
    end_s = clean_text(end)
    text = clean_text(pages)
    if start_s and start_s[0] in "pP":  # "pp 37-64", "p. 12"
        start_s = _PAGE_PREFIX.sub("", start_s)
    if text and text[0] in "pP":
        text = _PAGE_PREFIX.sub("", text)
    if text and len(text) <= 6 and (excel := _EXCEL_DATE_PAGES.match(text)):
        # "06-Oct": Excel read the range "6-10" as a date (R/EndNote CSVs that went via Excel)
        text = f"{int(excel.group(1))}-{_MONTHS.index(excel.group(2).lower()) + 1}"
    if start_s and not end_s and not text and _PAGES.match(start_s):
        text, start_s = start_s, None
    if text and not start_s:
        match = _PAGES.match(text)
        if match:
            p1, n1, s1, p2, n2, s2 = match.groups()
            if not p2 and p1:
                p2 = p1
            if len(n2) < len(n1) and not p2.strip(p1):
                n2 = n1[: len(n1) - len(n2)] + n2
            start_s, end_s = f"{p1}{n1}{s1}", f"{p2}{n2}{s2}"
        else:
            start_s = text.split(",")[0].strip() or None
    elif start_s and end_s and start_s.isdigit() and end_s.isdigit() and len(end_s) < len(start_s):
        end_s = start_s[: len(start_s) - len(end_s)] + end_s
    if start_s and end_s and start_s != end_s:
        return f"{start_s}-{end_s}", start_s, end_s
    if start_s:
        return (text if text and not _PAGES.match(text) else start_s), start_s, end_s or None
    return text, None, None


def split_name(name: str) -> dict[str, str]:
    """One author name as {"family", "given"}.

    Handles "Family, Given", MEDLINE "Family AB", Scopus "Family A.B.", "Given Family"
    with particles, and corporate authors (kept whole as the family name). Names recur
    across the records of an export, so the split of each is remembered (a fresh dict
    is returned every time).
    """
    family, given = _split_name(name)
    return {"family": family, "given": given}


@lru_cache(maxsize=1 << 16)
def _split_name(name: str) -> tuple[str, str]:
    parts = _split_name_uncached(name)
    return parts["family"], parts["given"]


def _split_name_uncached(name: str) -> dict[str, str]:
    name = clean_text(name) or ""
    name = name.strip(" ,;")
    if not name:
        return {"family": "", "given": ""}
    if "," in name:
        family, _, given = name.partition(",")
        given = given.strip()
        if given.lower() in ("null", "na", "n/a"):  # RefWorks "van den Hoven,null"
            given = ""
        return {"family": family.strip(), "given": given}
    if " " not in name:
        if name[-1:] == "." and (lost := _ONE_LOST.fullmatch(name)):  # "AbazyanB." (separator lost)
            return {"family": lost.group(1), "given": lost.group(2)}
        return {"family": name, "given": ""}
    if _CORPORATE.search(name):
        return {"family": name, "given": ""}
    parts = name.split()
    # MEDLINE / Scopus initials after the family name: "McLeish J", "Smith J.A.", "Smith J A"
    i = len(parts)
    while i > 1 and _INITIALS.fullmatch(parts[i - 1]) and not _CAPITALISED.fullmatch(parts[i - 1]):
        i -= 1
    if i < len(parts):
        return {"family": " ".join(parts[:i]), "given": " ".join(parts[i:])}
    # "Given [Middle] [particles] Family"
    i = len(parts) - 1
    while i > 1 and parts[i - 1].lower() in PARTICLES:
        i -= 1
    return {"family": " ".join(parts[i:]), "given": " ".join(parts[:i])}


def split_authors(value: Any) -> list[str]:
    """One author cell of a table ("A; B", "A and B", "A, B", "A|B") as a list of names.

    A comma separates names only when no part is a lone word: "Liu R., Adler D.G." is two
    names, "Curry Rogers, Kristina" one. Names glued together without a separator, as
    EndNote's CSV export writes them ("Adeli K.Lewis G. F."), are split after initials.
    Scopus author ids in brackets are dropped.
    """
    if not value:
        return []
    if isinstance(value, list | tuple):
        return [n for item in value for n in split_authors(item)]
    text = str(value).strip()
    if not text:
        return []
    if " and " in text or "\nand " in text or "\n and" in text:
        parts = _AND.split(text)
    elif "|" in text:
        parts = text.split("|")
    elif ";" in text:
        parts = text.split(";")
    elif "," in text:
        pieces = [p.strip() for p in text.split(",")]
        pieces = [p for p in pieces if p]
        if all(" " in p for p in pieces):
            parts = pieces
        elif len(pieces) > 2 and len(pieces) % 2 == 0:  # "Smith, J., Jones, K."
            parts = [f"{pieces[i]}, {pieces[i + 1]}" for i in range(0, len(pieces), 2)]
        else:
            parts = [text]
    else:
        parts = _GLUED_NAMES.split(text) if "." in text else [text]
    out = []
    for part in parts:
        part = part.strip(" \n\t;,")
        if "(" in part:
            part = _NAME_ID.sub("", part)
        if part and part.lower() not in ("null", "na", "et al", "et al."):
            out.append(part)
    return out


def initials(given: str) -> str:
    """"John Andrew" / "J.A." / "JA" -> "JA"."""
    given = given.replace(".", " ").replace("-", " ")
    out = []
    for part in given.split():
        if part.isupper() and len(part) <= 4:
            out.extend(part)
        else:
            out.append(part[0].upper())
    return "".join(out)


def format_authors(authors: Iterable[dict[str, str]]) -> str:
    """"Family, Given; Family, Given" for CSV and display."""
    return "; ".join(
        f"{a['family']}, {a['given']}" if a.get("given") else a.get("family", "")
        for a in authors
    )


#: Keys an author dict may carry besides family and given: "role" ("editor" when a record
#: has editors but no authors) and "kind" ("organisation" for a group author).
AUTHOR_EXTRAS = ("role", "kind")


def normalise_author(author: Any) -> dict[str, str] | None:
    """A name string, or an importer's ready {"family", "given"} (maybe with ``AUTHOR_EXTRAS``),
    as a cleaned dict."""
    if isinstance(author, dict):
        family = clean_text(author.get("family")) or ""
        given = clean_text(author.get("given")) or ""
        if not family and not given:
            return None
        name = {"family": family, "given": given}
        for key in AUTHOR_EXTRAS:
            if value := author.get(key):
                name[key] = str(value)
        return name
    if not author:
        return None
    name = split_name(str(author))
    return name if name["family"] or name["given"] else None


def normalise_issn(value: Any) -> str | None:
    """ISSNs as "1234-567X", "; "-separated, in order, without duplicates."""
    if not value:
        return None
    if type(value) is list and len(value) == 1 and len(value[0]) == 9 and value[0][4] == "-" \
            and value[0][:4].isdigit() and value[0][5:8].isdigit():
        return value[0].upper()
    found = []
    for match in _ISSN.finditer(_flatten(value)):
        issn = f"{match.group(1)}-{match.group(2).upper()}"
        if issn not in found:
            found.append(issn)
    return "; ".join(found) or None


def _isbn_valid(digits: str) -> bool:
    if len(digits) == 10:
        total = sum((10 - i) * (10 if c in "Xx" else int(c)) for i, c in enumerate(digits))
        return total % 11 == 0
    if len(digits) == 13 and digits.isdigit():
        total = sum(int(c) * (3 if i % 2 else 1) for i, c in enumerate(digits))
        return total % 10 == 0
    return False


def normalise_isbn(value: Any) -> str | None:
    """Valid ISBN-10/13s (checksum) without separators, "; "-separated."""
    if not value:
        return None
    items = value if isinstance(value, list | tuple) else [value]
    found: list[str] = []
    for item in items:
        for match in _ISBN.finditer(str(item)):
            isbn = match.group(0).replace("-", "").replace(" ", "").upper()
            if isbn not in found and _isbn_valid(isbn):
                found.append(isbn)
    return "; ".join(found) or None


def normalise_language(value: Any) -> str | None:
    text = clean_text(value)
    if not text:
        return None
    first = _LANG_SPLIT.split(text)[0].strip().lower()
    return LANGUAGES.get(first, first) or None


def normalise_type(value: Any) -> str | None:
    """Our record type from one or several export types; specific subtypes win."""
    if not value:
        return None
    if type(value) is list and len(value) == 1 and type(value[0]) is str and value[0]:
        return TYPES.get(value[0].strip().lower()) or "other"  # the usual single type
    values = [v for v in (value if isinstance(value, list | tuple) else [value]) if v]
    if not values:
        return None
    mapped = [TYPES.get(str(v).strip().lower()) for v in values]
    for preferred in _PREFERRED_TYPES:
        if preferred in mapped:
            return preferred
    for item in mapped:
        if item:
            return item
    return "other"


def _plain_keywords(items: list[str] | tuple[str, ...]) -> bool:
    """True when every keyword is clean already and needs no JSON escapes: printable ASCII
    without ``;&<{"\\``, double spaces or spaces at either end, and not empty."""
    try:
        plain = "".join(items)
        joined = "\x1e".join(items)
    except TypeError:
        return False
    return (
        plain.isascii() and plain.isprintable() and ";" not in plain and "&" not in plain
        and "<" not in plain and "{" not in plain and '"' not in plain and "\\" not in plain
        and _DOUBLE_SPACE.search(plain) is None
        and joined[:1] not in ("", " ", "\x1e") and joined[-1:] not in (" ", "\x1e")
        and " \x1e" not in joined and "\x1e " not in joined and "\x1e\x1e" not in joined
    )


def _keywords_column(value: Any) -> str | None:
    """The ``keywords`` column: ``strings_json(normalise_keywords(value))``, or None."""
    if type(value) is list and _plain_keywords(value):
        return '["' + '", "'.join(dict.fromkeys(value)) + '"]'
    keywords = normalise_keywords(value)
    return strings_json(keywords) if keywords else None


def normalise_keywords(value: Any) -> list[str]:
    """Keywords, split on ";" and newlines, cleaned, without duplicates, in order."""
    if not value:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    if _plain_keywords(items):
        return list(dict.fromkeys(map(str, items)))
    out: list[str] = []
    seen: set[str] = set()
    for item in items:
        item = str(item)
        parts = _KEYWORD_SPLIT.split(item) if (";" in item or "\n" in item) else (item,)
        for part in parts:
            text = clean_text(part)
            if text and text not in seen:
                seen.add(text)
                out.append(text)
    return out


def _first_url(value: Any) -> Any:
    if isinstance(value, list | tuple):
        return value[0] if value else None
    return value


def authors_json(authors: list[dict[str, str]]) -> str:
    """``json.dumps(authors, ensure_ascii=False)``, several times faster."""
    return "[" + ", ".join(
        f'{{"family": {_json_str(a["family"])}, "given": {_json_str(a["given"])}'
        + "".join(f', "{k}": {_json_str(a[k])}' for k in AUTHOR_EXTRAS if a.get(k)) + "}"
        for a in authors
    ) + "]"


def strings_json(items: list[str]) -> str:
    """``json.dumps(items, ensure_ascii=False)`` for a list of strings, faster."""
    return "[" + ", ".join(map(_json_str, items)) + "]"


_AUTHOR_JSON: dict[str, str] = {}  # name string -> its {"family", "given"} JSON ("" if empty)


def _author_json(name: str) -> str:
    """``authors_json`` of one name string, remembered: names recur across records."""
    fragment = _AUTHOR_JSON.get(name)
    if fragment is None:
        family, given = _split_name(name)
        fragment = (
            f'{{"family": {_json_str(family)}, "given": {_json_str(given)}}}' if family or given else ""
        )
        if len(_AUTHOR_JSON) >= 1 << 17:
            _AUTHOR_JSON.clear()
        _AUTHOR_JSON[name] = fragment
    return fragment


def _authors_column(values: Any) -> str | None:
    """The ``authors`` column: a JSON list of {"family", "given"}, or None."""
    fragments = []
    for author in values:
        if type(author) is str:
            if fragment := _author_json(author):
                fragments.append(fragment)
        elif (name := normalise_author(author)) and (name["family"] or name["given"]):
            fragments.append(authors_json([name])[1:-1])
    return "[" + ", ".join(fragments) + "]" if fragments else None


def normalise_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """Importer fields -> the stored normalised columns (JSON for lists).

    ``raw["authors"]`` may hold name strings or ready {"family", "given"} dicts.
    """
    get = raw.get
    pages, first, last = normalise_pages(get("pages"), get("start_page"), get("end_page"))
    authors = get("authors")
    if type(authors) is list and len(authors) == 1 and type(authors[0]) is str and _LOST_SEPARATORS.fullmatch(authors[0]):
        authors = [f"{family}, {given}" for family, given in _ONE_LOST.findall(authors[0])]
    doi = normalise_doi(get("doi"))
    url = get("url")
    if not doi and url:
        urls = url if isinstance(url, list) else [url]
        doi = next((d for u in urls if "doi" in str(u).lower() and (d := normalise_doi(u))), None)
    keywords = get("keywords")
    year, volume, issue = get("year"), get("volume"), get("issue")
    pmid, language, issn, isbn = get("pmid"), get("language"), get("issn"), get("isbn")
    return {
        "title": clean_title(get("title")),
        "authors": _authors_column(authors) if authors else None,
        "year": int(year) if type(year) is str and len(year) == 4 and year.isdigit()
        and "1500" <= year <= "2099" else normalise_year(year, get("date")),
        "journal": clean_text(get("journal")),
        "journal_abbrev": clean_text(get("journal_abbrev")),
        "volume": volume if type(volume) is str and volume.isascii() and volume.isdigit()
        else clean_text(volume),
        "issue": issue if type(issue) is str and issue.isascii() and issue.isdigit()
        else clean_text(issue),
        "pages": pages,
        "page_first": first,
        "page_last": last,
        "doi": doi,
        "pmid": normalise_pmid(pmid) if pmid else None,
        "abstract": clean_text(get("abstract")),
        "keywords": _keywords_column(keywords) if keywords else None,
        "type": normalise_type(get("type")),
        "language": normalise_language(language) if language else None,
        "issn": normalise_issn(issn) if issn else None,
        "isbn": normalise_isbn(isbn) if isbn else None,
        "url": clean_text(_first_url(url)) if url else None,
        "publisher": clean_text(get("publisher")),
    }
