"""Finding and creating review workspaces, and reading review.toml.

A workspace is a directory holding ``review.toml``; commands find it from the current
directory upward (like git finds ``.git``) or from ``-C DIR``.
"""

from __future__ import annotations

import getpass
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from review.errors import ConfigError, WorkspaceError, WorkspaceExists
from review.store import Store

CONFIG_NAME = "review.toml"
DEFAULT_DB_URL = "sqlite:///review.db"
SUBDIRS = ("protocols", "protocols/appraisal", "corpus", "extraction", "reports")

_TEMPLATE = """\
[review]
title = {title}
question = ""

[database]
# SQLite file relative to this directory by default; a PostgreSQL URL works too.
url = "sqlite:///review.db"

[screening]
reviewers = []
reviewers_per_work = 1
"""


def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


@dataclass
class Workspace:
    """A review workspace on disk."""

    root: Path
    config: dict[str, Any] = field(default_factory=dict)
    _store: Store | None = field(default=None, repr=False)

    @property
    def config_path(self) -> Path:
        return self.root / CONFIG_NAME

    @property
    def title(self) -> str:
        return str(self.config.get("review", {}).get("title", self.root.name))

    @property
    def db_url(self) -> str:
        url = str(self.config.get("database", {}).get("url", DEFAULT_DB_URL))
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith("sqlite:////"):
            relative = url[len(prefix) :]
            if relative and relative != ":memory:" and not Path(relative).is_absolute():
                return prefix + str((self.root / relative).resolve())
        return url

    def setting(self, section: str, key: str, default: Any = None) -> Any:
        """A value from review.toml, e.g. ``setting("screening", "reviewers_per_work", 1)``."""
        return self.config.get(section, {}).get(key, default)

    def path(self, *parts: str) -> Path:
        return self.root.joinpath(*parts)

    def store(self) -> Store:
        """The workspace's database, opened (and migrated) on first use."""
        if self._store is None:
            self._store = Store.open(self.db_url)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    @classmethod
    def load(cls, root: Path) -> Workspace:
        path = root / CONFIG_NAME
        try:
            config = tomllib.loads(path.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(str(exc), path=path) from exc
        return cls(root=root.resolve(), config=config)

    @classmethod
    def find(cls, start: str | Path | None = None) -> Workspace:
        """The workspace containing ``start`` (default: the current directory)."""
        here = Path(start or os.getcwd()).resolve()
        for candidate in (here, *here.parents):
            if (candidate / CONFIG_NAME).is_file():
                return cls.load(candidate)
        raise WorkspaceError(
            f"no {CONFIG_NAME} in {here} or any parent; run `review init` or pass -C DIR"
        )

    @classmethod
    def create(cls, root: str | Path, *, title: str | None = None) -> Workspace:
        """Make a new, empty workspace; refuses to touch an existing one."""
        root = Path(root).resolve()
        if (root / CONFIG_NAME).exists():
            raise WorkspaceExists(f"{root / CONFIG_NAME} already exists; not overwriting it")
        root.mkdir(parents=True, exist_ok=True)
        for sub in SUBDIRS:
            (root / sub).mkdir(parents=True, exist_ok=True)
        text = _TEMPLATE.format(title=_toml_string(title or root.name))
        (root / CONFIG_NAME).write_text(text, encoding="utf-8")
        criteria = root / "protocols" / "criteria.yaml"
        if not criteria.exists():
            template = resources.files("review.templates").joinpath("criteria.yaml")
            criteria.write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
        workspace = cls.load(root)
        workspace.store()  # creates the database and applies migrations
        return workspace


def current_actor(explicit: str | None = None) -> str:
    """Who is making a change: explicit name, $REVIEW_ACTOR, or the login name."""
    if explicit:
        return explicit
    env = os.environ.get("REVIEW_ACTOR")
    if env:
        return env
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "unknown"
