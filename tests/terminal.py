"""Run ``review`` in a pseudo-terminal, as a person at a keyboard would: the real terminal path.

``Terminal`` starts the command with a pty as standard input, output and error (so
``isatty()`` is true, ``click.getchar`` reads single keys in raw mode, and screen size is
set), waits for text to appear, and sends keys.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import select
import signal
import struct
import subprocess
import sys
import termios
import time
from pathlib import Path

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


class Terminal:
    """One ``review`` process in a pseudo-terminal."""

    def __init__(self, *args: str, cwd: Path | None = None, cols: int = 110, rows: int = 40,
                 env: dict[str, str] | None = None) -> None:
        master, slave = pty.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        environment = {**os.environ, "TERM": "xterm", "COLUMNS": str(cols), "LINES": str(rows),
                       "REVIEW_ACTOR": os.environ.get("REVIEW_ACTOR", "tester"), **(env or {})}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", "import faulthandler, signal; faulthandler.register(signal.SIGUSR1); from review.cli import main; main()", *args],
            stdin=slave, stdout=slave, stderr=slave, cwd=cwd, env=environment, close_fds=True,
        )
        os.close(slave)
        self.fd = master
        self.raw = ""
        self._seen = 0

    @property
    def text(self) -> str:
        """Everything shown so far, without colour and cursor codes."""
        return ANSI.sub("", self.raw)

    def _read(self, timeout: float) -> bool:
        ready, _, _ = select.select([self.fd], [], [], timeout)
        if not ready:
            return True
        try:
            data = os.read(self.fd, 65536)
        except OSError:  # EIO: the process closed the terminal
            return False
        if not data:
            return False
        self.raw += data.decode("utf-8", errors="replace")
        return True

    def expect(self, text: str, timeout: float = 60) -> str:
        """Wait until ``text`` appears after what was already expected; returns the output up to it."""
        deadline = time.monotonic() + timeout
        while True:
            plain = self.text
            at = plain.find(text, self._seen)
            if at >= 0:
                chunk = plain[self._seen:at + len(text)]
                self._seen = at + len(text)
                return chunk
            if time.monotonic() > deadline or not self._read(0.2) and self.proc.poll() is not None:
                if self.proc.poll() is None:  # show where it waits
                    self.proc.send_signal(signal.SIGUSR1)
                    time.sleep(1)
                    self._read(1)
                    plain = self.text
                raise AssertionError(f"{text!r} did not appear (exit status {self.proc.poll()}); the terminal shows:\n{plain[-3000:]}")

    def expect_any(self, *texts: str, timeout: float = 60) -> str:
        """Wait until one of ``texts`` appears; returns the one that did."""
        deadline = time.monotonic() + timeout
        while True:
            plain = self.text
            found = sorted((plain.find(t, self._seen), t) for t in texts if plain.find(t, self._seen) >= 0)
            if found:
                at, text = found[0]
                self._seen = at + len(text)
                return text
            if time.monotonic() > deadline or not self._read(0.2) and self.proc.poll() is not None:
                raise AssertionError(f"none of {texts!r} appeared; the terminal shows:\n{plain[-3000:]}")

    def send(self, keys: str) -> None:
        """Type a line (or anything read in the terminal's line mode)."""
        os.write(self.fd, keys.encode("utf-8"))

    def press(self, key: str, timeout: float = 15) -> None:
        """Press one key once the program reads single keys (raw mode): a key typed before
        that would wait in the line buffer, and switching to raw mode discards it. Call it
        after ``expect``-ing the prompt, so the previous key has been read."""
        deadline = time.monotonic() + timeout
        while termios.tcgetattr(self.fd)[3] & termios.ICANON:
            if time.monotonic() > deadline:
                raise AssertionError(f"the program never read a single key; it shows:\n{self.text[-2000:]}")
            self._read(0.05)
        os.write(self.fd, key.encode("utf-8"))

    def finish(self, timeout: float = 60) -> int:
        """Read to the end and return the exit status."""
        deadline = time.monotonic() + timeout
        while self._read(0.2) and time.monotonic() < deadline:
            if self.proc.poll() is not None and not select.select([self.fd], [], [], 0)[0]:
                break
        code = self.proc.wait(timeout=max(deadline - time.monotonic(), 1))
        os.close(self.fd)
        return code
