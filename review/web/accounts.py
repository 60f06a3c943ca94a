"""Accounts of the team's web app: people, roles, password hashes, sessions and API tokens.

A user's name is their reviewer name everywhere (CLI decisions, sheets, the audit trail):
one identity. Passwords are kept only as an Argon2id hash (argon2-cffi: slow and salted).
A session (the browser's cookie) expires after :data:`SESSION_HOURS`; an API token lasts
until the next ``review users token`` for that name or the user's removal. Only the sha256
of a session or token is stored, so a copy of the database signs nobody in.

Failed sign-ins are slowed down per name: after :data:`FREE_FAILURES` failures in a row,
each further attempt must wait twice as long as the one before (up to
:data:`MAX_WAIT_SECONDS`), whatever the password.

Nothing here imports the web framework: ``review users`` uses it without a server.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.engine import Connection

from review.errors import InputError, NotFound, ReviewError
from review.store import Store, now
from review.web.tables import sessions, users
from review.workspace import check_names

ROLES = ("lead", "reviewer")
SESSION_HOURS = 12
FREE_FAILURES = 3
MAX_WAIT_SECONDS = 300
MIN_PASSWORD = 8


@dataclass(frozen=True)
class User:
    """A person who signs in: name (their reviewer name) and role."""

    name: str
    role: str
    created_at: str = ""

    @property
    def is_lead(self) -> bool:
        return self.role == "lead"

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "role": self.role, "created_at": self.created_at}


class SignInRefused(ReviewError):
    """Wrong name or password, or too many failed attempts (``wait`` seconds to go)."""

    def __init__(self, message: str, wait: int = 0) -> None:
        super().__init__(message)
        self.wait = wait


def _hasher():  # argon2 loads a C extension: only when a password is hashed or checked
    from argon2 import PasswordHasher

    return PasswordHasher()


def hash_password(password: str) -> str:
    """An Argon2id hash of ``password`` (refuses passwords shorter than :data:`MIN_PASSWORD`)."""
    if len(password) < MIN_PASSWORD:
        raise InputError(f"a password needs at least {MIN_PASSWORD} characters", field="password")
    return str(_hasher().hash(password))


def _check_role(role: str) -> str:
    if role not in ROLES:
        raise InputError(f"unknown role {role!r}; use one of: {', '.join(ROLES)}", field="--role")
    return role


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _row(conn: Connection, name: str) -> object | None:
    return conn.execute(select(users).where(users.c.name == name)).first()


def _require(conn: Connection, name: str) -> object:
    row = _row(conn, name)
    if row is None:
        raise NotFound(f"there is no user {name!r} (see `review users list`)", field="NAME")
    return row


def add_user(store: Store, name: str, *, password: str, role: str = "reviewer", actor: str) -> User:
    """Create an account; returns it.

    Raises:
        InputError: an empty or bad name, an unknown role, a short password, or a name
            that already has an account.
    """
    (name,) = check_names([name])
    _check_role(role)
    hashed = hash_password(password)
    with store.transaction() as conn:
        if _row(conn, name) is not None:
            raise InputError(f"user {name!r} already exists (change the password with "
                             "`review users passwd`)", field="NAME")
        created = now()
        conn.execute(insert(users).values(name=name, role=role, password_hash=hashed,
                                          failed_signins=0, created_at=created))
        Store.log(conn, actor, "user-add", "user", name, {"role": role})
    return User(name, role, created)


def list_users(store: Store) -> list[User]:
    """Every account, by name."""
    with store.read() as conn:
        rows = conn.execute(select(users.c.name, users.c.role, users.c.created_at).order_by(users.c.name))
        return [User(r.name, r.role, r.created_at) for r in rows]


def get_user(conn: Connection, name: str) -> User | None:
    row = conn.execute(select(users.c.name, users.c.role, users.c.created_at)
                       .where(users.c.name == name)).first()
    return User(row.name, row.role, row.created_at) if row is not None else None


def set_password(store: Store, name: str, *, password: str, actor: str) -> None:
    """Change a user's password; their signed-in sessions end.

    Raises:
        NotFound: no such user.
        InputError: the password is too short.
    """
    hashed = hash_password(password)
    with store.transaction() as conn:
        _require(conn, name)
        conn.execute(update(users).where(users.c.name == name).values(
            password_hash=hashed, failed_signins=0, locked_until=None))
        conn.execute(delete(sessions).where(sessions.c.user_name == name, sessions.c.kind == "session"))
        Store.log(conn, actor, "user-passwd", "user", name)


def remove_user(store: Store, name: str, *, actor: str) -> None:
    """Remove an account with its sessions and token (their decisions stay, under their name).

    Raises:
        NotFound: no such user.
    """
    with store.transaction() as conn:
        _require(conn, name)
        conn.execute(delete(sessions).where(sessions.c.user_name == name))
        conn.execute(delete(users).where(users.c.name == name))
        Store.log(conn, actor, "user-remove", "user", name)


def new_token(store: Store, name: str, *, actor: str) -> str:
    """A new API token for ``name`` (any earlier one stops working); shown once, kept hashed.

    Raises:
        NotFound: no such user.
    """
    token = "rvw_" + secrets.token_urlsafe(32)
    with store.transaction() as conn:
        _require(conn, name)
        conn.execute(delete(sessions).where(sessions.c.user_name == name, sessions.c.kind == "token"))
        conn.execute(insert(sessions).values(user_name=name, kind="token", token_sha256=_digest(token),
                                             created_at=now(), expires_at=None))
        Store.log(conn, actor, "user-token", "user", name)
    return token


# -- signing in -------------------------------------------------------------------------


def _time(text: str | None) -> _dt.datetime | None:
    return _dt.datetime.fromisoformat(text) if text else None


def _now() -> _dt.datetime:
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0)


def wait_after(failures: int) -> int:
    """Seconds the next attempt must wait after ``failures`` failed sign-ins in a row."""
    if failures < FREE_FAILURES:
        return 0
    return int(min(2 ** (failures - FREE_FAILURES), MAX_WAIT_SECONDS))


def sign_in(store: Store, name: str, password: str) -> tuple[User, str]:
    """Check a name and password; returns the user and a new session token (for the cookie).

    Raises:
        SignInRefused: unknown name or wrong password (one message for both), or an
            attempt too soon after repeated failures.
    """
    name = " ".join((name or "").split())
    with store.transaction() as conn:
        row = _row(conn, name)
        if row is None or not row.password_hash:
            _verify(None, password)  # the same work as for a known name
            raise SignInRefused("wrong name or password")
        locked = _time(row.locked_until)
        if locked is not None and locked > _now():
            wait = max(1, int((locked - _now()).total_seconds()))
            raise SignInRefused(f"too many failed sign-ins for {name}; try again in {wait} s", wait)
    if not _verify(row.password_hash, password):
        failures = int(row.failed_signins or 0) + 1
        wait = wait_after(failures)
        until = (_now() + _dt.timedelta(seconds=wait)).isoformat() if wait else None
        with store.transaction() as conn:
            conn.execute(update(users).where(users.c.name == name).values(
                failed_signins=failures, locked_until=until))
            Store.log(conn, name, "sign-in-failed", "user", name, {"failures": failures})
        raise SignInRefused("wrong name or password", wait)
    token = secrets.token_urlsafe(32)
    expires = (_now() + _dt.timedelta(hours=SESSION_HOURS)).isoformat()
    with store.transaction() as conn:
        conn.execute(update(users).where(users.c.name == name).values(failed_signins=0, locked_until=None))
        conn.execute(delete(sessions).where(sessions.c.kind == "session", sessions.c.expires_at < now()))
        conn.execute(insert(sessions).values(user_name=name, kind="session", token_sha256=_digest(token),
                                             created_at=now(), expires_at=expires))
    return User(row.name, row.role, row.created_at), token


def _verify(hashed: str | None, password: str) -> bool:
    from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

    hasher = _hasher()
    try:
        return bool(hasher.verify(hashed or _DUMMY.hash, password))
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


class _Dummy:
    """A hash to check unknown names against, so they take as long as known ones."""

    _value: str | None = None

    @property
    def hash(self) -> str:
        if self._value is None:
            self._value = str(_hasher().hash(secrets.token_hex(16)))
        return self._value


_DUMMY = _Dummy()


def user_for_token(conn: Connection, token: str | None) -> User | None:
    """The user a session cookie or API token belongs to; None if unknown or expired."""
    if not token:
        return None
    row = conn.execute(select(sessions.c.user_name, sessions.c.expires_at)
                       .where(sessions.c.token_sha256 == _digest(token))).first()
    if row is None or (row.expires_at is not None and row.expires_at <= now()):
        return None
    return get_user(conn, row.user_name)


def sign_out(store: Store, token: str | None) -> None:
    """End a session (an unknown token is ignored)."""
    if token:
        with store.transaction() as conn:
            conn.execute(delete(sessions).where(sessions.c.token_sha256 == _digest(token),
                                                sessions.c.kind == "session"))
