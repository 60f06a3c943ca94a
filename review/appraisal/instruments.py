"""Appraisal instruments as data: YAML files with questions, categories and answers.

MMAT 2018 is bundled (``mmat_2018.yaml`` beside this module); a workspace may add its own
instruments as ``protocols/appraisal/*.yaml``. Every file is validated on load, and a
problem is reported with its file, line and key (``FILE:LINE: key: what is wrong``).

An instrument file holds::

    id: mmat-2018            # what sheets write in their `instrument` column
    family: mmat             # versions of one family are never mixed in a workspace
    version: "2018"
    name: ...
    citation: ...
    other_versions: ["2011"] # other versions of the family a sheet may name (refused)
    answers: [{id, label, symbol?, aliases?}]
    not_applicable: {id, label, guidance}          # optional
    screening: [{id, text, guidance?}]             # asked of every appraised report
    categories: [{id, label, items: [{id, text, guidance?}], also_rate?}]
    superseded: {version, items: [text, ...]}      # optional: an older version's questions
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from review.errors import ConfigError, InputError

BUNDLED = Path(__file__).resolve().parent
DEFAULT_ID = "mmat-2018"
WORKSPACE_DIR = ("protocols", "appraisal")
_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


@dataclass(frozen=True)
class Item:
    """A question: a screening question (category None) or a category's criterion."""

    id: str
    text: str
    category: str | None
    guidance: str = ""


@dataclass(frozen=True)
class Answer:
    id: str
    label: str
    symbol: str
    aliases: tuple[str, ...] = ()


@dataclass(frozen=True)
class Category:
    id: str
    label: str
    items: tuple[Item, ...]
    also_rate: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def item_ids(self) -> list[str]:
        return [item.id for item in self.items]


@dataclass(frozen=True)
class Instrument:
    """One appraisal instrument, as loaded from its YAML file."""

    id: str
    family: str
    version: str
    name: str
    citation: str
    answers: tuple[Answer, ...]
    screening: tuple[Item, ...]
    categories: tuple[Category, ...]
    not_applicable: str = "not-applicable"
    not_applicable_guidance: str = ""
    other_versions: tuple[str, ...] = ()
    superseded_version: str | None = None
    superseded_items: tuple[str, ...] = ()
    path: str = ""

    # -- lookups --------------------------------------------------------------------
    @property
    def answer_ids(self) -> list[str]:
        return [a.id for a in self.answers]

    @property
    def category_ids(self) -> list[str]:
        return [c.id for c in self.categories]

    def category(self, category_id: str) -> Category:
        for category in self.categories:
            if category.id == category_id:
                return category
        raise KeyError(category_id)

    def item(self, item_id: str) -> Item:
        for item in self.all_items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def all_items(self) -> list[Item]:
        return [*self.screening, *(i for c in self.categories for i in c.items)]

    def answer(self, raw: str) -> str | None:
        """The answer id for what a person typed (id, label or alias), or None."""
        key = _norm(raw)
        for answer in self.answers:
            if key in {_norm(answer.id), _norm(answer.label), *(_norm(a) for a in answer.aliases)}:
                return answer.id
        return None

    def symbol(self, answer_id: str) -> str:
        for answer in self.answers:
            if answer.id == answer_id:
                return answer.symbol
        return answer_id

    def label(self, answer_id: str) -> str:
        for answer in self.answers:
            if answer.id == answer_id:
                return answer.label
        return answer_id

    def companions(self, category_id: str) -> dict[str, tuple[str, ...]]:
        """For a category rated together with others (MMAT's mixed methods): group -> ids."""
        return self.category(category_id).also_rate

    def items_for(self, categories: list[str]) -> list[str]:
        """Screening questions, then each category's criteria (the order of ``categories``)."""
        ids = [item.id for item in self.screening]
        for cat in categories:
            if cat in self.category_ids:
                ids.extend(self.category(cat).item_ids)
        return ids

    def superseded_text(self, text: str) -> bool:
        """Whether ``text`` is a question of the superseded version (and not of this one)."""
        key = _norm(text)
        if not key or any(_norm(i.text) == key for i in self.all_items()):
            return False
        return any(_norm(old) == key for old in self.superseded_items)

    def names(self) -> set[str]:
        """Normalised spellings a sheet may use for this instrument."""
        return {_instrument_key(self.id), _instrument_key(f"{self.family}{self.version}"),
                _instrument_key(f"{self.name} {self.version}")}

    def describe(self) -> dict[str, str]:
        return {"id": self.id, "version": self.version, "name": self.name, "citation": self.citation}


def _norm(text: str) -> str:
    return " ".join(str(text).replace("\u2019", "'").casefold().split())


def _instrument_key(text: str) -> str:
    key = re.sub(r"[^a-z0-9]+", "", str(text).casefold().replace("version", ""))
    return re.sub(r"v(?=\d)", "", key)


# -- loading ------------------------------------------------------------------------


class _Doc:
    """A YAML document with each mapping key's and sequence entry's line number."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise InputError("file not found", path=path) from exc
        except UnicodeDecodeError as exc:
            raise ConfigError("not UTF-8 text", path=path, line=1) from exc
        try:
            node = yaml.compose(text, Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise ConfigError(str(exc).splitlines()[0], path=path,
                              line=mark.line + 1 if mark else None) from exc
        self.lines: dict[int, int] = {}
        self.data = self._build(node) if node is not None else None

    def _build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.MappingNode):
            out: dict[str, Any] = {}
            for key, value in node.value:
                name = str(key.value)
                out[name] = self._build(value)
                out.setdefault("__lines__", {})[name] = key.start_mark.line + 1
            out.setdefault("__lines__", {})["__self__"] = node.start_mark.line + 1
            return out
        if isinstance(node, yaml.SequenceNode):
            return [self._build(v) for v in node.value]
        return _scalar(node)

    def fail(self, message: str, where: dict[str, Any] | None, key: str) -> ConfigError:
        lines = (where or {}).get("__lines__", {})
        return ConfigError(message, path=self.path, line=lines.get(key, lines.get("__self__")), field=key)


def _scalar(node: yaml.ScalarNode) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.dispose()


def _text(doc: _Doc, where: dict[str, Any], key: str, *, required: bool = True, ident: bool = False) -> str:
    value = where.get(key)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise doc.fail(f"'{key}' is required", where, key)
        return ""
    if isinstance(value, (dict, list)):
        raise doc.fail("expected text", where, key)
    text = " ".join(str(value).split())
    if ident and not _ID.match(text):
        raise doc.fail(f"{text!r} is not a usable id (letters, digits, '.', '-', '_')", where, key)
    return text


def _list(doc: _Doc, where: dict[str, Any], key: str, *, required: bool = True) -> list[Any]:
    value = where.get(key)
    if value is None and not required:
        return []
    if not isinstance(value, list) or (required and not value):
        raise doc.fail(f"'{key}' must be a non-empty list", where, key)
    return value


def _items(doc: _Doc, entries: list[Any], parent: dict[str, Any], key: str,
           category: str | None, seen: set[str]) -> tuple[Item, ...]:
    items = []
    for entry in entries:
        if not isinstance(entry, dict):
            raise doc.fail("each question needs 'id' and 'text'", parent, key)
        item_id = _text(doc, entry, "id", ident=True)
        if item_id in seen or item_id in ("category", "not-applicable"):
            raise doc.fail(f"question id {item_id!r} is used twice (or reserved)", entry, "id")
        seen.add(item_id)
        items.append(Item(item_id, _text(doc, entry, "text"), category, _text(doc, entry, "guidance", required=False)))
    return tuple(items)


def load_instrument(path: str | Path) -> Instrument:
    """Read and validate one instrument file.

    Raises:
        ConfigError: a malformed file (``FILE:LINE: key: what is wrong``).
    """
    doc = _Doc(Path(path))
    data = doc.data
    if not isinstance(data, dict):
        raise ConfigError("expected a mapping with id, version, answers, screening, categories",
                          path=doc.path, line=1)
    known = {"id", "family", "version", "name", "citation", "answers", "screening", "categories",
             "not_applicable", "other_versions", "superseded", "overall_score", "__lines__"}
    for key in data:
        if key not in known:
            raise doc.fail(f"unknown key; use: {', '.join(sorted(known - {'__lines__'}))}", data, key)
    ident = _text(doc, data, "id", ident=True)
    version = _text(doc, data, "version")
    answers = []
    for entry in _list(doc, data, "answers"):
        if not isinstance(entry, dict):
            raise doc.fail("each answer needs 'id' and 'label'", data, "answers")
        aid = _text(doc, entry, "id", ident=True)
        aliases = entry.get("aliases") or []
        if not isinstance(aliases, list):
            raise doc.fail("expected a list", entry, "aliases")
        answers.append(Answer(aid, _text(doc, entry, "label", required=False) or aid,
                              _text(doc, entry, "symbol", required=False) or aid[:1],
                              tuple(str(a) for a in aliases)))
    if len({a.id for a in answers}) != len(answers):
        raise doc.fail("answer ids must differ", data, "answers")
    seen: set[str] = set()
    screening = _items(doc, _list(doc, data, "screening", required=False), data, "screening", None, seen)
    categories = []
    for entry in _list(doc, data, "categories"):
        if not isinstance(entry, dict):
            raise doc.fail("each category needs 'id', 'label' and 'items'", data, "categories")
        cid = _text(doc, entry, "id", ident=True)
        if cid in {c.id for c in categories} or cid == "not-applicable":
            raise doc.fail(f"category id {cid!r} is used twice (or reserved)", entry, "id")
        also = entry.get("also_rate") or {}
        if not isinstance(also, dict):
            raise doc.fail("expected groups of category ids", entry, "also_rate")
        groups = {str(k): tuple(str(v) for v in (vals or [])) for k, vals in also.items() if k != "__lines__"}
        categories.append(Category(cid, _text(doc, entry, "label"),
                                   _items(doc, _list(doc, entry, "items"), entry, "items", cid, seen), groups))
    ids = {c.id for c in categories}
    for category in categories:
        for group, members in category.also_rate.items():
            unknown = [m for m in members if m not in ids or m == category.id]
            if unknown:
                where = next(e for e in data["categories"] if str(e.get("id")) == category.id)
                raise doc.fail(f"{group}: unknown category {unknown[0]!r}", where, "also_rate")
    na = data.get("not_applicable") or {}
    superseded = data.get("superseded") or {}
    if not isinstance(superseded, dict):
        raise doc.fail("expected version and items", data, "superseded")
    return Instrument(
        id=ident, family=_text(doc, data, "family", required=False) or ident, version=version,
        name=_text(doc, data, "name", required=False) or ident,
        citation=_text(doc, data, "citation", required=False),
        answers=tuple(answers), screening=screening, categories=tuple(categories),
        not_applicable=str(na.get("id") or "not-applicable") if isinstance(na, dict) else "not-applicable",
        not_applicable_guidance=" ".join(str(na.get("guidance") or "").split()) if isinstance(na, dict) else "",
        other_versions=tuple(str(v) for v in (data.get("other_versions") or [])),
        superseded_version=str(superseded["version"]) if superseded.get("version") else None,
        superseded_items=tuple(" ".join(str(t).split()) for t in (superseded.get("items") or [])),
        path=str(doc.path),
    )


def bundled() -> Instrument:
    """MMAT 2018, as shipped with the package."""
    return load_instrument(BUNDLED / "mmat_2018.yaml")


def available(root: str | Path | None = None) -> dict[str, Instrument]:
    """The bundled instruments and the workspace's own (``protocols/appraisal/*.yaml``)."""
    found = {DEFAULT_ID: bundled()}
    if root is not None:
        folder = Path(root).joinpath(*WORKSPACE_DIR)
        if folder.is_dir():
            for path in sorted(folder.glob("*.y*ml")):
                instrument = load_instrument(path)
                if instrument.id in found:
                    raise ConfigError(f"instrument id {instrument.id!r} is already defined "
                                      f"({Path(found[instrument.id].path).name})", path=path, field="id")
                found[instrument.id] = instrument
    return found


def identify(name: str, instruments: dict[str, Instrument]) -> Instrument:
    """The instrument a sheet's ``instrument`` cell names.

    Raises:
        InputError: another version of a known instrument (never mixed), or an unknown name.
    """
    key = _instrument_key(name)
    for instrument in instruments.values():
        if key in instrument.names():
            return instrument
    for instrument in instruments.values():
        for other in instrument.other_versions:
            if key in {_instrument_key(f"{instrument.family}{other}"),
                       _instrument_key(f"{instrument.name} {other}")}:
                raise InputError(f"{name!r} is {instrument.family.upper()} version {other}; this workspace "
                                 f"appraises with {instrument.id} (version {instrument.version}): never mix "
                                 "versions, re-appraise with the current one")
    raise InputError(f"unknown instrument {name!r}; use one of: {', '.join(instruments)}")
