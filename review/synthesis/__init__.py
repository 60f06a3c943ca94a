"""Programme theories (versioned) and theory testing.

- :func:`load_theories` / :func:`workspace_theories`: protocols/theories.yaml.
- :func:`load_model`, :func:`add_theory`, :func:`refine_theory`: the model in the database,
  every change a new version; :func:`export_theory_changes` writes the committed log.
- :func:`theories_current`: load the protocol and the changes log where a command needs them.
- :func:`theories_report`: what ``review theories --json`` prints; :func:`theory_history`.
"""

from review.synthesis.commands import (
    add_theory,
    export_theory_changes,
    import_theory_changes,
    load_model,
    refine_theory,
    theories_overview,
)
from review.synthesis.current import check_removed_theories, theories_current
from review.synthesis.protocol import (
    CMO,
    TheoryDraft,
    TheoryProtocol,
    Topic,
    load_theories,
    workspace_theories,
)
from review.synthesis.render import format_history, format_theories, styled_label
from review.synthesis.testing import (
    STATUSES,
    derive_status,
    is_full,
    theories_report,
    theory_history,
)
from review.synthesis.versions import TheoryVersion, all_versions, versions_of

__all__ = [
    "CMO", "STATUSES", "check_removed_theories", "TheoryDraft", "TheoryProtocol", "TheoryVersion", "Topic", "add_theory", "all_versions",
    "derive_status", "export_theory_changes", "format_history", "format_theories", "import_theory_changes",
    "is_full", "load_model", "load_theories", "refine_theory", "styled_label", "theories_report",
    "theories_current", "theories_overview", "theory_history", "versions_of", "workspace_theories",
]
