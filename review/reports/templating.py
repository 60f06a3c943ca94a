"""Jinja2 templates: the workspace's reports/templates/ first, the package's defaults second.

A workspace template overrides the default of the same name; the defaults stay reachable as
``default:NAME`` so an override can ``{% extends "default:table.html.j2" %}`` and change one
block. HTML, SVG and XML templates are autoescaped; StrictUndefined makes a missing value
an error instead of an empty string.
"""

from __future__ import annotations

from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    PackageLoader,
    PrefixLoader,
    StrictUndefined,
    TemplateError,
)

from review.errors import ConfigError

TEMPLATE_DIR = ("reports", "templates")
_ESCAPED = (".html", ".htm", ".svg", ".xml")


def _autoescape(name: str | None) -> bool:
    if not name:
        return False
    base = name[:-3] if name.endswith(".j2") else name
    return base.endswith(_ESCAPED)


def environment(workspace_root: Path | None = None) -> Environment:
    """The template environment for a workspace (or the package defaults alone)."""
    package = PackageLoader("review.reports", "templates")
    loaders: list = []
    if workspace_root is not None:
        folder = Path(workspace_root).joinpath(*TEMPLATE_DIR)
        if folder.is_dir():
            loaders.append(FileSystemLoader(str(folder)))
    loaders.append(PrefixLoader({"default": package}, delimiter=":"))
    loaders.append(package)
    env = Environment(loader=ChoiceLoader(loaders), autoescape=_autoescape,
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters["n"] = lambda value: "NA" if value is None else f"{int(value):,}"
    return env


def render_template(env: Environment, name: str, **context: object) -> str:
    """Render one template; a template error names the template and line.

    Raises:
        ConfigError: the template is missing, malformed or uses an undefined value.
    """
    try:
        return env.get_template(name).render(**context)
    except TemplateError as exc:
        where = getattr(exc, "filename", None) or name
        line = getattr(exc, "lineno", None)
        raise ConfigError(f"template {name}: {exc.message or exc}", path=where, line=line) from exc
