"""The web app's accounts: users (name, role, password hash) and their sessions and tokens."""

from sqlalchemy import Column, Integer, MetaData, String, Table, Text
from sqlalchemy.engine import Connection


def upgrade(conn: Connection) -> None:
    # Frozen copy of review.web.tables as first created; later changes need a migration.
    metadata = MetaData()
    Table(
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
    Table(
        "web_sessions",
        metadata,
        Column("id", Integer, primary_key=True),
        Column("user_name", String(200), nullable=False, index=True),
        Column("kind", String(20), nullable=False),  # "session" (cookie) or "token" (API)
        Column("token_sha256", String(64), nullable=False, unique=True),
        Column("created_at", String(40), nullable=False),
        Column("expires_at", String(40)),
    )
    metadata.create_all(conn)
