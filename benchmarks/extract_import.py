"""Fragment sheet speed: import, export, re-import (no change) and check at scale.

Copies the worked example (repository root) to a temporary folder, runs `review run`, then
writes a sheet of N fragments quoting sentences of the example's texts (extraction/texts/),
spread over the included reports, and times each step. Prints figures; asserts nothing.

    .venv/bin/python benchmarks/extract_import.py [--fragments 2000]
"""

from __future__ import annotations

import argparse
import csv
import re
import shutil
import tempfile
import time
from pathlib import Path

from review.extraction.commands import check_fragments
from review.extraction.sheet import SHEET_COLUMNS, export_fragments, import_fragments
from review.included import included_reports
from review.pipeline import run
from review.workspace import Workspace

REPO = Path(__file__).resolve().parent.parent


def timed(label: str, action):
    started = time.perf_counter()
    result = action()
    print(f"{label}: {time.perf_counter() - started:.2f} s")
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--fragments", type=int, default=2000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "example"
        root.mkdir()
        for name in ("corpus", "protocols", "extraction"):
            shutil.copytree(REPO / name, root / name)
        shutil.copy(REPO / "review.toml", root / "review.toml")
        (root / "extraction" / "fragments.csv").unlink(missing_ok=True)
        workspace = Workspace.find(root)
        timed("review run (worked example, no fragments)", lambda: run(workspace, actor="bench"))
        with workspace.store().read() as conn:
            reports = [r.work_id for r in included_reports(conn)]
        texts = sorted((root / "extraction" / "texts").glob("*.md"))
        sentences = [(text.relative_to(root).as_posix(), s) for text in texts
                     for s in re.findall(r"[A-Z][^.!?\n]{40,240}[.!?]", text.read_text(encoding="utf-8"))]
        sheet = Path(tmp) / "fragments.csv"
        with sheet.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=SHEET_COLUMNS)
            writer.writeheader()
            for number in range(args.fragments):
                text, quote = sentences[number % len(sentences)]
                writer.writerow({"report": reports[number % len(reports)], "quote": quote, "text": text,
                                 "location": f"sentence {number}", "coder": "JM", "relevance": "moderate",
                                 "outcome": f"outcome {number % 17}"})
        print(f"sheet: {args.fragments} fragments, {len(sentences)} distinct sentences from {len(texts)} texts, "
              f"{len(reports)} reports")
        store = workspace.store()
        result = timed("import (new)", lambda: import_fragments(store, sheet, root=root, actor="bench"))
        print(f"  {result.summary()}")
        out = Path(tmp) / "out.csv"
        timed("export", lambda: export_fragments(store, out))
        result = timed("re-import of the export (nothing changes)",
                       lambda: import_fragments(store, out, root=root, actor="bench"))
        print(f"  {result.summary()}")
        found = timed("extract check", lambda: check_fragments(store, root=root, actor="bench"))
        print(f"  checked {found.checked}, unchanged {found.unchanged}")
        workspace.close()


if __name__ == "__main__":
    main()
