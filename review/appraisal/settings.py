"""The workspace's appraisal settings (review.toml ``[appraisal]``, falling back to screening)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from review.appraisal.instruments import DEFAULT_ID, Instrument, available
from review.errors import ConfigError


@dataclass(frozen=True)
class AppraisalSettings:
    """``instrument`` (default mmat-2018), ``reviewers`` (default: [screening] reviewers),
    ``reviewers_per_report`` (1, or 2 for dual appraisal: an item is agreed when both answered)."""

    instrument: Instrument
    instruments: dict[str, Instrument]
    reviewers: list[str]
    reviewers_per_report: int

    @classmethod
    def of(cls, workspace: Any) -> AppraisalSettings:
        tools = available(workspace.root)
        wanted = str(workspace.setting("appraisal", "instrument", DEFAULT_ID) or DEFAULT_ID)
        if wanted not in tools:
            raise ConfigError(f"unknown instrument {wanted!r}; known: {', '.join(tools)}",
                              path=workspace.config_path, field="appraisal.instrument")
        reviewers = workspace.setting("appraisal", "reviewers", None)
        if reviewers is None:
            reviewers = workspace.setting("screening", "reviewers", []) or []
        try:
            per_report = int(workspace.setting("appraisal", "reviewers_per_report", 1) or 1)
        except (TypeError, ValueError):
            per_report = 0
        if per_report < 1:
            raise ConfigError("must be a whole number, 1 or more", path=workspace.config_path,
                              field="appraisal.reviewers_per_report")
        return cls(tools[wanted], tools, [str(r) for r in reviewers], per_report)
