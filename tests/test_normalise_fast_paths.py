"""The short cuts in ``normalise`` give what the plain steps give: ``normalise_fields``
against the same steps written out without any short cut, on awkward values.
"""

from __future__ import annotations

import html
import json
import unicodedata
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from review.corpus import normalise as n


def _clean_text(value: Any) -> str | None:
    if value is None:
        return None
    text = value if type(value) is str else n._flatten(value)
    if "&" in text:
        for _ in range(2):
            text = html.unescape(text)
    if "<" in text:
        text = n._TAG.sub("", text)
    if text.isascii():
        if ("  " in text or "\n" in text or "\t" in text or "\r" in text
                or "\x0b" in text or "\x0c" in text or text[:1] == " " or text[-1:] == " "):
            text = " ".join(text.split())
        return text or None
    text = unicodedata.normalize("NFC", text)
    text = " ".join(text.split())
    return text or None


def _year(*values: Any) -> int | None:
    for value in values:
        if value is not None and (match := n._YEAR.search(str(value)) or n._YEAR_YYYYMMDD.search(str(value))):
            return int(match.group(1))
    return None


def _type(value: Any) -> str | None:
    values = [v for v in (value if isinstance(value, list | tuple) else [value]) if v] if value else []
    if not values:
        return None
    mapped = [n.TYPES.get(str(v).strip().lower()) for v in values]
    return next((p for p in n._PREFERRED_TYPES if p in mapped), None) or next((m for m in mapped if m), "other")


def _keywords(value: Any) -> list[str]:
    out: list[str] = []
    for item in (value if isinstance(value, list | tuple) else [value]) if value else []:
        item = str(item)
        for part in n._KEYWORD_SPLIT.split(item) if (";" in item or "\n" in item) else (item,):
            if (text := _clean_text(part)) and text not in out:
                out.append(text)
    return out


def _reference(raw: dict[str, Any]) -> dict[str, Any]:
    get = raw.get
    pages, first, last = n.normalise_pages(get("pages"), get("start_page"), get("end_page"))
    authors = []
    for author in get("authors") or ():
        name = n._split_name_uncached(author) if type(author) is str else n.normalise_author(author)
        if name and (name["family"] or name["given"]):
            authors.append(name)
    doi = n.normalise_doi(get("doi"))
    url = get("url")
    if not doi and url:
        urls = url if isinstance(url, list) else [url]
        doi = next((d for u in urls if "doi" in str(u).lower() and (d := n.normalise_doi(u))), None)
    keywords = _keywords(get("keywords"))
    title = _clean_text(get("title"))
    if title and title.endswith(".") and not title.endswith(".."):
        title = title[:-1].rstrip() or None
    return {
        "title": title,
        "authors": json.dumps(authors, ensure_ascii=False) if authors else None,
        "year": _year(get("year"), get("date")),
        "journal": _clean_text(get("journal")),
        "journal_abbrev": _clean_text(get("journal_abbrev")),
        "volume": _clean_text(get("volume")),
        "issue": _clean_text(get("issue")),
        "pages": pages,
        "page_first": first,
        "page_last": last,
        "doi": doi,
        "pmid": n.normalise_pmid(get("pmid")),
        "abstract": _clean_text(get("abstract")),
        "keywords": json.dumps(keywords, ensure_ascii=False) if keywords else None,
        "type": _type(get("type")),
        "language": n.normalise_language(get("language")),
        "issn": n.normalise_issn(get("issn")),
        "isbn": n.normalise_isbn(get("isbn")),
        "url": _clean_text(url[0] if isinstance(url, list) and url else (None if isinstance(url, list) else url)),
        "publisher": _clean_text(get("publisher")),
    }


_TEXT = st.one_of(
    st.text(alphabet=" \t\n\r\x0b\x1c\x1e\u00a0&<>{}\\;\"aZ1.é\u0301-", max_size=12),
    st.sampled_from(["2017", "1499", "2100", "20170312", "17", "²", "١٢", "Smith, J", "McLeish J",
                     "World Health Organization", "&amp;lt;b&gt;", "<i>x</i>", "A  B", " a", "b ",
                     "JOUR", " jour ", "Review", "eng", "10.1000/X.1", "1234-567X", "12-24", "e1234"]),
)
_VALUE = st.one_of(st.none(), _TEXT, st.lists(_TEXT, max_size=4))
_FIELDS = ("title", "authors", "year", "date", "journal", "journal_abbrev", "volume", "issue", "pages",
           "start_page", "end_page", "doi", "pmid", "abstract", "keywords", "type", "language", "issn",
           "isbn", "url", "publisher")


@settings(max_examples=600, deadline=None)
@given(st.fixed_dictionaries({}, optional={name: _VALUE for name in _FIELDS}))
def test_normalise_fields_is_the_plain_steps(raw: dict[str, Any]) -> None:
    if isinstance(raw.get("authors"), str):
        raw["authors"] = [raw["authors"]]
    assert n.normalise_fields(raw) == _reference(raw)


@settings(max_examples=300, deadline=None)
@given(_VALUE)
def test_clean_text_and_keywords_are_the_plain_steps(value: Any) -> None:
    assert n.clean_text(value) == _clean_text(value)
    assert n.normalise_keywords(value) == _keywords(value)


@given(st.lists(st.one_of(_TEXT, st.sampled_from([" jour ", "Journal Article\n", "letter", "MISC"])),
                max_size=3))
def test_normalise_type_is_the_plain_step(values: list[str]) -> None:
    assert n.normalise_type(values) == _type(values)



def _pages(pages: Any = None, start: Any = None, end: Any = None):
    """``normalise_pages`` without its short cut."""
    start_s, end_s, text = _clean_text(start), _clean_text(end), _clean_text(pages)
    if start_s and start_s[0] in "pP":
        start_s = n._PAGE_PREFIX.sub("", start_s)
    if text and text[0] in "pP":
        text = n._PAGE_PREFIX.sub("", text)
    if text and len(text) <= 6 and (excel := n._EXCEL_DATE_PAGES.match(text)):
        text = f"{int(excel.group(1))}-{n._MONTHS.index(excel.group(2).lower()) + 1}"
    if start_s and not end_s and not text and n._PAGES.match(start_s):
        text, start_s = start_s, None
    if text and not start_s:
        match = n._PAGES.match(text)
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
        return (text if text and not n._PAGES.match(text) else start_s), start_s, end_s or None
    return text, None, None


_PAGE = st.one_of(st.none(), st.sampled_from(["1", "12", "012", "99", "100", "1012", "24", " 5", "p12", "", "²"]),
                  st.text(alphabet="0123456789-pS ", max_size=5))


@given(_PAGE, _PAGE, _PAGE)
def test_normalise_pages_is_the_plain_step(pages: str | None, start: str | None, end: str | None) -> None:
    assert n.normalise_pages(pages, start, end) == _pages(pages, start, end)
    assert n.normalise_pages(None, start, end) == _pages(None, start, end)
