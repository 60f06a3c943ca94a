"""A manuscript table, independent of its format: what the builders make and the writers print."""

from __future__ import annotations

from dataclasses import dataclass, field

#: Character formatting a cell may carry (the final model's conventions).
STYLES = ("strike", "caps", "bold")


@dataclass(frozen=True)
class Cell:
    """One cell: its text (never pre-formatted) and optional character formatting."""

    text: str
    style: str | None = None
    rtl: bool = False

    def __str__(self) -> str:
        return self.text


@dataclass
class Row:
    """One row; ``group`` is the heading it sits under (e.g. the study), if any."""

    cells: list[Cell]
    group: str | None = None


@dataclass
class Table:
    """A table ready for any writer.

    Attributes:
        name: the file stem after ``table-`` (e.g. ``documents``).
        title: the caption's first sentence (e.g. "Included documents, by intervention").
        columns: the column headings.
        rows: the rows, in order; rows of a group follow each other.
        group_label: the heading of the grouping (CSV writes it as the first column).
        notes: lines printed under the table (abbreviations, conventions, sources).
        empty: what the table says when it has no rows ("No appraisal recorded yet: ...").
        wide: print in landscape (DOCX section, HTML print page).
        numeric: indexes of columns that hold numbers (right-aligned).
        tidy: another table the CSV writes instead (e.g. one row per criterion).

    A cell's text may hold line breaks ("\\n"); each writer prints them as its format does.
    """

    name: str
    title: str
    columns: list[str]
    rows: list[Row] = field(default_factory=list)
    group_label: str | None = None
    notes: list[str] = field(default_factory=list)
    empty: str = "Nothing recorded yet."
    wide: bool = False
    numeric: tuple[int, ...] = ()
    tidy: Table | None = None  # the CSV's rows when they differ (one row per item)
    rotate_headers: bool = False  # many narrow numeric columns (the evidence matrix)

    def add(self, *cells: str | Cell | int | None, group: str | None = None) -> None:
        """Append a row; plain values become unformatted cells (None prints as empty)."""
        self.rows.append(Row([c if isinstance(c, Cell) else cell(c) for c in cells], group))

    def weights(self) -> list[float]:
        """Each column's share of the line (they sum to 1), by the length of its text: the
        typical cell (capped, long text wraps) but never narrower than its longest word."""
        lengths = []
        for i, column in enumerate(self.columns):
            texts = [r.cells[i].text for r in self.rows if i < len(r.cells)]
            sizes = sorted(len(t) for t in texts)
            typical = min(sizes[len(sizes) * 3 // 4], 60) if sizes else 0
            words = [len(w) for t in texts for w in t.split()] or [0]
            header = 2 if self.rotate_headers and i in self.numeric else max(len(w) for w in column.split())
            lengths.append(max(typical, max(words) + 2, header + 2, 3))
        total = sum(lengths)
        return [n / total for n in lengths]

    def column_chunks(self, limit: int) -> list[Table]:
        """The table cut into tables of at most ``limit`` columns, each repeating the first
        column (the row's label), for formats that cannot hold more on a page (Word: 63)."""
        if len(self.columns) <= limit:
            return [self]
        rest = list(range(1, len(self.columns)))
        count = -(-len(rest) // (limit - 1))
        step = -(-len(rest) // count)  # parts of equal width, not a full one and a stub
        parts = [rest[i:i + step] for i in range(0, len(rest), step)]
        chunks = []
        for number, part in enumerate(parts, start=1):
            keep = [0, *part]
            chunk = Table(self.name, f"{self.title} (part {number} of {len(parts)})",
                          [self.columns[i] for i in keep], group_label=self.group_label,
                          notes=self.notes if number == len(parts) else [], empty=self.empty, wide=self.wide,
                          numeric=tuple(j for j, i in enumerate(keep) if i in self.numeric),
                          rotate_headers=self.rotate_headers)
            chunk.rows = [Row([row.cells[i] for i in keep], row.group) for row in self.rows]
            chunks.append(chunk)
        return chunks

    def groups(self) -> list[tuple[str | None, list[Row]]]:
        """Consecutive rows sharing a group, in order."""
        found: list[tuple[str | None, list[Row]]] = []
        for row in self.rows:
            if found and found[-1][0] == row.group:
                found[-1][1].append(row)
            else:
                found.append((row.group, [row]))
        return found


_RTL_RANGES = ((0x0590, 0x08FF), (0xFB1D, 0xFDFF), (0xFE70, 0xFEFF))


def is_rtl(text: str) -> bool:
    """Whether the text reads right to left: its first letter is Hebrew, Arabic, ..."""
    for ch in text:
        if any(lo <= ord(ch) <= hi for lo, hi in _RTL_RANGES):
            return True
        if ch.isalpha():
            return False
    return False


def cell(value: str | int | None, style: str | None = None) -> Cell:
    """A cell from a plain value."""
    text = "" if value is None else str(value)
    return Cell(text, style, is_rtl(text))
