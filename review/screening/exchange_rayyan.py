"""``review screen export --format rayyan``: the works and their decisions as Rayyan's CSV.

The columns are those of Rayyan's own CSV export (``key, title, year, month, day, journal,
issn, volume, issue, pages, authors, url, language, publisher, location, abstract, notes,
doi, keywords, pubmed_id, pmc_id``, as in tests/data/exchange/rayyan/_baseline_rayyan.csv),
which hold every column of Rayyan's CSV import template (``key, title, authors, journal,
issn, volume, issue, pages, year, publisher, url, abstract, notes, doi, keywords``). Rayyan's
CSV reader takes them by name in any order, splits ``authors`` at " and " or ";", and keeps
``notes`` as they are.

Each reviewer's decision goes in ``notes`` the way Rayyan writes it:

``RAYYAN-INCLUSION: {"SA"=>"Included", "JM"=>"Excluded"} | RAYYAN-LABELS: qualitative |
RAYYAN-EXCLUSION-REASONS: Wrong population | USER-NOTES: {"SA"=>["check the setting"]}``

- decisions: include, exclude, maybe -> Included, Excluded, Maybe (resolutions have no place
  in Rayyan's notes and are left out);
- exclusion reasons: the criterion's text (its id when the text has a comma, since Rayyan
  separates reasons with commas); Rayyan keeps reasons per record, so the reasons of every
  reviewer who excluded the work are listed together;
- labels: the ``Rayyan labels: a, b`` part of a decision's note (what importing a Rayyan
  file wrote) goes back to ``RAYYAN-LABELS``; the rest of the note is the reviewer's
  ``USER-NOTES`` entry (JSON-style escapes, as Ruby's ``inspect`` writes them).

``key`` is the work's record id in its source (e.g. ``rayyan-42924189`` for a record that
came from Rayyan, a PMID from PubMed) or ``review-<work id>``; our importer
(``review screen import``, format rayyan) matches either back to the work.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from review.errors import InputError
from review.screening.decisions import (
    check_stage,
    current_decisions,
    eligible,
    latest_reviewers_per_work,
    stage_view,
)
from review.screening.works import live_map
from review.store import Store

if TYPE_CHECKING:  # pragma: no cover
    from review.screening.criteria import Criteria

#: Rayyan's CSV export header, in its order.
RAYYAN_COLUMNS = (
    "key", "title", "year", "month", "day", "journal", "issn", "volume", "issue", "pages", "authors",
    "url", "language", "publisher", "location", "abstract", "notes", "doi", "keywords", "pubmed_id",
    "pmc_id",
)
#: The columns of Rayyan's CSV import template (all in :data:`RAYYAN_COLUMNS`).
RAYYAN_TEMPLATE = ("key", "title", "authors", "journal", "issn", "volume", "issue", "pages", "year",
                   "publisher", "url", "abstract", "notes", "doi", "keywords")
RAYYAN_WORDS = {"include": "Included", "exclude": "Excluded", "maybe": "Maybe"}
LABELS_NOTE = "Rayyan labels: "
OUR_KEY = "review-"


def _ruby_string(text: str) -> str:
    """A string as Ruby's ``inspect`` writes it (quotes, backslashes and line breaks escaped)."""
    return json.dumps(text, ensure_ascii=False)


def _split_note(note: str | None) -> tuple[list[str], str]:
    """(labels, the rest) of a decision's note: the ``Rayyan labels: a, b`` part is the labels."""
    labels: list[str] = []
    rest = []
    for part in (note or "").split(" | "):
        if part.startswith(LABELS_NOTE):
            labels += [x.strip() for x in part[len(LABELS_NOTE):].split(",") if x.strip()]
        elif part.strip():
            rest.append(part.strip())
    return labels, " | ".join(rest)


def _names(authors: list[dict[str, str]]) -> list[str]:
    """"Family, Given" names (Rayyan joins them with " and ")."""
    return [f"{a['family']}, {a['given']}" if a.get("given") else a.get("family", "") for a in authors]


def _issn(value: str | None) -> str:
    """One ISSN as it is; several as Rayyan's export writes them (``["1932-8494", "1932-8486"]``)."""
    parts = [p.strip() for p in (value or "").replace(",", ";").split(";") if p.strip()]
    return parts[0] if len(parts) == 1 else ("[" + ", ".join(_ruby_string(p) for p in parts) + "]" if parts else "")


def _reason_text(reason: str, criteria: Criteria | None) -> str:
    if criteria is None or reason not in {c.id for c in criteria.reasons}:
        return reason
    text = criteria.get(reason).text
    return reason if "," in text else text


def rayyan_notes(decisions: list[Any], criteria: Criteria | None = None) -> str:
    """One work's decisions (reviewer, decision, reason, note) as Rayyan's notes field."""
    if not decisions:
        return ""
    inclusion = ", ".join(f"{_ruby_string(d.reviewer)}=>{_ruby_string(RAYYAN_WORDS[d.decision])}"
                          for d in decisions)
    sections = [f"RAYYAN-INCLUSION: {{{inclusion}}}"]
    labels: list[str] = []
    reasons: list[str] = []
    notes: dict[str, str] = {}
    for d in decisions:
        own_labels, rest = _split_note(d.note)
        labels += [x for x in own_labels if x not in labels]
        if rest:
            notes[d.reviewer] = rest
        if d.decision == "exclude" and d.reason:
            text = _reason_text(d.reason, criteria)
            if text not in reasons:
                reasons.append(text)
    if labels:
        sections.append("RAYYAN-LABELS: " + ",".join(labels))
    if reasons:
        sections.append("RAYYAN-EXCLUSION-REASONS: " + ",".join(reasons))
    if notes:
        body = ", ".join(f"{_ruby_string(who)}=>[{_ruby_string(text)}]" for who, text in notes.items())
        sections.append(f"USER-NOTES: {{{body}}}")
    return " | ".join(sections)


def rayyan_rows(store: Store, *, stage: str, criteria: Criteria | None = None) -> list[dict[str, Any]]:
    """The works screened at ``stage`` (every live work at title-abstract; at full text those
    that passed title-abstract or have a full-text decision), one Rayyan row each."""
    # lazy: the corpus exporter pulls in rispy and bibtexparser
    from review.corpus.exporter import load_rows

    check_stage(stage)
    with store.read() as conn:
        live = live_map(conn)
        decisions: dict[int, list[Any]] = {}
        for d in current_decisions(conn, stage):
            if d.kind == "decision" and d.decision in RAYYAN_WORDS:
                decisions.setdefault(live.get(d.work_id, d.work_id), []).append(d)
        rpw = latest_reviewers_per_work(conn) or 1
        title_abstract = stage_view(conn, "title-abstract") if stage == "full-text" else None
        chosen = set(eligible(set(live.values()), stage, title_abstract, rpw)) | set(decisions)
    rows = []
    for item in load_rows(store, deduplicated=True):
        work_id = live.get(item["work_id"], item["work_id"]) if item["work_id"] is not None else None
        if work_id not in chosen:
            continue
        chosen.discard(work_id)
        pages = item["pages"] or "-".join(str(p) for p in (item["page_first"], item["page_last"]) if p)
        rows.append({
            "key": item["source_id"] or f"{OUR_KEY}{work_id}", "title": item["title"] or "",
            "year": item["year"] or "", "month": "", "day": "", "journal": item["journal"] or "",
            "issn": _issn(item["issn"]), "volume": item["volume"] or "", "issue": item["issue"] or "",
            "pages": pages or "", "authors": " and ".join(_names(item["authors_list"])), "url": item["url"] or "",
            "language": item["language"] or "", "publisher": item["publisher"] or "", "location": "",
            "abstract": item["abstract"] or "",
            "notes": rayyan_notes(sorted(decisions.get(work_id, []), key=lambda d: d.reviewer), criteria),
            "doi": item["doi"] or "", "keywords": ";".join(item["keywords_list"]),
            "pubmed_id": item["pmid"] or "", "pmc_id": "",
        })
    return rows


def export_rayyan(store: Store, path: str | Path, *, stage: str | None,
                  criteria: Criteria | None = None) -> int:
    """Write the works screened at ``stage`` as Rayyan's CSV; returns the rows written.

    Raises:
        InputError: no stage (Rayyan's notes hold one decision per reviewer, so one stage).
    """
    if stage is None:
        raise InputError("--format rayyan needs --stage (title-abstract or full-text): Rayyan's notes hold "
                         "one decision per reviewer", field="--stage")
    rows = rayyan_rows(store, stage=stage, criteria=criteria)
    with Path(path).open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=RAYYAN_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return len(rows)


__all__ = ["RAYYAN_COLUMNS", "RAYYAN_TEMPLATE", "export_rayyan", "rayyan_notes", "rayyan_rows"]
