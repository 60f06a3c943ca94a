"""Reading protocol YAML files node by node, so every problem has a line and a key.

The protocol loaders (studies, theories) walk :func:`yaml.compose`'s node tree rather than
the plain values: a missing key, a wrong type or a duplicate id is reported as
``FILE:LINE: key: what is wrong`` (:class:`review.errors.ConfigError`, exit status 2).
"""

from __future__ import annotations

from pathlib import Path

import yaml

from review.errors import ConfigError

Fields = dict[str, tuple[yaml.Node, yaml.Node]]


def _compose(text: str) -> yaml.Node | None:
    try:  # libyaml when installed: some 30 times faster (a protocol is read by every command needing it)
        return yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError:
        return yaml.compose(text, Loader=yaml.SafeLoader)  # the pure-Python parser words the error


def compose(path: Path, what: str) -> yaml.Node:
    """The node tree of a YAML file.

    Raises:
        ConfigError: the file is missing, not UTF-8, not YAML, or empty.
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError as exc:
        raise ConfigError(f"{what} not found", path=path) from exc
    except UnicodeDecodeError as exc:
        raise ConfigError("not UTF-8 text", path=path) from exc
    try:
        root = _compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise ConfigError(f"not valid YAML: {problem}", path=path,
                          line=mark.line + 1 if mark else None) from exc
    if root is None:
        raise ConfigError("the file is empty", path=path, line=1)
    return root


class NodeReader:
    """Typed access to YAML nodes; every failure is a ConfigError naming file, line and key."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def fail(self, node: yaml.Node | None, key: str, message: str) -> ConfigError:
        line = node.start_mark.line + 1 if node is not None else None
        return ConfigError(message, path=self.path, line=line, field=key or None)

    def mapping(self, node: yaml.Node, key: str, allowed: tuple[str, ...],
                required: tuple[str, ...] = ()) -> Fields:
        """A mapping's (key node, value node) pairs by key; unknown or missing keys fail."""
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, key, f"expected a mapping with keys {', '.join(allowed)}")
        found: Fields = {}
        for key_node, value_node in node.value:
            name = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            where = f"{key}.{name}" if key else str(name)
            if name not in allowed:
                raise self.fail(key_node, where, f"unknown key (expected one of: {', '.join(allowed)})")
            if name in found:
                raise self.fail(key_node, where, "duplicate key")
            found[name] = (key_node, value_node)
        for name in required:
            if name not in found or _is_null(found[name][1]):
                raise self.fail(node, f"{key}.{name}" if key else name, "missing required key")
        return found

    def sequence(self, node: yaml.Node, key: str) -> list[yaml.Node]:
        """A list's item nodes (an empty value is an empty list)."""
        if _is_null(node):
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, key, "expected a list")
        return list(node.value)

    def text(self, node: yaml.Node, key: str, *, required: bool = True) -> str:
        """A scalar as text, whitespace collapsed (numbers are taken as written)."""
        if _is_null(node):
            if required:
                raise self.fail(node, key, "must not be empty")
            return ""
        if not isinstance(node, yaml.ScalarNode) or node.tag.endswith((":bool", ":map", ":seq")):
            raise self.fail(node, key, "expected text (quote it)")
        value = " ".join(node.value.split())
        if required and not value:
            raise self.fail(node, key, "must not be empty")
        return value

    def optional(self, fields: Fields, name: str, key: str) -> str:
        """An optional text field ('' when absent or empty)."""
        return self.text(fields[name][1], f"{key}.{name}", required=False) if name in fields else ""

    def boolean(self, node: yaml.Node, key: str) -> bool:
        if not isinstance(node, yaml.ScalarNode) or not node.tag.endswith(":bool"):
            raise self.fail(node, key, "expected true or false")
        return node.value.lower() in ("true", "yes", "on")

    def integer(self, node: yaml.Node, key: str) -> int:
        if not isinstance(node, yaml.ScalarNode) or not node.tag.endswith(":int"):
            raise self.fail(node, key, "expected a whole number")
        return int(node.value)


def _is_null(node: yaml.Node) -> bool:
    return isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")


def line_of(node: yaml.Node) -> int:
    """A node's 1-based line."""
    return node.start_mark.line + 1
