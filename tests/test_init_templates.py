"""`review init` writes starter protocols (criteria, theories, studies) that load as they are,
and whose commented examples load too once uncommented."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from review.cli import main
from review.studies import load_protocol
from review.synthesis.protocol import load_theories


def _init(tmp_path: Path, runner: CliRunner) -> Path:
    target = tmp_path / "w"
    result = runner.invoke(main, ["init", str(target)])
    assert result.exit_code == 0, result.output
    return target / "protocols"


def _example(text: str) -> str:
    """The commented "Example:" block of a template, uncommented."""
    block = text.split("# Example:\n", 1)[1].split("\n")
    lines = []
    for line in block:
        if not line.startswith("#   "):
            break
        lines.append(line[4:])
    return "\n".join(lines) + "\n"


def test_init_writes_protocols_that_load_empty(tmp_path: Path, runner: CliRunner) -> None:
    protocols = _init(tmp_path, runner)
    assert {"criteria.yaml", "studies.yaml", "theories.yaml"} <= {p.name for p in protocols.iterdir()}
    theories = load_theories(protocols / "theories.yaml")
    assert [t.id for t in theories.topics] == ["main"] and theories.theories == ()
    studies = load_protocol(protocols / "studies.yaml")
    assert (studies.unit, studies.unit_plural, studies.fields) == ("study", "studies", ())


def test_template_comments_explain_every_field(tmp_path: Path, runner: CliRunner) -> None:
    protocols = _init(tmp_path, runner)
    theories = (protocols / "theories.yaml").read_text(encoding="utf-8")
    for key in ("id", "topic", "label", "context", "mechanism_resource", "mechanism_reasoning", "outcome"):
        assert re.search(rf"^#   {key}\b", theories, re.M), key
    studies = (protocols / "studies.yaml").read_text(encoding="utf-8")
    for key in ("unit", "unit_plural", "fields", "id", "label", "values", "multiple"):
        assert re.search(rf"^#\s+{key}\b", studies, re.M), key


def test_template_examples_load_once_uncommented(tmp_path: Path, runner: CliRunner) -> None:
    protocols = _init(tmp_path, runner)
    theories = tmp_path / "theories.yaml"
    theories.write_text(_example((protocols / "theories.yaml").read_text(encoding="utf-8")), encoding="utf-8")
    loaded = load_theories(theories)
    assert [(t.id, t.topic) for t in loaded.theories] == [("T1", "take-up")]
    assert loaded.theories[0].mechanism_reasoning.startswith("Feels safe")
    studies = tmp_path / "studies.yaml"
    studies.write_text(_example((protocols / "studies.yaml").read_text(encoding="utf-8")), encoding="utf-8")
    protocol = load_protocol(studies)
    assert protocol.unit_plural == "interventions"
    assert [f.id for f in protocol.fields] == ["country", "format", "mode"]
    assert protocol.field_for("Mode").multiple


def test_init_keeps_a_protocol_already_there(tmp_path: Path, runner: CliRunner) -> None:
    target = tmp_path / "w"
    (target / "protocols").mkdir(parents=True)
    (target / "protocols" / "theories.yaml").write_text("topics: [{id: mine, label: Mine}]\n", encoding="utf-8")
    assert runner.invoke(main, ["init", str(target)]).exit_code == 0
    assert (target / "protocols" / "theories.yaml").read_text(encoding="utf-8").startswith("topics: [{id: mine")


def _settings_read_by_the_code() -> set[tuple[str, str]]:
    """(section, key) of every ``setting("section", "key", ...)`` in the package, the
    [dedup] settings and the [review] and [database] keys."""
    from dataclasses import fields

    from review.corpus.dedup.settings import DedupSettings

    package = Path(__file__).resolve().parent.parent / "review"
    found = {("review", "title"), ("review", "question"), ("database", "url")}
    pattern = re.compile(r"""setting\(\s*["'](\w+)["'],\s*["'](\w+)["']""")
    for path in package.rglob("*.py"):
        found.update(pattern.findall(path.read_text(encoding="utf-8")))
    found.update(("dedup", f.name) for f in fields(DedupSettings))
    return found


def test_review_toml_lists_every_setting_with_a_comment(tmp_path: Path, runner: CliRunner) -> None:
    import tomllib

    from review.corpus.dedup.settings import DedupSettings

    text = (_init(tmp_path, runner).parent / "review.toml").read_text(encoding="utf-8")
    sections: dict[str, list[str]] = {}
    current = ""
    for line in text.splitlines():
        header = re.match(r"^#?\s*\[+([\w.]+)\]+", line)
        if header:
            current = header.group(1)
        sections.setdefault(current, []).append(line)
    wanted = _settings_read_by_the_code()
    assert ("screening", "reviewers_per_work") in wanted and ("dedup", "year_gap") in wanted
    for section, key in sorted(wanted):
        lines = sections.get(section, [])
        where = [i for i, line in enumerate(lines) if re.match(rf"^#?\s*{key}\s*=", line)]
        assert where, f"[{section}] {key} is not in review.toml"
        above = [line for line in lines[:where[0]] if not re.match(r"^\w+\s*=", line)]  # past its neighbours
        assert above and above[-1].startswith("# ") and not re.match(r"^#\s*\w+\s*=", above[-1]), \
            f"[{section}] {key} has no comment above it"
    config = tomllib.loads(text)
    assert config["dedup"] == DedupSettings().as_dict()  # the defaults, written out
    assert config["screening"]["reviewers_per_work"] == 1
