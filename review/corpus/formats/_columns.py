"""Column names of the tables databases and tools export, mapped to our fields.

Names are compared normalised: lower case, letters and digits only ("Author(s)" ->
"authors", "Journal/Book" -> "journalbook", "record_id" -> "recordid"). Within a field
the first listed column that has a value in a row wins; a later one is a fallback for
rows where the earlier is empty (Scopus "Author full names" before "Authors").
"""

from __future__ import annotations

import re

#: field -> column names, most specific first. "source_ref" is the record's own id.
SYNONYMS: dict[str, tuple[str, ...]] = {
    "title": ("title", "articletitle", "documenttitle", "itemtitle", "titleprimary",
              "primarytitle", "displayname", "ti", "titles"),
    "authors": ("authorfullnames", "authors", "author", "authornames", "authorsprimary",
                "authorshipsauthordisplayname", "authorshipsrawauthorname", "au", "af",
                "creators", "creator", "firstauthor"),
    "year": ("year", "publicationyear", "pubyear", "publishedyear", "yearpublished", "py",
             "yearofpublication"),
    "date": ("publicationdate", "datepublished", "dateofpublication", "date", "pubdate",
             "issuedate", "pd", "coverdate", "createdate"),
    "journal": ("sourcetitle", "journal", "journaltitle", "publicationtitle", "journalbook",
                "periodicalfull", "periodical", "publication", "journalname", "secondarytitle",
                "primarylocationsourcedisplayname", "booktitle", "so", "source"),
    "journal_abbrev": ("abbreviatedsourcetitle", "journalabbreviation", "periodicalabbrev",
                       "isoabbreviation", "journalabbrev", "ji", "j9", "alternatetitle"),
    "volume": ("volume", "journalvolume", "vol", "vl", "bibliovolume"),
    "issue": ("issue", "number", "issuenumber", "journalissue", "no", "is", "biblioissue"),
    "pages": ("pages", "pagerange", "page", "pagination", "otherpages"),
    "start_page": ("pagestart", "startpage", "firstpage", "spage", "bibliofirstpage", "bp",
                   "artno", "articlenumber", "ar"),
    "end_page": ("pageend", "endpage", "lastpage", "epage", "bibliolastpage", "ep"),
    "page_count": ("pagecount", "numpages", "numberofpages"),
    "doi": ("doi", "itemdoi", "di", "doiurl", "digitalobjectidentifier"),
    "pmid": ("pmid", "pubmedid", "medlinepmid", "pubmed", "pm"),
    "abstract": ("abstract", "abstractnote", "ab", "summary", "description"),
    "keywords": ("authorkeywords", "keywords", "indexkeywords", "manualtags", "automatictags",
                 "kw", "de", "meshterms", "keywordsdisplayname", "subjects", "tags",
                 "emtreemedicalindextermsmajorfocus", "emtreemedicalindexterms", "ieeeterms"),
    "type": ("documenttype", "publicationtype", "itemtype", "type", "doctype", "contenttype",
             "entrytype", "referencetype", "dt", "category"),
    "language": ("language", "languageoforiginaldocument", "articlelanguage", "la",
                 "outputlanguage"),
    "issn": ("issn", "issns", "eissn", "issnisbn", "sn", "primarylocationsourceissn"),
    "isbn": ("isbn", "isbns", "bn", "issnisbn"),
    "url": ("url", "link", "links", "sourceurls", "externalurl", "plink", "fulltextlink",
            "pdflink", "primarylocationlandingpageurl", "embaselink", "openurllink"),
    "publisher": ("publisher", "bookpublisher", "pu", "primarylocationsourcehostorganizationname"),
    "source_ref": ("recordid", "recordnumber", "id", "key", "eid", "ut", "lensid", "centralid",
                   "pui", "accessionnumber", "covidence", "referenceid", "internalid", "refid",
                   "rayyanid", "uid", "openalexid", "articleid"),
}

#: Fields whose columns are all combined (not first-wins).
COMBINED = frozenset({"keywords", "url"})
#: Keyword columns only used when the record has none of the earlier ones.
KEYWORD_FALLBACK = frozenset({"emtreemedicalindextermsmajorfocus", "emtreemedicalindexterms",
                              "ieeeterms", "meshterms"})

#: Two-letter Web of Science field tags of the tab-delimited export.
WOS_TAGS = frozenset((
    "PT", "AU", "BA", "BE", "GP", "AF", "BF", "CA", "TI", "SO", "SE", "BS", "LA", "DT", "CT",
    "CY", "CL", "SP", "HO", "DE", "ID", "AB", "C1", "C3", "RP", "EM", "RI", "OI", "FU", "FP",
    "FX", "CR", "NR", "TC", "Z9", "U1", "U2", "PU", "PI", "PA", "SN", "EI", "BN", "J9", "JI",
    "PD", "PY", "VL", "IS", "PN", "SU", "SI", "MA", "BP", "EP", "AR", "DI", "DL", "D2", "EA",
    "PG", "WC", "WE", "SC", "GA", "PM", "OA", "HC", "HP", "DA", "UT",
))

_NON_ALNUM = re.compile(r"[^a-z0-9]+")
_LOOKUP = {name: (field, rank) for field, names in SYNONYMS.items() for rank, name in enumerate(names)}


def column_key(name: str) -> str:
    """A header cell as compared: lower case, letters and digits only, BOM debris gone."""
    name = name.replace("\ufeff", "").replace("ï»¿", "").strip().strip('"')
    return _NON_ALNUM.sub("", name.lower())


def field_for(name: str) -> tuple[str, int] | None:
    """(field, rank) for a header cell, or None when the column is not recognised.

    Two-letter codes ("TI", "AB", "PY") count only when written as such, so that
    initials in a line of text ("L.A.") do not look like column names.
    """
    key = column_key(name)
    if len(key) <= 2 and name.strip().strip('"').lower() != key:
        return None
    return _LOOKUP.get(key)


def is_wos_header(header: list[str]) -> bool:
    """Web of Science tab-delimited: mostly two-letter ISI tags, with PT/AU/TI and UT."""
    tags = {cell.strip().lstrip("\ufeff") for cell in header}
    return len(tags & WOS_TAGS) >= 5 and {"TI", "UT"} <= tags
