"""Theories in the database: the initial model loaded once, and every later version.

A theory's current wording is its latest row in ``theory_versions``; rows are appended,
never updated. Version 1 of an initial theory comes from protocols/theories.yaml
(change ``initial``); an inductive theory starts at version 1 with change ``inductive``;
each refinement adds a version (``refined`` when it adds or changes a context, mechanism or
outcome, ``reworded`` when only the wording of the label changes, or when the reviewer says
the C/M/O edit is a rewording) with who, when, why and the fragments that motivated it.
Those fragments are evidence for the theory (supporting it, unless the version says a
fragment refutes or refines it: ``12:refutes``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection

from review.errors import ConfigError, InputError, NotFound
from review.extraction.tables import fragments as fragments_table
from review.store import Store, now
from review.synthesis.protocol import CMO, TheoryProtocol, check_id
from review.synthesis.tables import theories, theory_topics, theory_versions

CHANGES = ("initial", "inductive", "refined", "reworded")


@dataclass(frozen=True)
class TheoryVersion:
    """One version of a theory."""

    theory_id: str
    version: int
    label: str
    context: str
    mechanism_resource: str
    mechanism_reasoning: str
    outcome: str
    change: str
    reason: str
    fragments: tuple[int, ...]
    actor: str
    created_at: str
    #: Fragments that bear on the theory otherwise than supporting it: (id, refutes | refines).
    directions: tuple[tuple[int, str], ...] = ()

    def direction(self, fragment_id: int) -> str:
        """How a fragment behind this version bears on the theory (supports unless said otherwise)."""
        return dict(self.directions).get(fragment_id, "supports")

    def content(self) -> tuple[str, ...]:
        return (self.label, *(getattr(self, name) for name in CMO))

    def cmo(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in CMO}

    def to_dict(self) -> dict[str, Any]:
        return {"version": self.version, "change": self.change, "label": self.label, **self.cmo(),
                "reason": self.reason or None, "fragments": list(self.fragments),
                "directions": {str(i): d for i, d in self.directions}, "actor": self.actor,
                "at": self.created_at}


@dataclass
class LoadResult:
    """What loading the initial model did."""

    topics_added: int = 0
    topics_updated: int = 0
    theories_added: int = 0
    theories_unchanged: int = 0
    not_in_protocol: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = (f"{self.theories_added} initial theories loaded, {self.theories_unchanged} unchanged"
                f"{f', {self.topics_added} topics added' if self.topics_added else ''}"
                f"{f', {self.topics_updated} topic labels updated' if self.topics_updated else ''}")
        return text


def stored_fragments(raw: str | None) -> list[tuple[int, str]]:
    """A version's ``fragments`` column: a JSON list of ids (supports) or ``"12:refutes"`` entries."""
    try:
        entries = json.loads(raw or "[]")
    except ValueError:
        return []
    found = []
    for entry in entries if isinstance(entries, list) else []:
        number, _, direction = str(entry).partition(":")
        if number.strip().isdigit():
            found.append((int(number), direction.strip() or "supports"))
    return found


def _stored(fragments: tuple[int, ...], directions: dict[int, str]) -> list[int | str]:
    return [f"{i}:{directions[i]}" if directions.get(i, "supports") != "supports" else i for i in fragments]


def _version(row: Any) -> TheoryVersion:
    links = stored_fragments(row.fragments)
    return TheoryVersion(row.theory_id, row.version, row.label, row.context or "", row.mechanism_resource or "",
                         row.mechanism_reasoning or "", row.outcome or "", row.change, row.reason or "",
                         tuple(i for i, _ in links), row.actor, row.created_at,
                         tuple((i, d) for i, d in links if d != "supports"))


def all_versions(conn: Connection) -> dict[str, list[TheoryVersion]]:
    """Every theory's versions, oldest first, by theory id."""
    found: dict[str, list[TheoryVersion]] = {}
    for row in conn.execute(select(theory_versions).order_by(theory_versions.c.theory_id,
                                                             theory_versions.c.version)):
        found.setdefault(row.theory_id, []).append(_version(row))
    return found


def versions_of(conn: Connection, theory_id: str) -> list[TheoryVersion]:
    """One theory's versions, oldest first.

    Raises:
        NotFound: no such theory.
    """
    rows = conn.execute(select(theory_versions).where(theory_versions.c.theory_id == theory_id)
                        .order_by(theory_versions.c.version)).all()
    if not rows:
        known = [r.id for r in conn.execute(select(theories.c.id).order_by(theories.c.position))]
        shown = ", ".join(known[:15]) + (" ..." if len(known) > 15 else "") if known else "none loaded yet"
        raise NotFound(f"no theory {theory_id!r} (theories: {shown})", field="ID")
    return [_version(row) for row in rows]


def _append(conn: Connection, theory_id: str, version: int, values: dict[str, str], *, change: str,
            reason: str, fragments: tuple[int, ...], actor: str, at: str,
            directions: dict[int, str] | None = None) -> TheoryVersion:
    directions = {i: d for i, d in (directions or {}).items() if i in fragments and d != "supports"}
    stored = _stored(fragments, directions)
    conn.execute(insert(theory_versions).values(
        theory_id=theory_id, version=version, label=values["label"],
        **{name: values.get(name) or None for name in CMO}, change=change, reason=reason or None,
        fragments=json.dumps(stored), actor=actor, created_at=at))
    Store.log(conn, actor, f"theory-{change}", "theory", theory_id,
              {"version": version, **values, "reason": reason, "fragments": stored})
    return TheoryVersion(theory_id, version, values["label"], *(values.get(n) or "" for n in CMO), change,
                         reason, fragments, actor, at, tuple((i, directions[i]) for i in fragments if i in directions))


def load_initial(conn: Connection, protocol: TheoryProtocol, *, actor: str) -> LoadResult:
    """Load the protocol's topics and theories (version 1, origin initial); idempotent.

    Raises:
        ConfigError: a theory id already used by an inductive theory, or an initial theory
            whose wording differs from the version 1 already loaded (file, line, key).
    """
    result = LoadResult()
    stored_topics = {row.id: row for row in conn.execute(select(theory_topics))}
    for position, topic in enumerate(protocol.topics, 1):
        row = stored_topics.get(topic.id)
        if row is None:
            conn.execute(insert(theory_topics).values(id=topic.id, label=topic.label, position=position))
            Store.log(conn, actor, "theory-topic-add", "theory_topic", topic.id, {"label": topic.label})
            result.topics_added += 1
        elif (row.label, row.position) != (topic.label, position):
            conn.execute(update(theory_topics).where(theory_topics.c.id == topic.id)
                         .values(label=topic.label, position=position))
            Store.log(conn, actor, "theory-topic-update", "theory_topic", topic.id,
                      {"before": row.label, "after": topic.label})
            result.topics_updated += 1
    stored = {row.id: row for row in conn.execute(select(theories))}
    wanted = {topic.id for topic in protocol.topics}
    used = {row.topic for row in stored.values()}
    for topic_id in sorted(set(stored_topics) - wanted - used):  # a topic dropped before it held a theory
        conn.execute(delete(theory_topics).where(theory_topics.c.id == topic_id))
        Store.log(conn, actor, "theory-topic-remove", "theory_topic", topic_id, {"label": stored_topics[topic_id].label})
    firsts = {row.theory_id: _version(row) for row in
              conn.execute(select(theory_versions).where(theory_versions.c.version == 1))}
    stamp = now()
    for position, draft in enumerate(protocol.theories, 1):
        row = stored.get(draft.id)
        values = {"label": draft.label, **draft.cmo()}
        if row is None:
            conn.execute(insert(theories).values(id=draft.id, topic=draft.topic, origin="initial",
                                                 position=position, actor=actor, created_at=stamp))
            _append(conn, draft.id, 1, values, change="initial", reason="", fragments=(), actor=actor, at=stamp)
            result.theories_added += 1
            continue
        where = f"theories[{position}].id"
        if row.origin != "initial":
            first = firsts.get(draft.id)
            raise ConfigError(f"theory id {draft.id!r} is reused: it is already an inductive theory"
                              f"{f' added by {first.actor} on {first.created_at[:10]}' if first else ''}",
                              path=protocol.path, line=draft.line, field=where)
        first = firsts[draft.id]
        if first.content() != (draft.label, *draft.cmo().values()) or row.topic != draft.topic:
            raise ConfigError(
                f"theory {draft.id} differs from the initial version loaded on {first.created_at[:10]}; "
                "the initial model is fixed once loaded: record the change with `review theories refine`, "
                "or rebuild with `review run --fresh`", path=protocol.path, line=draft.line, field=where)
        if row.position != position:
            conn.execute(update(theories).where(theories.c.id == draft.id).values(position=position))
        result.theories_unchanged += 1
    in_file = {d.id for d in protocol.theories}
    result.not_in_protocol = sorted(i for i, row in stored.items() if row.origin == "initial" and i not in in_file)
    return result


def _clean(value: str | None) -> str:
    return " ".join((value or "").split())


def check_fragments(conn: Connection, ids: tuple[int, ...] | list[int]) -> tuple[int, ...]:
    """The ids, each a current (not deleted) fragment.

    Raises:
        NotFound: an unknown or deleted fragment.
    """
    wanted = tuple(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        return ()
    rows = {r.id: r.deleted_at for r in conn.execute(
        select(fragments_table.c.id, fragments_table.c.deleted_at).where(fragments_table.c.id.in_(wanted)))}
    for fragment_id in wanted:
        if fragment_id not in rows:
            raise NotFound(f"no fragment {fragment_id}", field="--fragment")
        if rows[fragment_id] is not None:
            raise NotFound(f"fragment {fragment_id} was deleted on {rows[fragment_id][:10]}", field="--fragment")
    return wanted


def record_inductive(conn: Connection, *, theory_id: str, topic: str, label: str, cmo: dict[str, str],
                     reason: str = "", fragments: tuple[int, ...] = (), actor: str,
                     at: str | None = None, directions: dict[int, str] | None = None) -> TheoryVersion:
    """Add an inductive theory (origin inductive, version 1, change inductive).

    Raises:
        InputError: a bad or reused id, an unknown topic, an empty label.
    """
    theory_id = check_id(theory_id)
    if conn.execute(select(theories.c.origin).where(theories.c.id == theory_id)).first() is not None:
        raise InputError(f"theory id {theory_id!r} is reused: the model already has it; choose a new id "
                         "(or `review theories refine` to change it)", field="ID")
    topics = [r.id for r in conn.execute(select(theory_topics.c.id).order_by(theory_topics.c.position))]
    if topic not in topics:
        raise NotFound(f"unknown topic {topic!r} (topics: {', '.join(topics) or 'none: load protocols/theories.yaml'})",
                       field="--topic")
    values = {"label": _clean(label), **{name: _clean(cmo.get(name)) for name in CMO}}
    if not values["label"]:  # named by what it says: its mechanism, else its outcome, else its context
        values["label"] = next((values[n] for n in ("mechanism_reasoning", "mechanism_resource", "outcome",
                                                    "context") if values[n]), "")
    if not values["label"]:
        raise InputError("a theory needs a label, or at least one of context, mechanism or outcome",
                         field="--label")
    stamp = at or now()
    position = (conn.execute(select(func.max(theories.c.position))).scalar() or 0) + 1
    conn.execute(insert(theories).values(id=theory_id, topic=topic, origin="inductive", position=position,
                                         actor=actor, created_at=stamp))
    return _append(conn, theory_id, 1, values, change="inductive", reason=_clean(reason), fragments=fragments,
                   actor=actor, at=stamp, directions=directions)


def record_refinement(conn: Connection, theory_id: str, *, changes: dict[str, str], additions: dict[str, str],
                      reason: str, fragments: tuple[int, ...] = (), reworded: bool = False, actor: str,
                      at: str | None = None, version: int | None = None,
                      directions: dict[int, str] | None = None) -> TheoryVersion:
    """Add a version: ``changes`` replace a field (label or a C/M/O part), ``additions`` add to one.

    An addition joins the new text to the current one with "; " (a further context, a
    second mechanism). The change is ``refined`` when a C/M/O part differs, ``reworded``
    when only the label does or ``reworded`` is asked for.

    Raises:
        NotFound: no such theory.
        InputError: no reason, nothing changed, an unknown field.
    """
    current = versions_of(conn, theory_id)[-1]
    if version is not None and version != current.version + 1:
        raise InputError(f"theory {theory_id} is at version {current.version}; the next is {current.version + 1}, "
                         f"not {version}", field="version")
    if not _clean(reason):
        raise InputError("say why (the reason is kept with the new version)", field="--reason")
    values = {"label": current.label, **current.cmo()}
    for name, text in changes.items():
        if name not in values:
            raise InputError(f"unknown field {name!r}", field=name)
        values[name] = _clean(text)
    for name, text in additions.items():
        if name not in CMO:
            raise InputError(f"only a context, mechanism or outcome can be added to, not {name!r}", field=name)
        extra = _clean(text)
        if extra:
            values[name] = f"{values[name]}; {extra}" if values[name] else extra
    if not values["label"]:
        raise InputError("a theory needs a label", field="--label")
    if (values["label"], *(values[n] for n in CMO)) == current.content():
        raise InputError(f"nothing to change: theory {theory_id} version {current.version} already says that",
                         field="ID")
    cmo_changed = any(values[n] != getattr(current, n) for n in CMO)
    change = "refined" if cmo_changed and not reworded else "reworded"
    return _append(conn, theory_id, current.version + 1, values, change=change, reason=_clean(reason),
                   fragments=fragments, actor=actor, at=at or now(), directions=directions)
