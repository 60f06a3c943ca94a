"""Coding C-M-O fragments through `review serve` in process: the API's contract and errors,
blinding between coders, escaping, and the round trip through `review extract export`."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import func, select

from review.cli import main
from review.extraction.tables import fragments
from review.store import Store, schema
from review.web.coding_service import segments
from review.workspace import Workspace
from tests.web_support import client, with_users

TEXT = "extraction/texts/mcleish2023-results-discussion.md"
HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


@pytest.fixture
def root(example_copy: Path) -> Path:
    with_users(example_copy)
    return example_copy


def _sentence(root: Path) -> tuple[str, int, int]:
    """A sentence of a real text (McLeish et al. 2023) and its offsets."""
    text = (root / TEXT).read_text(encoding="utf-8")
    paragraph = next(line for line in text.split("\n") if line.startswith("Three interventions offered"))
    sentence = paragraph.split(". ")[0] + "."
    start = text.index(sentence)
    return sentence, start, start + len(sentence)


def _body(root: Path, **changes: object) -> dict[str, object]:
    quote, start, end = _sentence(root)
    body: dict[str, object] = {"report": 12, "text": TEXT, "quote": quote, "start": start, "end": end,
                               "context": "Mothers isolated at home", "mechanism_resource": "Home visits",
                               "mechanism_reasoning": "Feels understood", "outcome": "Less alone",
                               "theories": "T1;T2:refines", "relevance": "high", "rigour": "moderate",
                               "form_key": "form-0001-abcdef"}
    body.update(changes)
    return body


def _counts(root: Path) -> tuple[int, int]:
    store = Store.open(Workspace.find(root).db_url)
    with store.read() as conn:
        found = (conn.execute(select(func.count()).select_from(fragments)).scalar_one(),
                 conn.execute(select(func.count()).select_from(schema.events)).scalar_one())
    store.close()
    return found


def test_a_fragment_saved_through_the_api_is_verified_at_the_selection(root: Path) -> None:
    web = client(root, "SA")
    quote, start, end = _sentence(root)
    response = web.post("/api/v1/fragments", json=_body(root))
    assert response.status_code == 201, response.text
    fragment = response.json()["fragment"]
    assert response.json()["id"] == fragment["id"]
    assert (fragment["quote"], fragment["char_start"], fragment["char_end"]) == (quote, start, end)
    assert fragment["verified"] == "yes" and fragment["coder"] == "SA" and fragment["evidence"] == "secondary"
    assert fragment["theories_cell"] == "T1:supports;T2:refines"
    page = web.get(f"/reports/12?text={TEXT}").text
    assert 'class="hl t' in page and f'data-f="{fragment["id"]}"' in page
    store = Store.open(Workspace.find(root).db_url)
    with store.read() as conn:
        event = conn.execute(select(schema.events.c.detail).where(
            schema.events.c.action == "fragment.create", schema.events.c.entity_id == str(fragment["id"]))).scalar()
    store.close()
    assert '"origin": "web"' in event


@pytest.mark.parametrize(("changes", "field"), [
    ({"start": 5, "end": 40}, "quote"),  # the selection is elsewhere than the quote
    ({"start": 10**7, "end": 10**7 + 5}, "quote"),  # outside the text
    ({"theories": "T999"}, "theories"),
    ({"relevance": "huge"}, "relevance"),
    ({"report": 2}, "report"),  # not an included report
    ({"quote": "A sentence that is nowhere in the text at all.", "start": None, "end": None}, "quote"),
    ({"start": "x"}, "start"),
])
def test_bad_input_is_refused_with_422_and_nothing_recorded(root: Path, changes: dict, field: str) -> None:
    web = client(root, "SA")
    before = _counts(root)
    response = web.post("/api/v1/fragments", json=_body(root, **changes))
    assert response.status_code == 422, response.text
    assert response.json()["field"] == field and response.json()["error"]
    assert _counts(root) == before


def test_a_second_save_of_the_same_form_is_refused(root: Path) -> None:
    web = client(root, "SA")
    assert web.post("/api/v1/fragments", json=_body(root)).status_code == 201
    before = _counts(root)
    again = web.post("/api/v1/fragments", json=_body(root, context="changed"))
    assert again.status_code == 422 and again.json()["field"] == "form_key"
    same = web.post("/api/v1/fragments", json=_body(root, form_key="form-0002-abcdef"))
    assert same.status_code == 409 and same.json()["field"] == "quote"
    assert _counts(root) == before


def test_signed_out_and_someone_elses_fragment(root: Path) -> None:
    assert client(root).post("/api/v1/fragments", json=_body(root)).status_code == 401
    sa = client(root, "SA")
    created = sa.post("/api/v1/fragments", json=_body(root)).json()["id"]
    jm_own = client(root, "JM").get("/api/v1/fragments").json()["fragments"]
    theirs = next(f["id"] for f in jm_own if f["coder"] == "JM")
    assert sa.get(f"/api/v1/fragments/{theirs}").status_code == 404  # blinded: not even shown
    assert sa.put(f"/api/v1/fragments/{theirs}", json={"outcome": "x"}).status_code == 403
    assert sa.delete(f"/api/v1/fragments/{theirs}").status_code == 403
    assert sa.get("/api/v1/fragments/999999").status_code == 404
    assert client(root, "JM").get(f"/api/v1/fragments/{created}").status_code == 200  # a lead may


def test_each_coder_sees_only_their_own_coding(root: Path) -> None:
    sa = client(root, "SA")
    assert sa.get("/api/v1/fragments").json()["fragments"] == []
    page = sa.get(f"/reports/46?text={TEXT}").text
    assert 'class="hl' not in page and "Your fragments (0)" in page
    jm_page = client(root, "JM").get(f"/reports/46?text={TEXT}").text
    assert 'class="hl' in jm_page
    sa.post("/api/v1/fragments", json=_body(root))
    listed = sa.get("/api/v1/fragments").json()["fragments"]
    assert [f["coder"] for f in listed] == ["SA"]
    assert "JM" not in sa.get("/fragments").text.split("<tbody>")[1]


def test_edit_and_delete_are_kept_in_the_audit_trail(root: Path) -> None:
    web = client(root, "SA")
    fid = web.post("/api/v1/fragments", json=_body(root)).json()["id"]
    changed = web.put(f"/api/v1/fragments/{fid}", json={"outcome": "Less lonely", "relevance": "low"})
    assert changed.status_code == 200 and changed.json()["fragment"]["outcome"] == "Less lonely"
    bad = web.put(f"/api/v1/fragments/{fid}", json={"rigour": "excellent"})
    assert bad.status_code == 422 and bad.json()["field"] == "rigour"
    assert web.delete(f"/api/v1/fragments/{fid}").json() == {"deleted": True}
    assert web.get(f"/api/v1/fragments/{fid}").status_code == 404
    store = Store.open(Workspace.find(root).db_url)
    with store.read() as conn:
        actions = [r.action for r in conn.execute(select(schema.events.c.action).where(
            schema.events.c.entity == "fragment", schema.events.c.entity_id == str(fid)))]
        kept = conn.execute(select(fragments.c.deleted_at).where(fragments.c.id == fid)).scalar()
    store.close()
    assert actions == ["fragment.create", "fragment.update", "fragment.delete"] and kept


def test_what_a_coder_typed_is_escaped(root: Path) -> None:
    web = client(root, "SA")
    web.post("/api/v1/fragments", json=_body(root, context=HOSTILE, note=HOSTILE))
    for url in ("/fragments", f"/reports/12?text={TEXT}"):
        page = web.get(url).text
        assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in web.get("/fragments").text


def test_the_coding_page_has_the_labelled_form(root: Path) -> None:
    page = client(root, "SA").get("/reports/12").text
    for label in ("Context", "Mechanism: resource", "Mechanism: reasoning", "Outcome", "Theories",
                  "Relevance", "Rigour"):
        assert re.search(rf'<label for="[a-z_]+">{re.escape(label)}</label>', page), label
    assert re.search(r'<button type="button" id="code-button" class="primary" disabled>Code fragment</button>', page)
    assert ">Save fragment</button>" in page
    assert "Not found" in client(root, "SA").get("/reports/2").text
    assert client(root, "SA").get("/reports/12?text=../../etc/passwd").status_code == 404


def test_segments_carry_offsets_and_leave_carriage_returns_empty() -> None:
    text = "ab\r\ncd ef\fgh"
    found = segments(text, [(5, 8, 7, "t0")])
    assert "".join(s.text for s in found) == text.replace("\r", "")
    assert all(text[s.o:s.o + len(s.text)] == s.text for s in found if s.text)
    assert [s.ids for s in found if s.ids] == [(7,)] and next(s for s in found if s.ids).text == "d e"


def test_export_has_the_exact_quote_and_importing_it_changes_nothing(root: Path, tmp_path: Path) -> None:
    web = client(root, "SA")
    quote, _, _ = _sentence(root)
    fid = web.post("/api/v1/fragments", json=_body(root)).json()["id"]
    sheet = tmp_path / "fragments.csv"
    runner = CliRunner()
    done = runner.invoke(main, ["-C", str(root), "extract", "export", "--output", str(sheet)])
    assert done.exit_code == 0, done.output
    rows = {row["fragment_id"]: row for row in csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8")))}
    row = rows[str(fid)]
    assert (row["quote"], row["verified"], row["coder"], row["theories"]) == (quote, "yes", "SA",
                                                                             "T1:supports;T2:refines")
    again = runner.invoke(main, ["-C", str(root), "extract", "import", str(sheet)], env={"REVIEW_ACTOR": "SA"})
    assert again.exit_code == 0, again.output
    assert "0 new, 0 changed" in again.output
    web_sheet = web.get("/fragments/export.csv?report=12")
    assert web_sheet.status_code == 200 and "attachment" in web_sheet.headers["content-disposition"]
    web_rows = list(csv.DictReader(io.StringIO(web_sheet.text)))
    assert [r["fragment_id"] for r in web_rows] == [str(fid)] and web_rows[0]["quote"] == quote


def test_the_version_changes_when_anything_is_recorded(root: Path) -> None:
    web = client(root, "SA")
    first = web.get("/api/v1/version").json()["version"]
    web.post("/api/v1/fragments", json=_body(root))
    assert web.get("/api/v1/version").json()["version"] > first


def test_a_report_no_longer_included_is_corrected_not_added_to(root: Path) -> None:
    undone = CliRunner().invoke(main, ["-C", str(root), "screen", "undo", "46", "--stage", "full-text",
                                       "--reviewer", "JM"], env={"REVIEW_ACTOR": "JM"})
    assert undone.exit_code == 0, undone.output
    jm = client(root, "JM")
    page = jm.get(f"/reports/46?text={TEXT}").text
    assert "This report is no longer included" in page and 'id="code-button"' not in page
    assert 'data-f="1"' in page  # its fragments are kept, and can be opened to correct them
    before = _counts(root)
    refused = jm.post("/api/v1/fragments", json=_body(root, report=46))
    assert refused.status_code == 422 and refused.json()["field"] == "report"
    assert "no longer included" in refused.json()["error"]
    assert _counts(root) == before
    assert jm.put("/api/v1/fragments/1", json={"note": "checked again"}).status_code == 200


@pytest.mark.parametrize(("changes", "field"), [
    ({"theories": "T1:maybe"}, "theories"),  # not a direction
    ({"rigour": "HIGHEST"}, "rigour"),
    ({"theories": ["T1"]}, "theories"),  # not text
    ({"form_key": "no"}, "form_key"),
    ({"start": 30, "end": 10}, "end"),
    ({"report": 999999}, "report"),
])
def test_more_bad_input_is_refused_with_422_and_nothing_recorded(root: Path, changes: dict, field: str) -> None:
    web = client(root, "SA")
    before = _counts(root)
    response = web.post("/api/v1/fragments", json=_body(root, **changes))
    assert response.status_code == 422, response.text
    assert set(response.json()) == {"error", "field"} and response.json()["field"] == field
    assert _counts(root) == before
