"""The feature matrices of the ranking models (:mod:`review.screening.prioritise`).

Every model starts from ELAS u4's features: TF-IDF of title + abstract, word 1-2 grams,
sublinear term frequency, words in more than 95% of records dropped, rows of unit length.
Some candidates add blocks beside it (issue 21):

- :func:`field_blocks`: the fields ASReview ignores (keywords / MeSH headings, authors,
  journal), each a TF-IDF block over its ``;``-separated terms, weighted.
- :func:`lsa_block`: a low-rank (LSA) view of the review's own TF-IDF matrix.

:func:`stack` puts blocks side by side and scales every row back to unit length.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from scipy import sparse

TOKEN_PATTERN = r"(?u)\b\w\w+\b"
#: Field -> weight of its block beside title + abstract (fixed before the benchmark ran).
FIELD_WEIGHTS: dict[str, float] = {"keywords": 0.5, "authors": 0.2, "journal": 0.2}


def scaled_field_weights(keywords: float) -> dict[str, float]:
    """:data:`FIELD_WEIGHTS` with the keywords block at ``keywords`` and the others in the
    same proportion (authors and journal 0.4 times it)."""
    scale = keywords / FIELD_WEIGHTS["keywords"]
    return {name: weight * scale for name, weight in FIELD_WEIGHTS.items()}


#: LSA: dimensions and the block's weight.
LSA_DIMENSIONS = 100
LSA_WEIGHT = 0.5


def words(texts: Sequence[str]) -> sparse.csr_matrix:
    """ELAS u4's TF-IDF matrix of ``texts`` (one row per text, unit length)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    for max_df in (0.95, 1.0):  # tiny corpora: a word in every text is still a word
        vectoriser = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                                     max_df=max_df, token_pattern=TOKEN_PATTERN)
        try:
            return sparse.csr_matrix(vectoriser.fit_transform(texts))
        except ValueError:  # empty vocabulary
            continue
    return sparse.csr_matrix((len(texts), 1), dtype=np.float64)


def _terms(value: str) -> list[str]:
    """A field's terms: ``;``-separated (keywords, MeSH headings, authors), lower-cased."""
    return [t.strip().lower() for t in str(value).split(";") if t.strip()]


def field_blocks(fields: Mapping[str, Sequence[str]], n: int,
                 weights: Mapping[str, float] | None = None) -> list[sparse.csr_matrix]:
    """One weighted TF-IDF block per field in ``weights`` that has any terms.

    Args:
        fields: field name -> one value per record (``""`` when a record has none).
        n: the number of records (every value list must have this length).
        weights: field name -> its block's weight (default :data:`FIELD_WEIGHTS`).
    """
    from sklearn.feature_extraction.text import TfidfVectorizer

    blocks = []
    for name, weight in (FIELD_WEIGHTS if weights is None else weights).items():
        values = fields.get(name)
        if values is None or len(values) != n or not any(str(v).strip() for v in values):
            continue
        for max_df in (0.95, 1.0):
            vectoriser = TfidfVectorizer(analyzer=_terms, sublinear_tf=True, max_df=max_df)
            try:
                blocks.append(weight * sparse.csr_matrix(vectoriser.fit_transform(list(values))))
                break
            except ValueError:  # no term left
                continue
    return blocks


def lsa_block(X: sparse.csr_matrix, seed: int) -> sparse.csr_matrix | None:
    """Truncated SVD of the TF-IDF matrix (rows unit length, weighted), or None if too small."""
    from sklearn.decomposition import TruncatedSVD

    k = min(LSA_DIMENSIONS, min(X.shape) - 1)
    if k < 2:
        return None
    dense = TruncatedSVD(n_components=k, random_state=seed).fit_transform(X)
    norms = np.linalg.norm(dense, axis=1, keepdims=True)
    dense = np.divide(dense, norms, out=np.zeros_like(dense), where=norms > 0)
    return sparse.csr_matrix(LSA_WEIGHT * dense)


def stack(blocks: Sequence[sparse.spmatrix]) -> sparse.csr_matrix:
    """Blocks side by side, every row scaled back to unit length."""
    if len(blocks) == 1:
        return sparse.csr_matrix(blocks[0])
    from sklearn.preprocessing import normalize

    return sparse.csr_matrix(normalize(sparse.hstack(list(blocks)).tocsr()))
