"""REFI-QDA exchange: a .qdpx project (and a .qdc codebook) that NVivo, ATLAS.ti, MAXQDA and
QualCoder read and write.

A project is a zip holding ``project.qde`` (XML, namespace ``urn:QDA-XML:project:1.0``) and
the sources under ``sources/``. What we write:

- **Users**: one per coder.
- **CodeBook**: group codes ``Context``, ``Mechanism - resource``, ``Mechanism - reasoning``
  and ``Outcome``, each with one child code per value coded (e.g. Context > "isolated after
  birth"); ``Programme theories`` with one code per theory (``T1: label``) whose children
  ``T1 supports``, ``T1 refutes`` and ``T1 refines`` carry the direction (coding with the
  theory code itself means supports); ``Codes from the project`` with one code per fragment
  label (the codes of an imported project that are neither C/M/O nor a theory), so a QDA
  project's own codebook comes back.
- **Sources**: one ``TextSource`` per text the quotes were verified against (a report's full
  text, or a secondary text), as UTF-8 plain text with ``\\n`` line breaks (a PDF's extracted
  text, pages separated by form feeds); quotes without a text go in one source per report
  holding the quotes themselves. Each fragment is a ``PlainTextSelection`` whose
  ``Description`` carries ``key: value`` lines (fragment_id, report, location, relevance,
  rigour, their notes, evidence, note, and the quote as typed when it differs from the
  selected text), coded with its C/M/O value codes, theory codes and label codes by its coder.

**Offsets**: ``startPosition``/``endPosition`` count Unicode code points (not UTF-16 units,
not bytes) from 0 in the source's plain text, end exclusive, with a line break counted as
one character (``\\n``). Tools differ (some count UTF-16 units or CRLF as two); on import the
selected text is re-found in the workspace's copy of the text, so a selection that is off by
a few characters still lands on its quote, and a ``quote:`` line in the description wins.
"""

from __future__ import annotations

import json
import uuid
import zipfile
from collections import defaultdict
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from sqlalchemy import select
from sqlalchemy.engine import Connection

from review.errors import InputError
from review.extraction.fragments import current_fragments
from review.extraction.labels import labels_by_fragment
from review.extraction.model import CMO_FIELDS, DIRECTIONS, Fragment
from review.extraction.qdpx_read import import_qdpx, labels_of
from review.extraction.texts import TextCache
from review.included import included_reports
from review.store import Store, now

PROJECT_NS = "urn:QDA-XML:project:1.0"
CODEBOOK_NS = "urn:QDA-XML:codebook:1.0"
GROUPS = {"context": "Context", "mechanism_resource": "Mechanism - resource",
          "mechanism_reasoning": "Mechanism - reasoning", "outcome": "Outcome"}
THEORY_GROUP = "Programme theories"
LABEL_GROUP = "Codes from the project"
DESCRIBED = ("fragment_id", "report", "location", "relevance", "relevance_note", "rigour", "rigour_note",
             "evidence", "text", "note", "quote")
_NAMESPACE = uuid.UUID("6f1b1a0e-8a43-4c3e-9d55-2f0c1f6b7a10")

__all__ = ["export_qdpx", "import_qdpx"]


def guid(*parts: object) -> str:
    """A stable GUID for a thing, so exporting twice writes the same ids."""
    return str(uuid.uuid5(_NAMESPACE, "\x1f".join(map(str, parts)))).upper()


def _attr(**values: object) -> str:
    return " ".join(f"{k}={quoteattr(str(v))}" for k, v in values.items() if v is not None)


def describe(values: dict[str, object]) -> str:
    """``key: value`` lines; a value with a line break (or a leading quote) is JSON-encoded."""
    lines = []
    for key in DESCRIBED:
        value = values.get(key)
        if value is None or value == "":
            continue
        text = str(value)
        if "\n" in text or "\r" in text or text.startswith('"'):
            text = json.dumps(text, ensure_ascii=False)
        lines.append(f"{key}: {text}")
    return "\n".join(lines)


class _Codebook:
    def __init__(self, theories: list[tuple[str, str]]) -> None:
        self.values: dict[str, list[str]] = {name: [] for name in CMO_FIELDS}
        self.theories = theories
        self.labels: list[str] = []

    def add(self, fragment: Fragment, labels: list[str]) -> None:
        for name in CMO_FIELDS:
            value = getattr(fragment, name)
            if value and value not in self.values[name]:
                self.values[name].append(value)
        self.labels += [label for label in labels if label not in self.labels]

    def xml(self) -> str:
        out = ["<CodeBook><Codes>"]
        for name, label in GROUPS.items():
            out.append(f"<Code {_attr(guid=guid('group', name), name=label, isCodable='true')}>")
            out += [f"<Code {_attr(guid=guid(name, v), name=v, isCodable='true')}/>" for v in self.values[name]]
            out.append("</Code>")
        out.append(f"<Code {_attr(guid=guid('group', 'theories'), name=THEORY_GROUP, isCodable='false')}>")
        for theory, label in self.theories:
            out.append(f"<Code {_attr(guid=guid('theory', theory), name=f'{theory}: {label}', isCodable='true')}>")
            out += [f"<Code {_attr(guid=guid('theory', theory, d), name=f'{theory} {d}', isCodable='true')}/>"
                    for d in DIRECTIONS]
            out.append("</Code>")
        out.append("</Code>")
        if self.labels:
            out.append(f"<Code {_attr(guid=guid('group', 'labels'), name=LABEL_GROUP, isCodable='false')}>")
            out += [f"<Code {_attr(guid=guid('label', v), name=v, isCodable='true')}/>" for v in self.labels]
            out.append("</Code>")
        out.append("</Codes></CodeBook>")
        return "".join(out)


def _theories(conn: Connection) -> list[tuple[str, str]]:
    from review.synthesis.tables import theories, theory_versions

    labels: dict[str, str] = {}
    for row in conn.execute(select(theory_versions.c.theory_id, theory_versions.c.label)
                            .order_by(theory_versions.c.version)):
        labels[row.theory_id] = row.label
    return [(row.id, labels.get(row.id, "")) for row in
            conn.execute(select(theories.c.id).order_by(theories.c.position, theories.c.id))]


def _selection(fragment: Fragment, start: int, end: int, selected: str, users: dict[str, str],
               own: str | None, labels: list[str]) -> str:
    codes = [guid(name, getattr(fragment, name)) for name in CMO_FIELDS if getattr(fragment, name)]
    codes += [guid("theory", t) if d == "supports" else guid("theory", t, d) for t, d in fragment.links]
    codes += [guid("label", label) for label in labels]
    info = {name: getattr(fragment, name) for name in ("location", "relevance", "relevance_note", "rigour",
                                                        "rigour_note", "evidence", "note")}
    info.update(fragment_id=fragment.id, report=fragment.work_id,
                text=fragment.text_path if fragment.text_path and fragment.text_path != own else None,
                quote=fragment.quote if fragment.quote != selected else None)
    user = users[fragment.coder]
    stamp = (fragment.updated_at or now())
    codings = "".join(f"<Coding {_attr(guid=guid('coding', fragment.id, c), creatingUser=user)}>"
                      f"<CodeRef {_attr(targetGUID=c)}/></Coding>" for c in codes)
    name = " ".join(selected.split())[:60]
    return (f"<PlainTextSelection {_attr(guid=guid('fragment', fragment.id), name=name, startPosition=start, endPosition=end, creatingUser=user, creationDateTime=stamp)}>"
            f"<Description>{escape(describe(info))}</Description>{codings}</PlainTextSelection>")


def export_qdpx(store: Store, path: Path, *, root: Path, title: str = "review", reviewers_per_work: int = 1) -> int:
    """Write the current fragments as a REFI-QDA project (.qdpx) or only the codebook (.qdc).

    Returns:
        The number of fragments written (0 for a codebook).
    """
    with store.read() as conn:
        items = current_fragments(conn)
        reports = {r.work_id: r for r in included_reports(conn, reviewers_per_work=reviewers_per_work)}
        book = _Codebook(_theories(conn))
        stored_labels = labels_by_fragment(conn)
    # Fragments imported before labels were stored keep them in a "Codes: a; b" note line.
    labels = {item.id: stored_labels.get(item.id) or labels_of(item.note) for item in items}
    for item in items:
        book.add(item, labels[item.id])
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix.lower() == ".qdc":
        path.write_text(f'<?xml version="1.0" encoding="utf-8"?>\n'
                        f'<CodeBook xmlns="{CODEBOOK_NS}" origin="review">{book.xml()[len("<CodeBook>"):]}',
                        encoding="utf-8")
        return 0
    users = {c: guid("user", c) for c in sorted({i.coder for i in items})}
    cache = TextCache(root)
    by_text: dict[str, list[tuple[Fragment, int, int]]] = defaultdict(list)
    loose: dict[int, list[Fragment]] = defaultdict(list)
    texts: dict[str, str] = {}
    for item in items:
        info = reports.get(item.work_id)
        stored = item.text_path or (info.fulltext if info else None)
        match = None
        if stored and item.verified == "yes":
            try:
                full = cache.get(stored)
                texts[stored] = full.text
                match = full.find(item.quote, near=item.char_start)
            except InputError:
                match = None
        if match is None:
            loose[item.work_id].append(item)
        else:
            by_text[stored].append((item, match.start, match.end))
    sources, files = [], {}
    for stored, entries in by_text.items():
        text = texts[stored]
        source_guid = guid("text", stored)
        files[f"sources/{source_guid}.txt"] = text
        sels = "".join(_selection(f, s, e, text[s:e], users,
                                  reports[f.work_id].fulltext if f.work_id in reports else None, labels[f.id])
                       for f, s, e in entries)
        sources.append(f"<TextSource {_attr(guid=source_guid, name=Path(stored).name, plainTextPath=f'internal://{source_guid}.txt')}>"
                       f"<Description>{escape(f'text: {stored}')}</Description>{sels}</TextSource>")
    for work_id, entries in sorted(loose.items()):
        parts, offsets, at = [], [], 0
        for item in entries:
            offsets.append((item, at, at + len(item.quote)))
            parts.append(item.quote)
            at += len(item.quote) + 2
        text = "\n\n".join(parts)
        source_guid = guid("quotes", work_id)
        files[f"sources/{source_guid}.txt"] = text
        citation = reports[work_id].citation if work_id in reports else f"report {work_id}"
        sels = "".join(_selection(f, s, e, text[s:e], users, None, labels[f.id]) for f, s, e in offsets)
        sources.append(f"<TextSource {_attr(guid=source_guid, name=f'Quotes without a full text: {citation}', plainTextPath=f'internal://{source_guid}.txt')}>"
                       f"<Description>{escape(f'quotes of report: {work_id}')}</Description>{sels}</TextSource>")
    # The schema wants at least one User and one source inside those elements: leave them out when empty.
    users_xml = "".join(f"<User {_attr(guid=g, name=c)}/>" for c, g in users.items())
    project = (f'<?xml version="1.0" encoding="utf-8"?>\n<Project xmlns="{PROJECT_NS}" '
               f'{_attr(name=title, origin="review (realist synthesis CLI)", creationDateTime=now())}>'
               + (f"<Users>{users_xml}</Users>" if users_xml else "") + book.xml()
               + (f"<Sources>{''.join(sources)}</Sources>" if sources else "") + "</Project>")
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("project.qde", project)
        for name, text in files.items():
            archive.writestr(name, text.encode("utf-8"))
    return len(items)
