"""``review dedup explain WORK``: why a work's records were merged, field by field.

Each member is compared with the work's canonical record again (the same scoring as the
run: similarity and weight per field, the guard that applied, the decision), and a
person's verdicts on the work's records are listed with who gave them and when.
"""

from __future__ import annotations

import json
from typing import Any

import numpy as np
from sqlalchemy import select

from review.corpus.dedup import live_work_id
from review.corpus.dedup.block import block
from review.corpus.dedup.check import record_view
from review.corpus.dedup.decisions import current_decisions
from review.corpus.dedup.keys import build_keys
from review.corpus.dedup.run import last_settings, load_records
from review.corpus.dedup.score import explain_pair
from review.corpus.dedup.settings import DedupSettings
from review.corpus.dedup.tables import works_x
from review.errors import NotFound
from review.store import Store, schema
from review.store.schema import BIB_COLUMNS


def explain_work(store: Store, work_id: int, *, settings: DedupSettings | None = None) -> dict[str, Any]:
    """Everything ``explain`` prints, as one JSON-ready dict.

    Raises:
        NotFound: no such work.
    """
    with store.read() as conn:
        live = live_work_id(conn, work_id)
        settings = last_settings(conn, settings or DedupSettings())
        work = conn.execute(select(works_x).where(works_x.c.id == live)).first()
        if work is None:  # pragma: no cover - live_work_id checked it
            raise NotFound(f"there is no work {work_id}", field="WORK")
        r = schema.records
        member_rows = [dict(row._mapping) for row in conn.execute(
            select(r.c.id, r.c.work_id, *[r.c[c] for c in BIB_COLUMNS]).where(r.c.work_id == live).order_by(r.c.id))]
        dois = {row["doi"] for row in member_rows if row["doi"]}
        context = []
        if dois:  # records sharing the DOIs tell whether a DOI is a supplement's
            context = [dict(row._mapping) for row in conn.execute(
                select(r.c.id, r.c.work_id, *[r.c[c] for c in BIB_COLUMNS])
                .where(r.c.doi.in_(dois), r.c.work_id != live))]
        views = {row["id"]: record_view(conn, row["id"]) for row in member_rows}
        ids = [row["id"] for row in member_rows]
        decisions = [d for (a, b), d in current_decisions(conn).items() if a in ids or b in ids]
        merged_away = [row.id for row in conn.execute(select(works_x.c.id).where(works_x.c.merged_into == live))]
    stored = json.loads(work.explanation) if work.explanation else {}
    links = {m["record"]: m for m in stored.get("members", [])}
    canonical = work.canonical_record_id
    keys = build_keys(member_rows + context)
    index = {int(rid): i for i, rid in enumerate(keys.ids.tolist())}
    members = []
    for rid in ids:
        entry = {**{k: views[rid].get(k) for k in ("record", "source", "position", "source_ref", "title")},
                 "via": links.get(rid, {}).get("via", "canonical" if rid == canonical else "?")}
        if rid != canonical and canonical in index:
            entry["comparison"] = explain_pair(keys, index[canonical], index[rid], settings)
        members.append(entry)
    near = near_records(store, ids[0], settings) if len(ids) == 1 else []
    verdicts = {tuple(sorted((d.record_a, d.record_b))): d for d in decisions}
    for pair in near:
        said = verdicts.get(tuple(sorted((ids[0], pair["record"]))))
        pair["person"] = {"verdict": said.verdict, "actor": said.actor} if said else None
    return {
        "near": near,
        "work": work_id,
        "live_work": live,
        "merged_into": None if live == work_id else live,
        "merged_from": merged_away,
        "title": work.title,
        "rule": work.rule,
        "score": work.score,
        "canonical_record": canonical,
        "members": members,
        "fields_from": stored.get("fields_from", {}),
        "decisions": [
            {"records": [d.record_a, d.record_b], "verdict": d.verdict, "actor": d.actor, "at": d.created_at}
            for d in sorted(decisions, key=lambda d: d.id)
        ],
        "settings": {"threshold": settings.threshold, "review_threshold": settings.review_threshold},
    }


#: How many near records ``explain`` lists for a work of one record.
NEAR_SHOWN = 10


def near_records(store: Store, record_id: int, settings: DedupSettings) -> list[dict[str, Any]]:
    """The records blocking put beside ``record_id`` and why each was kept apart.

    The collection's keys are built and blocked as in a run; every candidate pair of the
    record is scored again (score, decision, the guard or cap that applied, the fields),
    the likeliest first. A person can see from it why a duplicate was missed.
    """
    with store.read() as conn:
        rows = load_records(conn)
    keys = build_keys(rows)
    index = {int(rid): i for i, rid in enumerate(keys.ids.tolist())}
    me = index.get(record_id)
    if me is None:
        return []
    cands = block(keys)
    others = np.concatenate([cands.right[cands.left == me], cands.left[cands.right == me]])
    work_of = {int(row["id"]): row.get("work_id") for row in rows}
    out = []
    for other in others.tolist():
        pair = explain_pair(keys, me, int(other), settings)
        rid = int(keys.ids[other])
        out.append({"record": rid, "work": work_of.get(rid), "title": rows[other].get("title"), **pair})
    out.sort(key=lambda p: (-p["score"], p["record"]))
    return out[:NEAR_SHOWN]


def format_explanation(data: dict[str, Any]) -> str:
    """The explanation as text for a terminal or a pipe."""
    lines = []
    head = f"Work {data['live_work']}"
    if data["merged_into"]:
        head = f"Work {data['work']} was merged into work {data['live_work']}.\n\n" + head
    lines.append(f"{head}: {data['title'] or '(no title)'}")
    count = len(data["members"])
    if count == 1:
        near = data.get("near") or []
        lines.append("  one record; nothing was merged into it"
                     + (f". Near records considered ({len(near)}):" if near else "; no near record was found."))
        for pair in near:
            why = {"maybe": "queued for a person", "different": "score below the merge threshold",
                   "same": "the other work's canonical record does not match it"}[pair["decision"]]
            if pair.get("person"):
                why = f"{pair['person']['actor']} said {pair['person']['verdict']}"
            elif pair["guard"]:
                why = f"guard: {pair['guard']}"
            lines.append(f"    record {pair['record']} (work {pair['work']}): score {pair['score']:.4f} -> "
                         f"{pair['decision']} ({why})"
                         + f"; {(pair['title'] or '(no title)')[:70]}")
    else:
        lines.append(f"  {count} records, matched by rule {data['rule']!r} (lowest score {data['score']})")
    if data["merged_from"]:
        lines.append(f"  works merged into it: {', '.join(map(str, data['merged_from']))}")
    for member in data["members"]:
        where = f"{member['source']} #{member['position']}"
        if member.get("source_ref"):
            where += f" (id {member['source_ref']})"
        role = "canonical record" if member["record"] == data["canonical_record"] else f"joined: {member['via']}"
        lines.append("")
        lines.append(f"  record {member['record']}  {where}  [{role}]")
        lines.append(f"    {member.get('title') or '(no title)'}")
        comparison = member.get("comparison")
        if not comparison:
            continue
        lines.append(f"    vs canonical: score {comparison['score']:.4f} -> {comparison['decision']}"
                     + (f" (guard: {comparison['guard']})" if comparison["guard"] else "")
                     + f", rule {comparison['rule']}")
        for name, item in comparison["fields"].items():
            similarity = item["similarity"]
            if similarity is None and not item["weight"]:
                continue
            shown = "missing" if similarity is None else (f"{similarity:.0f}" if isinstance(similarity, float) else similarity)
            lines.append(f"      {name:<9} {shown!s:<42} {item['weight']:+.1f}")
        lines.append(f"      {'prior':<9} {'':<42} {comparison['prior']:+.1f}")
        lines.append(f"      {'total':<9} {'':<42} {comparison['evidence']:+.1f}")
    if data["fields_from"]:
        lines.append("")
        sources = ", ".join(f"{k} <- {v}" for k, v in sorted(data["fields_from"].items()))
        lines.append(f"  merged record: {sources}")
    if data["decisions"]:
        lines.append("")
        lines.append("  decisions by people:")
        for d in data["decisions"]:
            lines.append(f"    records {d['records'][0]} and {d['records'][1]}: {d['verdict']} ({d['actor']}, {d['at']})")
    return "\n".join(lines)

