"""``review screen simulate``: metric definitions, the replay, its outputs and its errors."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from review.cli import main
from review.errors import InputError
from review.screening.simulate import (
    load_labelled,
    plot_curve,
    recall_at,
    screened_to_recall,
    simulate,
    write_curve_csv,
    wss,
)

SAMPLE = Path(__file__).resolve().parent / "data" / "screening" / "Nagtegaal_2019_sample.csv"


def _simulate(runner: CliRunner, args: list[str]):
    """``review screen simulate ARGS`` through the real entry point (as a user runs it).

    Invoking the command object itself would build its help option outside ``main``'s
    context settings, and Click caches it: docs/cli.md would then differ (-h lost).
    """
    return runner.invoke(main, ["screen", "simulate", *args])


# ----------------------------------------------------------------- metrics, by hand


def test_wss_at_95_exact() -> None:
    # N = 10, R = 2: 95% recall needs both (ceil(1.9) = 2), found at the 3rd record.
    order = [1, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    assert screened_to_recall(order, 2, 0.95) == 3
    assert wss(order, 10, 2) == pytest.approx((10 - 3) / 10 - 0.05)
    # R = 20: 95% recall is the 19th relevant record, at position 19 here.
    order = [1] * 19 + [0] * 80 + [1]
    assert screened_to_recall(order, 20, 0.95) == 19
    assert wss(order, 100, 20) == pytest.approx(0.81 - 0.05)
    assert wss(order, 100, 20, recall=1.0) == pytest.approx(0.0)


def test_wss_of_random_order_is_about_zero_and_never_reached_counts_all() -> None:
    assert wss([0] * 9 + [1], 10, 1) == pytest.approx(-0.05)
    assert screened_to_recall([0, 0, 1], 2, 0.95) is None
    assert wss([0, 0, 1], 10, 2) == pytest.approx(-0.05)


def test_recall_at_10pct() -> None:
    order = [1, 0, 1, 0, 0, 1, 0, 0, 0, 0] * 2  # N = 20, R = 6
    assert recall_at(order, 20, 6, 0.10) == pytest.approx(1 / 6)  # first 2 records
    assert recall_at(order, 20, 6, 0.25) == pytest.approx(2 / 6)  # first 5
    assert recall_at(order, 20, 6, 0.50) == pytest.approx(3 / 6)  # first 10
    # N = 15: 10% is 1.5 records, rounded up to 2
    assert recall_at([0, 1] + [0] * 13, 15, 1, 0.10) == 1.0
    # a replay that stopped once everything was found keeps recall 1.0 afterwards
    assert recall_at([1, 1], 100, 2, 0.5) == 1.0


# ----------------------------------------------------------------- the replay


def test_simulation_beats_random_and_is_consistent() -> None:
    result = simulate(SAMPLE, seed=0)
    assert result.records == 300 and result.relevant == 30
    assert result.label_column == "label_included"
    assert result.order[:2] == result.prior and result.labels_in_order[:2] == [1, 0]
    assert len(set(result.order)) == len(result.order)
    assert result.screened_to_find_all == len(result.order)
    assert sum(result.labels_in_order) == 30
    assert result.wss_at_95 > 0.3  # random order: about 0
    assert result.recall[0.10] >= 0.2  # random order: about 0.10
    assert result.recall[0.25] > 0.5  # random order: about 0.25
    assert result.checkpoints and all(c.true_remaining > 0 for c in result.checkpoints)


def test_stopping_bound_at_checkpoints_holds_and_says_when_it_has_no_figure() -> None:
    result = simulate(SAMPLE, seed=0)
    early, later = result.checkpoints[0], result.checkpoints[-1]
    assert early.screened == 30 and early.high is None and early.estimated_remaining is None
    assert later.high is not None and later.true_remaining <= later.high
    output = _simulate(CliRunner(), [str(SAMPLE), "--quiet"]).output
    assert f"remaining @ 10.0%     no figure yet (too few decisions); truly {early.true_remaining}" in output
    assert f"at most {later.high:.0f} (95% bound); truly {later.true_remaining}" in output
    data = json.loads(_simulate(CliRunner(), [str(SAMPLE), "--json"]).output)
    assert data["estimates"][0]["high"] is None and data["estimates"][-1]["high"] == later.high


def test_other_label_column_and_retrain_every(tmp_path: Path) -> None:
    result = simulate(SAMPLE, label_column="label_abstract_screening", seed=3, retrain_every=5)
    assert result.relevant == 78 and result.retrain_every == 5 and result.seed == 3


def test_full_replay_and_writers(tmp_path: Path) -> None:
    result = simulate(SAMPLE, seed=1, full=True, retrain_every=10)
    assert len(result.order) == 300
    curve = write_curve_csv(result, tmp_path / "curve.csv")
    lines = curve.read_text(encoding="utf-8").splitlines()
    assert lines[0] == "screened,record,label,found,recall,fraction_screened"
    assert len(lines) == 301 and lines[-1].split(",")[4] == "1.000000"
    svg = plot_curve(result, tmp_path / "curve.svg")
    assert svg.read_text(encoding="utf-8").lstrip().startswith("<?xml")


def test_reads_cp1252_semicolons_and_empty_abstracts(tmp_path: Path) -> None:
    path = tmp_path / "labelled.csv"
    rows = ["Title;Abstract;Included"] + [
        f"Caf\xe9 study {i};{'nudge' if i % 3 == 0 else ''};{1 if i % 3 == 0 else 0}" for i in range(12)
    ]
    path.write_bytes("\r\n".join(rows).encode("cp1252"))
    data = load_labelled(path)
    assert data.label_column == "Included" and data.labels.sum() == 4
    assert data.texts[1] == "Caf\xe9 study 1"


# ----------------------------------------------------------------- the command


def test_json_contract_and_determinism() -> None:
    runner = CliRunner()
    args = [str(SAMPLE), "--seed", "7", "--json"]
    first = _simulate(runner, args)
    assert first.exit_code == 0, first.output
    data = json.loads(first.output)
    for key in ("records", "relevant", "wss_at_95", "recall_at_10pct", "recall_at_25pct",
                "recall_at_50pct", "screened_to_find_all", "seed", "model", "prior"):
        assert key in data
    assert data["records"] == 300 and data["relevant"] == 30 and data["seed"] == 7
    second = json.loads(_simulate(runner, args).output)
    first_data = {k: v for k, v in data.items() if k != "seconds"}
    assert first_data == {k: v for k, v in second.items() if k != "seconds"}


def test_out_and_plot(tmp_path: Path) -> None:
    result = _simulate(CliRunner(), [str(SAMPLE), "--retrain-every", "10", "--out",
                                                   str(tmp_path / "sim"), "--plot", str(tmp_path / "c.svg")])
    assert result.exit_code == 0, result.output
    assert "WSS@95" in result.output and "recall@10%" in result.output
    for name in ("simulation.json", "recall_curve.csv", "recall_curve.png"):
        assert (tmp_path / "sim" / name).stat().st_size > 0
    assert (tmp_path / "c.svg").is_file()
    assert json.loads((tmp_path / "sim" / "simulation.json").read_text())["relevant"] == 30


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "content,args,expected",
    [
        (None, [], "no such file"),
        ("title,abstract,label_included\na,b,1\nc,d,0\n", ["--label-column", "decision"],
         "decision: no label column 'decision'"),
        ("title,abstract,score\na,b,1\nc,d,0\n", [], "label_included: no label column"),
        ("title,abstract,label_included\na,b,1\n\"c\nmore\",d,yes\n", [], ":3: label_included: label must be 0 or 1, got 'yes'"),
        ("title,abstract,label_included\na,b,0\nc,d,0\n", [], "no relevant records"),
        ("name,abstract,label_included\na,b,1\nc,d,0\n", [], "title: no 'title' column"),
        ("", [], "the file is empty"),
    ],
    ids=["missing-file", "missing-column", "no-label-column", "bad-label", "no-relevant", "no-title", "empty"],
)
def test_bad_input_exits_2_naming_file(tmp_path: Path, content: str | None, args: list[str],
                                       expected: str) -> None:
    path = tmp_path / "labelled.csv"
    if content is not None:
        _write(path, content)
    result = _simulate(CliRunner(), [str(path), *args])
    assert result.exit_code == 2
    assert str(path) in result.output and expected in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_library_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError) as info:
        simulate(_write(tmp_path / "x.csv", "title,label\na,2\nb,0\n"))
    assert info.value.line == 2 and info.value.field == "label"


def test_plot_shows_elas_u4_from_the_same_start_and_the_stopping_bound(tmp_path: Path) -> None:
    protocol = _write(tmp_path / "protocol.txt", "Nudges aimed at physicians and other healthcare professionals")
    result = _simulate(CliRunner(), [str(SAMPLE), "--retrain-every", "10", "--model", "protocol", "--protocol",
                                     str(protocol), "--plot", str(tmp_path / "c.svg"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "[protocol]" in result.output
    svg = (tmp_path / "c.svg").read_text(encoding="utf-8")
    assert "elas-u4, same start" in svg and "95% stopping bound" in svg
    alone = _simulate(CliRunner(), [str(SAMPLE), "--retrain-every", "10", "--model", "elas-u4",
                                    "--plot", str(tmp_path / "e.svg"), "--quiet"])
    assert alone.exit_code == 0, alone.output
    assert "same start" not in (tmp_path / "e.svg").read_text(encoding="utf-8")


def test_stopping_bound_curve_is_a_recall_it_guarantees() -> None:
    from review.screening.recall_plot import bound_curve

    result = simulate(SAMPLE, seed=1, full=True, retrain_every=10)
    xs, ys = bound_curve(result)
    found = np.cumsum(result.labels_in_order)
    assert xs and all(0.0 <= y <= 1.0 for y in ys)
    for x, y in zip(xs, ys, strict=True):  # never above the true recall (the bound held)
        assert y <= found[round(x * result.records) - 1] / result.relevant + 1e-9


def test_unknown_model_exits_2() -> None:
    result = _simulate(CliRunner(), [str(SAMPLE), "--model", "bert"])
    assert result.exit_code == 2 and "unknown model 'bert'" in result.output
