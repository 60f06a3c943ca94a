"""The web app's tables (created by migration 0500): accounts, and sessions and API tokens."""

from __future__ import annotations

from sqlalchemy import Column, Integer, MetaData, String, Table, Text

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
