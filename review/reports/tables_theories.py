"""Tables of the synthesis: C-M-O per topic, theory testing, the evidence matrix and the
final theoretical model."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from review.reports.data import ReviewData, get
from review.reports.model import Table, cell

TICK, CROSS = "✓", "x"
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
            table.add(theory["id"], cell(theory.get("label") or "", STYLE.get(theory.get("status", ""))),
                      theory.get("context") or "", theory.get("mechanism_resource") or "",
                      theory.get("mechanism_reasoning") or "", theory.get("outcome") or "",
                      _documents_text(data, evidence["documents"]) or "none",
                      _studies_text(data, evidence["studies"]) or "none")
        table.notes.append(f"Supporting documents and {unit_plural}: those with at least one fragment coded as "
                           "supporting or refining the theory.")
        tables.append(table)
    return tables


def _quotation(data: ReviewData, theory: dict[str, Any], by_id: dict[Any, Any]) -> str:
    ids = _evidence(theory)["fragments"]
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
        style = STYLE.get(theory.get("status") or "")
        table.add(cell(f"{theory['id']} {theory.get('label') or ''}".strip(), style), theory.get("context") or "",
                  theory.get("mechanism_resource") or "", theory.get("mechanism_reasoning") or "",
                  theory.get("outcome") or "", initial, final, _quotation(data, theory, by_id),
                  group=topics.get(theory.get("topic"), theory.get("topic")))
    if table.rows:
        table.notes.append(f"{TICK}: in the model; {CROSS}: not in it; struck through: dropped for lack of "
                           "evidence (or refuted); CAPITALS: new. C-M-O as in the final model (the current "
                           "version of each theory); quotation: the most relevant, most rigorous fragment.")
    return table


def _links(fragment: Any) -> list[tuple[str, str]]:
    raw = get(fragment, "links") or get(fragment, "theories") or []
    found = []
    for link in raw:
        if isinstance(link, dict):
            found.append((str(link.get("theory_id") or link.get("theory")), str(link.get("direction", "supports"))))
        elif isinstance(link, (tuple, list)):
            found.append((str(link[0]), str(link[1]) if len(link) > 1 else "supports"))
        else:
            found.append((str(link), "supports"))
    return found


def evidence_counts(data: ReviewData) -> tuple[list[dict[str, Any]], list[int], Counter]:
    """Theories (rows), documents (columns) and fragment counts per (theory, document)."""
    counts: Counter = Counter()
    for fragment in data.fragments or []:
        for theory_id, _direction in _links(fragment):
            counts[(theory_id, int(get(fragment, "work_id")))] += 1
    theories = _theories(data)
    documents = sorted({r.work_id for r in data.reports} | {w for _t, w in counts},
                       key=lambda w: (data.citation(w).casefold(), w))
    return theories, documents, counts


def evidence_matrix_table(data: ReviewData) -> Table:
    """Theories x documents, cells = fragments coded to the theory (NVivo's framework matrix)."""
    theories, documents, counts = evidence_counts(data)
    table = Table("evidence-matrix", "Evidence matrix: fragments per theory and document",
                  ["Theory", *[data.citation(w) for w in documents], "Total"], wide=True,
                  numeric=tuple(range(1, len(documents) + 2)), rotate_headers=True,
                  empty=_no_theories(data) if not theories else "No included documents yet.")
    tidy = Table("evidence-matrix", table.title, ["theory", "report", "citation", "fragments"])
    if theories and documents:
        for theory in theories:
            row = [counts[(theory["id"], w)] for w in documents]
            table.add(f"{theory['id']} {theory.get('label') or ''}".strip(), *[str(n) for n in row], str(sum(row)))
            for work, n in zip(documents, row, strict=True):
                tidy.add(theory["id"], work, data.citation(work), n)
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
    topics = {t["id"]: t.get("label") or t["id"] for t in (data.theories or {}).get("topics", [])}
    for theory in _theories(data):
        status = theory.get("status") or ""
        style = STYLE.get(status)
        table.add(cell(theory["id"], style), cell(theory.get("label") or "", style), status,
                  theory.get("documents", 0), theory.get("studies", 0), theory.get("fragments", 0),
                  group=topics.get(theory.get("topic"), theory.get("topic")))
    if table.rows:
        table.notes.append("Normal font: in the initial and the final model; struck through: in the initial "
                           "model but not the final one (no evidence found, or refuted); CAPITALS: new, "
                           "not in the initial model.")
    return table
