"""robvis's layout in and out: ``Study``, one column per domain, ``Weight``.

robvis (McGuinness & Higgins 2021) draws risk-of-bias plots from that layout but has no MMAT
template; its "Generic" tool reads the judgements ``Low``, ``Some concerns``, ``High`` and
``No information``. We write one file per MMAT category (the domains are the screening
questions and that category's criteria) with yes -> ``Low``, can't tell -> ``Some concerns``,
no -> ``High``, not rated -> ``No information``.

Domain columns carry R-safe names (:data:`MMAT_NAMES`: ``1.1`` is
``Qualitative.approach.appropriate``): R's ``read.csv`` would turn ``1.1`` into ``X1.1`` and
robvis would print "X1 1"; it prints a dotted name with spaces. There is no ``Overall``
column unless asked for (MMAT's authors discourage an overall score, and robvis plots every
column but the last numeric one as a domain when ``overall = FALSE``). On import, those
names, question ids (also R's ``X1.1``), Low/Some concerns/High/No information, Yes/No/Can't
tell, ``+``/``-``/``?`` and ``Unclear`` are understood; ``Overall`` and ``Weight`` are read
and ignored.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from review.appraisal.instruments import Instrument
from review.appraisal.judgements import current
from review.appraisal.rules import check_category
from review.appraisal.sheet import COLUMNS, ImportSummary, load_rows
from review.appraisal.sheetio import read_rows
from review.appraisal.table import appraisal_table
from review.errors import InputError
from review.included import included_reports
from review.store import Store

#: R-safe robvis domain names of MMAT 2018's questions (robvis prints the dots as spaces).
MMAT_NAMES: dict[str, str] = {
    "S1": "Clear.research.questions", "S2": "Data.address.the.questions",
    "1.1": "Qualitative.approach.appropriate", "1.2": "Data.collection.adequate",
    "1.3": "Findings.derived.from.data", "1.4": "Interpretation.substantiated",
    "1.5": "Coherence.throughout",
    "2.1": "Randomization.appropriate", "2.2": "Groups.comparable.at.baseline",
    "2.3": "Complete.outcome.data", "2.4": "Outcome.assessors.blinded",
    "2.5": "Participants.adhered",
    "3.1": "Participants.representative", "3.2": "Measurements.appropriate",
    "3.3": "Complete.outcome.data", "3.4": "Confounders.accounted.for",
    "3.5": "Intervention.as.intended",
    "4.1": "Sampling.strategy.relevant", "4.2": "Sample.representative",
    "4.3": "Measurements.appropriate", "4.4": "Nonresponse.bias.low",
    "4.5": "Statistical.analysis.appropriate",
    "5.1": "Rationale.for.mixed.methods", "5.2": "Components.integrated",
    "5.3": "Integration.interpreted", "5.4": "Divergences.addressed",
    "5.5": "Each.tradition.adhered.to",
}


def domain_name(tool: Instrument, item: str) -> str:
    """The R-safe column name of a question: MMAT's from :data:`MMAT_NAMES`, any other
    instrument's id made a valid R name (``Q`` before a leading digit, other signs ``_``)."""
    if tool.id == "mmat-2018" and item in MMAT_NAMES:
        return MMAT_NAMES[item]
    name = re.sub(r"[^A-Za-z0-9_]", "_", item)
    return name if name[:1].isalpha() else f"Q{name}"


TO_ROBVIS = {"yes": "Low", "cant-tell": "Some concerns", "no": "High"}
NO_INFORMATION = "No information"
FROM_ROBVIS = {"low": "yes", "+": "yes", "yes": "yes", "y": "yes", "high": "no", "critical": "no",
               "serious": "no", "-": "no", "no": "no", "n": "no", "some concerns": "cant-tell",
               "unclear": "cant-tell", "moderate": "cant-tell", "?": "cant-tell", "can't tell": "cant-tell",
               "cant tell": "cant-tell", "cant-tell": "cant-tell", "no information": "", "ni": "", "x": "no",
               "\u2713": "yes", "\u2717": "no"}


def export_robvis(store: Store, path: str | Path, tool: Instrument, *, category: str | None = None,
                  reviewers_per_report: int = 1, overall: bool = False) -> list[Path]:
    """Write robvis files: one per category (``<stem>-<category><suffix>`` unless one is asked).

    Args:
        overall: add an ``Overall`` column (always ``No information``: MMAT has no overall
            score); draw such a file with robvis's ``overall = TRUE``.
    """
    import csv

    path = Path(path)
    with store.read() as conn:
        table = appraisal_table(conn, instrument=tool, reviewers_per_report=reviewers_per_report)
    wanted = [check_category(tool, category, field="--category")] if category else tool.category_ids
    written = []
    for cat in wanted:
        items = [s.id for s in tool.screening] + tool.category(cat).item_ids
        rated = [r for r in table["reports"] if cat in r["categories"]]
        if category is None and not rated:
            continue
        target = path if category else path.with_name(f"{path.stem}-{cat}{path.suffix or '.csv'}")
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            extra = ["Overall"] if overall else []
            writer.writerow(["Study", *(domain_name(tool, i) for i in items), *extra, "Weight"])
            for report in rated:
                cells = [TO_ROBVIS.get((report["answers"].get(i) or {}).get("answer"), NO_INFORMATION)
                         for i in items]
                extra = [NO_INFORMATION] if overall else []
                writer.writerow([f"{report['citation']} [{report['report']}]", *cells, *extra, 1])
        written.append(target)
    return written


def _named_items(tool: Instrument, domains: list[str], category: str | None) -> list[str] | None:
    """The question ids the domain columns name (ids, R's ``X1.1``, or :func:`domain_name`
    names, read within ``category`` or the one category they all fit), or None."""
    ids = [i.id for i in tool.all_items()]
    screening = [s.id for s in tool.screening]
    candidates = [category] if category else tool.category_ids
    for cat in candidates:
        try:
            own = screening + tool.category(cat).item_ids
        except KeyError:  # an unknown --category is refused by the caller
            own = screening
        by_name = {domain_name(tool, i).casefold(): i for i in own}
        found = [by_name.get(d.strip().casefold()) for d in domains]
        if domains and all(found):
            return [f for f in found if f]
    found_ids = [d.strip() if d.strip() in ids else d.strip()[1:] if d.strip()[1:] in ids and d.strip()[:1] in "Xx"
                 else None for d in domains]
    if domains and all(found_ids):
        return [f for f in found_ids if f]
    return None


def _study_index(conn: Any) -> dict[str, int | None]:
    index: dict[str, int | None] = {}
    for report in included_reports(conn):
        for key in (str(report.work_id), report.citation.casefold(),
                    f"{report.citation} [{report.work_id}]".casefold()):
            index[key] = report.work_id if index.get(key, report.work_id) == report.work_id else None
    return index


def import_robvis(store: Store, path: str | Path, tool: Instrument, *, reviewer: str, actor: str,
                  category: str | None = None, reviewers: Sequence[str] = (),
                  root: str | Path | None = None) -> ImportSummary:
    """Load a robvis-layout file as one reviewer's answers (all or nothing)."""
    path = Path(path)
    header, rows = read_rows(path)
    lowered = [h.strip().casefold() for h in header]
    if not lowered or lowered[0] != "study":
        raise InputError("a robvis file starts with a Study column", path=path, line=1, field=header[0] if header else None)
    domains = [h for h in header[1:] if h.strip().casefold() not in ("overall", "weight")]
    named = _named_items(tool, domains, category)
    if named is not None:
        items = named
        owners = {tool.item(i).category for i in items} - {None}
        design = category or (owners.pop() if len(owners) == 1 else None)
    else:
        if not category:
            raise InputError("the domains are not question ids: say which category they are with --category",
                             path=path, line=1, field=domains[0] if domains else "Study")
        design = category
        cat_items = tool.category(check_category(tool, category, field="--category")).item_ids
        screening = [s.id for s in tool.screening]
        if len(domains) == len(cat_items):
            items = cat_items
        elif len(domains) == len(screening) + len(cat_items):
            items = [*screening, *cat_items]
        else:
            raise InputError(f"{len(domains)} domain columns; category {category} has {len(cat_items)} criteria "
                             f"(or {len(screening) + len(cat_items)} with the screening questions)",
                             path=path, line=1, field=domains[0] if domains else "Study")
    with store.read() as conn:
        index = _study_index(conn)
        state = current(conn)
    own = {work: report.reviewers[reviewer].categories for work, report in state.items() if reviewer in report.reviewers}
    sheet_rows: list[tuple[int, dict[str, str]]] = []
    for line, row in rows:
        study = row.get(header[0], "").strip()
        work = index.get(study.casefold()) or index.get(study.rsplit("[", 1)[-1].rstrip("]").strip())
        if work is None:
            raise InputError(f"{study!r} is not an included report (give its work id or its citation, "
                             "e.g. 'Anderson (2013)')", path=path, line=line, field=header[0])
        for domain, item in zip(domains, items, strict=True):
            raw = row.get(domain, "").strip()
            answer = FROM_ROBVIS.get(raw.casefold().replace("\u2019", "'"))
            if answer is None:
                raise InputError(f"{raw!r} is not a judgement robvis or MMAT uses (Low, Some concerns, High, "
                                 "No information; Yes, No, Can't tell)", path=path, line=line, field=domain)
            keep = design and design in own.get(work, [])  # already part of this reviewer's design (e.g. mixed)
            sheet_rows.append((line, {"report": str(work), "instrument": tool.id, "category": "" if keep else design or "",
                                      "item": item, "answer": answer, "comment": "", "reviewer": reviewer}))
    return load_rows(store, list(COLUMNS), sheet_rows, label=str(path), origin=f"robvis:{path.name}",
                     actor=actor, reviewers=reviewers, root=root)
