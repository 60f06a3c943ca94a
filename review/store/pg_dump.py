"""``review backup`` on PostgreSQL: pg_dump's custom format, checked with pg_restore --list.

pg_dump is used when it is installed and at least as new as the server (an older pg_dump
refuses a newer server); otherwise the caller falls back to the CSV archive of
:func:`review.store.archive.export_all`. The password goes to pg_dump through its environment
(``PGPASSWORD``), never on a command line others could read.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy.engine import Engine

from review.errors import ReviewError

__all__ = ["pg_dump_usable", "pg_dump_to"]


def _major(text: str) -> int | None:
    found = re.search(r"(\d+)(?:\.\d+)?", text)
    return int(found.group(1)) if found else None


def pg_dump_usable(engine: Engine) -> str | None:
    """The pg_dump program to use for ``engine``'s server, or None (absent or older than it)."""
    program = shutil.which("pg_dump")
    if program is None:
        return None
    try:
        version = subprocess.run([program, "--version"], capture_output=True, text=True, check=True,
                                 timeout=30).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    with engine.connect() as conn:
        server = conn.dialect.server_version_info or (0,)
    mine = _major(version.split(")", 1)[-1]) if ")" in version else _major(version)
    return program if mine is not None and mine >= server[0] else None


def _environment(engine: Engine) -> dict[str, str]:
    url = engine.url
    env = dict(os.environ)
    for name, value in (("PGHOST", url.host), ("PGPORT", url.port), ("PGUSER", url.username),
                        ("PGPASSWORD", url.password), ("PGDATABASE", url.database)):
        if value is not None:
            env[name] = str(value)
    return env


def pg_dump_to(engine: Engine, program: str, target: Path, tables: list[str]) -> Path:
    """Dump the database into ``target`` (custom format), checked before it takes its name.

    Raises:
        ReviewError: pg_dump failed, or the dump does not list every table's data.
    """
    partial = target.with_name(target.name + ".partial")
    env = _environment(engine)
    done = subprocess.run([program, "--format=custom", "--no-owner", f"--file={partial}"],
                          capture_output=True, text=True, env=env)
    if done.returncode != 0:
        partial.unlink(missing_ok=True)
        raise ReviewError(f"pg_dump failed: {done.stderr.strip().splitlines()[-1] if done.stderr.strip() else done.returncode}")
    restore = shutil.which("pg_restore")
    if restore:
        listing = subprocess.run([restore, "--list", str(partial)], capture_output=True, text=True)
        missing = [t for t in tables if f"TABLE DATA public {t} " not in listing.stdout]
        if listing.returncode != 0 or missing:
            partial.unlink(missing_ok=True)
            raise ReviewError(f"the dump does not check out (pg_restore --list: "
                              f"{', '.join(missing[:3]) or listing.stderr.strip()}); nothing was written")
    partial.replace(target)
    return target
