"""What every ``review screen`` command reads from the workspace: store, reviewers, criteria."""

from __future__ import annotations

from typing import Any

import click
from sqlalchemy import select

from review.cli.context import State
from review.errors import ConfigError
from review.screening.criteria import load_criteria
from review.screening.tables import screening_decisions


class ScreenSettings:
    """What every screen command reads from the workspace: store, rules, criteria."""

    def __init__(self, state: State) -> None:
        self.workspace = state.workspace()
        self.store = self.workspace.store()
        setting = self.workspace.setting
        self.reviewers: list[str] = [str(r) for r in setting("screening", "reviewers", []) or []]
        self.resolvers: list[str] = [str(r) for r in setting("screening", "resolvers", []) or []]
        try:
            self.reviewers_per_work = int(setting("screening", "reviewers_per_work", 1))
        except (TypeError, ValueError):
            self.reviewers_per_work = 0
        if self.reviewers_per_work < 1:
            raise ConfigError("must be a whole number, 1 or more", path=self.workspace.config_path,
                              field="screening.reviewers_per_work")
        first = setting("screening", "second_reviewer_first", True)
        if not isinstance(first, bool):
            raise ConfigError("must be true or false", path=self.workspace.config_path,
                              field="screening.second_reviewer_first")
        #: With reviewers_per_work >= 2: works another reviewer screened come first.
        self.second_reviewer_first: bool = first
        self.model = self._model(setting("screening", "model", None))
        self.criteria = self._criteria()
        self._new: list[str] = []

    def _model(self, value: Any) -> str | None:
        """``[screening] model``: a name of ``Ranker.MODELS`` (None: the default model)."""
        if value is None:
            return None
        from review.screening.prioritise import checked_model  # scikit-learn only when ranking

        return checked_model(value, path=self.workspace.config_path)

    def _criteria(self) -> Any:
        path = self.workspace.path("protocols", "criteria.yaml")
        if not path.is_file():
            return None
        return load_criteria(path)

    def reviewer(self, name: str, *, add: bool = False) -> str:
        """``name`` checked against review.toml [screening] reviewers (see
        ``Workspace.require_reviewer``). A new name is allowed at once and written to
        review.toml by :meth:`save_reviewers`, once the command has succeeded."""
        clean, new = self.workspace.require_reviewer(name, add=add)
        if new:
            self._new.append(clean)
            self.reviewers = [*self.reviewers, clean]
        return clean

    def has_decisions(self, reviewer: str) -> bool:
        """Whether anything is recorded under ``reviewer`` (or resolved by them)."""
        with self.store.read() as conn:
            return conn.execute(select(screening_decisions.c.id).where(
                screening_decisions.c.reviewer == reviewer).limit(1)).first() is not None

    def save_reviewers(self) -> None:
        """Write the reviewers added by this command to review.toml, and say so."""
        first = len(self.workspace.reviewers) == 0
        for name in self.workspace.add_reviewers(self._new):
            how = " as the first reviewer" if first else ""
            click.echo(f"Added {name!r} to review.toml [screening] reviewers{how}.", err=True)
            first = False
        self._new = []

    @property
    def keywords(self) -> tuple[tuple[str, ...], tuple[str, ...]]:
        if self.criteria is None:
            return (), ()
        return tuple(self.criteria.keywords_include), tuple(self.criteria.keywords_exclude)
