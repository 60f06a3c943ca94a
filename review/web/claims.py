"""Which work each reviewer has on screen, so that a team does not all get the same one.

Every reviewer's queue is in the same order at first (the model starts from the protocol's
keywords), so twenty people asking for their next work at once would all be shown the top
one: one decision would be needed and nineteen would be refused (409) after reading it. A
work shown to a reviewer is therefore held for them for :data:`HOLD_SECONDS`: the others
are shown the next work that still needs them, unless every work left is held.

Holds are a hint kept by each server process (a browser keeps its connection, so mostly
one worker): they never refuse a decision. Two people deciding one work at one moment is
settled by the database (one decision and a 409, see ``WebState.decide``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable

#: How long a work shown to a reviewer is held for them (a slow abstract, a coffee).
HOLD_SECONDS = 600.0


class Holds:
    """The work each reviewer was last shown at each stage, and when."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._shown: dict[tuple[str, str], tuple[int, float]] = {}  # (stage, reviewer) -> (work, when)

    def hold(self, stage: str, reviewer: str, work: int) -> None:
        """``reviewer`` is shown ``work`` now (their earlier hold at ``stage`` ends)."""
        with self._lock:
            self._shown[(stage, reviewer)] = (work, self._clock())

    def held_by_others(self, stage: str, reviewer: str) -> dict[int, int]:
        """Work -> how many other reviewers hold it at ``stage`` now."""
        oldest = self._clock() - HOLD_SECONDS
        counts: dict[int, int] = {}
        with self._lock:
            for (where, who), (work, when) in self._shown.items():
                if where == stage and who != reviewer and when >= oldest:
                    counts[work] = counts.get(work, 0) + 1
        return counts

    def choose(self, stage: str, reviewer: str, first: int, order: Iterable[int],
               needed: Callable[[int], int]) -> int:
        """The work to show ``reviewer``: ``first`` (the top of their queue) unless as many
        others hold it as it still needs decisions, then the first such work of ``order``
        (``first`` again if every one is held); it is held for them."""
        held = self.held_by_others(stage, reviewer)
        chosen = first
        if held.get(first, 0) >= needed(first):
            chosen = next((w for w in order if held.get(w, 0) < needed(w)), first)
        self.hold(stage, reviewer, chosen)
        return chosen
