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

import copy
import math
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from review.errors import ConfigError
from review.screening import features
from review.screening import linear_models as lm
from review.screening.stopping import STOPPING_NOTE, RemainingEstimate, estimate_remaining

__all__ = ["FEATURES_NAME", "STOPPING_NOTE", "Ranker", "RemainingEstimate", "checked_model", "keyword_scores"]

#: The features' name, as reported by ``review screen simulate`` (see ``Ranker.description``).
FEATURES_NAME = "tfidf(1-2gram,sublinear)"

TOKEN_PATTERN = features.TOKEN_PATTERN


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


class Ranker:
    """Scores and orders records for screening; retrain by calling it with new labels.

    Args:
        texts: one text per record (title and abstract joined); the index of a text is
            the record's index in ``labels``.
        include_keywords: the protocol's include keywords, for the cold start.
        exclude_keywords: the protocol's exclude keywords, for the cold start.
        seed: random seed of the model (the SVM's coordinate descent, the LSA).
        model: one of ``MODELS`` (``"svm"`` is another name for ``"elas-u4"``); see
            docs/screening-prioritisation.md for what each does.
        fields: other fields per record (``keywords``, ``authors``, ``journal``: one
            value per text, ``;`` between terms), used by the ``fields`` and ``combo`` models.
        protocol: the review's question and criteria as text, used by the ``protocol`` and
            ``combo`` models (one more relevant training record, and the cold start).
        field_weight: the keywords block's weight in the models that read fields (default
            ``features.FIELD_WEIGHTS``; authors and journal get 0.4 times it): the
            benchmark's ``fields@W`` variants.
    """

    MODELS = ("elas-u4", "fields", "lsa", "ensemble", "resample", "explore", "protocol", "combo",
              "combo-fast", "combo-lite", "rerank", "svm+nb", "nb")
    #: The models that read the fields, and those that read the protocol.
    FIELD_MODELS = ("fields", "combo", "combo-fast", "combo-lite", "rerank")
    PROTOCOL_MODELS = ("protocol", "combo", "combo-fast", "combo-lite", "rerank")
    ALIASES = {"svm": "elas-u4"}
    #: What ``review screen`` and ``review screen simulate`` use unless told otherwise: the
    #: model the leave-one-review-out rule of docs/screening-prioritisation.md chose.
    DEFAULT_MODEL = "elas-u4"
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
    #: Logistic regression in the ensemble.
    LR_C = 1.0
    #: ``resample``: irrelevant decisions trained on per relevant one (and at least).
    RESAMPLE_PER_RELEVANT = 10
    RESAMPLE_MIN = 50
    #: ``explore``: every ``EXPLORE_EVERY``-th record is the most uncertain one while fewer
    #: than ``EXPLORE_UNTIL`` relevant records are found.
    EXPLORE_EVERY = 10
    EXPLORE_UNTIL = 10
    #: ``rerank``: how many of ELAS u4's first records the extra signal may re-order.
    RERANK_TOP = 10

    def __init__(
        self,
        texts: Sequence[str],
        *,
        include_keywords: Sequence[str] = (),
        exclude_keywords: Sequence[str] = (),
        seed: int = 0,
        model: str | None = None,
        fields: Mapping[str, Sequence[str]] | None = None,
        protocol: str = "",
        field_weight: float | None = None,
    ) -> None:
        model = self.ALIASES.get(model or self.DEFAULT_MODEL, model or self.DEFAULT_MODEL)
        if model not in self.MODELS:
            raise ValueError(f"unknown model {model!r}; choose from {', '.join(self.MODELS)}")
        self.n = len(texts)
        self.seed = seed
        self.model = model
        clean = [t if isinstance(t, str) else "" for t in texts]
        uses_protocol = model in self.PROTOCOL_MODELS and bool(protocol.strip())
        X = features.words(clean + [protocol] if uses_protocol else clean)
        blocks = [X]
        if model in self.FIELD_MODELS and fields:
            weights = None if field_weight is None else features.scaled_field_weights(field_weight)
            blocks += [sparse.vstack([b, sparse.csr_matrix((1, b.shape[1]))]) if uses_protocol else b
                       for b in features.field_blocks(fields, self.n, weights)]
        if model == "lsa" and (lsa := features.lsa_block(X, seed)) is not None:
            blocks.append(lsa)
        X = features.stack(blocks)
        #: ``rerank``: the extra signal's features (words + fields + protocol) and protocol row;
        #: the SVM keeps ELAS u4's own features.
        self.X_extra: sparse.csr_matrix | None = None
        self.extra_protocol_row: sparse.csr_matrix | None = None
        if model == "rerank":
            self.X_extra, self.extra_protocol_row = X[: self.n], (X[self.n:] if uses_protocol else None)
            X, uses_protocol = features.words(clean), False
        self.X = X[: self.n]
        #: The protocol as a feature row (trained on as one more relevant record), or None.
        self.protocol_row = X[self.n:] if uses_protocol else None
        self.keyword_scores = keyword_scores(clean, include_keywords, exclude_keywords)
        self._cache_key: frozenset[tuple[int, int]] | None = None
        self._cache: np.ndarray | None = None

    def fresh(self) -> Ranker:
        """A Ranker sharing this one's features (read-only) with a score cache of its own:
        one per reviewer over the same works (:mod:`review.screening.feature_cache`)."""
        other = copy.copy(self)
        other._cache_key, other._cache = None, None
        return other

    @property
    def description(self) -> str:
        """The model in one line, e.g. ``tfidf(1-2gram,sublinear)+svm(C=0.11,balanced=9.8) [elas-u4]``."""
        svm = f"svm(C={self.SVM_C},balanced={self.SVM_RATIO})"
        nb = f"nb(alpha={self.NB_ALPHA},balanced={self.NB_RATIO})"
        ensemble = f"{svm}+lr(C={self.LR_C},balanced={self.SVM_RATIO})+{nb}"
        text = {
            "elas-u4": f"{FEATURES_NAME}+{svm}",
            "fields": f"{FEATURES_NAME}+fields(keywords,authors,journal)+{svm}",
            "lsa": f"{FEATURES_NAME}+lsa({features.LSA_DIMENSIONS})+{svm}",
            "ensemble": f"{FEATURES_NAME}+{ensemble}",
            "resample": f"{FEATURES_NAME}+{svm}+resample({self.RESAMPLE_PER_RELEVANT}/relevant)",
            "explore": f"{FEATURES_NAME}+{svm}+explore(1/{self.EXPLORE_EVERY})",
            "protocol": f"{FEATURES_NAME}+protocol+{svm}",
            "combo": f"{FEATURES_NAME}+fields+protocol+{ensemble}",
            "combo-fast": f"{FEATURES_NAME}+fields+protocol+{ensemble.replace('lr(', 'lr(dual,')}",
            "combo-lite": f"{FEATURES_NAME}+fields+protocol+{svm}+{nb}",
            "rerank": f"{FEATURES_NAME}+{svm}+rerank(top {self.RERANK_TOP},fields+protocol+{nb})",
            "svm+nb": f"{FEATURES_NAME}+{svm}+{nb}",
            "nb": f"{FEATURES_NAME}+{nb}",
        }[self.model]
        return f"{text} [{self.model}]"

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
        """Indices of unlabelled records, most likely relevant first (ties: input order).

        ``explore``: while fewer than ``EXPLORE_UNTIL`` relevant records are labelled, at
        every ``EXPLORE_EVERY``-th decision the most uncertain record comes first.
        """
        s = self.scores(labels)
        mask = np.ones(self.n, dtype=bool)
        if labels:
            mask[np.fromiter(labels.keys(), dtype=np.int64, count=len(labels))] = False
        pool = np.flatnonzero(mask)
        ranked = pool[np.argsort(-s[pool], kind="stable")].tolist()
        if self._exploring(labels) and ranked:
            unsure = int(pool[np.argmin(np.abs(s[pool]))])
            ranked.remove(unsure)
            ranked.insert(0, unsure)
        return ranked

    def next_best(self, labels: Mapping[int, int]) -> int | None:
        """The unlabelled record to screen next (what :meth:`order` puts first), or None."""
        if len(labels) >= self.n:
            return None
        if self._exploring(labels):
            return self.order(labels)[0]
        s = self.scores(labels)
        if labels:
            s[np.fromiter(labels.keys(), dtype=np.int64, count=len(labels))] = -np.inf
        return int(np.argmax(s))

    # ------------------------------------------------------------------ internals

    def _exploring(self, labels: Mapping[int, int]) -> bool:
        if self.model != "explore" or len(labels) % self.EXPLORE_EVERY != 0:
            return False
        relevant = sum(1 for v in labels.values() if int(v) == 1)
        return 0 < relevant < self.EXPLORE_UNTIL and relevant < len(labels)

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
        if self.protocol_row is not None:
            score = score + np.asarray(self.X @ self.protocol_row.T.toarray()).ravel()
        for value, sign in ((1, 1.0), (0, -1.0)):
            rows = idx[y == value]
            if rows.size:
                centroid = np.asarray(self.X[rows].mean(axis=0)).ravel()
                score = score + sign * (self.X @ centroid)
        return score

    def _svm_rows(self, idx: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """The decisions the SVM trains on: every relevant one and at most ``SVM_MAX_IRRELEVANT``
        irrelevant ones (``resample``: 10 per relevant one, at least 50), those most like
        the relevant records (the likely support vectors: an irrelevant record far from
        every relevant one sits outside the margin and does not move the SVM). Below the
        cap, every decision."""
        negatives = np.flatnonzero(y == 0)
        positives = np.flatnonzero(y == 1)
        cap = self.SVM_MAX_IRRELEVANT
        if self.model == "resample":
            cap = min(cap, max(self.RESAMPLE_MIN, self.RESAMPLE_PER_RELEVANT * positives.size))
        if negatives.size <= cap:
            return idx, y
        centroid = np.asarray(self.X[idx[positives]].mean(axis=0)).ravel()
        closeness = self.X[idx[negatives]] @ centroid
        keep = negatives[np.argsort(-closeness, kind="stable")[:cap]]
        rows = np.sort(np.concatenate([positives, keep]))
        return idx[rows], y[rows]

    def _training(self, idx: np.ndarray, y: np.ndarray) -> tuple[sparse.csr_matrix, np.ndarray]:
        """The training rows (capped as :meth:`_svm_rows` says) and their labels; the
        protocol, when there is one, is one more relevant row."""
        idx, y = self._svm_rows(idx, y)
        X = self.X[idx]
        if self.protocol_row is not None:
            X = sparse.csr_matrix(sparse.vstack([X, self.protocol_row]))
            y = np.append(y, 1)
        return X, y

    def _svm_weights(self, X: sparse.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, float]:
        return lm.svm_weights(X, y, c=self.SVM_C, ratio=self.SVM_RATIO, seed=self.seed)

    def _lr_weights(self, X: sparse.csr_matrix, y: np.ndarray, dual: bool = False) -> tuple[np.ndarray, float]:
        return lm.lr_weights(X, y, c=self.LR_C, ratio=self.SVM_RATIO, seed=self.seed, dual=dual)

    def _nb_weights(self, X: sparse.csr_matrix, y: np.ndarray) -> tuple[np.ndarray, float]:
        return lm.nb_weights(X, y, alpha=self.NB_ALPHA, ratio=self.NB_RATIO)

    def _fit_score(self, idx: np.ndarray, y: np.ndarray) -> np.ndarray:
        """Fit on the decisions ``(idx, y)`` and score every record.

        Several models (``ensemble``, ``combo``, ``svm+nb``) add their scores after scaling
        each to mean 0 and standard deviation 1 over all records, so none dominates by its
        scale. Naive Bayes always sees every decision (its fit is one product).
        """
        fits = {"ensemble": ("svm", "lr", "nb"), "combo": ("svm", "lr", "nb"),
                "combo-fast": ("svm", "lr-dual", "nb"), "combo-lite": ("svm", "nb"),
                "svm+nb": ("svm", "nb"), "nb": ("nb",)}.get(self.model, ("svm",))
        X, yt = self._training(idx, y)
        parts = []
        for fit in fits:
            if fit == "nb":
                parts.append(self._nb_weights(self.X[idx], y))
            elif fit == "svm":
                parts.append(self._svm_weights(X, yt))
            else:
                parts.append(self._lr_weights(X, yt, dual=fit == "lr-dual"))
        weights = np.column_stack([w for w, _ in parts])
        raw = np.asarray(self.X @ weights) + np.array([b for _, b in parts])
        if self.model == "rerank":
            return self._reranked(lm.standardise(raw[:, 0]), idx, y)
        if raw.shape[1] == 1:
            return raw[:, 0].astype(np.float64)
        return sum(lm.standardise(raw[:, j]) for j in range(raw.shape[1]))

    def _reranked(self, elas: np.ndarray, idx: np.ndarray, y: np.ndarray) -> np.ndarray:
        """``rerank``: ELAS u4's standardised scores, except that its first ``RERANK_TOP``
        unlabelled records come first in the order of ELAS u4's + naive Bayes's
        standardised score (naive Bayes on words + fields, the protocol one more relevant
        record). Records past the first ``RERANK_TOP`` keep ELAS u4's order."""
        assert self.X_extra is not None
        X, yt = self.X_extra[idx], y
        if self.extra_protocol_row is not None:
            X, yt = sparse.csr_matrix(sparse.vstack([X, self.extra_protocol_row])), np.append(y, 1)
        w, b = self._nb_weights(X, yt)
        combined = elas + lm.standardise(np.asarray(self.X_extra @ w).ravel() + b)
        pool = np.ones(self.n, dtype=bool)
        pool[idx] = False
        unlabelled = np.flatnonzero(pool)
        top = unlabelled[np.argsort(-elas[unlabelled], kind="stable")[: self.RERANK_TOP]]
        rest = np.setdiff1d(unlabelled, top)
        floor = float(elas[rest].max()) if rest.size else 0.0
        out = elas.copy()
        out[top] = combined[top] - float(combined[top].min()) + floor + 1.0
        return out

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


def checked_model(value: object, *, path: Path | None = None) -> str | None:
    """review.toml's ``[screening] model`` as a name of :attr:`Ranker.MODELS` (None: the default).

    Raises:
        ConfigError: not a model's name (naming the file and ``screening.model``).
    """
    if value is None:
        return None
    name = Ranker.ALIASES.get(str(value), str(value))
    if name not in Ranker.MODELS:
        raise ConfigError(f"unknown model {value!r}; choose from {', '.join(Ranker.MODELS)}",
                          path=path, field="screening.model")
    return name
