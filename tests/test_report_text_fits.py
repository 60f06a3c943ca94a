"""Every text of the drawn outputs fits: the flow diagram's lines inside their boxes and its
footnotes inside the page (measured in DejaVu Sans, the widest font it falls back to), and
every title, label and tick of a plot inside the saved image."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import matplotlib
import pytest
from click.testing import CliRunner
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.textpath import TextToPath
from report_support import CORPUS, open_workspace

from review.cli import main

matplotlib.use("Agg")
SVG = "{http://www.w3.org/2000/svg}"
_MEASURE = TextToPath()


def _width(text: str, size: float, bold: bool) -> float:
    font = FontProperties(family="DejaVu Sans", size=size, weight="bold" if bold else "normal")
    return _MEASURE.get_text_width_height_descent(text, font, ismath=False)[0]


def _overflows(svg_path: Path) -> list[str]:
    """Each text of a flow diagram that does not fit its box (or the page), with by how much."""
    root = ET.parse(svg_path).getroot()
    page = float(root.get("width"))
    base = float(root.get("font-size"))
    found = []

    def check(text: str, left: float, right: float, start: float, size: float, bold: bool, anchor: str) -> None:
        width = _width(text, size, bold)
        x0 = start - width / 2 if anchor == "middle" else start
        if x0 < left - 0.5 or x0 + width > right + 0.5:
            found.append(f"{text!r}: {x0:.0f}..{x0 + width:.0f} outside {left:.0f}..{right:.0f}")

    for group in root.iter(f"{SVG}g"):
        size = float(group.get("font-size", base))
        rect = group.find(f"{SVG}rect")
        for text in group.findall(f"{SVG}text"):
            bold = text.get("font-weight") == "bold"
            if text.get("transform"):  # a rotated side label: its length runs along the rect's height
                assert rect is not None
                if _width(text.text or "", size, bold) > float(rect.get("height")):
                    found.append(f"side label {text.text!r} longer than its box")
                continue
            left, right = (float(rect.get("x")), float(rect.get("x")) + float(rect.get("width"))) \
                if rect is not None else (0.0, page)
            spans = text.findall(f"{SVG}tspan") or [text]
            for span in spans:
                check(span.text or "", left, right, float(span.get("x")), size, bold, text.get("text-anchor", ""))
    for text in root.findall(f"{SVG}text"):  # the DRAFT mark
        check(text.text or "", 0.0, page, float(text.get("x")), float(text.get("font-size", base)),
              text.get("font-weight") == "bold", text.get("text-anchor", ""))
    return found


def test_the_flow_diagram_fits_its_text(built_example: Path) -> None:
    svg = built_example / "reports" / "prisma.svg"
    assert "reporting systematic reviews" in svg.read_text(encoding="utf-8")
    assert _overflows(svg) == []


def test_a_draft_flow_diagram_fits_its_text(tmp_path: Path) -> None:
    root = open_workspace(tmp_path)
    result = CliRunner().invoke(main, ["-C", str(root), "report", "prisma", "--draft", "--format", "svg"],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert _overflows(root / "reports" / "prisma.svg") == []


def _ticks_out_of_view(figure: Figure) -> set[int]:
    """Tick labels matplotlib keeps but does not draw (their tick lies outside the axis)."""
    hidden = set()
    for axes in figure.axes:
        for axis in (axes.xaxis, axes.yaxis):
            low, high = sorted(axis.get_view_interval())
            for tick in axis.get_major_ticks() + axis.get_minor_ticks():
                if not low - 1e-9 <= tick.get_loc() <= high + 1e-9:
                    hidden.update((id(tick.label1), id(tick.label2)))
    return hidden


@pytest.fixture
def saved(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every figure saved while the test runs is checked: each visible text inside the saved
    area (the figure, or the tight box around everything with bbox_inches="tight")."""
    problems: list[str] = []
    original = Figure.savefig

    def savefig(self: Figure, fname, *args, **kwargs):  # type: ignore[no-untyped-def]
        original(self, fname, *args, **kwargs)
        renderer = self._get_renderer()
        tight = kwargs.get("bbox_inches") == "tight"
        area = (self.get_tightbbox(renderer) if tight else self.bbox_inches).transformed(self.dpi_scale_trans)
        hidden = _ticks_out_of_view(self)
        for text in self.findobj(matplotlib.text.Text):
            if not text.get_visible() or not text.get_text().strip() or id(text) in hidden:
                continue
            box = text.get_window_extent(renderer)
            if box.x0 < area.x0 - 1 or box.x1 > area.x1 + 1 or box.y0 < area.y0 - 1 or box.y1 > area.y1 + 1:
                problems.append(f"{Path(str(fname)).name}: {text.get_text()!r} cut off")
        return None

    monkeypatch.setattr(Figure, "savefig", savefig)
    return problems


def test_every_report_plot_fits_its_text(example_copy: Path, tmp_path: Path, saved: list[str]) -> None:
    result = CliRunner().invoke(main, ["-C", str(example_copy), "report", "plots", "--out", str(tmp_path / "out")],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert len(list((tmp_path / "out").glob("plot-*.png"))) == 3
    assert saved == []


def test_the_overlap_plot_fits_its_title(tmp_path: Path, saved: list[str]) -> None:
    """Two sources: the smallest figure, where the title was cut at both ends."""
    root = open_workspace(tmp_path)
    for args in (("import", str(CORPUS / "organisations.ris"), "--source", "Organisations", "--kind", "organisation"),
                 ("dedup",), ("dedup", "overlap", "--out", str(tmp_path / "o"))):
        result = CliRunner().invoke(main, ["-C", str(root), *args], catch_exceptions=False)
        assert result.exit_code == 0, result.output
    assert list((tmp_path / "o").glob("*.png"))
    assert saved == []


def test_the_check_sees_a_cut_title(tmp_path: Path, saved: list[str]) -> None:
    figure = Figure(figsize=(2, 2))
    figure.add_subplot().set_title("A title far too long for a figure two inches wide, cut at both ends")
    figure.savefig(tmp_path / "cut.png")
    assert saved and "cut off" in saved[0]


def test_the_recall_curve_fits_its_title(tmp_path: Path, saved: list[str]) -> None:
    """The simulation's title carries the file's name: a long one was cut at both ends."""
    sample = Path(__file__).resolve().parent / "data" / "screening" / "Nagtegaal_2019_sample.csv"
    labelled = tmp_path / "Nagtegaal_2019_sample_screened_by_two_reviewers_round_two.csv"
    labelled.write_bytes(sample.read_bytes())
    root = open_workspace(tmp_path)
    result = CliRunner().invoke(main, ["-C", str(root), "screen", "simulate", str(labelled), "--quiet",
                                       "--plot", str(tmp_path / "curve.png")], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "curve.png").is_file()
    assert saved == []
