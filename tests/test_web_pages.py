"""The pages of `review serve` in process: labels, escaping, full texts, duplicates, roles."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import insert, select, update

from review.screening.tables import fulltext_reports
from review.store import Store, schema
from review.workspace import Workspace
from tests.web_support import PASSWORD, client, dual_screening, with_users

HOSTILE = '<script>alert("x")</script> & <img src=x onerror=alert(1)>'


@pytest.fixture
def root(example_copy: Path) -> Path:
    dual_screening(example_copy)
    with_users(example_copy)
    return example_copy


def _store(root: Path) -> Store:
    return Store.open(Workspace.find(root).db_url)


def test_login_page_has_the_labelled_inputs_and_signs_in(root: Path) -> None:
    web = client(root)
    page = web.get("/login").text
    assert '<label for="name">Name</label>' in page and '<label for="password">Password</label>' in page
    assert ">Sign in</button>" in page
    wrong = web.post("/login", data={"name": "SA", "password": "wrong password", "next": "/"})
    assert wrong.status_code == 401 and "wrong name or password" in wrong.text
    done = web.post("/login", data={"name": "SA", "password": PASSWORD, "next": "//evil.example/"},
                    follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"] == "/"
    home = web.get("/")
    assert "Sign out" in home.text and "Your next task" in home.text
    assert "content-security-policy" in home.headers and "script-src 'self'" in home.headers["content-security-policy"]
    out = web.post("/logout", follow_redirects=False)
    assert out.status_code == 303
    assert web.get("/", follow_redirects=False).status_code == 303


def test_screen_page_shows_one_work_with_buttons_keys_and_a_note(root: Path) -> None:
    web = client(root, "SA")
    page = web.get("/screen/title-abstract").text
    for label in ("Include", "Exclude", "Maybe", "Undo"):
        assert re.search(rf">{label} <kbd aria-hidden=\"true\">[iemu]</kbd></button>", page), label
    assert '<label for="note">Note</label>' in page and "Sign out" in page
    assert page.count('name="work"') == 1


def test_a_hostile_title_and_abstract_are_escaped(root: Path) -> None:
    web = client(root, "SA")
    work = web.get("/api/v1/screen/title-abstract/next").json()["work"]["id"]
    store = _store(root)
    with store.transaction() as conn:
        conn.execute(update(schema.works).where(schema.works.c.id == work).values(
            title=HOSTILE, abstract=HOSTILE + " peer support"))
    store.close()
    page = web.get("/screen/title-abstract").text
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;img" in page
    assert '<mark class="kw-include">peer support</mark>' in page


def test_a_decision_from_the_page_form_and_an_error_keeps_the_note(root: Path) -> None:
    web = client(root, "SA")
    work = web.get("/api/v1/screen/title-abstract/next").json()["work"]["id"]
    bad = web.post("/screen/title-abstract", data={"work": work, "action": "exclude", "reason": "NOPE",
                                                   "note": "my typed note"})
    assert bad.status_code == 422 and "my typed note" in bad.text and "NOPE" in bad.text
    ok = web.post("/screen/title-abstract", data={"work": work, "action": "include"}, follow_redirects=False)
    assert ok.status_code == 303
    assert web.get("/api/v1/screen/title-abstract/next").json()["work"]["id"] != work


def _register(root: Path, file: str) -> int:
    store = _store(root)
    with store.transaction() as conn:
        work = conn.execute(select(schema.works.c.id).order_by(schema.works.c.id)).scalars().first()
        conn.execute(insert(fulltext_reports).values(work_id=work, status="retrieved", file=file, origin="test",
                                                     actor="tester", created_at="2026-01-01T00:00:00+00:00"))
    store.close()
    return work


def test_full_texts_only_from_inside_the_workspace(root: Path) -> None:
    web = client(root, "SA")
    secret = root.parent / "secret.txt"
    secret.write_text("not for the browser", encoding="utf-8")
    work = _register(root, "../secret.txt")
    response = web.get(f"/fulltext/{work}")
    assert response.status_code == 404 and "not for the browser" not in response.text
    assert web.get(f"/fulltext/{work}/text").status_code == 404
    assert web.get("/fulltext/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert web.get("/static/..%2F..%2Fservice.py").status_code == 404
    inside = root / "extraction" / "screening" / "fulltext"
    name = sorted(inside.iterdir())[0]
    work = _register(root, str(name.relative_to(root)))
    shown = web.get(f"/fulltext/{work}/text")
    assert shown.status_code == 200 and shown.text.strip()[:20] in name.read_text(encoding="utf-8")
    assert client(root).get(f"/fulltext/{work}/text", follow_redirects=False).status_code == 303


def test_a_reviewer_may_not_open_the_leads_pages(root: Path) -> None:
    web = client(root, "SA")
    assert web.get("/dedup").status_code == 403
    assert web.post("/dedup", data={"pair": 1, "verdict": "same"}).status_code == 403
    assert "Conflicts" not in web.get("/").text


def test_dedup_page_shows_a_pair_side_by_side_and_settles_it(root: Path, runner) -> None:
    from review.cli import main

    result = runner.invoke(main, ["-C", str(root), "dedup", "--threshold", "0.999", "--quiet"])
    assert result.exit_code == 0, result.output
    web = client(root, "JM")
    page = web.get("/dedup").text
    assert ">Same</button>" in page and ">Different</button>" in page
    assert 'class="badge">differs</span>' in page
    pair = re.search(r'name="pair" value="(\d+)"', page).group(1)
    done = web.post("/dedup", data={"pair": pair, "verdict": "different"}, follow_redirects=False)
    assert done.status_code == 303
    assert "No uncertain pairs to check." in web.get("/dedup").text
    from review.corpus.dedup.tables import pair_decisions

    store = _store(root)
    with store.read() as conn:
        verdicts = conn.execute(select(pair_decisions.c.verdict, pair_decisions.c.actor)).all()
    store.close()
    assert ("different", "JM") in [tuple(v) for v in verdicts]
