"""Progress bars for long commands: on a terminal only, quiet when piped or with --quiet.

One helper for every command that works for a while (dedup, screen simulate, report,
...), so they look and behave alike: the bar goes to standard error, so standard output
stays clean for pipes, and it is not drawn at all when standard error is not a terminal
or the command was given ``--quiet`` (or ``--json``).

Use it as a context manager and feed it from the library's progress callback::

    from review.cli.progress import progress_bar

    with progress_bar("Rendering reports", quiet=quiet) as bar:
        render(..., progress=bar.update)      # bar.update(done, total)

    with progress_bar("Deduplicating", quiet=quiet, steps=4) as bar:
        dedup(..., progress=bar.step)         # bar.step("building keys"): one step done

``bar.callback`` is None when nothing is drawn, for libraries that skip the work of
reporting progress when no callback is given.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any, TextIO

import click


def shows_progress(quiet: bool = False, stream: TextIO | None = None) -> bool:
    """Whether a bar would be drawn: not quiet, and standard error is a terminal."""
    target = stream if stream is not None else sys.stderr
    return not quiet and bool(getattr(target, "isatty", lambda: False)())


class Bar:
    """A lazily created ``click.progressbar`` (the total may be known only at the first update)."""

    def __init__(self, label: str, *, visible: bool, steps: int | None = None) -> None:
        self.label = label
        self.visible = visible
        self.steps = steps
        self._bar: Any = None
        self._item: str = ""
        self._done = 0

    @property
    def callback(self) -> Callable[..., None] | None:
        return self.update if self.visible else None

    def _open(self, total: int) -> None:
        self._bar = click.progressbar(length=max(total, 1), label=self.label, file=sys.stderr,
                                      show_pos=self.steps is None, show_eta=self.steps is None,
                                      item_show_func=lambda _item: self._item or None)
        self._bar.__enter__()

    def update(self, done: int, total: int, item: str = "") -> None:
        """``done`` of ``total`` finished (absolute, not an increment)."""
        if not self.visible:
            return
        if self._bar is None:
            self._open(total)
        self._bar.length = max(total, 1)
        self._item = item
        self._bar.update(max(done - self._bar.pos, 0), item or None)

    def step(self, message: str = "") -> None:
        """One step of ``steps`` started, named ``message``."""
        if self.steps is None:
            raise ValueError("step() needs progress_bar(..., steps=N)")
        self.update(min(self._done, self.steps), self.steps, message)
        self._done += 1

    def close(self) -> None:
        if self._bar is not None:
            if self.steps is not None:
                self._bar.update(max(self.steps - self._bar.pos, 0))
            self._bar.__exit__(None, None, None)
            self._bar = None


@contextmanager
def progress_bar(label: str, *, quiet: bool = False, steps: int | None = None) -> Iterator[Bar]:
    """A progress bar on standard error, drawn only on a terminal and when not ``quiet``.

    Args:
        label: what is going on, e.g. "Deduplicating".
        quiet: draw nothing (``--quiet``, ``--json``).
        steps: for work reported as named steps (``bar.step(message)``) rather than counts.
    """
    bar = Bar(label, visible=shows_progress(quiet), steps=steps)
    try:
        yield bar
    finally:
        bar.close()
