"""The library behind ``review extract add``, ``delete``, ``list`` and ``check``."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from review.errors import InputError
from review.extraction.fragments import (
    current_fragments,
    delete_fragment,
    find_same,
    save_fragment,
    set_verification,
)
from review.extraction.model import Fragment, page_of_location
from review.extraction.verify import Checker
from review.set_aside import set_aside
from review.store import Store
from review.synthesis.current import theories_current


def add_fragment(store: Store, raw: Mapping[str, Any], *, root: Path, actor: str,
                 allow_unverified: bool = False, coders: list[str] | None = None,
                 reviewers_per_work: int = 1) -> tuple[int, str, str]:
    """Record one fragment given as sheet cells (``report``, ``quote``, ``theories``, ...).

    The same report, quote, location and coder as a current fragment is that fragment
    (changed, if the other cells differ). Returns (id, created | updated | unchanged, how the
    quote was verified: ``yes`` with its place, ``no`` or ``no-text``).

    Raises:
        InputError: a bad cell (``field`` names it), or a quote not in the full text.
    """
    with store.transaction() as conn:
        theories_current(conn, root, actor=actor)  # the theories as protocols/theories.yaml now says
        checker = Checker(conn, root, coders=coders, default_coder=actor, allow_unverified=allow_unverified,
                          reviewers_per_work=reviewers_per_work)
        values = checker.values(raw)
        same = find_same(conn, values.work_id, values.quote, values.location, values.coder)
        if same is None:
            checker.require_included(values.work_id)
        fragment_id, action = save_fragment(conn, values, actor=actor, fragment_id=same, origin="cli")
    where = f" in {values.text_path}" if values.text_path else ""
    if values.verified == "yes":
        page = f", page {values.page}" if values.page else ""
        verified = f"quote found{where} at {values.char_start}-{values.char_end}{page}"
    elif values.verified == "no":
        verified = f"quote NOT found{where}: kept as unverified"
    else:
        verified = "no full text to check the quote against"
    return fragment_id, action, verified


def delete_fragments(store: Store, ids: list[int], *, actor: str, reason: str | None = None) -> list[int]:
    """Mark fragments deleted (kept, with ``deleted_at``); returns those newly deleted."""
    with store.transaction() as conn:
        return [i for i in ids if delete_fragment(conn, i, actor=actor, reason=reason)]


@dataclass
class CheckItem:
    """One fragment whose verification changed (or could not be done)."""

    fragment_id: int
    report: int
    status: str  # moved | vanished | verified | text-missing
    text: str | None
    before: tuple[int | None, int | None]
    after: tuple[int | None, int | None]
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"fragment_id": self.fragment_id, "report": self.report, "status": self.status,
                "text": self.text, "before": list(self.before), "after": list(self.after),
                "detail": self.detail}


@dataclass
class CheckReport:
    """What ``review extract check`` found."""

    checked: int = 0
    unchanged: int = 0
    no_text: int = 0
    still_unverified: int = 0
    items: list[CheckItem] = field(default_factory=list)
    #: Reports not included now whose evidence is kept (:meth:`review.set_aside.SetAside.to_dict`).
    no_longer_included: list[dict[str, Any]] = field(default_factory=list)

    def of(self, status: str) -> list[CheckItem]:
        return [i for i in self.items if i.status == status]

    def to_dict(self) -> dict[str, Any]:
        return {"checked": self.checked, "unchanged": self.unchanged, "no_text": self.no_text,
                "still_unverified": self.still_unverified,
                "moved": [i.to_dict() for i in self.of("moved")],
                "vanished": [i.to_dict() for i in self.of("vanished")],
                "verified": [i.to_dict() for i in self.of("verified")],
                "text_missing": [i.to_dict() for i in self.of("text-missing")],
                "no_longer_included": self.no_longer_included}


def _recheck(checker: Checker, item: Fragment, own: str | None) -> tuple[str, dict[str, Any], str]:
    """(status, changes to store, detail) for one fragment."""
    stored = item.text_path or own
    if stored is None:
        return "no-text", {}, ""
    try:
        full = checker.cache.get(stored)
    except InputError as exc:
        return "text-missing", {}, exc.message
    match = full.find(item.quote, page=page_of_location(item.location), near=item.char_start)
    if match is None:
        changes = {"verified": "no", "text_path": stored, "text_sha256": full.sha256,
                   "char_start": None, "char_end": None, "page": None}
        status = "vanished" if item.verified == "yes" else "still-unverified"
    else:
        changes = {"verified": "yes", "text_path": stored, "text_sha256": full.sha256,
                   "char_start": match.start, "char_end": match.end, "page": full.page_of(match.start)}
        status = "moved" if item.verified == "yes" else "verified"
    changes = {k: v for k, v in changes.items() if getattr(item, k) != v}
    if status == "moved" and not ({"char_start", "char_end", "page"} & set(changes)):
        status = "unchanged"
    return status, changes, ""


def check_fragments(store: Store, *, root: Path, actor: str, dry_run: bool = False,
                    reviewers_per_work: int = 1) -> CheckReport:
    """Re-verify every current fragment against its text; record and list what changed.

    A quote found at other offsets has *moved*; a verified quote no longer found has
    *vanished* (it becomes ``verified = no``); an unverified quote now found is *verified*.
    A text that cannot be read is listed and its fragments are left as they were. Reports no
    longer included whose evidence is kept (out of the synthesis) are listed too.
    """
    report = CheckReport()
    with store.transaction() as conn:
        checker = Checker(conn, root, reviewers_per_work=reviewers_per_work)
        for item in current_fragments(conn):
            report.checked += 1
            info = checker.reports.get(item.work_id) or checker.kept.get(item.work_id)
            status, changes, detail = _recheck(checker, item, info.fulltext if info else None)
            if status == "no-text":
                report.no_text += 1
                continue
            if status in ("unchanged", "still-unverified"):
                report.unchanged += status == "unchanged"
                report.still_unverified += status == "still-unverified"
            else:
                report.items.append(CheckItem(
                    item.id, item.work_id, status, item.text_path or (info.fulltext if info else None),
                    (item.char_start, item.char_end),
                    (changes.get("char_start", item.char_start), changes.get("char_end", item.char_end))
                    if status != "text-missing" else (item.char_start, item.char_end), detail))
            if changes and not dry_run:
                set_verification(conn, item, changes, actor=actor, reason=f"extract check: {status}")
        report.no_longer_included = [s.to_dict() for s in set_aside(conn, reviewers_per_work=reviewers_per_work)]
    return report
