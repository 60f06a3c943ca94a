"""Reading one key at a time on a terminal, or one line per key from a pipe.

Shared by the interactive commands (``review screen``, ``review dedup check``): on a
terminal a single keypress acts at once (``click.getchar``); when standard input is not
a terminal (a pipe, a test), each key is one line, so a session can be scripted:
``printf 'i\\ne\\n2\\nq\\n' | review screen ...``. Ctrl-C and Ctrl-D quit, as ``q`` does.
"""

from __future__ import annotations

import sys

import click


class KeyInput:
    """Keys and lines from the terminal, or lines from a pipe."""

    def __init__(self) -> None:
        self.stream = sys.stdin  # CliRunner replaces it, so tests can type
        self.tty = self.stream.isatty()
        #: Whether the screen can be cleared and redrawn for each item.
        self.redraw = self.tty and sys.stdout.isatty()

    def clear(self) -> None:
        """Start a fresh screen (on a terminal); elsewhere, nothing."""
        if self.redraw:
            click.clear()

    def key(self, prompt: str) -> str:
        click.echo(prompt, nl=False)
        if self.tty:
            try:
                char = click.getchar()
            except (KeyboardInterrupt, EOFError, click.Abort):
                char = "q"
            char = "q" if char in ("\x03", "\x04") else char
            click.echo(char if char.isprintable() else "")
            return char.lower()
        line = self.stream.readline()
        if not line:  # end of input: stop, everything is saved already
            click.echo("")
            return "q"
        value = line.strip()
        click.echo(value)
        return value[:1].lower()

    def line(self, prompt: str) -> str | None:
        if self.tty:
            try:
                return str(click.prompt(prompt, default="", show_default=False, prompt_suffix=": ")).strip()
            except click.Abort:
                return None
        click.echo(f"{prompt}: ", nl=False)
        line = self.stream.readline()
        click.echo(line.strip())
        return line.strip() if line else None
