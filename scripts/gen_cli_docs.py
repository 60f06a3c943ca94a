"""Regenerate docs/cli.md from the commands' help texts."""

from pathlib import Path

from review.cli import main
from review.cli.reference import render

target = Path(__file__).resolve().parent.parent / "docs" / "cli.md"
target.write_text(render(main), encoding="utf-8")
print(f"wrote {target}")
