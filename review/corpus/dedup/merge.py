"""Step 5, merge: a work's bibliographic columns from the most complete value of each field.

Every record keeps its own row, source and id; the work row holds the merged ("canonical")
record. Per field:

- ``title``, ``type``, ``url``: from the canonical record (else the first member with one);
- ``authors``: the longest list (most names, then the fullest names);
- ``journal``, ``abstract``, ``publisher``: the longest value; ``journal_abbrev``: the shortest;
- ``pages`` (with ``page_first``/``page_last``): the most common full range, else the most
  common value;
- ``year``, ``volume``, ``issue``, ``doi``, ``pmid``, ``language``, ``issn``, ``isbn``: the most
  common value (ties: the canonical record's, then the lowest record id);
- ``keywords``: every member's keywords, each once, in order.

:func:`merge_records` also says which record each value came from, for ``explain``.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from review.store.schema import BIB_COLUMNS

_FROM_CANONICAL = ("title", "type", "url")
_LONGEST = ("journal", "abstract", "publisher")
_COMMON = ("year", "volume", "issue", "doi", "pmid", "language", "issn", "isbn")


def _filled(value: Any) -> bool:
    return value not in (None, "", "[]")


def _authors_size(raw: Any) -> tuple[int, int]:
    """(number of names, length): the stored JSON list is compared without parsing it."""
    if isinstance(raw, str):
        return (raw.count('"family"'), len(raw))
    items = raw or []
    return (len(items), sum(len(str(a.get("given", ""))) + len(str(a.get("family", ""))) for a in items
                            if isinstance(a, Mapping)))


def merge_records(members: Sequence[Mapping[str, Any]], canonical: int) -> tuple[dict[str, Any], dict[str, int]]:
    """(merged columns, field -> record id it came from) for one group of record rows.

    Args:
        members: the group's record rows (with ``id`` and the ``BIB_COLUMNS``).
        canonical: the id of the group's canonical record.
    """
    by_priority = sorted(members, key=lambda r: (r["id"] != canonical, r["id"]))
    merged: dict[str, Any] = {name: None for name in BIB_COLUMNS}
    source: dict[str, int] = {}

    def take(name: str, row: Mapping[str, Any]) -> None:
        merged[name] = row[name]
        source[name] = int(row["id"])

    for name in _FROM_CANONICAL:
        for row in by_priority:
            if _filled(row.get(name)):
                take(name, row)
                break
    rows = [r for r in by_priority if _filled(r.get("authors"))]
    if rows:
        take("authors", max(rows, key=lambda r: _authors_size(r["authors"])))
    for name in _LONGEST:
        rows = [r for r in by_priority if _filled(r.get(name))]
        if rows:
            take(name, max(rows, key=lambda r: len(str(r[name]))))
    rows = [r for r in by_priority if _filled(r.get("journal_abbrev"))]
    if rows:
        take("journal_abbrev", min(rows, key=lambda r: len(str(r["journal_abbrev"]))))
    for name in _COMMON:
        _most_common(name, by_priority, take)
    ranged = [r for r in by_priority if _filled(r.get("page_first")) and _filled(r.get("page_last"))]
    pool = ranged or [r for r in by_priority if _filled(r.get("pages"))]
    if pool:
        counts = Counter(str(r.get("pages")) for r in pool)
        best = max(pool, key=lambda r: counts[str(r.get("pages"))])
        for name in ("pages", "page_first", "page_last"):
            take(name, best)
    keywords: list[str] = []
    for row in by_priority:
        raw = row.get("keywords")
        if not _filled(raw):
            continue
        try:
            items = json.loads(raw) if isinstance(raw, str) else list(raw)
        except ValueError:
            items = [str(raw)]
        keywords.extend(k for k in items if k not in keywords)
    if keywords:
        merged["keywords"] = json.dumps(keywords, ensure_ascii=False)
    return merged, source


def _most_common(name: str, rows: Sequence[Mapping[str, Any]], take: Any) -> None:
    filled = [r for r in rows if _filled(r.get(name))]
    if not filled:
        return
    if len({str(r[name]).lower() for r in filled}) == 1:
        take(name, filled[0])
        return
    counts = Counter(str(r[name]).lower() for r in filled)
    best = max(counts.values())
    for row in filled:  # canonical first, then by record id
        if counts[str(row[name]).lower()] == best:
            take(name, row)
            return
