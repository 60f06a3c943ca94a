"""The linear models the rankers fit (:mod:`review.screening.prioritise`).

Each fit takes the training rows (sparse, one per decision) and their 0/1 labels and
returns ``(weights, intercept)``: a record's score is ``x @ weights + intercept``. The
settings are ASReview's where it has them ("elas_u4" for the SVM, "elas_u3" for naive
Bayes); :class:`~review.screening.prioritise.Ranker` holds them as class attributes.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

__all__ = ["balanced_weights", "lr_weights", "nb_weights", "standardise", "svm_weights"]


def balanced_weights(y: np.ndarray, ratio: float) -> np.ndarray:
    """ASReview's "balanced" sample weights: irrelevant records weigh ``1 / ratio`` as much
    in total as relevant ones, rescaled so the weights sum to the number of rows."""
    pos = int(y.sum())
    neg = len(y) - pos
    w = np.where(y == 1, 1.0, pos / (ratio * neg))
    return w * (len(y) / w.sum())


def standardise(s: np.ndarray) -> np.ndarray:
    """Scores scaled to mean 0 and standard deviation 1 (only centred if all are equal)."""
    sd = float(s.std())
    return (s - s.mean()) / sd if sd > 0 else s - s.mean()


def svm_weights(X: sparse.csr_matrix, y: np.ndarray, *, c: float, ratio: float,
                seed: int) -> tuple[np.ndarray, float]:
    """Linear SVM (squared hinge loss, regularisation ``c``, balanced weights at ``ratio``)."""
    from sklearn.svm import LinearSVC

    clf = LinearSVC(C=c, loss="squared_hinge", random_state=seed)
    clf.fit(X, y, sample_weight=balanced_weights(y, ratio))
    return clf.coef_.ravel(), float(clf.intercept_[0])


def lr_weights(X: sparse.csr_matrix, y: np.ndarray, *, c: float, ratio: float, seed: int,
               dual: bool = False) -> tuple[np.ndarray, float]:
    """Logistic regression (liblinear, regularisation ``c``, balanced weights at ``ratio``).

    ``dual=True`` solves the same L2-regularised problem in the dual, over the decisions
    instead of the features: with a few hundred decisions and hundreds of thousands of
    features that is an order of magnitude faster, for the same weights up to the solver's
    tolerance.
    """
    from sklearn.linear_model import LogisticRegression

    clf = LogisticRegression(C=c, solver="liblinear", dual=dual, random_state=seed)
    clf.fit(X, y, sample_weight=balanced_weights(y, ratio))
    return clf.coef_.ravel(), float(clf.intercept_[0])


def nb_weights(X: sparse.csr_matrix, y: np.ndarray, *, alpha: float, ratio: float) -> tuple[np.ndarray, float]:
    """Multinomial naive Bayes (smoothing ``alpha``, balanced weights at ``ratio``) as
    log-odds weights; the fit is one sparse product."""
    w = balanced_weights(y, ratio)
    by_class = np.column_stack([w * (y == 0), w * (y == 1)])
    counts = np.asarray(X.T @ by_class) + alpha  # features x 2
    log_prob = np.log(counts) - np.log(counts.sum(axis=0))
    prior = np.log(by_class.sum(axis=0))
    return log_prob[:, 1] - log_prob[:, 0], float(prior[1] - prior[0])
