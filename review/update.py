"""``review update start``: close the current version of the review and open an update.

Closing a version keeps what PRISMA 2020's diagram for updated reviews shows of it (the
studies and reports it included, all versions before it together) in ``review_versions``
and in the audit trail, with the ids of the included reports and studies, so every
version's counts can be told again from the events alone. A version with unfinished
screening cannot be closed: the counts it would hand on are not known yet.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from sqlalchemy import insert, select

from review.errors import InputError
from review.reports.prisma_counts import derive_counts
from review.store import now
from review.versions import (
    ORIGINAL_LABEL,
    current_version,
    review_versions,
    study_keys,
    version_scope,
)
from review.workspace import Workspace


class OpenScreening(InputError):
    """The current version still has screening (or deduplication, retrieval) to finish."""


@dataclass(frozen=True)
class StartedUpdate:
    """What ``review update start`` did: the version opened and what it carries over."""

    number: int
    label: str
    closed: int
    closed_label: str
    previous_studies: int
    previous_reports: int

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def update_start(workspace: Workspace, label: str, *, actor: str) -> StartedUpdate:
    """Close the current version and open the next, called ``label``.

    Raises:
        InputError: an empty label or one a version already has.
        OpenScreening: the current version has unfinished work (each open problem named).
    """
    from review.included import included_ids
    from review.screening.criteria import workspace_criteria

    label = " ".join(label.split())
    if not label:
        raise InputError("give the update a label, e.g. review update start 2026-update", field="LABEL")
    try:
        criteria = workspace_criteria(workspace)
    except Exception:  # no protocol: reasons by id (they do not change the counts)
        criteria = None
    rpw = workspace.setting("screening", "reviewers_per_work", None)
    store = workspace.store()
    with store.transaction() as conn:
        taken = {row.label.casefold() for row in conn.execute(select(review_versions.c.label))}
        if label.casefold() in taken | {ORIGINAL_LABEL}:
            raise InputError(f"a version is already called {label!r}: give the update another label",
                             field="LABEL")
        number = current_version(conn)
        scope = version_scope(conn)
        closed_label = scope.label if scope is not None else ORIGINAL_LABEL
        counts = derive_counts(conn, criteria=criteria, reviewers_per_work=rpw)
        open_problems = [p for p in counts.problems if p.code != "PRISMA-99"]
        if open_problems:
            what = "; ".join(f"{p.message} ({p.fix})" for p in open_problems)
            raise OpenScreening(f"version {number} ({closed_label}) has unfinished work, so its counts "
                                f"cannot be carried over yet: {what}")
        included = included_ids(conn, reviewers_per_work=counts.reviewers_per_work)
        keys = sorted(study_keys(conn, included) | (scope.previous_study_keys if scope is not None else set()))
        studies, reports = counts.n("total_studies"), counts.n("total_reports")
        detail = {"label": label, "closes": number, "closed_label": closed_label, "previous_studies": studies,
                  "previous_reports": reports, "included_reports": included, "study_keys": keys}
        conn.execute(insert(review_versions).values(
            number=number + 1, label=label, started_at=now(), actor=actor, previous_studies=studies,
            previous_reports=reports, detail=json.dumps({"included_reports": included, "study_keys": keys})))
        store.log(conn, actor, "update-start", "review_version", number + 1, detail)
    return StartedUpdate(number=number + 1, label=label, closed=number, closed_label=closed_label,
                         previous_studies=studies, previous_reports=reports)
