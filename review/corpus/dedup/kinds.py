"""What kind of record: a notice about another article, a meeting abstract, a preprint.

These feed the guards (see :mod:`review.corpus.dedup.settings`): an erratum, correction,
retraction notice, reply or comment is not the article it is about; a meeting abstract is
not the journal article; a preprint is not the published version.
"""

from __future__ import annotations

import re
from functools import lru_cache

from review.corpus.dedup.text import fold, strip_notes

# Notices about another article; matched against the cleaned, lower-cased title.
# Notices about another article; matched against the cleaned, lower-cased title.
_NOTICE_PATTERNS = (
    ("retraction", re.compile(r"^\W*(retraction|notice of retraction|retraction notice|withdrawal notice)\b")),
    ("erratum", re.compile(r"^\W*(erratum|errata|corrigendum|corrigenda|correction(s)?\s*(to|for|of)?\s*[:\[(]|correction(s)? (to|for|notice)\b|correction$|publisher'?s note|expression of concern)")),
    ("erratum", re.compile(r"\((vol|volume)\.?\s*\d+.{0,40}\b(pg|page|p)\b")),
    ("erratum", re.compile(r"\([^()]{4,160}\(\s*(1[89]|20)\d\d\s*\)\s*\d+[^()]{0,20}\(\s*[a-z]?\d+[^()]*\)\s*(doi\s*:?[^()]*)?\)\s*$")),
    ("comment", re.compile(r"[-:.]\s*(reply|response|authors'? reply)(\s+to\b.{0,80})?\s*$")),
    ("comment", re.compile(r"^\W*(comment(s|ary)? (on|to|re)\b|re\s*:|reply\b|in reply\b|response (to|from)\b|author(s)?'? (reply|response)\b|authors reply\b)")),
)
# words without which no notice pattern can match (a cheap first test)
_NOTICE_HINT = re.compile(r"errat|corrig|correct|retract|withdraw|comment|reply|response|^\W*re\s*:|"
                          r"concern|publisher")
NOTICE_TYPES = {"erratum": "erratum", "retraction": "retraction", "comment": "comment"}
_PREPRINT_DOI = re.compile(r"^10\.(1101|21203|2139|20944|31234|31219|31222|48550|22541|36227|21428)/")
_PREPRINT_VENUE = re.compile(r"\b(biorxiv|medrxiv|arxiv|research square|ssrn|preprints?|psyarxiv|socarxiv|osf preprints|techrxiv|chemrxiv|authorea)\b")
_SUPPLEMENT_ISSUE = re.compile(r"\b(suppl|supplement|meeting|meetingabstracts|abstracts?|s\d+)\b")
_CONFERENCE_VENUE = re.compile(r"\b(abstracts?|meeting|congress|conference|proceedings|symposium|workshop|colloquium|"
                               r"proc|conf|confer|congr|symp)\b")


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
    text = strip_notes(title.strip()).lower()
    if not text.endswith(")") and not _NOTICE_HINT.search(text):
        return ""
    for name, pattern in _NOTICE_PATTERNS:
        if pattern.search(text):
            return name
    return ""


_EDITOR = r"(editor|editors|editor s|editors s|editor in chief( s)?|chair s|president s|presidents)"
# Items a journal prints in every issue under the same title; matched against the folded,
# spelling-normalised title key (see keys.title_key), a number or year may follow.
_RECURRING = re.compile(
    r"^(the )?(guest |invited |special |issue |journal |board )?("
    r"editorial( (introduction|comment|comments|note|notes|board|preface|overview|statement|policy|"
    r"announcement|message|remarks|perspective))?|"
    + _EDITOR + r" (comment|comments|note|notes|introduction|choice|corner|letter|message|preface|remarks|"
    r"report|column|page|summary|foreword|pick|picks|desk|perspective|statement|address|welcome)|"
    r"(a )?(word|note|letter|message|remarks|greetings|notes|comments) (from|of) (the )?" + _EDITOR + r"( desk)?|"
    r"from (the )?" + _EDITOR + r"( desk)?|message from (the )?(editor|president|chair|editors|editor in chief)|"
    r"(in|inside) (this|the) issue|this issue|issue information|issue highlights?|"
    r"highlights( (of|from|in))?( this| the)?( issue| month| volume)?|"
    r"(an )?(introduction|editorial introduction|introductory remarks|overview)( (to|of|for))?( this| the)?"
    r"( special| focus| themed| theme| thematic| mini)?( issue| section| forum| volume| supplement| symposium)?|"
    r"special (issue|section) (introduction|editorial|preface)|"
    r"preface|foreword|prologue|epilogue|afterword|"
    r"book reviews?|books? received|review of books|books? notes?|new books|"
    r"letters?( to the editors?)?|correspondence|reply|response|authors? reply|in reply|reply to (the )?letters?|"
    r"corrigend(um|a)|errat(um|a)|corrections?|retraction( notice)?|expression of concern|"
    r"obituary|obituaries|in memoriam|"
    r"(conference |meeting |congress |poster |oral )?(abstracts?|proceedings|presentations)|"
    r"acknowledge?ments?( (to|of)( the)? reviewers)?|reviewers? (list|acknowledge?ments?)|"
    r"(list of|thank you to (our|or)|thanks to) ((our|or) )?reviewers|"  # title keys spell "our" as "or"
    r"masthead|(table of )?contents|(author |subject |cumulative )?index|news|announcements?|calendar|"
    r"call for papers|commentary|comment|front matter|back matter|(about |on )?(the )?cover|"
    r"upcoming (events|meetings)|classified|miscellany|notes|short notes|current literature|"
    r"this month in [a-z ]{1,40}|research (notes|commentary)|editorial board|information for authors|"
    r"instructions (to|for) authors|author guidelines"
    r")( [0-9ivx]+| (no|vol|volume|issue|part|nr)( [0-9ivx]+)?)*$"
)


# the words a recurring title can start with (a cheap first test before the pattern)
_RECURRING_FIRST = frozenset([
    "the", "guest", "invited", "special", "issue", "journal", "board", "editorial", "editor", "editors",
    "chair", "president", "presidents", "a", "word", "note", "letter", "message", "remarks",
    "greetings", "notes", "comments", "from", "in", "inside", "this", "highlights", "highlight", "an",
    "introduction", "introductory", "overview", "preface", "foreword", "prologue", "epilogue",
    "afterword", "book", "books", "review", "new", "letters", "correspondence", "reply", "response",
    "author", "authors", "corrigendum", "corrigenda", "erratum", "errata", "correction", "corrections",
    "retraction", "expression", "obituary", "obituaries", "conference", "meeting", "congress", "poster",
    "oral", "abstract", "abstracts", "proceedings", "presentations", "acknowledgement",
    "acknowledgements", "acknowledgment", "acknowledgments", "reviewer", "reviewers", "list", "thank",
    "thanks", "masthead", "table", "contents", "subject", "cumulative", "index", "news", "announcement",
    "announcements", "calendar", "call", "commentary", "comment", "front", "back", "about", "on",
    "cover", "upcoming", "classified", "miscellany", "short", "current", "research", "information",
    "instructions"
])


def is_recurring_title(words: str) -> bool:
    """An item printed under the same title in issue after issue ("Editorial", "Editor's
    comments", "In this issue", "Introduction to the special issue", "Book reviews",
    "Letters", "Corrigendum", "Preface", "Conference abstracts"...); ``words`` is the
    title key. Such a title says nothing about which issue's item a record is."""
    if not words or len(words) >= 90 or words.split(" ", 1)[0] not in _RECURRING_FIRST:
        return False
    return bool(_RECURRING.match(words))


def is_conference_abstract(record_type: str | None, volume: str | None, issue: str | None,
                           journal: str | None) -> bool:
    """A meeting abstract: typed so, or printed in a supplement / abstract issue or venue."""
    if record_type == "conference-abstract":
        return True
    if record_type in ("journal-article", "review", None, "", "other"):
        return _supplement_issue(volume, issue) or _conference_venue(journal)
    return False


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
