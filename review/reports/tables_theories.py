"""Tables of the synthesis: C-M-O per topic, theory testing, the evidence matrix and the
final theoretical model."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from review.reports.data import ReviewData, get
from review.reports.model import Table, cell

TICK, CROSS = "✓", "x"
FLAG = "⚑"
CONTESTED = f"{FLAG} contested"
#: The evidence matrix's directions: the theories report's key, and the mark in a cell.
DIRECTIONS = {"supports": ("supporting", ""), "refutes": ("refuting", "R"), "refines": ("refining", "Rf")}
FINAL = ("supported", "refined", "new")
STYLE = {"not-supported": "strike", "refuted": "strike", "new": "caps"}
RANK = {"high": 0, "moderate": 1, "low": 2}


def _no_theories(data: ReviewData) -> str:
    if data.theories is None:
        return f"No theories: {data.missing.get('theories')}."
    return "No programme theories yet: write protocols/theories.yaml (the initial model) and run review run."


def _theories(data: ReviewData, topic: str | None = None) -> list[dict[str, Any]]:
    items = list((data.theories or {}).get("theories", []))
    topics = {t["id"]: i for i, t in enumerate((data.theories or {}).get("topics", []))}
    if topic is not None:
        items = [t for t in items if t.get("topic") == topic]
    return sorted(items, key=lambda t: (topics.get(t.get("topic"), 99), t.get("position") or 0, _natural(t["id"])))


def _natural(text: str) -> list[Any]:
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", str(text))]


def _evidence(theory: dict[str, Any], kind: str = "supporting") -> dict[str, list[Any]]:
    found: dict[str, list[Any]] = {"documents": [], "studies": [], "fragments": []}
    kinds = ("supporting", "refining") if kind == "supporting" else (kind,)
    for name in kinds:
        part = theory.get(name) or {}
        for key in found:
            for value in part.get(key, []) or []:
                if value not in found[key]:
                    found[key].append(value)
    return found


def _study_order(data: ReviewData) -> dict[str, int]:
    return {str(get(s, "key")): i for i, s in enumerate(data.studies or [])}


def _studies_text(data: ReviewData, keys: list[Any]) -> str:
    order = _study_order(data)
    marks = []
    for key in sorted({str(k) for k in keys}, key=lambda k: (order.get(k, 10**6), _natural(k))):
        if key.startswith("report:") and key[7:].isdigit():  # a report not grouped into a study
            marks.append(f"{data.citation(int(key[7:]))} (not grouped)")
        else:
            marks.append(key if key.startswith("#") or not key.isdigit() else f"#{key}")
    return ", ".join(marks)


def _documents_text(data: ReviewData, ids: list[Any]) -> str:
    return "; ".join(sorted((data.citation(int(w)) for w in ids), key=str.casefold))


def cmo_tables(data: ReviewData) -> list[Table]:
    """One C-M-O table per topic, with the documents and studies supporting each theory."""
    tables = []
    unit_plural = data.unit_plural
    for topic in (data.theories or {}).get("topics", []):
        table = Table(f"cmo-{topic['id']}", f"C-M-O configurations: {topic.get('label') or topic['id']}",
                      ["No.", "Theory", "Context", "Mechanism: resource", "Mechanism: reasoning", "Outcome",
                       "Supporting documents", unit_plural.capitalize()], wide=True,
                      empty=f"No theories in this topic yet ({_no_theories(data)})")
        for theory in _theories(data, topic["id"]):
            evidence = _evidence(theory)
            label = f"{theory.get('label') or ''} {FLAG}" if theory.get("contested") else theory.get("label") or ""
            table.add(theory["id"], cell(label, STYLE.get(theory.get("status", ""))),
                      theory.get("context") or "", theory.get("mechanism_resource") or "",
                      theory.get("mechanism_reasoning") or "", theory.get("outcome") or "",
                      _documents_text(data, evidence["documents"]) or "none",
                      _studies_text(data, evidence["studies"]) or "none")
        table.notes.append(f"Supporting documents and {unit_plural}: those with at least one fragment coded as "
                           "supporting or refining the theory.")
        if any(t.get("contested") for t in _theories(data, topic["id"])):
            table.notes.append(f"{FLAG}: contested, evidence both for and against the theory (the theory-testing "
                               "table quotes both).")
        tables.append(table)
    return tables


def _quotation(data: ReviewData, theory: dict[str, Any], by_id: dict[Any, Any], kind: str = "supporting") -> str:
    ids = _evidence(theory, kind)["fragments"]
    candidates = [by_id[i] for i in ids if i in by_id]
    if not candidates:
        return ""
    best = min(candidates, key=lambda f: (RANK.get(get(f, "relevance") or "", 3), RANK.get(get(f, "rigour") or "", 3),
                                          get(f, "id")))
    quote = " ".join(str(get(best, "quote") or "").split())
    credit = data.citation(int(get(best, "work_id")))
    if get(best, "evidence") == "secondary":  # the words are the synthesis's, about this document
        source = str(get(best, "text_path") or "").rsplit("/", 1)[-1]
        credit += f" (secondary evidence{', quoted from ' + source if source else ''})"
    return f"'{quote}' {credit}"


def theory_testing_table(data: ReviewData) -> Table:
    """Seed 000 Table 2: C | M resource | M reasoning | O | initial ✓/x | final ✓/x | quotation."""
    table = Table("theory-testing", "Programme theories tested: initial and final model, with illustrative quotations",
                  ["Theory", "Context", "Mechanism: resource", "Mechanism: reasoning", "Outcome",
                   "Initial theory", "Final theory", "Illustrative quotation"], group_label="Topic", wide=True,
                  empty=_no_theories(data))
    topics = {t["id"]: t.get("label") or t["id"] for t in (data.theories or {}).get("topics", [])}
    by_id = {get(f, "id"): f for f in data.fragments or []}
    for theory in _theories(data):
        initial = TICK if theory.get("origin") == "initial" else CROSS
        final = TICK if theory.get("status") in FINAL else CROSS
        quotation = _quotation(data, theory, by_id)
        if theory.get("contested"):  # evidence both ways: say so, and quote the other side
            final = f"{final} {CONTESTED}"
            against = _quotation(data, theory, by_id, "refuting")
            quotation = "\n".join(part for part in (quotation, f"Refuting: {against}" if against else "") if part)
        style = STYLE.get(theory.get("status") or "")
        table.add(cell(f"{theory['id']} {theory.get('label') or ''}".strip(), style), theory.get("context") or "",
                  theory.get("mechanism_resource") or "", theory.get("mechanism_reasoning") or "",
                  theory.get("outcome") or "", initial, final, quotation,
                  group=topics.get(theory.get("topic"), theory.get("topic")))
    if table.rows:
        table.notes.append(f"{TICK}: in the model; {CROSS}: not in it; struck through: dropped for lack of "
                           "evidence (or refuted); CAPITALS: new. C-M-O as in the final model (the current "
                           "version of each theory); quotation: the most relevant, most rigorous fragment.")
        if any(t.get("contested") for t in _theories(data)):
            table.notes.append(f"{CONTESTED}: evidence both for and against the theory; the second quotation "
                               "is the most relevant, most rigorous refuting fragment.")
    return table


def evidence_counts(data: ReviewData) -> tuple[list[dict[str, Any]], list[int], Counter]:
    """Theories (rows), documents (columns) and fragment counts per (theory, document, direction).

    The evidence is the theories report's (fragments coded to a theory, and those that
    motivated its versions), so supporting, refuting and refining fragments stay apart.
    """
    counts: Counter = Counter()
    work_of = {get(f, "id"): int(get(f, "work_id")) for f in data.fragments or []}
    theories = _theories(data)
    for theory in theories:
        for direction, (key, _mark) in DIRECTIONS.items():
            for fragment_id in (theory.get(key) or {}).get("fragments", []) or []:
                if fragment_id in work_of:
                    counts[(theory["id"], work_of[fragment_id], direction)] += 1
    documents = sorted({r.work_id for r in data.reports} | {w for _t, w, _d in counts},
                       key=lambda w: (data.citation(w).casefold(), w))
    return theories, documents, counts


def evidence_cell(counts: Counter, theory_id: str, work_id: int) -> str:
    """A matrix cell: ``2`` supporting, ``1R`` refuting, ``1Rf`` refining, joined by ``/`` (empty: 0)."""
    parts = [f"{n}{mark}" for direction, (_key, mark) in DIRECTIONS.items()
             if (n := counts[(theory_id, work_id, direction)])]
    return "/".join(parts) or "0"


def evidence_matrix_table(data: ReviewData) -> Table:
    """Theories x documents, cells = fragments coded to the theory (NVivo's framework matrix),
    supporting, refuting and refining counted apart."""
    theories, documents, counts = evidence_counts(data)
    table = Table("evidence-matrix", "Evidence matrix: fragments per theory and document",
                  ["Theory", *[data.citation(w) for w in documents], "Supporting", "Refuting", "Refining"],
                  wide=True, numeric=tuple(range(1, len(documents) + 4)), rotate_headers=True,
                  empty=_no_theories(data) if not theories else "No included documents yet.")
    tidy = Table("evidence-matrix", table.title,
                 ["theory", "report", "citation", "fragments", "supporting", "refuting", "refining"])
    if theories and documents:
        for theory in theories:
            totals = [sum(counts[(theory["id"], w, d)] for w in documents) for d in DIRECTIONS]
            table.add(f"{theory['id']} {theory.get('label') or ''}".strip(),
                      *[evidence_cell(counts, theory["id"], w) for w in documents], *[str(n) for n in totals])
            for work in documents:
                apart = [counts[(theory["id"], work, d)] for d in DIRECTIONS]
                tidy.add(theory["id"], work, data.citation(work), sum(apart), *apart)
        table.notes.append("Cells: fragments supporting the theory; R: refuting it; Rf: refining it "
                           "(2/1R: two supporting, one refuting).")
        if data.fragments is None:
            table.notes.append(f"No fragments: {data.missing.get('extraction')}.")
        elif not data.fragments:
            table.notes.append("No fragments coded yet (review extract import FILE).")
    table.tidy = tidy
    return table


def final_model_table(data: ReviewData) -> Table:
    """The final theoretical model: supported plain, not supported struck through, new in capitals."""
    table = Table("final-model", "Final theoretical model",
                  ["No.", "Theory", "Status", "Documents", data.unit_plural.capitalize(), "Fragments"],
                  group_label="Topic", numeric=(3, 4, 5), empty=_no_theories(data))
    # The CSV keeps the status exact (scripts compare it) and says contested in a column of its own.
    tidy = Table("final-model", table.title, [*table.columns[:3], "Contested", *table.columns[3:]],
                 group_label="Topic")
    topics = {t["id"]: t.get("label") or t["id"] for t in (data.theories or {}).get("topics", [])}
    for theory in _theories(data):
        status = theory.get("status") or ""
        style = STYLE.get(status)
        shown = f"{status} (contested)" if theory.get("contested") else status
        group = topics.get(theory.get("topic"), theory.get("topic"))
        counts = (theory.get("documents", 0), theory.get("studies", 0), theory.get("fragments", 0))
        table.add(cell(theory["id"], style), cell(theory.get("label") or "", style), shown, *counts, group=group)
        tidy.add(theory["id"], theory.get("label") or "", status, "yes" if theory.get("contested") else "no",
                 *counts, group=group)
    if table.rows:
        table.notes.append("Normal font: in the initial and the final model; struck through: in the initial "
                           "model but not the final one (no evidence found, or refuted); CAPITALS: new, "
                           "not in the initial model; contested: evidence both for and against.")
        table.tidy = tidy
    return table
