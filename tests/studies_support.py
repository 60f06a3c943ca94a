"""Helpers for the studies and theories tests: included reports, protocols, fragments.

Fragments are recorded through review.extraction's library (what `review extract add` does).
"""

from __future__ import annotations

import textwrap

from screening_support import include_without_report, setup_screening

from review.extraction.commands import add_fragment as add_fragment_to
from review.extraction.commands import delete_fragments
from review.screening.decisions import record_decision
from review.workspace import Workspace

STUDIES_YAML = textwrap.dedent("""\
    unit: intervention
    fields:
      - id: country
        label: Country
      - id: format
        label: Format
        values: [one-to-one, group]
      - id: mode
        label: Mode
        values: [face-to-face, telephone]
        multiple: true
    """)

THEORIES_YAML = textwrap.dedent("""\
    topics:
      - {id: take-up, label: Take-up of peer support}
      - {id: positive, label: Positive impact on mothers}
      - {id: negative, label: Negative impact on mothers}
    theories:
      - id: T1
        topic: take-up
        label: Expects peers to offer empathetic understanding
        context: Wants to talk about her feelings
        mechanism_resource: Peer support from women with peer experiences
        mechanism_reasoning: Believes peers will be empathetically understanding
        outcome: Chooses peer support
      - id: T2
        topic: take-up
        label: Wants support from outside her social circle
        mechanism_reasoning: Wants to talk to someone outside her social circle
        outcome: Chooses peer support
      - id: P14
        topic: positive
        label: Receiving empathetic listening
        context: Shame
        mechanism_resource: Peers listen non-judgementally
        mechanism_reasoning: Feels understood and accepted
        outcome: Emotional release
      - id: P15
        topic: positive
        label: Receiving acceptance
      - id: N1
        topic: negative
        label: Feels judged by other mothers
      - id: N2
        topic: negative
        label: Discouraged by upward social comparison
    """)


def included_workspace(workspace: Workspace, count: int = 6) -> list[int]:
    """Include the first ``count`` works of the screening sample at both stages; their ids."""
    ids = setup_screening(workspace, reviewers=["alice"], criteria=False)[:count]
    with workspace.store().transaction() as conn:
        for work_id in ids:
            record_decision(conn, work_id=work_id, stage="title-abstract", reviewer="alice", decision="include")
            include_without_report(conn, work_id)  # no full texts: quotes stay unverified
    return ids


def write(workspace: Workspace, relative: str, text: str) -> None:
    path = workspace.path(*relative.split("/"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def add_fragment(workspace: Workspace, work_id: int, links: dict[str, str], *, context: str = "",
                 resource: str = "", reasoning: str = "", outcome: str = "", deleted: bool = False) -> int:
    """Record a fragment of ``work_id`` linked to theories ({theory: direction}) through
    review.extraction (what `review extract add` does); its id."""
    global _QUOTES
    _QUOTES += 1
    raw = {"report": str(work_id), "quote": f"Passage number {_QUOTES}.", "location": f"p. {_QUOTES}",
           "theories": ";".join(f"{theory}:{direction}" for theory, direction in links.items()),
           "context": context, "mechanism_resource": resource, "mechanism_reasoning": reasoning,
           "outcome": outcome}
    recorded = add_fragment_to(workspace.store(), raw, root=workspace.root, actor="alice")
    fragment_id, state = recorded[0], recorded[1]  # (id, created | updated | unchanged, ...)
    assert state == "created"
    if deleted:
        delete_fragments(workspace.store(), [fragment_id], actor="alice", reason="test")
    return fragment_id


_QUOTES = 0
