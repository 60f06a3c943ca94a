"""The web app's tables: accounts, and sessions and API tokens (migration 0500); labels on works (0510)."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text, UniqueConstraint

metadata = MetaData()

#: One row per person who signs in; ``name`` is their reviewer name everywhere.
users = Table(
    "web_users",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    Column("password_hash", Text),
    Column("failed_signins", Integer, nullable=False, default=0),
    Column("locked_until", String(40)),
    Column("created_at", String(40), nullable=False),
)

#: Signed-in sessions (cookie) and API tokens; only the token's sha256 is kept.
sessions = Table(
    "web_sessions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("user_name", String(200), nullable=False, index=True),
    Column("kind", String(20), nullable=False),
    Column("token_sha256", String(64), nullable=False, unique=True),
    Column("created_at", String(40), nullable=False),
    Column("expires_at", String(40)),
)

#: A person's own labels on works (``/screen/STAGE/works``); created by migration 0510.
#: Each reviewer sees only their own (a label may hint at a decision); leads see all.
work_labels = Table(
    "work_labels",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("work_id", Integer, nullable=False, index=True),
    Column("label", String(80), nullable=False),
    Column("user_name", String(200), nullable=False),
    Column("created_at", String(40), nullable=False),
    UniqueConstraint("work_id", "label", "user_name"),
)
