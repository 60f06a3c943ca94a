"""Deduplication: group records into works, explainably, without losing any record.

A pipeline of small named steps, each in its own module:

1. :mod:`~review.corpus.dedup.keys` (normalise): comparison keys from the stored records,
   with :mod:`~review.corpus.dedup.text` (folding), :mod:`~review.corpus.dedup.pages`
   (volume, issue, pages) and :mod:`~review.corpus.dedup.kinds` (notices, meeting
   abstracts, preprints);
2. :mod:`~review.corpus.dedup.block`: candidate pairs (identifiers, title fingerprints,
   sorted neighbourhoods, title starts and ends);
3. :mod:`~review.corpus.dedup.compare` and :mod:`~review.corpus.dedup.score`:
   field-by-field evidence, guards, three bands;
4. :mod:`~review.corpus.dedup.cluster`: groups without chaining, a person's decisions first;
5. :mod:`~review.corpus.dedup.merge`: each work's record from the most complete values;

then :mod:`~review.corpus.dedup.run` writes works with stable ids. Around it:
:mod:`~review.corpus.dedup.decisions` (pair verdicts), :mod:`~review.corpus.dedup.check`
(the interactive queue), :mod:`~review.corpus.dedup.explain`,
:mod:`~review.corpus.dedup.overlap` and :mod:`~review.corpus.dedup.summary`.

Heavy modules load on first use, so that importing this package (the store's migration
does) stays cheap.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from review.corpus.dedup.tables import works_x
from review.errors import NotFound

if TYPE_CHECKING:
    from review.corpus.dedup.run import DedupResult
    from review.corpus.dedup.settings import DedupSettings
    from review.store import Store

__all__ = ["DedupResult", "DedupSettings", "dedup", "live_work_id"]


def live_work_id(conn: Connection, work_id: int) -> int:
    """The live work that ``work_id`` now is: itself, or the end of its ``merged_into`` chain.

    Raises:
        NotFound: there is no work ``work_id``.
    """
    current = int(work_id)
    seen = {current}
    while True:
        row = conn.execute(select(works_x.c.merged_into).where(works_x.c.id == current)).first()
        if row is None:
            if current == work_id:
                raise NotFound(f"there is no work {work_id}", field="WORK")
            return current
        if row.merged_into is None or row.merged_into in seen:
            return current
        current = int(row.merged_into)
        seen.add(current)


def dedup(store: Store, *, actor: str, settings: DedupSettings | None = None, dry_run: bool = False,
          progress: Any = None) -> DedupResult:
    """``review dedup``; see :func:`review.corpus.dedup.run.dedup`."""
    from review.corpus.dedup.run import dedup as _dedup

    return _dedup(store, actor=actor, settings=settings, dry_run=dry_run, progress=progress)


def __getattr__(name: str) -> Any:
    if name == "DedupSettings":
        from review.corpus.dedup.settings import DedupSettings

        return DedupSettings
    if name == "DedupResult":
        from review.corpus.dedup.run import DedupResult

        return DedupResult
    raise AttributeError(name)
