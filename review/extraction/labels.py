"""Fragment labels: codes of a QDA project's codebook that are neither C/M/O nor a theory.

A project coded in NVivo, ATLAS.ti or MAXQDA has its own codebook (thematic codes, often
many). ``review extract import project.qdpx`` keeps every code it does not read as C/M/O or
as a theory link as a label of the fragments it coded; the sheet carries them in its
``labels`` column (``a; b``) and ``review extract export --output coding.qdpx`` writes them
back as codes, so the codebook survives the trip.
"""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Connection

from review.extraction.tables import fragment_labels
from review.store import Store

SEPARATOR = ";"


def parse_labels(cell: str | None) -> list[str]:
    """The labels of a sheet cell (``a; b``), in order, each once."""
    return list(dict.fromkeys(part.strip() for part in (cell or "").split(SEPARATOR) if part.strip()))


def format_labels(labels: list[str]) -> str:
    """Labels as a sheet cell; a ``;`` inside a label becomes ``,`` (the separator)."""
    return f"{SEPARATOR} ".join(label.replace(SEPARATOR, ",") for label in labels)


def labels_by_fragment(conn: Connection, ids: list[int] | None = None) -> dict[int, list[str]]:
    """Each fragment's labels, in the order they were given."""
    query = select(fragment_labels.c.fragment_id, fragment_labels.c.label).order_by(fragment_labels.c.id)
    if ids is not None:
        query = query.where(fragment_labels.c.fragment_id.in_(ids))
    found: dict[int, list[str]] = defaultdict(list)
    for row in conn.execute(query):
        found[row.fragment_id].append(row.label)
    return found


def set_labels(conn: Connection, fragment_id: int, labels: list[str], *, actor: str,
               origin: str = "import") -> bool:
    """Make ``labels`` the fragment's labels; True when that changed them (the change is logged)."""
    old = labels_by_fragment(conn, [fragment_id]).get(fragment_id, [])
    labels = list(dict.fromkeys(label.replace(SEPARATOR, ",") for label in labels))
    if old == labels:
        return False
    conn.execute(delete(fragment_labels).where(fragment_labels.c.fragment_id == fragment_id))
    if labels:
        conn.execute(insert(fragment_labels), [{"fragment_id": fragment_id, "label": label} for label in labels])
    Store.log(conn, actor, "fragment.labels", "fragment", fragment_id,
              {"from": old, "to": labels, "origin": origin})
    return True
