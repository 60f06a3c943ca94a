"""Prioritised screening: rank unscreened records, most likely relevant first.

:class:`Ranker` vectorises every title + abstract once (TF-IDF, word 1-2 grams, sublinear
term frequency), then for each set of decisions fits a small linear model on the labelled
rows and scores every row. Fitting a sparse linear model on a few thousand rows and one
sparse matrix-vector product take tens of milliseconds, so the order can be redone after
every decision (benchmarks/ranking_speed.py holds the figure for 10,000 records).

Until the decisions hold both a relevant and an irrelevant record, there is nothing to
train on: the *cold start* ranks by the protocol's keywords (include keywords up, exclude
keywords down, rarer keywords weigh more), plus similarity to whatever has been labelled.

:meth:`Ranker.estimate_remaining` bounds how many relevant records are among those not yet
screened (:mod:`review.screening.stopping`, Callaghan & Müller-Hansen 2020). It is an
estimate: stopping early is the reviewer's decision, never the tool's.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence

import numpy as np
from scipy import sparse

from review.screening.stopping import STOPPING_NOTE, RemainingEstimate, estimate_remaining

__all__ = ["FEATURES_NAME", "STOPPING_NOTE", "Ranker", "RemainingEstimate", "keyword_scores"]

#: The features' name, as reported by ``review screen simulate`` (see ``Ranker.description``).
FEATURES_NAME = "tfidf(1-2gram,sublinear)"

TOKEN_PATTERN = r"(?u)\b\w\w+\b"


def _keyword_pattern(keyword: str) -> re.Pattern[str] | None:
    """A case-insensitive whole-word pattern; ``*`` is a truncation wildcard (``nudg*``)."""
    words = re.findall(r"[\w*]+", keyword.lower())
    if not words:
        return None
    parts = [re.escape(w).replace(r"\*", r"\w*") for w in words]
    return re.compile(r"\b" + r"\W+".join(parts) + r"\b", re.IGNORECASE)


def keyword_scores(texts: Sequence[str], include: Sequence[str], exclude: Sequence[str]) -> np.ndarray:
    """The cold-start score of each text from the protocol's keywords.

    Each keyword adds (include) or subtracts (exclude) ``idf * log(1 + hits)``, where
    ``idf = log((1 + N) / (1 + texts containing it)) + 1``: a keyword found in few texts
    says more than one found everywhere, and a second hit counts less than the first.

    Args:
        texts: the records' title + abstract.
        include: include keywords; ``*`` truncates (``nudg*``), a phrase matches its words
            in sequence.
        exclude: exclude keywords, same syntax.
    """
    n = len(texts)
    score = np.zeros(n, dtype=np.float64)
    lowered = [t.lower() for t in texts]
    for sign, keywords in ((1.0, include), (-1.0, exclude)):
        for keyword in keywords:
            pattern = _keyword_pattern(keyword)
            if pattern is None:
                continue
            hits = np.fromiter((len(pattern.findall(t)) for t in lowered), dtype=np.float64, count=n)
            df = int(np.count_nonzero(hits))
            if df == 0:
                continue
            idf = math.log((1 + n) / (1 + df)) + 1.0
            score += sign * idf * np.log1p(hits)
    return score


def _balanced_weights(y: np.ndarray, ratio: float) -> np.ndarray:
    """ASReview's "balanced" sample weights: irrelevant records weigh ``1 / ratio`` as much
    in total as relevant ones, rescaled so the weights sum to the number of rows."""
    pos = int(y.sum())
    neg = len(y) - pos
    w = np.where(y == 1, 1.0, pos / (ratio * neg))
    return w * (len(y) / w.sum())


def _standardise(s: np.ndarray) -> np.ndarray:
    sd = float(s.std())
    return (s - s.mean()) / sd if sd > 0 else s - s.mean()


class Ranker:
    """Scores and orders records for screening; retrain by calling it with new labels.

    Args:
        texts: one text per record (title and abstract joined); the index of a text is
            the record's index in ``labels``.
        include_keywords: the protocol's include keywords, for the cold start.
        exclude_keywords: the protocol's exclude keywords, for the cold start.
        seed: random seed of the model (the SVM's coordinate descent).
        model: ``"svm"`` (default), ``"svm+nb"`` or ``"nb"``; see ``MODELS``.
    """

    MODELS = ("svm", "svm+nb", "nb")
    #: Irrelevant decisions the SVM trains on at most (keeps a retrain fast at 10,000 records).
    SVM_MAX_IRRELEVANT = 1500
    #: The SVM's regularisation and balance ratio (relevant decisions together weigh
    #: ``SVM_RATIO`` times the irrelevant ones): ASReview's "elas_u4" values, which the
    #: leave-one-review-out benchmark over ten reviews kept (docs/screening-prioritisation.md).
    SVM_C = 0.11
    SVM_RATIO = 9.8
    #: Naive Bayes' smoothing and balance ratio (ASReview's "elas_u3").
    NB_ALPHA = 3.822
    NB_RATIO = 1.2

    def __init__(
        self,
        texts: Sequence[str],
        *,
        include_keywords: Sequence[str] = (),
        exclude_keywords: Sequence[str] = (),
        seed: int = 0,
        model: str = "svm",
    ) -> None:
        if model not in self.MODELS:
            raise ValueError(f"unknown model {model!r}; choose from {', '.join(self.MODELS)}")
        self.n = len(texts)
        self.seed = seed
        self.model = model
        clean = [t if isinstance(t, str) else "" for t in texts]
        self.X = self._vectorise(clean)
        self.keyword_scores = keyword_scores(clean, include_keywords, exclude_keywords)
        self._cache_key: frozenset[tuple[int, int]] | None = None
        self._cache: np.ndarray | None = None
        # X transposed, for naive Bayes' one-product fit
        self._XT = sparse.csr_matrix(self.X.T) if "nb" in model else None

    def _vectorise(self, texts: list[str]) -> sparse.csr_matrix:
        from sklearn.feature_extraction.text import TfidfVectorizer

        for max_df in (0.95, 1.0):  # tiny corpora: a word in every text is still a word
            vectoriser = TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=1,
                                         max_df=max_df, token_pattern=TOKEN_PATTERN)
            try:
                return sparse.csr_matrix(vectoriser.fit_transform(texts))
            except ValueError:  # empty vocabulary
                continue
        return sparse.csr_matrix((self.n, 1), dtype=np.float64)

    @property
    def description(self) -> str:
        """The model in one line, e.g. ``tfidf(1-2gram,sublinear)+svm(C=0.11,balanced=20.0)``."""
        parts = {
            "svm": f"svm(C={self.SVM_C},balanced={self.SVM_RATIO})",
            "nb": f"nb(alpha={self.NB_ALPHA},balanced={self.NB_RATIO})",
        }
        return f"{FEATURES_NAME}+" + "+".join(parts[m] for m in self.model.split("+"))

    # ------------------------------------------------------------------ public API

    def scores(self, labels: Mapping[int, int]) -> np.ndarray:
        """A score per text, higher = more likely relevant.

        Args:
            labels: record index -> 1 (relevant) or 0 (irrelevant).

        Returns:
            One float per text (labelled ones too). With both classes labelled, the
            model's score; otherwise the cold start (keywords and similarity to labelled
            records).
        """
        key = frozenset((int(i), int(v)) for i, v in labels.items())
        if key != self._cache_key or self._cache is None:
            idx, y = self._arrays(labels)
            if 0 < y.sum() < len(y):
                self._cache = self._fit_score(idx, y)
            else:
                self._cache = self._cold_start(idx, y)
            self._cache_key = key
        return self._cache.copy()

    def order(self, labels: Mapping[int, int]) -> list[int]:
        """Indices of unlabelled records, most likely relevant first (ties: input order)."""
        s = self.scores(labels)
        mask = np.ones(self.n, dtype=bool)
        if labels:
            mask[np.fromiter(labels.keys(), dtype=np.int64, count=len(labels))] = False
        pool = np.flatnonzero(mask)
        return pool[np.argsort(-s[pool], kind="stable")].tolist()

    def next_best(self, labels: Mapping[int, int]) -> int | None:
        """The unlabelled record to screen next (what :meth:`order` puts first), or None."""
        s = self.scores(labels)
        if labels:
            s[np.fromiter(labels.keys(), dtype=np.int64, count=len(labels))] = -np.inf
        if len(labels) >= self.n:
            return None
        return int(np.argmax(s))

    # ------------------------------------------------------------------ internals

    def _arrays(self, labels: Mapping[int, int]) -> tuple[np.ndarray, np.ndarray]:
        idx = np.fromiter((int(i) for i in labels), dtype=np.int64, count=len(labels))
        y = np.fromiter((int(v) for v in labels.values()), dtype=np.int64, count=len(labels))
        if idx.size and (idx.min() < 0 or idx.max() >= self.n):
            raise IndexError(f"label index out of range 0..{self.n - 1}")
        if y.size and not np.isin(y, (0, 1)).all():
            raise ValueError("labels must be 0 (irrelevant) or 1 (relevant)")
        order = np.argsort(idx, kind="stable")  # the fit must not depend on dict order
        return idx[order], y[order]

    def _cold_start(self, idx: np.ndarray, y: np.ndarray) -> np.ndarray:
        kw = self.keyword_scores
        top = float(np.abs(kw).max()) if kw.size else 0.0
        score = kw / top if top > 0 else np.zeros(self.n)
        for value, sign in ((1, 1.0), (0, -1.0)):
            rows = idx[y == value]
            if rows.size:
                centroid = np.asarray(self.X[rows].mean(axis=0)).ravel()
                score = score + sign * (self.X @ centroid)
        return score

    def _svm_rows(self, idx: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The decisions the SVM trains on: every relevant one and at most ``SVM_MAX_IRRELEVANT``
        irrelevant ones, those most like the relevant records (the likely support vectors:
        an irrelevant record far from every relevant one sits outside the margin and does
        not move the SVM). Below the cap, every decision."""
        negatives = np.flatnonzero(y == 0)
        if negatives.size <= self.SVM_MAX_IRRELEVANT:
            return idx, y
        positives = np.flatnonzero(y == 1)
        centroid = np.asarray(self.X[idx[positives]].mean(axis=0)).ravel()
        closeness = self.X[idx[negatives]] @ centroid
        keep = negatives[np.argsort(-closeness, kind="stable")[: self.SVM_MAX_IRRELEVANT]]
        rows = np.sort(np.concatenate([positives, keep]))
        return idx[rows], y[rows]

    def _svm_weights(self, idx: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
        """Linear SVM (squared hinge loss, ``SVM_C``, ASReview's "balanced" sample weights
        with ratio ``SVM_RATIO``)."""
        from sklearn.svm import LinearSVC

        idx, y = self._svm_rows(idx, y)
        clf = LinearSVC(C=self.SVM_C, loss="squared_hinge", random_state=self.seed)
        clf.fit(self.X[idx], y, sample_weight=_balanced_weights(y, self.SVM_RATIO))
        return clf.coef_.ravel(), float(clf.intercept_[0])

    def _nb_weights(self, idx: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, float]:
        """Multinomial naive Bayes (alpha 3.822, balanced weights with ratio 1.2: ASReview's
        "elas_u3" settings) as log-odds weights; the fit is one sparse product."""
        alpha = self.NB_ALPHA
        w = _balanced_weights(y, self.NB_RATIO)
        by_class = np.zeros((self.n, 2))
        by_class[idx, 0] = w * (y == 0)
        by_class[idx, 1] = w * (y == 1)
        if self._XT is None:
            self._XT = sparse.csr_matrix(self.X.T)
        counts = np.asarray(self._XT @ by_class) + alpha  # features x 2
        log_prob = np.log(counts) - np.log(counts.sum(axis=0))
        prior = np.log(by_class.sum(axis=0))
        return log_prob[:, 1] - log_prob[:, 0], float(prior[1] - prior[0])

    def _fit_score(self, idx: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Fit on the decisions ``(idx, y)`` and score every record.

        ``svm+nb`` adds the two models' scores after scaling each to mean 0 and standard
        deviation 1 over all records, so neither dominates by its scale.
        """
        parts = []
        if self.model in ("svm", "svm+nb"):
            parts.append(self._svm_weights(idx, y))
        if self.model in ("nb", "svm+nb"):
            parts.append(self._nb_weights(idx, y))
        weights = np.column_stack([w for w, _ in parts])
        raw = np.asarray(self.X @ weights) + np.array([b for _, b in parts])
        if raw.shape[1] == 1:
            return raw[:, 0].astype(np.float64)
        return sum(_standardise(raw[:, j]) for j in range(raw.shape[1]))

    # ------------------------------------------------------------------ estimate

    def estimate_remaining(self, labels: Mapping[int, int]) -> RemainingEstimate:
        """How many relevant records may remain among the unlabelled ones.

        Args:
            labels: record index -> 1/0, **in the order the decisions were made** (a dict
                keeps its insertion order): the bound reads the most recent decisions.

        Returns:
            :func:`review.screening.stopping.estimate_remaining` over the decisions: an
            upper bound at 95% confidence (Callaghan & Müller-Hansen 2020), or, before
            there are enough decisions, how many more are needed.
        """
        self._arrays(labels)  # the same checks as a ranking
        return estimate_remaining([int(v) for v in labels.values()], self.n)
