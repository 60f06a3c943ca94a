"""``review users``: the accounts of the team's web app (``review serve``)."""

from __future__ import annotations

import json
import sys

import click

from review.cli.context import State, pass_state
from review.workspace import current_actor


def _read_password(from_stdin: bool, generate: bool) -> str:
    """The password from stdin's first line, a generated one (printed once), or a prompt."""
    if from_stdin and generate:
        raise click.UsageError("--password-stdin or --generate-password, not both")
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if generate:
        import secrets

        password = secrets.token_urlsafe(12)
        click.echo(f"Password (shown once; change it with `review users passwd`): {password}")
        return password
    return str(click.prompt("Password", hide_input=True, confirmation_prompt=True))


_STDIN = click.option("--password-stdin", is_flag=True,
                      help="Read the password from the first line of standard input.")
_GENERATE = click.option("--generate-password", is_flag=True,
                         help="Make a random password and print it once.")


@click.group("users")
def users_group() -> None:
    """Accounts for the web app: one per reviewer name, with a role.

    A lead also resolves conflicts and settles duplicates; a reviewer screens. The name is
    the reviewer name used everywhere (CLI decisions, sheets, the audit trail). Passwords
    are kept only as a slow salted hash (Argon2id).

    Example:

    \b
        # in the bundled example
        review users add JM --role lead --generate-password
        review users add SA --generate-password
        review users list
    """


@users_group.command("add")
@click.argument("name")
@click.option("--role", type=click.Choice(["lead", "reviewer"]), default="reviewer", show_default=True,
              help="lead: also resolves conflicts and settles duplicates.")
@_STDIN
@_GENERATE
@pass_state
def add_command(state: State, name: str, role: str, password_stdin: bool, generate_password: bool) -> None:
    """Create an account for NAME (added to review.toml's reviewers if missing).

    Example:

    \b
        # in the bundled example
        review users add SA --generate-password
    """
    from review.web.accounts import add_user

    workspace = state.workspace()
    password = _read_password(password_stdin, generate_password)
    user = add_user(workspace.store(), name, password=password, role=role, actor=current_actor())
    added = workspace.add_reviewers([user.name])
    click.echo(f"Added user {user.name} ({user.role}).")
    if added:
        click.echo(f"Added {user.name!r} to review.toml [screening] reviewers.", err=True)


@users_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object.")
@pass_state
def list_command(state: State, as_json: bool) -> None:
    """List the accounts with their roles.

    Example:

    \b
        # in the bundled example
        review users list --json
    """
    from review.web.accounts import list_users

    found = list_users(state.workspace().store())
    if as_json:
        click.echo(json.dumps({"users": [u.to_dict() for u in found]}, ensure_ascii=False, indent=2))
        return
    if not found:
        click.echo("No users yet: review users add NAME --role lead")
    for user in found:
        click.echo(f"{user.name:<24} {user.role:<9} since {user.created_at}")


@users_group.command("passwd")
@click.argument("name")
@_STDIN
@_GENERATE
@pass_state
def passwd_command(state: State, name: str, password_stdin: bool, generate_password: bool) -> None:
    """Set a new password for NAME (their browser sessions end).

    Example:

    \b
        # in the bundled example
        review users add JM --generate-password
        review users passwd JM --generate-password
    """
    from review.web.accounts import set_password

    set_password(state.workspace().store(), name, password=_read_password(password_stdin, generate_password),
                 actor=current_actor())
    click.echo(f"Password changed for {name}.")


@users_group.command("remove")
@click.argument("name")
@pass_state
def remove_command(state: State, name: str) -> None:
    """Remove NAME's account (their decisions stay, under their name).

    Example:

    \b
        # in the bundled example
        review users add SA --generate-password
        review users remove SA
    """
    from review.web.accounts import remove_user

    remove_user(state.workspace().store(), name, actor=current_actor())
    click.echo(f"Removed user {name}.")


@users_group.command("token")
@click.argument("name")
@pass_state
def token_command(state: State, name: str) -> None:
    """Print a new API token for NAME (shown once; an earlier token stops working).

    Use it as ``Authorization: Bearer TOKEN`` on /api/v1/.

    Example:

    \b
        # in the bundled example
        review users add JM --generate-password
        review users token JM
    """
    from review.web.accounts import new_token

    click.echo(new_token(state.workspace().store(), name, actor=current_actor()))


def register(group: click.Group) -> None:
    group.add_command(users_group)
