"""Reading screening decisions from CSV exports: ours, Rayyan's and Covidence's.

Each reader turns a file into :class:`ExchangeRow` objects: the row's line, the decision
it holds for the chosen reviewer (or why it is skipped), exclusion reasons as written,
a note, and the identifiers used to match it to a work. Matching and recording are in
:mod:`review.screening.exchange`.

The layouts:

- **ours** (``review screen export``): one row per decision with ``stage, work_id,
  reviewer, kind, decision, reason, reason_text, note, ..., source_ids, title, doi``.
- **Rayyan** (articles.csv: ``key,title,authors,journal,...,notes,doi,keywords,...``):
  the decisions are inside ``notes``, e.g. ``RAYYAN-INCLUSION: {"Alice"=>"Included",
  "Bob"=>"Excluded"} | RAYYAN-LABELS: qualitative | RAYYAN-EXCLUSION-REASONS: wrong
  population | USER-NOTES: {"Alice"=>["check the setting"]}``. Reasons are per record,
  not per reviewer; they go with the chosen reviewer's exclusion.
  Rayyan's RIS export carries the same notes in ``N1`` lines (``N1  - RAYYAN-INCLUSION:
  {"Emily"=>"Included"}``), the record id in ``AN`` (``rayyan-42924189``): read alike.
- **Covidence** (``Title, Authors, Abstract, Published Year, ..., Accession Number, DOI,
  Ref, Covidence #, Study, Notes, Tags``): one file per list, named like
  ``review_123_irrelevant_csv_20240101.csv``; the list is the decision (irrelevant:
  excluded at title-abstract; select: passed title-abstract; included / excluded: the
  full-text outcome). Full-text exclusion reasons come from an "Exclusion reason" column
  or ``Exclusion reason: ...`` in Notes.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from pathlib import Path

from review.corpus.encoding import decode
from review.errors import FormatError, InputError
from review.screening.decisions import DECISIONS

FORMATS = ("auto", "ours", "rayyan", "covidence")
COVIDENCE_LISTS = ("screen", "select", "irrelevant", "included", "excluded")
OUR_REQUIRED = ("work_id", "reviewer", "decision")

#: (stage, Covidence list) -> decision, or the error for a list with none at that stage.
COVIDENCE_DECISIONS: dict[tuple[str, str], str] = {
    ("title-abstract", "irrelevant"): "exclude",
    ("title-abstract", "select"): "include",
    ("title-abstract", "included"): "include",
    ("title-abstract", "excluded"): "include",  # excluded at full text: passed title-abstract
    ("full-text", "included"): "include",
    ("full-text", "excluded"): "exclude",
}
_COVIDENCE_NO_DECISION = {
    "screen": "is Covidence's list of studies not yet screened: it holds no decisions",
    "select": "is Covidence's full-text review list: no full-text decision yet",
    "irrelevant": "is Covidence's list of studies excluded at title-abstract: they never reached full text",
}


@dataclass
class ExchangeRow:
    """One data row of an exchange file."""

    line: int
    decision: str | None = None
    reasons: list[str] = field(default_factory=list)
    reasons_raw: str | None = None
    note: str | None = None
    work_id: int | None = None
    refs: list[str] = field(default_factory=list)
    doi: str | None = None
    pmid: str | None = None
    title: str | None = None
    skip: str | None = None  # why the row holds nothing to import


@dataclass
class ParsedFile:
    format: str
    rows: list[ExchangeRow]
    from_reviewer: str | None = None
    problems: list[tuple[int, str]] = field(default_factory=list)


def read_csv(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """Header and (start line, row) pairs of a CSV file (BOM, CRLF and ';' tolerated)."""
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise InputError("file not found", path=path) from exc
    text = decode(data, path).text
    if not text.strip():
        raise FormatError("the file is empty", path=path, line=1)
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header = [h.strip() for h in next(reader)]
        rows: list[tuple[int, dict[str, str]]] = []
        last = reader.line_num
        for values in reader:
            start, last = last + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue
            rows.append((start, {h: (values[i] if i < len(values) else "") for i, h in enumerate(header)}))
    except csv.Error as exc:
        raise FormatError(f"not valid CSV: {exc}", path=path, line=reader.line_num) from exc
    return header, rows


def _is_ris(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            start = handle.read(4096)
    except OSError:
        return False
    text = start.decode("utf-8", "replace").lstrip("\ufeff \r\n\t")
    return re.match(r"[A-Z][A-Z0-9]  -", text) is not None


def read_ris(path: Path) -> tuple[list[str], list[tuple[int, dict[str, str]]]]:
    """A RIS file as the rows of Rayyan's CSV: ``key`` (ID/AN), ``title``, ``doi``,
    ``pubmed_id`` and ``notes`` (its N1 lines joined by " | "), one per record, by start line."""
    from review.corpus.formats.ris import read_records, source_ref

    text = decode(path.read_bytes(), path).text
    rows = []
    for line, record in read_records(text, path):
        def one(*tags: str, record: dict[str, list[str]] = record) -> str:
            return next((v[0].strip() for t in tags if (v := record.get(t)) and v[0].strip()), "")
        doi = one("DO").split()[0] if one("DO") else ""
        rows.append((line, {"key": source_ref(record) or "", "title": one("TI", "T1"), "doi": doi,
                            "pubmed_id": "", "notes": " | ".join(v.strip() for v in record.get("N1", []))}))
    if not rows:
        raise FormatError("no RIS records (TY  - ... ER  -)", path=path, line=1)
    return ["key", "title", "doi", "pubmed_id", "notes"], rows


def detect(header: list[str], path: Path) -> str:
    names = set(header)
    lower = {h.lower() for h in header}
    if set(OUR_REQUIRED) <= names:
        return "ours"
    if "key" in lower and "notes" in lower:
        return "rayyan"
    if "covidence #" in lower:
        return "covidence"
    shown = ", ".join(header[:6]) + (", ..." if len(header) > 6 else "")
    raise FormatError(f"cannot tell the format from the header ({shown}); pass --format "
                      "ours, rayyan or covidence", path=path, line=1)


def _pick_reviewer(names: list[str], reviewer: str, from_reviewer: str | None, path: Path,
                   others: Collection[str] = ()) -> str:
    """Whose decisions in the file become ``reviewer``'s.

    A file with one name only is taken as ``reviewer``'s, unless that name is another
    reviewer of this review: their decisions never become someone else's unasked.
    """
    found = sorted(set(names))
    if from_reviewer:
        if from_reviewer not in found:
            raise InputError(f"no decisions by {from_reviewer!r} in the file (it has: "
                             f"{', '.join(found) or 'none'})", path=path, field="--from-reviewer")
        return from_reviewer
    if reviewer in found:
        return reviewer
    if len(found) == 1 and found[0] in others:
        raise InputError(f"the file's decisions are by {found[0]}, another reviewer of this review, not "
                         f"{reviewer}; to record them as {reviewer}'s anyway, pass --from-reviewer {found[0]}",
                         path=path, field="--from-reviewer")
    if len(found) == 1:
        return found[0]
    raise InputError(f"the file has decisions by {', '.join(found) or 'nobody'}; say whose to "
                     "import with --from-reviewer NAME", path=path, field="--from-reviewer")


def _cell(row: dict[str, str], *names: str) -> str:
    lowered = {k.lower(): v for k, v in row.items()}
    for name in names:
        value = lowered.get(name.lower())
        if value and value.strip():
            return value.strip()
    return ""


def _decision_word(value: str) -> str | None:
    text = value.strip().lower()
    for word, decision in (("includ", "include"), ("exclud", "exclude"), ("maybe", "maybe"),
                           ("undecided", "maybe")):
        if text.startswith(word):
            return decision
    return None


# -- ours -------------------------------------------------------------------------------


def _read_ours(path: Path, rows: list[tuple[int, dict[str, str]]], stage: str, reviewer: str,
               from_reviewer: str | None, others: Collection[str] = ()) -> ParsedFile:
    names = [r["reviewer"].strip() for _, r in rows
             if (r.get("kind") or "decision").strip() == "decision" and r["reviewer"].strip()]
    chosen = _pick_reviewer(names, reviewer, from_reviewer, path, others)
    parsed = ParsedFile("ours", [], chosen)
    for line, r in rows:
        item = ExchangeRow(line, refs=[s.strip() for s in (r.get("source_ids") or "").split(";") if s.strip()],
                           doi=r.get("doi") or None, title=r.get("title") or None,
                           note=(r.get("note") or "").strip() or None)
        kind = (r.get("kind") or "decision").strip()
        row_stage = (r.get("stage") or "").strip()
        if kind == "resolution":
            item.skip = "resolutions (record them with review screen resolve)"
        elif kind != "decision":
            parsed.problems.append((line, f"kind: unknown row kind {kind!r} (decision or resolution)"))
            continue
        elif row_stage and row_stage != stage:
            item.skip = f"decisions at {row_stage}"
        elif r["reviewer"].strip() != chosen:
            item.skip = "other reviewers' decisions"
        else:
            decision = r["decision"].strip().lower()
            if decision not in DECISIONS:
                parsed.problems.append((line, f"decision: expected one of {', '.join(DECISIONS)}, "
                                              f"got {r['decision']!r}"))
                continue
            item.decision = decision
            reason = (r.get("reason") or "").strip() or (r.get("reason_text") or "").strip()
            item.reasons = [reason] if reason else []
            item.reasons_raw = reason or None
        work = (r.get("work_id") or "").strip()
        if work:
            if not work.isdigit():
                parsed.problems.append((line, f"work_id: expected a number, got {work!r}"))
                continue
            item.work_id = int(work)
        parsed.rows.append(item)
    return parsed


# -- Rayyan -----------------------------------------------------------------------------

_RAYYAN_SECTION = re.compile(
    r"(RAYYAN-INCLUSION|RAYYAN-LABELS|RAYYAN-EXCLUSION-REASONS|USER-NOTES)\s*:\s*", re.I)
_PAIR = re.compile(r'"((?:[^"\\]|\\.)*)"\s*=>\s*"((?:[^"\\]|\\.)*)"')
_USER_NOTES = re.compile(r'"((?:[^"\\]|\\.)*)"\s*=>\s*\[((?:\s*"(?:[^"\\]|\\.)*"\s*,?)*)\s*\]', re.S)
_QUOTED = re.compile(r'"((?:[^"\\]|\\.)*)"')
EXCLUSION_LABEL = "__EXR__"
_OUR_KEY = re.compile(r"review-(\d+)")


@dataclass
class RayyanNotes:
    """What Rayyan packs into a record's notes."""

    decisions: dict[str, str] = field(default_factory=dict)  # reviewer -> Included/Excluded/Maybe
    labels: list[str] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)
    reasons_raw: str | None = None
    user_notes: dict[str, list[str]] = field(default_factory=dict)


def _unescape(text: str) -> str:
    """A string Ruby's ``inspect`` escaped (``\\"``, ``\\n``, ...), as it was."""
    try:
        return json.loads(f'"{text}"')
    except ValueError:
        return text.replace('\\"', '"')


def parse_rayyan_notes(text: str) -> RayyanNotes:
    """Split Rayyan's notes field into decisions per reviewer, labels, reasons and notes."""
    found = RayyanNotes()
    if not text:
        return found
    # Older exports keep an earlier round's markers in <p>...</p>; the last section wins.
    text = re.sub(r"</?p>", " | ", text)
    hits = list(_RAYYAN_SECTION.finditer(text))
    for number, hit in enumerate(hits):
        end = hits[number + 1].start() if number + 1 < len(hits) else len(text)
        body = text[hit.end():end].strip().rstrip("|").strip()
        name = hit.group(1).upper()
        if name == "RAYYAN-INCLUSION":
            found.decisions = {_unescape(k): _unescape(v) for k, v in _PAIR.findall(body)}
        elif name == "RAYYAN-LABELS":
            found.labels = [p.strip() for p in body.split(",") if p.strip()]
        elif name == "RAYYAN-EXCLUSION-REASONS":
            found.reasons_raw = body or None
            found.reasons = [p.strip() for p in body.split(",") if p.strip()]
        else:
            found.user_notes = {_unescape(who): [_unescape(n) for n in _QUOTED.findall(items)]
                                for who, items in _USER_NOTES.findall(body)}
    exr = [label[len(EXCLUSION_LABEL):].strip() for label in found.labels if label.startswith(EXCLUSION_LABEL)]
    if exr:
        found.reasons += [r for r in exr if r not in found.reasons]
        found.labels = [label for label in found.labels if not label.startswith(EXCLUSION_LABEL)]
    return found


def _read_rayyan(path: Path, rows: list[tuple[int, dict[str, str]]], reviewer: str,
                 from_reviewer: str | None, others: Collection[str] = ()) -> ParsedFile:
    notes = [(line, r, parse_rayyan_notes(_cell(r, "notes"))) for line, r in rows]
    names = [who for _, _, n in notes for who in n.decisions]
    chosen = _pick_reviewer(names, reviewer, from_reviewer, path, others)
    parsed = ParsedFile("rayyan", [], chosen)
    for line, r, info in notes:
        item = ExchangeRow(line, refs=[_cell(r, "key")] if _cell(r, "key") else [],
                           doi=_cell(r, "doi") or None, pmid=_cell(r, "pubmed_id") or None,
                           title=_cell(r, "title") or None)
        ours = _OUR_KEY.fullmatch(_cell(r, "key"))
        if ours:  # review screen export --format rayyan: our work id (checked against DOI and title)
            item.work_id = int(ours.group(1))
        said = info.decisions.get(chosen)
        if said is None:
            item.skip = f"records without a decision by {chosen}"
        else:
            item.decision = _decision_word(said)
            if item.decision is None:
                parsed.problems.append((line, f"notes: unknown Rayyan decision {said!r} by {chosen}"))
                continue
            if item.decision == "exclude":
                item.reasons, item.reasons_raw = info.reasons, info.reasons_raw
            parts = list(info.user_notes.get(chosen, []))
            if info.labels:
                parts.append("Rayyan labels: " + ", ".join(info.labels))
            item.note = " | ".join(parts) or None
        parsed.rows.append(item)
    return parsed


# -- Covidence ------------------------------------------------------------------------

_COVIDENCE_FILE = re.compile(r"(?:^|[_\-. ])(screen|select|irrelevant|included|excluded)(?=[_\-. ]|$)", re.I)
_COVIDENCE_REASON = re.compile(r"exclusion reason\s*:\s*([^;|\n]+)", re.I)


def covidence_list_of(path: Path) -> str | None:
    """The list a Covidence export holds, from its file name (review_1_excluded_csv_...)."""
    hits = _COVIDENCE_FILE.findall(path.stem)
    return hits[-1].lower() if hits else None


def _read_covidence(path: Path, rows: list[tuple[int, dict[str, str]]], stage: str,
                    covidence_list: str | None) -> ParsedFile:
    listed = (covidence_list or covidence_list_of(path) or "").lower()
    if listed not in COVIDENCE_LISTS:
        raise InputError("cannot tell which Covidence list this file is from its name; pass "
                         f"--covidence-list ({', '.join(COVIDENCE_LISTS[1:])})", path=path,
                         field="--covidence-list")
    decision = COVIDENCE_DECISIONS.get((stage, listed))
    if decision is None:
        raise InputError(f"the {listed!r} list {_COVIDENCE_NO_DECISION[listed]} at {stage}",
                         path=path, field="--covidence-list")
    parsed = ParsedFile("covidence", [], None)
    for line, r in rows:
        notes = _cell(r, "Notes")
        reasons = [m.strip() for m in _COVIDENCE_REASON.findall(notes)]
        rest = _COVIDENCE_REASON.sub("", notes).strip(" ;|")
        column = _cell(r, "Exclusion reason", "Exclusion reasons", "Reason for exclusion")
        if column:
            reasons = [column] + [x for x in reasons if x != column]
        tags = _cell(r, "Tags")
        note = " | ".join(p for p in (rest, f"Covidence tags: {tags}" if tags else "") if p) or None
        accession = _cell(r, "Accession Number")
        item = ExchangeRow(line, decision=decision, note=note, refs=[accession] if accession else [],
                           doi=_cell(r, "DOI") or None, title=_cell(r, "Title") or None)
        if decision == "exclude":
            item.reasons = reasons
            item.reasons_raw = "; ".join(reasons) or None
        parsed.rows.append(item)
    return parsed


def read_rows(path: Path, *, fmt: str, stage: str, reviewer: str, from_reviewer: str | None = None,
              covidence_list: str | None = None, others: Collection[str] = ()) -> ParsedFile:
    """Read an exchange file into rows for ``reviewer`` at ``stage``.

    ``others`` are the review's other reviewers: a file holding only one of them is refused
    unless ``from_reviewer`` names them.

    Raises:
        InputError: unreadable file, unknown format, missing columns, or no way to tell
            whose decisions to take.
    """
    if fmt not in FORMATS:
        raise InputError(f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}", field="--format")
    if _is_ris(path):
        if fmt not in ("auto", "rayyan"):
            raise FormatError(f"a RIS file holds decisions only as Rayyan writes them, not {fmt!r}; "
                              "pass --format rayyan", path=path, line=1)
        header, rows = read_ris(path)
        name = "rayyan"
    else:
        header, rows = read_csv(path)
        name = detect(header, path) if fmt == "auto" else fmt
    needed = {"ours": OUR_REQUIRED, "rayyan": ("notes",), "covidence": ("Title",)}[name]
    lower = {h.lower() for h in header}
    missing = [c for c in needed if c.lower() not in lower]
    if missing:
        raise FormatError(f"missing column(s) {', '.join(missing)} for the {name} format",
                          path=path, line=1)
    if not rows:
        raise FormatError("no rows after the header", path=path, line=2)
    if name == "ours":
        return _read_ours(path, rows, stage, reviewer, from_reviewer, others)
    if name == "rayyan":
        return _read_rayyan(path, rows, reviewer, from_reviewer, others)
    return _read_covidence(path, rows, stage, covidence_list)
