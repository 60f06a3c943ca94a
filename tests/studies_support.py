"""Helpers for the studies and theories tests: included reports, protocols, fragments.

Fragments are inserted with SQLAlchemy Core (what review.extraction writes), so the theory
tests do not depend on the extraction commands.
"""

from __future__ import annotations

import textwrap

from screening_support import setup_screening
from sqlalchemy import insert, update

from review.extraction.tables import fragment_theories, fragments
from review.screening.decisions import record_decision
from review.store import now
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
        for stage in ("title-abstract", "full-text"):
            for work_id in ids:
                record_decision(conn, work_id=work_id, stage=stage, reviewer="alice", decision="include")
    return ids


def write(workspace: Workspace, relative: str, text: str) -> None:
    path = workspace.path(*relative.split("/"))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def add_fragment(workspace: Workspace, work_id: int, links: dict[str, str], *, context: str = "",
                 resource: str = "", reasoning: str = "", outcome: str = "", deleted: bool = False) -> int:
    """Insert a fragment of ``work_id`` linked to theories ({theory: direction}); its id."""
    stamp = now()
    with workspace.store().transaction() as conn:
        fragment_id = conn.execute(insert(fragments).values(
            work_id=work_id, quote="A passage.", verified="no-text", evidence="primary", context=context or None,
            mechanism_resource=resource or None, mechanism_reasoning=reasoning or None, outcome=outcome or None,
            coder="alice", actor="alice", created_at=stamp, updated_at=stamp)).inserted_primary_key[0]
        for theory, direction in links.items():
            conn.execute(insert(fragment_theories).values(fragment_id=fragment_id, theory_id=theory,
                                                          direction=direction))
        if deleted:
            conn.execute(update(fragments).where(fragments.c.id == fragment_id).values(deleted_at=stamp))
    return fragment_id
