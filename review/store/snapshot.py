"""What a database holds, per kind of work, by keys that do not depend on row ids.

Two databases built at different times give their rows different ids, so rows are
compared by what they say instead: a record by its file's sha256 and its position in the
file, a work by the records it groups, a screening decision by its work, stage, reviewer,
decision, reason and note, and so on. :func:`snapshot` reads one database into such keys
(a multiset per kind); :func:`missing` says, per kind, how many rows of one snapshot
another lacks. ``review run --fresh`` uses this to find what a rebuild from the
workspace's files would lose (see :mod:`review.safeguard`).

Tables that only derive from others (works, the dedup queue and runs, the audit trail,
migrations) are not compared; a table this module does not know is compared by row
count, so a table added later is never silently ignored.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import MetaData, Table, select
from sqlalchemy.engine import Connection

from review.store import Store

__all__ = ["KINDS", "Snapshot", "missing", "snapshot"]

#: The kinds compared, in the order they are reported: kind -> what a person calls it.
KINDS = {
    "records": "records from files a rebuild does not import",
    "source details": "sources whose details were edited (name, date searched, query, kind, hits)",
    "pair verdicts": "duplicate-pair verdicts (same / different)",
    "screening decisions": "screening decisions, retractions and resolutions",
    "full-text entries": "full-text retrieval entries (sought / retrieved / not retrieved)",
    "studies": "studies (label, characteristics)",
    "study groupings": "reports grouped into studies",
    "theory topics": "theory topics",
    "theories": "programme theories",
    "theory versions": "theory versions (refinements)",
    "appraisal answers": "appraisal answers, design categories and resolutions",
    "fragments": "evidence fragments (C-M-O codes, theory links, judgements)",
    "accounts": "web app accounts (review users: name, role, password)",
    "api tokens": "API tokens (review users token)",
}

#: Tables that derive from others (or only record history): never compared.
DERIVED = {"schema_migrations", "events", "works", "dedup_queue", "dedup_runs", "sources",
           "fragment_theories"}

Key = tuple[Any, ...]


@dataclass
class Snapshot:
    """One database's rows as id-free keys, a multiset per kind.

    Attributes:
        kinds: kind -> Counter of keys.
        record_files: sha256 -> (source name, file name), to name the files of lost records.
    """

    kinds: dict[str, Counter[Key]] = field(default_factory=dict)
    record_files: dict[str, tuple[str, str]] = field(default_factory=dict)


def missing(current: Snapshot, rebuilt: Snapshot) -> dict[str, int]:
    """Per kind, how many rows ``current`` has that ``rebuilt`` lacks (only kinds with some)."""
    lost: dict[str, int] = {}
    for kind, keys in current.kinds.items():
        gone = keys - rebuilt.kinds.get(kind, Counter())
        if kind == "source details":  # a source the rebuild lacks is counted by its records
            gone = Counter({key: n for key, n in gone.items() if key[0] in rebuilt.record_files})
        count = sum(gone.values())
        if count:
            lost[kind] = count
    return lost


def lost_files(current: Snapshot, rebuilt: Snapshot) -> dict[str, int]:
    """``"NAME (FILE)"`` -> records the rebuild would not have, for the lost records' files."""
    gone = current.kinds.get("records", Counter()) - rebuilt.kinds.get("records", Counter())
    per_file: Counter[str] = Counter()
    for (sha256, _position), count in gone.items():
        name, file_name = current.record_files.get(sha256, ("?", "?"))
        per_file[f"{name} ({file_name})"] += count
    return dict(per_file)


def snapshot(store: Store) -> Snapshot:
    """Read the database behind ``store`` into id-free keys (one read transaction)."""
    with store.read() as conn:
        meta = MetaData()
        meta.reflect(conn)
        return _Reader(conn, meta.tables).read()


class _Reader:
    """Reads each known table into keys; records and works are resolved once."""

    def __init__(self, conn: Connection, tables: Any) -> None:
        self.conn = conn
        self.tables: dict[str, Table] = dict(tables)
        self.result = Snapshot()
        self.record: dict[int, Key] = {}
        self.work: dict[int, Key] = {}

    def rows(self, name: str) -> list[dict[str, Any]]:
        table = self.tables.get(name)
        if table is None:
            return []
        return [dict(row) for row in self.conn.execute(select(table)).mappings()]

    def add(self, kind: str, key: Key) -> None:
        self.result.kinds.setdefault(kind, Counter())[key] += 1

    def read(self) -> Snapshot:
        self._records()
        self._works()
        for name, kind, key in _PLAIN:
            rows = self.rows(name)
            by_id = {row["id"]: row for row in rows}
            self.result.kinds[kind] = Counter(key(self, row, by_id) for row in rows)
        self._fragments()
        self._studies()
        self._accounts()
        known = DERIVED | {"records", "fragments", "studies", "study_reports", "web_users", "web_sessions"} | {
            name for name, _k, _f in _PLAIN}
        for name in sorted(set(self.tables) - known):  # a table added later: compared by row count
            self.result.kinds[f"rows in {name}"] = Counter({("row", n): 1 for n in range(len(self.rows(name)))})
        return self.result

    def _records(self) -> None:
        sources = {row["id"]: row for row in self.rows("sources")}
        self.result.kinds["records"] = Counter()
        self.result.kinds["source details"] = Counter()
        for row in sources.values():
            self.result.record_files[row["sha256"]] = (row["name"], row["file_name"])
            self.add("source details", (row["sha256"], row["name"], row["kind"], row["searched"],
                                        row["query"], row["hits_reported"]))
        table = self.tables["records"]
        for rid, source_id, position in self.conn.execute(
                select(table.c.id, table.c.source_id, table.c.position)):
            key = (sources[source_id]["sha256"], position)
            self.record[rid] = key
            self.add("records", key)

    def _works(self) -> None:
        """Each work (live or merged away) as the sorted record keys of the live work it is now."""
        works = self.tables["works"]
        merged = ({wid: into for wid, into in self.conn.execute(select(works.c.id, works.c.merged_into))}
                  if "merged_into" in works.c else {})
        grouped: dict[int, list[Key]] = {}
        table = self.tables["records"]
        for rid, wid in self.conn.execute(select(table.c.id, table.c.work_id)):
            if wid is not None:
                grouped.setdefault(wid, []).append(self.record[rid])
        for wid in merged or grouped:
            live, seen = wid, set()
            while merged.get(live) is not None and live not in seen:
                seen.add(live)
                live = merged[live]
            self.work[wid] = tuple(sorted(grouped.get(live, [])))

    def _fragments(self) -> None:
        self.result.kinds["fragments"] = Counter()
        links: dict[int, list[Key]] = {}
        for row in self.rows("fragment_theories"):
            links.setdefault(row["fragment_id"], []).append((row["theory_id"], row["direction"]))
        for row in self.rows("fragments"):
            self.add("fragments", (
                self.work.get(row["work_id"]), *(row[c] for c in _FRAGMENT_COLUMNS),
                row["deleted_at"] is not None, tuple(sorted(links.get(row["id"], [])))))

    def _studies(self) -> None:
        studies = {row["id"]: row for row in self.rows("studies")}
        self.result.kinds["studies"] = Counter()
        self.result.kinds["study groupings"] = Counter()
        for row in studies.values():
            self.add("studies", (row["key"], row["label"], _json(row["characteristics"])))
        for row in self.rows("study_reports"):
            self.add("study groupings", (studies[row["study_id"]]["key"], self.work.get(row["work_id"])))


    def _accounts(self) -> None:
        """The web app's accounts and API tokens (a sign-in session is not kept: it expires)."""
        if "web_users" not in self.tables:
            return
        self.result.kinds["accounts"] = Counter(
            (row["name"], row["role"], row["password_hash"]) for row in self.rows("web_users"))
        self.result.kinds["api tokens"] = Counter(
            (row["user_name"], row["token_sha256"]) for row in self.rows("web_sessions") if row["kind"] == "token")


_FRAGMENT_COLUMNS = ("quote", "location", "page", "char_start", "char_end", "evidence", "context",
                     "mechanism_resource", "mechanism_reasoning", "outcome", "relevance",
                     "relevance_note", "rigour", "rigour_note", "coder", "note")


def _json(text: Any) -> Any:
    """JSON text in a canonical form (key order does not matter)."""
    try:
        return json.dumps(json.loads(text), sort_keys=True) if text else text
    except (TypeError, ValueError):
        return text


def _retracted(reader: _Reader, row: dict[str, Any], by_id: dict[Any, dict[str, Any]],
               key: Callable[[dict[str, Any]], Key]) -> Key | None:
    """The key of the row a retraction withdraws (its id differs between databases)."""
    target = by_id.get(row.get("retracts")) if row.get("retracts") is not None else None
    return key(target) if target is not None else None


def _decision(reader: _Reader, row: dict[str, Any], by_id: dict[Any, dict[str, Any]]) -> Key:
    def own(r: dict[str, Any]) -> Key:
        return (reader.work.get(r["work_id"]), r["stage"], r["reviewer"], r["decision"], r["reason"],
                r["note"], r["kind"])
    return (*own(row), _retracted(reader, row, by_id, own))


def _pair(reader: _Reader, row: dict[str, Any], by_id: dict[Any, dict[str, Any]]) -> Key:
    def own(r: dict[str, Any]) -> Key:
        a, b = sorted((reader.record.get(r["record_a"]), reader.record.get(r["record_b"])), key=repr)
        return (a, b, r["verdict"], r["note"])
    return (*own(row), _retracted(reader, row, by_id, own))


#: Tables read row by row: (table, kind, key(reader, row, rows by id)).
_PLAIN: list[tuple[str, str, Callable[[_Reader, dict[str, Any], dict[Any, dict[str, Any]]], Key]]] = [
    ("dedup_pair_decisions", "pair verdicts", _pair),
    ("screening_decisions", "screening decisions", _decision),
    ("fulltext_reports", "full-text entries", lambda rd, r, _ids: (
        rd.work.get(r["work_id"]), r["status"], r["file"], r["reason"], r["note"])),
    ("theory_topics", "theory topics", lambda _rd, r, _ids: (r["id"], r["label"])),
    ("theories", "theories", lambda _rd, r, _ids: (r["id"], r["topic"], r["origin"])),
    ("theory_versions", "theory versions", lambda _rd, r, _ids: (
        r["theory_id"], r["version"], r["label"], r["context"], r["mechanism_resource"],
        r["mechanism_reasoning"], r["outcome"], r["change"], r["reason"])),
    ("appraisal_judgements", "appraisal answers", lambda rd, r, _ids: (
        rd.work.get(r["work_id"]), r["instrument"], r["item"], r["answer"], r["subcategories"],
        r["comment"], r["reviewer"], r["kind"])),
]
