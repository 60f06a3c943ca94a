"""Turning what a coder entered into a fragment's stored values: validation and quote checks.

Shared by ``review extract add``, the sheet import and the REFI-QDA import, so every way in
checks the same things: an included report, a quote, known theories and directions, the
levels, the coder, and the quote's place in the full text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Connection

from review.corpus.normalise import normalise_doi
from review.errors import InputError
from review.extraction.fragments import FragmentValues
from review.extraction.model import (
    CMO_FIELDS,
    clean,
    page_of_location,
    parse_evidence,
    parse_level,
    parse_theories,
)
from review.extraction.tables import fragments
from review.extraction.texts import FullText, TextCache
from review.included import IncludedReport, included_reports, reports_of


@dataclass
class Verification:
    verified: str
    text_path: str | None = None
    text_sha256: str | None = None
    char_start: int | None = None
    char_end: int | None = None
    page: int | None = None
    quote: str | None = None  # the passage as the text has it (when found)


def known_theories(conn: Connection) -> set[str]:
    """Theory ids in the model (none when the theories stage has not run)."""
    from review.synthesis.tables import theories

    return {row[0] for row in conn.execute(select(theories.c.id))}


def _offset(value: Any) -> int | None:
    """A known offset (the sheet's ``char_start``), used to choose among repeated passages."""
    text = str(value if value is not None else "").strip().removesuffix(".0")
    return int(text) if text.isdigit() else None


class Checker:
    """Validates and verifies fragments for one command (texts are read once)."""

    def __init__(self, conn: Connection, root: Path, *, coders: list[str] | None = None,
                 default_coder: str | None = None, allow_unverified: bool = False,
                 reviewers_per_work: int = 1, cache: TextCache | None = None) -> None:
        self.conn = conn
        self.root = root
        self.cache = cache or TextCache(root)
        self.reports: dict[int, IncludedReport] = {
            r.work_id: r for r in included_reports(conn, reviewers_per_work=reviewers_per_work)}
        #: Reports no longer included whose fragments are kept (out of the synthesis): a sheet
        #: that lists them still imports, and their fragments may be corrected, not added to.
        self.kept: dict[int, IncludedReport] = {r.work_id: r for r in reports_of(conn, sorted(
            set(conn.execute(select(fragments.c.work_id).where(fragments.c.deleted_at.is_(None)).distinct())
                .scalars()) - set(self.reports)))}
        self.by_doi = {normalise_doi(r.doi): r.work_id for r in self.reports.values() if r.doi}
        self.theories = known_theories(conn)
        self.coders = [str(c) for c in coders or []]
        self.default_coder = default_coder
        self.allow_unverified = allow_unverified

    # -- single fields ----------------------------------------------------------------

    def report(self, value: Any) -> int:
        """An included report from a work id (or a DOI)."""
        text = str(value if value is not None else "").strip()
        if text.endswith(".0") and text[:-2].isdigit():  # a number from a spreadsheet
            text = text[:-2]
        if not text:
            raise InputError("empty: give the report's work id", field="report")
        if text.isdigit():
            work_id = int(text)
            if work_id not in self.reports and work_id not in self.kept:
                raise InputError(f"unknown report {work_id}: not an included report (a work included "
                                 "at full text)", field="report")
            return work_id
        doi = normalise_doi(text)
        if doi and doi in self.by_doi:
            return self.by_doi[doi]
        raise InputError(f"unknown report {text!r}: give an included report's work id", field="report")

    def require_included(self, work_id: int) -> None:
        """Refuse a new fragment of a report that is no longer included.

        Raises:
            InputError: ``work_id`` is one of :attr:`kept`.
        """
        if work_id not in self.reports:
            raise InputError(f"report {work_id} is no longer included: its fragments are kept, out of the "
                             "synthesis, and can be corrected, but new ones need it included again",
                             field="report")

    def info(self, work_id: int) -> IncludedReport:
        """The report (included, or no longer included with fragments kept)."""
        return self.reports.get(work_id) or self.kept[work_id]

    def coder(self, value: Any) -> str:
        name = clean(value) or self.default_coder
        if not name:
            raise InputError("empty: who coded this fragment?", field="coder")
        if self.coders and name not in self.coders:
            raise InputError(f"unknown coder {name!r}; review.toml [extraction] coders lists: "
                             f"{', '.join(self.coders)}", field="coder")
        return name

    def text_file(self, value: Any) -> str | None:
        stored = clean(value)
        if stored is None:
            return None
        path = self.cache.resolve(stored)
        if not path.is_file():
            raise InputError(f"file not found: {stored} (paths are relative to the workspace)", field="text")
        return stored

    # -- a whole fragment --------------------------------------------------------------

    def values(self, raw: Mapping[str, Any], *, allow_unverified: bool | None = None) -> FragmentValues:
        """Validate one fragment's cells and verify its quote.

        Raises:
            InputError: with ``field`` naming the column at fault.
        """
        work_id = self.report(raw.get("report"))
        quote = str(raw.get("quote") or "").strip()
        if not quote:
            raise InputError("empty: a fragment is a verbatim passage of the report", field="quote")
        location = clean(raw.get("location"))
        text = self.text_file(raw.get("text"))
        own = self.info(work_id).fulltext
        evidence = parse_evidence(raw.get("evidence")) or (
            "secondary" if text is not None and text != own else "primary")
        values = FragmentValues(
            work_id=work_id, quote=quote, location=location, coder=self.coder(raw.get("coder")),
            evidence=evidence, note=clean(raw.get("note")),
            relevance=parse_level(raw.get("relevance"), "relevance"),
            rigour=parse_level(raw.get("rigour"), "rigour"),
            relevance_note=clean(raw.get("relevance_note")), rigour_note=clean(raw.get("rigour_note")),
            links=parse_theories(raw.get("theories"), self.theories),
            **{name: clean(raw.get(name)) for name in CMO_FIELDS},
        )
        found = self.verify(quote, text or own, explicit=text is not None, location=location,
                            allow_unverified=allow_unverified, near=_offset(raw.get("char_start")))
        for name in ("verified", "text_path", "text_sha256", "char_start", "char_end", "page"):
            setattr(values, name, getattr(found, name))
        if found.quote:  # stored as the text has it: the tolerance is for finding, not storing
            values.quote = found.quote
        return values

    def preload(self, rows: list[Mapping[str, Any]]) -> TextCache:
        """Read every text the rows will be checked against (outside the write transaction)."""
        for raw in rows:
            try:
                stored = clean(raw.get("text")) or self.info(self.report(raw.get("report"))).fulltext
                if stored:
                    self.cache.get(stored)
            except InputError:
                continue
        return self.cache

    def load(self, stored: str, *, explicit: bool) -> FullText | None:
        try:
            return self.cache.get(stored)
        except InputError as exc:
            if self.allow_unverified and not explicit:
                return None
            raise InputError(f"cannot read {stored}: {exc.message}", field="text" if explicit else "quote") from exc

    def verify(self, quote: str, stored: str | None, *, explicit: bool = True,
               location: str | None = None, allow_unverified: bool | None = None,
               near: int | None = None) -> Verification:
        """Find the quote in the text it should be in; refuse it when absent (unless allowed)."""
        allow = self.allow_unverified if allow_unverified is None else allow_unverified
        if stored is None:
            return Verification("no-text")
        full = self.load(stored, explicit=explicit)
        if full is None:
            return Verification("no-text", stored)
        match = full.find(quote, page=page_of_location(location), near=near)
        if match is None:
            if not allow:
                raise InputError(f"not found in {stored} (compared ignoring line breaks, hyphenation, "
                                 "ligatures, quotation marks, dashes and case); correct the quote, "
                                 "or pass --allow-unverified to keep it as unverified", field="quote")
            return Verification("no", stored, full.sha256)
        return Verification("yes", stored, full.sha256, match.start, match.end, full.page_of(match.start),
                            full.canonical.verbatim(quote, match))
