"""One process's shared ranking features: reviewers screening the same works share one matrix.

A :class:`~review.screening.prioritise.Ranker`'s features (the TF-IDF matrix, the fields'
blocks, the protocol's row, the keywords' cold-start scores) depend only on the works'
texts and fields, the protocol, the keywords, the model and the seed, never on who screens.
Twenty reviewers in one ``review serve`` worker would otherwise build twenty identical
matrices at once (seconds each at a few thousand works, all on the same cores).

:func:`shared_ranker` builds the features once per set of inputs (keyed by a digest of
them) and gives each caller its own :class:`Ranker` sharing the read-only matrices, with a
score cache of its own (:meth:`Ranker.fresh`). A change of the works (new works after a
dedup, a merge) changes the digest, so the next queue gets new features. The cache keeps
the :data:`MAX_ENTRIES` most recently used feature sets; it is thread-safe, and a second
caller asking for features being built waits for them instead of building them again.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import Any

__all__ = ["MAX_ENTRIES", "clear", "digest", "shared_ranker"]

#: Feature sets kept per process (the most recently used ones).
MAX_ENTRIES = 4

_lock = threading.Lock()
_entries: OrderedDict[str, Any] = OrderedDict()  # digest -> a Ranker whose features are shared
_building: dict[str, threading.Lock] = {}  # digest -> held while its features are built


def digest(texts: Sequence[str], *, include_keywords: Sequence[str] = (), exclude_keywords: Sequence[str] = (),
           seed: int = 0, model: str | None = None, fields: Mapping[str, Sequence[str]] | None = None,
           protocol: str = "", field_weight: float | None = None) -> str:
    """A digest of every input a Ranker's features depend on (the same arguments as Ranker)."""
    h = hashlib.blake2b(digest_size=20)

    def part(value: object) -> None:
        data = str(value).encode("utf-8", "surrogatepass")
        h.update(len(data).to_bytes(8, "little"))
        h.update(data)

    for value in (seed, model, protocol, field_weight, len(texts)):
        part(value)
    for group in (include_keywords, exclude_keywords):
        part(len(group))
        for keyword in group:
            part(keyword)
    for text in texts:
        part(text if isinstance(text, str) else "")
    for name in sorted(fields or {}):
        part(name)
        for value in (fields or {})[name]:
            part(value)
    return h.hexdigest()


def shared_ranker(texts: Sequence[str], **options: Any) -> Any:
    """A new :class:`~review.screening.prioritise.Ranker` over ``texts``, whose features are
    built once per process for the same inputs and shared (read-only) between callers.

    Args:
        texts: as for Ranker.
        **options: Ranker's keyword arguments (keywords, seed, model, fields, protocol,
            field_weight).

    Returns:
        A Ranker of the caller's own (its score cache is not shared).
    """
    from review.screening.prioritise import Ranker  # scikit-learn: load only when ranking

    key = digest(texts, **options)
    with _lock:
        found = _entries.get(key)
        if found is not None:
            _entries.move_to_end(key)
            return found.fresh()
        building = _building.setdefault(key, threading.Lock())
    with building:  # one build per key; the others wait for it
        with _lock:
            found = _entries.get(key)
        if found is None:
            found = Ranker(texts, **options)
            with _lock:
                _entries[key] = found
                _entries.move_to_end(key)
                while len(_entries) > MAX_ENTRIES:
                    _entries.popitem(last=False)
                _building.pop(key, None)
    return found.fresh()


def clear() -> None:
    """Forget every shared feature set (tests; a process that wants the memory back)."""
    with _lock:
        _entries.clear()
