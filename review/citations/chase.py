"""``review citations chase``: backward citation searching of the included reports.

The reference list of each included report's full text (text, Markdown, PDF, Word, HTML:
read as ``review extract`` reads them) is found, split and parsed
(:mod:`review.citations.sections`, :mod:`review.citations.parse`). The references parsed
become one search of kind ``citation``: written as a RIS file under ``citations/`` in the
workspace (each record's note says which report cites it, and where) and imported like
any export, so ``review dedup`` matches them against the review and PRISMA 2020 counts
them under "Citation searching". References that cannot be parsed are reported with
their line, never imported with guessed fields.

Nothing is written when nothing could be parsed; a file written is removed again when
its import fails.
"""

from __future__ import annotations

import datetime as _dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from review.citations.parse import ParsedReference, parse_reference
from review.citations.sections import split_references
from review.errors import InputError, NotFound
from review.workspace import Workspace

FOLDER = "citations"


@dataclass
class ReportChase:
    """One report's reference list: how many references were found, parsed and not."""

    work_id: int
    file: str | None
    found: int = 0
    parsed: list[ParsedReference] = field(default_factory=list)
    unparsed: list[ParsedReference] = field(default_factory=list)
    problem: str | None = None  # why its list could not be read at all

    def lines(self) -> list[str]:
        """One line per problem: the report's file (and the reference's line)."""
        where = self.file or f"report {self.work_id}"
        if self.problem:
            return [f"{where}: report {self.work_id}: {self.problem}"]
        return [f"{where}:{ref.line}: report {self.work_id}: reference not read ({ref.problem}): "
                f"{_short(ref.raw)}" for ref in self.unparsed]

    def as_dict(self) -> dict[str, Any]:
        return {"report": self.work_id, "file": self.file, "found": self.found, "parsed": len(self.parsed),
                "unparsed": len(self.unparsed), "problem": self.problem}


@dataclass
class ChaseResult:
    """What a chase did: per report, and the source it imported (None when nothing was)."""

    reports: list[ReportChase]
    source: str | None = None
    file: Path | None = None
    records: int = 0


def _short(text: str, limit: int = 90) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def citations_chase(workspace: Workspace, works: list[int] | None = None, *, actor: str,
                    today: str | None = None) -> ChaseResult:
    """Parse the included reports' reference lists and import them as one citation source.

    Args:
        workspace: the review.
        works: the reports to chase (work ids); all included reports with a full text when empty.
        actor: who runs it.
        today: the date searched (default: today).

    Raises:
        NotFound: a work named is not an included report (nothing written).
        InputError: no reference could be parsed (each report's problem named; nothing written).
    """
    from review.corpus.importer import import_files, taken_names
    from review.extraction.texts import TextCache
    from review.included import included_reports

    store = workspace.store()
    rpw = workspace.setting("screening", "reviewers_per_work", None)
    with store.read() as conn:
        included = {r.work_id: r for r in included_reports(conn, reviewers_per_work=rpw)}
        named = taken_names(conn)
    wanted = sorted(set(works or []))
    missing = [w for w in wanted if w not in included]
    if missing:
        raise NotFound(f"report {missing[0]} is not an included report (a work included at full text): "
                       "only included reports' reference lists are chased", field="WORK")
    reports = [included[w] for w in wanted] if wanted else [r for r in included.values() if r.fulltext]
    if not reports:
        raise InputError("no included report has a full text to read: record them with "
                         "review fulltext retrieved WORK --file FILE")
    texts = TextCache(workspace.root)
    chased = [_chase_one(texts, report.work_id, report.fulltext) for report in reports]
    parsed = [(c.work_id, c.file, ref) for c in chased for ref in c.parsed]
    if not parsed:
        problems = [line for c in chased for line in c.lines()]
        raise InputError("no reference could be read, nothing imported:\n  " + "\n  ".join(problems))
    date = today or _dt.date.today().isoformat()
    name = _free_name(f"Citation chasing {date}", named)
    folder = workspace.root / FOLDER
    folder.mkdir(exist_ok=True)
    path = _free_path(folder, f"chase-{date}")
    path.write_text(to_ris(parsed), encoding="utf-8", newline="\n")
    ids = ", ".join(str(c.work_id) for c in chased if c.parsed)
    query = f"backward citations: reference lists of the full texts of reports {ids}"
    try:
        results = import_files(store, [path], actor=actor, source=name, fmt="ris", searched=date,
                               query=query, kind="citation")
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    if all(r.skipped for r in results):  # the same references chased before: that search stands
        path.unlink(missing_ok=True)
        return ChaseResult(reports=chased, source=results[0].previous_source, file=None, records=0)
    return ChaseResult(reports=chased, source=name, file=path, records=sum(r.records for r in results))


def _chase_one(texts: Any, work_id: int, stored: str | None) -> ReportChase:
    chase = ReportChase(work_id=work_id, file=stored)
    if not stored:
        chase.problem = "no full text retrieved (review fulltext retrieved WORK --file FILE)"
        return chase
    try:
        text = texts.get(stored).text
    except InputError as exc:
        chase.problem = f"full text not read: {exc.message}"
        return chase
    split = split_references(text)
    if split is None:
        chase.problem = "no reference section found (no 'References' or 'Bibliography' heading)"
        return chase
    _heading, refs = split
    chase.found = len(refs)
    if not refs:
        chase.problem = "the reference section is empty"
        return chase
    for ref in refs:
        result = parse_reference(ref.text, ref.line)
        (chase.parsed if result.parsed else chase.unparsed).append(result)
    return chase


def _free_name(base: str, named: dict[str, Any]) -> str:
    name, number = base, 2
    while name.casefold() in named:
        name = f"{base} ({number})"
        number += 1
    return name


def _free_path(folder: Path, stem: str) -> Path:
    path, number = folder / f"{stem}.ris", 2
    while path.exists():
        path = folder / f"{stem}-{number}.ris"
        number += 1
    return path


def to_ris(references: list[tuple[int, str | None, ParsedReference]]) -> str:
    """The parsed references as RIS, each with a note of the report citing it and where."""
    out: list[str] = []
    for work_id, file, ref in references:
        f = ref.fields
        out.append(f"TY  - {'JOUR' if f.get('journal') else 'GEN'}")
        for author in f.get("authors", []):
            given = f", {author['given']}" if author.get("given") else ""
            out.append(f"AU  - {author['family']}{given}")
        for tag, key in (("PY", "year"), ("TI", "title"), ("T2", "journal"), ("VL", "volume"),
                         ("IS", "issue"), ("DO", "doi")):
            if f.get(key) not in (None, ""):
                out.append(f"{tag}  - {f[key]}")
        if f.get("pages"):
            first, _, last = str(f["pages"]).partition("-")
            out.append(f"SP  - {first}")
            if last:
                out.append(f"EP  - {last}")
        out.append(f"N1  - Cited by report {work_id} ({file}:{ref.line}): {' '.join(ref.raw.split())}")
        out.append("ER  - ")
        out.append("")
    return "\n".join(out)
