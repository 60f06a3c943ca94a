"""A REFI-QDA project's copies of its sources, kept as the texts of reports that have none."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

#: Where the project's copies of its sources are kept (relative to the workspace).
COPIES = "extraction/texts/qdpx"


class SourceCopies:
    """The project's copies of its sources, kept as the texts of reports that have none.

    A report's own full text wins: it is the text the review retrieved, appraised and cites
    (with its pages), and checking a quote against it catches a source mapped to the wrong
    report or a different version of the text. Checking a quote against the project's copy
    would prove nothing (the quote was cut from it), so that copy is used only for a report
    with no full text of its own: kept in the workspace under :data:`COPIES` (named after the
    source and its content's hash, so importing again writes nothing new), the fragments
    point to it, and ``review extract verify`` can check them against it later.
    """

    def __init__(self, root: Path) -> None:
        self.root = root
        self.own: dict[str, str | None] = {}
        self.wanted: dict[str, str] = {}  # stored path -> text
        self.used = 0  # quotes stored with a copy

    def text_for(self, report: str, source_name: str, text: str) -> str | None:
        """The stored path of the copy for a quote of ``report``, or None when it has its own text."""
        if self.own.get(report):
            return None
        slug = re.sub(r"[^A-Za-z0-9._-]+", "-", Path(source_name).stem).strip("-.")[:60] or "source"
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]
        stored = f"{COPIES}/{slug}-{digest}.txt"
        self.wanted[stored] = text
        self.used += 1
        return stored

    def write(self) -> list[Path]:
        """Write the copies not yet in the workspace; returns those written (to undo)."""
        written = []
        for stored, text in self.wanted.items():
            path = self.root / stored
            if not path.is_file():
                path.parent.mkdir(parents=True, exist_ok=True)
                path.write_text(text, encoding="utf-8", newline="")
                written.append(path)
        return written
