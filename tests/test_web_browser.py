"""`review serve` in a real browser: Debian's chromium driven by Playwright (nothing downloaded).

Signs in by keyboard, screens by keys, undoes, checks blinding, a hostile title, a
cross-site POST and a path outside the workspace, then resolves a conflict and settles a
duplicate as the lead. Skipped only when /usr/bin/chromium is missing outside CI (with
``CI`` or ``REVIEW_REQUIRE_SHARED`` set it fails instead). With ``REVIEW_WEB_SCREENSHOTS=DIR``
it also saves a screenshot of every page at 1280x800 and at tablet width (820x1180).
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select, update

from review.screening.tables import fulltext_reports, screening_decisions
from review.store import Store, schema
from review.web.tables import sessions
from review.workspace import Workspace
from tests.web_support import PASSWORD, dual_screening, serving, with_users

CHROMIUM = Path("/usr/bin/chromium")
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]
HOSTILE = '<img src=x onerror="alert(1)"> Peer support & <b>markup</b>'
SIZES = {"desktop": (1280, 800), "tablet": (820, 1180)}


def _require_chromium() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("CI") or os.environ.get("REVIEW_REQUIRE_SHARED"):
        pytest.fail("/usr/bin/chromium is missing: apt-get install -y chromium")
    pytest.skip("/usr/bin/chromium is not installed (apt-get install -y chromium)")


@pytest.fixture
def server(example_copy: Path) -> Iterator[tuple[str, Path]]:
    """The app over a copy of the worked example, served on 127.0.0.1 in a thread."""
    _require_chromium()
    dual_screening(example_copy)
    with_users(example_copy)
    with serving(example_copy) as url:
        yield url, example_copy


@pytest.fixture
def browser() -> Iterator:
    _require_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield launched
        launched.close()


def _db(root: Path) -> Store:
    return Store.open(Workspace.find(root).db_url)


def _count(root: Path) -> int:
    store = _db(root)
    with store.read() as conn:
        found = conn.execute(select(func.count()).select_from(screening_decisions)).scalar_one()
    store.close()
    return int(found)


def _shot(page, name: str) -> None:
    folder = os.environ.get("REVIEW_WEB_SCREENSHOTS")
    if not folder:
        return
    for size, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=str(Path(folder) / f"web-{name}-{size}.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 800})


@contextmanager
def _other_site(folder: Path, target: str, work: str | None) -> Iterator[str]:
    """Another site (its own origin) whose page posts a decision form to the app at once."""
    folder.mkdir()
    (folder / "index.html").write_text(
        f'<form id="f" method="post" action="{target}"><input name="work" value="{work}">'
        '<input name="action" value="include"></form><script>document.getElementById("f").submit()</script>',
        encoding="utf-8")
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    handler.log_message = lambda *args: None  # type: ignore[attr-defined]
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/index.html"
    finally:
        httpd.shutdown()
        httpd.server_close()


def _sign_in(page, base: str, name: str, target: str) -> None:
    page.goto(base + target)
    assert "/login" in page.url
    _shot(page, "login") if name == "SA" else None
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Password").press("Enter")  # by keyboard
    page.wait_for_url(base + target)


def test_reviewer_screens_by_keys_blinded_and_safe(server: tuple[str, Path], browser) -> None:
    base, root = server
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    dialogs: list[str] = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    _sign_in(page, base, "SA", "/screen/title-abstract")
    card = page.locator("article.work")
    first = card.get_attribute("data-work")
    # A hostile title on the next work: shown as text, never run.
    store = _db(root)
    with store.transaction() as conn:
        conn.execute(update(schema.works).where(schema.works.c.id == int(first)).values(title=HOSTILE))
    store.close()
    page.reload()
    assert page.get_by_role("heading", level=2).first.inner_text().startswith('<img src=x onerror="alert(1)">')
    assert page.locator("article.work img").count() == 0 and page.locator("article.work b").count() == 0
    # Blinding: JM decided this work; nothing on SA's page says what.
    assert "JM" not in page.locator("main").inner_text()
    _shot(page, "screen-title-abstract")
    before = _count(root)
    page.keyboard.press("i")
    page.locator(f"article.work:not([data-work='{first}'])").wait_for()
    assert _count(root) == before + 1
    page.keyboard.press("u")
    page.locator(f"article.work[data-work='{first}']").wait_for()
    page.get_by_label("Note").fill("population unclear")
    page.get_by_label("Note").press("Tab")  # leave the field: keys act again
    page.keyboard.press("m")
    page.locator(f"article.work:not([data-work='{first}'])").wait_for()
    store = _db(root)
    with store.read() as conn:
        row = conn.execute(select(screening_decisions).where(screening_decisions.c.reviewer == "SA")
                           .order_by(screening_decisions.c.id.desc())).first()
    store.close()
    assert (row.work_id, row.decision, row.note, row.origin) == (int(first), "maybe", "population unclear", "web")
    assert not dialogs

    # A cross-site POST (another site's page submitting a form to the app) is refused.
    work = page.locator("article.work").get_attribute("data-work")
    before = _count(root)
    with _other_site(root.parent / "evil", base + "/screen/title-abstract", work) as evil:
        other = browser.new_page()
        other.goto(evil)
        other.wait_for_load_state("load")
        other.locator("text=another site").wait_for()
    assert _count(root) == before

    # A full text registered outside the workspace is never served.
    (root.parent / "secret.txt").write_text("not for the browser", encoding="utf-8")
    store = _db(root)
    with store.transaction() as conn:
        conn.execute(insert(fulltext_reports).values(work_id=int(first), status="retrieved", file="../secret.txt",
                                                     origin="test", actor="tester", created_at="2026-01-01T00:00:00"))
    store.close()
    response = page.goto(f"{base}/fulltext/{first}")
    assert response.status == 404 and "not for the browser" not in page.content()

    # The session expires while a note is typed: sign in again, the note is still there.
    page.goto(base + "/screen/title-abstract")
    work = page.locator("article.work").get_attribute("data-work")
    page.get_by_label("Note").fill("half-typed thought")
    store = _db(root)
    with store.transaction() as conn:
        conn.execute(update(sessions).values(expires_at="2000-01-01T00:00:00+00:00"))
    store.close()
    page.get_by_role("button", name="Maybe").click()
    page.wait_for_url("**/login?next=*")
    page.get_by_label("Name").fill("SA")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/screen/title-abstract")
    assert page.locator("article.work").get_attribute("data-work") == work
    assert page.get_by_label("Note").input_value() == "half-typed thought"

    page.goto(base + "/")
    _shot(page, "home")
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(base + "/login")


def test_lead_resolves_a_conflict_and_settles_a_duplicate(server: tuple[str, Path], browser, runner) -> None:
    from review.cli import main

    base, root = server
    result = runner.invoke(main, ["-C", str(root), "dedup", "--threshold", "0.999", "--quiet"])
    assert result.exit_code == 0, result.output
    store = _db(root)
    with store.transaction() as conn:
        work, decision = conn.execute(select(screening_decisions.c.work_id, screening_decisions.c.decision).where(
            screening_decisions.c.reviewer == "JM", screening_decisions.c.stage == "title-abstract",
            screening_decisions.c.decision == "include")).first()
        from review.screening.decisions import record_decision

        record_decision(conn, work_id=work, stage="title-abstract", reviewer="SA", decision="exclude",
                        reviewers_per_work=2)
    store.close()
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    _sign_in(page, base, "JM", "/conflicts")
    section = page.locator("section.conflict").filter(has_text=f"Work {work} ")
    assert "SA" in section.inner_text() and "exclude" in section.inner_text() and "include" in section.inner_text()
    _shot(page, "conflicts")
    section.get_by_label("Decision").select_option("include")
    section.get_by_label("Note").fill("agreed after discussion")
    section.get_by_role("button", name="Resolve").click()
    page.wait_for_url(base + "/conflicts")
    assert page.locator("section.conflict").filter(has_text=f"Work {work} ").count() == 0

    page.goto(base + "/dedup")
    assert page.locator("tr.differs").count() >= 1
    _shot(page, "dedup")
    page.get_by_role("button", name="Different").click()
    page.wait_for_url(base + "/dedup")
    assert "No uncertain pairs to check." in page.inner_text("main")

    # Full text, one reviewer per work: the report's text beside the work, a reason needed to exclude.
    config = root / "review.toml"
    config.write_text(config.read_text(encoding="utf-8").replace("reviewers_per_work = 2",
                                                                 "reviewers_per_work = 1"), encoding="utf-8")
    store = _db(root)
    with store.transaction() as conn:
        from review.screening.decisions import retract_decision

        first = conn.execute(select(screening_decisions.c.work_id).where(
            screening_decisions.c.stage == "full-text").order_by(screening_decisions.c.id)).scalars().first()
        retract_decision(conn, work_id=first, stage="full-text", reviewer="JM")
    store.close()
    page.goto(base + "/screen/full-text")
    assert page.locator("article.work").get_attribute("data-work") == str(first)
    assert page.get_by_label("Full text as the tool reads it").inner_text().strip()
    _shot(page, "screen-full-text")
    page.keyboard.press("e")
    page.get_by_role("alert").filter(has_text="needs a reason").wait_for()
    page.get_by_label("Exclusion reason").select_option("E-POP-1")
    page.get_by_label("Exclusion reason").press("Escape")
    page.locator("main h1").click()  # focus off the field: keys act again
    page.keyboard.press("e")
    page.get_by_text("Nothing left to screen").wait_for()


def test_lead_resolves_conflicts_in_bulk_by_keyboard_and_reads_the_log(server: tuple[str, Path], browser) -> None:
    base, root = server
    from review.screening.decisions import record_decision

    store = _db(root)
    with store.transaction() as conn:
        rows = conn.execute(select(screening_decisions.c.work_id).where(
            screening_decisions.c.reviewer == "JM", screening_decisions.c.stage == "title-abstract",
            screening_decisions.c.decision == "include").order_by(screening_decisions.c.work_id).limit(2)).all()
        works = [row.work_id for row in rows]
        for work in works:
            record_decision(conn, work_id=work, stage="title-abstract", reviewer="SA", decision="exclude",
                            reviewers_per_work=2, actor="SA")
    store.close()
    page = browser.new_page(viewport={"width": 1280, "height": 800})
    _sign_in(page, base, "JM", "/conflicts")
    for work in works:
        page.get_by_label(f"Select work {work} (Title and abstract)").focus()
        page.keyboard.press("Space")  # by keyboard
    page.get_by_label("Decision for all selected").select_option("include")
    page.get_by_label("Note for all selected").fill("both agreed")
    page.get_by_role("button", name="Resolve selected").press("Enter")
    page.wait_for_url(base + "/conflicts")
    assert "No conflicts to resolve." in page.inner_text("main")
    page.goto(base + "/log?action=resolve")
    text = page.inner_text("main")
    assert all(f"work {work}" in text for work in works) and "title-abstract: include" in text
    page.close()
    reviewer = browser.new_page(viewport={"width": 1280, "height": 800})
    _sign_in(reviewer, base, "SA", "/log")
    mine = reviewer.inner_text("table.log")
    assert "SA" in mine and "JM" not in mine and "resolve" not in mine  # blinded: only SA's own events
    reviewer.close()
