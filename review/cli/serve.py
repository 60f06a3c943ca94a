"""``review serve``: the team's web app over the workspace's database."""

from __future__ import annotations

import click

from review.cli.context import State, pass_state


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to listen on (0.0.0.0 for every interface: put HTTPS in front).")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port to listen on (0: any free port).")
@click.option("--workers", type=click.IntRange(min=1), default=1, show_default=True,
              help="Server processes (a team on one database: 2-4).")
@click.option("--check", is_flag=True, help="Build the app and open the database, then exit without serving.")
@pass_state
def serve_command(state: State, host: str, port: int, workers: int, check: bool) -> None:
    """Serve the team's web app: screening, conflicts and duplicates in the browser.

    Prints its URL and stops cleanly on Ctrl-C or SIGTERM. Sign in with an account made
    by `review users add`. Binds to 127.0.0.1 (this machine only) unless --host says
    otherwise. See docs/web.md.

    Example:

    \b
        # in the bundled example
        review users add JM --role lead --generate-password
        review serve --check    # then: review serve --port 8000
    """
    from review.web.server import run

    workspace = state.workspace()
    run(workspace, host=host, port=port, workers=workers, check=check, say=click.echo)


def register(group: click.Group) -> None:
    group.add_command(serve_command)
