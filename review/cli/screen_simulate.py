"""``review screen simulate``: replay a labelled dataset through the ranking model.

A thin layer over :func:`review.screening.simulate.simulate`; needs no workspace.
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from review.cli.progress import progress_bar
from review.errors import InputError


class BadInput(click.ClickException):
    """Bad input: a one-line message and exit status 2."""

    exit_code = 2


def _percent(value: float) -> str:
    return f"{value * 100:.1f}%"


@click.command("simulate")
@click.argument("labelled", metavar="LABELLED.csv", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--label-column", default=None, metavar="COLUMN",
              help="The 0/1 label column (default: label_included, else label, else included).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed for the starting pair (one relevant, one irrelevant) and the model.")
@click.option("--retrain-every", type=click.IntRange(min=1), default=1, show_default=True,
              help="Retrain after every K decisions (1 = after each, like ASReview).")
@click.option("--full", is_flag=True,
              help="Screen every record instead of stopping once all relevant ones are found.")
@click.option("--json", "as_json", is_flag=True, help="Print one JSON object instead of a table.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Write simulation.json, recall_curve.csv and recall_curve.png into DIR.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write the recall curve plot to FILE (.png, .svg or .pdf).")
@click.option("--model", default=None, metavar="NAME",
              help="The ranking model (default: the default of review screen; elas-u4 is "
                   "ASReview's default; see docs/screening-prioritisation.md).")
@click.option("--protocol", "protocol_file", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              default=None, help="A text file with the review question and criteria (models "
                                 "protocol, combo, combo-fast, combo-lite and rerank).")
@click.option("--quiet", is_flag=True, help="No progress bar.")
def simulate(labelled: Path, label_column: str | None, seed: int, retrain_every: int, full: bool,
             as_json: bool, out_dir: Path | None, plot_path: Path | None, model: str | None,
             protocol_file: Path | None, quiet: bool) -> None:
    """Replay a labelled dataset through the prioritised ranking and measure it.

    LABELLED.csv has a title column, an abstract column (may be empty) and a 0/1 label
    column. Like ASReview, the replay starts from one relevant and one irrelevant record
    drawn with --seed, then screens one record at a time in the model's order, retraining
    after each decision. Reports recall after 10, 25 and 50% of records screened, WSS@95
    (Cohen et al. 2006), the number screened to find every relevant record and, at 10, 25
    and 50%, the stopping bound on relevant records remaining against the truth. The plot
    shows ELAS u4 (ASReview's default) from the same two records beside any other model,
    and the recall the stopping bound guarantees. No workspace is needed.

    Example:

    \b
        review screen simulate Nagtegaal_2019.csv --seed 1 --out sim/
        review screen simulate labelled.csv --label-column label_abstract_screening --json
        review screen simulate labelled.csv --model elas-u4 --plot curve.png
    """
    from review.screening.simulate import plot_curve, write_curve_csv
    from review.screening.simulate import simulate as run

    protocol = protocol_file.read_text(encoding="utf-8", errors="replace") if protocol_file else ""
    try:
        with progress_bar("Relevant records found", quiet=quiet or as_json) as bar:
            result = run(labelled, label_column=label_column, seed=seed, retrain_every=retrain_every,
                         full=full, model=model, protocol=protocol, progress=bar.callback)
        baseline = None
        if (out_dir is not None or plot_path is not None) and not result.model.endswith("[elas-u4]"):
            baseline = run(labelled, label_column=label_column, seed=seed, retrain_every=retrain_every,
                           full=full, model="elas-u4", prior=result.prior)
    except InputError as e:
        raise BadInput(str(e)) from e

    written: list[Path] = []
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        (out_dir / "simulation.json").write_text(json.dumps(result.to_json(), indent=2) + "\n",
                                                  encoding="utf-8")
        written += [out_dir / "simulation.json", write_curve_csv(result, out_dir / "recall_curve.csv"),
                    plot_curve(result, out_dir / "recall_curve.png", baseline)]
    if plot_path is not None:
        written.append(plot_curve(result, plot_path, baseline))

    if as_json:
        click.echo(json.dumps(result.to_json()))
        return
    click.echo(f"{result.path}: {result.records} records, {result.relevant} relevant "
               f"(label column {result.label_column}), seed {result.seed}")
    rows = [("model", result.model)]
    rows += [(f"recall@{round(p * 100)}%", _percent(value)) for p, value in result.recall.items()]
    rows += [("WSS@95", f"{result.wss_at_95:.3f}"),
             ("screened to find all", f"{result.screened_to_find_all} of {result.records} ("
              f"{_percent((result.screened_to_find_all or result.records) / result.records)})")]
    for check in result.checkpoints:
        share = _percent(check.screened / result.records)
        bound = ("no figure yet (too few decisions)" if check.high is None
                 else f"at most {check.high:.0f} (95% bound)")
        rows.append((f"remaining @ {share}", f"{bound}; truly {check.true_remaining}"))
    for label, value in rows:
        click.echo(f"  {label:<22}{value}")
    for path in written:
        click.echo(f"  wrote {path}")
