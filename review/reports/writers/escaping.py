"""One escaping function per table format: text in, text the format prints as is.

Markdown, HTML and LaTeX each have their own special characters, and text escaped for one
is wrong in another (``Rudberg \\& Smits`` is LaTeX, not Markdown). DOCX and CSV need none:
their libraries quote what they write. Every writer escapes through :data:`ESCAPE`.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import escape as _markup_escape

#: Characters Markdown (CommonMark, GitHub, pandoc) would read as markup anywhere in a line:
#: emphasis, code, links, HTML, table cells, strike-through, pandoc's $math$.
_MD_INLINE = re.compile(r"([\\`*_\[\]<>|~$])")
#: ``&name;`` / ``&#123;``: the only place ``&`` is markup (an entity).
_MD_ENTITY = re.compile(r"&(?=#?\w+;)")
#: A number then ``.`` or ``)`` at the start of a line: an ordered list.
_MD_ORDERED = re.compile(r"^\d+(?=[.)])")


def markdown(text: str, *, paragraph: bool = False) -> str:
    """Text that Markdown prints as is; line breaks become ``<br>`` (they would end a table row).

    Args:
        paragraph: the text starts a line of its own (a note under a table), where ``#``,
            ``-``, ``+``, ``=`` and ``1.`` would make a heading, list or rule; in a cell
            they are plain text and stay as they are.
    """
    return "<br>".join(_md_line(line, paragraph and not number) for number, line in enumerate(text.split("\n")))


def _md_line(line: str, paragraph: bool) -> str:
    line = _MD_ENTITY.sub(r"\\&", _MD_INLINE.sub(r"\\\1", " ".join(line.split())))
    if not paragraph:
        return line
    ordered = _MD_ORDERED.match(line)
    if ordered:  # "1. text" is a numbered list
        return line[:ordered.end()] + "\\" + line[ordered.end():]
    if line[:1] in ("#", "-", "+", "="):  # a heading, a list, a rule
        return "\\" + line
    return line


def html(text: str) -> str:
    """Text that HTML prints as is (what the autoescaped templates do to every value)."""
    return str(_markup_escape(text))


_LATEX = {
    "\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#", "_": r"\_",
    "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}", "^": r"\textasciicircum{}",
    "<": r"\textless{}", ">": r"\textgreater{}", "|": r"\textbar{}",
}


def latex(text: str) -> str:
    """Text that LaTeX prints as is; line breaks become ``\\newline``."""
    return r" \newline ".join("".join(_LATEX.get(ch, ch) for ch in " ".join(line.split()))
                               for line in text.split("\n"))


def plain(text: str) -> str:
    """DOCX and CSV: no escaping (python-docx and the csv module quote what they write)."""
    return text


#: The escaping function of each table format.
ESCAPE: dict[str, Callable[[str], str]] = {"md": markdown, "html": html, "tex": latex, "docx": plain, "csv": plain}
