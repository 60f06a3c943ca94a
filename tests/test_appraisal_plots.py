"""The MMAT plots stay readable as reports grow: the figure grows, the text does not shrink."""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
from matplotlib.image import imread

from review.appraisal import bundled, plot_summary, plot_traffic_light
from review.appraisal.table import category_label
from review.errors import InputError


def synthetic(n: int, seed: int = 7) -> dict:
    """A table shaped like appraisal_table's, with n reports across every category."""
    tool = bundled()
    rng = random.Random(seed)
    reports = []
    for number in range(n):
        kind = ["1", "2", "3", "4", "5", "not-applicable"][number % 6]
        categories = [kind, "1", rng.choice("234")] if kind == "5" else [kind]
        items = [] if kind == "not-applicable" else tool.items_for(categories)
        answers = {i: {"answer": rng.choice(["yes", "yes", "no", "cant-tell", "conflict"]), "comment": None,
                       "reviewers": {}} for i in items}
        reports.append({"report": number + 1, "citation": f"Author{number} et al. (20{number % 20:02d})",
                        "title": "t", "study": f"#{number // 2 + 1}", "categories": categories,
                        "category_label": category_label(tool, categories),
                        "status": "not-applicable" if kind == "not-applicable" else "appraised",
                        "not_applicable_reason": "a description of a programme" if kind == "not-applicable" else None,
                        "screening_flag": answers.get("S1", {}).get("answer") == "no", "answers": answers,
                        "criteria_met": 0, "criteria_rated": 0})
    return {"instrument": tool.describe(),
            "categories": [{"id": c.id, "label": c.label, "items": c.item_ids} for c in tool.categories],
            "items": [{"id": i.id, "category": i.category, "text": i.text} for c in tool.categories for i in c.items],
            "screening": [{"id": i.id, "text": i.text} for i in tool.screening], "reports": reports}


@pytest.mark.parametrize("draw", [plot_traffic_light, plot_summary])
def test_plots_write_svg_and_png(draw, tmp_path: Path) -> None:
    table = synthetic(10)
    svg = draw(table, tmp_path / "p.svg")
    png = draw(table, tmp_path / "p.png")
    assert "Mixed Methods Appraisal Tool" in svg.read_text(encoding="utf-8")
    assert imread(png).shape[0] > 200
    with pytest.raises(InputError, match="plots are written as .svg or .png"):
        draw(table, tmp_path / "p.pdf")


def _size(svg: Path) -> tuple[float, float]:
    head = svg.read_text(encoding="utf-8")[:2000]
    width = float(re.search(r'width="([\d.]+)pt"', head).group(1))  # type: ignore[union-attr]
    height = float(re.search(r'height="([\d.]+)pt"', head).group(1))  # type: ignore[union-attr]
    return width, height


def test_traffic_light_grows_with_the_reports(tmp_path: Path) -> None:
    small = _size(plot_traffic_light(synthetic(10), tmp_path / "10.svg"))
    large = _size(plot_traffic_light(synthetic(60), tmp_path / "60.svg"))
    assert large[1] > 3 * small[1]  # six times the reports: much taller (headers are fixed), not squeezed
    assert abs(large[0] - small[0]) < 0.1 * small[0]  # same width: labels keep their size


def test_empty_table_says_so(tmp_path: Path) -> None:
    table = synthetic(0)
    assert "No report has been appraised yet." in plot_traffic_light(table, tmp_path / "t.svg").read_text(encoding="utf-8")
    assert "No report has been appraised yet." in plot_summary(table, tmp_path / "s.svg").read_text(encoding="utf-8")
