"""Screenshots of the web app's pages for docs/web.md, taken in headless chromium.

Builds the worked example in a temporary folder (`review run --fresh`), adds a lead (JM)
and a reviewer (SA), records report 12's full text as a PDF (McLeish et al. 2023's Results,
CC BY, printed by chromium), lets SA code report 46 beside JM, serves the app on 127.0.0.1
and photographs each page at 1280x800 (the whole page):

    web-screen-title-abstract-desktop.png  SA screening (two reviewers per work)
    web-coding.png      SA coding the PDF: a page marker, a coded passage, the form open
    web-compare.png     JM comparing JM and SA on report 46
    web-appraise.png    SA appraising report 12
    web-theories.png    the theories with one opened
    web-outputs.png     the outputs rendered from the database
    web-fragments.png   JM's list of everyone's fragments

Usage (Debian's chromium, nothing downloaded; the repository is left as it is):

    .venv/bin/python scripts/web_screenshots.py [OUT]   # OUT: default /tmp/review-web-screenshots
"""

from __future__ import annotations

import html
import shutil
import sys
import tempfile
from pathlib import Path

from click.testing import CliRunner
from playwright.sync_api import Browser, Page, sync_playwright

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the browser tests' helpers: serving the app, selecting a passage

from review.cli import main  # noqa: E402
from review.store import Store  # noqa: E402
from review.web.accounts import add_user  # noqa: E402
from review.workspace import Workspace  # noqa: E402
from tests.web_support import SELECT_OFFSETS, serving  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
PASSWORD = "screenshots only"
SOURCE = "extraction/texts/mcleish2023-results-discussion.md"
PDF = "extraction/screening/fulltext/carter2018-printed.pdf"
SECONDARY = "extraction/texts/mcleish2023-results-discussion.md"


def review(root: Path, *args: str) -> str:
    done = CliRunner().invoke(main, ["-C", str(root), *args], env={"REVIEW_ACTOR": "JM"})
    if done.exit_code:
        raise SystemExit(f"review {' '.join(args)}: {done.output}")
    return done.output


def build(root: Path, browser: Browser) -> None:
    """The worked example, built, with two accounts and report 12's full text as a PDF."""
    for name in ("review.toml", "corpus", "protocols", "extraction"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    review(root, "run", "--fresh", "--quiet")
    store = Store.open(Workspace.find(root).db_url)
    add_user(store, "JM", password=PASSWORD, role="lead", actor="JM")
    add_user(store, "SA", password=PASSWORD, role="reviewer", actor="JM")
    store.close()
    paragraphs = [p.strip() for p in (root / SOURCE).read_text(encoding="utf-8").split("---", 1)[1].split("\n\n")]
    body = "".join(f"<h2>{html.escape(p[3:])}</h2>" if p.startswith("## ") else f"<p>{html.escape(p)}</p>"
                   for p in paragraphs[:10] if p)
    page = browser.new_page()
    page.set_content(f"<html><body style='font: 13px serif'>{body}</body></html>")
    page.pdf(path=str(root / PDF), format="A6")
    page.close()
    review(root, "fulltext", "retrieved", "12", "--file", str(root / PDF))


def reviewers_per_work(root: Path, count: int) -> None:
    config = root / "review.toml"
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace(f"reviewers_per_work = {3 - count}", f"reviewers_per_work = {count}"),
                      encoding="utf-8")


def sign_in(page: Page, base: str, name: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("Name").fill(name)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(base + "/")


def shot(page: Page, out: Path, name: str, full_page: bool = True) -> None:
    page.wait_for_timeout(300)
    page.screenshot(path=str(out / f"{name}.png"), full_page=full_page)
    print(f"wrote {out / name}.png")




def select(page: Page, text: str, passage: str) -> None:
    from review.extraction.quotes import CanonicalText

    match = CanonicalText(text).find_all(passage)[0]
    page.evaluate(SELECT_OFFSETS, [match.start, match.end])


def as_reviewer(page: Page, base: str, root: Path, out: Path) -> None:
    from review.extraction.texts import load_text

    reviewers_per_work(root, 2)
    sign_in(page, base, "SA")
    page.goto(base + "/screen/title-abstract")
    page.locator("article.work").wait_for()
    shot(page, out, "web-screen-title-abstract-desktop")
    reviewers_per_work(root, 1)

    for start, end, cells in [(4921, 5049, {"context": "Mothers offered support directly",
                                            "outcome": "Most declined", "theories": "P14:refutes",
                                            "relevance": "low"}),
                              (11050, 11233, {"mechanism_resource": "Peer supporter's shared experience",
                                              "outcome": "Mothers stay", "theories": "P14;P15;P16"})]:
        quote = (root / SECONDARY).read_text(encoding="utf-8")[start:end]
        answer = page.request.post(base + "/api/v1/fragments", data={
            "report": 46, "text": SECONDARY, "start": start, "end": end, "quote": quote, **cells})
        assert answer.status == 201, answer.text()

    full = load_text(root / PDF, PDF).text
    page.goto(base + "/reports/12")
    select(page, full, "Three interventions offered one-to-one support in person from trained volunteers")
    page.get_by_role("button", name="Code fragment").click()
    page.get_by_label("Context", exact=True).fill("Mothers with postnatal depression")
    page.get_by_label("Mechanism: resource").fill("Trained volunteers visit in person")
    page.get_by_label("Outcome", exact=True).fill("Support taken up")
    page.get_by_label("Theories", exact=True).fill("T1")
    page.get_by_label("Relevance", exact=True).select_option("moderate")
    page.get_by_role("button", name="Save fragment").click()
    page.wait_for_selector("#fulltext .hl")
    select(page, full, "Most interventions were for mothers with postnatal depression")
    page.get_by_role("button", name="Code fragment").click()
    page.get_by_label("Context", exact=True).fill("Self-defined or screened postnatal depression")
    page.get_by_label("Theory to link").select_option("T2")
    page.get_by_label("Direction").select_option("refines")
    page.get_by_role("button", name="Link theory").click()
    page.evaluate("""() => {
      const pre = document.getElementById('fulltext');
      pre.scrollTop = document.querySelector('#fulltext .pagebreak').offsetTop - pre.offsetTop - 90;
      window.scrollTo(0, 0);
      document.querySelector('.coding .side').scrollTop = 0;
    }""")
    page.set_viewport_size({"width": 1280, "height": 1100})
    shot(page, out, "web-coding", full_page=False)
    page.set_viewport_size({"width": 1280, "height": 800})
    page.get_by_role("button", name="Cancel").click()

    page.goto(base + "/appraise/12")
    page.get_by_role("radio", name="1. Qualitative").check()
    page.get_by_role("button", name="Save").click()
    page.get_by_role("radiogroup", name="Are there clear research questions?").get_by_label("Yes").check()
    page.get_by_label("Comment on S1").fill("aims stated in the introduction")
    page.get_by_role("button", name="Save").click()
    page.get_by_text("Saved.").wait_for()
    shot(page, out, "web-appraise")


def as_lead(page: Page, base: str, out: Path) -> None:
    sign_in(page, base, "JM")
    page.goto(base + "/reports/46")
    page.get_by_role("link", name="Compare coders").click()
    page.get_by_role("heading", name="Agreement between JM and SA on this report").wait_for()
    shot(page, out, "web-compare")
    page.goto(base + "/fragments?report=46")
    shot(page, out, "web-fragments")
    page.goto(base + "/theories")
    page.locator("details.theory.status-supported summary").first.click()
    shot(page, out, "web-theories")
    page.goto(base + "/outputs")
    page.get_by_role("button", name="Render from the database").click()
    page.get_by_text("Up to date with the database").wait_for(timeout=180_000)
    page.set_viewport_size({"width": 1280, "height": 1000})
    shot(page, out, "web-outputs", full_page=False)  # the tables below load as they scroll into view


def main_(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--headless", "--no-sandbox"])
        root = Path(folder) / "example"
        root.mkdir()
        build(root, browser)
        try:
            with serving(root) as base:
                for act in (lambda p: as_reviewer(p, base, root, out), lambda p: as_lead(p, base, out)):
                    context = browser.new_context(viewport={"width": 1280, "height": 800})
                    act(context.new_page())
                    context.close()
        finally:
            browser.close()


if __name__ == "__main__":
    main_(Path(sys.argv[1]) if len(sys.argv) > 1 else Path("/tmp/review-web-screenshots"))
