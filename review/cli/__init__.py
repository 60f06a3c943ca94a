"""The ``review`` command line: a thin layer over the library.

Each stage's commands live in their own module; this one builds the group, finds the
workspace (``-C DIR`` or the current directory upward) and maps library errors to exit
statuses once, at the edge: bad input exits 2, other runtime problems exit 1.
"""

from __future__ import annotations

from pathlib import Path

import click

from review import __version__
from review.cli.context import ReviewGroup, State, pass_state


@click.group(cls=ReviewGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "-C",
    "--project",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Workspace directory (default: the current directory, searching upward).",
)
@click.version_option(__version__, prog_name="review")
@click.pass_context
def main(ctx: click.Context, project: Path | None) -> None:
    """Realist syntheses and systematic reviews, from search exports to manuscript.

    Example:

    \b
        review init my-review && cd my-review
        review import ~/exports/cinahl.ris --source CINAHL --searched 2020-03-01
        review status
    """
    state = State(project)
    ctx.obj = state
    ctx.call_on_close(state.close)


def _register() -> None:
    # Plain imports: a missing or broken command module fails at once, in every test.
    from review.cli import appraise  # noqa: I001 - one line per module keeps parallel edits apart
    from review.cli import archive
    from review.cli import citations
    from review.cli import corpus_cmds
    from review.cli import criteria
    from review.cli import dedup
    from review.cli import extract
    from review.cli import fulltext
    from review.cli import log
    from review.cli import migrate
    from review.cli import report
    from review.cli import run
    from review.cli import screen
    from review.cli import serve
    from review.cli import sources
    from review.cli import studies
    from review.cli import theories
    from review.cli import update
    from review.cli import users
    from review.cli import workspace_cmds

    modules = [
        workspace_cmds,
        corpus_cmds,
        sources,
        dedup,
        screen,
        fulltext,
        criteria,
        appraise,
        extract,
        studies,
        theories,
        report,
        run,
        update,
        citations,
        serve,
        users,
        log,
        migrate,
        archive,  # after corpus_cmds: adds `export all` to its export group
    ]
    for module in modules:
        module.register(main)


_register()

__all__ = ["ReviewGroup", "State", "main", "pass_state"]
