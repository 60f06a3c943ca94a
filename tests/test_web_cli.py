"""`review users` and `review serve` on the command line."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import select

from review.cli import main
from review.store import Store
from review.web.tables import users
from review.workspace import Workspace


def _review(runner, root: Path, *args: str, input: str | None = None):
    return runner.invoke(main, ["-C", str(root), *args], input=input, env={"REVIEW_ACTOR": "tester"})


def test_users_add_list_passwd_token_remove(example_copy: Path, runner) -> None:
    added = _review(runner, example_copy, "users", "add", "Ana Lima", "--role", "lead", "--password-stdin",
                    input="a long passphrase\n")
    assert added.exit_code == 0, added.output
    listed = json.loads(_review(runner, example_copy, "users", "list", "--json").output)
    assert listed["users"][0]["name"] == "Ana Lima" and listed["users"][0]["role"] == "lead"
    assert "Ana Lima" in Workspace.find(example_copy).reviewers  # one identity: also a reviewer
    store = Store.open(Workspace.find(example_copy).db_url)
    with store.read() as conn:
        stored = conn.execute(select(users.c.password_hash)).scalar_one()
    store.close()
    assert stored.startswith("$argon2id$") and "a long passphrase" not in stored
    again = _review(runner, example_copy, "users", "add", "Ana Lima", "--password-stdin", input="another one!\n")
    assert again.exit_code == 2 and "already exists" in again.output
    short = _review(runner, example_copy, "users", "add", "Bo", "--password-stdin", input="short\n")
    assert short.exit_code == 2 and "at least 8" in short.output
    role = _review(runner, example_copy, "users", "add", "Bo", "--role", "boss", "--generate-password")
    assert role.exit_code == 2
    assert _review(runner, example_copy, "users", "passwd", "Ana Lima", "--generate-password").exit_code == 0
    token = _review(runner, example_copy, "users", "token", "Ana Lima")
    assert token.exit_code == 0 and token.output.startswith("rvw_")
    assert _review(runner, example_copy, "users", "remove", "Ana Lima").exit_code == 0
    gone = _review(runner, example_copy, "users", "remove", "Ana Lima")
    assert gone.exit_code == 2 and "no user" in gone.output


@pytest.mark.parametrize("workers", ["1", "2"])
def test_serve_prints_its_url_binds_localhost_and_stops_on_sigterm(example_copy: Path, workers: str) -> None:
    env = {**os.environ, "REVIEW_ACTOR": "tester"}
    command = [sys.executable, "-c", "from review.cli import main; main()", "-C", str(example_copy), "serve",
               "--port", "0", "--workers", workers]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env) as process:
        try:
            line = process.stdout.readline()
            url = re.search(r"http://127\.0\.0\.1:(\d+)/", line)
            assert url, line
            opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
            with opener.open(f"http://127.0.0.1:{url.group(1)}/login", timeout=10) as response:
                assert response.status == 200 and b"Sign in" in response.read()
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=15) == 0
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
