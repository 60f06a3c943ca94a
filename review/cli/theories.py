"""``review theories``: the programme theories, their versions and theory testing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from click.utils import should_strip_ansi

from review.cli.context import State, pass_state
from review.errors import InputError
from review.synthesis import (
    CMO,
    add_theory,
    export_theory_changes,
    format_history,
    format_theories,
    import_theory_changes,
    refine_theory,
    theories_overview,
    theory_history,
)
from review.synthesis.changes import parse_fragments
from review.workspace import current_actor

_PARTS = {"context": "context", "mechanism_resource": "mechanism-resource",
          "mechanism_reasoning": "mechanism-reasoning", "outcome": "outcome"}


def _echo_json(data: object) -> None:
    click.echo(json.dumps(data, indent=2, ensure_ascii=False))


def _fragment_ids(values: tuple[str, ...]) -> tuple[tuple[int, ...], dict[int, str]]:
    try:
        return parse_fragments(";".join(values))
    except InputError as exc:
        raise InputError(exc.message, field="--fragment") from None


def _theory_id(argument: str | None, option: str | None) -> str:
    if argument and option and argument != option:
        raise InputError(f"two ids given ({argument!r} and {option!r})", field="ID")
    chosen = argument or option
    if not chosen:
        raise InputError("give the theory's id (e.g. `review theories add T23 ...`)", field="ID")
    return chosen


@click.group("theories", invoke_without_command=True)
@click.option("--topic", help="Only this topic's theories (a topic id of protocols/theories.yaml).")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@click.pass_context
def theories_group(ctx: click.Context, topic: str | None, as_json: bool) -> None:
    """Theory testing: each theory's evidence and its status, per topic.

    Per theory: origin, version, fragments, documents and studies that support, refute
    or refine it, whether any fragment gives the whole C-M-O (otherwise partial), and a
    status derived from the evidence: supported, refined, new (inductive; in CAPITALS),
    not-supported (no evidence; struck through) or refuted (evidence against, none for).
    The model is protocols/theories.yaml and extraction/theory-changes.csv, read as
    they are now (no `review run` needed). The fragments that motivated an added or
    refined theory count as its supporting evidence. A theory with evidence both ways
    is marked contested (* here, "contested": true in --json).

    Example:

    \b
        # in the bundled example
        review theories
        review theories --topic take-up
        review theories --json | jq '.theories[] | {id, status}'
    """
    if ctx.invoked_subcommand is not None:
        return
    workspace = ctx.find_object(State).workspace()
    report = theories_overview(workspace, topic=topic, actor=current_actor(None))
    if as_json:
        _echo_json(report)
    else:
        click.echo(format_theories(report, ansi=not should_strip_ansi(sys.stdout)))


def _cmo_options(prefix: str, verb: str):
    def decorate(function):
        for name in reversed(CMO):
            function = click.option(f"--{prefix}{_PARTS[name]}", f"{prefix.replace('-', '_')}{name}",
                                    help=f"{verb} {name.replace('_', ' ')}.")(function)
        return function
    return decorate


@theories_group.command("add")
@click.argument("theory_id", metavar="[ID]", required=False)
@click.option("--id", "id_option", help="The new theory's id (or give it as ID).")
@click.option("--topic", required=True, help="Its topic (a topic id of protocols/theories.yaml).")
@click.option("--label", help="A one-line statement of the theory (default: its mechanism, else outcome, else context).")
@_cmo_options("", "The")
@click.option("--reason", default="", help="Why it was added (kept with the version).")
@click.option("--fragment", "--fragments", "fragment", multiple=True,
              metavar="ID[:DIRECTION]",
              help="A fragment that motivated it, counted as its evidence: supporting it, or ID:refutes, "
                   "ID:refines (repeat, or join with ',').")
@click.option("--actor", help="Who adds it (default: $REVIEW_ACTOR or login name).")
@pass_state
def add_command(state: State, theory_id: str | None, id_option: str | None, topic: str, label: str | None,
                context: str | None, mechanism_resource: str | None, mechanism_reasoning: str | None,
                outcome: str | None, reason: str, fragment: tuple[str, ...], actor: str | None) -> None:
    """Add an inductive theory: a C-M-O configuration the initial model did not anticipate.

    It starts at version 1 (origin inductive, status new) and is appended to
    extraction/theory-changes.csv, so `review run --fresh` rebuilds it. Any of the C-M-O
    parts may be left out (a partial configuration).

    Example:

    \b
        # in the bundled example
        review theories add T23 --topic positive --label "Helping others builds self-worth" \\
          --context "Mother has recovered" --mechanism-resource "Chance to volunteer" \\
          --mechanism-reasoning "Feels useful" --outcome "Self-esteem" --fragment 12 --fragment 31 \\
          --reason "Two interventions report it"
    """
    workspace = state.workspace()
    cmo = {"context": context or "", "mechanism_resource": mechanism_resource or "",
           "mechanism_reasoning": mechanism_reasoning or "", "outcome": outcome or ""}
    ids, directions = _fragment_ids(fragment)
    version = add_theory(workspace, _theory_id(theory_id, id_option), topic=topic, label=label or "", cmo=cmo,
                         reason=reason, fragments=ids, directions=directions, actor=current_actor(actor))
    click.echo(f"Added {version.theory_id} ({topic}, inductive) version 1; logged in extraction/theory-changes.csv")


@theories_group.command("refine")
@click.argument("theory_id", metavar="ID")
@click.option("--label", help="New wording of the label.")
@_cmo_options("", "Replace the")
@_cmo_options("add-", "Add a further")
@click.option("--reason", required=True, help="Why (kept with the new version).")
@click.option("--fragment", "--fragments", "fragment", multiple=True,
              metavar="ID[:DIRECTION]",
              help="A fragment that motivated it, counted as its evidence: supporting it, or ID:refutes, "
                   "ID:refines (repeat, or join with ',').")
@click.option("--reworded", is_flag=True, help="Only the wording changed: do not count it as a refinement.")
@click.option("--actor", help="Who refines it (default: $REVIEW_ACTOR or login name).")
@pass_state
def refine_command(state: State, theory_id: str, label: str | None, reason: str, fragment: tuple[str, ...],
                   reworded: bool, actor: str | None, **parts: str | None) -> None:
    """Refine a theory: a new version that adds to or changes its context, mechanism or outcome.

    --add-context (and the other --add- options) add a further context, mechanism or
    outcome to the current one, joined with "; "; --context (and the others) replace it.
    The new version keeps who, when, why and the fragments, and is appended to
    extraction/theory-changes.csv. An initial theory with such a version is "refined".

    Example:

    \b
        # in the bundled example
        review theories refine T3 --add-context "Previous negative experience of services" \\
          --reason "Carter et al. (2019) and Lynch (2019)" --fragment 7,19
        review theories history T3
    """
    changes = {name: value for name in CMO if (value := parts.get(name)) is not None}
    if label is not None:
        changes["label"] = label
    additions = {name: value for name in CMO if (value := parts.get(f"add_{name}")) is not None}
    if not changes and not additions:
        raise click.UsageError("say what changes: --label, --context, --add-context, --outcome, ...")
    ids, directions = _fragment_ids(fragment)
    version = refine_theory(state.workspace(), theory_id, changes=changes, additions=additions, reason=reason,
                            fragments=ids, directions=directions, reworded=reworded, actor=current_actor(actor))
    click.echo(f"{version.theory_id} is now version {version.version} ({version.change}); "
               "logged in extraction/theory-changes.csv")


@theories_group.command("history")
@click.argument("theory_id", metavar="ID")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object for scripts.")
@pass_state
def history_command(state: State, theory_id: str, as_json: bool) -> None:
    """Show a theory's path from its first version to its current one.

    Each version with its change (initial, inductive, refined, reworded), who made it and
    when, why, the fragments behind it, and what it added or changed.

    Example:

    \b
        # in the bundled example
        review theories history T3
        review theories history T3 --json
    """
    workspace = state.workspace()
    with workspace.store().read() as conn:
        history = theory_history(conn, theory_id)
    click.echo(json.dumps(history, indent=2, ensure_ascii=False) if as_json else format_history(history))


@theories_group.command("export")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Where to write (default: extraction/theory-changes.csv).")
@pass_state
def export_command(state: State, output: Path | None) -> None:
    """Write the log of inductive theories and refinements from the database.

    One row per version after the initial model, oldest first: what `review run` replays.

    Example:

    \b
        # in the bundled example
        review theories export
        review theories export --output changes.xlsx
    """
    path, count = export_theory_changes(state.workspace(), output)
    click.echo(f"Wrote {count} theory changes to {path}")


@theories_group.command("import")
@click.argument("file", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--actor", help="Who records rows without an actor (default: $REVIEW_ACTOR or login name).")
@pass_state
def import_command(state: State, file: Path, actor: str | None) -> None:
    """Record the inductive theories and refinements of a theory-changes sheet.

    The layout `review theories export` writes. Rows already recorded change nothing; a
    bad row stops with FILE:LINE: column, exit status 2, and nothing is written.

    Example:

    \b
        # in the bundled example
        review theories import colleague-changes.csv
    """
    done = import_theory_changes(state.workspace(), file, actor=current_actor(actor))
    click.echo(f"{file.name}: {done.summary()}")


def register(group: click.Group) -> None:
    group.add_command(theories_group)
