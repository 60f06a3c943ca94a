"""Studies: the unit included reports are grouped into (the seed's "interventions").

- :func:`load_protocol` / :func:`workspace_protocol`: ``protocols/studies.yaml``.
- :func:`list_studies`, :func:`study_of`, :func:`get_study`: studies as stored.
- :func:`import_studies` / :func:`export_studies`: the studies sheet.
"""

from review.studies.listing import format_overview, format_study, show_study, studies_overview
from review.studies.model import Study, get_study, list_studies, study_of
from review.studies.protocol import StudyField, StudyProtocol, load_protocol, workspace_protocol
from review.studies.sheet import StudiesImport, export_studies, import_studies

__all__ = [
    "Study", "StudyField", "StudyProtocol", "StudiesImport", "export_studies", "format_overview",
    "format_study", "get_study", "import_studies", "list_studies", "load_protocol", "show_study",
    "studies_overview", "study_of", "workspace_protocol",
]
