"""Inter-rater agreement per stage and reviewer pair: counts, percent agreement, Cohen's kappa.

Only reviewers' own current decisions count (not resolutions, not withdrawn decisions).
"maybe" has no place in a two-category kappa, so the caller says how to treat it:
``include`` (the default: at title-abstract a maybe goes on to full text like an include),
``exclude``, or ``separate`` (a third category). The report says which was used.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from itertools import combinations
from typing import Any

from sqlalchemy.engine import Connection

from review.errors import InputError
from review.screening.decisions import STAGES, check_stage, current_decisions

MAYBE_TREATMENTS = ("include", "exclude", "separate")


@dataclass
class PairAgreement:
    """Agreement between two reviewers at one stage."""

    stage: str
    reviewers: tuple[str, str]
    n: int  # works both reviewers screened
    both_include: int
    both_exclude: int
    both_maybe: int  # only counted when maybe is a separate category
    disagreements: int
    percent_agreement: float | None  # 0-100; None when n == 0
    kappa: float | None  # None when undefined (no works, or chance agreement is 1)
    kappa_note: str | None = None
    table: dict[str, dict[str, int]] = field(default_factory=dict)  # first's -> second's -> n
    reasons_compared: int | None = None  # full text: works both reviewers excluded outright
    same_reason: int | None = None  # ... of which both gave the same reason

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["reviewers"] = list(self.reviewers)
        return data


def maybe_note(maybe: str) -> str:
    """How "maybe" was treated, in words (printed with every agreement report)."""
    if maybe == "separate":
        return '"maybe" counted as a separate third category'
    return f'"maybe" counted as {maybe}'


def _category(decision: str, maybe: str) -> str:
    if decision == "maybe" and maybe != "separate":
        return maybe
    return decision


def kappa(first: list[str], second: list[str], categories: list[str]) -> tuple[float | None, str | None]:
    """Cohen's kappa via scikit-learn, or None with a reason when it is undefined."""
    from sklearn.metrics import cohen_kappa_score

    n = len(first)
    if n == 0:
        return None, "no works screened by both"
    expected = sum((first.count(c) / n) * (second.count(c) / n) for c in categories)
    if expected >= 1.0:
        return None, "undefined: both reviewers used a single category throughout"
    return float(cohen_kappa_score(first, second, labels=categories)), None


def pair_agreement(stage: str, pair: tuple[str, str], decisions: dict[int, dict[str, Any]],
                   maybe: str) -> PairAgreement:
    """Agreement of one pair over the works both screened (``decisions``: work -> reviewer -> Decision)."""
    a, b = pair
    categories = ["include", "exclude"] + (["maybe"] if maybe == "separate" else [])
    first: list[str] = []
    second: list[str] = []
    table = {c: dict.fromkeys(categories, 0) for c in categories}
    both_excluded = same_reason = 0
    for work in sorted(decisions):
        by = decisions[work]
        if a not in by or b not in by:
            continue
        x, y = _category(by[a].decision, maybe), _category(by[b].decision, maybe)
        first.append(x)
        second.append(y)
        table[x][y] += 1
        if by[a].decision == by[b].decision == "exclude":
            both_excluded += 1
            same_reason += by[a].reason == by[b].reason
    n = len(first)
    agree = sum(x == y for x, y in zip(first, second, strict=True))
    value, note = kappa(first, second, categories)
    return PairAgreement(
        stage=stage,
        reviewers=pair,
        n=n,
        both_include=table["include"]["include"],
        both_exclude=table["exclude"]["exclude"],
        both_maybe=table["maybe"]["maybe"] if maybe == "separate" else 0,
        disagreements=n - agree,
        percent_agreement=round(100.0 * agree / n, 1) if n else None,
        kappa=value,
        kappa_note=note,
        table=table,
        reasons_compared=both_excluded if stage == "full-text" else None,
        same_reason=same_reason if stage == "full-text" else None,
    )


def agreement(conn: Connection, stage: str | None = None, *, maybe: str = "include") -> dict[str, Any]:
    """Agreement for every pair of reviewers who screened works in common.

    Args:
        conn: a database connection.
        stage: one stage, or None for both.
        maybe: how to treat "maybe": include, exclude or separate.

    Returns:
        ``{"maybe": ..., "maybe_note": ..., "pairs": [PairAgreement.to_dict(), ...]}``.

    Raises:
        InputError: an unknown stage or maybe treatment.
    """
    if maybe not in MAYBE_TREATMENTS:
        raise InputError(f"unknown treatment {maybe!r}; use one of: {', '.join(MAYBE_TREATMENTS)}",
                         field="--maybe")
    stages = [check_stage(stage)] if stage else list(STAGES)
    pairs: list[PairAgreement] = []
    for name in stages:
        by_work: dict[int, dict[str, Any]] = {}
        for d in current_decisions(conn, name):
            if d.kind == "decision":
                by_work.setdefault(d.work_id, {})[d.reviewer] = d
        reviewers = sorted({r for by in by_work.values() for r in by})
        for pair in combinations(reviewers, 2):
            result = pair_agreement(name, pair, by_work, maybe)
            if result.n:
                pairs.append(result)
    return {"maybe": maybe, "maybe_note": maybe_note(maybe), "pairs": [p.to_dict() for p in pairs]}


def format_agreement(report: dict[str, Any]) -> str:
    """The agreement report as text."""
    lines = [f"Agreement between reviewers ({report['maybe_note']})"]
    if not report["pairs"]:
        lines.append("  no works screened by two reviewers yet")
    stage = None
    for pair in report["pairs"]:
        if pair["stage"] != stage:
            stage = pair["stage"]
            lines.append(f"{stage}:")
        a, b = pair["reviewers"]
        counts = f"both include {pair['both_include']}, both exclude {pair['both_exclude']}"
        if report["maybe"] == "separate":
            counts += f", both maybe {pair['both_maybe']}"
        kappa_text = f"{pair['kappa']:.3f}" if pair["kappa"] is not None else pair["kappa_note"]
        lines.append(f"  {a} & {b}: {pair['n']} screened by both; {counts}; "
                     f"disagree {pair['disagreements']}")
        lines.append(f"    percent agreement {pair['percent_agreement']:.1f}%; Cohen's kappa {kappa_text}")
        if pair["reasons_compared"]:
            lines.append(f"    exclusion reasons: the same in {pair['same_reason']} of "
                         f"{pair['reasons_compared']} works both excluded")
    return "\n".join(lines)
