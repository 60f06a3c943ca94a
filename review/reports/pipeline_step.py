"""The reports stage of ``review run``: render everything into reports/ and say what."""

from __future__ import annotations

from collections import Counter

from review.reports.problems import PrismaIncomplete
from review.reports.render import report
from review.steps import StepResult
from review.workspace import Workspace


def run_step(workspace: Workspace, *, actor: str) -> StepResult:
    """Render the flow diagram, tables and plots.

    While a stage is unfinished the flow diagram is drawn as a draft (open counts marked)
    and each open problem is listed; counts that do not add up stop the run (PRISMA-99).
    """
    details: list[str] = []
    result = report(workspace)
    if result.refused:
        problems = result.refused
        if any(p.code == "PRISMA-99" for p in problems):
            raise PrismaIncomplete(problems)
        result.refused = []
        result.extend(report(workspace, what=("prisma",), draft=True))
        details.append(f"prisma: drawn as a DRAFT: {len(problems)} count(s) still open:")
        details.extend(f"  {p}" for p in problems)
    root = workspace.path("reports")
    kinds = Counter(_kind(p.name) for p in result.files)
    names = sorted({p.name for p in result.files})
    folder = "reports/" if all(p.parent == root for p in result.files) else "the output folder"
    summary = (f"{len(names)} files into {folder} ("
               + ", ".join(f"{kinds[k]} {k}" for k in ("prisma", "table", "plot") if kinds[k]) + ")")
    if result.draft:
        summary += "; PRISMA flow diagram is a DRAFT"
    details.extend(_grouped(names))
    details.extend(result.notes)
    return StepResult("reports", summary, details)


def _kind(name: str) -> str:
    return "prisma" if name.startswith("prisma.") else name.split("-", 1)[0]


def _grouped(names: list[str]) -> list[str]:
    stems: dict[str, list[str]] = {}
    for name in names:
        stem, _dot, ext = name.rpartition(".")
        stems.setdefault(stem, []).append(ext)
    return [f"{stem}.{{{','.join(exts)}}}" if len(exts) > 1 else f"{stem}.{exts[0]}" for stem, exts in stems.items()]
