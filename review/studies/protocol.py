"""The study protocol: ``protocols/studies.yaml``.

It names the unit included reports are grouped into and the characteristics recorded
for each one::

    unit: intervention            # or study, programme, ...
    unit_plural: interventions    # optional (default: unit + "s")
    fields:
      - id: country
        label: Country
      - id: format
        label: Format
        values: [one-to-one, group]   # optional: the allowed values
      - id: mode
        label: Mode
        values: [face-to-face, telephone]
        multiple: true                # optional: several values, joined by "; "

``unit`` may also be a mapping ``{name: intervention, plural: interventions}``. Without
the file a workspace groups reports into "studies" with no characteristics.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from review.errors import InputError
from review.studies.yamlnodes import NodeReader, compose

#: Where a workspace keeps its study protocol.
PROTOCOL_PATH = ("protocols", "studies.yaml")
#: Characteristic ids that would clash with the sheet's fixed columns.
RESERVED = ("study", "label", "report", "citation", "title")
#: How a cell holds several values of a ``multiple`` field.
SEPARATOR = "; "


@dataclass(frozen=True)
class StudyField:
    """One characteristic recorded per study (a column of the studies sheet)."""

    id: str
    label: str
    values: tuple[str, ...] = ()  # allowed values; empty means free text
    multiple: bool = False

    def check(self, raw: str) -> str:
        """The value as stored: whitespace tidied, allowed values in the protocol's spelling.

        Raises:
            InputError: a value the field does not allow (field = the column).
        """
        parts = [" ".join(p.split()) for p in (raw.split(";") if self.multiple else [raw])]
        parts = [p for p in parts if p]
        if not self.values:
            return SEPARATOR.join(parts)
        canonical = {v.casefold(): v for v in self.values}
        found = []
        for part in parts:
            if part.casefold() not in canonical:
                several = " (several values: separate them with ';')" if self.multiple else ""
                raise InputError(f"{part!r} is not one of: {', '.join(self.values)}{several}",
                                 field=self.id)
            found.append(canonical[part.casefold()])
        return SEPARATOR.join(dict.fromkeys(found))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "label": self.label, "values": list(self.values), "multiple": self.multiple}


@dataclass(frozen=True)
class StudyProtocol:
    """The unit's name, its plural and its characteristic fields."""

    unit: str = "study"
    unit_plural: str = "studies"
    fields: tuple[StudyField, ...] = ()
    path: str | None = None
    _by_column: dict[str, StudyField] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        columns: dict[str, StudyField] = {}
        for item in self.fields:
            columns.setdefault(item.label.casefold(), item)
        for item in self.fields:
            columns[item.id.casefold()] = item
        object.__setattr__(self, "_by_column", columns)

    def field_for(self, column: str) -> StudyField | None:
        """The field a sheet column names (its id or its label, any case)."""
        return self._by_column.get(column.strip().casefold())

    def to_dict(self) -> dict[str, Any]:
        return {"unit": self.unit, "unit_plural": self.unit_plural,
                "fields": [f.to_dict() for f in self.fields]}


def plural_of(noun: str) -> str:
    """The English plural of a unit's name: study -> studies, programme -> programmes."""
    if re.search(r"[^aeiou]y$", noun):
        return noun[:-1] + "ies"
    if re.search(r"(s|x|z|ch|sh)$", noun):
        return noun + "es"
    return noun + "s"


def load_protocol(path: str | Path) -> StudyProtocol:
    """Read and check a study protocol file.

    Raises:
        ConfigError: missing file, bad YAML, unknown or missing key, duplicate field id,
            a field id that clashes with the sheet's own columns (file, line and key).
    """
    path = Path(path)
    r = NodeReader(path)
    root = compose(path, "study protocol")
    top = r.mapping(root, "", ("version", "title", "description", "unit", "unit_plural", "plural",
                               "fields"), ("unit",))
    unit, plural = _unit(r, top["unit"][1])
    for name in ("unit_plural", "plural"):
        if name in top:
            plural = r.text(top[name][1], name)
    fields: list[StudyField] = []
    seen: dict[str, int] = {}
    for index, node in enumerate(r.sequence(top["fields"][1], "fields") if "fields" in top else [], 1):
        key = f"fields[{index}]"
        parts = r.mapping(node, key, ("id", "label", "values", "multiple", "description"), ("id",))
        field_id = r.text(parts["id"][1], f"{key}.id")
        id_node = parts["id"][1]
        if field_id.casefold() in RESERVED:
            raise r.fail(id_node, f"{key}.id", f"{field_id!r} is one of the sheet's own columns "
                         f"({', '.join(RESERVED)}); choose another id")
        if field_id.casefold() in seen:
            raise r.fail(id_node, f"{key}.id",
                         f"duplicate field id {field_id!r} (first at line {seen[field_id.casefold()]})")
        seen[field_id.casefold()] = id_node.start_mark.line + 1
        label = r.optional(parts, "label", key) or field_id
        values = tuple(r.text(v, f"{key}.values[{i}]")
                       for i, v in enumerate(r.sequence(parts["values"][1], f"{key}.values"), 1)
                       ) if "values" in parts else ()
        if len({v.casefold() for v in values}) != len(values):
            raise r.fail(parts["values"][1], f"{key}.values", "a value is listed twice")
        multiple = r.boolean(parts["multiple"][1], f"{key}.multiple") if "multiple" in parts else False
        fields.append(StudyField(field_id, label, values, multiple))
    return StudyProtocol(unit, plural or plural_of(unit), tuple(fields), str(path))


def _unit(r: NodeReader, node: yaml.Node) -> tuple[str, str]:
    if isinstance(node, yaml.MappingNode):
        parts = r.mapping(node, "unit", ("name", "plural"), ("name",))
        return r.text(parts["name"][1], "unit.name"), r.optional(parts, "plural", "unit")
    return r.text(node, "unit"), ""


def workspace_protocol(workspace: Any) -> StudyProtocol:
    """A workspace's study protocol; "study" with no characteristics when the file is absent.

    Raises:
        ConfigError: the file exists but is malformed.
    """
    path = workspace.path(*PROTOCOL_PATH)
    return load_protocol(path) if path.is_file() else StudyProtocol()
