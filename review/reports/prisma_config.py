"""What the flow diagram says: PRISMA 2020's exact wording, overridable from review.toml.

```toml
[reports.prisma]
hide = ["register_results", "excluded_automatic"]   # lines, boxes or whole columns off
show = ["records_excluded_reasons"]                 # optional extras on
[reports.prisma.labels]
records_screened = "Titles and abstracts screened"
[reports.prisma.reasons]
E-POP-1 = "Not perinatal"
[[reports.prisma.boxes]]
id = "ma"
row = 7
column = "dbr"
text = "Studies included in the meta-analysis (n = 12)"
arrow_from = "box10"
```
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from review.errors import ConfigError

#: Default wording, by the PRISMA2020 template's keys (box ids and data keys) and ours.
LABELS: dict[str, str] = {
    "newstud": "Identification of studies via databases and registers",
    "othstud": "Identification of studies via other methods",
    "identification": "Identification",
    "screening": "Screening",
    "included": "Included",
    "box2": "Records identified from:",
    "database_results": "Databases",
    "register_results": "Registers",
    "box3": "Records removed before screening:",
    "duplicates": "Duplicate records removed",
    "excluded_automatic": "Records marked as ineligible by automation tools",
    "excluded_other": "Records removed for other reasons",
    "records_screened": "Records screened",
    "records_excluded": "Records excluded",
    "dbr_sought_reports": "Reports sought for retrieval",
    "dbr_notretrieved_reports": "Reports not retrieved",
    "dbr_assessed": "Reports assessed for eligibility",
    "dbr_excluded": "Reports excluded:",
    "new_studies": "Studies included in review",
    "new_reports": "Reports of included studies",
    "box11": "Records identified from:",
    "website_results": "Websites",
    "organisation_results": "Organisations",
    "citations_results": "Citation searching",
    "other_duplicates": "Records removed before screening (duplicates, or already identified via databases and registers)",
    "other_records_excluded": "Records excluded",
    "other_sought_reports": "Reports sought for retrieval",
    "other_notretrieved_reports": "Reports not retrieved",
    "other_assessed": "Reports assessed for eligibility",
    "other_excluded": "Reports excluded:",
    "draft": "DRAFT: counts marked * are still open",
    # PRISMA 2020's diagram for updated reviews (drawn when `review update start` was run)
    "prevstud": "Previous studies",
    "previous_studies": "Studies included in previous version of review",
    "previous_reports": "Reports of studies included in previous version of review",
    "total_studies": "Total studies included in review",
    "total_reports": "Reports of total included studies",
}

#: Lines and boxes shown unless hidden ("show" adds the optional ones).
OPTIONAL = ("records_excluded_reasons",)
SWITCHABLE = (*LABELS, *OPTIONAL, "database_specific_results", "register_specific_results",
              "box5", "box7", "box9", "box13", "box15", "other_specific_results")
COLUMNS = ("dbr", "dbr-side", "other", "other-side")


@dataclass
class AddedBox:
    """A box the review adds (e.g. studies in a meta-analysis)."""

    id: str
    row: int
    column: str
    text: str
    arrow_from: str | None = None


@dataclass
class PrismaConfig:
    """Labels, switches and added boxes for one diagram."""

    labels: dict[str, str] = field(default_factory=lambda: dict(LABELS))
    hidden: set[str] = field(default_factory=set)
    shown: set[str] = field(default_factory=set)
    reasons: dict[str, str] = field(default_factory=dict)
    boxes: list[AddedBox] = field(default_factory=list)

    def on(self, key: str) -> bool:
        """Whether a line, box or column is drawn."""
        if key in OPTIONAL:
            return key in self.shown and key not in self.hidden
        return key not in self.hidden

    def label(self, key: str) -> str:
        return self.labels.get(key, key)


def _strings(value: Any, where: str, path: Any) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} must be a list of names", path=path, field=where)
    unknown = [v for v in value if v not in SWITCHABLE]
    if unknown:
        raise ConfigError(f"{where}: unknown box or line {unknown[0]!r}; known: {', '.join(sorted(SWITCHABLE))}",
                          path=path, field=where)
    return value


def load_config(settings: dict[str, Any] | None, path: Any = None) -> PrismaConfig:
    """The diagram's configuration from review.toml's ``[reports.prisma]`` table.

    Raises:
        ConfigError: an unknown key, box or column, or a value of the wrong type.
    """
    settings = settings or {}
    if not isinstance(settings, dict):
        raise ConfigError("[reports.prisma] must be a table", path=path, field="reports.prisma")
    known = {"hide", "show", "labels", "reasons", "boxes"}
    for key in settings:
        if key not in known:
            raise ConfigError(f"unknown setting {key!r} (known: {', '.join(sorted(known))})",
                              path=path, field=f"reports.prisma.{key}")
    config = PrismaConfig()
    config.hidden = set(_strings(settings.get("hide", []), "reports.prisma.hide", path))
    config.shown = set(_strings(settings.get("show", []), "reports.prisma.show", path))
    for table in ("labels", "reasons"):
        values = settings.get(table, {})
        if not isinstance(values, dict) or not all(isinstance(v, str) for v in values.values()):
            raise ConfigError(f"[reports.prisma.{table}] must map names to text", path=path,
                              field=f"reports.prisma.{table}")
        if table == "labels":
            unknown = [k for k in values if k not in LABELS]
            if unknown:
                raise ConfigError(f"unknown label {unknown[0]!r}; known: {', '.join(LABELS)}",
                                  path=path, field=f"reports.prisma.labels.{unknown[0]}")
            config.labels.update(values)
        else:
            config.reasons = dict(values)
    boxes = settings.get("boxes", [])
    if not isinstance(boxes, list):
        raise ConfigError("[[reports.prisma.boxes]] must be a list of tables", path=path,
                          field="reports.prisma.boxes")
    for number, box in enumerate(boxes, start=1):
        where = f"reports.prisma.boxes[{number}]"
        if not isinstance(box, dict) or not isinstance(box.get("text"), str) or not box["text"].strip():
            raise ConfigError("each added box needs a text", path=path, field=f"{where}.text")
        column = box.get("column", "dbr")
        if column not in COLUMNS:
            raise ConfigError(f"column {column!r} is not one of {', '.join(COLUMNS)}", path=path,
                              field=f"{where}.column")
        row = box.get("row", 7)
        if not isinstance(row, int) or not 1 <= row <= 9:
            raise ConfigError("row must be a number from 1 (identification) to 9", path=path,
                              field=f"{where}.row")
        arrow = box.get("arrow_from")
        if arrow is not None and not isinstance(arrow, str):
            raise ConfigError("arrow_from must be a box id", path=path, field=f"{where}.arrow_from")
        config.boxes.append(AddedBox(str(box.get("id", f"added{number}")), row, column, box["text"], arrow))
    return config
