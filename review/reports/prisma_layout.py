"""Where each box of the flow diagram goes: a grid of rows and four columns, laid out in
Python so that the SVG template only draws (boxes, wrapped lines, arrows).

Columns: ``dbr`` (databases and registers), ``dbr-side`` (what leaves that flow),
``other`` (other methods) and ``other-side``. Rows 1-5 follow PRISMA 2020
(identification, screening, retrieval, eligibility, included); added boxes may use 6-9.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from typing import Any

from review.errors import ConfigError
from review.reports.prisma_config import PrismaConfig
from review.reports.prisma_counts import PrismaCounts, updated

FONT_SIZE = 12.5
LINE = 16.0
PAD = 8.0
CHAR = 7.1  # average advance (DejaVu Sans, the widest common fallback) of a sans-serif character at FONT_SIZE, for wrapping
FOOTNOTE_SIZE = 10.0  # the footnotes' font size (prisma.svg.j2)
FOOTNOTE_LINE = 14.0
LABEL_W = 28.0
GAP = 36.0
WIDTHS = {"prev": 200.0, "dbr": 250.0, "dbr-side": 260.0, "other": 230.0, "other-side": 240.0}
HEADER_H = 40.0
TOP = 44.0
NBSP = "\u00a0"  # keeps "(n = 12)" on one line
MIN_ROW = {1: 60.0, 5: 76.0}  # room for the rotated side labels
SIDE_ROWS = {"identification": (1, 1), "screening": (2, 4), "included": (5, 9)}


@dataclass
class TextLine:
    """One printed line of a box (already wrapped)."""

    text: str
    x: float = 0.0
    y: float = 0.0
    indent: bool = False
    open: bool = False


@dataclass
class Box:
    """A box on the grid, with its wrapped lines and, after layout, its geometry."""

    id: str
    row: int
    column: str
    items: list[tuple[str, bool, bool]]  # (text, indented, open)
    kind: str = "box"  # box | header | added
    arrow_from: str | None = None
    x: float = 0.0
    y: float = 0.0
    w: float = 0.0
    h: float = 0.0
    lines: list[TextLine] = field(default_factory=list)

    @property
    def cx(self) -> float:
        return self.x + self.w / 2

    @property
    def cy(self) -> float:
        return self.y + self.h / 2


@dataclass
class Layout:
    """Everything the SVG template draws."""

    width: float
    height: float
    boxes: list[Box]
    headers: list[Box]
    sides: list[dict[str, Any]]
    arrows: list[str]  # SVG path data
    draft: str | None
    footnotes: list[TextLine]
    font_size: float = FONT_SIZE
    footnote_size: float = FOOTNOTE_SIZE


def fmt(n: int | None) -> str:
    """A count as PRISMA prints it: thousands separated by commas; "NA" when not reported."""
    return "NA" if n is None else f"{n:,}"


def _count(counts: PrismaCounts, key: str) -> tuple[str, bool]:
    star = key in counts.open
    n = counts.n(key) if counts.reported(key) else None
    return f"(n{NBSP}={NBSP}{fmt(n)}{'*' if star else ''})", star


def _item(counts: PrismaCounts, config: PrismaConfig, key: str, label: str | None = None,
          indent: bool = False) -> tuple[str, bool, bool]:
    text, star = _count(counts, key)
    return (f"{label if label is not None else config.label(key)} {text}", indent, star)


def _list_items(counts: PrismaCounts, key: str, indent: bool = True) -> list[tuple[str, bool, bool]]:
    star = key in counts.open
    return [(f"{name} (n{NBSP}={NBSP}{fmt(n)}{'*' if star else ''})", indent, star)
            for name, n in counts.values.get(key, [])]


def other_methods(counts: PrismaCounts, config: PrismaConfig) -> bool:
    """Whether the "other methods" column is drawn: when it has records, or is asked for
    (``show = ["othstud"]``), and is not hidden."""
    found = counts.n("website_results") + counts.n("organisation_results") + counts.n("citations_results")
    return config.on("othstud") and (found > 0 or "othstud" in config.shown)


def updated_review(counts: PrismaCounts, config: PrismaConfig) -> bool:
    """Whether PRISMA 2020's template for updated reviews is drawn: when the counts know the
    previous version's studies (``review update start``, or a CSV that gives them)."""
    return updated(counts) and config.on("prevstud")


#: The updated-review template's wording, where it differs (a label set in review.toml wins).
UPDATED_WORDING = {
    "newstud": "Identification of new studies via databases and registers",
    "othstud": "Identification of new studies via other methods",
    "new_studies": "New studies included in review",
    "new_reports": "Reports of new included studies",
}


def _updated_config(config: PrismaConfig) -> PrismaConfig:
    from dataclasses import replace

    from review.reports.prisma_config import LABELS

    labels = dict(config.labels)
    for key, text in UPDATED_WORDING.items():
        if labels.get(key) == LABELS[key]:
            labels[key] = text
    return replace(config, labels=labels)


def build_boxes(counts: PrismaCounts, config: PrismaConfig) -> list[Box]:
    """The boxes to draw, before geometry (hidden ones left out)."""
    on = config.on
    boxes: list[Box] = []
    updated = updated_review(counts, config)
    if updated:
        config = _updated_config(config)

    def add(box_id: str, row: int, column: str, items: list[tuple[str, bool, bool]]) -> None:
        if on(box_id) and items:
            boxes.append(Box(box_id, row, column, items))

    ident = [(config.label("box2"), False, False)]
    if on("database_results"):
        ident.append(_item(counts, config, "database_results"))
        if on("database_specific_results"):
            ident.extend(_list_items(counts, "database_specific_results"))
    if on("register_results"):
        ident.append(_item(counts, config, "register_results"))
        if on("register_specific_results"):
            ident.extend(_list_items(counts, "register_specific_results"))
    add("box2", 1, "dbr", ident)
    removed = [(config.label("box3"), False, False)]
    removed += [_item(counts, config, k, indent=True)
                for k in ("duplicates", "excluded_automatic", "excluded_other") if on(k)]
    add("box3", 1, "dbr-side", removed if len(removed) > 1 else [])
    add("box4", 2, "dbr", [_item(counts, config, "records_screened")] if on("records_screened") else [])
    excluded = [_item(counts, config, "records_excluded")] if on("records_excluded") else []
    if excluded and on("records_excluded_reasons"):
        excluded.extend(_list_items(counts, "records_excluded_reasons"))
    add("box5", 2, "dbr-side", excluded)
    add("box6", 3, "dbr", [_item(counts, config, "dbr_sought_reports")] if on("dbr_sought_reports") else [])
    add("box7", 3, "dbr-side", [_item(counts, config, "dbr_notretrieved_reports")]
        if on("dbr_notretrieved_reports") else [])
    add("box8", 4, "dbr", [_item(counts, config, "dbr_assessed")] if on("dbr_assessed") else [])
    add("box9", 4, "dbr-side", _excluded_items(counts, config, "dbr_excluded"))
    included = [_item(counts, config, k) for k in ("new_studies", "new_reports") if on(k)]
    add("box10", 5, "dbr", included)
    if updated:
        add("box1", 1, "prev", [_item(counts, config, k) for k in ("previous_studies", "previous_reports") if on(k)])
        add("box16", 6, "dbr", [_item(counts, config, k) for k in ("total_studies", "total_reports") if on(k)])
    if other_methods(counts, config):
        other = [(config.label("box11"), False, False)]
        for key, kind in (("website_results", "website_specific_results"),
                          ("organisation_results", "organisation_specific_results"),
                          ("citations_results", "citations_specific_results")):
            if on(key):
                other.append(_item(counts, config, key))
                specific = counts.values.get(kind, [])
                if on("other_specific_results") and (len(specific) > 1 or (
                        specific and specific[0][0].casefold() != config.label(key).casefold())):
                    other.extend(_list_items(counts, kind))
        add("box11", 1, "other", other)
        if counts.n("other_duplicates") and on("other_duplicates"):
            add("othdup", 1, "other-side", [_item(counts, config, "other_duplicates")])
        if counts.n("other_records_excluded") and on("other_records_excluded"):
            add("othexcl", 2, "other-side", [_item(counts, config, "other_records_excluded")])
        add("box12", 3, "other", [_item(counts, config, "other_sought_reports")]
            if on("other_sought_reports") else [])
        add("box13", 3, "other-side", [_item(counts, config, "other_notretrieved_reports")]
            if on("other_notretrieved_reports") else [])
        add("box14", 4, "other", [_item(counts, config, "other_assessed")] if on("other_assessed") else [])
        add("box15", 4, "other-side", _excluded_items(counts, config, "other_excluded"))
    for extra in config.boxes:
        if any(b.row == extra.row and b.column == extra.column for b in boxes):
            raise ConfigError(f"added box {extra.id!r}: row {extra.row}, column {extra.column} is taken",
                              field="reports.prisma.boxes")
        box = Box(extra.id, extra.row, extra.column, [(extra.text, False, False)], kind="added",
                  arrow_from=extra.arrow_from)
        boxes.append(box)
    return boxes


def _excluded_items(counts: PrismaCounts, config: PrismaConfig, key: str) -> list[tuple[str, bool, bool]]:
    if not config.on(key):
        return []
    text, star = _count(counts, key)
    head = config.label(key).rstrip(":")
    items = [(f"{head} {text}{':' if counts.values.get(key) else ''}", False, star)]
    return items + _list_items(counts, key)


def _wrap(box: Box, width: float) -> list[TextLine]:
    lines = []
    for text, indent, star in box.items:
        inner = width - 2 * PAD - (12 if indent else 0)
        chunks = textwrap.wrap(text, max(8, int(inner / CHAR)), break_long_words=True) or [""]
        for i, chunk in enumerate(chunks):
            lines.append(TextLine(chunk, indent=indent or i > 0 and indent, open=star))
    return lines


def layout(counts: PrismaCounts, config: PrismaConfig, *, draft: bool = False) -> Layout:
    """Place every box, wrap its text and route the arrows."""
    boxes = build_boxes(counts, config)
    if updated_review(counts, config):
        config = _updated_config(config)
    columns = (["prev"] if updated_review(counts, config) else []) + ["dbr", "dbr-side"] + (
        ["other", "other-side"] if other_methods(counts, config) else [])
    x = LABEL_W + 16
    xs: dict[str, float] = {}
    for column in columns:
        xs[column] = x
        x += WIDTHS[column] + GAP
    width = x - GAP + 12
    for box in boxes:
        if box.column not in xs:
            raise ConfigError(f"added box {box.id!r}: column {box.column!r} is not drawn (no records from other "
                              "methods; add \"othstud\" to show)", field="reports.prisma.boxes")
        box.w = WIDTHS[box.column]
        box.x = xs[box.column]
        box.lines = _wrap(box, box.w)
        box.h = len(box.lines) * LINE + 2 * PAD
    rows = sorted({b.row for b in boxes})
    top = TOP + HEADER_H + 20
    row_y: dict[int, tuple[float, float]] = {}
    for row in range(1, max(rows or [5]) + 1):
        height = max([b.h for b in boxes if b.row == row] or [0.0])
        if height == 0 and row > 5:
            continue
        height = max(height, 2 * PAD + LINE, MIN_ROW.get(row, 0.0))
        row_y[row] = (top, height)
        top += height + 28
    for box in boxes:
        y, height = row_y[box.row]
        box.y = y
        for i, line in enumerate(box.lines):
            line.x = box.x + PAD + (12 if line.indent else 0)
            line.y = box.y + PAD + (i + 0.78) * LINE
    headers = []
    for key, first, last in (("prevstud", "prev", "prev"), ("newstud", "dbr", "dbr-side"),
                             ("othstud", "other", "other-side")):
        if first in xs and (config.on(key) if key != "othstud" else other_methods(counts, config)):
            header = Box(key, 0, first, [(config.label(key), False, False)], kind="header")
            header.x, header.y = xs[first], TOP
            header.w = xs[last] + WIDTHS[last] - xs[first]
            header.h = HEADER_H
            header.lines = [TextLine(config.label(key), header.cx, TOP + HEADER_H / 2 + 4.5)]
            headers.append(header)
    sides = []
    for key, (first, last) in SIDE_ROWS.items():
        present = [r for r in row_y if first <= r <= last]
        if not present or not config.on(key):
            continue
        y0 = row_y[min(present)][0]
        y1 = row_y[max(present)][0] + row_y[max(present)][1]
        sides.append({"id": key, "text": config.label(key), "x": 12.0, "y": y0, "w": LABEL_W, "h": y1 - y0,
                      "cx": 12.0 + LABEL_W / 2, "cy": (y0 + y1) / 2})
    notes = ["From: Page MJ, McKenzie JE, Bossuyt PM, et al. The PRISMA 2020 statement: an updated "
             "guideline for reporting systematic reviews. BMJ 2021;372:n71."]
    if counts.open and draft:
        notes.append("* Open: " + "; ".join(p.code for p in counts.problems) + " (see prisma.html)")
    per_line = int((width - 24) / (CHAR * FOOTNOTE_SIZE / FONT_SIZE))  # wrapped to the diagram's width
    wrapped = [chunk for note in notes for chunk in textwrap.wrap(note, per_line, break_long_words=True)]
    height = top + 10
    footnotes = [TextLine(chunk, 12.0, height + 4 + FOOTNOTE_LINE * i) for i, chunk in enumerate(wrapped)]
    height += FOOTNOTE_LINE * len(footnotes) + 8
    return Layout(width=round(width, 1), height=round(height, 1), boxes=boxes, headers=headers, sides=sides,
                  arrows=_arrows(boxes), draft=config.label("draft") if draft and counts.problems else None,
                  footnotes=footnotes)


def _arrows(boxes: list[Box]) -> list[str]:
    by_id = {b.id: b for b in boxes}
    paths: list[str] = []

    def down(a: Box, b: Box) -> None:
        paths.append(f"M{a.cx:.1f},{a.y + a.h:.1f} V{b.y - 2:.1f}")

    def right(a: Box, b: Box) -> None:
        y = a.y + min(a.h, b.h) / 2
        paths.append(f"M{a.x + a.w:.1f},{y:.1f} H{b.x - 2:.1f}")

    for column, side in (("dbr", "dbr-side"), ("other", "other-side")):
        chain = sorted((b for b in boxes if b.column == column and b.kind == "box"), key=lambda b: b.row)
        for a, b in zip(chain, chain[1:], strict=False):
            down(a, b)
        for s in (b for b in boxes if b.column == side and b.kind == "box"):
            source = next((b for b in chain if b.row == s.row), None)
            if source is not None:
                right(source, s)
            else:  # a side box beside the line between two boxes (other methods' removals)
                above = [b for b in chain if b.row < s.row]
                if above:
                    paths.append(f"M{above[-1].cx:.1f},{s.cy:.1f} H{s.x - 2:.1f}")
    if "box14" in by_id and "box10" in by_id:
        a, b = by_id["box14"], by_id["box10"]
        paths.append(f"M{a.cx:.1f},{a.y + a.h:.1f} V{b.cy:.1f} H{b.x + b.w + 2:.1f}")
    if "box1" in by_id and "box16" in by_id:  # previous studies join the new ones in the total
        a, b = by_id["box1"], by_id["box16"]
        paths.append(f"M{a.cx:.1f},{a.y + a.h:.1f} V{b.cy:.1f} H{b.x - 2:.1f}")
    return paths + _added_arrows(boxes, by_id)


def _added_arrows(boxes: list[Box], by_id: dict[str, Box]) -> list[str]:
    paths = []
    for box in boxes:
        if box.kind != "added":
            continue
        source = by_id.get(box.arrow_from) if box.arrow_from else None
        if source is None:
            continue
        if source.row == box.row:
            paths.append(f"M{source.x + source.w:.1f},{box.cy:.1f} H{box.x - 2:.1f}")
        elif source.column == box.column:
            paths.append(f"M{source.cx:.1f},{source.y + source.h:.1f} V{box.y - 2:.1f}")
        else:
            paths.append(f"M{source.cx:.1f},{source.y + source.h:.1f} V{box.cy:.1f} "
                         f"H{(box.x - 2) if box.x > source.cx else (box.x + box.w + 2):.1f}")
    return paths
