"""Evidence fragments: verbatim passages of included reports coded as C-M-O, and their
links to programme theories.

A fragment's current state is its row; every change to it is appended to the audit trail
(``events``) with the values it replaced, so nothing a coder entered is lost.
"""

from __future__ import annotations

from sqlalchemy import Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint

from review.store.schema import metadata

fragments = Table(
    "fragments",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("work_id", Integer, ForeignKey("works.id"), nullable=False, index=True),  # the report
    Column("quote", Text, nullable=False),  # verbatim
    Column("location", Text),  # as the coder wrote it: "p. 4", "para 12", "1203-1388"
    Column("page", Integer),  # found page (PDF) when verified
    Column("char_start", Integer),  # offsets of the quote in the text it was verified against
    Column("char_end", Integer),
    Column("text_path", Text),  # the text verified against (the report's full text, or another)
    Column("text_sha256", String(64)),
    Column("verified", String(10), nullable=False),  # yes | no | no-text
    Column("evidence", String(20), nullable=False),  # primary | secondary (quoted from a synthesis)
    Column("context", Text),
    Column("mechanism_resource", Text),
    Column("mechanism_reasoning", Text),
    Column("outcome", Text),
    Column("relevance", String(10)),  # high | moderate | low
    Column("relevance_note", Text),
    Column("rigour", String(10)),  # high | moderate | low
    Column("rigour_note", Text),
    Column("coder", String(200), nullable=False),
    Column("note", Text),
    Column("actor", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    Column("deleted_at", String(40)),  # set instead of deleting the row
)

fragment_theories = Table(
    "fragment_theories",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("fragment_id", Integer, ForeignKey("fragments.id"), nullable=False, index=True),
    Column("theory_id", String(80), ForeignKey("theories.id"), nullable=False, index=True),
    Column("direction", String(10), nullable=False),  # supports | refutes | refines
    UniqueConstraint("fragment_id", "theory_id"),
)

fragment_labels = Table(
    "fragment_labels",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("fragment_id", Integer, ForeignKey("fragments.id"), nullable=False, index=True),
    Column("label", Text, nullable=False),  # a code of a QDA project's codebook that is not C/M/O or a theory
    UniqueConstraint("fragment_id", "label"),
)
