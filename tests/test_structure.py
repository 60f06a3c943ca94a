"""The package's shape: no import cycles, and every stage and command wired by plain imports."""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "review"


def _modules() -> dict[str, Path]:
    found = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or \
        (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at the top or inside functions, except under TYPE_CHECKING."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack: list[ast.AST] = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
        elif isinstance(node, ast.If) and _is_type_checking(node.test):
            stack.extend(node.orelse)
        elif isinstance(node, ast.stmt | ast.Module):
            stack.extend(child for child in ast.iter_child_nodes(node) if isinstance(child, ast.stmt))
    return found


def _imports(name: str, path: Path, modules: dict[str, Path]) -> set[str]:
    """The review modules ``name`` imports, at the top or inside functions (not TYPE_CHECKING)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    wanted: set[str] = set()
    for node in _import_nodes(tree):
        if isinstance(node, ast.Import):
            wanted.update(alias.name for alias in node.names)
        else:
            base = node.module or ""
            if node.level:
                package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]
                package = package[: len(package) - node.level + 1]
                base = ".".join(package + ([base] if base else []))
            for alias in node.names:
                sub = f"{base}.{alias.name}"
                wanted.add(sub if sub in modules else base)
    found = set()
    for target in wanted:
        while target and target not in modules:
            target = target.rpartition(".")[0]
        if target and target != name:
            found.add(target)
    return found


def import_cycles(modules: dict[str, Path]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan's algorithm)."""
    graph = {name: _imports(name, path, modules) for name, path in modules.items()}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    cycles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for other in graph[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in on_stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                group.append(top)
                if top == node:
                    break
            if len(group) > 1:
                cycles.append(sorted(group))

    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    for name in sorted(graph):
        if name not in index:
            visit(name)
    return cycles


def test_no_import_cycles_in_review() -> None:
    cycles = import_cycles(_modules())
    assert not cycles, "modules importing each other (each module should sit above what it uses): " + \
        "; ".join(" <-> ".join(group) for group in cycles)


def test_cycle_finder_sees_a_lazy_cycle(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text("from pkg import b\n", encoding="utf-8")
    (tmp_path / "b.py").write_text("def f():\n    from pkg.a import x\n", encoding="utf-8")
    (tmp_path / "c.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg import a\n",
                                   encoding="utf-8")
    modules = {f"pkg.{p.stem}": p for p in tmp_path.glob("*.py")}
    assert import_cycles(modules) == [["pkg.a", "pkg.b"]]


@pytest.mark.parametrize("module", ["review.status", "review.cli.screen", "review.pipeline",
                                    "review.cli"])
def test_no_module_lookup_by_name(module: str) -> None:
    """Stages and commands are wired by plain imports: a missing module fails at import time."""
    path = _modules()[module]
    text = path.read_text(encoding="utf-8")
    assert "importlib" not in text, f"{module} looks modules up by name"


def test_a_missing_stage_module_fails_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """Were a stage's summary module missing, importing status fails instead of skipping it."""
    import importlib

    import review.status

    monkeypatch.setitem(sys.modules, "review.screening.summary", None)
    with pytest.raises(ImportError):
        importlib.reload(review.status)
    monkeypatch.undo()
    importlib.reload(review.status)


def test_a_missing_command_module_fails_at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib

    import review.cli.screen

    monkeypatch.setitem(sys.modules, "review.cli.screen_simulate", None)
    with pytest.raises(ImportError):
        importlib.reload(review.cli.screen)
    monkeypatch.undo()
    importlib.reload(review.cli.screen)


def test_every_stage_and_command_is_registered() -> None:
    from review.cli import main
    from review.pipeline import PIPELINE_STEPS
    from review.status import STAGE_SUMMARIES

    assert {"import", "export", "dedup", "screen", "fulltext", "criteria", "run", "status", "init",
            "sources"} <= set(main.commands)
    screen = main.commands["screen"]
    assert {"import", "export", "simulate", "decide", "undo"} <= set(screen.commands)  # type: ignore[attr-defined]
    assert len(PIPELINE_STEPS) >= 2
    assert len(STAGE_SUMMARIES) >= 2
