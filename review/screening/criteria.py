"""Eligibility criteria as protocol: ``protocols/criteria.yaml``.

The file groups inclusion and exclusion criteria by domain (type of study, methodology,
population, intervention, setting, ...), each criterion with a stable id and its text::

    version: 1
    title: Selection criteria for empirical studies
    other: {id: other, text: "Other reason (explain in the note)"}
    domains:
      - id: study-type
        name: Type of study
        include: [{id: I-TYPE-1, text: "Empirical study of participant experiences"}]
        exclude: [{id: E-TYPE-1, text: "Review article"}]
    keywords: {include: [peer support], exclude: [protocol]}

Exclusion reasons recorded in screening decisions are exclusion criterion ids, or the
``other`` id with a note. The order of the exclusion criteria in the file is the hierarchy
PRISMA asks for when a report fails several criteria: :meth:`Criteria.primary_reason`
picks the one highest in it.

The loader reads the YAML node tree (not just the values) so that every problem is
reported with the file, the line and the key concerned.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from review.errors import ConfigError, InputError, NotFound

#: Where a workspace keeps its criteria.
CRITERIA_PATH = ("protocols", "criteria.yaml")
DEFAULT_OTHER = ("other", "Other reason (explain in the note)")
KINDS = ("include", "exclude")


@dataclass(frozen=True)
class Criterion:
    """One inclusion or exclusion criterion."""

    id: str
    text: str
    domain: str  # the domain's id
    kind: str  # "include" or "exclude" ("other" for the catch-all reason)


@dataclass(frozen=True)
class Domain:
    """A group of criteria (e.g. population), with its inclusion and exclusion lists."""

    id: str
    name: str
    include: tuple[Criterion, ...] = ()
    exclude: tuple[Criterion, ...] = ()


@dataclass(frozen=True)
class Criteria:
    """The whole protocol: domains, criteria in file order, the exclusion hierarchy."""

    title: str
    domains: tuple[Domain, ...]
    other: Criterion
    keywords_include: tuple[str, ...] = ()
    keywords_exclude: tuple[str, ...] = ()
    path: str | None = None
    _by_id: dict[str, Criterion] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        by_id = {c.id: c for c in self.criteria}
        by_id[self.other.id] = self.other
        object.__setattr__(self, "_by_id", by_id)

    @property
    def criteria(self) -> list[Criterion]:
        """Every inclusion and exclusion criterion, in file order."""
        return [c for d in self.domains for c in (*d.include, *d.exclude)]

    @property
    def exclusion_order(self) -> list[Criterion]:
        """The exclusion criteria in hierarchy order (file order), highest first."""
        return [c for d in self.domains for c in d.exclude]

    @property
    def reasons(self) -> list[Criterion]:
        """What a reviewer may give as an exclusion reason: the hierarchy, then ``other``."""
        return [*self.exclusion_order, self.other]

    @property
    def other_id(self) -> str:
        return self.other.id

    def get(self, criterion_id: str) -> Criterion:
        """The criterion with this id.

        Raises:
            NotFound: no such criterion (the message lists the known reasons).
        """
        try:
            return self._by_id[criterion_id]
        except KeyError:
            known = ", ".join(c.id for c in self.reasons) or "none"
            raise NotFound(
                f"unknown criterion id {criterion_id!r} (exclusion reasons: {known})",
                path=self.path, field=criterion_id,
            ) from None

    def is_reason(self, criterion_id: str) -> bool:
        """Whether the id may be recorded as an exclusion reason."""
        found = self._by_id.get(criterion_id)
        return found is not None and found.kind in ("exclude", "other")

    def primary_reason(self, ids: Iterable[str]) -> str:
        """The one reason PRISMA reports when a report fails several: highest in the hierarchy.

        Raises:
            NotFound: an id is not an exclusion reason.
            InputError: no ids given.
        """
        rank = {c.id: position for position, c in enumerate(self.reasons)}
        wanted = list(dict.fromkeys(ids))
        if not wanted:
            raise InputError("no exclusion reasons given", field="reason")
        for item in wanted:
            if item not in rank:
                if item in self._by_id:
                    raise NotFound(f"{item!r} is an inclusion criterion, not an exclusion reason",
                                   path=self.path, field=item)
                self.get(item)
        return min(wanted, key=rank.__getitem__)

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready view (what ``review criteria --json`` prints)."""
        return {
            "title": self.title,
            "domains": [
                {
                    "id": d.id,
                    "name": d.name,
                    "include": [{"id": c.id, "text": c.text} for c in d.include],
                    "exclude": [{"id": c.id, "text": c.text} for c in d.exclude],
                }
                for d in self.domains
            ],
            "exclusion_order": [c.id for c in self.exclusion_order],
            "other": {"id": self.other.id, "text": self.other.text},
            "keywords": {"include": list(self.keywords_include),
                         "exclude": list(self.keywords_exclude)},
        }


# -- loading ------------------------------------------------------------------------


class _Reader:
    """Walks the YAML node tree, turning every problem into a ConfigError with a line."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: yaml.Node | None, key: str, message: str) -> ConfigError:
        line = node.start_mark.line + 1 if node is not None else None
        return ConfigError(message, path=self.path, line=line, field=key)

    def mapping(self, node: yaml.Node, key: str, allowed: tuple[str, ...],
                required: tuple[str, ...]) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, key, f"expected a mapping with keys {', '.join(allowed)}")
        found: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            where = f"{key}.{name}" if key else str(name)
            if name not in allowed:
                raise self.fail(key_node, where,
                                f"unknown key (expected one of: {', '.join(allowed)})")
            if name in found:
                raise self.fail(key_node, where, "duplicate key")
            found[name] = (key_node, value_node)
        for name in required:
            if name not in found:
                raise self.fail(node, f"{key}.{name}" if key else name, "missing required key")
        return found

    def sequence(self, node: yaml.Node, key: str) -> list[yaml.Node]:
        if isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null"):
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, key, "expected a list")
        return list(node.value)

    def string(self, node: yaml.Node, key: str, *, allow_empty: bool = False) -> str:
        if not isinstance(node, yaml.ScalarNode) or not node.tag.endswith(":str"):
            raise self.fail(node, key, "expected text (quote it if it looks like a number)")
        text = " ".join(node.value.split())
        if not text and not allow_empty:
            raise self.fail(node, key, "must not be empty")
        return text

    def integer(self, node: yaml.Node, key: str) -> int:
        if not isinstance(node, yaml.ScalarNode) or not node.tag.endswith(":int"):
            raise self.fail(node, key, "expected a whole number")
        return int(node.value)


def load_criteria(path: str | Path) -> Criteria:
    """Read and check a criteria file.

    Raises:
        ConfigError: the file is missing, is not valid YAML, or does not follow the
            schema (missing or unknown key, wrong type, duplicate id); the message names
            the file, the line and the key.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise ConfigError("criteria file not found (see docs/criteria.md for the layout)",
                          path=path) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError("not UTF-8 text", path=path) from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"not valid YAML: {problem}", path=path,
                          line=mark.line + 1 if mark else None) from exc
    if root is None:
        raise ConfigError("the file is empty", path=path, line=1)
    return _build(_Reader(path), root)


def _build(r: _Reader, root: yaml.Node) -> Criteria:
    top = r.mapping(root, "", ("version", "title", "other", "domains", "keywords"),
                    ("version", "domains"))
    version = r.integer(top["version"][1], "version")
    if version != 1:
        raise r.fail(top["version"][1], "version", f"unsupported version {version} (expected 1)")
    title = r.string(top["title"][1], "title", allow_empty=True) if "title" in top else ""

    claims: list[tuple[yaml.Node, str, str]] = []  # (id node, key, id), checked in file order

    other_id, other_text = DEFAULT_OTHER
    if "other" in top:
        fields = r.mapping(top["other"][1], "other", ("id", "text"), ("id", "text"))
        other_id = r.string(fields["id"][1], "other.id")
        other_text = r.string(fields["text"][1], "other.text")
        claims.append((fields["id"][1], "other.id", other_id))
    other = Criterion(other_id, other_text, "", "other")

    domain_nodes = r.sequence(top["domains"][1], "domains")
    if not domain_nodes:
        raise r.fail(top["domains"][1], "domains", "needs at least one domain")
    domains: list[Domain] = []
    domain_ids: set[str] = set()
    for index, node in enumerate(domain_nodes, start=1):
        key = f"domains[{index}]"
        fields = r.mapping(node, key, ("id", "name", "include", "exclude"), ("id", "name"))
        domain_id = r.string(fields["id"][1], f"{key}.id")
        if domain_id in domain_ids:
            raise r.fail(fields["id"][1], f"{key}.id", f"duplicate domain id {domain_id!r}")
        domain_ids.add(domain_id)
        name = r.string(fields["name"][1], f"{key}.name")
        lists: dict[str, tuple[Criterion, ...]] = {}
        for kind in KINDS:
            items: list[Criterion] = []
            if kind in fields:
                for number, item in enumerate(r.sequence(fields[kind][1], f"{key}.{kind}"), start=1):
                    where = f"{domain_id}.{kind}[{number}]"
                    parts = r.mapping(item, where, ("id", "text"), ("id", "text"))
                    item_id = r.string(parts["id"][1], f"{where}.id")
                    claims.append((parts["id"][1], f"{where}.id", item_id))
                    items.append(Criterion(item_id, r.string(parts["text"][1], f"{where}.text"),
                                           domain_id, kind))
            lists[kind] = tuple(items)
        domains.append(Domain(domain_id, name, lists["include"], lists["exclude"]))

    _check_unique(r, claims, default_other=None if "other" in top else other_id)

    keywords: dict[str, tuple[str, ...]] = {"include": (), "exclude": ()}
    if "keywords" in top:
        fields = r.mapping(top["keywords"][1], "keywords", KINDS, ())
        for kind in KINDS:
            if kind in fields:
                nodes = r.sequence(fields[kind][1], f"keywords.{kind}")
                keywords[kind] = tuple(
                    r.string(n, f"keywords.{kind}[{i}]") for i, n in enumerate(nodes, start=1)
                )
    return Criteria(
        title=title,
        domains=tuple(domains),
        other=other,
        keywords_include=keywords["include"],
        keywords_exclude=keywords["exclude"],
        path=str(r.path),
    )


def _check_unique(r: _Reader, claims: list[tuple[yaml.Node, str, str]],
                  default_other: str | None) -> None:
    seen: dict[str, str] = {}
    if default_other:
        seen[default_other] = "the default 'other' reason; set other: {id, text} to rename it"
    for node, key, item_id in sorted(claims, key=lambda c: (c[0].start_mark.line, c[0].start_mark.column)):
        if item_id in seen:
            raise r.fail(node, key, f"duplicate id {item_id!r} (first used at {seen[item_id]})")
        seen[item_id] = f"line {node.start_mark.line + 1}"


def workspace_criteria(workspace: Any) -> Criteria:
    """The criteria of a workspace (``protocols/criteria.yaml``), read as the file now is,
    checked against the screening decisions recorded (:func:`check_cited`).

    Raises:
        ConfigError: the file is missing or malformed.
        InputError: an id the file no longer has is a current decision's reason.
    """
    path = workspace.path(*CRITERIA_PATH)
    criteria = load_criteria(path)
    with workspace.store().read() as conn:
        check_cited(criteria, conn, name="/".join(CRITERIA_PATH))
    return criteria


#: Decision ids shown in an error before "and N more".
SHOWN = 12


def check_cited(criteria: Criteria, conn: Any, *, name: str | None = None) -> None:
    """Refuse criteria that dropped an id a current screening decision gives as its reason.

    Current: each reviewer's latest decision (or resolution) on a work at a stage, unless
    retracted; an earlier decision the reviewer has since replaced does not hold an id.

    Raises:
        InputError: ``protocols/criteria.yaml: E-TYPE-3: removed but cited by screening
            decisions 12, 15`` (``name`` is the path shown; default the file's).
    """
    from sqlalchemy import select

    from review.screening.tables import screening_decisions as d

    latest: dict[tuple[Any, ...], tuple[int, str | None]] = {}
    key_of: dict[int, tuple[Any, ...]] = {}
    query = select(d.c.id, d.c.work_id, d.c.stage, d.c.reviewer, d.c.kind, d.c.reason, d.c.retracts).order_by(d.c.id)
    for row in conn.execute(query):
        if row.kind == "retraction":
            withdrawn = key_of.get(row.retracts)
            if withdrawn is not None and latest.get(withdrawn, (None,))[0] == row.retracts:
                del latest[withdrawn]
            continue
        key = (row.work_id, row.stage, row.reviewer, row.kind)
        latest[key] = (row.id, row.reason)
        key_of[row.id] = key
    cited: dict[str, list[int]] = {}
    for decision_id, reason in sorted(latest.values()):
        if reason and reason not in criteria._by_id:
            cited.setdefault(reason, []).append(decision_id)
    if not cited:
        return
    reason, ids = next(iter(cited.items()))
    shown = ", ".join(str(i) for i in ids[:SHOWN]) + (f" and {len(ids) - SHOWN} more" if len(ids) > SHOWN else "")
    others = [r for r in cited if r != reason]
    raise InputError(
        f"removed but cited by screening decision{'s' if len(ids) > 1 else ''} {shown}"
        + (f" (and {', '.join(others)}, also removed and cited)" if others else "")
        + "; put it back, or first change those decisions (`review screen decide` or `review screen import`)",
        path=name or criteria.path, field=reason)


def format_criteria(criteria: Criteria) -> str:
    """The criteria as text, grouped by domain, ids first (what ``review criteria`` prints)."""
    lines = [criteria.title] if criteria.title else []
    width = max((len(c.id) for c in (*criteria.criteria, criteria.other)), default=0)
    for domain in criteria.domains:
        if lines:
            lines.append("")
        lines.append(f"{domain.name} [{domain.id}]")
        for kind, items in (("Include", domain.include), ("Exclude", domain.exclude)):
            if not items:
                continue
            lines.append(f"  {kind}:")
            lines.extend(f"    {c.id:<{width}}  {c.text}" for c in items)
    lines.append("")
    order = ", ".join(c.id for c in criteria.reasons)
    lines.append(f"Exclusion reasons, in hierarchy order (PRISMA reports the first): {order}")
    lines.append(f"  {criteria.other.id:<{width}}  {criteria.other.text}")
    if criteria.keywords_include or criteria.keywords_exclude:
        lines.append("")
        lines.append("Keywords highlighted when screening:")
        if criteria.keywords_include:
            lines.append(f"  include: {', '.join(criteria.keywords_include)}")
        if criteria.keywords_exclude:
            lines.append(f"  exclude: {', '.join(criteria.keywords_exclude)}")
    return "\n".join(lines)
