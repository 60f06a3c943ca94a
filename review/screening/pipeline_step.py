"""Screening as a step of ``review run``: load the committed decision files.

A workspace keeps what its reviewers decided, as files, in ``extraction/screening/``:

- decisions in our exchange format (what ``review screen export`` writes): each row
  carries its stage and reviewer, and names its work by DOI / title (or a work id);
- full-text reports in the format ``review fulltext import`` reads (a ``status`` column
  and no ``decision`` column);
- files in another format (Rayyan, Covidence), or that should be imported with other
  options, listed in ``manifest.yaml`` with what ``review screen import`` would be told:

  .. code-block:: yaml

      files:
        - file: rayyan_articles.csv       # relative to extraction/screening/
          stage: title-abstract
          reviewer: alice
          format: rayyan                  # optional: auto, ours, rayyan, covidence
          from_reviewer: Alice            # optional
          covidence_list: excluded        # optional
          reason_map: {"wrong population": E-POP-2}   # optional
          unmapped_reasons: other         # optional: error (default) or other

Every ``*.csv`` in the folder is loaded, in stage order whatever the file names:
title-abstract decisions, then full-text reports, then full-text decisions. Each file
is imported all or nothing; a bad row stops the run with ``FILE:LINE`` (exit status 2).
Decisions already recorded and reports already in that state add nothing, so running
``review run`` again changes nothing. Resolutions in an exported file are not loaded
(they are skipped and counted, as ``review screen import`` does).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from review.errors import ConfigError, InputError
from review.screening.criteria import Criteria, workspace_criteria
from review.screening.decisions import STAGES
from review.screening.exchange import ExchangeError, Problem, import_decisions
from review.screening.exchange_formats import COVIDENCE_LISTS, FORMATS, detect, read_csv
from review.screening.fulltext import import_fulltext
from review.steps import StepResult

DIRECTORY = ("extraction", "screening")
MANIFEST = "manifest.yaml"
_ENTRY_KEYS = ("file", "stage", "reviewer", "format", "from_reviewer", "covidence_list",
               "reason_map", "unmapped_reasons")


@dataclass(frozen=True)
class Load:
    """One import: a decisions file for one stage and reviewer, or a reports file."""

    path: Path
    kind: str  # "decisions" or "reports"
    stage: str | None = None
    reviewer: str | None = None
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def rank(self) -> int:
        """Title-abstract decisions, then reports, then full-text decisions."""
        if self.kind == "reports":
            return 1
        return 0 if self.stage == "title-abstract" else 2


@dataclass
class _Settings:
    reviewers: list[str]
    reviewers_per_work: int
    criteria: Criteria | None

    @classmethod
    def of(cls, workspace: Any) -> _Settings:
        reviewers = [str(r) for r in workspace.setting("screening", "reviewers", []) or []]
        try:
            rpw = int(workspace.setting("screening", "reviewers_per_work", 1) or 1)
        except (TypeError, ValueError):
            rpw = 0
        if rpw < 1:
            raise ConfigError("must be a whole number, 1 or more", path=workspace.config_path,
                              field="screening.reviewers_per_work")
        path = workspace.path("protocols", "criteria.yaml")
        return cls(reviewers, rpw, workspace_criteria(workspace) if path.is_file() else None)


# -- planning -----------------------------------------------------------------------


def _manifest(folder: Path) -> dict[str, dict[str, Any]]:
    """manifest.yaml's entries by file name (empty when there is no manifest)."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise ConfigError(str(exc).splitlines()[0], path=path,
                          line=mark.line + 1 if mark else None) from exc
    entries = data.get("files") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise ConfigError("expected a list of files under 'files:'", path=path, field="files")
    found: dict[str, dict[str, Any]] = {}
    for number, entry in enumerate(entries):
        where = f"files[{number}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str):
            raise ConfigError("each entry needs 'file:' (a name in extraction/screening/)",
                              path=path, field=where)
        unknown = sorted(set(entry) - set(_ENTRY_KEYS))
        if unknown:
            raise ConfigError(f"unknown key(s) {', '.join(unknown)}; use: {', '.join(_ENTRY_KEYS)}",
                              path=path, field=where)
        if not (folder / entry["file"]).is_file():
            raise ConfigError(f"no such file {entry['file']!r} in {folder.name}/", path=path,
                              field=f"{where}.file")
        for key, allowed in (("stage", STAGES), ("format", FORMATS), ("covidence_list", COVIDENCE_LISTS)):
            if key in entry and entry[key] not in allowed:
                raise ConfigError(f"use one of: {', '.join(allowed)}", path=path, field=f"{where}.{key}")
        if "reason_map" in entry and not isinstance(entry["reason_map"], dict):
            raise ConfigError("expected a mapping of reason text to criterion id", path=path,
                              field=f"{where}.reason_map")
        found[entry["file"]] = {**entry, "where": where, "manifest": path}
    return found


def _from_columns(path: Path, header: list[str], rows: list[tuple[int, dict[str, str]]]) -> list[Load]:
    """Our format: one import per (stage, reviewer) its decision rows carry."""
    if detect(header, path) != "ours":
        raise InputError(f"a {detect(header, path)} file does not say its stage and reviewer: list it "
                         f"in {'/'.join(DIRECTORY)}/{MANIFEST} with stage: and reviewer:", path=path, line=1)
    pairs: dict[tuple[str, str], None] = {}
    for line, row in rows:
        if (row.get("kind") or "decision").strip() != "decision":
            continue
        stage = (row.get("stage") or "").strip()
        reviewer = (row.get("reviewer") or "").strip()
        if stage not in STAGES:
            raise InputError(f"expected one of {', '.join(STAGES)}, got {stage!r}", path=path,
                             line=line, field="stage")
        if not reviewer:
            raise InputError("a reviewer name is needed", path=path, line=line, field="reviewer")
        pairs[(stage, reviewer)] = None
    return [Load(path, "decisions", stage, reviewer, {"fmt": "ours", "from_reviewer": reviewer})
            for stage, reviewer in pairs]


def plan(workspace: Any) -> list[Load]:
    """The imports ``extraction/screening/`` asks for, in the order they must run."""
    folder = workspace.path(*DIRECTORY)
    if not folder.is_dir():
        return []
    listed = _manifest(folder)
    loads: list[Load] = []
    for path in sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() == ".csv"):
        entry = listed.get(path.name)
        header, rows = read_csv(path)
        if "decision" not in header and "status" in {h.lower() for h in header}:
            loads.append(Load(path, "reports"))
        elif entry is None:
            loads.extend(_from_columns(path, header, rows))
        else:
            for key in ("stage", "reviewer"):
                if not entry.get(key):
                    raise ConfigError(f"say the file's {key}", path=entry["manifest"],
                                      field=f"{entry['where']}.{key}")
            options = {"fmt": entry.get("format", "auto"), "from_reviewer": entry.get("from_reviewer"),
                       "covidence_list": entry.get("covidence_list"),
                       "reason_map": {str(k): str(v) for k, v in (entry.get("reason_map") or {}).items()},
                       "unmapped_reasons": entry.get("unmapped_reasons", "error")}
            loads.append(Load(path, "decisions", entry["stage"], str(entry["reviewer"]), options))
    return sorted(loads, key=lambda load: load.rank)  # stable: file name order within a rank


# -- running --------------------------------------------------------------------------


def _relative(workspace: Any, path: Path) -> str:
    try:
        return path.resolve().relative_to(workspace.root.resolve()).as_posix()
    except ValueError:
        return str(path)


def _relabel(workspace: Any, exc: InputError) -> InputError:
    """The same error with its file named relative to the workspace (as users wrote it)."""
    if isinstance(exc, ExchangeError):
        return ExchangeError([Problem(_relative(workspace, Path(p.path)), p.line, p.message)
                              for p in exc.problems])
    if exc.path is None or not Path(exc.path).is_absolute():
        return exc
    return type(exc)(exc.message, path=_relative(workspace, Path(exc.path)), line=exc.line, field=exc.field)


def _load(workspace: Any, load: Load, settings: _Settings, actor: str) -> tuple[int, str]:
    """Run one import; (rows newly recorded, a line for the step's details)."""
    name = _relative(workspace, load.path)
    if load.kind == "reports":
        done = import_fulltext(workspace.store(), load.path, actor=actor, root=workspace.root,
                               reviewers_per_work=settings.reviewers_per_work)
        return done.changed, f"{name}: full-text reports, {done.changed} recorded, {done.unchanged} unchanged"
    report = import_decisions(
        workspace.store(), load.path, stage=str(load.stage), reviewer=str(load.reviewer),
        criteria=settings.criteria, reviewers=settings.reviewers or None,
        reviewers_per_work=settings.reviewers_per_work, actor=actor, **load.options)
    skipped = "".join(f"; skipped {n} {why}" for why, n in sorted(report.skipped.items())
                      if why != "other reviewers' decisions" and not why.startswith("decisions at "))
    return report.recorded, (f"{name}: {load.stage} decisions by {load.reviewer}, {report.recorded} recorded, "
                             f"{report.unchanged} unchanged{skipped}")


def run_step(workspace: Any, *, actor: str) -> Any:
    """Import every screening file in ``extraction/screening/``; a summary for ``review run``.

    Raises:
        InputError: a bad file or row (``FILE:LINE``); that file's rows are not written.
    """
    try:
        loads = plan(workspace)
        if not loads:
            return StepResult.skipped("screening", f"no screening files in {'/'.join(DIRECTORY)}/")
        settings = _Settings.of(workspace)
        done = [(load, *_load(workspace, load, settings, actor)) for load in loads]
    except InputError as exc:
        relabelled = _relabel(workspace, exc)
        if relabelled is exc:
            raise
        raise relabelled from exc
    decisions = reports = 0
    details = []
    for load, count, line in done:
        if load.kind == "reports":
            reports += count
        else:
            decisions += count
        details.append(line)
    files = len({load.path for load in loads})
    return StepResult("screening", f"{files} files: {decisions} new decisions, {reports} new full-text reports",
                      details)
