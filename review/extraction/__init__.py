"""Evidence fragments: verbatim passages of included reports coded as C-M-O, linked to theories.

- :func:`current_fragments`, :func:`is_partial`: what the theories and reports stages read.
- :mod:`review.extraction.quotes` / :mod:`~review.extraction.texts`: finding a quote in a full text.
- :mod:`~review.extraction.sheet`: ``review extract import/export`` (CSV, XLSX);
  :mod:`~review.extraction.qdpx`: REFI-QDA projects; :mod:`~review.extraction.agreement`.
"""

from review.extraction.fragments import current_fragments, get_fragment
from review.extraction.model import Fragment, is_partial

__all__ = ["Fragment", "current_fragments", "get_fragment", "is_partial"]
