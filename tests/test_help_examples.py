"""Every command's help example runs as written.

An example block marked ``# in the bundled example`` runs in a copy of the built worked
example (the repository root); any other runs in a new workspace made by ``review init`` with
one real export imported. The lines of a block run in order in one workspace, from its root,
as a user pasting them would. What a pipe or redirect would do after ``review`` is left out
(``| jq ...``, ``> file``); the command itself must exit 0. Files an example reads that the
user would bring (their own exports, a colleague's sheet) are made first, from real data.
"""

from __future__ import annotations

import csv
import os
import shlex
import shutil
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from review.cli import main
from review.cli.reference import walk

REPO = Path(__file__).resolve().parent.parent
BUNDLED = "# in the bundled example"

#: Interactive examples and what a user types (each session stops at once with q).
INPUT = {
    ("appraise",): "q\n",
    ("appraise", "walk"): "q\n",
    ("dedup",): "q\n",
    ("dedup", "check"): "q\n",
    ("screen",): "q\n",
}


def examples() -> list[tuple[tuple[str, ...], str]]:
    """(command path, its Example: block as written) for every command."""
    found = []
    for path, command in walk(main):
        _, _, block = (command.help or "").partition("Example:")
        lines = [line.strip() for line in block.splitlines() if line.strip() and line.strip() != "\b"]
        found.append((path, "\n".join(lines)))
    return found


def commands(block: str) -> list[list[str]]:
    """Shell lines of a block as argument lists: continuations joined, comments, pipes and
    redirects dropped, ``a && b`` split."""
    joined = block.replace("\\\n", " ")
    found = []
    for line in joined.splitlines():
        words = shlex.split(line, comments=True)
        while words:
            cut = next((i for i, w in enumerate(words) if w in ("&&", "|", ">")), len(words))
            found.append(words[:cut])
            rest = words[cut:]
            words = rest[1:] if rest and rest[0] == "&&" else []
    return [words for words in found if words]


def _review(root: Path, *args: str) -> None:
    result = CliRunner().invoke(main, ["-C", str(root), *args], catch_exceptions=False,
                                env={"REVIEW_ACTOR": "tester"})
    assert result.exit_code == 0, result.output


def _copy(source: Path) -> Callable[[Path, Path], None]:
    return lambda target, root: shutil.copy(source, target)


def _made_by(*args: str) -> Callable[[Path, Path], None]:
    """A file (or folder) the user would have from an earlier command: ``{}`` is the target."""
    return lambda target, root: _review(root, *[str(target) if a == "{}" else a for a in args])


def _other_csv(target: Path, root: Path) -> None:
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["Article Title", "Authors", "Publication Year", "DOI"])
        writer.writerow(["Peer support for perinatal depression: a pilot", "Smith, J.; Jones, K.", "2019",
                         "10.1000/peer.2019.1"])


def _xlsx(target: Path, root: Path) -> None:
    """A spreadsheet export: the worked example's Scopus CSV saved as XLSX."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    with (REPO / "corpus" / "scopus.csv").open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    book.save(target)


def _works(root: Path, count: int, where: str = "") -> list[tuple[int, str, int | None, str | None]]:
    from sqlalchemy import text

    from review.workspace import Workspace

    ws = Workspace.find(root)
    try:
        with ws.store().read() as conn:
            return [tuple(r) for r in conn.execute(text(
                f"SELECT id, title, year, doi FROM works WHERE merged_into IS NULL {where} ORDER BY id LIMIT {count}"))]
    finally:
        ws.close()


def _rayyan(target: Path, root: Path) -> None:
    """Rayyan's articles.csv (its published layout) for five of the workspace's works,
    decided by one Rayyan user: three included, two excluded for a mapped reason."""
    header = (REPO / "tests" / "data" / "screening_exchange" / "rayyan_articles.csv").read_text(
        encoding="utf-8").splitlines()[0].split(",")
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        for number, (work, title, year, doi) in enumerate(_works(root, 5)):
            notes = ('RAYYAN-INCLUSION: {"Sam"=>"Included"}' if number < 3 else
                     'RAYYAN-INCLUSION: {"Sam"=>"Excluded"} | RAYYAN-EXCLUSION-REASONS: wrong population')
            writer.writerow({"key": f"rayyan-{work}", "title": title, "year": year or "", "doi": doi or "",
                             "notes": notes})


def _covidence_excluded(target: Path, root: Path) -> None:
    """Covidence's excluded list (its published layout) for two retrieved reports."""
    header = (REPO / "tests" / "data" / "screening_exchange" / "review_98765_excluded_csv_20200602093011.csv"
              ).read_text(encoding="utf-8").splitlines()[0].split(",")
    retrieved = "AND id IN (SELECT work_id FROM fulltext_reports WHERE status = 'retrieved')"
    with target.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        for number, (_work, title, year, doi) in enumerate(_works(root, 2, retrieved), start=1):
            writer.writerow({"Title": title, "Published Year": year or "", "DOI": doi or "",
                             "Covidence #": f"#{number}", "Notes": "Exclusion reason: Wrong intervention; "})


def _query(target: Path, root: Path) -> None:
    """The PsycInfo search string, as the worked example's corpus/sources.yaml gives it."""
    import yaml

    sources = yaml.safe_load((REPO / "corpus" / "sources.yaml").read_text(encoding="utf-8"))
    found = [s["query"] for s in sources["sources"] if s.get("source") == "PsycInfo"]
    target.write_text(found[0] + "\n", encoding="utf-8")


def _pdf(target: Path, root: Path) -> None:
    target.write_bytes(b"%PDF-1.4\n%%EOF\n")


def _prisma_csv(target: Path, root: Path) -> None:
    """The PRISMA2020 template CSV of a review done elsewhere (here: the example's own)."""
    _review(root, "report", "prisma", "--format", "csv", "--out", str(target.parent / "elsewhere"))
    shutil.copy(target.parent / "elsewhere" / "prisma.csv", target)


def _robvis(target: Path, root: Path) -> None:
    _review(root, "appraise", "robvis-export", "--output", str(target.with_name("robvis.csv")))
    shutil.copy(target.with_name("robvis-2.csv"), target)


SCREENING = REPO / "tests" / "data" / "screening"
#: Files the examples read that a user brings (their exports, a colleague's sheet, an
#: earlier command's output), made from real data where we have it.
BROUGHT: dict[str, Callable[[Path, Path], None]] = {
    "~/exports/cinahl.ris": _copy(REPO / "corpus" / "cinahl.ris"),
    "other.csv": _other_csv,
    "embase.xlsx": _xlsx,
    "wos-1001-2000.txt": _copy(REPO / "tests" / "data" / "exports" / "derived" / "wos_tab_delimited_utf16.txt"),
    "archive/": _made_by("export", "all", "{}"),
    "jm.xlsx": _made_by("appraise", "export", "--template", "--reviewer", "JM", "--output", "{}"),
    "rct.csv": _robvis,
    "draft-criteria.yaml": _copy(REPO / "protocols" / "criteria.yaml"),
    "coded-in-nvivo.qdpx": _made_by("extract", "export", "--output", "{}"),
    "reports/pdfs/smith2019.pdf": _pdf,
    "PRISMA.csv": _prisma_csv,
    "articles.csv": _rayyan,
    "review_1234_excluded_csv_20240301.csv": _covidence_excluded,
    "decisions.csv": _made_by("screen", "export", "--output", "{}"),
    "Nagtegaal_2019.csv": _copy(SCREENING / "Nagtegaal_2019_sample.csv"),
    "labelled.csv": _copy(SCREENING / "Nagtegaal_2019_sample.csv"),
    "colleague-changes.csv": _made_by("theories", "export", "--output", "{}"),
    "searches/psycinfo.txt": _query,
    # a full text with a real reference list (the Mind & McPin report among the seeds)
    "fulltexts/mind2019.md": _copy(REPO.parent / "shared" / "seeds" / "004_0a4429cc13a1016f.txt"),
}
#: Options whose value a command writes (never brought beforehand).
OUTPUTS = ("--output", "-o", "--out", "--to")


def _bring(words: list[str], cwd: Path, root: Path) -> None:
    """Make the files a command line reads that do not exist yet (as the user would have)."""
    writes = words[1:3] == ["export", "all"]  # its folder argument is what it writes
    for before, word in zip(["", *words], words, strict=False):
        make = BROUGHT.get(word)
        if writes or before in OUTPUTS:
            continue
        target = Path(os.path.expanduser(word)) if word.startswith("~") else cwd / word
        if make is None or target.exists():
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        make(target, root)


def _run(words: list[str], stdin: str | None) -> tuple[int, str]:
    assert words[0] == "review", f"an example line that is not a review command: {words}"
    args = [os.path.expanduser(w) if w.startswith("~") else w for w in words[1:]]  # as the shell does
    result = CliRunner().invoke(main, args, input=stdin, catch_exceptions=True, env={"REVIEW_ACTOR": "tester"})
    return result.exit_code, result.output + (repr(result.exception) if result.exception and
                                               not isinstance(result.exception, SystemExit) else "")


EXAMPLES = examples()


@pytest.mark.parametrize("path,block", EXAMPLES, ids=[" ".join(p) or "review" for p, _ in EXAMPLES])
def test_help_example_runs_as_written(path: tuple[str, ...], block: str, built_example: Path, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    if BUNDLED in block:
        root = tmp_path / "example"
        shutil.copytree(built_example, root)
    else:  # a new workspace with one real export imported
        root = tmp_path / "new"
        _review(tmp_path, "init", str(root))
        _review(root, "import", str(REPO / "corpus" / "cinahl.ris"), "--source", "CINAHL")
    monkeypatch.chdir(root)
    for words in commands(block):
        if words[0] == "cd":
            os.chdir(words[1])
            continue
        _bring(words, Path.cwd(), root)
        code, output = _run(words, INPUT.get(path))
        assert code == 0, f"{shlex.join(words)}\n{output}"


def test_commands_splits_shell_lines() -> None:
    block = ("review init my-review && cd my-review\nreview status --json | jq .records\n"
             "review import a.ris \\\n--source A   # a comment\nreview appraise table --json > mmat.json")
    assert commands(block) == [["review", "init", "my-review"], ["cd", "my-review"],
                               ["review", "status", "--json"], ["review", "import", "a.ris", "--source", "A"],
                               ["review", "appraise", "table", "--json"]]


def test_every_command_has_an_example_block() -> None:
    assert all(block for _path, block in EXAMPLES)
    assert isinstance(main, click.Group)
