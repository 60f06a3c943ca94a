"""Coding C-M-O fragments in the browser, without the web: the coding view's data, saving,
changing and deleting fragments, and the list of one coder's fragments.

Every fragment goes through the library that ``review extract add`` uses: the
:class:`~review.extraction.verify.Checker` (an included report, known theories, the levels,
the quote verified against the text as the tool reads it and stored as the text has it) and
:func:`~review.extraction.fragments.save_fragment` (the audit trail, origin ``web``). The
browser adds the selection's offsets: the quote must be found exactly there.

Blinding: a coder sees only their own fragments (a lead may ask for everyone's).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection

from review.errors import InputError, NotFound
from review.extraction.fragments import (
    current_fragments,
    delete_fragment,
    find_same,
    get_fragment,
    save_fragment,
)
from review.extraction.model import CMO_FIELDS, Fragment, format_theories
from review.extraction.sheet import fragment_row, mmat_profiles, mmat_summary
from review.extraction.tables import fragments as fragments_table
from review.extraction.texts import FullText, TextCache
from review.extraction.verify import Checker
from review.included import IncludedReport, included_reports, reports_of
from review.store import Store, schema
from review.studies.model import study_of
from review.synthesis.current import theories_current
from review.synthesis.testing import theories_report
from review.web.accounts import User
from review.web.service import AlreadyDecided, Forbidden, WebState

#: The sheet's cells a form may send (``report`` and ``quote`` besides).
CELLS = (*CMO_FIELDS, "theories", "relevance", "rigour", "relevance_note", "rigour_note", "note", "location")
_KEY = re.compile(r"^[A-Za-z0-9_-]{8,80}$")
#: How many colours the highlights cycle through (by the fragment's first theory).
COLOURS = 6


@dataclass
class Segment:
    """A run of the text with the same fragments over it (``o``: its offset in the text)."""

    o: int
    text: str
    ids: tuple[int, ...] = ()
    colour: str = ""


def version(conn: Connection) -> int:
    """The audit trail's newest event id: changes whenever anyone records anything."""
    return int(conn.execute(select(func.max(schema.events.c.id))).scalar() or 0)


def current_version(state: WebState) -> int:
    with state.store.read() as conn:
        return version(conn)


def _coders(state: WebState) -> list[str]:
    return [str(c) for c in state.workspace.setting("extraction", "coders", []) or []]


def _reports(conn: Connection, state: WebState) -> tuple[dict[int, IncludedReport], set[int]]:
    """Included reports by id, and the ids of reports no longer included with fragments kept."""
    included = {r.work_id: r for r in included_reports(conn, reviewers_per_work=state.settings().reviewers_per_work)}
    kept_ids = set(conn.execute(select(fragments_table.c.work_id).where(fragments_table.c.deleted_at.is_(None))
                                .distinct()).scalars()) - set(included)
    return included, kept_ids


def texts_of(conn: Connection, info: IncludedReport) -> list[str]:
    """The texts a report may be coded on: its own full text, then the texts fragments cite."""
    cited = conn.execute(select(fragments_table.c.text_path).where(
        fragments_table.c.deleted_at.is_(None), fragments_table.c.text_path.is_not(None)).distinct()).scalars()
    own = [info.fulltext] if info.fulltext else []
    return own + sorted({c for c in cited if c and c not in own})


def _inside(state: WebState, stored: str) -> bool:
    root = state.workspace.root.resolve()
    path = (root / stored).resolve()
    return path.is_relative_to(root) and path.is_file()


def colour_of(fragment: Fragment, order: dict[str, int]) -> str:
    """``t0``..``t5`` by the first linked theory, else by the first C/M/O part coded."""
    if fragment.links:
        return f"t{order.get(fragment.links[0][0], 0) % COLOURS}"
    for name, cls in (("context", "c"), ("mechanism_resource", "m"), ("mechanism_reasoning", "m"), ("outcome", "o")):
        if (getattr(fragment, name) or "").strip():
            return cls
    return "n"


def segments(text: str, spans: list[tuple[int, int, int, str]]) -> list[Segment]:
    """The text cut at every line start and highlight boundary (``spans``: start, end, id,
    colour). Carriage returns are segments of their own, shown empty, so that what a browser
    makes of them never shifts an offset."""
    cuts = {0, len(text)}
    for match in re.finditer(r"\r|\n|\f", text):
        cuts.update((match.start(), match.end()))
    for start, end, _, _ in spans:
        cuts.update((max(0, min(start, len(text))), max(0, min(end, len(text)))))
    points = sorted(cuts)
    out = []
    for a, b in zip(points, points[1:], strict=False):
        over = [(fid, colour) for start, end, fid, colour in spans if start <= a and b <= end]
        piece = text[a:b]
        out.append(Segment(a, "" if piece == "\r" else piece, tuple(f for f, _ in over),
                           over[-1][1] if over else ""))
    return out


def _load(state: WebState, stored: str) -> FullText:
    return TextCache(state.workspace.root).get(stored)


def report_view(state: WebState, user: User, work_id: int, text: str | None = None) -> dict[str, Any]:
    """What ``/reports/ID`` shows: the report, the chosen text cut into segments with the
    user's own fragments highlighted, their fragments, the theories, study and MMAT profile.

    Raises:
        NotFound: not an included report (nor one with fragments kept), or an unknown text.
    """
    with state.store.read() as conn:
        included, kept = _reports(conn, state)
        if work_id not in included and work_id not in kept:
            raise NotFound(f"report {work_id} is not an included report", field="report")
        info = included.get(work_id) or reports_of(conn, [work_id])[0]
        choices = [t for t in texts_of(conn, info) if _inside(state, t)]
        mine = [f for f in current_fragments(conn, report=work_id) if f.coder == user.name]
        study = study_of(conn).get(work_id)
        profile = mmat_profiles(conn).get(work_id)
        try:
            model = theories_report(conn)
        except Exception:  # noqa: BLE001 - no theories stage yet: code without links
            model = {"theories": []}
        stamp = version(conn)
    chosen = text or (choices[0] if choices else None)
    if chosen is not None and chosen not in choices:
        raise NotFound(f"{chosen} is not a text of report {work_id}", field="text")
    order = {t["id"]: i for i, t in enumerate(model["theories"])}
    full = _load(state, chosen) if chosen else None
    shown = [f for f in mine if full is not None and (f.text_path or info.fulltext) == chosen
             and f.char_start is not None and f.char_end is not None]
    spans = [(f.char_start, f.char_end, f.id, colour_of(f, order)) for f in shown]
    return {
        "report": info, "included": work_id in included, "texts": choices, "text": chosen,
        "is_pdf": bool(full and full.page_starts),
        "segments": segments(full.text, spans) if full else [],
        "length": len(full.text) if full else 0,
        "fragments": [fragment_dict(f, order) for f in mine], "theories": model["theories"],
        "study": study.to_dict() if study else None, "mmat": mmat_summary(profile) or None,
        "version": stamp, "own_text": info.fulltext,
    }


def fragment_dict(fragment: Fragment, order: dict[str, int] | None = None) -> dict[str, Any]:
    """A fragment as the API returns it (the sheet's cells, offsets and links)."""
    data = fragment.to_dict()
    data["theories_cell"] = format_theories(fragment.links)
    data["report"] = fragment.work_id
    data["fragment_id"] = fragment.id
    data["colour"] = colour_of(fragment, order or {})
    return data


# -- saving --------------------------------------------------------------------------------


def _cell(body: dict[str, Any], name: str) -> str | None:
    value = body.get(name)
    if value is None:
        return None
    if isinstance(value, bool | dict | list):
        raise InputError(f"{name} must be text", field=name)
    return str(value)


def _offsets(body: dict[str, Any]) -> tuple[int, int] | None:
    raw = [body.get("start"), body.get("end")]
    if all(v in (None, "") for v in raw):
        return None
    values = []
    for name, value in zip(("start", "end"), raw, strict=True):
        text = str(value if value is not None else "").strip()
        if isinstance(value, bool) or not text.isdigit():
            raise InputError(f"{name} must be a character offset (a whole number)", field=name)
        values.append(int(text))
    if values[0] >= values[1]:
        raise InputError("the selection is empty: end must be after start", field="end")
    return values[0], values[1]


def _form_key(body: dict[str, Any]) -> str | None:
    key = _cell(body, "form_key")
    if not key:
        return None
    if not _KEY.match(key):
        raise InputError("not a form key", field="form_key")
    return key


def _saved_form(conn: Connection, key: str) -> str | None:
    e = schema.events
    return conn.execute(select(e.c.detail).where(e.c.entity == "web-form", e.c.entity_id == key)).scalar()


def _selection(full: FullText, start: int, end: int) -> tuple[int, int]:
    """The selection without the white space around it; refused when outside the text."""
    if end > len(full.text):
        raise InputError(f"the selection ({start}-{end}) is outside the text ({len(full.text)} characters): "
                         "the text changed; reload the page", field="quote")
    piece = full.text[start:end]
    start += len(piece) - len(piece.lstrip())
    end -= len(piece) - len(piece.rstrip())
    if start >= end:
        raise InputError("the selection is only white space", field="quote")
    return start, end


def create_fragment(state: WebState, user: User, body: dict[str, Any]) -> dict[str, Any]:
    """Record a new fragment from the coding form (the sheet's cells, ``start``/``end``).

    Raises:
        InputError: a bad cell, a quote not at the selection, a report not included, a form
            already saved (``form_key``): nothing recorded.
        AlreadyDecided: the coder already coded this very passage (409).
    """
    key = _form_key(body)
    offsets = _offsets(body)
    raw: dict[str, Any] = {name: _cell(body, name) for name in CELLS}
    raw["report"] = _cell(body, "report")
    raw["coder"] = user.name
    stored = _cell(body, "text")
    root = state.workspace.root
    with state.store.transaction() as conn:
        theories_current(conn, root, actor=user.name)
        if key and (done := _saved_form(conn, key)) is not None:
            raise InputError(f"this form was already saved (fragment {json.loads(done).get('fragment')}); "
                             "reload the page to code another passage", field="form_key")
        checker = Checker(conn, root, coders=_coders(state), default_coder=user.name,
                          reviewers_per_work=state.settings().reviewers_per_work)
        work_id = checker.report(raw["report"])
        checker.require_included(work_id)
        own = checker.info(work_id).fulltext
        if stored and stored != own:
            if stored not in texts_of(conn, checker.info(work_id)) or not _inside(state, stored):
                raise InputError(f"{stored} is not a text of report {work_id}", field="text")
            raw["text"] = stored
        quote = _cell(body, "quote") or ""
        if offsets is not None:
            target = stored or own
            if not target:
                raise InputError(f"report {work_id} has no full text to select from", field="start")
            full = checker.cache.get(target)
            offsets = _selection(full, *offsets)
            quote = quote.strip() or full.text[offsets[0]:offsets[1]]
            raw["char_start"] = offsets[0]
        raw["quote"] = quote
        values = checker.values(raw)
        if offsets is not None and (values.char_start, values.char_end) != offsets:
            raise InputError("the quote is not the selected passage of the text as it is now (the text "
                             "changed?): select it again", field="quote")
        same = find_same(conn, values.work_id, values.quote, values.location, values.coder)
        if same is not None:
            raise AlreadyDecided(f"you already coded this passage as fragment {same}: open it to change it",
                                 field="quote")
        fragment_id, _ = save_fragment(conn, values, actor=user.name, origin="web")
        if key:
            Store.log(conn, user.name, "web.form", "web-form", key, {"fragment": fragment_id})
        return fragment_dict(get_fragment(conn, fragment_id))


def _own(fragment: Fragment, user: User) -> None:
    if fragment.deleted_at:
        raise NotFound(f"fragment {fragment.id} was deleted", field="fragment")
    if fragment.coder != user.name and not user.is_lead:
        raise Forbidden(f"fragment {fragment.id} is {fragment.coder}'s; only they or a lead may change it")


def get_own(state: WebState, user: User, fragment_id: int) -> dict[str, Any]:
    """One fragment, if it is the user's own (or the user is a lead).

    Raises:
        NotFound: no such fragment (or someone else's, for a reviewer: blinding).
    """
    with state.store.read() as conn:
        try:
            fragment = get_fragment(conn, fragment_id, field_name="fragment")
        except NotFound:
            raise NotFound(f"no fragment {fragment_id}", field="fragment") from None
    if fragment.deleted_at or (fragment.coder != user.name and not user.is_lead):
        raise NotFound(f"no fragment {fragment_id}", field="fragment")
    return fragment_dict(fragment)


def update_fragment(state: WebState, user: User, fragment_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """Change a fragment's coded cells (the quote and its place stay); kept in the audit trail.

    Raises:
        InputError: a bad cell; nothing recorded.
        Forbidden: someone else's fragment (a lead may change any).
    """
    root = state.workspace.root
    with state.store.transaction() as conn:
        theories_current(conn, root, actor=user.name)
        old = get_fragment(conn, fragment_id, field_name="fragment")
        _own(old, user)
        raw: dict[str, Any] = {name: getattr(old, name) for name in CELLS if name != "theories"}
        raw["theories"] = format_theories(old.links)
        for name in CELLS:
            if name in body:
                raw[name] = _cell(body, name)
        raw.update(report=old.work_id, quote=old.quote, coder=old.coder, evidence=old.evidence,
                   char_start=old.char_start)
        found = reports_of(conn, [old.work_id])
        if old.text_path and old.text_path != (found[0].fulltext if found else None):
            raw["text"] = old.text_path
        checker = Checker(conn, root, coders=_coders(state), default_coder=old.coder, allow_unverified=True,
                          reviewers_per_work=state.settings().reviewers_per_work)
        values = checker.values(raw, allow_unverified=old.verified != "yes")
        save_fragment(conn, values, actor=user.name, fragment_id=fragment_id, origin="web")
        return fragment_dict(get_fragment(conn, fragment_id))


def remove_fragment(state: WebState, user: User, fragment_id: int, reason: str | None) -> bool:
    """Mark a fragment deleted (its row and the audit trail keep it)."""
    with state.store.transaction() as conn:
        old = get_fragment(conn, fragment_id, field_name="fragment")
        _own(old, user)
        return delete_fragment(conn, fragment_id, actor=user.name, reason=reason or "deleted in the browser")


# -- the list ----------------------------------------------------------------------------------


def _matches(fragment: Fragment, filters: dict[str, str]) -> bool:
    if filters.get("report") and str(fragment.work_id) != filters["report"].strip():
        return False
    if filters.get("theory") and filters["theory"].strip() not in {t for t, _ in fragment.links}:
        return False
    if filters.get("coder") and fragment.coder != filters["coder"].strip():
        return False
    if filters.get("verified") and fragment.verified != filters["verified"].strip():
        return False
    wanted = (filters.get("q") or "").strip().casefold()
    if wanted:
        parts = [fragment.quote, *(getattr(fragment, n) or "" for n in CMO_FIELDS), fragment.note or ""]
        if not any(wanted in p.casefold() for p in parts):
            return False
    return True


def list_fragments(state: WebState, user: User, filters: dict[str, str]) -> list[Fragment]:
    """Current fragments matching ``filters`` (report, theory, coder, verified, q: C/M/O or
    quote text). A reviewer sees only their own; a lead everyone's."""
    with state.store.read() as conn:
        found = current_fragments(conn)
    return [f for f in found if (user.is_lead or f.coder == user.name) and _matches(f, filters)]


def sheet_rows(state: WebState, items: list[Fragment]) -> list[dict[str, Any]]:
    """The fragments as rows of ``review extract export``'s sheet."""
    with state.store.read() as conn:
        reports = {r.work_id: r for r in reports_of(conn, sorted({f.work_id for f in items}))}
        profiles = mmat_profiles(conn)
    rows = []
    for item in items:
        info = reports.get(item.work_id)
        rows.append(fragment_row(item, info.fulltext if info else None, info.citation if info else "",
                                 mmat_summary(profiles.get(item.work_id))))
    return rows


