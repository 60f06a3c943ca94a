"""What the tables read from the other stages, through their documented functions.

Every table shows the included reports only: fragments and study groupings of a report no
longer included stay in the database, out of the tables, and come back with the report.

Each stage's module is imported inside the function that needs it, so a stage that is not
there yet (or has recorded nothing) gives an empty result and a table that says so, never
a crash or a silent omission. A stage that is there but fails still raises.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.engine import Connection

from review.included import IncludedReport
from review.workspace import Workspace

TYPES = {"journal-article": "article", "review": "article", "comment": "article", "editorial": "article",
         "letter": "article", "conference-paper": "conference paper", "thesis": "thesis",
         "dissertation": "thesis", "report": "report", "book": "book", "book-chapter": "book chapter"}


def get(item: Any, name: str, default: Any = None) -> Any:
    """An attribute of a dataclass-like item, or a key of a dict."""
    if isinstance(item, dict):
        return item.get(name, default)
    return getattr(item, name, default)


def document_type(raw: str | None) -> str:
    """article / thesis / report / ... from the normalised record type."""
    if not raw:
        return "not stated"
    return TYPES.get(raw.lower(), raw.lower().replace("-", " "))


@dataclass
class ReviewData:
    """Everything the tables are built from, read once."""

    workspace: Workspace | None
    reports: list[IncludedReport] = field(default_factory=list)
    citations: dict[int, str] = field(default_factory=dict)  # work id -> "Author (2013a)"
    studies: list[Any] | None = None  # None: the studies stage is not there
    study_of: dict[int, Any] = field(default_factory=dict)
    unit: str = "study"
    unit_plural: str = "studies"
    fields: list[Any] = field(default_factory=list)  # the study protocol's characteristic fields
    appraisal: dict[str, Any] | None = None
    theories: dict[str, Any] | None = None
    fragments: list[Any] | None = None
    missing: dict[str, str] = field(default_factory=dict)  # stage -> why it gave nothing

    def citation(self, work_id: int) -> str:
        return self.citations.get(work_id, f"report {work_id}")

    def study_label(self, key: str) -> str:
        for study in self.studies or []:
            if str(get(study, "key")) == str(key):
                return _study_heading(self.unit, study)
        return f"#{key}" if not str(key).startswith("#") else str(key)


def _study_heading(unit: str, study: Any) -> str:
    key = str(get(study, "key"))
    label = get(study, "label") or ""
    mark = key if key.startswith("#") or not key.isdigit() else f"#{key}"
    return f"{mark} {label}".strip() if label and label != key else f"{unit.capitalize()} {mark}"


def citations(reports: list[IncludedReport]) -> dict[int, str]:
    """Short citations, with a, b, ... where two reports would print the same
    (Field et al. (2013a), Field et al. (2013b)), in work id order."""
    plain = {r.work_id: r.citation for r in reports}
    clashes = Counter(plain.values())
    seen: Counter = Counter()
    found = {}
    for report in sorted(reports, key=lambda r: r.work_id):
        text = plain[report.work_id]
        if clashes[text] > 1 and text.endswith(")"):
            letter = "abcdefghijklmnopqrstuvwxyz"[seen[text] % 26]
            seen[text] += 1
            text = text[:-1] + letter + ")"
        found[report.work_id] = text
    return found


def load(workspace: Workspace | None, conn: Connection) -> ReviewData:
    """Read every stage's data for the tables."""
    from review.included import included_reports

    rpw = int(workspace.setting("screening", "reviewers_per_work", 1) or 1) if workspace else 1
    data = ReviewData(workspace)
    data.reports = included_reports(conn, reviewers_per_work=rpw)
    data.citations = citations(data.reports)
    try:
        from review.studies import list_studies  # type: ignore[attr-defined]
    except ImportError:
        data.missing["studies"] = "the studies stage is not available in this version"
    else:
        data.studies = _included_studies(list_studies(conn), {r.work_id for r in data.reports})
        data.study_of = {w: s for s in data.studies for w in get(s, "reports", ())}
    if workspace is not None:
        try:
            from review.studies import workspace_protocol  # type: ignore[attr-defined]
        except ImportError:
            pass
        else:
            protocol = workspace_protocol(workspace)
            data.unit = str(get(protocol, "unit", "study") or "study")
            data.unit_plural = str(get(protocol, "unit_plural", "") or data.unit + "s")
            data.fields = list(get(protocol, "fields", []) or [])
    try:
        from review.appraisal import appraisal_table  # type: ignore[attr-defined]
    except ImportError:
        data.missing["appraisal"] = "the appraisal stage is not available in this version"
    else:
        data.appraisal = appraisal_table(conn, reports=data.reports)
    try:
        from review.synthesis import theories_report  # type: ignore[attr-defined]
    except ImportError:
        data.missing["theories"] = "the theories stage is not available in this version"
    else:
        data.theories = theories_report(conn)
    current_fragments = _function(("review.extraction", "review.extraction.fragments"), "current_fragments")
    if current_fragments is None:
        data.missing["extraction"] = "the extraction stage is not available in this version"
    else:
        included = {r.work_id for r in data.reports}  # a report no longer included keeps its fragments
        data.fragments = [f for f in current_fragments(conn) if get(f, "work_id") in included]
    return data


def _included_studies(studies: list[Any], included: set[int]) -> list[Any]:
    """The studies with only their included reports; a study whose reports are all no longer
    included is left out (its grouping is kept, and comes back with them)."""
    found = []
    for study in studies:
        reports = tuple(w for w in study.reports if w in included)
        if study.reports and not reports:
            continue
        found.append(dataclasses.replace(study, reports=reports) if reports != study.reports else study)
    return found


def _function(modules: tuple[str, ...], name: str) -> Any:
    """``name`` from the first of ``modules`` that has it (the package, then its module)."""
    import importlib

    for module in modules:
        try:
            found = getattr(importlib.import_module(module), name, None)
        except ImportError:
            continue
        if found is not None:
            return found
    return None
