"""Replay a labelled screening dataset through the ranking model, and measure it.

``review screen simulate LABELLED.csv`` calls :func:`simulate`: like ASReview's simulation,
it starts from one relevant and one irrelevant record drawn with the seed, then "screens"
one record at a time in the order :class:`~review.screening.prioritise.Ranker` proposes,
retraining after every decision (``retrain_every=1``, ASReview's default too), and reveals
each record's true label as it goes.

Metrics (``screened`` always counts the two starting records):

- **recall@p** (:func:`recall_at`): relevant records found after ``ceil(p * N)`` records
  screened, divided by all relevant records.
- **WSS@95** (:func:`wss`): Cohen et al. (2006), work saved over sampling at 95% recall,
  ``(N - n95) / N - 0.05`` where ``n95`` is the number screened when recall first reaches
  95%, i.e. when ``ceil(0.95 * R)`` of the ``R`` relevant records have been found.
- **screened to find all** (:func:`screened_to_recall`): records screened when the last
  relevant record turns up.

By default the replay stops once every relevant record is found (ASReview does the same):
recall stays 1.0 from there on, so no metric changes.
"""

from __future__ import annotations

import csv
import io
import math
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from review.errors import InputError
from review.screening.prioritise import Ranker
from review.screening.recall_plot import plot_curve

__all__ = ["LabelledSet", "SimulationResult", "draw_prior", "load_labelled", "plot_curve", "recall_at",
           "screened_to_recall", "simulate", "write_curve_csv", "wss"]

#: Label columns tried, in order, when none is given.
LABEL_COLUMNS = ("label_included", "label", "included")
#: Fractions of records screened at which recall is reported.
RECALL_POINTS = (0.10, 0.25, 0.50)
ENCODINGS = ("utf-8-sig", "cp1252")


# --------------------------------------------------------------------------- metrics


def _found_counts(labels_in_order: Sequence[int]) -> np.ndarray:
    return np.cumsum(np.asarray(labels_in_order, dtype=np.int64))


def screened_to_recall(labels_in_order: Sequence[int], relevant: int, recall: float) -> int | None:
    """Records screened when recall first reaches ``recall``.

    Args:
        labels_in_order: the true labels (1/0) in the order records were screened.
        relevant: the number of relevant records in the whole dataset.
        recall: the target, between 0 and 1.

    Returns:
        The 1-based count of records screened, or ``None`` if never reached.
    """
    if relevant <= 0:
        return None
    needed = max(1, math.ceil(round(recall * relevant, 9)))
    found = _found_counts(labels_in_order)
    hits = np.flatnonzero(found >= needed)
    return int(hits[0]) + 1 if hits.size else None


def wss(labels_in_order: Sequence[int], records: int, relevant: int, recall: float = 0.95) -> float:
    """Work saved over sampling at ``recall`` (Cohen et al., 2006).

    ``(N - n) / N - (1 - recall)``, where ``n`` is the number of records screened when recall
    first reaches ``recall``. Records never screened count as screened last, so a replay that
    never reaches the target scores as if it had screened everything.

    Args:
        labels_in_order: the true labels (1/0) in the order records were screened.
        records: N, every record in the dataset.
        relevant: the number of relevant records in the dataset.
        recall: the recall level, 0.95 for WSS@95.
    """
    n = screened_to_recall(labels_in_order, relevant, recall)
    n = records if n is None else n
    return (records - n) / records - (1.0 - recall)


def recall_at(labels_in_order: Sequence[int], records: int, relevant: int, fraction: float) -> float:
    """Recall after ``ceil(fraction * N)`` records have been screened.

    Args:
        labels_in_order: the true labels (1/0) in the order records were screened; if it
            stops early (every relevant record found), recall past its end is 1.0.
        records: N, every record in the dataset.
        relevant: the number of relevant records in the dataset.
        fraction: the share of records screened, e.g. 0.10.
    """
    k = min(records, math.ceil(round(fraction * records, 9)))
    found = _found_counts(labels_in_order)
    if k <= 0 or relevant <= 0:
        return 0.0
    got = int(found[min(k, found.size) - 1]) if found.size else 0
    return got / relevant


# --------------------------------------------------------------------------- input


@dataclass(frozen=True)
class LabelledSet:
    """A labelled dataset read from a CSV: texts and their 0/1 labels."""

    path: Path
    label_column: str
    titles: list[str]
    texts: list[str]
    labels: np.ndarray
    #: Other fields the ``fields`` model reads, where the file has them (see ``FIELD_COLUMNS``).
    fields: dict[str, list[str]] = field(default_factory=dict)


#: Field -> the columns it is read from (first present), for the ``fields`` model.
FIELD_COLUMNS = {"keywords": ("keywords", "mesh", "mesh_terms"), "authors": ("authors", "author"),
                 "journal": ("journal", "secondary_title", "source_title")}


def _row_lines(text: str, sep: str) -> list[int]:
    """The 1-based line on which each data row starts (quoted fields may span lines)."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=sep)
    starts: list[int] = []
    previous_end = 0
    for _row in reader:
        starts.append(previous_end + 1)
        previous_end = reader.line_num
    return starts[1:]


def _read_frame(path: Path) -> tuple[Any, str, str]:
    import pandas as pd

    if not path.is_file():
        raise InputError("no such file", path=path)
    raw = path.read_bytes()
    if not raw.strip():
        raise InputError("the file is empty", path=path)
    text: str | None = None
    for encoding in ENCODINGS:
        try:
            text = raw.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    if text is None:  # pragma: no cover - cp1252 decodes nearly anything
        raise InputError("cannot decode the file (tried UTF-8 and cp1252)", path=path)
    try:
        first = text.splitlines()[0]
        sep = max((",", ";", "\t"), key=first.count)
        frame = pd.read_csv(io.StringIO(text), sep=sep, dtype=str, keep_default_na=False)
        return frame, text, sep
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as e:
        line = None
        msg = str(e).strip().splitlines()[-1] if str(e).strip() else "cannot parse the CSV"
        found = re.search(r"line (\d+)", msg)
        if found:
            line = int(found.group(1))
        raise InputError(f"not a readable CSV ({msg})", path=path, line=line) from e


def _find_column(columns: Sequence[str], wanted: str) -> str | None:
    lowered = {c.strip().lower(): c for c in columns}
    return lowered.get(wanted.strip().lower())


def load_labelled(path: str | Path, label_column: str | None = None) -> LabelledSet:
    """Read a labelled screening CSV (title, abstract and a 0/1 label column).

    Tries UTF-8 (with or without BOM), then cp1252; the delimiter (comma, semicolon or tab)
    is taken from the header line. An empty or missing abstract is fine.

    Args:
        path: the CSV file.
        label_column: the label column; default the first of ``label_included``, ``label``,
            ``included`` present.

    Raises:
        InputError: missing file, no title column, no label column, a label that is not 0
            or 1 (naming its line), or no relevant record.
    """
    path = Path(path)
    frame, text, sep = _read_frame(path)
    columns = [str(c) for c in frame.columns]
    title_col = _find_column(columns, "title") or _find_column(columns, "primary_title")
    if title_col is None:
        raise InputError("no 'title' column", path=path, field="title")
    abstract_col = _find_column(columns, "abstract")
    if label_column is not None:
        label_col = _find_column(columns, label_column)
        if label_col is None:
            raise InputError(f"no label column '{label_column}' (columns: {', '.join(columns)})",
                             path=path, field=label_column)
    else:
        label_col = next((c for name in LABEL_COLUMNS if (c := _find_column(columns, name))), None)
        if label_col is None:
            raise InputError(f"no label column: expected one of {', '.join(LABEL_COLUMNS)} "
                             "(or pass --label-column)", path=path, field=LABEL_COLUMNS[0])
    values = frame[label_col].astype(str).str.strip()
    labels = np.zeros(len(values), dtype=np.int8)
    for i, value in enumerate(values):
        if value in ("1", "1.0"):
            labels[i] = 1
        elif value not in ("0", "0.0"):
            lines = _row_lines(text, sep)
            line = lines[i] if i < len(lines) else i + 2
            shown = repr(value) if value else "an empty cell"
            raise InputError(f"label must be 0 or 1, got {shown}", path=path, line=line,
                             field=label_col)
    if len(labels) < 2:
        raise InputError("needs at least two labelled records", path=path)
    if not labels.any():
        raise InputError("no relevant records (no label 1): nothing to find", path=path,
                         field=label_col)
    if labels.all():
        raise InputError("no irrelevant records (no label 0): nothing to rank", path=path,
                         field=label_col)
    titles = frame[title_col].astype(str).tolist()
    abstracts = frame[abstract_col].astype(str).tolist() if abstract_col else [""] * len(titles)
    texts = [f"{t} {a}".strip() for t, a in zip(titles, abstracts, strict=True)]
    fields = {name: frame[col].astype(str).tolist() for name, names in FIELD_COLUMNS.items()
              if (col := next((c for n in names if (c := _find_column(columns, n))), None))}
    return LabelledSet(path, label_col, titles, texts, labels, fields)


# --------------------------------------------------------------------------- simulation


@dataclass
class Checkpoint:
    """The estimate of relevant records remaining, checked against the truth.

    ``estimated_remaining`` (the median estimate) and ``high`` (the 95% upper bound) are
    None while there are too few decisions for a figure (see
    :func:`review.screening.stopping.estimate_remaining`).
    """

    screened: int
    found: int
    estimated_remaining: float | None
    low: float
    high: float | None
    true_remaining: int


@dataclass
class SimulationResult:
    """What :func:`simulate` measured. ``order`` lists record indices (0-based data rows)
    in the order they were screened; the first two are the starting records."""

    path: str
    label_column: str
    records: int
    relevant: int
    seed: int
    model: str
    retrain_every: int
    prior: list[int]
    order: list[int]
    labels_in_order: list[int]
    recall: dict[float, float]
    wss_at_95: float
    wss_at_100: float
    screened_to_95: int | None
    screened_to_find_all: int | None
    seconds: float
    checkpoints: list[Checkpoint] = field(default_factory=list)

    def curve(self) -> list[dict[str, float | int]]:
        """The recall curve, one row per record screened: step, record, label, found,
        recall, screened fraction. Stops where the replay stopped."""
        rows: list[dict[str, float | int]] = []
        found = 0
        for step, (record, label) in enumerate(zip(self.order, self.labels_in_order, strict=True), 1):
            found += label
            rows.append({"screened": step, "record": record, "label": label, "found": found,
                         "recall": found / self.relevant, "fraction_screened": step / self.records})
        return rows

    def to_json(self) -> dict[str, Any]:
        """The JSON contract of ``review screen simulate --json`` (no per-record lists)."""
        data: dict[str, Any] = {
            "file": self.path,
            "label_column": self.label_column,
            "records": self.records,
            "relevant": self.relevant,
            "seed": self.seed,
            "model": self.model,
            "retrain_every": self.retrain_every,
            "prior": self.prior,
            "wss_at_95": round(self.wss_at_95, 6),
            "wss_at_100": round(self.wss_at_100, 6),
            "screened_to_95": self.screened_to_95,
            "screened_to_find_all": self.screened_to_find_all,
        }
        for fraction, value in self.recall.items():
            data[f"recall_at_{round(fraction * 100)}pct"] = round(value, 6)
        data["estimates"] = [asdict(c) for c in self.checkpoints]
        data["seconds"] = round(self.seconds, 3)
        return data


def draw_prior(labels: np.ndarray, seed: int) -> list[int]:
    """The starting pair: one relevant and one irrelevant record drawn with ``seed``."""
    rng = np.random.default_rng(seed)
    relevant = np.flatnonzero(labels == 1)
    irrelevant = np.flatnonzero(labels == 0)
    return [int(rng.choice(relevant)), int(rng.choice(irrelevant))]


def simulate(
    path: str | Path,
    *,
    label_column: str | None = None,
    seed: int = 0,
    retrain_every: int = 1,
    full: bool = False,
    prior: Sequence[int] | None = None,
    model: str | None = None,
    protocol: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> SimulationResult:
    """Replay a labelled CSV through :class:`Ranker`, one record at a time.

    Args:
        path: a CSV with a title, an abstract (may be empty) and a 0/1 label column.
        label_column: the label column (default: ``label_included``, ``label`` or
            ``included``, the first present).
        seed: draws the starting pair and seeds the model.
        retrain_every: retrain after every ``k`` decisions (1 = after each, like ASReview);
            in between, the next records come from the last order.
        full: screen every record instead of stopping when all relevant ones are found.
        prior: the two starting record indices (0-based data rows) instead of drawing them.
        model: the ranker's model (see ``Ranker.MODELS``; default ``Ranker.DEFAULT_MODEL``).
        protocol: the review's question and criteria as text (read by the models of
            ``Ranker.PROTOCOL_MODELS``).
        progress: called as ``progress(relevant_found, relevant)`` after each record.

    Raises:
        InputError: unreadable file, missing column, bad label, no relevant record.
    """
    if retrain_every < 1:
        raise InputError("must be 1 or more", field="retrain_every")
    data = load_labelled(path, label_column)
    labels = data.labels
    n, relevant = len(labels), int(labels.sum())
    start = time.perf_counter()
    try:
        ranker = Ranker(data.texts, seed=seed, model=model, fields=data.fields, protocol=protocol)
    except ValueError as e:
        raise InputError(str(e), field="model") from e
    first = list(prior) if prior is not None else draw_prior(labels, seed)
    decided: dict[int, int] = {}
    order: list[int] = []
    found = 0
    queue: list[int] = []
    checks = {min(n, math.ceil(round(p * n, 9))) for p in RECALL_POINTS}
    checkpoints: list[Checkpoint] = []

    def screen(i: int) -> None:
        nonlocal found
        decided[i] = int(labels[i])
        order.append(i)
        found += int(labels[i])
        if progress is not None:
            progress(found, relevant)
        if len(order) in checks and found < relevant:
            est = ranker.estimate_remaining(decided)
            checkpoints.append(Checkpoint(len(order), found, est.expected, est.low, est.high,
                                          relevant - found))

    for i in first:
        screen(i)
    while len(order) < n and (full or found < relevant):
        if not queue:
            ranked = ranker.order(decided)
            queue = ranked[:retrain_every][::-1] if retrain_every > 1 else [ranked[0]]
        screen(queue.pop())
    seq = labels[order].astype(int).tolist()
    return SimulationResult(
        path=str(data.path), label_column=data.label_column, records=n, relevant=relevant,
        seed=seed, model=ranker.description, retrain_every=retrain_every, prior=first,
        order=order, labels_in_order=seq,
        recall={p: recall_at(seq, n, relevant, p) for p in RECALL_POINTS},
        wss_at_95=wss(seq, n, relevant, 0.95), wss_at_100=wss(seq, n, relevant, 1.0),
        screened_to_95=screened_to_recall(seq, relevant, 0.95),
        screened_to_find_all=screened_to_recall(seq, relevant, 1.0),
        seconds=time.perf_counter() - start, checkpoints=checkpoints,
    )


# --------------------------------------------------------------------------- outputs


def write_curve_csv(result: SimulationResult, path: str | Path) -> Path:
    """Write the recall curve as a tidy CSV (one row per record screened)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = result.curve()
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.DictWriter(f, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            writer.writerow({k: (f"{v:.6f}" if isinstance(v, float) else v) for k, v in row.items()})
    return path
