"""Vocabularies used by normalisation: name particles, corporate-author words, languages
and record types as the databases write them."""

from __future__ import annotations

import re

#: Name particles kept with the family name ("van der Berg", "de Souza").
PARTICLES = frozenset(
    ["van", "von", "der", "den", "de", "del", "della", "di", "da", "dos", "das", "du", "le", "la", "ten", "ter", "bin", "al", "el", "st"]
)
CORPORATE = re.compile(
    r"\b(foundation|group|organi[sz]ation|collaboration|institute|university|council|"
    r"society|association|trust|committee|centre|center|network|agency|department|"
    r"ministry|consortium|office|service|services|nhs|team|investigators|board|"
    r"federation|alliance|partnership|charity|programme|program|unit|world|national|support|press|mums|parents)\b",
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

#: Record types, mapped from RIS TY, MEDLINE PT, BibTeX entry types, EndNote ref-type
#: names, WoS DT and CSV document types (keys lower-case).
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
    # MEDLINE PT, WoS DT, Scopus/Embase document types, EndNote ref-type names, Zotero.
    "journal articles": "journal-article", "journalarticle": "journal-article",
    "electronic article": "journal-article", "article in press": "journal-article",
    "magazine article": "journal-article", "newspaper article": "journal-article",
    "review article": "review", "scoping review": "review", "literature review": "review",
    "editorial material": "editorial", "proceedings paper": "conference-paper",
    "conference review": "conference-paper", "conferencepaper": "conference-paper",
    "conference proceedings": "conference-paper", "book section": "chapter",
    "booksection": "chapter", "book-chapter": "chapter", "edited book": "book",
    "book review": "other", "short survey": "review",
    "government document": "report", "reports - research": "report",
    "web page": "web", "webpage": "web", "dissertations": "thesis",
    "dissertations/theses": "thesis", "doctoral thesis": "thesis",
    "preprints": "preprint", "posted-content": "preprint", "erratum/correction": "erratum",
    "corrected and republished article": "journal-article", "expression of concern": "comment",
}

#: Subtypes that win over a general type when a record lists several (MEDLINE PT).
PREFERRED_TYPES = ("erratum", "retraction", "comment", "letter", "editorial", "preprint",
                    "conference-abstract", "review")
