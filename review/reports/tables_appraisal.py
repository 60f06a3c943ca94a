"""The MMAT table: each included report's design category and its answers to the
screening questions and the category's five criteria (the seed's Additional File 3)."""

from __future__ import annotations

from typing import Any

from review.reports.data import ReviewData
from review.reports.model import Table, cell

ANSWERS = {"yes": "Yes", "no": "No", "cant-tell": "Can't tell", "can't tell": "Can't tell",
           "conflict": "Conflict (unresolved)", "": "", None: ""}
STATUS = {"not-appraised": "Not appraised yet", "partial": "Partly appraised",
          "conflict": "Reviewers disagree (unresolved)", "not-applicable": "Not applicable"}


def _answer(entry: dict[str, Any], item: str) -> str:
    answer = (entry.get("answers") or {}).get(item)
    if not answer:
        return "-"
    value = answer.get("answer") if isinstance(answer, dict) else answer
    return ANSWERS.get(value, str(value))


def mmat_table(data: ReviewData) -> Table:
    """One row per report and design category: S1, S2, criteria 1-5, criteria met."""
    instrument = (data.appraisal or {}).get("instrument") or {}
    name = instrument.get("name") or "Mixed Methods Appraisal Tool (MMAT) 2018"
    table = Table("mmat", f"Methodological quality of the included documents: {name}",
                  ["Document", "S1", "S2", "1", "2", "3", "4", "5", "Criteria met"], group_label="Category",
                  wide=True, numeric=(8,),
                  empty=("No appraisal recorded yet: appraise the included reports "
                         "(review appraise REPORT --reviewer NAME, or review appraise import FILE)."
                         if data.appraisal is not None else f"No appraisal: {data.missing.get('appraisal')}."))
    tidy = Table("mmat", table.title, ["report", "citation", "category", "status", "item", "answer"])
    if not data.appraisal:
        table.tidy = tidy
        return table
    categories = {str(c["id"]): c for c in data.appraisal.get("categories", [])}
    order = {cid: i for i, cid in enumerate(categories)}
    rows: list[tuple[Any, ...]] = []
    for entry in data.appraisal.get("reports", []):
        citation = entry.get("citation") or data.citation(int(entry["report"]))
        cats = [str(c) for c in entry.get("categories") or []] or [""]
        for cid in cats:
            category = categories.get(cid, {})
            label = category.get("label") or entry.get("category_label") or "Category not yet chosen"
            rows.append((order.get(cid, 99), cid, citation.casefold(), label, citation, cid, entry))
    for _order, _cid, _key, label, citation, cid, entry in sorted(rows, key=lambda r: r[:3]):
        status = entry.get("status")
        items = list(categories.get(cid, {}).get("items", []))
        if status == "not-applicable":
            reason = entry.get("not_applicable_reason") or "no reason given"
            table.add(citation, cell(f"Not applicable: {reason}"), "", "", "", "", "", "", "-", group=label)
            tidy.add(entry["report"], citation, label, status, "-", reason)
            continue
        answers = [_answer(entry, "S1"), _answer(entry, "S2")]
        answers += [_answer(entry, item) for item in items[:5]]
        answers += ["-"] * (7 - len(answers))
        met = f"{entry.get('criteria_met', 0)}/{entry.get('criteria_rated', 0) or len(items)}"
        if status in STATUS and status != "appraised":
            met += f" ({STATUS[status].lower()})"
        table.add(citation, *answers, met, group=label)
        for item in ["S1", "S2", *items]:
            tidy.add(entry["report"], citation, label, status or "", item, _answer(entry, item))
    for category in categories.values():
        texts = {i["id"]: i["text"] for i in data.appraisal.get("items", []) if str(i.get("category")) == str(category["id"])}
        if texts:
            table.notes.append(f"{category['label']}: " + " ".join(
                f"{n}. {texts[i]}" for n, i in enumerate(category.get("items", []), start=1) if i in texts))
    screening = data.appraisal.get("screening") or []
    if screening:
        table.notes.insert(0, "Screening questions: " + " ".join(f"{q['id']}. {q['text']}" for q in screening))
    if instrument.get("citation"):
        table.notes.append(str(instrument["citation"]))
    table.tidy = tidy
    return table
