"""Coded problems: why a PRISMA count cannot be drawn yet, and how to fix it.

Every problem names a stage that is unfinished, says how many items are open and which
command settles them. ``review report prisma`` refuses while any is open (one line per
problem); ``--draft`` draws anyway and marks the boxes listed in ``affects``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from review.errors import ReviewError

#: Problem codes, what they mean (the reference table in docs/reports.md).
CODES = {
    "PRISMA-01": "no search results imported",
    "PRISMA-02": "records not yet deduplicated",
    "PRISMA-03": "uncertain duplicate pairs not yet settled",
    "PRISMA-04": "records without a title-abstract decision",
    "PRISMA-05": "title-abstract conflicts not yet resolved",
    "PRISMA-06": "reports eligible for full text not yet sought",
    "PRISMA-07": "reports sought but neither retrieved nor marked not retrieved",
    "PRISMA-08": "reports retrieved without a full-text decision",
    "PRISMA-09": "full-text conflicts not yet resolved",
    "PRISMA-10": "full-text decisions still 'maybe'",
    "PRISMA-11": "full-text exclusions without a reason",
    "PRISMA-99": "counts do not add up",
}


@dataclass(frozen=True)
class Problem:
    """One open or inconsistent count.

    Attributes:
        code: one of :data:`CODES`.
        message: what is missing, with the number of items.
        fix: the command (or action) that settles it.
        affects: the PRISMA data keys whose numbers are open while it lasts.
    """

    code: str
    message: str
    fix: str
    affects: tuple[str, ...] = field(default=())

    def __str__(self) -> str:
        return f"{self.code}: {self.message}; {self.fix}"


class PrismaIncomplete(ReviewError):
    """The flow diagram cannot be drawn: stages are unfinished (exit status 1)."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        lines = "\n".join(f"  {p}" for p in problems)
        super().__init__(
            f"PRISMA flow diagram not drawn: {len(problems)} problem(s)\n{lines}\n"
            "  (--draft draws it anyway, with the open counts marked)"
        )
