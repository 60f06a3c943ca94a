"""robvis's layout in and out: ``Study``, one column per domain, ``Overall``, optional ``Weight``.

robvis (McGuinness & Higgins 2021) draws risk-of-bias plots from that layout but has no MMAT
template; its "Generic" tool reads the judgements ``Low``, ``Some concerns``, ``High`` and
``No information``. We write one file per MMAT category (the domains are the screening
questions and that category's criteria, headed by their ids) with yes -> ``Low``, can't tell ->
``Some concerns``, no -> ``High``, not rated -> ``No information``; ``Overall`` is always
``No information`` because MMAT's authors discourage an overall score (draw with
``overall = FALSE``). On import, those words, Yes/No/Can't tell, ``+``/``-``/``?`` and
``Unclear`` are understood; ``Overall`` and ``Weight`` are read and ignored.
"""

from __future__ import annotations

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

TO_ROBVIS = {"yes": "Low", "cant-tell": "Some concerns", "no": "High"}
NO_INFORMATION = "No information"
FROM_ROBVIS = {"low": "yes", "+": "yes", "yes": "yes", "y": "yes", "high": "no", "critical": "no",
               "serious": "no", "-": "no", "no": "no", "n": "no", "some concerns": "cant-tell",
               "unclear": "cant-tell", "moderate": "cant-tell", "?": "cant-tell", "can't tell": "cant-tell",
               "cant tell": "cant-tell", "cant-tell": "cant-tell", "no information": "", "ni": "", "x": "no",
               "\u2713": "yes", "\u2717": "no"}


def export_robvis(store: Store, path: str | Path, tool: Instrument, *, category: str | None = None,
                  reviewers_per_report: int = 1) -> list[Path]:
    """Write robvis files: one per category (``<stem>-<category><suffix>`` unless one is asked)."""
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
            writer.writerow(["Study", *items, "Overall", "Weight"])
            for report in rated:
                cells = [TO_ROBVIS.get((report["answers"].get(i) or {}).get("answer"), NO_INFORMATION)
                         for i in items]
                writer.writerow([f"{report['citation']} [{report['report']}]", *cells, NO_INFORMATION, 1])
        written.append(target)
    return written


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
    ids = {i.id for i in tool.all_items()}
    if all(d.strip() in ids for d in domains):
        items = [d.strip() for d in domains]
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
