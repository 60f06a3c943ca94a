"""Theories and outputs through `review serve` in process: derived statuses as the tables
show them, a status changing with the first supporting fragment, adding and refining with a
reason, and outputs rendered from the database with downloads."""

from __future__ import annotations

import atexit
import re
import shutil
from pathlib import Path
from types import SimpleNamespace

import pytest

from review.web.outputs import folder_of
from review.workspace import Workspace
from tests.test_web_coding import TEXT, _body
from tests.web_support import client, with_users


@pytest.fixture
def root(example_copy: Path) -> Path:
    with_users(example_copy)
    return example_copy


def _status(page: str, theory: str) -> str:
    found = re.search(rf'<details class="theory status-([a-z-]+)" id="theory-{theory}">', page)
    assert found, theory
    return found.group(1)


def test_statuses_are_shown_as_the_tables_show_them(root: Path) -> None:
    web = client(root, "SA")
    page = web.get("/theories").text
    found = set(re.findall(r'<details class="theory status-([a-z-]+)"', page))
    assert "not-supported" in found and "supported" in found
    assert ".status-not-supported .label { text-decoration: line-through; }" in web.get("/static/coding.css").text
    assert "<blockquote>#" in page  # evidence with its quotes


def test_a_theory_is_supported_after_its_first_supporting_fragment(root: Path) -> None:
    web = client(root, "SA")
    page = web.get("/theories").text
    theory = re.search(r'<details class="theory status-not-supported" id="theory-([A-Za-z0-9_.-]+)">', page).group(1)
    saved = web.post("/api/v1/fragments", json=_body(root, theories=theory, text=TEXT))
    assert saved.status_code == 201, saved.text
    assert _status(web.get("/theories").text, theory) == "supported"


def test_add_and_refine_need_a_reason_and_link_fragments(root: Path) -> None:
    web = client(root, "SA")
    fid = web.post("/api/v1/fragments", json=_body(root)).json()["id"]
    refused = web.post("/theories", data={"action": "add", "id": "T90", "topic": "positive",
                                          "label": "Helping <others>", "reason": ""})
    assert refused.status_code == 422 and 'value="Helping &lt;others&gt;"' in refused.text
    added = web.post("/theories", data={"action": "add", "id": "T90", "topic": "positive", "label": "Helping others",
                                        "reason": "seen in two reports", "fragments": str(fid)})
    assert added.status_code == 200 and "Added T90" in added.text
    assert _status(added.text, "T90") == "new"
    assert (root / "extraction" / "theory-changes.csv").read_text(encoding="utf-8").count("T90") == 1
    refined = web.post("/theories", data={"action": "refine", "id": "T3", "add_context": "After a bad experience",
                                          "reason": "Carter et al.", "fragments": f"{fid}:refines"})
    assert refined.status_code == 200 and "T3 is now version 2 (refined)" in refined.text
    assert _status(refined.text, "T3") == "refined"
    unknown = web.post("/theories", data={"action": "refine", "id": "T3", "add_outcome": "x", "reason": "r",
                                          "fragments": "999999"})
    assert unknown.status_code == 422


def test_outputs_are_rendered_on_request_and_downloaded(root: Path) -> None:
    web = client(root, "SA")
    folder = folder_of(SimpleNamespace(workspace=Workspace.find(root)))
    atexit.register(shutil.rmtree, folder, True)
    assert "Nothing rendered yet" in web.get("/outputs").text
    page = web.post("/outputs").text
    assert "Up to date with the database" in page and 'src="/outputs/files/prisma.svg"' in page
    assert "table-theory-testing.html" in page and "table-mmat.docx?download=1" in page
    table = web.get("/outputs/files/table-theory-testing.html")
    assert table.status_code == 200 and "default-src 'none'" in table.headers["content-security-policy"]
    sheet = web.get("/outputs/files/table-mmat.csv?download=1")
    assert sheet.status_code == 200 and "attachment" in sheet.headers["content-disposition"]
    for name in ("..%2Freview.toml", "rendering.json", ".hidden", "nothing.csv"):
        assert web.get(f"/outputs/files/{name}").status_code == 404, name
    web.post("/api/v1/fragments", json=_body(root))
    assert "Rendered before the latest changes" in web.get("/outputs").text
