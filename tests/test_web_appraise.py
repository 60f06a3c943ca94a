"""Appraising through `review serve` in process: the page's radio groups, saving, blinding,
bad answers, and the answers found again in `review appraise export`."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from review.cli import main
from tests.web_support import client, with_users

QUESTION = "Are there clear research questions?"


@pytest.fixture
def root(example_copy: Path) -> Path:
    with_users(example_copy)
    return example_copy


def _export(root: Path, tmp_path: Path) -> list[dict[str, str]]:
    sheet = tmp_path / "appraisals.csv"
    done = CliRunner().invoke(main, ["-C", str(root), "appraise", "export", "--output", str(sheet)])
    assert done.exit_code == 0, done.output
    return list(csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8"))))


def test_each_question_is_a_radio_group_named_by_its_text(root: Path) -> None:
    page = client(root, "SA").get("/appraise/12").text
    assert f'<legend>{QUESTION}</legend>' in page
    assert f'role="radiogroup" aria-label="{QUESTION}"' in page
    for label in ("Yes", "No", "Can&#39;t tell"):
        assert re.search(rf'<input type="radio" name="answer-S1" value="[a-z-]+" *> {label}</label>', page), label
    assert ">Save</button>" in page


def test_answers_are_saved_found_in_the_export_and_shown_again(root: Path, tmp_path: Path) -> None:
    web = client(root, "SA")
    saved = web.post("/appraise/12", data={"category": "1", "answer-S1": "yes", "comment-S1": "aim <stated>"},
                     follow_redirects=False)
    assert saved.status_code == 303
    page = web.get("/appraise/12").text
    assert 'value="yes" checked' in page and "aim &lt;stated&gt;" in page and "1.1" in page  # resumable
    rows = [r for r in _export(root, tmp_path) if r["report"] == "12" and r["reviewer"] == "SA"]
    assert {(r["item"], r["answer"], r["comment"]) for r in rows} >= {("S1", "yes", "aim <stated>")}
    assert all(r["category"] == "1" for r in rows)
    api = web.post("/api/v1/appraisals", json={"report": 12, "item": "1.1", "answer": "cant-tell"})
    assert api.status_code == 201 and api.json() == {"recorded": True}
    assert ("1.1", "cant-tell") in {(r["item"], r["answer"]) for r in _export(root, tmp_path) if r["reviewer"] == "SA"}


def test_appraisers_are_blinded_from_each_other(root: Path) -> None:
    client(root, "JM").post("/appraise/12", data={"category": "1", "answer-S1": "no", "comment-S1": "JM-SECRET"})
    page = client(root, "SA").get("/appraise/12").text
    assert "JM-SECRET" not in page and " checked" not in page.split("</legend>", 2)[-1].split("Comment on S1")[0]


def test_bad_input_is_refused_and_what_was_typed_stays(root: Path) -> None:
    web = client(root, "SA")
    bad = web.post("/appraise/12", data={"category": "1", "answer-S1": "perhaps", "comment-S1": "typed here"})
    assert bad.status_code == 422 and 'value="typed here"' in bad.text
    reason = web.post("/appraise/12", data={"category": "not-applicable", "category_comment": ""})
    assert reason.status_code == 422 and "reason" in reason.text
    assert web.post("/api/v1/appraisals", json={"report": 2, "item": "S1", "answer": "yes"}).status_code == 404
    wrong = web.post("/api/v1/appraisals", json={"report": 12, "item": "S1", "answer": "maybe"})
    assert wrong.status_code == 422 and wrong.json()["field"]
    assert client(root, "SA").get("/appraise/2").status_code == 404
