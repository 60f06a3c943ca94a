"""``review run``: every stage that has its inputs, in order, then the status.

Each step is idempotent (imports are keyed by sha256, dedup respects earlier runs and
human decisions), so running it again changes nothing; ``fresh=True`` rebuilds the
database (SQLite or PostgreSQL) from the workspace's committed files, once
:mod:`review.safeguard` has checked that this loses nothing (or written a backup).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from review.appraisal import pipeline_step as appraisal_step
from review.corpus import import_files
from review.corpus.dates import missing_date_warning, parse_search_date
from review.corpus.dedup import pipeline_step as dedup_step
from review.errors import ConfigError
from review.extraction import pipeline_step as extraction_step
from review.reports import pipeline_step as reports_step
from review.safeguard import check_rebuild, has_database, refuse_losses, verified_backup
from review.screening import pipeline_step as screening_step
from review.steps import StepResult
from review.store.reset import reset_database
from review.store.snapshot import KINDS
from review.studies import pipeline_step as studies_step
from review.synthesis import pipeline_step as theories_step
from review.workspace import Workspace, current_actor

CORPUS_MANIFEST = "sources.yaml"
_SKIP_SUFFIXES = {".md", ".yaml", ".yml", ".txt~", ".pdf"}


def corpus_plan(workspace: Workspace) -> list[dict[str, Any]]:
    """The searches to import: corpus/sources.yaml, or every export file in corpus/."""
    corpus = workspace.path("corpus")
    manifest = corpus / CORPUS_MANIFEST
    if manifest.is_file():
        try:
            data = yaml.safe_load(manifest.read_text(encoding="utf-8")) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ConfigError(str(exc).splitlines()[0], path=manifest,
                              line=mark.line + 1 if mark else None) from exc
        entries = data.get("sources", data) if isinstance(data, dict) else data
        if not isinstance(entries, list):
            raise ConfigError("expected a list of sources", path=manifest, field="sources")
        plan = []
        lines = _searched_lines(manifest)
        for number, entry in enumerate(entries, start=1):
            if not isinstance(entry, dict) or "file" not in entry:
                raise ConfigError(f"source #{number} has no 'file'", path=manifest, field="file")
            entry = dict(entry)
            entry["searched"] = parse_search_date(entry.get("searched"), path=manifest,
                                                  line=lines.get(number - 1), field="searched")
            plan.append(entry)
        return plan
    if not corpus.is_dir():
        return []
    return [
        {"file": path.name}
        for path in sorted(corpus.iterdir())
        if path.is_file() and path.suffix.lower() not in _SKIP_SUFFIXES and not path.name.startswith(".")
        and path.name.lower() != "readme"
    ]


def _searched_lines(manifest: Path) -> dict[int, int]:
    """Line of each entry's ``searched`` in sources.yaml, by entry index (for error messages)."""
    node = yaml.compose(manifest.read_text(encoding="utf-8"))
    if isinstance(node, yaml.MappingNode):
        node = next((value for key, value in node.value if key.value == "sources"), node)
    found: dict[int, int] = {}
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value):
            if isinstance(item, yaml.MappingNode):
                for key, value in item.value:
                    if key.value == "searched":
                        found[index] = value.start_mark.line + 1
    return found


def import_corpus(workspace: Workspace, actor: str) -> StepResult:
    """Import the search exports listed in corpus/sources.yaml (or found in corpus/)."""
    plan = corpus_plan(workspace)
    if not plan:
        return StepResult.skipped("import", "no inputs: no search exports in corpus/ (nor corpus/sources.yaml)")
    details = []
    new = 0
    for entry in plan:
        path = workspace.path(str(entry["file"]))
        if not path.is_file():
            path = workspace.path("corpus", str(entry["file"]))
        kind = entry.get("kind", "database")
        results = import_files(
            workspace.store(), [path], actor=actor,
            source=entry.get("source"), fmt=entry.get("format", "auto"),
            searched=entry.get("searched"),
            query=entry.get("query"), kind=kind,
            hits_reported=entry.get("hits_reported"),
            same_search=True,  # corpus/ and sources.yaml are deliberate: parts of a search share its name
        )
        for result in results:
            state = "already imported" if result.skipped else f"{result.records} records"
            if not result.skipped:
                new += result.records
            details.append(f"{path.name}: {state} ({result.source}, {result.format})")
            missing = None if entry.get("searched") else missing_date_warning(result.source, kind)
            details.extend(f"warning: {text}" for text in [*result.warnings, *([missing] if missing else [])])
    summary = f"{len(plan)} search exports, {new} new records"
    if not new:
        return StepResult("import", f"nothing changed: {len(plan)} search exports already imported",
                          details, status="skipped")
    return StepResult("import", summary, details)


def stage_name(step: Callable[..., StepResult]) -> str:
    """A stage's name from its module: ``review.corpus.dedup.pipeline_step`` -> ``dedup``."""
    parts = step.__module__.split(".")
    return parts[-2] if parts[-1] == "pipeline_step" and len(parts) > 1 else parts[-1]


def run(workspace: Workspace, *, actor: str | None = None, fresh: bool = False, force: bool = False,
        progress: Callable[[str], None] | None = None) -> list[StepResult]:
    """Run every stage that has its inputs, in order. Returns what each stage did.

    Each stage commits its own work. When one raises, the stages before it stay done, its
    result is ``failed`` (with the error in ``error``) and the later stages are reported
    as skipped without running; nothing is raised, so the caller can say what happened.

    ``fresh=True`` empties the database first and rebuilds it from the workspace's files,
    but only when that loses nothing (see :mod:`review.safeguard`); with ``force=True`` it
    goes ahead after writing a verified backup, named in the first result (``fresh``).

    Raises:
        WouldLoseWork: ``fresh`` without ``force``, and the database holds work the
            files cannot rebuild (nothing is changed).
        ReviewError: with ``force``, the backup failed (nothing is changed).
    """
    say = progress or (lambda _msg: None)
    who = current_actor(actor)
    steps: list[StepResult] = []
    if fresh:
        steps.append(start_fresh(workspace, actor=who, force=force, progress=say))
    return steps + _run_stages(workspace, who, _stages(), say)


def start_fresh(workspace: Workspace, *, actor: str, force: bool = False,
                progress: Callable[[str], None] | None = None) -> StepResult:
    """Empty the workspace's database, after checking what a rebuild would lose.

    Without ``force``, refuses (nothing changed) when the database holds anything the
    workspace's files do not rebuild; with ``force``, writes a verified backup first.
    """
    say = progress or (lambda _msg: None)
    if not has_database(workspace):
        return StepResult("fresh", "no database yet: building it from the workspace's files")
    say("Checking what a rebuild from the files would keep ...")
    check = check_rebuild(workspace, lambda scratch: _trial(scratch, actor))
    details = []
    if not check.safe:
        if not force:
            refuse_losses(check, "review run --fresh")
        say("Backing up the database ...")
        path = verified_backup(workspace, reason="before-fresh")
        details = [f"{n} {KINDS.get(kind, kind)}" for kind, n in check.lost.items()]
        summary = f"backed up the database to {path} (checked: every row), then emptied it"
    else:
        summary = "emptied the database: the workspace's files rebuild everything it held"
    _remove_database(workspace)
    return StepResult("fresh", summary, details)


def _stages() -> list[tuple[str, str, Callable[..., StepResult]]]:
    return [
        ("import", "Importing search exports", lambda ws, actor: import_corpus(ws, actor)),
        *((stage_name(step), label, step) for label, step in PIPELINE_STEPS),
    ]


def _trial(scratch: Workspace, actor: str) -> str | None:
    """Build ``scratch``'s database from the files (no reports); the failed stage, if any."""
    stages = [stage for stage in _stages() if stage[0] != "reports"]
    failed = next((s for s in _run_stages(scratch, actor, stages, lambda _m: None) if s.status == "failed"), None)
    return f"the {failed.name} stage failed: {failed.summary}" if failed else None


def _run_stages(workspace: Workspace, who: str, stages: list[tuple[str, str, Callable[..., StepResult]]],
                say: Callable[[str], None]) -> list[StepResult]:
    steps: list[StepResult] = []
    failed: StepResult | None = None
    for name, label, step in stages:
        if failed is not None:
            steps.append(StepResult.skipped(name, f"not run: the {failed.name} stage failed"))
            continue
        say(f"{label} ...")
        try:
            steps.append(step(workspace, actor=who))
        except Exception as exc:  # noqa: BLE001 - reported as the failed stage; the CLI re-raises bugs
            failed = StepResult(name, str(exc) or type(exc).__name__, status="failed", error=exc)
            steps.append(failed)
    return steps


#: The stages after import, in order: (progress label, step(workspace, actor=) -> StepResult).
#: Plain imports: a stage whose module is missing fails at once instead of being skipped.
PIPELINE_STEPS: list[tuple[str, Callable[..., StepResult]]] = [
    ("Deduplicating", dedup_step.run_step),
    ("Loading screening decisions", screening_step.run_step),
    ("Grouping reports into studies", studies_step.run_step),
    ("Loading programme theories", theories_step.run_step),
    ("Loading appraisals", appraisal_step.run_step),
    ("Loading evidence fragments", extraction_step.run_step),
    ("Rendering reports", reports_step.run_step),
]


def _remove_database(workspace: Workspace) -> None:
    """Delete the SQLite file (and its WAL); on a server, drop every table and migrate again."""
    url = workspace.db_url
    if not url.startswith("sqlite:///"):
        reset_database(workspace.store())
        workspace.close()
        return
    workspace.close()
    db = Path(url[len("sqlite:///"):])
    for suffix in ("", "-wal", "-shm"):
        candidate = Path(str(db) + suffix)
        if candidate.exists():
            candidate.unlink()
