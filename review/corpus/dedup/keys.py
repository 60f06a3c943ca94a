"""Step 1, normalise: matching keys built from the stored (already cleaned) record columns.

The importer has decoded entities, removed markup and normalised DOIs, PMIDs, pages and
years (``review.corpus.normalise``). Matching needs more aggressive, comparison-only keys:
accents folded, case and punctuation gone, British and American spellings made equal,
author family names reduced to their letters, journal names reduced so that an
abbreviation ("Curr Opin Lipidol") can be recognised as its full name. Keys are never
shown as data; they are only compared.

:class:`RecordKeys` holds the keys of many records as parallel columns so that the later
steps can work on whole arrays at once (the scale benchmark builds them without SQLite).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

import numpy as np

from review.corpus.dedup.kinds import (
    is_conference_abstract,
    is_preprint,
    is_recurring_title,
    notice_kind,
)
from review.corpus.dedup.pages import (
    container_dois,
    first_number,
    is_date_pages,
    issue_key,
    page_tokens,
    publication_day,
    source_journal,
    source_pages,
)
from review.corpus.dedup.text import (
    fold,
    fold_words,
    present,
    spelling,
    spelling_word,
    strip_notes,
)
from review.corpus.doi import doi_fragment_in_original

# placeholders some databases put where the authors go (IEEE Xplore: "IEEE")
_NOT_NAMES = frozenset(["et", "al", "jr", "sr", "anonymous", "anon", "unknown", "author", "authors", "na", "nd", "ieee"])
_STOPWORDS = frozenset(["a", "an", "and", "the", "of", "in", "on", "for", "to", "with", "by", "at", "from", "or", "as", "de", "la", "le", "des", "du", "der", "die", "und", "et", "en", "y", "el"])
_JOURNAL_STOP = frozenset(["the", "of", "and", "in", "on", "for", "de", "la", "le", "des", "du", "der", "die", "und", "et", "y", "el"])
_JOURNAL_TAIL = re.compile(
    r"\s*[.:;,]?\s*\b(conference|conf|confer|congress|meeting|meet|symposium|symp)\b\s*[:.].*$|\s*[.:]\s*$"
    r"|(?<=\w)[\s.:;,]+(conference|congress|meeting|symposium)\b.*$",
    re.IGNORECASE)
# volume and issue glued onto a journal name: "Biological Psychiatry.68 (12)", "Diabetologia.57 (1 SUPPL. 1)"
GLUED_VOLUME = re.compile(r"(?<=[A-Za-z.)])\s*[.,;:]?\s*(\d{1,5})\s*(\([^()]{0,30}\))?\s*$")
#: Titles that say nothing about the work: they only match with much more evidence.
GENERIC_TITLES = frozenset(
    ["editorial", "introduction", "preface", "foreword", "reply", "response", "letter", "letters", "comment", "commentary", "correspondence", "erratum", "errata", "corrigendum", "correction", "retraction", "news", "index", "abstracts", "abstract", "contents", "untitled", "notes", "obituary", "book", "review", "reviews", "announcement", "in", "this", "issue", "highlights", "summary", "conclusion", "conclusions", "discussion"]
)
_NOTICE_PREFIX = re.compile(
    r"^\W*(erratum|errata|corrigendum|corrigenda|correction|retraction( notice)?|notice of retraction)"
    r"\s*(to|for|of|in)?\s*[:.\-]\s*", re.IGNORECASE)
_NOTICE_CITATION = re.compile(
    r"\s*\((vol|volume)\.?\s*\d+.{0,40}\b(pg|page|p)\b[^()]*\)\s*$"
    r"|\s*\([^()]{4,160}\(\s*(1[89]|20)\d\d\s*\)[^()]*(\([^()]*\)[^()]*)?\)?\s*$",
    re.IGNORECASE)
_RETRACTED_ARTICLE = re.compile(r"^\s*(retracted( article)?|withdrawn( article)?)\s*[:.\-]\s*", re.IGNORECASE)
_LOST_LETTER = re.compile(r"(?<=\w)\?(?=\w)")
_TRANSLATED = re.compile(r"^\[(.*)\]\.?$")
_LANGUAGE_TAG = re.compile(r"(\s*\.?\s*\[[A-Za-z ]{2,30}\])+\s*\.?\s*$")
_DOI_JUNK = re.compile(r"&(rft|amp|ct|url)[._;=].*$|&.*=.*$")
#: How much of an abstract is compared (enough to tell two abstracts apart).
ABSTRACT_CHARS = 300
# a first page: digits somewhere ("s109", "e12724", "1012"), or a roman numeral ("xii")
_PAGE_LIKE = re.compile(r"^([a-z]{0,4}\d|[ivxlc]+$)")


def title_key(title: str | None) -> str:
    """The comparable form of a title ('' when there is none).

    Square brackets around a whole title (MEDLINE's translated titles) and a leading
    "Retracted article:" are dropped; the rest is folded and spelling-normalised.
    """
    if not title:
        return ""
    text = strip_notes(title.strip())
    if text.endswith("]"):
        stripped = _LANGUAGE_TAG.sub("", text)
        text = stripped if len(stripped) >= 10 else text
    match = _TRANSLATED.match(text) if text.startswith("[") else None
    if match:
        text = match.group(1)
    if "?" in text:  # letters an export could not encode ("Mu?oz"), not a question mark
        text = _LOST_LETTER.sub("", text)
    head = text[:1].lower()
    if head in "rw":
        text = _RETRACTED_ARTICLE.sub("", text)
    # a notice is compared with other notices by the title it corrects
    stripped = _NOTICE_PREFIX.sub("", text) if head in "ecnr" else text
    if stripped.endswith(")"):
        stripped = _NOTICE_CITATION.sub("", stripped)
    if len(stripped) >= 10:
        text = stripped
    return " ".join([spelling_word(w) for w in fold_words(text)])


def doi_key(doi: str | None) -> str:
    """The stored DOI without OpenURL debris ("10.2337/db12-1721&rft_id=...")."""
    doi = present(doi)
    if not doi or "(issn)" in doi.lower():  # a journal's DOI, not an article's
        return ""
    for _ in range(2):  # "%252813%2529" occurs: encoded twice
        if "%" in doi:
            doi = unquote(doi)
    return _DOI_JUNK.sub("", doi).rstrip(".,;").lower()


def record_pages(raw: str, journal: str, year: Any) -> tuple[str, str]:
    """(first, last) page of a record, or ('', '') when its page field holds no pages.

    Not pages: the record's year (also as a supplement page, "S2011"), "var.pagings", a date (rule ``date-in-pages``: "2010-2Oct",
    "20100529/0604", "15 Sep 2010"), or the day of an Embase "Date of Publication: 15 Dec
    2010" in the journal field. When the journal field carries Embase's whole source
    citation ("68 (12) ()(pp 1172-1181), 2010. ..."), its pages are used where the page
    field gives none or only a lone page that is not their first.
    """
    first, last = page_tokens(raw) if raw else ("", "")
    if first and (is_date_pages(raw) or (not last and (first.lstrip("s") == str(year) or not _PAGE_LIKE.match(first)))):
        first, last = "", ""
    if journal and ("(p" in journal or "ublication" in journal):
        if first and not last and first == publication_day(journal):
            first = ""
        start, end = source_pages(journal)
        if start and (not first or (not last and first != start)):
            first, last = start, end
    return first, last


def is_generic_title(words: str) -> bool:
    """A title too short or too common to identify a work on its own."""
    if not words:
        return True
    if words in GENERIC_TITLES or len(words) < 20:
        return True
    if len(words) > 60:
        return False
    tokens = [w for w in words.split() if w not in _STOPWORDS]
    return len(tokens) < 3


@lru_cache(maxsize=200_000)
def _name_tokens(family: str) -> tuple[str, ...]:
    if "?" in family:  # a letter an export could not encode ("Mu?oz")
        family = family.replace("?", "")
    return tuple(t for t in fold(family).split() if len(t) >= 2 and not t.isdigit() and t not in _NOT_NAMES)


def author_surnames(authors: Any, limit: int = 12) -> list[str]:
    """Family names as folded letters, in order (initials and given names left out).

    Works on the stored JSON list of {"family", "given"} and survives exports that run
    several names together ("Adeli K.Lewis G. F."): every token of two or more letters
    in a family field counts as a surname token.
    """
    return author_tokens(authors, limit)[0]


def author_tokens(authors: Any, limit: int = 12, *, given_names: bool = True) -> tuple[list[str], list[str]]:
    """(surname tokens, given-name tokens of three letters or more), in order.

    The given names matter only when an export swapped the two ("Luis Ferreira, Santos A").
    """
    if not authors:
        return [], []
    if isinstance(authors, str):
        try:
            authors = json.loads(authors)
        except ValueError:
            authors = [{"family": authors}]
    out: list[str] = []
    given: list[str] = []
    for author in authors:
        if isinstance(author, Mapping):
            family, first = author.get("family") or "", author.get("given") or ""
        else:
            family, first = str(author), ""
        out.extend(_name_tokens(family))
        if given_names and len(first) >= 3:
            given.extend(t for t in _name_tokens(first) if len(t) >= 3)
        if len(out) >= limit:
            break
    return out[:limit], given[:limit]


@lru_cache(maxsize=100_000)
def journal_key(journal: str | None) -> str:
    """Journal words without stopwords and spelling variants ('' when none)."""
    text = present(journal)
    if "(p" in text or "ublication" in text:
        text = source_journal(text)  # Embase's whole source citation in the journal field
    if text[-1:].isdigit() or text.endswith(")"):
        text = GLUED_VOLUME.sub("", text)
    words = spelling(fold(_JOURNAL_TAIL.sub("", text))).split()
    return " ".join(w for w in words if w not in _JOURNAL_STOP)


def completeness(row: Mapping[str, Any]) -> float:
    """How complete a record is: filled fields, plus a little for a longer abstract."""
    filled = sum(1 for name in ("title", "authors", "year", "journal", "volume", "issue",
                                "pages", "doi", "pmid", "abstract", "issn", "language")
                 if row.get(name))
    return filled + min(len(row.get("abstract") or ""), 3000) / 3000


@dataclass
class RecordKeys:
    """Matching keys of many records, as parallel columns (index i = one record)."""

    ids: np.ndarray  # int64 record ids
    title: list[str]  # title_key
    title_fp: list[str]  # title key without spaces ('' when no title)
    generic: np.ndarray  # bool: the title alone identifies nothing
    recurring: np.ndarray  # bool: a title printed in many issues (needs issue, pages or DOI to agree)
    notice: list[str]  # '' | erratum | retraction | comment
    authors: list[str]  # surnames joined by spaces
    authors_raw: list[Any]  # the stored author lists (given names are read from them on demand)
    first_author: list[str]
    year: np.ndarray  # int32, 0 when unknown
    journal: list[str]
    volume: list[str]
    issue: list[str]
    page: list[str]  # first page, folded ("s109", "e12724", "1012")
    page_last: list[str]
    doi: list[str]
    pmid: list[str]
    abstract: list[str]  # the first ABSTRACT_CHARS characters, as stored (folded when compared)
    language: list[str]
    conference: np.ndarray  # bool
    preprint: np.ndarray  # bool
    complete: np.ndarray  # float completeness
    #: bool: a notice only by its record type (the title does not say so; "M3 - Note")
    notice_typed: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    #: bool: the page field held a date or a day, not pages (and no pages were recovered)
    pages_lost: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=bool))
    #: what is left of a DOI without its "10." prefix ('' when none, or when the record has a DOI)
    doi_fragment: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.ids)

    def given_names(self, i: int) -> str:
        """Record ``i``'s given-name tokens of three letters or more."""
        return " ".join(author_tokens(self.authors_raw[i])[1])


_COLUMNS = ("id", "title", "authors", "year", "journal", "journal_abbrev", "volume", "issue",
            "pages", "page_first", "doi", "pmid", "abstract", "type", "language", "issn")


def build_keys(rows: Iterable[Mapping[str, Any]]) -> RecordKeys:
    """Keys for stored records (mappings with the ``records`` columns, ``id`` included)."""
    ids: list[int] = []
    titles: list[str] = []
    fps: list[str] = []
    generic: list[bool] = []
    notice: list[str] = []
    notice_typed: list[bool] = []
    lost: list[bool] = []
    authors: list[str] = []
    authors_raw: list[Any] = []
    firsts: list[str] = []
    years: list[int] = []
    journals: list[str] = []
    volumes: list[str] = []
    issues: list[str] = []
    pages: list[str] = []
    lasts: list[str] = []
    dois: list[str] = []
    fragments: list[str] = []
    pmids: list[str] = []
    abstracts: list[str] = []
    languages: list[str] = []
    conference: list[bool] = []
    preprint: list[bool] = []
    complete: list[float] = []
    for row in rows:
        get = row.get
        ids.append(int(row["id"]))
        raw_title = present(get("title"))
        words = title_key(raw_title)
        titles.append(words)
        fps.append(words.replace(" ", ""))
        generic.append(is_generic_title(words) or is_recurring_title(words))
        rtype = get("type")
        kind = notice_kind(raw_title, rtype)
        notice.append(kind)
        notice_typed.append(bool(kind) and not notice_kind(raw_title, None))
        raw_authors = get("authors")
        names, _ = author_tokens(raw_authors, given_names=False)
        authors.append(" ".join(names))
        authors_raw.append(raw_authors)
        firsts.append(names[0] if names else "")
        years.append(int(get("year") or 0))
        journal = present(get("journal"))
        journals.append(journal_key(journal or get("journal_abbrev")))
        volume, issue = present(get("volume")), present(get("issue"))
        if not volume and journal and (journal[-1:].isdigit() or journal.endswith(")")):
            glued = GLUED_VOLUME.search(journal)  # "Biological Psychiatry.68 (12)"
            volume = glued.group(1) if glued else ""
        volumes.append(first_number(volume))
        issues.append(issue_key(issue) if issue else "")
        raw_pages = present(get("pages")) or present(get("page_first"))
        first, last = record_pages(raw_pages, journal, get("year"))
        lost.append(bool(raw_pages) and not first
                    and (is_date_pages(raw_pages) or raw_pages == publication_day(journal)))
        pages.append(first)
        lasts.append(last)
        doi = doi_key(get("doi"))
        dois.append(doi)
        fragments.append("" if doi else (get("doi_fragment") or doi_fragment_in_original(get("original")) or ""))
        pmids.append(present(get("pmid")))
        abstract = get("abstract")
        abstracts.append(abstract[:ABSTRACT_CHARS] if abstract else "")
        languages.append((get("language") or "")[:3])
        conference.append(is_conference_abstract(rtype, volume, issue, journal))
        preprint.append(is_preprint(rtype, doi, journal))
        complete.append(completeness(row))
    dois = container_dois(dois, pages, lasts, volumes)
    generic_a = np.asarray(generic, dtype=bool)
    return RecordKeys(
        ids=np.asarray(ids, dtype=np.int64),
        title=titles, title_fp=fps, generic=generic_a, recurring=generic_a | recurring_titles(
            fps, pages, dois, issues=[f"{v}/{first_number(i)}" if i and first_number(i) else "" for v, i in zip(volumes, issues, strict=True)]),
        notice=notice,
        authors=authors, authors_raw=authors_raw, first_author=firsts, year=np.asarray(years, dtype=np.int32),
        journal=journals, volume=volumes, issue=issues, page=pages, page_last=lasts, doi=dois, pmid=pmids,
        abstract=abstracts, language=languages,
        conference=np.asarray(conference, dtype=bool), preprint=np.asarray(preprint, dtype=bool),
        complete=np.asarray(complete, dtype=np.float64), notice_typed=np.asarray(notice_typed, dtype=bool),
        pages_lost=np.asarray(lost, dtype=bool), doi_fragment=fragments,
    )


_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def recurring_titles(titles: Sequence[str], pages: Sequence[str], dois: Sequence[str], at_least: int = 3,
                     issues: Sequence[str] | None = None) -> np.ndarray:
    """Records whose title recurs at ``at_least`` different first pages, DOIs or issues.

    The copies of one article that several databases export start on one page (give or take
    a supplement's letter) and carry one DOI; a title found at three or more places is an
    item a journal prints again and again ("Introduction to the special issue"), whatever
    its wording. Issues (``issues``: volume and issue number) count the same way (rule
    ``recurring-column``: an editor's column in issue after issue, with no pages or DOI).
    Only titles held by ``at_least`` records are looked at, on hashes, so it costs little
    at a million records.
    """
    n = len(titles)
    out = np.zeros(n, dtype=bool)
    if n < at_least:
        return out
    th = np.fromiter(map(hash, titles), dtype=np.int64, count=n)
    th[np.fromiter(map(len, titles), dtype=np.int64, count=n) == 0] = 0
    heads, inverse, counts = np.unique(th, return_inverse=True, return_counts=True)
    idx = np.flatnonzero((counts[inverse] >= at_least) & (th != 0))
    if not len(idx):
        return out
    for values in (pages, dois) if issues is None else (pages, dois, issues):
        vh = np.fromiter((hash(values[i].lstrip(_LETTERS)) if values[i] else 0 for i in idx.tolist()),
                         dtype=np.int64, count=len(idx))
        keep = vh != 0
        pairs = np.unique(np.stack([th[idx][keep], vh[keep]], axis=1), axis=0)
        many_heads, many_counts = np.unique(pairs[:, 0], return_counts=True)
        many = many_heads[many_counts >= at_least]
        if len(many):
            out[idx] |= np.isin(th[idx], many)
    return out


def key_columns() -> Sequence[str]:
    """The ``records`` columns :func:`build_keys` reads."""
    return _COLUMNS
