"""The tables, as SQLAlchemy Core metadata (portable between SQLite and PostgreSQL).

Tables are created by migrations (``review.store.migrations``), never from this module
directly; it exists so that queries can name columns without writing SQL strings.
"""

from __future__ import annotations

from sqlalchemy import (
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

migrations = Table(
    "schema_migrations",
    metadata,
    Column("version", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("applied_at", String(40), nullable=False),
)

events = Table(
    "events",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
    Column("action", String(80), nullable=False),
    Column("entity", String(80), nullable=False),
    Column("entity_id", String(80)),
    Column("detail", Text),  # JSON
)

sources = Table(
    "sources",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False),
    Column("kind", String(40), nullable=False),
    Column("format", String(40), nullable=False),
    Column("file_name", String(500), nullable=False),
    Column("path", Text, nullable=False),
    Column("sha256", String(64), nullable=False, unique=True),
    Column("encoding", String(40), nullable=False),
    Column("searched", String(40)),
    Column("query", Text),
    Column("hits_reported", Integer),
    Column("records_read", Integer, nullable=False),
    Column("imported_at", String(40), nullable=False),
    Column("actor", String(200), nullable=False),
)

# Normalised bibliographic columns shared by records and works.
BIB_COLUMNS = (
    "title",
    "authors",  # JSON list of {"family": ..., "given": ...}
    "year",
    "journal",
    "journal_abbrev",
    "volume",
    "issue",
    "pages",
    "page_first",
    "page_last",
    "doi",
    "pmid",
    "abstract",
    "keywords",  # JSON list of strings
    "type",
    "language",
    "issn",
    "isbn",
    "url",
    "publisher",
)


def _bib_columns() -> list[Column]:
    cols: list[Column] = []
    for name in BIB_COLUMNS:
        if name == "year":
            cols.append(Column(name, Integer))
        else:
            cols.append(Column(name, Text))
    return cols


records = Table(
    "records",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("source_id", Integer, ForeignKey("sources.id"), nullable=False),
    Column("position", Integer, nullable=False),  # 1-based position in its file
    Column("line", Integer),  # line where the record starts in its file
    Column("source_ref", Text),  # the id the export gave it (RIS ID/AN, PMID, ...)
    Column("original", Text, nullable=False),  # JSON: fields verbatim as in the file
    Column("work_id", Integer, ForeignKey("works.id")),
    *_bib_columns(),
    UniqueConstraint("source_id", "position"),
)
Index("ix_records_work", records.c.work_id)
Index("ix_records_doi", records.c.doi)
Index("ix_records_pmid", records.c.pmid)

works = Table(
    "works",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("canonical_record_id", Integer),  # no FK: records -> works already links them
    Column("rule", String(80)),  # how its records were matched (e.g. doi, fuzzy, single)
    Column("score", Float),
    Column("explanation", Text),  # JSON
    Column("created_at", String(40), nullable=False),
    Column("updated_at", String(40), nullable=False),
    *_bib_columns(),
)
