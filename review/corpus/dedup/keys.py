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
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any
from urllib.parse import unquote

import numpy as np

_GREEK = {
    "α": "alpha", "β": "beta", "γ": "gamma", "δ": "delta", "ε": "epsilon", "ζ": "zeta",
    "η": "eta", "θ": "theta", "ι": "iota", "κ": "kappa", "λ": "lambda", "μ": "mu",
    "ν": "nu", "ξ": "xi", "π": "pi", "ρ": "rho", "σ": "sigma", "τ": "tau", "υ": "upsilon",
    "φ": "phi", "χ": "chi", "ψ": "psi", "ω": "omega", "Α": "alpha", "Β": "beta",
    "Γ": "gamma", "Δ": "delta", "Κ": "kappa", "Ω": "omega",
}
_UNFOLDABLE = str.maketrans({"ß": "ss", "æ": "ae", "Æ": "ae", "ø": "o", "Ø": "o", "đ": "d",
                             "ł": "l", "Ł": "l", "œ": "oe", "Œ": "oe", "ı": "i", "þ": "th"})
_GREEK_RE = re.compile("|".join(_GREEK))
_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_WORD = re.compile(r"[a-z0-9]+")
_DIGITS = re.compile(r"\d+")
# Spelling variants, applied to both sides of every comparison (so "aerobic" -> "erobic"
# is harmless): randomised/randomized, haem/hem, oedema/edema, behaviour/behavior, analyse.
_SPELLING = (
    (re.compile(r"ae"), "e"),
    (re.compile(r"oe"), "e"),
    (re.compile(r"our\b"), "or"),
    (re.compile(r"is(e|ed|es|ing|ation|ations)\b"), r"iz\1"),
    (re.compile(r"ys(e|ed|es|ing)\b"), r"yz\1"),
    (re.compile(r"tre\b"), "ter"),
)
# placeholders some databases put where the authors go (IEEE Xplore: "IEEE")
_NOT_NAMES = frozenset(["et", "al", "jr", "sr", "anonymous", "anon", "unknown", "author", "authors", "na", "nd", "ieee"])
_MONTHS = frozenset(["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"])
_STOPWORDS = frozenset(["a", "an", "and", "the", "of", "in", "on", "for", "to", "with", "by", "at", "from", "or", "as", "de", "la", "le", "des", "du", "der", "die", "und", "et", "en", "y", "el"])
_JOURNAL_STOP = frozenset(["the", "of", "and", "in", "on", "for", "de", "la", "le", "des", "du", "der", "die", "und", "et", "y", "el"])
_JOURNAL_TAIL = re.compile(r"\s*[.:;,]?\s*\b(conference|congress|meeting|symposium)\b\s*:.*$|\s*[.:]\s*$", re.IGNORECASE)
#: Titles that say nothing about the work: they only match with much more evidence.
GENERIC_TITLES = frozenset(
    ["editorial", "introduction", "preface", "foreword", "reply", "response", "letter", "letters", "comment", "commentary", "correspondence", "erratum", "errata", "corrigendum", "correction", "retraction", "news", "index", "abstracts", "abstract", "contents", "untitled", "notes", "obituary", "book", "review", "reviews", "announcement", "in", "this", "issue", "highlights", "summary", "conclusion", "conclusions", "discussion"]
)
# Notices about another article; matched against the cleaned, lower-cased title.
_NOTICE_PATTERNS = (
    ("retraction", re.compile(r"^\W*(retraction|notice of retraction|retraction notice|withdrawal notice)\b")),
    ("erratum", re.compile(r"^\W*(erratum|errata|corrigendum|corrigenda|correction(s)?\s*(to|for|of)?\s*[:\[(]|correction(s)? (to|for|notice)\b|correction$|publisher'?s note|expression of concern)")),
    ("erratum", re.compile(r"\((vol|volume)\.?\s*\d+.{0,40}\b(pg|page|p)\b")),
    ("erratum", re.compile(r"\([^()]{4,160}\(\s*(1[89]|20)\d\d\s*\)\s*\d+[^()]{0,20}\(\s*[a-z]?\d+[^()]*\)\s*\)\s*$")),
    ("comment", re.compile(r"[-:.]\s*(reply|response|authors'? reply)\s*$")),
    ("comment", re.compile(r"^\W*(comment(s|ary)? (on|to|re)\b|re\s*:|reply\b|in reply\b|response (to|from)\b|author(s)?'? (reply|response)\b|authors reply\b)")),
)
_NOTICE_PREFIX = re.compile(
    r"^\W*(erratum|errata|corrigendum|corrigenda|correction|retraction( notice)?|notice of retraction)"
    r"\s*(to|for|of|in)?\s*[:.\-]\s*", re.IGNORECASE)
_NOTICE_CITATION = re.compile(
    r"\s*\((vol|volume)\.?\s*\d+.{0,40}\b(pg|page|p)\b[^()]*\)\s*$"
    r"|\s*\([^()]{4,160}\(\s*(1[89]|20)\d\d\s*\)[^()]*(\([^()]*\)[^()]*)?\)?\s*$",
    re.IGNORECASE)
# words without which no notice pattern can match (a cheap first test)
_NOTICE_HINT = re.compile(r"errat|corrig|correct|retract|withdraw|comment|reply|response|^\W*re\s*:|"
                          r"concern|publisher")
_RETRACTED_ARTICLE = re.compile(r"^\s*(retracted( article)?|withdrawn( article)?)\s*[:.\-]\s*", re.IGNORECASE)
_TRANSLATED = re.compile(r"^\[(.*)\]\.?$")
# MEDLINE's trailing notes ("[Erratum appears in ...]", "[Spanish]"), often cut off.
_TRAILING_NOTE = re.compile(
    r"\s*\.?\s*\[\s*(erratum|comment|retraction|retracted|corrected|published|see|update|summary|"
    r"republished|reprint|expression of concern|article in|note)\b.*$",
    re.IGNORECASE,
)
_LANGUAGE_TAG = re.compile(r"(\s*\.?\s*\[[A-Za-z ]{2,30}\])+\s*\.?\s*$")
_DOI_JUNK = re.compile(r"&(rft|amp|ct|url)[._;=].*$|&.*=.*$")
_PREPRINT_DOI = re.compile(r"^10\.(1101|21203|2139|20944|31234|31219|31222|48550|22541|36227|21428)/")
_PREPRINT_VENUE = re.compile(r"\b(biorxiv|medrxiv|arxiv|research square|ssrn|preprints?|psyarxiv|socarxiv|osf preprints|techrxiv|chemrxiv|authorea)\b")
#: How much of an abstract is compared (enough to tell two abstracts apart).
ABSTRACT_CHARS = 300
NOTICE_TYPES = {"erratum": "erratum", "retraction": "retraction", "comment": "comment"}


_MISSING = frozenset(["na", "n/a", "n.a.", "nan", "none", "null", "unknown", "-", "--", "?",
                      "no pagination", "(no pagination)", "not available"])


def present(value: Any) -> str:
    """The value as text, or '' for an empty or placeholder value ("NA", "N/A", "null")."""
    if not value:
        return ""
    text = value.strip() if isinstance(value, str) else str(value).strip()
    if len(text) > 16:
        return text
    return "" if text.lower() in _MISSING else text


def fold(text: str | None) -> str:
    """Lower-case ASCII words: accents folded, Greek letters named, punctuation gone."""
    if not text:
        return ""
    if not text.isascii():
        text = _GREEK_RE.sub(lambda m: " " + _GREEK[m.group(0)] + " ", text)
        text = text.translate(_UNFOLDABLE)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("&", " and ")
    return _NON_ALNUM.sub(" ", text).strip()


def fold_words(text: str | None) -> list[str]:
    """:func:`fold` as a list of words."""
    if not text:
        return []
    if not text.isascii():
        return fold(text).split()
    return _WORD.findall(text.lower().replace("&", " and "))


@lru_cache(maxsize=200_000)
def _spelling_word(word: str) -> str:
    for pattern, repl in _SPELLING:
        word = pattern.sub(repl, word)
    return word


def spelling(words: str) -> str:
    """British/American spelling variants made equal (applied to folded text)."""
    return " ".join(_spelling_word(w) for w in words.split())


def title_key(title: str | None) -> str:
    """The comparable form of a title ('' when there is none).

    Square brackets around a whole title (MEDLINE's translated titles) and a leading
    "Retracted article:" are dropped; the rest is folded and spelling-normalised.
    """
    if not title:
        return ""
    text = _strip_notes(title.strip())
    if text.endswith("]"):
        stripped = _LANGUAGE_TAG.sub("", text)
        text = stripped if len(stripped) >= 10 else text
    match = _TRANSLATED.match(text) if text.startswith("[") else None
    if match:
        text = match.group(1)
    head = text[:1].lower()
    if head in "rw":
        text = _RETRACTED_ARTICLE.sub("", text)
    # a notice is compared with other notices by the title it corrects
    stripped = _NOTICE_PREFIX.sub("", text) if head in "ecnr" else text
    if stripped.endswith(")"):
        stripped = _NOTICE_CITATION.sub("", stripped)
    if len(stripped) >= 10:
        text = stripped
    return " ".join([_spelling_word(w) for w in fold_words(text)])


def _strip_notes(title: str) -> str:
    return _TRAILING_NOTE.sub("", title) if "[" in title else title


def notice_kind(title: str | None, record_type: str | None) -> str:
    """'erratum', 'retraction', 'comment' for a notice about another article, else ''.

    From the record type, or from the title: "Erratum: ...", "Correction to ...",
    "Retraction notice ...", "Reply to ...", "Comment on ...", and the citation that Web of
    Science and Embase append to a correction ("... (vol 360, pg 542, 2009)",
    "... (New England Journal of Medicine (2009) 360 (542-544))").
    """
    kind = NOTICE_TYPES.get(record_type or "", "")
    if kind:
        return kind
    if not title:
        return ""
    text = _strip_notes(title.strip()).lower()
    if not text.endswith(")") and not _NOTICE_HINT.search(text):
        return ""
    for name, pattern in _NOTICE_PATTERNS:
        if pattern.search(text):
            return name
    return ""


def doi_key(doi: str | None) -> str:
    """The stored DOI without OpenURL debris ("10.2337/db12-1721&rft_id=...")."""
    doi = present(doi)
    if not doi or "(issn)" in doi.lower():  # a journal's DOI, not an article's
        return ""
    for _ in range(2):  # "%252813%2529" occurs: encoded twice
        if "%" in doi:
            doi = unquote(doi)
    return _DOI_JUNK.sub("", doi).rstrip(".,;").lower()


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
    words = spelling(fold(_JOURNAL_TAIL.sub("", present(journal)))).split()
    return " ".join(w for w in words if w not in _JOURNAL_STOP)


@lru_cache(maxsize=20_000)
def first_number(value: str | None) -> str:
    """The first run of digits without leading zeros ('' when none): "36 Suppl 1" -> "36"."""
    value = present(value)
    if not value or _STRAY_ISSUE.match(value):
        return ""
    match = _DIGITS.search(value)
    return match.group(0).lstrip("0") or "0" if match else ""


# "1)": the issue of "61 (1)" exported as the volume
_STRAY_ISSUE = re.compile(r"^\s*\d+\)\s*$")


@lru_cache(maxsize=20_000)
def issue_key(issue: str | None) -> str:
    """The issue as folded text without spaces ("Suppl. 1" and "Supplement 1" -> "suppl1")."""
    words = fold(present(issue)).replace("supplement", "suppl")
    return words.replace(" ", "")


_PAGE_SPLIT = re.compile(r"\s*[-\u2010-\u2015\u2212]+\s*")


def page_tokens(pages: str | None) -> tuple[str, str]:
    """(first, last) page as folded tokens: "S109-S112" -> ("s109", "s112"); "e12724" -> ("e12724", "")."""
    if not pages:
        return "", ""
    parts = [_NON_ALNUM.sub("", p.lower()) for p in _PAGE_SPLIT.split(pages.split(",")[0].strip())]
    parts = [p for p in parts if p]
    if not parts or any(p[:3] in _MONTHS for p in parts):
        return "", ""  # missing, or a spreadsheet turned "1-12" into "01-Dec"
    first = parts[0].lstrip("0") or parts[0]
    last = parts[-1].lstrip("0") if len(parts) > 1 else ""
    return first, (last if last != first else "")


_LETTERS = re.compile(r"^([a-z]*)0*(\d*)")


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
    if da and da == db and (not la or not lb or la == lb):
        return 1
    if (not last_a and first_a == last_b) or (not last_b and first_b == last_a):
        return 1
    if (first_a == "1" and last_a and not last_b) or (first_b == "1" and last_b and not last_a):
        return -1  # pages 1-12 of an article that another export gives by its number
    if last_a and last_b:
        if last_a == last_b and len(last_a) >= 2:
            return 1  # a typing error in the first page ("2141-2147" vs "2142-2147")
        if (not da or not db) and (last_a.endswith(last_b) or last_b.endswith(last_a)):
            return 1
    if la != lb and "s" not in (la[:1], lb[:1]):
        return -1  # an electronic locator against printed pages
    if _overlap(da, last_a, db, last_b) >= 2:
        return -1  # two articles cannot share pages: one range was typed wrongly
    return 0


def _overlap(first_a: str, last_a: str, first_b: str, last_b: str) -> int:
    """Pages two numeric ranges share (0 when either is not a plain range)."""
    if not (first_a and first_b and last_a.isdigit() and last_b.isdigit()):
        return 0
    a0, a1, b0, b1 = int(first_a), int(last_a), int(first_b), int(last_b)
    if a1 < a0 or b1 < b0:
        return 0
    return max(0, min(a1, b1) - max(a0, b0) + 1)


def is_conference_abstract(record_type: str | None, volume: str | None, issue: str | None,
                           journal: str | None) -> bool:
    """A meeting abstract: typed so, or printed in a supplement / abstract issue or venue."""
    if record_type == "conference-abstract":
        return True
    if record_type in ("journal-article", "review", None, "", "other"):
        return _supplement_issue(volume, issue) or _conference_venue(journal)
    return False


_SUPPLEMENT_ISSUE = re.compile(r"\b(suppl|supplement|meeting|meetingabstracts|abstracts?|s\d+)\b")
_CONFERENCE_VENUE = re.compile(r"\b(abstracts?|meeting|congress|conference|proceedings)\b")


@lru_cache(maxsize=50_000)
def _supplement_issue(volume: str | None, issue: str | None) -> bool:
    blob = " ".join(fold(v) for v in (volume, issue) if v)
    return bool(blob and _SUPPLEMENT_ISSUE.search(blob))


@lru_cache(maxsize=50_000)
def _conference_venue(journal: str | None) -> bool:
    return bool(journal and _CONFERENCE_VENUE.search(fold(journal)))


def is_preprint(record_type: str | None, doi: str | None, journal: str | None) -> bool:
    """A preprint: typed so, a preprint server's DOI prefix, or a preprint server venue."""
    if record_type == "preprint":
        return True
    if doi and _PREPRINT_DOI.match(doi):
        return True
    return _preprint_venue(journal) if journal else False


@lru_cache(maxsize=50_000)
def _preprint_venue(journal: str) -> bool:
    return bool(_PREPRINT_VENUE.search(fold(journal)))


def container_dois(dois: list[str], pages: list[str]) -> list[str]:
    """DOIs with the DOI of a supplement or issue blanked.

    A DOI carried by records that start on different pages belongs to something larger
    than one article (databases give every abstract of a supplement the supplement's
    DOI), so it proves nothing about two records.
    """
    seen: dict[str, str] = {}
    shared: set[str] = set()
    for doi, page in zip(dois, pages, strict=True):
        if not doi or not page:
            continue
        first = seen.setdefault(doi, page)
        if first != page and pages_agree(first, "", page, "") == 0:
            shared.add(doi)
    return [("" if doi in shared else doi) for doi in dois]


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
        generic.append(is_generic_title(words))
        rtype = get("type")
        notice.append(notice_kind(raw_title, rtype))
        raw_authors = get("authors")
        names, _ = author_tokens(raw_authors, given_names=False)
        authors.append(" ".join(names))
        authors_raw.append(raw_authors)
        firsts.append(names[0] if names else "")
        years.append(int(get("year") or 0))
        journal = present(get("journal"))
        journals.append(journal_key(journal or get("journal_abbrev")))
        volume, issue = present(get("volume")), present(get("issue"))
        volumes.append(first_number(volume))
        issues.append(issue_key(issue) if issue else "")
        first, last = page_tokens(present(get("pages")) or present(get("page_first")))
        pages.append(first)
        lasts.append(last)
        doi = doi_key(get("doi"))
        dois.append(doi)
        pmids.append(present(get("pmid")))
        abstract = get("abstract")
        abstracts.append(abstract[:ABSTRACT_CHARS] if abstract else "")
        languages.append((get("language") or "")[:3])
        conference.append(is_conference_abstract(rtype, volume, issue, journal))
        preprint.append(is_preprint(rtype, doi, journal))
        complete.append(completeness(row))
    dois = container_dois(dois, pages)
    return RecordKeys(
        ids=np.asarray(ids, dtype=np.int64),
        title=titles, title_fp=fps, generic=np.asarray(generic, dtype=bool), notice=notice,
        authors=authors, authors_raw=authors_raw, first_author=firsts, year=np.asarray(years, dtype=np.int32),
        journal=journals, volume=volumes, issue=issues, page=pages, page_last=lasts, doi=dois, pmid=pmids,
        abstract=abstracts, language=languages,
        conference=np.asarray(conference, dtype=bool), preprint=np.asarray(preprint, dtype=bool),
        complete=np.asarray(complete, dtype=np.float64),
    )


def key_columns() -> Sequence[str]:
    """The ``records`` columns :func:`build_keys` reads."""
    return _COLUMNS
