"""Two steps bibtexparser v2 leaves to us, in its own style: a middleware that expands
``#`` concatenation, and a repair of a missing comma between fields (with a warning).
"""

from __future__ import annotations

import re
from pathlib import Path

from bibtexparser.library import Library
from bibtexparser.middlewares.middleware import LibraryMiddleware

from review.corpus.formats._lenient import MAX_LISTED

_MONTHS = {m: name for m, name in zip(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"),
    ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"), strict=True)}


def split_concatenation(value: str) -> list[str] | None:
    """The parts of ``a # "b" # {c}`` (delimiters kept), or None when there is no ``#``
    outside braces and quotes."""
    if "#" not in value:
        return None
    parts: list[str] = []
    depth, quoted, start = 0, False, 0
    for index, char in enumerate(value):
        if char == "\\":
            continue
        if char == "{" and (index == 0 or value[index - 1] != "\\"):
            depth += 1
        elif char == "}" and (index == 0 or value[index - 1] != "\\"):
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(value[start:index].strip())
            start = index + 1
    if not parts:
        return None
    parts.append(value[start:].strip())
    return parts


def _unenclose(value: str) -> str:
    if len(value) >= 2 and (value[0], value[-1]) in (("{", "}"), ('"', '"')):
        return value[1:-1]
    return value


class ConcatenationMiddleware(LibraryMiddleware):
    """Expand ``stefan # " and " # xav`` into one braced value: each part a quoted or braced
    text, a number, an @string macro (names case-insensitive) or a month abbreviation.
    Runs before bibtexparser's ResolveStringReferences and RemoveEnclosing middlewares."""

    @classmethod
    def metadata_key(cls) -> str:
        return "review.Concatenation"

    def transform(self, library: Library) -> Library:
        strings = {key.lower(): s.value for key, s in library.strings_dict.items()}
        for entry in library.entries:
            for field in entry.fields:
                if isinstance(field.value, str) and (parts := split_concatenation(field.value)):
                    field.value = "{" + "".join(self._part(p, strings, 0) for p in parts) + "}"
        return library

    def _part(self, part: str, strings: dict[str, str], depth: int) -> str:
        if part[:1] in ('"', "{"):
            return _unenclose(part)
        macro = strings.get(part.lower())
        if macro is not None:
            inner = split_concatenation(macro) if depth < 5 else None
            if inner:
                return "".join(self._part(p, strings, depth + 1) for p in inner)
            return _unenclose(macro.strip())
        return _MONTHS.get(part.lower(), part)


_NO_COMMA_QUICK = re.compile(r"""[}"\w][ \t]*\n[ \t]*[A-Za-z][\w:.-]*[ \t]*=""")
_KEY = re.compile(r"([A-Za-z][\w:.-]*)[ \t]*=")


def repair_missing_commas(text: str, path: Path) -> tuple[str, list[str]]:
    """A field whose value is not followed by a comma before the next field's line: the
    comma put back, with a warning naming the file, the line and the field. Read strictly,
    bibtexparser pours the next field into this one's value."""
    if _NO_COMMA_QUICK.search(text) is None:
        return text, []
    inserts: list[tuple[int, int, str]] = []  # (offset, line, field)
    for match in _NO_COMMA_QUICK.finditer(text):
        entry = text.rfind("\n@", 0, match.start()) + 1
        if entry == 0 and not text.startswith("@"):
            continue
        state = _scan(text, entry, match.start() + 1)
        if state is None:
            continue
        field = state
        inserts.append((match.start() + 1, text.count("\n", 0, match.start()) + 1, field))
    if not inserts:
        return text, []
    warnings = [f"{path}:{line}: {field}: no comma after the value before the next field; read as "
                "two fields" for _offset, line, field in inserts[:MAX_LISTED]]
    if len(inserts) > MAX_LISTED:
        warnings.append(f"{path}: {len(inserts) - MAX_LISTED} more fields like these read the same way")
    pieces, last = [], 0
    for offset, _line, _field in inserts:
        pieces.extend((text[last:offset], ","))
        last = offset
    pieces.append(text[last:])
    return "".join(pieces), warnings


def _scan(text: str, start: int, end: int) -> str | None:
    """The name of the field whose value ends at ``end`` when ``end`` lies between fields of
    the entry opened at ``start`` (brace depth 1, outside quotes), else None."""
    depth, quoted, field = 0, False, None
    index = start
    while index < end:
        char = text[index]
        if char == "\\":
            index += 2
            continue
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth <= 0:
                return None  # the entry closed before
        elif char == '"' and depth == 1:
            quoted = not quoted
        elif char == "," and depth == 1 and not quoted:
            field = None
        elif depth == 1 and not quoted and field is None and (key := _KEY.match(text, index)):
            field = key.group(1)
            index = key.end()
            continue
        index += 1
    return field if depth == 1 and not quoted and field else None
