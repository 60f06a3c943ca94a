"""Normalising imported fields: small pure steps, one per field kind.

``normalise_fields(raw)`` turns an importer's raw mapped fields into the stored columns
(see ``review.store.schema.BIB_COLUMNS``). Each helper is usable on its own, and dedup
builds its matching keys on top of these.
"""

from __future__ import annotations

import html
import json
import re
import unicodedata
from collections.abc import Iterable
from typing import Any

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?>")
_SPACE = re.compile(r"\s+")
_DOI = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_ISSN = re.compile(r"\b(\d{4})-?(\d{3}[\dXx])\b")
_PAGES = re.compile(r"^\s*([A-Za-z]*)(\d+)([A-Za-z]*)\s*(?:[-\u2010-\u2015\u2212]+|\bto\b)\s*([A-Za-z]*)(\d+)([A-Za-z]*)\s*$")

#: Name particles kept with the family name ("van der Berg", "de Souza").
PARTICLES = frozenset(
    ["van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "le", "la", "ten", "ter", "bin", "al", "el", "st"]
)
_CORPORATE = re.compile(
    r"\b(foundation|group|organi[sz]ation|collaboration|institute|university|council|"
    r"society|association|trust|committee|centre|center|network|agency|department|"
    r"ministry|consortium|office|service|services|nhs|team|investigators|board|"
    r"federation|alliance|partnership|charity|programme|program|unit|world|national)\b",
    re.IGNORECASE,
)

LANGUAGES = {
    "eng": "en", "english": "en", "en": "en",
    "fre": "fr", "fra": "fr", "french": "fr", "fr": "fr",
    "ger": "de", "deu": "de", "german": "de", "de": "de",
    "spa": "es", "spanish": "es", "es": "es",
    "ita": "it", "italian": "it", "it": "it",
    "por": "pt", "portuguese": "pt", "pt": "pt",
    "chi": "zh", "zho": "zh", "chinese": "zh", "zh": "zh",
    "jpn": "ja", "japanese": "ja", "ja": "ja",
    "dut": "nl", "nld": "nl", "dutch": "nl", "nl": "nl",
    "rus": "ru", "russian": "ru", "ru": "ru",
    "kor": "ko", "korean": "ko", "ko": "ko",
    "pol": "pl", "polish": "pl", "pl": "pl",
    "swe": "sv", "swedish": "sv", "sv": "sv",
    "nor": "no", "norwegian": "no", "no": "no",
    "dan": "da", "danish": "da", "da": "da",
    "fin": "fi", "finnish": "fi", "fi": "fi",
    "tur": "tr", "turkish": "tr", "tr": "tr",
    "per": "fa", "fas": "fa", "persian": "fa",
    "ara": "ar", "arabic": "ar",
    "heb": "he", "hebrew": "he",
    "hun": "hu", "hungarian": "hu",
    "cze": "cs", "ces": "cs", "czech": "cs",
    "gre": "el", "ell": "el", "greek": "el",
}

#: Record types, mapped from RIS TY, MEDLINE PT, BibTeX entry types and CSV document types.
TYPES = {
    "jour": "journal-article", "jfull": "journal-article", "ejour": "journal-article",
    "mgzn": "journal-article", "article": "journal-article", "journal article": "journal-article",
    "journal-article": "journal-article", "inpress": "journal-article", "review": "review",
    "systematic review": "review", "meta-analysis": "review",
    "book": "book", "ebook": "book", "edbook": "book", "books": "book",
    "chap": "chapter", "echap": "chapter", "incollection": "chapter", "inbook": "chapter",
    "book chapter": "chapter", "chapter": "chapter",
    "thes": "thesis", "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "dissertation": "thesis", "dissertation/thesis": "thesis",
    "rprt": "report", "techreport": "report", "report": "report", "gov": "report",
    "conf": "conference-paper", "cpaper": "conference-paper", "inproceedings": "conference-paper",
    "proceedings": "conference-paper", "conference paper": "conference-paper",
    "conference proceeding": "conference-paper", "conference": "conference-paper",
    "abst": "conference-abstract", "conference abstract": "conference-abstract",
    "meeting abstract": "conference-abstract", "congress": "conference-abstract",
    "preprint": "preprint", "unpb": "preprint", "unpublished": "preprint",
    "editorial": "editorial", "letter": "letter", "comment": "comment", "note": "comment",
    "erratum": "erratum", "published erratum": "erratum", "correction": "erratum",
    "retraction": "retraction", "retraction of publication": "retraction",
    "retracted publication": "retraction",
    "data": "dataset", "dataset": "dataset", "elec": "web", "web": "web", "online": "web",
    "misc": "other", "gen": "other", "generic": "other",
}


def clean_text(value: Any) -> str | None:
    """Entities decoded, markup removed, whitespace collapsed; None when empty."""
    if value is None:
        return None
    if isinstance(value, list | tuple):
        value = " ".join(str(v) for v in value if v)
    text = str(value)
    for _ in range(2):  # "&amp;lt;" occurs in real exports
        text = html.unescape(text)
    text = _TAG.sub("", text)
    text = text.replace("{", "").replace("}", "") if "\\" not in text else text
    text = unicodedata.normalize("NFC", text)
    text = _SPACE.sub(" ", text).strip()
    return text or None


def clean_title(value: Any) -> str | None:
    """A title without markup, stray whitespace or a trailing full stop."""
    text = clean_text(value)
    if text and text.endswith(".") and not text.endswith(".."):
        text = text[:-1].rstrip()
    return text or None


def normalise_doi(value: Any) -> str | None:
    """Lower-case DOI without resolver prefix ("https://doi.org/", "doi:")."""
    if not value:
        return None
    if isinstance(value, list | tuple):
        for item in value:
            if doi := normalise_doi(item):
                return doi
        return None
    text = html.unescape(str(value)).strip()
    text = re.sub(r"%2[Ff]", "/", text)
    match = _DOI.search(text)
    if not match:
        return None
    doi = match.group(0).rstrip(".,;)]}>\"'")
    if doi.count("(") < doi.count(")"):
        doi = doi.rstrip(")")
    doi = re.sub(r"\[doi\]$", "", doi, flags=re.IGNORECASE)
    return doi.lower()


def normalise_pmid(value: Any) -> str | None:
    if not value:
        return None
    match = re.search(r"\d{1,9}", str(value))
    return match.group(0).lstrip("0") or None if match else None


def normalise_year(*values: Any) -> int | None:
    """The first plausible four-digit year among ``values``."""
    for value in values:
        if value is None:
            continue
        match = _YEAR.search(str(value))
        if match:
            return int(match.group(1))
    return None


def normalise_pages(
    pages: Any = None, start: Any = None, end: Any = None
) -> tuple[str | None, str | None, str | None]:
    """(pages, first, last) with abbreviated ranges expanded: "1012-24" -> 1012-1024."""
    start_s = clean_text(start)
    end_s = clean_text(end)
    text = clean_text(pages)
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
    with particles, and corporate authors (kept whole as the family name).
    """
    name = clean_text(name) or ""
    name = name.strip(" ,;")
    if not name:
        return {"family": "", "given": ""}
    if "," in name:
        family, _, given = name.partition(",")
        given = given.strip()
        # "Smith, Jr., John" / "Smith, John, Jr."
        return {"family": family.strip(), "given": given}
    if _CORPORATE.search(name) and len(name.split()) > 1:
        return {"family": name, "given": ""}
    parts = name.split()
    if len(parts) == 1:
        return {"family": name, "given": ""}
    last = parts[-1]
    # MEDLINE / Scopus initials after the family name: "McLeish J", "Smith J.A."
    if re.fullmatch(r"(?:[A-Z]\.?-?){1,4}", last) and not re.fullmatch(r"[A-Z][a-z]+", last):
        return {"family": " ".join(parts[:-1]), "given": last}
    # "Given [Middle] [particles] Family"
    i = len(parts) - 1
    while i > 1 and parts[i - 1].lower() in PARTICLES:
        i -= 1
    return {"family": " ".join(parts[i:]), "given": " ".join(parts[:i])}


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


def normalise_issn(value: Any) -> str | None:
    if not value:
        return None
    found = []
    for match in _ISSN.finditer(str(value) if not isinstance(value, list) else " ".join(value)):
        issn = f"{match.group(1)}-{match.group(2).upper()}"
        if issn not in found:
            found.append(issn)
    return "; ".join(found) or None


def normalise_isbn(value: Any) -> str | None:
    if not value:
        return None
    text = " ".join(value) if isinstance(value, list) else str(value)
    found = []
    for match in re.finditer(r"(?:97[89][- ]?)?(?:\d[- ]?){9}[\dXx]", text):
        isbn = re.sub(r"[- ]", "", match.group(0)).upper()
        if isbn not in found:
            found.append(isbn)
    return "; ".join(found) or None


def normalise_language(value: Any) -> str | None:
    text = clean_text(value)
    if not text:
        return None
    first = re.split(r"[;,/]", text)[0].strip().lower()
    return LANGUAGES.get(first, first)


def normalise_type(value: Any) -> str | None:
    if not value:
        return None
    values = value if isinstance(value, list | tuple) else [value]
    mapped = [TYPES.get(str(v).strip().lower()) for v in values if v]
    for preferred in ("erratum", "retraction", "comment", "letter", "editorial", "preprint",
                      "conference-abstract", "review"):
        if preferred in mapped:
            return preferred
    for item in mapped:
        if item:
            return item
    return "other"


def normalise_keywords(value: Any) -> list[str]:
    if not value:
        return []
    items = value if isinstance(value, list | tuple) else [value]
    out: list[str] = []
    for item in items:
        for part in re.split(r";|\n", str(item)):
            text = clean_text(part)
            if text and text not in out:
                out.append(text)
    return out


def normalise_fields(raw: dict[str, Any]) -> dict[str, Any]:
    """Importer fields -> the stored normalised columns (JSON for lists)."""
    pages, first, last = normalise_pages(raw.get("pages"), raw.get("start_page"), raw.get("end_page"))
    authors = [split_name(a) for a in (raw.get("authors") or []) if a and str(a).strip(" ,;")]
    doi = normalise_doi(raw.get("doi"))
    if not doi and raw.get("url"):
        urls = raw["url"] if isinstance(raw["url"], list) else [raw["url"]]
        doi = next((d for u in urls if "doi" in str(u).lower() and (d := normalise_doi(u))), None)
    url = raw.get("url")
    if isinstance(url, list):
        url = url[0] if url else None
    return {
        "title": clean_title(raw.get("title")),
        "authors": json.dumps(authors, ensure_ascii=False) if authors else None,
        "year": normalise_year(raw.get("year"), raw.get("date")),
        "journal": clean_text(raw.get("journal")),
        "journal_abbrev": clean_text(raw.get("journal_abbrev")),
        "volume": clean_text(raw.get("volume")),
        "issue": clean_text(raw.get("issue")),
        "pages": pages,
        "page_first": first,
        "page_last": last,
        "doi": doi,
        "pmid": normalise_pmid(raw.get("pmid")),
        "abstract": clean_text(raw.get("abstract")),
        "keywords": json.dumps(kw, ensure_ascii=False) if (kw := normalise_keywords(raw.get("keywords"))) else None,
        "type": normalise_type(raw.get("type")),
        "language": normalise_language(raw.get("language")),
        "issn": normalise_issn(raw.get("issn")),
        "isbn": normalise_isbn(raw.get("isbn")),
        "url": clean_text(url),
        "publisher": clean_text(raw.get("publisher")),
    }
