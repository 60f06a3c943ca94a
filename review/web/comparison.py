"""The lead's comparison of two coders' coding of one report, without the web.

The fragments are aligned, and the figures computed, by ``review extract agreement``
(:func:`review.extraction.agreement.coding_agreement`): this module only takes that
report's row of the chosen pair of coders, lays each aligned segment's two fragments side
by side and says where they differ (the passage, each C/M/O part, each theory link and its
direction, relevance and rigour). Coders are blinded from each other: only a lead may ask.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from review.errors import InputError, NotFound
from review.extraction.agreement import coding_agreement
from review.extraction.fragments import current_fragments
from review.extraction.model import Fragment
from review.extraction.quotes import canonical
from review.extraction.texts import TextCache
from review.included import included_ids, reports_of
from review.web.accounts import User
from review.web.coding_service import fragment_dict, version
from review.web.service import WebState, require_lead

#: The parts compared, with the coding form's labels.
PARTS = (("context", "Context"), ("mechanism_resource", "Mechanism: resource"),
         ("mechanism_reasoning", "Mechanism: reasoning"), ("outcome", "Outcome"))
LEVELS = (("relevance", "Relevance"), ("rigour", "Rigour"))


def _same(first: str | None, second: str | None) -> bool:
    return " ".join((first or "").split()) == " ".join((second or "").split())


def _kind(a: Fragment | None, b: Fragment | None) -> str:
    """``same`` passage, ``overlap`` (part of it in common), or ``only`` one coder coded it."""
    if a is None or b is None:
        return "only"
    if a.char_start is not None and b.char_start is not None:
        same = (a.text_path, a.char_start, a.char_end) == (b.text_path, b.char_start, b.char_end)
    else:
        same = canonical(a.quote) == canonical(b.quote)
    return "same" if same else "overlap"


def passage(text: str, a: Fragment | None, b: Fragment | None) -> list[dict[str, str]]:
    """The text from the first start to the last end of two aligned fragments, cut into
    pieces coded by ``a``, by ``b`` or by ``both`` (empty when offsets are missing)."""
    spans = [(f.char_start, f.char_end) for f in (a, b) if f is not None and f.char_start is not None]
    if len(spans) < 2 or a is None or b is None:
        return []
    low, high = min(s for s, _ in spans), max(e for _, e in spans)
    cuts = sorted({low, high, *(p for span in spans for p in span)})
    pieces = []
    for start, end in zip(cuts, cuts[1:], strict=False):
        in_a = a.char_start <= start and end <= a.char_end
        in_b = b.char_start <= start and end <= b.char_end
        pieces.append({"text": text[start:end], "who": "both" if in_a and in_b else "a" if in_a else "b"})
    return pieces


def _segment(entry: dict[str, Any], coders: tuple[str, str], by_id: dict[int, Fragment],
             texts: TextCache, own: str | None) -> dict[str, Any]:
    first, second = coders
    a = by_id.get(entry["fragments"][first]) if entry["fragments"][first] is not None else None
    b = by_id.get(entry["fragments"][second]) if entry["fragments"][second] is not None else None
    kind = _kind(a, b)
    rows = []
    for name, label in (*PARTS, *LEVELS):
        values = {first: getattr(a, name) if a else None, second: getattr(b, name) if b else None}
        rows.append({"field": name, "label": label, "values": values,
                     "differs": a is not None and b is not None and not _same(*values.values())})
    links = [{"field": "theory", "label": theory, "values": values,
              "differs": a is not None and b is not None and len(set(values.values())) > 1}
             for theory, values in entry["theories"].items()]
    pieces: list[dict[str, str]] = []
    if kind == "overlap" and a is not None and b is not None:
        try:
            pieces = passage(texts.get(a.text_path or own or "").text, a, b)
        except InputError:  # the text is gone: the quotes still show
            pieces = []
    differs = [r["label"] for r in rows if r["differs"]] + [f"theory {t['label']}" for t in links if t["differs"]]
    if kind == "overlap":
        differs.insert(0, "passage")
    return {"kind": kind, "overlap": entry["overlap"], "rows": rows, "theories": links,
            "differs": differs, "passage": pieces,
            "fragments": {first: fragment_dict(a) if a else None, second: fragment_dict(b) if b else None},
            "only": None if kind != "only" else (first if a is not None else second)}


def _pair_of(pairs: list[dict[str, Any]], wanted: str | None) -> dict[str, Any]:
    if not wanted:
        return pairs[0]
    names = sorted(n.strip() for n in wanted.split(",") if n.strip())
    for pair in pairs:
        if sorted(pair["coders"]) == names:
            return pair
    raise InputError(f"{wanted!r} is not two coders who both coded this report", field="coders")


def _figures(data: dict[str, Any]) -> dict[str, Any]:
    keys = ("fragments", "segments", "overlapping", "characters", "theory_links", "cmo_components")
    return {k: data[k] for k in keys}


def report_comparison(state: WebState, user: User, work_id: int, coders: str | None = None) -> dict[str, Any]:
    """What ``/reports/ID/compare`` shows and ``GET /api/v1/reports/ID/comparison`` returns.

    Args:
        coders: ``A,B``: which pair of coders (the first pair, by name, when not given).

    Raises:
        Forbidden: the user is not a lead (coders are blinded from each other).
        NotFound: no such work, or one neither included nor coded.
        InputError: ``coders`` is not a pair who both coded the report.
    """
    require_lead(user)
    with state.store.read() as conn:
        found = reports_of(conn, [work_id])
        fragments = current_fragments(conn, report=work_id)
        if not found or (not fragments and work_id not in _included(conn, state)):
            raise NotFound(f"report {work_id} is not an included report", field="report")
        agreement = coding_agreement(conn)
        stamp = version(conn)
    info = found[0]
    per_coder: dict[str, int] = {}
    for item in fragments:
        per_coder[item.coder] = per_coder.get(item.coder, 0) + 1
    pairs = [p for p in agreement["pairs"] if work_id in p["reports"]]
    result: dict[str, Any] = {
        "report": {"id": info.work_id, "citation": info.citation, "title": info.title},
        "fragments_by_coder": per_coder, "pairs": [p["coders"] for p in pairs],
        "coders": None, "figures": None, "pair_figures": None, "pair_reports": 0, "segments": [],
        "version": stamp,
    }
    if not pairs and not coders:
        return result
    pair = _pair_of(pairs, coders)
    first, second = pair["coders"]
    row = next(r for r in pair["by_report"] if r["report"] == work_id)
    by_id = {f.id: f for f in fragments}
    texts = TextCache(state.workspace.root)
    result.update(coders=[first, second], figures=_figures(row), pair_figures=_figures(pair),
                  pair_reports=len(pair["reports"]),
                  segments=[_segment(e, (first, second), by_id, texts, info.fulltext) for e in row["aligned"]])
    return result


def _included(conn: Connection, state: WebState) -> set[int]:
    return included_ids(conn, reviewers_per_work=state.settings().reviewers_per_work)


def double_coded(state: WebState) -> set[int]:
    """Reports two or more coders have coded (the fragments list links them to the comparison)."""
    with state.store.read() as conn:
        found = current_fragments(conn)
    coders: dict[int, set[str]] = {}
    for item in found:
        coders.setdefault(item.work_id, set()).add(item.coder)
    return {w for w, names in coders.items() if len(names) > 1}

