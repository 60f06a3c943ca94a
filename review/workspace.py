"""Finding and creating review workspaces, and reading review.toml.

A workspace is a directory holding ``review.toml``; commands find it from the current
directory upward (like git finds ``.git``) or from ``-C DIR``.
"""

from __future__ import annotations

import difflib
import getpass
import os
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from string import Template
from typing import Any

import tomlkit

from review.errors import ConfigError, InputError, WorkspaceError, WorkspaceExists
from review.store import Store

CONFIG_NAME = "review.toml"
DEFAULT_DB_URL = "sqlite:///review.db"
SUBDIRS = ("protocols", "protocols/appraisal", "corpus", "extraction", "reports")

def _toml_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


#: Starter protocols `review init` writes into protocols/ (from review/templates/).
PROTOCOL_TEMPLATES = ("criteria.yaml", "theories.yaml", "studies.yaml")


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
        return self.resolve_url(str(self.config.get("database", {}).get("url", DEFAULT_DB_URL)))

    def resolve_url(self, url: str) -> str:
        """A database URL with a relative SQLite file made absolute (relative to the workspace)."""
        prefix = "sqlite:///"
        if url.startswith(prefix) and not url.startswith("sqlite:////"):
            relative = url[len(prefix) :]
            if relative and relative != ":memory:" and not Path(relative).is_absolute():
                return prefix + str((self.root / relative).resolve())
        return url

    def set_database_url(self, url: str) -> None:
        """Write ``url`` as review.toml's [database] url (comments kept); the next open uses it."""
        document = tomlkit.parse(self.config_path.read_text(encoding="utf-8"))
        database = document.setdefault("database", tomlkit.table())
        database["url"] = url
        self.config_path.write_text(tomlkit.dumps(document), encoding="utf-8")
        self.config = tomllib.loads(self.config_path.read_text(encoding="utf-8"))
        self.close()

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

    @property
    def reviewers(self) -> list[str]:
        """review.toml [screening] reviewers: who may screen, appraise and code."""
        return [str(name) for name in self.setting("screening", "reviewers", []) or []]

    def add_reviewers(self, names: list[str]) -> list[str]:
        """Add names to review.toml [screening] reviewers (comments kept); returns those added."""
        new = [name for name in dict.fromkeys(check_names(names)) if name not in self.reviewers]
        if not new:
            return []
        document = tomlkit.parse(self.config_path.read_text(encoding="utf-8"))
        screening = document.setdefault("screening", tomlkit.table())
        listed = screening.get("reviewers")
        if listed is None:
            screening["reviewers"] = tomlkit.array()
            listed = screening["reviewers"]
        listed.extend(new)
        self.config_path.write_text(tomlkit.dumps(document), encoding="utf-8")
        self.config = tomllib.loads(self.config_path.read_text(encoding="utf-8"))
        return new

    def require_reviewer(self, name: str, *, add: bool = False) -> tuple[str, bool]:
        """A reviewer name checked against review.toml; returns (name, whether it is new).

        An empty list takes the first name used; after that, a name not on the list is
        refused unless ``add`` (``--add-reviewer``), so that a typo does not split one
        reviewer into two. A new name is not written here: call :meth:`add_reviewers`
        once the command has succeeded.

        Raises:
            InputError: an empty name, or one not on the list (with the closest listed).
        """
        (clean,) = check_names([name])
        listed = self.reviewers
        if clean in listed:
            return clean, False
        if add or not listed:
            return clean, True
        close = difflib.get_close_matches(clean, listed, n=1, cutoff=0.5)
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise InputError(
            f"unknown reviewer {clean!r}{hint}; review.toml [screening] reviewers lists: "
            f"{', '.join(listed)}. To add a new reviewer, repeat with --add-reviewer",
            field="--reviewer",
        )

    @classmethod
    def create(cls, root: str | Path, *, title: str | None = None,
               reviewers: list[str] | None = None) -> Workspace:
        """Make a new, empty workspace; refuses to touch an existing one."""
        names = list(dict.fromkeys(check_names(reviewers or [])))
        root = Path(root).resolve()
        if (root / CONFIG_NAME).exists():
            raise WorkspaceExists(f"{root / CONFIG_NAME} already exists; not overwriting it")
        root.mkdir(parents=True, exist_ok=True)
        for sub in SUBDIRS:
            (root / sub).mkdir(parents=True, exist_ok=True)
        template = resources.files("review.templates").joinpath(CONFIG_NAME).read_text(encoding="utf-8")
        text = Template(template).substitute(title=_toml_string(title or root.name),
                                             reviewers="[" + ", ".join(_toml_string(n) for n in names) + "]")
        (root / CONFIG_NAME).write_text(text, encoding="utf-8")
        for name in PROTOCOL_TEMPLATES:
            protocol = root / "protocols" / name
            if not protocol.exists():
                template = resources.files("review.templates").joinpath(name)
                protocol.write_text(template.read_text(encoding="utf-8"), encoding="utf-8")
        workspace = cls.load(root)
        workspace.store()  # creates the database and applies migrations
        return workspace


def check_names(names: list[str]) -> list[str]:
    """Reviewer names, trimmed; refuses empty ones and commas inside a name."""
    clean = []
    for name in names:
        text = " ".join(str(name).split())
        if not text:
            raise InputError("a reviewer name is needed", field="--reviewer")
        if "," in text:
            raise InputError(f"one name at a time, not {text!r}", field="--reviewer")
        clean.append(text)
    return clean


def parse_reviewer_list(text: str) -> list[str]:
    """``"JM, SA"`` -> ``["JM", "SA"]`` (commas or semicolons between names)."""
    return [part.strip() for part in text.replace(";", ",").split(",") if part.strip()]


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
