"""Tables about what was searched for and what was included: criteria, documents, and the
characteristics of documents and studies."""

from __future__ import annotations

from typing import Any

from review.reports.data import ReviewData, document_type, get
from review.reports.model import Table
from review.workspace import Workspace


def criteria_table(workspace: Workspace | None) -> Table:
    """The eligibility criteria by domain (seed 001, Table 1); the CSV lists one criterion a row."""
    table = Table("criteria", "Selection criteria", ["Domain", "Inclusion criteria", "Exclusion criteria"],
                  empty="No selection criteria yet: write protocols/criteria.yaml (review criteria init).")
    tidy = Table("criteria", table.title, ["domain", "kind", "id", "criterion"])
    criteria = None
    if workspace is not None:
        from review.screening.criteria import CRITERIA_PATH, workspace_criteria

        if workspace.path(*CRITERIA_PATH).is_file():
            criteria = workspace_criteria(workspace)
    if criteria is None:
        table.tidy = tidy
        return table
    table.title = criteria.title or table.title
    for domain in criteria.domains:
        include = "\n".join(c.text for c in domain.include) or "-"
        exclude = "\n".join(c.text for c in domain.exclude) or "-"
        table.add(domain.name, include, exclude)
        for kind, items in (("include", domain.include), ("exclude", domain.exclude)):
            for item in items:
                tidy.add(domain.name, kind, item.id, item.text)
    table.notes.append("When a report met several exclusion criteria, the first in the table's order "
                       "was recorded (one reason per report, as PRISMA 2020 asks).")
    table.tidy = tidy
    return table


def _study_key(data: ReviewData, work_id: int) -> str | None:
    study = data.study_of.get(work_id)
    return str(get(study, "key")) if study is not None else None


def documents_table(data: ReviewData) -> Table:
    """Included documents grouped by study (seed 001, Table 2), as "Author (year)"."""
    unit = data.unit.capitalize()
    versions = _versions(data)  # after `review update start`: which version found each document
    table = Table("documents", f"Included documents grouped by {data.unit}",
                  ["Document", "Title", "Type"] + (["Version"] if versions else []), group_label=unit,
                  empty="No documents included yet: include reports at full text (review screen --stage full-text).")
    order: list[tuple[Any, ...]] = []
    positions = {str(get(s, "key")): (get(s, "position") or 0, i) for i, s in enumerate(data.studies or [])}
    for report in data.reports:
        key = _study_key(data, report.work_id)
        where = positions.get(key, (10**9, 10**9)) if key is not None else (10**9 + 1, 0)
        order.append((where, report.year or 0, data.citation(report.work_id), report.work_id, key, report))
    for _where, _year, citation, _work, key, report in sorted(order, key=lambda t: t[:4]):
        group = data.study_label(key) if key is not None else f"Not grouped into a {data.unit}"
        version = [versions.get(report.work_id, "-")] if versions else []
        table.add(citation, report.title, document_type(report.type), *version, group=group)
    studies = len({_study_key(data, r.work_id) or f"r{r.work_id}" for r in data.reports})
    if data.reports:
        table.notes.append(f"{len(data.reports)} documents, {studies} {data.unit_plural}"
                           + ("" if data.studies else f" (each document counted as its own {data.unit}: "
                              "no grouping recorded; see review studies)") + ".")
    return table


def _versions(data: ReviewData) -> dict[int, str] | None:
    """Each included document's version label, or None while the review has one version."""
    if data.workspace is None:
        return None
    from review.versions import version_labels_of_works

    with data.workspace.store().read() as conn:
        return version_labels_of_works(conn)


def _field_value(data: ReviewData, study: Any, names: tuple[str, ...]) -> str | None:
    values = get(study, "characteristics", {}) or {}
    for spec in data.fields:
        fid, label = str(get(spec, "id", "")), str(get(spec, "label", ""))
        if fid.lower() in names or label.lower() in names:
            value = values.get(fid)
            if value not in (None, ""):
                return ", ".join(map(str, value)) if isinstance(value, list) else str(value)
    for name in names:
        if values.get(name) not in (None, ""):
            return str(values[name])
    return None


def _designs(data: ReviewData) -> dict[int, str]:
    designs = {}
    for entry in (data.appraisal or {}).get("reports", []):
        label = entry.get("category_label")
        if label:
            designs[int(entry["report"])] = str(label)
    return designs


def characteristics_table(data: ReviewData) -> Table:
    """One row per included document: citation, title, type, design, country."""
    table = Table("characteristics", "Characteristics of the included documents",
                  ["Document", "Title", "Type", "Design", "Country"], wide=True,
                  empty="No documents included yet.")
    designs = _designs(data)
    for report in sorted(data.reports, key=lambda r: (data.citation(r.work_id).casefold(), r.work_id)):
        study = data.study_of.get(report.work_id)
        design = (_field_value(data, study, ("design", "study design", "method", "methods"))
                  if study is not None else None) or designs.get(report.work_id) or "not recorded"
        country = (_field_value(data, study, ("country", "countries", "location"))
                   if study is not None else None) or "not recorded"
        table.add(data.citation(report.work_id), report.title, document_type(report.type), design, country)
    sources = []
    if data.missing.get("appraisal") or not data.appraisal:
        sources.append("design from the MMAT category once appraised")
    if not data.studies:
        sources.append(f"country from the {data.unit} characteristics once recorded (review studies import)")
    if data.reports and sources:
        table.notes.append("Not recorded: " + "; ".join(sources) + ".")
    return table


def study_characteristics_table(data: ReviewData) -> Table:
    """One row per study: its documents and every characteristic the protocol defines."""
    unit = data.unit.capitalize()
    fields = [(str(get(f, "id")), str(get(f, "label") or get(f, "id"))) for f in data.fields]
    table = Table("study-characteristics", f"Characteristics of the included {data.unit_plural}",
                  [unit, "Documents", *[label for _fid, label in fields]], wide=len(fields) > 3,
                  empty=(f"No {data.unit_plural} recorded yet: group the included reports with "
                         "review studies import FILE." if data.studies is not None
                         else f"No {data.unit_plural}: {data.missing.get('studies', '')}."))
    by_study: dict[str, list[int]] = {}
    for work_id, study in data.study_of.items():
        by_study.setdefault(str(get(study, "key")), []).append(work_id)
    for study in data.studies or []:
        key = str(get(study, "key"))
        works = sorted(get(study, "reports", None) or by_study.get(key, []))
        docs = "; ".join(data.citation(w) for w in works) or "none"
        values = get(study, "characteristics", {}) or {}
        row = [data.study_label(key), docs]
        for fid, _label in fields:
            value = values.get(fid)
            row.append(", ".join(map(str, value)) if isinstance(value, list) else ("" if value is None else str(value)))
        table.add(*row)
    return table
