"""What a stage of ``review run`` reports: ran, skipped (and why) or failed."""

from __future__ import annotations

from dataclasses import dataclass, field

#: A step's outcome.
STATUSES = ("ran", "skipped", "failed")


@dataclass
class StepResult:
    """One stage's outcome for ``review run``.

    Attributes:
        name: the stage (import, dedup, screening, appraisal, ...).
        summary: one line: what it did, or why it was skipped.
        details: further lines (per file, per output).
        status: ``ran``, ``skipped`` (no inputs, nothing to do) or ``failed``.
        error: for a failed stage, what it raised.
    """

    name: str
    summary: str
    details: list[str] = field(default_factory=list)
    status: str = "ran"
    error: BaseException | None = field(default=None, repr=False, compare=False)

    @classmethod
    def skipped(cls, name: str, why: str) -> StepResult:
        return cls(name, why, status="skipped")
