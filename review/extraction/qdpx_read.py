"""Reading a REFI-QDA project (.qdpx) into fragments: see :mod:`review.extraction.qdpx`.

Each coded ``PlainTextSelection`` becomes one fragment per coder who coded it: the selected
text is the quote (or the description's ``quote:`` line), its codes give the C/M/O values
(children of the Context / Mechanism / Outcome group codes; coding with the group code
itself takes the quote as the value) and the theory links (a code named by a theory id,
``T1`` or ``T1: label``, or ``T1 refutes``). The report is the description's ``report:``
line, else the source whose name or description names an included report (work id, file
name of its full text, citation or title). The rows then go through the same checks as a
sheet: all or nothing, ``FILE/project.qde:LINE: column: what is wrong``.

A real project (NVivo, ATLAS.ti, MAXQDA) names its sources as its authors did: ``source_map``
(``--map SOURCE=REPORT``) says which report each is; every source left unmapped is listed,
each with its line. ``coder_map`` (``--coder-map USER=REVIEWER``) does the same for the
project's users. Codes that are neither C/M/O nor a theory are kept as the fragment's labels
(:mod:`review.extraction.labels`; the sheet's ``labels`` column), and written back as codes on
export. Sources are read from ``sources/`` or NVivo's ``Sources/``. Quotes are verified
against the report's own full text; a report without one keeps the project's copy of the
source (:mod:`review.extraction.qdpx_copies`).

A project is untrusted input: member paths that leave the archive, members that inflate past
:data:`MAX_MEMBER` bytes (read in bounded chunks, never whole), and a ``<!DOCTYPE>`` (entity
expansion) in project.qde are refused with one line; nothing is ever extracted to disk.
"""

from __future__ import annotations

import contextlib
import json
import re
import zipfile
from pathlib import Path
from typing import Any

from review.errors import FormatError, InputError
from review.extraction.labels import format_labels
from review.extraction.model import DIRECTIONS
from review.extraction.qdpx_copies import COPIES, SourceCopies
from review.extraction.quotes import canonical
from review.extraction.sheet import ImportResult, Problem, SheetError, import_rows
from review.extraction.verify import known_theories
from review.included import included_reports
from review.store import Store

NS = "{urn:QDA-XML:project:1.0}"
#: The most a member of the archive may inflate to (project.qde or one source's text).
MAX_MEMBER = 64 * 1024 * 1024
LABELS_PREFIX = "Codes: "
_GROUPS = (("context", "context"), ("resource", "mechanism_resource"), ("reasoning", "mechanism_reasoning"),
           ("response", "mechanism_reasoning"), ("mechanism", "mechanism_reasoning"), ("outcome", "outcome"))
_DIRECTION = re.compile(r"^(\S+?)[\s:_-]+(" + "|".join(DIRECTIONS) + r")$", re.I)


def parse_description(text: str | None) -> dict[str, str]:
    """``key: value`` lines (JSON-encoded values decoded); other text is kept as ``memo``."""
    found: dict[str, str] = {}
    memo = []
    for line in (text or "").splitlines():
        key, sep, value = line.partition(": ")
        key = key.strip().lower()
        if sep and re.fullmatch(r"[a-z_ ]+", key):
            value = value.strip()
            if value.startswith('"'):
                with contextlib.suppress(ValueError):
                    value = json.loads(value)
            found[key] = value
        elif line.strip():
            memo.append(line.strip())
    if memo:
        found["memo"] = "\n".join(memo)
    return found


def _group_of(name: str) -> str | None:
    low = name.strip().lower()
    for word, field_name in _GROUPS:
        if low.startswith(word) or low.startswith(f"mechanism - {word}") or low == word:
            return field_name
    return None


def _safe_name(name: str) -> bool:
    parts = name.replace("\\", "/").split("/")
    return not (name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name) or ".." in parts)


class _Project:
    def __init__(self, path: Path, theories: set[str]) -> None:
        self.path = path
        self.where = f"{path}/project.qde"
        self.theories = theories
        try:
            self.archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise FormatError(f"not a REFI-QDA project: a .qdpx is a zip archive ({exc})", path=path) from exc
        unsafe = [n for n in self.archive.namelist() if not _safe_name(n)]
        if unsafe:
            raise FormatError(f"refused: member {unsafe[0]!r} has a path that leaves the archive", path=path)
        big = [i for i in self.archive.infolist() if i.file_size > MAX_MEMBER]
        if big:
            raise FormatError(f"refused: {big[0].filename} inflates to {big[0].file_size:,} bytes (at most "
                              f"{MAX_MEMBER:,})", path=path)
        self.members = {n.lower(): n for n in self.archive.namelist()}
        if "project.qde" not in self.archive.namelist():
            raise FormatError("not a REFI-QDA project: no project.qde in the archive", path=path)
        from lxml import etree

        data = self.read("project.qde")
        if b"<!DOCTYPE" in data[:65536] or b"<!ENTITY" in data:
            raise FormatError("refused: project.qde declares a DTD or entities (<!DOCTYPE>, <!ENTITY>); "
                              "REFI-QDA projects have none", path=self.where, line=1)
        parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
        try:
            self.root = etree.fromstring(data, parser)
        except etree.XMLSyntaxError as exc:
            raise FormatError(f"not a REFI-QDA project: project.qde is not XML ({exc.msg})",
                              path=self.where, line=exc.lineno) from exc
        if self.root.tag != f"{NS}Project":
            raise FormatError(f"not a REFI-QDA project: the root element is {self.root.tag!r}, not Project "
                              "in namespace urn:QDA-XML:project:1.0", path=self.where, line=self.root.sourceline)
        self.users = {u.get("guid", "").upper(): u.get("name") or u.get("guid")
                      for u in self.root.iter(f"{NS}User")}
        self.codes: dict[str, tuple[str, Any]] = {}  # guid -> (kind, value)
        self.ignored: dict[str, int] = {}  # codes that are neither C/M/O nor a theory -> codings
        for codes in self.root.iter(f"{NS}Codes"):
            for code in codes.findall(f"{NS}Code"):
                self._code(code, None)

    def read(self, member: str) -> bytes:
        """A member's bytes, read in chunks and refused past :data:`MAX_MEMBER`."""
        info = self.archive.getinfo(member)
        if info.file_size > MAX_MEMBER:
            raise FormatError(f"refused: {member} inflates to {info.file_size:,} bytes (at most "
                              f"{MAX_MEMBER:,})", path=self.path)
        chunks, size = [], 0
        with self.archive.open(info) as handle:
            while chunk := handle.read(1 << 20):
                size += len(chunk)
                if size > MAX_MEMBER:
                    raise FormatError(f"refused: {member} inflates past {MAX_MEMBER:,} bytes", path=self.path)
                chunks.append(chunk)
        return b"".join(chunks)

    def fail(self, element: Any, field: str, message: str) -> InputError:
        return InputError(message, path=self.where, line=element.sourceline, field=field)

    def _code(self, code: Any, group: str | None) -> None:
        name = (code.get("name") or "").strip()
        key = (code.get("guid") or "").upper()
        if not key:
            raise self.fail(code, "Code", "a Code without a guid")
        hit = _DIRECTION.match(name)
        first = re.split(r"[\s:]+", name, maxsplit=1)[0] if name else ""
        own_group = _group_of(name)
        if hit and hit.group(1) in self.theories:
            self.codes[key] = ("theory", (hit.group(1), hit.group(2).lower()))
        elif first in self.theories:
            self.codes[key] = ("theory", (first, "supports"))
        elif group is not None:
            self.codes[key] = ("cmo", (group, name))
        elif own_group is not None:
            self.codes[key] = ("cmo", (own_group, None))
        else:
            self.codes[key] = ("other", name)
        for child in code.findall(f"{NS}Code"):
            self._code(child, group or own_group)

    def source_text(self, source: Any) -> str:
        content = source.find(f"{NS}PlainTextContent")
        if content is not None:
            return content.text or ""
        target = source.get("plainTextPath") or ""
        if not target:
            raise self.fail(source, "plainTextPath", "a TextSource with neither plainTextPath nor PlainTextContent")
        name = target.split("internal://", 1)[1] if target.startswith("internal://") else target
        if not _safe_name(name):
            raise self.fail(source, "plainTextPath", f"refused: {target} leaves the archive")
        for member in (f"sources/{name}", name):  # QualCoder writes sources/, NVivo Sources/
            if member.lower() in self.members:
                return self.read(self.members[member.lower()]).decode("utf-8-sig").replace("\r\n", "\n")
        raise self.fail(source, "plainTextPath", f"{target} is not in the archive")


def _text_sources(project: _Project) -> list[Any]:
    """Text sources, and the plain-text representations of PDF sources (named as the PDF)."""
    found = []
    for element in project.root.iter(f"{NS}TextSource", f"{NS}PDFSource"):
        if element.tag == f"{NS}TextSource":
            found.append(element)
            continue
        for representation in element.findall(f"{NS}Representation"):
            if representation.get("name") is None and element.get("name"):
                representation.set("name", element.get("name"))
            found.append(representation)
    return found


def _report_of_source(source: Any, described: dict[str, str], reports: list[Any],
                      source_map: dict[str, str]) -> str | None:
    name = (source.get("name") or "").strip()
    if name in source_map:
        return source_map[name]
    if described.get("quotes of report"):
        return described["quotes of report"]
    if described.get("report"):
        return described["report"]
    stem = Path(name).stem.lower()
    for report in reports:
        keys = {str(report.work_id), report.citation.lower(), (report.title or "").lower()}
        if report.fulltext:
            keys |= {Path(report.fulltext).name.lower(), Path(report.fulltext).stem.lower()}
        if name.lower() in keys or stem in keys:
            return str(report.work_id)
    return None


def _check_maps(project: _Project, reports: list[Any], source_map: dict[str, str],
                coder_map: dict[str, str]) -> list[Problem]:
    """Every way the maps and the project's sources fail to meet, one problem each."""
    problems = []
    names = {(s.get("name") or "").strip(): s for s in _text_sources(project)}
    known = {str(r.work_id) for r in reports}
    for name, report in source_map.items():
        if name not in names:
            problems.append(Problem(str(project.path), None, "--map",
                                    f"no source named {name!r} in the project (it has: {', '.join(sorted(names))})"))
        if report not in known:
            problems.append(Problem(str(project.path), None, "--map",
                                    f"{report!r} is not an included report's work id (see review extract reports)"))
    users = set(project.users.values())
    problems += [Problem(str(project.path), None, "--coder-map", f"no user named {user!r} in the project "
                         f"(it has: {', '.join(sorted(u for u in users if u))})")
                 for user in coder_map if user not in users]
    for name, source in names.items():
        selections = source.findall(f"{NS}PlainTextSelection")
        if name in source_map or all(parse_description(sel.findtext(f"{NS}Description")).get("report")
                                     for sel in selections):
            continue
        described = parse_description(source.findtext(f"{NS}Description"))
        if _report_of_source(source, described, reports, {}) is None:
            problems.append(Problem(project.where, source.sourceline, "source",
                                    f"{name!r} matches no included report; map it with --map '{name}=WORK_ID' "
                                    "(or a two-column sheet source,report)"))
    return problems


def _rows(project: _Project, store: Store, reviewers_per_work: int, source_map: dict[str, str] | None = None,
          coder_map: dict[str, str] | None = None,
          copies: SourceCopies | None = None) -> list[tuple[int, dict[str, str]]]:
    from review.errors import NotFound
    from review.extraction.fragments import get_fragment

    source_map, coder_map = source_map or {}, coder_map or {}
    with store.read() as conn:
        reports = included_reports(conn, reviewers_per_work=reviewers_per_work)
        if copies is not None:
            copies.own = {str(r.work_id): r.fulltext for r in reports}
        problems = _check_maps(project, reports, source_map, coder_map)
        if problems:
            raise SheetError(problems)
        rows: list[tuple[int, dict[str, str]]] = []
        for source in _text_sources(project):
            selections = source.findall(f"{NS}PlainTextSelection")
            if not selections:
                continue
            text = project.source_text(source)
            described = parse_description(source.findtext(f"{NS}Description"))
            source_report = _report_of_source(source, described, reports, source_map)
            for sel in selections:
                try:
                    start, end = int(sel.get("startPosition")), int(sel.get("endPosition"))
                except (TypeError, ValueError) as exc:
                    raise project.fail(sel, "startPosition", "startPosition and endPosition must be whole numbers") from exc
                if not 0 <= start < end <= len(text):
                    raise project.fail(sel, "startPosition", f"selection {start}-{end} is outside the source's "
                                       f"{len(text)} characters")
                info = parse_description(sel.findtext(f"{NS}Description"))
                selected = text[start:end]
                quote = info.get("quote") or selected
                report = info.get("report") or source_report
                if not report:
                    raise project.fail(sel, "report", f"source {source.get('name')!r}: no included report matches "
                                       "it; name the source after the report's work id, full-text file or citation")
                per_coder: dict[str, dict[str, Any]] = {}
                default_user = project.users.get((sel.get("creatingUser") or "").upper())
                codings = sel.findall(f"{NS}Coding") or [None]
                for coding in codings:
                    user = project.users.get(((coding.get("creatingUser") if coding is not None else "") or "").upper())
                    coder = user or default_user or ""
                    coder = coder_map.get(coder, coder)
                    cell = per_coder.setdefault(coder, {"links": [], "cmo": {}, "labels": []})
                    if coding is None:
                        continue
                    for ref in coding.findall(f"{NS}CodeRef"):
                        kind, value = project.codes.get((ref.get("targetGUID") or "").upper(), (None, None))
                        if kind is None:
                            raise project.fail(ref, "CodeRef", f"unknown code {ref.get('targetGUID')!r}")
                        if kind == "theory" and value[0] not in [t for t, _ in cell["links"]]:
                            cell["links"].append(value)
                        elif kind == "other":
                            project.ignored[value] = project.ignored.get(value, 0) + 1
                            if value not in cell["labels"]:
                                cell["labels"].append(value)
                        elif kind == "cmo":
                            cell["cmo"].setdefault(value[0], []).append(value[1] or " ".join(selected.split()))
                fragment_id = info.get("fragment_id") or ""
                if fragment_id:
                    try:
                        known = get_fragment(conn, int(fragment_id))
                        if str(known.work_id) != str(report) or canonical(known.quote) != canonical(quote):
                            fragment_id = ""
                    except (NotFound, ValueError):
                        fragment_id = ""
                for coder, cell in per_coder.items():
                    row = {"fragment_id": fragment_id if len(per_coder) == 1 else "", "report": str(report),
                           "quote": quote, "coder": coder,
                           "theories": ";".join(f"{t}:{d}" for t, d in cell["links"]),
                           "text": info.get("text") or (described.get("text") if described.get("text") else ""),
                           "note": info.get("note") or info.get("memo") or "",
                           "labels": format_labels(cell["labels"]),
                           "char_start": str(start)}
                    for key in ("location", "relevance", "relevance_note", "rigour", "rigour_note", "evidence"):
                        row[key] = info.get(key, "")
                    for field_name, values in cell["cmo"].items():
                        row[field_name] = "; ".join(dict.fromkeys(values))
                    # Our own export names the text in descriptions; its "quotes without a full
                    # text" sources are the quotes themselves, never a text to verify them against.
                    if copies is not None and not row["text"] and not described.get("quotes of report"):
                        stored = copies.text_for(str(report), source.get("name") or "", text)
                        if stored:
                            row["text"], row["evidence"] = stored, row["evidence"] or "primary"
                    rows.append((sel.sourceline, row))
    return rows


def labels_of(note: str | None) -> list[str]:
    """The codes a note's ``Codes: a; b`` line keeps (what imports before fragment labels wrote)."""
    for line in (note or "").splitlines():
        if line.startswith(LABELS_PREFIX):
            return [part.strip() for part in line[len(LABELS_PREFIX):].split(";") if part.strip()]
    return []


def read_map(items: list[str] | tuple[str, ...], *, field: str) -> dict[str, str]:
    """``NAME=VALUE`` items, or a CSV/XLSX sheet whose first two columns are name and value."""
    mapping: dict[str, str] = {}
    for item in items:
        if "=" not in item and Path(item).is_file():
            from review.extraction.sheetio import read_sheet

            _header, rows = read_sheet(Path(item))
            for line, row in rows:
                values = list(row.values())
                if len(values) < 2 or not str(values[0]).strip() or not str(values[1]).strip():
                    raise InputError("each row needs a name and what it maps to", path=item, line=line, field=field)
                mapping[str(values[0]).strip()] = str(values[1]).strip()
            continue
        name, sep, value = item.rpartition("=")
        if not sep or not name.strip() or not value.strip():
            raise InputError(f"expected NAME=VALUE or a two-column sheet, got {item!r}", field=field)
        mapping[name.strip()] = value.strip()
    return mapping


def import_qdpx(store: Store, path: Path, *, root: Path, actor: str, allow_unverified: bool = False,
                coders: list[str] | None = None, reviewers_per_work: int = 1,
                source_map: dict[str, str] | None = None, coder_map: dict[str, str] | None = None) -> ImportResult:
    """Import the coding in a REFI-QDA project, all or nothing.

    Args:
        source_map: source name in the project -> the included report's work id.
        coder_map: user name in the project -> the reviewer here.

    Raises:
        FormatError: not a valid project (not a zip, no project.qde, not XML, wrong root).
        SheetError: selections that cannot become fragments (each with its line and field).
    """
    if path.suffix.lower() == ".qdc":
        raise FormatError("a REFI-QDA codebook (.qdc) holds codes but no coded passages; export a "
                          "project (.qdpx) from your QDA software and import that", path=path)
    if not path.is_file():
        raise InputError("file not found", path=path)
    with store.read() as conn:
        theories = known_theories(conn)
    project = _Project(path, theories)
    copies = SourceCopies(root)
    rows = _rows(project, store, reviewers_per_work, source_map, coder_map, copies)
    written = copies.write()
    try:
        result = import_rows(store, project.where, rows, root=root, actor=actor, allow_unverified=allow_unverified,
                             coders=coders, reviewers_per_work=reviewers_per_work, origin="qdpx")
    except BaseException:
        for copy in written:  # nothing written when nothing is imported
            copy.unlink(missing_ok=True)
        if written:
            with contextlib.suppress(OSError):
                (root / COPIES).rmdir()  # only when empty: other copies stay
        raise
    if copies.used:
        result.notes.append(f"{copies.used} quote(s) of reports without a full text verified against the "
                            f"project's copy of their source, kept under {COPIES}/")
    if project.ignored:
        shown = ", ".join(f"{name!r} ({n})" for name, n in sorted(project.ignored.items()))
        result.notes.append(f"codes that are neither C/M/O nor a theory, kept as the fragments' labels: {shown}")
    others = sum(len(list(project.root.iter(f"{NS}{kind}")))
                 for kind in ("PictureSelection", "AudioSelection", "VideoSelection", "PDFSelection"))
    if others:
        result.notes.append(f"{others} selection(s) in pictures, audio, video or PDF regions not imported "
                            "(only text selections carry a quote)")
    return result
