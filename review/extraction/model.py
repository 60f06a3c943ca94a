"""What a fragment is: its fields, allowed values, and the ``theories`` cell's syntax."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field, fields
from typing import Any

from review.errors import InputError

LEVELS = ("high", "moderate", "low")
DIRECTIONS = ("supports", "refutes", "refines")
EVIDENCE = ("primary", "secondary")
VERIFIED = ("yes", "no", "no-text")
CMO_FIELDS = ("context", "mechanism_resource", "mechanism_reasoning", "outcome")

#: What a coder enters (and an import compares to decide "unchanged").
CODED_FIELDS = ("work_id", "quote", "location", *CMO_FIELDS, "relevance", "relevance_note",
                "rigour", "rigour_note", "coder", "note", "evidence")
#: What verification writes.
VERIFY_FIELDS = ("verified", "text_path", "text_sha256", "char_start", "char_end", "page")

_PAGE = re.compile(r"^\s*(?:p{1,2}\.?|pages?)\s*(\d+)", re.I)


@dataclass
class Fragment:
    """A fragment's current state (a row of ``fragments``) and its theory links."""

    id: int
    work_id: int
    quote: str
    coder: str
    verified: str
    evidence: str
    location: str | None = None
    page: int | None = None
    char_start: int | None = None
    char_end: int | None = None
    text_path: str | None = None
    text_sha256: str | None = None
    context: str | None = None
    mechanism_resource: str | None = None
    mechanism_reasoning: str | None = None
    outcome: str | None = None
    relevance: str | None = None
    relevance_note: str | None = None
    rigour: str | None = None
    rigour_note: str | None = None
    note: str | None = None
    actor: str | None = None
    created_at: str | None = None
    updated_at: str | None = None
    deleted_at: str | None = None
    links: list[tuple[str, str]] = field(default_factory=list)  # (theory id, direction)

    @classmethod
    def from_row(cls, row: Any, links: list[tuple[str, str]]) -> Fragment:
        names = {f.name for f in fields(cls)} - {"links"}
        values = {name: getattr(row, name) for name in names}
        return cls(**values, links=links)

    def to_dict(self) -> dict[str, Any]:
        data = {f.name: getattr(self, f.name) for f in fields(self) if f.name != "links"}
        data["theories"] = [{"theory": t, "direction": d} for t, d in self.links]
        data["partial"] = is_partial(self)
        return data


def is_partial(fragment: Any) -> bool:
    """True unless C, M (resource or reasoning) and O are all coded."""
    def has(name: str) -> bool:
        return bool((getattr(fragment, name, None) or "").strip())

    return not (has("context") and (has("mechanism_resource") or has("mechanism_reasoning"))
                and has("outcome"))


def parse_level(value: Any, column: str) -> str | None:
    """``high``, ``moderate`` or ``low`` (any case), or None for an empty cell."""
    text = str(value or "").strip().lower()
    if not text:
        return None
    if text not in LEVELS:
        raise InputError(f"expected one of {', '.join(LEVELS)}, got {str(value).strip()!r}", field=column)
    return text


def parse_evidence(value: Any) -> str | None:
    text = str(value or "").strip().lower()
    if not text:
        return None
    if text not in EVIDENCE:
        raise InputError(f"expected one of {', '.join(EVIDENCE)}, got {str(value).strip()!r}", field="evidence")
    return text


def parse_theories(value: Any, known: set[str] | None = None) -> list[tuple[str, str]]:
    """``ID`` or ``ID:supports|refutes|refines`` entries joined by ``;`` (bare ID: supports).

    Raises:
        InputError: a bad direction, a theory named twice, or (with ``known``) an unknown id.
    """
    links: list[tuple[str, str]] = []
    seen: set[str] = set()
    for entry in re.split(r"[;\n]", str(value or "")):
        entry = entry.strip()
        if not entry:
            continue
        theory, _, direction = entry.partition(":")
        theory, direction = theory.strip(), (direction.strip().lower() or "supports")
        if not theory:
            raise InputError(f"no theory id in {entry!r}", field="theories")
        if direction not in DIRECTIONS:
            raise InputError(f"unknown direction {direction!r} in {entry!r}; use "
                             f"{', '.join(DIRECTIONS)}", field="theories")
        if known is not None and theory not in known:
            raise InputError(f"unknown theory {theory!r} ({theory_choices(theory, known)})", field="theories")
        if theory in seen:
            raise InputError(f"theory {theory!r} is named twice", field="theories")
        seen.add(theory)
        links.append((theory, direction))
    return links


def theory_choices(wanted: str, known: set[str]) -> str:
    """What to say after an unknown theory id: the nearest ids, or all of them when few."""
    if not known:
        return "no theories loaded yet: write protocols/theories.yaml or `review theories add`"
    ordered = sorted(known, key=lambda t: [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", t)])
    if len(ordered) <= 15:
        return f"theories: {', '.join(ordered)}"
    near = difflib.get_close_matches(wanted, ordered, n=5, cutoff=0.5)
    prefix = [t for t in ordered if t.rstrip("0123456789") == wanted.rstrip("0123456789")]
    shown = list(dict.fromkeys([*near, *prefix]))[:8]
    more = f"{len(ordered)} theories; `review theories` lists them"
    return f"nearest: {', '.join(shown)}; {more}" if shown else more


def format_theories(links: list[tuple[str, str]]) -> str:
    """The ``theories`` cell: ``T1:supports;T3:refutes`` (directions always written)."""
    return ";".join(f"{t}:{d}" for t, d in links)


def page_of_location(location: str | None) -> int | None:
    """The page a location names (``p. 4``, ``p4``, ``page 12``), if it names one."""
    hit = _PAGE.match(location or "")
    return int(hit.group(1)) if hit else None


def clean(value: Any) -> str | None:
    """A cell's text with surrounding whitespace removed, or None when empty."""
    if value is None:
        return None
    text = str(value).strip()
    return text or None
