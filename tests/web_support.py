"""Shared set-up for the web app's tests: a copy of the worked example with two accounts."""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

from starlette.testclient import TestClient

from review.store import Store
from review.web import create_app
from review.web.accounts import add_user
from review.workspace import Workspace

PASSWORD = "correct horse battery"

#: Selects the characters [start, end) of the coding view's text (``page.evaluate(SELECT_OFFSETS,
#: [start, end])``), as a reader's mouse would: the offsets are those of the text the tool
#: reads (each ``#fulltext span`` carries its first character's offset in ``data-o``).
SELECT_OFFSETS = """([start, end]) => {
  const spans = Array.from(document.querySelectorAll('#fulltext span[data-o]'));
  function point(offset) {
    let chosen = spans[0];
    for (const s of spans) { if (Number(s.dataset.o) <= offset && s.firstChild) { chosen = s; } }
    return [chosen.firstChild, offset - Number(chosen.dataset.o)];
  }
  const range = document.createRange();
  range.setStart(...point(start));
  range.setEnd(...point(end));
  const selection = window.getSelection();
  selection.removeAllRanges();
  selection.addRange(range);
  document.dispatchEvent(new Event('selectionchange'));
  spans.find(s => Number(s.dataset.o) <= start && s.firstChild).scrollIntoView({block: 'center'});
}"""


def dual_screening(root: Path) -> None:
    """reviewers_per_work = 2: every work JM screened now waits for SA (blinded)."""
    config = root / "review.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("reviewers_per_work = 1",
                                                                 "reviewers_per_work = 2"), encoding="utf-8")


def with_users(root: Path) -> None:
    store = Store.open(Workspace.find(root).db_url)
    add_user(store, "JM", password=PASSWORD, role="lead", actor="tester")
    add_user(store, "SA", password=PASSWORD, role="reviewer", actor="tester")
    store.close()


def client(root: Path, name: str | None = None) -> TestClient:
    """A client of the app over ``root``, signed in as ``name`` when given."""
    app = create_app(Workspace.find(root))
    test = TestClient(app, base_url="http://testserver")
    if name:
        response = test.post("/api/v1/login", json={"name": name, "password": PASSWORD})
        assert response.status_code == 200, response.text
    return test


@contextlib.contextmanager
def serving(root: Path) -> Iterator[str]:
    """The app over ``root`` served by uvicorn on a free port of 127.0.0.1 (stopped after):
    its base URL."""
    import uvicorn

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    instance = uvicorn.Server(uvicorn.Config(create_app(Workspace.find(root)), log_level="warning"))
    thread = threading.Thread(target=instance.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not instance.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert instance.started
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    finally:
        instance.should_exit = True
        thread.join(timeout=15)
        sock.close()
