"""`review serve` as a team runs it: a real server process (with worker processes) and HTTP.

:func:`serving` starts ``review serve --workers N --port 0`` in a subprocess, reads the
URL it prints, and always stops it (SIGTERM, then SIGKILL of its process group if it does
not exit in time). :class:`Browser` is one signed-in person: a cookie and plain
``http.client`` requests, each on a new connection unless ``keep`` says otherwise (so that
successive requests land on any worker). benchmarks/web_load.py uses both.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

PASSWORD = "correct horse battery"
#: Seconds a request may take (a reviewer's first queue is built on a busy machine).
TIMEOUT = 300
#: The `review` command in a subprocess (the entry point, as a person runs it).
REVIEW = [sys.executable, "-c", "import sys; from review.cli import main; sys.exit(main())"]


@dataclass
class Server:
    """A running ``review serve``: its URL and process."""

    url: str
    process: subprocess.Popen[str]

    @property
    def port(self) -> int:
        return int(urlsplit(self.url).port or 80)

    def worker_pids(self) -> list[int]:
        """The worker processes (children of the server process that serve; none with one
        worker): multiprocessing's own helper (resource_tracker) is left out."""
        try:
            children = [int(c) for c in Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children").read_text().split()]
        except OSError:
            return []
        found = []
        for pid in children:
            try:
                command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
            except OSError:
                continue
            if b"resource_tracker" not in command:
                found.append(pid)
        return found


def cpu_ticks(pid: int) -> int:
    """User + system CPU ticks a process has used (Linux /proc)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return int(fields[11]) + int(fields[12])


@contextlib.contextmanager
def serving(root: Path, *, workers: int = 2, timeout: float = 60.0) -> Iterator[Server]:
    """``review serve --workers N`` over the workspace at ``root`` on a free port of 127.0.0.1."""
    command = [*REVIEW, "-C", str(root), "serve", "--port", "0", "--workers", str(workers)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True, env={**os.environ, "REVIEW_ACTOR": "server"})
    try:
        line = process.stdout.readline() if process.stdout else ""
        found = re.search(r"http://[^/\s]+/", line)
        if not found:
            process.kill()
            raise AssertionError(f"review serve did not start: {line}{process.communicate(timeout=10)[1]}")
        server = Server(found.group(0).rstrip("/"), process)
        _wait_ready(server, workers, time.monotonic() + timeout)
        yield server
    finally:
        _stop(process)


def _wait_ready(server: Server, workers: int, deadline: float) -> None:
    """Until every worker process has started and the server answers."""
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"review serve exited: {server.process.communicate()[1]}")
        if workers == 1 or len(server.worker_pids()) >= workers:
            with contextlib.suppress(OSError):
                if request(server.url, "GET", "/login")[0] == 200:
                    return
        time.sleep(0.1)
    raise AssertionError("review serve did not answer in time")


def _stop(process: subprocess.Popen[str], wait: float = 20.0) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(wait)
        except subprocess.TimeoutExpired:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()


def request(url: str, method: str, path: str, body: Any = None, *, headers: dict[str, str] | None = None,
            connection: http.client.HTTPConnection | None = None) -> tuple[int, Any, http.client.HTTPResponse]:
    """One request (JSON body when given): status, the parsed JSON (or text) and the response."""
    parts = urlsplit(url)
    conn = connection or http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
    sent = dict(headers or {})
    data = None
    if body is not None:
        data = json.dumps(body).encode()
        sent["Content-Type"] = "application/json"
    try:
        conn.request(method, path, body=data, headers=sent)
        response = conn.getresponse()
        raw = response.read()
    finally:
        if connection is None:
            conn.close()
    kind = response.getheader("content-type", "")
    return response.status, (json.loads(raw) if "json" in kind and raw else raw.decode("utf-8", "replace")), response


@dataclass
class Browser:
    """One signed-in person talking to a server (a new connection per request, or ``keep``
    one open, as a browser does)."""

    url: str
    name: str
    keep: bool = False
    cookie: str = ""
    _conn: http.client.HTTPConnection | None = field(default=None, repr=False)

    def sign_in(self, password: str = PASSWORD) -> Browser:
        status, body, response = self.call("POST", "/api/v1/login", {"name": self.name, "password": password})
        if status != 200:
            raise AssertionError(f"{self.name} could not sign in: {status} {body}")
        self.cookie = (response.getheader("set-cookie") or "").split(";", 1)[0]
        return self

    def call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None
             ) -> tuple[int, Any, http.client.HTTPResponse]:
        sent = {"Cookie": self.cookie} if self.cookie else {}
        sent.update(headers or {})
        if self.keep and self._conn is None:
            parts = urlsplit(self.url)
            self._conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=TIMEOUT)
        try:
            return request(self.url, method, path, body, headers=sent, connection=self._conn)
        except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
            if self._conn is None:
                raise
            # The server closed a connection left idle (uvicorn's keep-alive timeout) before
            # reading the request: a browser opens a new one and sends it again.
            self.close()
            return self.call(method, path, body, headers)
        except (OSError, http.client.HTTPException):
            self.close()
            raise

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None
