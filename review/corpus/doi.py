"""DOIs as imported: the normalised DOI, and what is left of a DOI that lost its prefix.

``normalise_doi`` finds a DOI (``10.<registrant>/<suffix>``) in a field or a link and
returns it lower-cased, without resolver, OpenURL debris or URL encoding; anything without
the ``10.`` prefix is no DOI and gives None, so the stored ``doi`` column only ever holds
DOIs.

Exports do damage DOIs: "fnrv57i0.21083" for "10.3402/fnr.v57i0.21083" (prefix and a dot
lost). Such a value is kept out of the ``doi`` column, but :func:`doi_fragment` recognises it
in the record's original fields, so that dedup can compare it with other records' DOIs as a
strong but uncertain signal (``review.corpus.dedup.compare``), never as an equal DOI.
"""

from __future__ import annotations

import html
import json
import re
from typing import Any
from urllib.parse import unquote

_DOI = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
_DOI_TAIL = re.compile(r"\[doi\]$", re.IGNORECASE)
_QUERY_TAIL = re.compile(r"&(?:amp;)?[a-z_]+(?:\.[a-z_]+)?=", re.IGNORECASE)
#: What a DOI's suffix without its prefix can look like: no spaces, letters and digits with
#: the punctuation DOIs use, at least 8 characters.
_FRAGMENT = re.compile(r"^[a-z0-9][a-z0-9._;()/:<>\-]{6,}[a-z0-9)]$")
#: Original field names that hold a DOI (RIS DO, Web of Science DI, EndNote XML's
#: electronic-resource-num, any "doi" column).
_DOI_FIELDS = ("do", "di", "electronic-resource-num")
#: Original field names whose values say what they are: PubMed MEDLINE's article ids
#: ("fnrv57i0.21083 [doi]", "S0140-6736(10)60001-1 [pii]"); only the ``[doi]`` ones count.
_TAGGED_FIELDS = ("aid", "lid")
_DOI_TAG = " [doi]"


def normalise_doi(value: Any) -> str | None:
    """Lower-case DOI without resolver prefix ("https://doi.org/", "doi:")."""
    if not value:
        return None
    if isinstance(value, list | tuple):
        for item in value:
            if doi := normalise_doi(item):
                return doi
        return None
    text = str(value)
    if "&" in text:
        text = html.unescape(text)
    if "%" in text and ("%2" in text or "%3" in text):  # URL-encoded, sometimes twice
        for _ in range(2):
            text = unquote(text)
    match = _DOI.search(text)
    if not match:
        return None
    doi = match.group(0)
    if "&" in doi:  # a link's query: "...id=doi:10.x/y&atitle=", OpenURL "&rft.atitle="
        if "?" in text[: match.start()]:
            doi = doi.split("&", 1)[0]
        elif (query := _QUERY_TAIL.search(doi)) is not None:
            doi = doi[: query.start()]
    doi = doi.rstrip(".,;)]}>\"'")
    if doi.count("(") < doi.count(")"):
        doi = doi.rstrip(")")
    if doi.endswith("]"):
        doi = _DOI_TAIL.sub("", doi)
    return doi.lower()


def doi_fragment(value: Any) -> str | None:
    """A DOI field's value that is no DOI but looks like one that lost its ``10.`` prefix
    ("fnrv57i0.21083"), lower-cased; None for a real DOI, an empty value, words or a link."""
    if not value:
        return None
    if isinstance(value, list | tuple):
        return next((f for v in value if (f := doi_fragment(v))), None)
    text = str(value).strip().lower().removeprefix("doi:").strip()
    if normalise_doi(text) or not _FRAGMENT.match(text) or "://" in text or text.startswith("www."):
        return None
    if not any(c.isdigit() for c in text) or not any(c.isalpha() for c in text):
        return None
    return text


def doi_fragment_in_original(original: str | None) -> str | None:
    """:func:`doi_fragment` of the DOI field in a record's original fields (stored as JSON)."""
    if not original or ("do" not in original.lower() and '"DI"' not in original
                        and "electronic-resource-num" not in original):
        return None
    try:
        fields = json.loads(original)
    except ValueError:
        return None
    if not isinstance(fields, dict):
        return None
    for name, value in fields.items():
        low = str(name).lower()
        if low in _TAGGED_FIELDS:
            tagged = [str(v)[: -len(_DOI_TAG)] for v in (value if isinstance(value, list) else [value])
                      if str(v).lower().endswith(_DOI_TAG)]
            if fragment := doi_fragment(tagged):
                return fragment
        elif (low in _DOI_FIELDS or "doi" in low) and (fragment := doi_fragment(value)):
            return fragment
    return None
