"""Dedup settings: the two score thresholds and how each guard is treated.

Read from the ``[dedup]`` section of review.toml::

    [dedup]
    threshold = 0.85          # score at or above which two records are merged
    review_threshold = 0.5    # score at or above which an unmerged pair is queued for a person
    notices = "apart"         # erratum / correction / retraction notice / reply / comment vs the article
    conference_abstracts = "apart"   # a meeting abstract vs a journal article
    languages = "check"       # records in two different languages
    preprints = "check"       # a preprint vs a published version
    different_dois = "apart"  # both have a DOI and the DOIs differ
    year_gap = 1              # years further apart than this ...
    years = "apart"           # ... are treated so
    pages_volumes = "apart"   # different first pages or different volumes
    cochrane_versions = "apart"  # two versions of one Cochrane review (.pub2, .pub3)

A treatment is one of:

- ``apart``: never merged automatically; queued for ``review dedup check`` when the rest of
  the evidence says "same" or "maybe", unless the two are clearly different (different DOIs
  or PMIDs, two versions of a Cochrane review, years apart with other first authors,
  numbered parts on other pages: ``score.clearly_different``);
- ``check``: never merged automatically; queued for ``review dedup check`` when the rest of
  the evidence says "same" or "maybe";
- ``ignore``: the guard is off; the pair is scored like any other. For
  ``cochrane_versions`` this means the versions are one work: their DOIs are compared
  without the version suffix.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from review.errors import ConfigError

TREATMENTS = ("apart", "check", "ignore")
GUARDS = ("notices", "conference_abstracts", "languages", "preprints", "different_dois",
          "years", "pages_volumes", "cochrane_versions")


@dataclass(frozen=True)
class DedupSettings:
    """Thresholds and guard treatments (see the module docstring)."""

    threshold: float = 0.85
    review_threshold: float = 0.5
    notices: str = "apart"
    conference_abstracts: str = "apart"
    languages: str = "check"
    preprints: str = "check"
    different_dois: str = "apart"
    year_gap: int = 1
    years: str = "apart"
    pages_volumes: str = "apart"
    cochrane_versions: str = "apart"

    def __post_init__(self) -> None:
        for name in GUARDS:
            value = getattr(self, name)
            if value not in TREATMENTS:
                raise ConfigError(
                    f"{value!r} is not a treatment (use one of {', '.join(TREATMENTS)})",
                    field=f"[dedup] {name}",
                )
        if not 0 < self.threshold <= 1:
            raise ConfigError("must be a number above 0 and at most 1", field="[dedup] threshold")
        if not 0 <= self.review_threshold <= self.threshold:
            raise ConfigError("must be between 0 and threshold", field="[dedup] review_threshold")
        if self.year_gap < 0:
            raise ConfigError("must be 0 or more", field="[dedup] year_gap")

    def with_threshold(self, threshold: float | None) -> DedupSettings:
        """A copy with another merge threshold (the review band follows if needed)."""
        if threshold is None:
            return self
        return replace(self, threshold=threshold,
                       review_threshold=min(self.review_threshold, threshold))

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_mapping(cls, values: dict[str, Any]) -> DedupSettings:
        """Settings from a dict such as review.toml's ``[dedup]`` table; unknown keys fail."""
        known = {f.name: f for f in fields(cls)}
        kwargs: dict[str, Any] = {}
        for key, value in values.items():
            if key not in known:
                raise ConfigError(f"unknown setting (known: {', '.join(known)})", field=f"[dedup] {key}")
            expected = known[key].type
            try:
                if expected in ("float", float):
                    value = float(value)
                elif expected in ("int", int):
                    value = int(value)
                else:
                    value = str(value)
            except (TypeError, ValueError) as exc:
                raise ConfigError(f"cannot read {value!r}", field=f"[dedup] {key}") from exc
            kwargs[key] = value
        return cls(**kwargs)

    @classmethod
    def from_workspace(cls, workspace: Any) -> DedupSettings:
        """Settings from a workspace's review.toml (defaults for anything not set)."""
        values = {f.name: workspace.setting("dedup", f.name, None) for f in fields(cls)}
        return cls.from_mapping({k: v for k, v in values.items() if v is not None})
