"""Theory testing: each theory's evidence and a status derived from it, never typed in.

Statuses (DESIGN.md), decided in this order:

1. ``new``: an inductive theory (not in the initial model), whatever its evidence.
2. ``refined``: an initial theory with at least one ``refines`` link, or a version that
   added or changed a context, mechanism or outcome (change ``refined``). A refinement is
   evidence *for* a modified theory, so it outranks refuting evidence.
3. ``supported``: an initial theory with supporting evidence. Mixed evidence (supporting
   or refining, and refuting fragments) keeps its status, with ``contested: true``: the seed
   review kept a theory in the final model when some evidence supported it.
4. ``refuted``: evidence against and none for.
5. ``not-supported``: an initial theory with no evidence (struck through in tables).

Evidence is what fragments are coded to (their ``theories`` links), and also the fragments
that motivated an inductive theory or a refinement (``theories add/refine --fragment``):
those count as supporting the theory unless the version says otherwise (``--fragment
12:refutes``) or the fragment's own coding links it to the theory.
A theory with supporting and refuting evidence is ``contested`` (a flag beside its status).

Only current fragments (not deleted) of reports included now count: a report no longer
included keeps its fragments, which come back with it (:mod:`review.included`). A report's
study comes from the studies sheet; a report not grouped into a study counts as a study of
its own (``report:<id>``).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.engine import Connection

from review.errors import NotFound
from review.extraction.tables import fragment_theories, fragments
from review.included import included_ids
from review.studies.model import study_of
from review.synthesis.protocol import CMO
from review.synthesis.tables import theories, theory_topics, theory_versions
from review.synthesis.versions import TheoryVersion, all_versions, stored_fragments, versions_of

STATUSES = ("supported", "refined", "new", "not-supported", "refuted")
DIRECTIONS = {"supports": "supporting", "refutes": "refuting", "refines": "refining"}


def is_full(context: str | None, resource: str | None, reasoning: str | None, outcome: str | None) -> bool:
    """Whether coded parts form a whole C-M-O: a context, a mechanism (resource or reasoning), an outcome."""
    def present(value: str | None) -> bool:
        return bool((value or "").strip())
    return present(context) and (present(resource) or present(reasoning)) and present(outcome)


def derive_status(origin: str, versions: list[TheoryVersion], directions: Iterable[str]) -> str:
    """The status of one theory from its origin, versions and the directions of its links."""
    seen = set(directions)
    if origin == "inductive":
        return "new"
    if "refines" in seen or any(v.change == "refined" for v in versions[1:]):
        return "refined"
    if "supports" in seen:
        return "supported"
    if "refutes" in seen:
        return "refuted"
    return "not-supported"


def _coded(column: Any) -> Any:
    return func.length(func.trim(func.coalesce(column, ""))) > 0


def _links(conn: Connection) -> dict[str, list[tuple[int, int, str, bool]]]:
    """Theory id -> [(fragment id, work id, direction, full C-M-O)] for current fragments.

    Whether a fragment is a full configuration is worked out by the database (the rule of
    :func:`is_full`), so that a large review's links are read as small rows.
    """
    f, ft = fragments, fragment_theories
    full = case((and_(_coded(f.c.context), or_(_coded(f.c.mechanism_resource), _coded(f.c.mechanism_reasoning)),
                      _coded(f.c.outcome)), 1), else_=0)
    query = (select(ft.c.theory_id, ft.c.direction, f.c.id, f.c.work_id, full.label("full"))
             .join(f, f.c.id == ft.c.fragment_id).where(f.c.deleted_at.is_(None)))
    found: dict[str, list[tuple[int, int, str, bool]]] = {}
    for theory_id, direction, fragment_id, work_id, whole in conn.execute(query):
        found.setdefault(theory_id, []).append((fragment_id, work_id, direction, bool(whole)))
    motivating = _motivating(conn, found)
    if motivating:
        rows = select(f.c.id, f.c.work_id, full.label("full")).where(f.c.deleted_at.is_(None), f.c.id.in_(
            sorted({i for ids in motivating.values() for i in ids})))
        current = {fragment_id: (work_id, bool(whole)) for fragment_id, work_id, whole in conn.execute(rows)}
        for theory_id, ids in motivating.items():
            found.setdefault(theory_id, []).extend(
                (i, current[i][0], direction, current[i][1]) for i, direction in ids.items() if i in current)
    return found


def _motivating(conn: Connection, coded: dict[str, list[tuple[int, int, str, bool]]]) -> dict[str, dict[int, str]]:
    """Theory id -> {fragment: direction} for fragments behind its versions and not coded to it
    (a fragment's own coding says how it bears on the theory; the version's, otherwise)."""
    found: dict[str, dict[int, str]] = {}
    query = select(theory_versions.c.theory_id, theory_versions.c.fragments).where(
        theory_versions.c.fragments.is_not(None), theory_versions.c.fragments != "[]")
    for theory_id, raw in conn.execute(query):
        linked = {link[0] for link in coded.get(theory_id, [])}
        mine = found.setdefault(theory_id, {})
        for fragment_id, direction in stored_fragments(raw):
            if fragment_id not in linked:
                mine[fragment_id] = direction  # a later version's word stands
    return {k: v for k, v in found.items() if v}


def _evidence(links: list[tuple[int, int, str, bool]], studies: dict[int, str]) -> dict[str, dict[str, list]]:
    groups: dict[str, dict[str, list]] = {}
    for direction, name in DIRECTIONS.items():
        chosen = [link for link in links if link[2] == direction]
        works = sorted({link[1] for link in chosen})
        groups[name] = {"documents": works,
                        "studies": sorted({studies.get(w, f"report:{w}") for w in works}, key=_study_order),
                        "fragments": sorted({link[0] for link in chosen})}
    return groups


def _study_order(key: str) -> tuple[Any, ...]:
    digits = key.lstrip("#")
    if digits.isdigit():
        return (0, int(digits), key)
    return (2 if key.startswith("report:") else 1, 0, key)


def theories_report(conn: Connection, *, topic: str | None = None) -> dict[str, Any]:
    """What ``review theories --json`` prints: topics with counts, and every theory's evidence.

    Raises:
        NotFound: ``topic`` is not a topic of the model.
    """
    topic_rows = conn.execute(select(theory_topics).order_by(theory_topics.c.position)).all()
    if topic is not None and topic not in {t.id for t in topic_rows}:
        known = ", ".join(t.id for t in topic_rows) or "none loaded yet"
        raise NotFound(f"unknown topic {topic!r} (topics: {known})", field="--topic")
    rank = {t.id: t.position for t in topic_rows}
    versions = all_versions(conn)
    included = set(included_ids(conn))  # a report no longer included keeps its fragments, out of the synthesis
    links = {theory: [link for link in found if link[1] in included] for theory, found in _links(conn).items()}
    keys = {work_id: study.key for work_id, study in study_of(conn).items()}
    rows = sorted(conn.execute(select(theories)).all(), key=lambda r: (rank.get(r.topic, 0), r.position, r.id))
    items = []
    for row in rows:
        if topic is not None and row.topic != topic:
            continue
        history = versions.get(row.id, [])
        if not history:
            continue
        mine = links.get(row.id, [])
        current, first = history[-1], history[0]
        evidence = _evidence(mine, keys)
        works = sorted({link[1] for link in mine})
        full = len({link[0] for link in mine if link[3]})
        items.append({
            "id": row.id, "topic": row.topic, "label": current.label, "origin": row.origin,
            "status": derive_status(row.origin, history, (link[2] for link in mine)),
            "fragments": len({link[0] for link in mine}), "documents": len(works),
            "studies": len({keys.get(w, f"report:{w}") for w in works}),
            "partial": full == 0, "full_configurations": full,
            "contested": bool((evidence["supporting"]["fragments"] or evidence["refining"]["fragments"])
                              and evidence["refuting"]["fragments"]),
            "evidence": {name: len(group["fragments"]) for name, group in evidence.items()},
            "version": current.version, **current.cmo(),
            "initial": ({"label": first.label, **first.cmo()} if row.origin == "initial" else None),
            "changed": [n for n in ("label", *CMO) if getattr(first, n) != getattr(current, n)],
            **evidence, "position": row.position,
        })
    topics = []
    for t in topic_rows:
        if topic is not None and t.id != topic:
            continue
        mine = [item for item in items if item["topic"] == t.id]
        topics.append({"id": t.id, "label": t.label, "theories": len(mine),
                       "counts": {s: sum(1 for i in mine if i["status"] == s) for s in STATUSES}})
    return {"topics": topics, "theories": items,
            "counts": {s: sum(1 for i in items if i["status"] == s) for s in STATUSES}}


def theory_history(conn: Connection, theory_id: str) -> dict[str, Any]:
    """What ``review theories history ID --json`` prints: the theory and each version, oldest first.

    Raises:
        NotFound: no such theory.
    """
    history = versions_of(conn, theory_id)
    row = conn.execute(select(theories).where(theories.c.id == theory_id)).one()
    report = theories_report(conn, topic=row.topic)
    status = next((t["status"] for t in report["theories"] if t["id"] == theory_id), None)
    return {"id": theory_id, "topic": row.topic, "origin": row.origin, "status": status,
            "versions": [v.to_dict() for v in history]}
