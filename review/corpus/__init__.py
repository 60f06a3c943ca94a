"""Search exports in, records out: importers, normalisation, export, deduplication."""

from review.corpus.exporter import export_records
from review.corpus.importer import ImportResult, import_files

__all__ = ["ImportResult", "export_records", "import_files"]
