"""The initial programme theory: ``protocols/theories.yaml``.

Topics, then theories, each a context-mechanism-outcome configuration (the mechanism split
into the resource the programme offers and the reasoning it triggers)::

    topics:
      - {id: take-up, label: Take-up of peer support}
      - {id: positive, label: Positive impact on mothers}
    theories:
      - id: T1
        topic: take-up
        label: Mothers who feel isolated take up support to meet others
        context: Isolated, few friends with babies
        mechanism_resource: Group offers contact with other mothers
        mechanism_reasoning: Hopes to make friends who understand
        outcome: Takes up group support

Any of context, mechanism_resource, mechanism_reasoning and outcome may be left out (a
partial configuration). Ids are unique across topics and theories; a theory's topic must be
one the file defines. Every problem is reported with the file, the line and the key.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from review.errors import ConfigError
from review.studies.yamlnodes import NodeReader, compose, line_of

#: Where a workspace keeps its initial programme theory.
THEORIES_PATH = ("protocols", "theories.yaml")
#: A configuration's parts, in order.
CMO = ("context", "mechanism_resource", "mechanism_reasoning", "outcome")
#: What each part is called in text.
CMO_LABELS = {"context": "Context", "mechanism_resource": "Mechanism (resource)",
              "mechanism_reasoning": "Mechanism (reasoning)", "outcome": "Outcome"}


@dataclass(frozen=True)
class Topic:
    """A group of theories (the seed's take-up, positive impact, negative impact)."""

    id: str
    label: str
    line: int | None = None


@dataclass(frozen=True)
class TheoryDraft:
    """One theory as the protocol states it (its version 1)."""

    id: str
    topic: str
    label: str
    context: str = ""
    mechanism_resource: str = ""
    mechanism_reasoning: str = ""
    outcome: str = ""
    line: int | None = None

    def cmo(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in CMO}


@dataclass(frozen=True)
class TheoryProtocol:
    """The initial model: topics and theories in file order."""

    topics: tuple[Topic, ...] = ()
    theories: tuple[TheoryDraft, ...] = ()
    path: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {"topics": [{"id": t.id, "label": t.label} for t in self.topics],
                "theories": [{"id": t.id, "topic": t.topic, "label": t.label, **t.cmo()} for t in self.theories]}


def load_theories(path: str | Path) -> TheoryProtocol:
    """Read and check a theories file.

    Raises:
        ConfigError: missing file, bad YAML, unknown or missing key, duplicate topic or
            theory id, a theory whose topic the file does not define (file, line and key).
    """
    path = Path(path)
    r = NodeReader(path)
    root = compose(path, "theories file")
    top = r.mapping(root, "", ("version", "title", "description", "topics", "theories"), ("topics",))
    topics: list[Topic] = []
    topic_lines: dict[str, int] = {}
    for index, node in enumerate(r.sequence(top["topics"][1], "topics"), 1):
        key = f"topics[{index}]"
        parts = r.mapping(node, key, ("id", "label", "description"), ("id", "label"))
        topic_id = _id(r, parts["id"][1], f"{key}.id")
        if topic_id in topic_lines:
            raise r.fail(parts["id"][1], f"{key}.id",
                         f"duplicate topic id {topic_id!r} (first at line {topic_lines[topic_id]})")
        topic_lines[topic_id] = line_of(parts["id"][1])
        topics.append(Topic(topic_id, r.text(parts["label"][1], f"{key}.label"), line_of(node)))
    if not topics:
        raise r.fail(top["topics"][1], "topics", "needs at least one topic")
    theories: list[TheoryDraft] = []
    theory_lines: dict[str, int] = {}
    nodes = r.sequence(top["theories"][1], "theories") if "theories" in top else []
    for index, node in enumerate(nodes, 1):
        key = f"theories[{index}]"
        parts = r.mapping(node, key, ("id", "topic", "label", *CMO, "note"), ("id", "topic", "label"))
        theory_id = _id(r, parts["id"][1], f"{key}.id")
        if theory_id in theory_lines:
            raise r.fail(parts["id"][1], f"{key}.id",
                         f"theory id {theory_id!r} is reused (first at line {theory_lines[theory_id]})")
        theory_lines[theory_id] = line_of(parts["id"][1])
        topic = r.text(parts["topic"][1], f"{key}.topic")
        if topic not in topic_lines:
            raise r.fail(parts["topic"][1], f"{key}.topic",
                         f"unknown topic {topic!r} (topics: {', '.join(topic_lines)})")
        theories.append(TheoryDraft(
            theory_id, topic, r.text(parts["label"][1], f"{key}.label"),
            *(r.optional(parts, name, key) for name in CMO), line=line_of(node)))
    return TheoryProtocol(tuple(topics), tuple(theories), str(path))


def _id(r: NodeReader, node: Any, key: str) -> str:
    value = r.text(node, key)
    if len(value) > 80 or any(ch in value for ch in " ;,:"):
        raise r.fail(node, key, f"{value!r}: an id is one word of at most 80 characters, without ; , or :")
    return value


def workspace_theories(workspace: Any) -> TheoryProtocol | None:
    """A workspace's initial model, or None when it has no protocols/theories.yaml.

    Raises:
        ConfigError: the file exists but is malformed.
    """
    path = workspace.path(*THEORIES_PATH)
    return load_theories(path) if path.is_file() else None


def check_id(value: str, *, field: str = "ID") -> str:
    """A theory id given on the command line or in a sheet, checked like the protocol's.

    Raises:
        ConfigError: empty, too long, or containing a space, ``;``, ``,`` or ``:``.
    """
    text = value.strip()
    if not text or len(text) > 80 or any(ch in text for ch in " ;,:"):
        raise ConfigError(f"{value!r}: an id is one word of at most 80 characters, without ; , or :",
                          field=field)
    return text
