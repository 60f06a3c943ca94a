"""Studies, programme theories (versioned) and evidence fragments."""

from sqlalchemy import (
    Column,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.engine import Connection


def upgrade(conn: Connection) -> None:
    # Frozen copy of review.studies.tables, review.synthesis.tables and
    # review.extraction.tables as first created; later changes need their own migration.
    m = MetaData()
    Table("works", m, Column("id", Integer, primary_key=True))
    Table("studies", m,
          Column("id", Integer, primary_key=True),
          Column("key", String(80), nullable=False, unique=True),
          Column("label", Text), Column("characteristics", Text), Column("position", Integer),
          Column("actor", String(200), nullable=False),
          Column("created_at", String(40), nullable=False),
          Column("updated_at", String(40), nullable=False))
    Table("study_reports", m,
          Column("id", Integer, primary_key=True),
          Column("study_id", Integer, ForeignKey("studies.id"), nullable=False, index=True),
          Column("work_id", Integer, ForeignKey("works.id"), nullable=False, unique=True),
          Column("actor", String(200), nullable=False),
          Column("created_at", String(40), nullable=False))
    Table("theory_topics", m,
          Column("id", String(80), primary_key=True),
          Column("label", Text, nullable=False), Column("position", Integer, nullable=False))
    Table("theories", m,
          Column("id", String(80), primary_key=True),
          Column("topic", String(80), ForeignKey("theory_topics.id"), nullable=False),
          Column("origin", String(20), nullable=False),
          Column("position", Integer, nullable=False),
          Column("actor", String(200), nullable=False),
          Column("created_at", String(40), nullable=False))
    Table("theory_versions", m,
          Column("id", Integer, primary_key=True),
          Column("theory_id", String(80), ForeignKey("theories.id"), nullable=False, index=True),
          Column("version", Integer, nullable=False),
          Column("label", Text, nullable=False),
          Column("context", Text), Column("mechanism_resource", Text),
          Column("mechanism_reasoning", Text), Column("outcome", Text),
          Column("change", String(40), nullable=False), Column("reason", Text),
          Column("fragments", Text),
          Column("actor", String(200), nullable=False),
          Column("created_at", String(40), nullable=False),
          UniqueConstraint("theory_id", "version"))
    Table("fragments", m,
          Column("id", Integer, primary_key=True),
          Column("work_id", Integer, ForeignKey("works.id"), nullable=False, index=True),
          Column("quote", Text, nullable=False), Column("location", Text),
          Column("page", Integer), Column("char_start", Integer), Column("char_end", Integer),
          Column("text_path", Text), Column("text_sha256", String(64)),
          Column("verified", String(10), nullable=False),
          Column("evidence", String(20), nullable=False),
          Column("context", Text), Column("mechanism_resource", Text),
          Column("mechanism_reasoning", Text), Column("outcome", Text),
          Column("relevance", String(10)), Column("relevance_note", Text),
          Column("rigour", String(10)), Column("rigour_note", Text),
          Column("coder", String(200), nullable=False), Column("note", Text),
          Column("actor", String(200), nullable=False),
          Column("created_at", String(40), nullable=False),
          Column("updated_at", String(40), nullable=False),
          Column("deleted_at", String(40)))
    Table("fragment_theories", m,
          Column("id", Integer, primary_key=True),
          Column("fragment_id", Integer, ForeignKey("fragments.id"), nullable=False, index=True),
          Column("theory_id", String(80), ForeignKey("theories.id"), nullable=False, index=True),
          Column("direction", String(10), nullable=False),
          UniqueConstraint("fragment_id", "theory_id"))
    for name in ("studies", "study_reports", "theory_topics", "theories", "theory_versions",
                 "fragments", "fragment_theories"):
        m.tables[name].create(conn)
