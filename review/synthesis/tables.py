"""Programme theories: topics, theories and every version of each theory.

A theory's current wording is its latest version; versions are appended, never updated,
each with who, when, why and the fragments that motivated it.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from review.store.schema import metadata

theory_topics = Table(
    "theory_topics",
    metadata,
    Column("id", String(80), primary_key=True),  # e.g. take-up, positive, negative
    Column("label", Text, nullable=False),
    Column("position", Integer, nullable=False),
)

theories = Table(
    "theories",
    metadata,
    Column("id", String(80), primary_key=True),  # as the protocol writes it, e.g. "T1", "P14"
    Column("topic", String(80), ForeignKey("theory_topics.id"), nullable=False),
    Column("origin", String(20), nullable=False),  # initial | inductive
    Column("position", Integer, nullable=False),  # order within the model
    Column("actor", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
)

theory_versions = Table(
    "theory_versions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("theory_id", String(80), ForeignKey("theories.id"), nullable=False, index=True),
    Column("version", Integer, nullable=False),  # 1, 2, ...
    Column("label", Text, nullable=False),
    Column("context", Text),
    Column("mechanism_resource", Text),
    Column("mechanism_reasoning", Text),
    Column("outcome", Text),
    Column("change", String(40), nullable=False),  # initial | inductive | refined | reworded
    Column("reason", Text),  # why (free text)
    Column("fragments", Text),  # JSON list of fragment ids that motivated the change
    Column("actor", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
    UniqueConstraint("theory_id", "version"),
)
